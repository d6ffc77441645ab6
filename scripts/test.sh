#!/usr/bin/env bash
# The project's test command (README "Run the tests"; CI runs exactly this).
# Installs what the tests need, then: formatting, lints (with the microphone feature, so
# its code is checked too), and the whole test suite on real audio and real models.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step says how long it took (CI must stay under 30 minutes on 2 cores). Every cargo
# step uses the `ci` profile (Cargo.toml: release, tract-core built at opt-level 1), so
# they share one build of the dependencies' build scripts.
step() {
    local start=$SECONDS
    "$@"
    echo "test.sh: '$*' took $((SECONDS - start)) s" >&2
}
step scripts/install-deps.sh
step cargo fmt --all -- --check
# With `ort` too: the onnxruntime comparison (loaded at run time) is linted, never downloaded.
step cargo clippy --profile ci --all-targets --features mic,ort -- -D warnings
# The library and the binary build without the terminal UI (no ratatui/crossterm) and
# without the microphone (clippy above has both).
step cargo check --profile ci --lib --bins --no-default-features
RUSTDOCFLAGS="-D warnings" step cargo doc --profile ci --no-deps --quiet
# With `mic`, so the same build also runs tests/mic_alsa.rs: the microphone path through a
# real ALSA device (a file plugin reading a FIFO the test feeds in real time) — cpal,
# callback, ring, resampler and engine, no sound card needed.
step cargo test --profile ci --features mic
# Raspberry Pi: the 64-bit target cross-built with its model-output tests run under
# qemu-user. The 32-bit one is by hand (README "Raspberry Pi"): type-checked with
# `scripts/cross-test armv7-unknown-linux-gnueabihf --check` (2 minutes), or its full
# cross-test (another ~15 minutes on 2 cores), to keep CI under 30 minutes.
step scripts/cross-test aarch64-unknown-linux-gnu --ci
