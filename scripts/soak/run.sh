#!/usr/bin/env bash
# The soak (issue: reliability): one hour of real spoken digits (FSDD, ../shared) with
# gaps, piped as one WAV into `groundprobe run - --max-words 500`, resident memory
# sampled every minute of audio; then twenty minutes with no window, for the bytes each
# word held costs. Prints both curves (tests/soak.rs; CI runs its two-minute version).
# Usage: scripts/soak/run.sh            (about 10 minutes on a 2-core x86 VM)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --profile ci --test soak -- --ignored --nocapture --test-threads 1
