#!/usr/bin/env bash
# `make run`: installs, builds (Release), starts memcached, bazaar-host and
# nginx on 127.0.0.1, and prints where to point curl. Ctrl-C stops all of it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
port=${PORT:-8080}
memcached_port=${MEMCACHED_PORT:-11311}
dir="$here/run"

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target runtime

stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  scripts/stack.sh stop "$dir" || true  # nginx, bazaar-host and memcached
}
trap stop INT TERM EXIT

plugins=$(cd build/release/plugins && ls *.so | sed 's/\.so$//' | tr '\n' ' ')
BUILD_DIR=build/release PLUGINS="$plugins" TEST_CLOCK=off MEMCACHED=on MEMCACHED_PORT="$memcached_port" \
  scripts/stack.sh start "$dir" "$port"
ctl="build/release/bin/bazaarctl --config $dir/bazaar.conf"
user_token=$($ctl token --role user --sub 1001 --ttl 86400)
ops_token=$($ctl token --role ops --sub 1 --ttl 86400)

cat <<EOT

Bazaar is running: http://127.0.0.1:$port   (memcached 127.0.0.1:$memcached_port)
  plugins:  $plugins
  logs:     $dir/log/   state: $dir/state/   data (SQLite shards): $dir/data/

Try:
  curl -s http://127.0.0.1:$port/api/v1/hello
  curl -s http://127.0.0.1:$port/api/v1/hello/world?lang=en
  curl -s -X POST http://127.0.0.1:$port/api/v1/echo -H 'Content-Type: application/json' \\
       -H 'Authorization: Bearer $user_token' -d '{"message":"你好","count":2}'
  curl -s http://127.0.0.1:$port/api/v1/admin/plugins -H 'Authorization: Bearer $ops_token'
  curl -s http://127.0.0.1:$port/readyz ;  curl -s http://127.0.0.1:$port/metrics
  $ctl status
  $ctl reload            # after dropping a new .so into $dir/plugins

Ctrl-C stops everything.
EOT

host_pid=$(<"$dir/run/host.pid")
while kill -0 "$host_pid" 2>/dev/null; do sleep 1; done
echo "bazaar-host exited; see $dir/log/bazaar.log"
