#!/usr/bin/env bash
# stack.sh start DIR PORT   start bazaar-host and nginx on 127.0.0.1:PORT, all state in DIR
# stack.sh stop DIR         stop what `start` started (by the PIDs it recorded)
#
# Environment: BUILD_DIR (where bazaar-host, bazaarctl and plugins/ are; default
# build/release), PLUGINS (plugin .so names to install; default "hello") taken from
# PLUGIN_SOURCE_DIR (default $BUILD_DIR/plugins), WORKERS,
# THREADS, NGINX_WORKERS, ACCESS_LOG (on|off), TEST_CLOCK (on|off),
# REQUEST_DEADLINE_MS, TIMER_POLL_MS, EVENT_RETENTION_POLL_MS, SHARD_SYNC (full|normal), SCHEMA_DIR,
# EXTRA_CONF (lines appended to the host's configuration). Used by `make run`, the integration tests and bench/.
#
# FastCGI keep-alive: FASTCGI_KEEP_CONN (on|off, default on) and UPSTREAM_KEEPALIVE
# (idle connections per nginx worker; default the most that NGINX_WORKERS x it <=
# WORKERS x THREADS allows, a larger value is refused), see scripts/fastcgi-keepalive.sh.
#
# Cache: MEMCACHED_SERVERS (host:port list for the host; default none), or
# MEMCACHED=on to start a memcached for this stack on MEMCACHED_PORT (default a
# free port): PID in DIR/run/memcached.pid, port in DIR/run/memcached.port.
# `stack.sh memcached-stop DIR` / `memcached-start DIR` stop it and start it
# again on the same port (tests).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:?usage: stack.sh start DIR PORT | stop DIR}
dir=${2:?state directory}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

wait_for() {  # wait_for SECONDS PIDFILE DESCRIPTION COMMAND...: gives up early if PIDFILE's process died
  local deadline=$((SECONDS + $1)) pidfile=$2 what=$3
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! alive "$(<"$pidfile")"; then
      echo "stack.sh: process of $pidfile exited while waiting for $what" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "stack.sh: timed out waiting for $what" >&2
      return 1
    fi
    sleep 0.05
  done
}

alive() {  # alive PID: running, and not a zombie waiting for init to reap it
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

stop_pid() {  # stop_pid PIDFILE SIGNAL
  local pidfile=$1 sig=$2 pid
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.05; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

free_port() {  # a free loopback TCP port
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_memcached() {  # start_memcached PORT: memcached for this stack, PID in run/memcached.pid
  local port=$1 user=()
  ((EUID == 0)) && user=(-u root)
  mkdir -p "$dir/run" "$dir/log"
  memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 "${user[@]}" >>"$dir/log/memcached.out" 2>&1 &
  echo $! >"$dir/run/memcached.pid"
  echo "$port" >"$dir/run/memcached.port"
  wait_for 10 "$dir/run/memcached.pid" "memcached on port $port" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'version\r\n' >&3 && head -c 7 <&3 | grep -q VERSION"
}

case $cmd in
start)
  port=${3:?port}
  build=$(cd "${BUILD_DIR:-$here/build/release}" && pwd)
  # Before anything starts: a configuration that breaks the keep-alive rule is refused here.
  read -r keep_conn keepalive kept < <("$here/scripts/fastcgi-keepalive.sh" "${FASTCGI_KEEP_CONN:-on}" \
    "${NGINX_WORKERS:-2}" "${WORKERS:-2}" "${THREADS:-16}" "${UPSTREAM_KEEPALIVE:-}" || echo fail)
  [[ $keep_conn == on || $keep_conn == off ]] || exit 1  # the script said why
  upstream_keepalive="keepalive $keepalive;   # per nginx worker; x worker_processes <= the host's workers x threads"
  [[ $keep_conn == off ]] && upstream_keepalive="# no keepalive: fastcgi_keep_conn off"
  mkdir -p "$dir"/{run,log,state,plugins,data}
  chmod 0755 "$dir" "$dir/run"
  for p in ${PLUGINS:-hello}; do cp "${PLUGIN_SOURCE_DIR:-$build/plugins}/$p.so" "$dir/plugins/"; done
  for secret in jwt payment; do  # per-stack secrets, never in git
    if [[ ! -s $dir/$secret.secret ]]; then
      (umask 077 && head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/$secret.secret")
    fi
  done
  memcached_servers=${MEMCACHED_SERVERS:-}
  if [[ ${MEMCACHED:-off} == on ]]; then
    mc_port=${MEMCACHED_PORT:-$(free_port)}
    start_memcached "$mc_port" || { "$0" stop "$dir"; exit 1; }
    memcached_servers=127.0.0.1:$mc_port
  fi
  deadline_ms=${REQUEST_DEADLINE_MS:-10000}
  access=${ACCESS_LOG:-on}
  nginx_log="$dir/log/nginx-access.log bazaar_json"
  [[ $access == off ]] && nginx_log=off
  "$here/scripts/render-conf.sh" "$here/conf/bazaar.conf.in" "$dir/bazaar.conf" \
    FCGI_SOCKET="$dir/run/bazaar.sock" STATE_DIR="$dir/state" PLUGIN_DIR="$dir/plugins" \
    LOG_DIR="$dir/log" HOST_ACCESS_LOG="$access" WORKERS="${WORKERS:-2}" \
    THREADS="${THREADS:-16}" REQUEST_DEADLINE_MS="$deadline_ms" MAX_BODY_BYTES=1048576 \
    JWT_SECRET_FILE="$dir/jwt.secret" PAYMENT_SECRET_FILE="$dir/payment.secret" \
    PAYMENT_TIMEOUT_S="${PAYMENT_TIMEOUT_S:-900}" TEST_CLOCK="${TEST_CLOCK:-off}" \
    TIMER_POLL_MS="${TIMER_POLL_MS:-1000}" EVENT_RETENTION_POLL_MS="${EVENT_RETENTION_POLL_MS:-60000}" \
    MEMCACHED_SERVERS="$memcached_servers" FASTCGI_KEPT_CONNECTIONS="$kept" \
    DATA_DIR="$dir/data" SCHEMA_DIR="${SCHEMA_DIR:-$here/schema}" SHARD_SYNC="${SHARD_SYNC:-full}"
  # EXTRA_CONF: lines appended to the host's configuration (later keys win).
  [[ -n ${EXTRA_CONF:-} ]] && printf '%s\n' "$EXTRA_CONF" >>"$dir/bazaar.conf"
  "$here/scripts/render-conf.sh" "$here/conf/nginx.conf.in" "$dir/nginx.conf" \
    NGINX_USER="$(id -un)" NGINX_WORKERS="${NGINX_WORKERS:-2}" RUN_DIR="$dir/run" \
    LOG_DIR="$dir/log" ACCESS_LOG="$nginx_log" MAX_BODY_BYTES=1048576 \
    FCGI_SOCKET="$dir/run/bazaar.sock" PORT="$port" CONF_DIR="$here/conf" \
    FASTCGI_READ_TIMEOUT="$((deadline_ms / 1000 + 5))s" \
    FASTCGI_KEEP_CONN="$keep_conn" UPSTREAM_KEEPALIVE="$upstream_keepalive"

  "$build/bin/bazaar-host" --config "$dir/bazaar.conf" >>"$dir/log/host.out" 2>&1 &
  echo $! >"$dir/run/host.pid"
  if ! wait_for 30 "$dir/run/host.pid" "bazaar-host to serve" \
      bash -c "'$build/bin/bazaarctl' --config '$dir/bazaar.conf' status | grep -q '\"phase\":\"serving\"'"; then
    tail -n 20 "$dir/log/host.out" "$dir/log/bazaar.log" >&2 || true
    "$0" stop "$dir"
    exit 1
  fi
  nginx -p "$dir/run" -c "$dir/nginx.conf" -g 'daemon off;' >>"$dir/log/nginx.out" 2>&1 &
  echo $! >"$dir/run/nginx.pid"
  if ! wait_for 15 "$dir/run/nginx.pid" "nginx on port $port" curl -fsS "http://127.0.0.1:$port/nginx-ping"; then
    cat "$dir/log/nginx.out" "$dir/log/nginx-error.log" >&2 || true
    "$0" stop "$dir"
    exit 1
  fi
  ;;
stop)
  stop_pid "$dir/run/nginx.pid" QUIT
  stop_pid "$dir/run/host.pid" TERM
  stop_pid "$dir/run/memcached.pid" TERM
  ;;
memcached-start)  # memcached-start DIR: again, on the port it had
  start_memcached "$(<"$dir/run/memcached.port")"
  ;;
memcached-stop)  # memcached-stop DIR: SIGKILL, no goodbye to clients
  stop_pid "$dir/run/memcached.pid" KILL
  ;;
*)
  echo "usage: stack.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
