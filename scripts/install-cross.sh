#!/usr/bin/env bash
# Installs what cross-building and emulating one Raspberry Pi target needs (Debian/Ubuntu):
#   the Rust standard library for the target   (rustup target add)
#   the cross C toolchain                       (gcc-aarch64-linux-gnu / gcc-arm-linux-gnueabihf)
#   the target's libc to link and to emulate    (libc6-dev-arm64-cross / libc6-dev-armhf-cross)
#   qemu user-mode emulation                    (qemu-user: qemu-aarch64 / qemu-arm)
# With --mic also the target's ALSA headers (libasound2-dev:<arch>, multiarch) for cpal.
# Skips what is already there; uses sudo when not root.
# Usage: scripts/install-cross.sh <aarch64-unknown-linux-gnu|armv7-unknown-linux-gnueabihf> [--mic]
set -euo pipefail
target=${1:?usage: scripts/install-cross.sh <target> [--mic]}
mic=${2:-}
case "$target" in
aarch64-unknown-linux-gnu) gnu=aarch64-linux-gnu deb=arm64 qemu=qemu-aarch64 ;;
armv7-unknown-linux-gnueabihf) gnu=arm-linux-gnueabihf deb=armhf qemu=qemu-arm ;;
*) echo "install-cross.sh: unknown target '$target'" >&2; exit 2 ;;
esac

rustup target list --installed | grep -qx "$target" || rustup target add "$target"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
command -v "$gnu-gcc" >/dev/null || need+=("gcc-$gnu")
# Only recommended by the cross gcc, but the linker needs crt1.o and libc.so from it.
dpkg -s "libc6-dev-$deb-cross" >/dev/null 2>&1 || need+=("libc6-dev-$deb-cross")
command -v "$qemu" >/dev/null || need+=(qemu-user)
if [ "$mic" = "--mic" ]; then
    dpkg --print-foreign-architectures | grep -qx "$deb" || {
        echo "adding dpkg architecture $deb" >&2
        $sudo dpkg --add-architecture "$deb"
    }
    dpkg -s "libasound2-dev:$deb" >/dev/null 2>&1 || need+=("libasound2-dev:$deb")
    command -v pkg-config >/dev/null || need+=(pkg-config)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
