#!/usr/bin/env bash
# bench/run.sh — platform-core benchmark (issue 2). Starts everything it needs,
# measures, prints a markdown report on stdout, stops everything it started.
#
# In one run, through nginx on 127.0.0.1 with wrk --latency:
#   1. nginx alone            GET /nginx-ping  (`return 200`)           @ CONNECTIONS
#   2. bare libfcgi responder GET /api/v1/hello (bench_bare_responder)   @ CONNECTIONS
#   3. bazaar-host            GET /api/v1/hello (plugin hello)           @ CONNECTIONS
#   4. bazaar-host again                                                 @ HIGH_CONNECTIONS
#   5. bare responder again (reference for 4)                            @ HIGH_CONNECTIONS
# Targets (issue 2): host/bare throughput >= 0.80 and host/bare p99 <= 1.5 at
# CONNECTIONS; at HIGH_CONNECTIONS the host (fastcgi_keep_conn off) must not
# stall: zero non-2xx, zero socket errors/time-outs, fresh-connection probes
# answered, throughput >= 0.5 of its CONNECTIONS figure (a stall, as with
# keep_conn on, shows as a collapse plus time-outs) and >= 0.80 of the bare
# responder's at the same concurrency (the host degrades no worse than libfcgi).
# The host's own latency histogram (bazaar_request_duration_seconds, scraped
# from /metrics before and after) is reported next to wrk's figures, because
# wrk 4.1's coordinated-omission correction makes its p99 pessimistic.
#
# Fairness: both FastCGI back ends sit behind an nginx with the same worker
# count, listen options and conf/fastcgi_bazaar.conf (keep_conn off); access
# logs are off everywhere (ACCESS_LOG=off for the stack, off in
# bench/nginx-bare.conf.in); the bare responder runs WORKERS x THREADS threads,
# as many as the host's request threads in total.
#
# Environment (defaults in brackets):
#   DURATION [10s]  WARMUP [2s, whole seconds]  CONNECTIONS [64]  HIGH_CONNECTIONS [256]
#   WRK_THREADS [2]          wrk threads (-t)
#   WORKERS [2] THREADS [16] bazaar-host request workers and threads per worker
#                            (passed to scripts/stack.sh; THREADS is the host's,
#                            not wrk's, because stack.sh already reads it)
#   NGINX_WORKERS [2]        both nginx instances
#   BUILD_DIR [build/release] needs bin/{bazaar-host,bazaarctl,bench_bare_responder}
#                            and plugins/hello.so; the default one is built with
#                            the release preset if anything is missing
#   KEEP [0]                 1 = keep the state directory (configs, logs, raw wrk output)
#   STRICT [0]               1 = exit 1 when a target is missed
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-64}
HIGH_CONNECTIONS=${HIGH_CONNECTIONS:-256}
WRK_THREADS=${WRK_THREADS:-2}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-16}
NGINX_WORKERS=${NGINX_WORKERS:-2}
KEEP=${KEEP:-0}
STRICT=${STRICT:-0}
default_build="$here/build/release"
BUILD_DIR=${BUILD_DIR:-$default_build}
export WORKERS THREADS NGINX_WORKERS   # read by scripts/stack.sh

die() { echo "bench/run.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
for tool in wrk nginx curl ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# --- binaries ----------------------------------------------------------------
have_binaries() {
  [[ -x $BUILD_DIR/bin/bazaar-host && -x $BUILD_DIR/bin/bazaarctl &&
     -x $BUILD_DIR/bin/bench_bare_responder && -f $BUILD_DIR/plugins/hello.so ]]
}
if ! have_binaries; then
  [[ $(cd "$here" && realpath -m "$BUILD_DIR") == "$default_build" ]] ||
    die "$BUILD_DIR lacks bazaar-host, bazaarctl, bench_bare_responder or plugins/hello.so"
  echo "bench/run.sh: building the release preset (binaries missing)" >&2
  (cd "$here" && cmake --preset release >&2 && cmake --build --preset release >&2)
  have_binaries || die "release build did not produce the binaries"
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
case ${build_type:-unknown} in
  Release|RelWithDebInfo) ;;
  *) echo "bench/run.sh: WARNING: $BUILD_DIR is a '${build_type:-unknown}' build; figures mean little" >&2 ;;
esac

stack_port=$(free_port "")
bare_port=$(free_port "$stack_port")

work=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-bench.XXXXXX")
stack_dir="$work/stack"
bare_dir="$work/bare"
mkdir -p "$bare_dir"/{run,log}
stack_started=0 bare_pid="" bare_nginx_pid="" probe_pid=""

cleanup() {
  local rc=$?
  set +e
  stop_pid "$probe_pid" TERM
  stop_pid "$bare_nginx_pid" QUIT
  stop_pid "$bare_pid" TERM
  ((stack_started)) && "$here/scripts/stack.sh" stop "$stack_dir"
  if [[ $KEEP == 1 ]]; then
    echo "bench/run.sh: state kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- start: bazaar-host stack ------------------------------------------------
stack_started=1
ACCESS_LOG=off PLUGINS=hello BUILD_DIR="$BUILD_DIR" \
  "$here/scripts/stack.sh" start "$stack_dir" "$stack_port" >&2
grep -q '^access_log = off' "$stack_dir/bazaar.conf" || die "host access log is not off"
grep -q 'access_log off;' "$stack_dir/nginx.conf" || die "nginx access log is not off"

# --- start: bare responder and its nginx ------------------------------------
start_bare_responder "$bare_dir" "$bare_port" "$((WORKERS * THREADS))"

nginx_url="http://127.0.0.1:$stack_port/nginx-ping"
host_url="http://127.0.0.1:$stack_port/api/v1/hello"
bare_url="http://127.0.0.1:$bare_port/api/v1/hello"
metrics_url="http://127.0.0.1:$stack_port/metrics"
for u in "$nginx_url" "$host_url" "$bare_url"; do
  body=$(curl -fsS "$u") || die "$u does not answer 200"
  [[ -n $body ]] || die "$u answers an empty body"
done

# --- measuring ---------------------------------------------------------------
# run_wrk NAME URL CONNS: warm up, measure, parse into the R_* arrays.
declare -A R_RPS R_P50 R_P99 R_REQ R_NON2XX R_SOCK R_SOCKTXT
run_wrk() {
  local name=$1 url=$2 conns=$3 out="$work/wrk-$1.txt"
  wrk -t"$WRK_THREADS" -c"$conns" -d"$WARMUP" "$url" >/dev/null
  if [[ $name == host* ]]; then curl -fsS "$metrics_url" >"$work/metrics-$name-before.txt"; fi
  wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --latency "$url" >"$out"
  if [[ $name == host* ]]; then curl -fsS "$metrics_url" >"$work/metrics-$name-after.txt"; fi
  local parsed
  parsed=$(wrk_parse "$out")
  read -r R_RPS[$name] R_P50[$name] R_P99[$name] R_REQ[$name] R_NON2XX[$name] R_SOCK[$name] R_SOCKTXT[$name] <<<"$parsed"
  [[ -n ${R_RPS[$name]} ]] || die "cannot parse wrk output for $name: $(cat "$out")"
}


# probe URL: fresh-connection requests while the high-concurrency run is on.
probe() {
  sleep "$((${WARMUP%s} + 1))"  # into the measured run
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' "$1" || echo "000 5"
    sleep 1
  done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
run_wrk nginx "$nginx_url" "$CONNECTIONS"
run_wrk bare "$bare_url" "$CONNECTIONS"
run_wrk host "$host_url" "$CONNECTIONS"
probe "$host_url" >"$work/probe.txt" &
probe_pid=$!
run_wrk host_high "$host_url" "$HIGH_CONNECTIONS"
wait "$probe_pid" || true
probe_pid=""
run_wrk bare_high "$bare_url" "$HIGH_CONNECTIONS"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
hello='route="GET /api/v1/hello"'
read -r h50 h99 hmean hcount <<<"$(route_hist "$hello" "$work/metrics-host-before.txt" "$work/metrics-host-after.txt")"
read -r hh50 hh99 hhmean hhcount <<<"$(route_hist "$hello" "$work/metrics-host_high-before.txt" "$work/metrics-host_high-after.txt")"
# the host must still be healthy: all workers serving, no crash
host_status=$("$BUILD_DIR/bin/bazaarctl" --config "$stack_dir/bazaar.conf" status 2>/dev/null | tr -d '\n' | head -c 300 || true)

# --- report ------------------------------------------------------------------
thr_ratio=$(calc "${R_RPS[host]} / ${R_RPS[bare]}")
p99_ratio=$(calc "${R_P99[host]} / ${R_P99[bare]}")
high_ratio=$(calc "${R_RPS[host_high]} / ${R_RPS[host]}")
bare_high_ratio=$(calc "${R_RPS[bare_high]} / ${R_RPS[bare]}")
bare_nginx=$(calc "${R_RPS[bare]} / ${R_RPS[nginx]}")
host_nginx=$(calc "${R_RPS[host]} / ${R_RPS[nginx]}")
v_thr=$(verdict "$thr_ratio >= 0.80")
v_p99=$(verdict "$p99_ratio <= 1.5")
high_errors=$((R_NON2XX[host_high] + R_SOCK[host_high]))
v_high_err=$(verdict "$high_errors == 0")
v_high_thr=$(verdict "$high_ratio >= 0.5")
high_vs_bare=$(calc "${R_RPS[host_high]} / ${R_RPS[bare_high]}")
v_high_bare=$(verdict "$high_vs_bare >= 0.80")
probe_ok=$(awk '$1 == 200 { ok++ } END { print ok + 0 }' "$work/probe.txt")
probe_n=$(wc -l <"$work/probe.txt")
probe_max=$(awk '{ t = $2 * 1000; if (t > m) m = t } END { printf "%.1f", m }' "$work/probe.txt")
v_probe=$(verdict "$probe_ok == $probe_n && $probe_n > 0 && $probe_max < 1000")
failed=0
[[ "$v_thr $v_p99 $v_high_err $v_high_thr $v_high_bare $v_probe" == *FAIL* ]] && failed=1
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)

cat <<EOF
### Run $started_at

\`WORKERS=$WORKERS THREADS=$THREADS NGINX_WORKERS=$NGINX_WORKERS WRK_THREADS=$WRK_THREADS DURATION=$DURATION CONNECTIONS=$CONNECTIONS HIGH_CONNECTIONS=$HIGH_CONNECTIONS BUILD_DIR=${BUILD_DIR#"$here"/} bench/run.sh\`
— commit $rev, ${build_type:-unknown} build, $(nproc) cores, load average before $load_before / after $load_after,
wrk \`-t$WRK_THREADS -d$DURATION --latency\` after a $WARMUP warm-up per row; bare responder $((WORKERS * THREADS)) threads, host $WORKERS workers × $THREADS threads, access logs off.

| scenario | conns | req/s | p50 ms | p99 ms | non-2xx | socket errors |
|---|---:|---:|---:|---:|---:|---|
| nginx alone (\`return 200\`, /nginx-ping) | $CONNECTIONS | ${R_RPS[nginx]} | ${R_P50[nginx]} | ${R_P99[nginx]} | ${R_NON2XX[nginx]} | ${R_SOCKTXT[nginx]} |
| nginx → bare libfcgi responder | $CONNECTIONS | ${R_RPS[bare]} | ${R_P50[bare]} | ${R_P99[bare]} | ${R_NON2XX[bare]} | ${R_SOCKTXT[bare]} |
| nginx → bazaar-host \`GET /api/v1/hello\` | $CONNECTIONS | ${R_RPS[host]} | ${R_P50[host]} | ${R_P99[host]} | ${R_NON2XX[host]} | ${R_SOCKTXT[host]} |
| nginx → bazaar-host \`GET /api/v1/hello\` | $HIGH_CONNECTIONS | ${R_RPS[host_high]} | ${R_P50[host_high]} | ${R_P99[host_high]} | ${R_NON2XX[host_high]} | ${R_SOCKTXT[host_high]} |
| nginx → bare libfcgi responder (reference) | $HIGH_CONNECTIONS | ${R_RPS[bare_high]} | ${R_P50[bare_high]} | ${R_P99[bare_high]} | ${R_NON2XX[bare_high]} | ${R_SOCKTXT[bare_high]} |

| check | measured | target | verdict |
|---|---:|---|---|
| host / bare throughput @$CONNECTIONS | $thr_ratio | ≥ 0.80 | $v_thr |
| host / bare p99 (wrk) @$CONNECTIONS | $p99_ratio | ≤ 1.5 | $v_p99 |
| host non-2xx + socket errors @$HIGH_CONNECTIONS | $high_errors | 0 | $v_high_err |
| host throughput @$HIGH_CONNECTIONS / @$CONNECTIONS | $high_ratio (bare: $bare_high_ratio) | ≥ 0.5 (no collapse) | $v_high_thr |
| host / bare throughput @$HIGH_CONNECTIONS | $high_vs_bare | ≥ 0.80 | $v_high_bare |
| fresh-connection probes during host @$HIGH_CONNECTIONS | $probe_ok/$probe_n answered 200, slowest $probe_max ms | all 200, each < 1 s | $v_probe |
| bare / nginx alone, host / nginx alone @$CONNECTIONS | $bare_nginx, $host_nginx | (information) | |

Host-side histogram for \`GET /api/v1/hello\` (bazaar_request_duration_seconds, dispatcher time only: routing + plugin + metrics, not FastCGI I/O or queueing; bucket upper bounds):
@$CONNECTIONS p50 ≤ $h50 ms, p99 ≤ $h99 ms, mean $hmean µs over $hcount requests (wrk counted ${R_REQ[host]});
@$HIGH_CONNECTIONS p50 ≤ $hh50 ms, p99 ≤ $hh99 ms, mean $hhmean µs over $hhcount requests (wrk counted ${R_REQ[host_high]}).
EOF
[[ $host_status == *serving* ]] || { echo; echo "WARNING: bazaarctl status after the run: ${host_status:-no answer}"; failed=1; }
if [[ $STRICT == 1 && $failed == 1 ]]; then exit 1; fi
exit 0
