#!/usr/bin/env bash
# Fuzzes one groundprobe parser with libFuzzer (scripts/fuzz/README.md).
#   scripts/fuzz/run.sh TARGET [SECONDS]     TARGET: wav_whole wav_stream manifest lexicon text_table
# Installs cargo-fuzz from crates.io if missing, seeds the corpus from the repository's own
# files, builds on the stable toolchain (RUSTC_BOOTSTRAP=1 unlocks the -Z flags cargo-fuzz
# passes), runs one fuzzing process (in-process: no -jobs, so no fuzz-N.log) at low
# priority, and leaves any crash input in
# scripts/fuzz/artifacts/TARGET/.
set -euo pipefail
target=${1:?usage: scripts/fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/../.." && pwd)
fuzz="$root/scripts/fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

corpus="$fuzz/corpus/$target"
mkdir -p "$corpus" "$fuzz/artifacts/$target"
seed() { cp -n "$@" "$corpus/" 2>/dev/null || true; }
case "$target" in
  wav_whole | wav_stream)
    for f in "$root"/models/demo/*.wav; do head -c 6000 "$f" >"$corpus/$(basename "$f")"; done
    ls "$root"/../shared/data/fsdd/recordings/0_*_0.wav >/dev/null 2>&1 &&
      seed "$root"/../shared/data/fsdd/recordings/0_*_0.wav
    seed "$root"/tests/fixtures/fuzz/wav_*
    ;;
  manifest)
    for m in "$root"/models/*/manifest.toml "$root"/models/grounded/*/manifest.toml; do
      # The fuzz target's folder holds `model.onnx` ("model") and `mel.onnx` ("mel").
      sed -e 's/^file = .*/file = "model.onnx"/' \
        -e 's/^sha256 = .*/sha256 = "'"$(printf model | sha256sum | cut -c1-64)"'"/' \
        "$m" >"$corpus/$(basename "$(dirname "$m")").toml"
    done
    seed "$root"/tests/fixtures/fuzz/manifest_*
    ;;
  lexicon)
    for f in "$root"/models/lexicon/*.tsv; do head -c 4000 "$f" >"$corpus/$(basename "$f")"; done
    seed "$root"/tests/fixtures/fuzz/lexicon_*
    ;;
  text_table)
    # Two bytes of word-list length, the word list, then the .npy file.
    python3 - "$corpus" "$root"/tests/fixtures/probe/*.npy <<'PY'
import pathlib, struct, sys
out = pathlib.Path(sys.argv[1])
for npy in map(pathlib.Path, sys.argv[2:]):
    data = npy.read_bytes()
    rows = int(data[:256].split(b"(")[1].split(b",")[0])
    words = "\n".join(f"w{i}" for i in range(rows)).encode()
    (out / npy.stem).write_bytes(struct.pack("<H", len(words)) + words + data)
PY
    seed "$root"/tests/fixtures/fuzz/text_table_*
    ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

cd "$root"
nice -n 10 cargo fuzz run --fuzz-dir scripts/fuzz -s none "$target" "$corpus" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -artifact_prefix="$fuzz/artifacts/$target/" -print_final_stats=1
