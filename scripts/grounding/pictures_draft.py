"""Draft the word -> pictures table (a curator's tool; run.sh does NOT run it).

It proposes matches from Noto Color Emoji names and openclipart-png file names, applies the
hand-made rules below, and writes scripts/grounding/pictures.draft.tsv. A person then reviews
the draft and commits it as scripts/grounding/pictures.tsv, which is what the pipeline reads.
"""
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from fontTools.ttLib import TTFont

from common import HERE, concrete_nouns

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
CLIPART = Path("/usr/share/openclipart/png")
DICT = Path("/usr/share/dict/american-english")  # Debian wamerican

# Emoji newer than Python 3.11's Unicode 14 tables (names from Unicode 15.0).
NEW_NAMES = {0x1FA87: "MARACAS", 0x1FA88: "FLUTE", 0x1FABC: "JELLYFISH", 0x1FABD: "WING",
             0x1FABF: "GOOSE", 0x1FACE: "MOOSE", 0x1FACF: "DONKEY", 0x1FADA: "GINGER ROOT",
             0x1FADB: "PEA POD", 0x1FABB: "HYACINTH", 0x1FAAD: "FOLDING HAND FAN"}

# Lexicon words whose emoji are not named by the word itself (curated by hand).
EMOJI_FOR = {
    "piano": ["MUSICAL KEYBOARD"], "fiddle": ["VIOLIN"], "flute": ["FLUTE"],
    "shirt": ["T-SHIRT"], "pants": ["JEANS"], "hat": ["TOP HAT", "WOMANS HAT", "BILLED CAP"],
    "gloves": ["GLOVES"], "shoes": ["MANS SHOE", "ATHLETIC SHOE"], "socks": ["SOCKS"],
    "coat": ["COAT", "LAB COAT"], "jeans": ["JEANS"], "boots": ["WOMANS BOOTS", "HIKING BOOT"],
    "sandals": ["WOMANS SANDAL"], "dress": ["DRESS"], "scarf": ["SCARF"],
    "eggplant": ["AUBERGINE"], "spinach": ["LEAFY GREEN"], "lettuce": ["LEAFY GREEN"],
    "peas": ["PEA POD"], "car": ["AUTOMOBILE", "ONCOMING AUTOMOBILE"],
    "bus": ["BUS", "ONCOMING BUS"], "truck": ["DELIVERY TRUCK", "ARTICULATED LORRY"],
    "taxi": ["TAXI", "ONCOMING TAXI"], "ambulance": ["AMBULANCE"], "minivan": ["MINIBUS"],
    "jeep": ["RECREATIONAL VEHICLE"], "wood": ["WOOD"], "brick": ["BRICK"], "stone": ["ROCK"],
    "heart": ["ANATOMICAL HEART"], "lungs": ["LUNGS"], "brain": ["BRAIN"],
    "cucumber": ["CUCUMBER"], "garlic": ["GARLIC"], "onion": ["ONION"], "jacket": ["COAT"],
}
# Clip-art for lexicon words whose file names do not start with the word (curated by hand).
CLIPART_FOR = {
    "copper": ["shapes/gradient-metal-copper.png"],
    "steel": ["shapes/gradient-metal-steel-bar.png", "shapes/gradient-metal-steel-blue.png"],
}
# Clip-art whose file name starts with the word but shows something else.
CLIPART_BLOCK = re.compile(r"coat_of_arms|potato_chips|heart_tiles|heart[-_](arrow|ballons|cluster|highlight|left)"
                           r"|^heart(_|$)|glass_(of|with)|stone_(age|wall)|car_(key|wash)|bus_stop"
                           r"|brain_?storm|wood_?(cut|pecker)|tile_(pattern|set)")
# Words never used as extra vocabulary (not picturable nouns or not words).
STOP = {"squared", "collision", "sparkles", "zzz", "hundred", "copyright", "registered",
        "trade", "interrobang", "information", "keycap", "infinity", "recycling", "radioactive",
        "biohazard", "medical", "warning", "atom", "peace", "yin", "wheel", "om", "place",
        "ophiuchus", "aries", "taurus", "gemini", "cancer", "leo", "virgo", "libra", "scorpius",
        "sagittarius", "capricorn", "aquarius", "pisces", "fire", "droplet", "dash", "bust",
        "speech", "footprints", "japanese", "mahjong", "joker", "dizzy", "anger", "boom"}
MAX_CLIPART = 8


def emoji_names():
    cmap = TTFont(FONT).getBestCmap()
    names = {}
    for cp in cmap:
        if cp < 0x2000:
            continue
        n = unicodedata.name(chr(cp), "") or NEW_NAMES.get(cp, "")
        if n and not any(t in n for t in ("LATIN", "REGIONAL", "DIGIT", "KEYCAP", "TAG ")):
            names[n] = cp
    return names


def singular(w):
    return w[:-1] if w.endswith("s") and not w.endswith("ss") else w


def main():
    english = {l.strip() for l in DICT.read_text(errors="ignore").splitlines() if l.strip().islower()}
    conc = concrete_nouns()
    cat_of = {w: c for c, ws in conc.items() for w in ws}
    names = emoji_names()

    pics = defaultdict(list)
    # 1. emoji: single-word names and 'ANIMAL FACE' names give extra vocabulary
    for n, cp in sorted(names.items(), key=lambda x: x[1]):
        toks = n.lower().split()
        w = None
        if len(toks) == 1 and toks[0].isalpha():
            w = toks[0]
        elif len(toks) == 2 and toks[1] == "face" and 0x1F400 <= cp <= 0x1F43F:
            w = toks[0]
        if w and w not in STOP and w in english and len(w) > 2:
            pics[w].append(f"emoji:U+{cp:04X}")
    for w, ns in EMOJI_FOR.items():
        for n in ns:
            ref = f"emoji:U+{names[n]:04X}" if n in names else None
            if ref and ref not in pics[w]:
                pics[w].append(ref)
    # 2. clip-art: file 'word_author_01.png'; the word must be first and the next token must
    #    not be an English word (which would make it a compound such as potato_chips)
    seen = set()
    byword = defaultdict(list)
    for p in sorted(CLIPART.rglob("*.png")):
        if p.name in seen or p.name.endswith("_bw.png"):
            continue
        seen.add(p.name)
        stem = p.stem.lower()
        toks = [t for t in re.split(r"[_\-\s]+", stem) if t and not t.isdigit()]
        if not toks or CLIPART_BLOCK.search(stem):
            continue
        nxt = toks[1] if len(toks) > 1 else ""
        if nxt and nxt in english and nxt not in {"colour", "color", "icon", "simple", "clipart"}:
            continue
        byword[toks[0]].append(str(p))
        if toks[0] != singular(toks[0]):
            byword[singular(toks[0])].append(str(p))
    vocab = set(pics) | set(cat_of)
    for w in sorted(vocab):
        for cand in {w, singular(w)}:
            for p in byword.get(cand, [])[:MAX_CLIPART]:
                if p not in pics[w] and len([r for r in pics[w] if not r.startswith("emoji")]) < MAX_CLIPART:
                    pics[w].append(p)
    for w, rels in CLIPART_FOR.items():
        for rel in rels:
            hits = sorted(CLIPART.rglob(Path(rel).name))
            if hits and str(hits[0]) not in pics[w]:
                pics[w].append(str(hits[0]))
    # 'heart' means the organ in the lexicon: only the anatomical-heart emoji
    pics["heart"] = [r for r in pics["heart"] if r.startswith("emoji")]

    out = ["# word\tcategory\tpictures (emoji:U+XXXX = Noto Color Emoji; paths = openclipart-png)"]
    for w in sorted(pics):
        if pics[w]:
            out.append(f"{w}\t{cat_of.get(w, 'extra')}\t{' '.join(pics[w])}")
    (HERE / "pictures.draft.tsv").write_text("\n".join(out) + "\n")
    covered = [w for w in cat_of if pics.get(w)]
    print(f"{len(out)-1} words; concrete nouns covered {len(covered)}/{len(cat_of)}")
    print("missing:", sorted(set(cat_of) - set(covered)))


if __name__ == "__main__":
    main()
