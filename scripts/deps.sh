#!/usr/bin/env bash
# Installs the Debian 12 packages Bazaar needs, only those that are missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libfcgi-dev libsqlite3-dev sqlite3 libmemcached-dev libzmq3-dev cppzmq-dev
  libpugixml-dev nlohmann-json3-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  nginx memcached wrk python3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
