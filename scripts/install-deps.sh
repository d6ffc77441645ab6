#!/usr/bin/env bash
# Installs the system packages the tests and the microphone feature need (Debian/Ubuntu):
#   espeak-ng         synthesises speech in the segmentation tests
#   python3           builds the segmentation test streams (scripts/segment/make_streams.py)
#   libasound2-dev    ALSA headers for `--features mic` (cpal)
#   pkg-config        finds them
# Skips what is already there; uses sudo when not root.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v python3 >/dev/null || need+=(python3)
command -v pkg-config >/dev/null || need+=(pkg-config)
dpkg -s libasound2-dev >/dev/null 2>&1 || need+=(libasound2-dev)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
