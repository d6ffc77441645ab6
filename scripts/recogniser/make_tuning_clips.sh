#!/usr/bin/env bash
# The recogniser's tuning clips: the ten digits and ten other words (most of them near
# homophones of a digit: "tin", "free", "heaven"…) said by espeak-ng voices at two speeds,
# one word per file named `<word>_<voice>_<speed>.wav`. The recogniser's defaults (context,
# snap margin) are chosen on these, never on FSDD or the Piper voice, which are held out
# for evaluation (models/whisper-tiny-en-decoder/TRAINING.md).
# Needs espeak-ng (scripts/install-deps.sh installs it).
# Usage: scripts/recogniser/make_tuning_clips.sh OUT_DIR
set -euo pipefail
out="${1:?usage: make_tuning_clips.sh OUT_DIR}"
command -v espeak-ng >/dev/null || { echo "make_tuning_clips: espeak-ng is missing" >&2; exit 1; }
mkdir -p "$out"
digits=(zero one two three four five six seven eight nine)
others=(tin free heaven fine sticks gate wine hero window table)
voices=(en-us en-gb en-gb-scotland en-gb-x-rp en-029 en-us+f3 en-gb+f4 en-gb-x-gbclan)
for voice in "${voices[@]}"; do
    for speed in 130 175; do
        i=0
        for word in "${digits[@]}"; do
            espeak-ng -v "$voice" -s "$speed" -w "$out/${i}_${voice//+/-}_${speed}.wav" "$word"
            i=$((i + 1))
        done
        for word in "${others[@]}"; do
            espeak-ng -v "$voice" -s "$speed" -w "$out/${word}_${voice//+/-}_${speed}.wav" "$word"
        done
    done
done
echo "make_tuning_clips: $(ls "$out" | wc -l) clips in $out" >&2
