#!/usr/bin/env bash
# Re-measures the recogniser's defaults on the tuning clips (make_tuning_clips.sh): the
# context (none, vocabulary) and the snap margin, digits lexicon. Results and the choice:
# models/whisper-tiny-en-decoder/TRAINING.md.
# Usage: scripts/recogniser/tune.sh [WORK_DIR]   (GROUNDPROBE: the binary, default
# target/release/groundprobe)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$(dirname "$here")")"
work="${1:-${TMPDIR:-/tmp}/groundprobe-tune}"
bin="${GROUNDPROBE:-$root/target/release/groundprobe}"
[ -x "$bin" ] || { echo "tune: build first (cargo build --release), or set GROUNDPROBE" >&2; exit 1; }
[ -d "$work/clips" ] || "$here/make_tuning_clips.sh" "$work/clips"
run() {
    "$bin" run "$work/clips" --lexicon digits --labels none --encoders whisper-tiny-en \
        --recognise on --json -q "$@"
}
for context in none vocabulary; do
    run --recognise-context "$context" >"$work/context-$context.jsonl"
done
for margin in 0 1 2 3 5; do
    run --recognise-context vocabulary --snap-margin "$margin" >"$work/margin-$margin.jsonl"
done
python3 "$here/tally.py" "$work"/context-*.jsonl "$work"/margin-*.jsonl
