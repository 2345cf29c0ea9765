#!/usr/bin/env bash
# `make test`: installs, builds with AddressSanitizer + UBSan (TEST_PRESET=debug
# or release to change), runs a short fuzz of the rule engine, then the whole
# suite through ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
preset=${TEST_PRESET:-asan}

scripts/deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
# A short libFuzzer run over the rule engine (its corpus is also replayed by ctest).
rules/fuzz/run.sh "${FUZZ_SECONDS:-20}"
ctest --preset "$preset" -j2 --timeout 300
