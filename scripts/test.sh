#!/usr/bin/env bash
# `make test`: installs, builds with AddressSanitizer + UBSan (TEST_PRESET=debug
# or release to change), runs the whole suite through ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
preset=${TEST_PRESET:-asan}

scripts/deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2 --timeout 300
