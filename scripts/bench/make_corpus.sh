#!/usr/bin/env bash
# The offline benchmark corpus: the paper's 189 words (those of models/lexicon/paper.tsv
# with a semantic category or a phonetic group), each said by 4 espeak-ng voices, one
# file per word: OUT/<word>_<voice>_0.wav (22.05 kHz, 16-bit) — 756 files, labelled by
# name. Synthetic speech of espeak-ng (GPL-3.0 tool; the audio is not shipped).
# Usage: scripts/bench/make_corpus.sh OUT_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out=${1:?usage: scripts/bench/make_corpus.sh OUT_DIR}
command -v espeak-ng >/dev/null || { echo "make_corpus: espeak-ng is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
mkdir -p "$out"
voices=(en-us en-gb en-gb-scotland en-gb-x-rp)
grep -v '^#' "$root/models/lexicon/paper.tsv" | awk -F'\t' '$2 != "-" || $3 != "-" { print $1 }' |
while read -r word; do
    for v in "${voices[@]}"; do
        espeak-ng -v "$v" -w "$out/${word}_${v//-/}_0.wav" "$word"
    done
done
echo "make_corpus: $(ls "$out" | wc -l) files in $out" >&2
