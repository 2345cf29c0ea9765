#!/usr/bin/env bash
# Builds the rules fuzz target with clang + libFuzzer (+ ASan/UBSan) and runs it.
#
#   rules/fuzz/run.sh SECONDS            # CI: rules/fuzz/run.sh 25
#   rules/fuzz/run.sh 3600               # by hand, for longer
#   BAZAAR_FUZZ_MERGE=1 rules/fuzz/run.sh 600   # then fold new coverage into the corpus
#
# Needs (Debian 12): clang, libclang-rt-14-dev, libpugixml-dev, nlohmann-json3-dev, pkg-config.
# Builds into build/rules-fuzz/. New inputs go to a scratch directory, so a
# CI run never modifies the committed corpus; crashes are written to
# build/rules-fuzz/crash-* and make the script fail.
set -euo pipefail

seconds="${1:-25}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BAZAAR_FUZZ_BUILD:-$root/build/rules-fuzz}"
cxx="${CLANGXX:-clang++}"
mkdir -p "$out"

sources=()
for f in "$root"/rules/src/*.cc; do
  case "$f" in *_test.cc|*/test_util.cc) continue ;; esac
  sources+=("$f")
done

flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/rules/include" -I"$root/rules/src")
# shellcheck disable=SC2207
flags+=($(pkg-config --cflags pugixml nlohmann_json))

stamp="$out/fuzz_rules.sources"
if [[ ! -x "$out/fuzz_rules" ]] || [[ -n "$(find "${sources[@]}" "$here/fuzz_rules.cc" "$root/rules/include" -newer "$out/fuzz_rules" 2>/dev/null | head -1)" ]]; then
  echo "building $out/fuzz_rules with $cxx" >&2
  "$cxx" "${flags[@]}" "${sources[@]}" "$here/fuzz_rules.cc" -o "$out/fuzz_rules" \
    $(pkg-config --libs pugixml)
  printf '%s\n' "${sources[@]}" > "$stamp"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/rules-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Each input runs compile + several evaluations; anything slower than 5 s or
# bigger than 2 GiB of memory is a bug.
"$out/fuzz_rules" \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=16384 \
  -dict="$here/rules.dict" -artifact_prefix="$out/" -print_final_stats=1 \
  "$work" "$here/corpus"

if [[ "${BAZAAR_FUZZ_MERGE:-0}" == "1" ]]; then
  "$out/fuzz_rules" -merge=1 -max_len=16384 "$here/corpus" "$work"
fi
