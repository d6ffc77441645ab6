#!/usr/bin/env bash
# groundprobe's offline path against the plain-Python reference (scripts/bench/reference.py)
# on the 756-file corpus of make_corpus.sh, same encoder (speech_embedding), same machine,
# one after the other; prints wall and CPU seconds and each side's word count.
# Usage: scripts/bench/compare.sh [CORPUS_DIR]   (env BENCH_VENV: the venv folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$(dirname "$here")")"
corpus=${1:-${TMPDIR:-/tmp}/groundprobe-bench-corpus}
venv=${BENCH_VENV:-${TMPDIR:-/tmp}/groundprobe-bench-venv}
[ -d "$corpus" ] || "$here/make_corpus.sh" "$corpus"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
(cd "$root" && cargo build --quiet --release)
out=$(mktemp -d)
timed() {
    local name=$1
    shift
    /usr/bin/time -f "$name: %e s wall, %U s user, %M KB peak" "$@" >"$out/$name.jsonl"
    echo "$name: $(grep -c '"type":"word"\|"type": "word"' "$out/$name.jsonl") words" >&2
}
gp=("$root/target/release/groundprobe" run --json -q --encoders speech-embedding --text none)
timed groundprobe "${gp[@]}" "$corpus"
timed groundprobe-1thread "${gp[@]}" --threads 1 "$corpus"
timed python "$venv/bin/python" "$here/reference.py" "$corpus"
echo "compare: outputs in $out" >&2
