#!/usr/bin/env bash
# `groundprobe analyze` against the plain-Python pipeline doing the same analyses
# (scripts/analyze/reference.py), on the same corpus, alternating, in one window.
# Usage: scripts/analyze/compare.sh CORPUS_DIR [ROUNDS]   (e.g. scripts/bench/make_corpus.sh)
# Needs a release build (cargo build --release) and the Python tools:
#   python3 -m venv .venv && .venv/bin/pip install -r scripts/bench/requirements.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
corpus=${1:?usage: scripts/analyze/compare.sh CORPUS_DIR [ROUNDS]}
rounds=${2:-3}
python=${PYTHON:-"$root/.venv/bin/python"}
bin=${GROUNDPROBE:-"$root/target/release/groundprobe"}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$rounds"); do
    for t in 1 2; do
        /usr/bin/time -f "groundprobe analyze --threads $t: %e s wall, %U s user, %M KB peak" \
            "$bin" analyze -q --threads "$t" --encoders speech-embedding --text none \
            --out "$out/gp" "$corpus" 2>&1 | grep -v '^groundprobe analyze:'
    done
    /usr/bin/time -f "python reference: %e s wall, %U s user, %M KB peak" \
        "$python" "$root/scripts/analyze/reference.py" "$corpus" > "$out/ref.json"
done
