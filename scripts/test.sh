#!/usr/bin/env bash
# The whole test suite, set-up included: installs and starts Docker if needed, then runs every
# test tier with the live tests mandatory. Needs root (it joins namespaces and runs dockerd).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Whatever happens, never leave dockerd frozen (tests/frozen_dockerd.rs stops it with SIGSTOP).
trap 'for pid in $(pgrep -x dockerd || true); do kill -CONT "$pid" 2>/dev/null || true; done' EXIT

export CTENTER_LIVE=1
log=$(mktemp)
set +e
cargo test --locked --all-targets 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run: the sum over every test binary's "test result:" line.
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
rm -f "$log"
exit "$status"
