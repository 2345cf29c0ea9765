#!/usr/bin/env bash
# bench/run.sh — platform-core benchmark (issues 2 and 14): the FastCGI transport
# with and without kept connections. Starts everything it needs, measures,
# prints a markdown report on stdout, stops everything it started (by PID).
#
# Through nginx on 127.0.0.1 with wrk --latency, in one run:
#   - nginx alone             GET /nginx-ping (`return 200`)             @ CONNECTIONS
#   - four targets, each @ CONNECTIONS and @ HIGH_CONNECTIONS, interleaved
#     (round 1: all of them, round 2: all of them again ...; ROUNDS rounds):
#       bare_off  bare libfcgi responder (bench_bare_responder), fastcgi_keep_conn off
#       bare_on   the same responder behind a second nginx, keep_conn on
#       host_off  bazaar-host GET /api/v1/hello, keep_conn off  (its own stack)
#       host_on   bazaar-host GET /api/v1/hello, keep_conn on   (its own stack)
#     with five fresh-connection curl probes (3 s time-out) during every measured run;
#   - a SIGHUP rolling reload of each host stack under load: wrk @ HIGH_CONNECTIONS
#     alternating GET /api/v1/hello and a signed-in POST /api/v1/echo
#     (bench/roll_mix.lua; nginx never retries a POST), the roll 3 s in, probes
#     meanwhile; reports when the new generation served and when the old one left.
# Keep-alive uses the rule of scripts/fastcgi-keepalive.sh: NGINX_WORKERS x keepalive
# <= WORKERS x THREADS (for the bare responder: its WORKERS x THREADS threads).
#
# Targets: host_off / bare_off throughput >= 0.80 @ CONNECTIONS (issue 2); for
# both host modes @ HIGH_CONNECTIONS and in both rolls zero non-2xx and zero
# socket errors/time-outs (wrk's 2 s time-out), every probe 200 in < 1 s. The
# bare responder with keep_conn on is reported, not judged: libfcgi blocks a
# thread on every kept connection, so it stalls once nginx holds more
# connections than it has threads (docs/ARCHITECTURE.md, "FastCGI keep-alive").
# The host's own latency histogram (bazaar_request_duration_seconds, scraped
# before and after) is reported for the last round, because wrk 4.1's
# coordinated-omission correction makes its p99 pessimistic.
#
# Fairness: every nginx has the same worker count, listen options and
# conf/fastcgi_bazaar.conf, and the same keep-alive settings per mode; access
# logs are off everywhere; the bare responder runs WORKERS x THREADS threads,
# as many as one host's request threads. Both host stacks stay up for the whole
# run (the idle one costs its background worker's idle polling).
#
# Environment (defaults in brackets):
#   DURATION [10s]  WARMUP [2s, whole seconds]  CONNECTIONS [64]  HIGH_CONNECTIONS [256]
#   ROUNDS [2]               interleaved rounds of the four targets
#   ROLL_DURATION [12s]      wrk run of each roll (the SIGHUP is sent 3 s in)
#   WRK_THREADS [2]          wrk threads (-t)
#   WORKERS [2] THREADS [16] bazaar-host request workers and threads per worker
#                            (passed to scripts/stack.sh; THREADS is the host's,
#                            not wrk's, because stack.sh already reads it)
#   NGINX_WORKERS [2]        every nginx
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
ROUNDS=${ROUNDS:-2}
ROLL_DURATION=${ROLL_DURATION:-12s}
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
((ROUNDS >= 1 && ROUNDS <= 5)) || die "ROUNDS must be 1..5"

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

work=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-bench.XXXXXX")
mkdir -p "$work/bare/run" "$work/bare/log"
declare -A PORT URL
picked=""
for t in host_off host_on bare_off bare_on; do
  PORT[$t]=$(free_port "$picked")
  picked="$picked ${PORT[$t]}"
  URL[$t]="http://127.0.0.1:${PORT[$t]}/api/v1/hello"
done
stacks_started="" bare_pid="" bare_nginx_pid="" bare_off_nginx_pid="" bg_pids=""

cleanup() {
  local rc=$?
  set +e
  for p in $bg_pids; do stop_pid "$p" TERM; done
  stop_pid "$bare_nginx_pid" QUIT
  stop_pid "$bare_off_nginx_pid" QUIT
  stop_pid "$bare_pid" TERM
  for s in $stacks_started; do "$here/scripts/stack.sh" stop "$work/$s"; done
  if [[ $KEEP == 1 ]]; then
    echo "bench/run.sh: state kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start: two bazaar-host stacks, keep-alive off and on ---------------------
for mode in off on; do
  stacks_started="$stacks_started host_$mode"
  ACCESS_LOG=off PLUGINS=hello BUILD_DIR="$BUILD_DIR" FASTCGI_KEEP_CONN=$mode \
    "$here/scripts/stack.sh" start "$work/host_$mode" "${PORT[host_$mode]}" >&2
  grep -q '^access_log = off' "$work/host_$mode/bazaar.conf" || die "host access log is not off"
  grep -q 'access_log off;' "$work/host_$mode/nginx.conf" || die "nginx access log is not off"
  grep -q "fastcgi_keep_conn $mode;" "$work/host_$mode/nginx.conf" ||
    die "the rule turned keep-alive $mode off for WORKERS=$WORKERS THREADS=$THREADS NGINX_WORKERS=$NGINX_WORKERS"
done
host_keepalive=$(sed -n 's/^ *keepalive \([0-9]*\);.*/\1/p' "$work/host_on/nginx.conf")
host_kept=$(sed -n 's/^fastcgi_kept_connections = \([0-9]*\).*/\1/p' "$work/host_on/bazaar.conf")

# --- start: one bare responder behind two nginx, keep-alive off and on --------
bare_threads=$((WORKERS * THREADS))
start_bare_responder "$work/bare" "${PORT[bare_off]}" "$bare_threads"
bare_off_nginx_pid=$bare_nginx_pid
start_bare_nginx "$work/bare_on" "${PORT[bare_on]}" "$work/bare/run/bare.sock" /api/v1/hello on "$bare_threads"
bare_keepalive=$(sed -n 's/^ *keepalive \([0-9]*\);.*/\1/p' "$work/bare_on/nginx.conf")

nginx_url="http://127.0.0.1:${PORT[host_off]}/nginx-ping"
for u in "$nginx_url" "${URL[@]}"; do
  body=$(curl -fsS "$u") || die "$u does not answer 200"
  [[ -n $body ]] || die "$u answers an empty body"
done

# --- measuring ---------------------------------------------------------------
# probe URL DELAY_S: five fresh-connection requests, one a second, from DELAY_S on.
probe() {
  sleep "$2"
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null --max-time 3 -w '%{http_code} %{time_total}\n' "$1" || echo "000 3"
    sleep 1
  done
}
probe_summary() {  # probe_summary FILE: "ok total slowest_ms"
  awk '$1 == 200 { ok++ } { t = $2 * 1000; if (t > m) m = t; n++ } END { printf "%d %d %.0f\n", ok, n, m }' "$1"
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# run_wrk NAME TARGET CONNS: warm up, measure with probes, parse into the R_* arrays.
declare -A R_RPS R_P50 R_P99 R_REQ R_NON2XX R_SOCK R_SOCKTXT R_PROBE R_LOAD
run_wrk() {
  local name=$1 target=$2 conns=$3 out="$work/wrk-$1.txt" url=${URL[$2]}
  R_LOAD[$name]=$(load1)
  wrk -t"$WRK_THREADS" -c"$conns" -d"$WARMUP" "$url" >/dev/null
  [[ $target == host_* ]] && curl -fsS "http://127.0.0.1:${PORT[$target]}/metrics" >"$work/metrics-$name-before.txt"
  probe "$url" 2 >"$work/probe-$name.txt" &
  local probe_pid=$!
  bg_pids="$bg_pids $probe_pid"
  wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --latency "$url" >"$out"
  wait "$probe_pid" || true
  [[ $target == host_* ]] && curl -fsS "http://127.0.0.1:${PORT[$target]}/metrics" >"$work/metrics-$name-after.txt"
  read -r R_RPS[$name] R_P50[$name] R_P99[$name] R_REQ[$name] R_NON2XX[$name] R_SOCK[$name] R_SOCKTXT[$name] \
    <<<"$(wrk_parse "$out")"
  [[ -n ${R_RPS[$name]} ]] || die "cannot parse wrk output for $name: $(cat "$out")"
  R_PROBE[$name]=$(probe_summary "$work/probe-$name.txt")
}

# status_field STACK: bazaarctl status of a stack on one line
status_of() { "$BUILD_DIR/bin/bazaarctl" --config "$work/$1/bazaar.conf" status 2>/dev/null | tr -d '\n' || true; }
generation_of() { status_of "$1" | grep -o '"generation":[0-9]*' | head -1 | cut -d: -f2; }
draining_of() { status_of "$1" | grep -o '"draining":true' | wc -l; }
now_ms() { date +%s%3N; }

# roll STACK: wrk (GET + signed-in POST) @ HIGH_CONNECTIONS, SIGHUP 3 s in, probes meanwhile.
declare -A ROLL_READY ROLL_DRAINED
roll() {
  local s=$1 out="$work/wrk-roll-$1.txt" url="http://127.0.0.1:${PORT[$1]}" gen0 t0 deadline token
  token=$("$BUILD_DIR/bin/bazaarctl" --config "$work/$s/bazaar.conf" token --role user --sub 42)
  gen0=$(generation_of "$s")
  R_LOAD[roll_$s]=$(load1)
  BAZAAR_TOKEN=$token wrk -t"$WRK_THREADS" -c"$HIGH_CONNECTIONS" -d"$ROLL_DURATION" --latency \
    -s "$here/bench/roll_mix.lua" "$url" >"$out" &
  local wrk_pid=$!
  bg_pids="$bg_pids $wrk_pid"
  probe "${URL[$s]}" 2 >"$work/probe-roll_$s.txt" &
  local probe_pid=$!
  bg_pids="$bg_pids $probe_pid"
  sleep 3
  t0=$(now_ms)
  kill -HUP "$(<"$work/$s/run/host.pid")"
  deadline=$((SECONDS + 30))
  until [[ $(generation_of "$s") == $((gen0 + 1)) ]] || ((SECONDS > deadline)); do sleep 0.05; done
  ROLL_READY[$s]=$(($(now_ms) - t0))
  until [[ $(draining_of "$s") == 0 ]] || ((SECONDS > deadline)); do sleep 0.05; done
  ROLL_DRAINED[$s]=$(($(now_ms) - t0))
  ((SECONDS <= deadline)) || { ROLL_READY[$s]="timeout"; ROLL_DRAINED[$s]="timeout"; }
  wait "$wrk_pid" || true
  wait "$probe_pid" || true
  read -r R_RPS[roll_$s] R_P50[roll_$s] R_P99[roll_$s] R_REQ[roll_$s] R_NON2XX[roll_$s] R_SOCK[roll_$s] R_SOCKTXT[roll_$s] \
    <<<"$(wrk_parse "$out")"
  R_PROBE[roll_$s]=$(probe_summary "$work/probe-roll_$s.txt")
}

targets="bare_off bare_on host_off host_on"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
R_LOAD[nginx]=$(load1)
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$nginx_url" >/dev/null
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$nginx_url" >"$work/wrk-nginx.txt"
read -r R_RPS[nginx] R_P50[nginx] R_P99[nginx] _ R_NON2XX[nginx] R_SOCK[nginx] R_SOCKTXT[nginx] \
  <<<"$(wrk_parse "$work/wrk-nginx.txt")"
for ((r = 1; r <= ROUNDS; r++)); do
  for c in "$CONNECTIONS" "$HIGH_CONNECTIONS"; do
    for t in $targets; do run_wrk "$t-$c-$r" "$t" "$c"; done
  done
done
roll host_off
roll host_on
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
host_status=""
for s in host_off host_on; do host_status="$host_status $(status_of "$s" | head -c 200)"; done

# --- report ------------------------------------------------------------------
mean() {  # mean TARGET CONNS: mean req/s over the rounds
  local sum=0 r
  for ((r = 1; r <= ROUNDS; r++)); do sum=$(calc "$sum + ${R_RPS[$1-$2-$r]}"); done
  calc "$sum / $ROUNDS"
}
failed=0
verdicts=""
check() {  # check TEXT MEASURED TARGET CONDITION
  local v
  v=$(verdict "$4")
  [[ $v == FAIL ]] && failed=1
  verdicts="$verdicts| $1 | $2 | $3 | $v |"$'\n'
}
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$here" status --porcelain 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

rows=""
for ((r = 1; r <= ROUNDS; r++)); do
  for c in "$CONNECTIONS" "$HIGH_CONNECTIONS"; do
    for t in $targets; do
      n="$t-$c-$r"
      read -r pok pn pmax <<<"${R_PROBE[$n]}"
      rows="$rows| $r | $t | $c | ${R_RPS[$n]} | ${R_P50[$n]} | ${R_P99[$n]} | ${R_NON2XX[$n]} | ${R_SOCKTXT[$n]} | $pok/$pn, $pmax ms | ${R_LOAD[$n]} |"$'\n'
    done
  done
done

ratios=""
for c in "$CONNECTIONS" "$HIGH_CONNECTIONS"; do
  per_round=""
  for ((r = 1; r <= ROUNDS; r++)); do
    per_round="$per_round $(calc "${R_RPS[host_on-$c-$r]} / ${R_RPS[host_off-$c-$r]}")"
  done
  host_gain=$(calc "$(mean host_on "$c") / $(mean host_off "$c")")
  bare_gain=$(calc "$(mean bare_on "$c") / $(mean bare_off "$c")")
  ratios="$ratios| $c | $(mean host_off "$c") | $(mean host_on "$c") | $host_gain (rounds:$per_round) | $(mean bare_off "$c") | $(mean bare_on "$c") | $bare_gain | $(calc "$(mean host_off "$c") / $(mean bare_off "$c")") | $(calc "$(mean host_on "$c") / $(mean bare_off "$c")") |"$'\n'
  [[ $c == "$CONNECTIONS" ]] && gain_low=$host_gain
  [[ $c == "$HIGH_CONNECTIONS" ]] && gain_high=$host_gain
done

thr_ratio=$(calc "$(mean host_off "$CONNECTIONS") / $(mean bare_off "$CONNECTIONS")")
check "host_off / bare_off throughput @$CONNECTIONS (mean of rounds)" "$thr_ratio" "≥ 0.80" "$thr_ratio >= 0.80"
for t in host_off host_on; do
  errors=0 pok=0 pn=0 pmax=0
  for ((r = 1; r <= ROUNDS; r++)); do
    for c in "$CONNECTIONS" "$HIGH_CONNECTIONS"; do
      n="$t-$c-$r"
      errors=$((errors + R_NON2XX[$n] + R_SOCK[$n]))
      read -r a b m <<<"${R_PROBE[$n]}"
      pok=$((pok + a)) pn=$((pn + b))
      pmax=$(awk -v x="$pmax" -v y="$m" 'BEGIN { print (y > x ? y : x) }')
    done
  done
  check "$t non-2xx + socket errors, every run" "$errors" "0" "$errors == 0"
  check "$t fresh-connection probes, every run" "$pok/$pn answered 200, slowest $pmax ms" "all 200, each < 1 s" \
    "$pok == $pn && $pn > 0 && $pmax < 1000"
done
rolls=""
for s in host_off host_on; do
  n="roll_$s"
  read -r pok pn pmax <<<"${R_PROBE[$n]}"
  errors=$((R_NON2XX[$n] + R_SOCK[$n]))
  rolls="$rolls| $s | ${R_REQ[$n]} | ${R_RPS[$n]} | ${R_P99[$n]} | ${R_NON2XX[$n]} | ${R_SOCKTXT[$n]} | ${ROLL_READY[$s]} | ${ROLL_DRAINED[$s]} | $pok/$pn, $pmax ms | ${R_LOAD[$n]} |"$'\n'
  check "roll of $s under load: non-2xx + socket errors" "$errors" "0" "$errors == 0"
  check "roll of $s: probes" "$pok/$pn answered 200, slowest $pmax ms" "all 200, each < 1 s" \
    "$pok == $pn && $pn > 0 && $pmax < 1000"
  check "roll of $s: old generation gone (ms after SIGHUP)" "${ROLL_DRAINED[$s]}" "< 10000 (drain_timeout_ms)" \
    "\"${ROLL_DRAINED[$s]}\" != \"timeout\" && ${ROLL_DRAINED[$s]/timeout/99999} < 10000"
done

last=$ROUNDS
hello='route="GET /api/v1/hello"'
hist=""
for t in host_off host_on; do
  n="$t-$CONNECTIONS-$last"
  read -r h50 h99 hmean hcount <<<"$(route_hist "$hello" "$work/metrics-$n-before.txt" "$work/metrics-$n-after.txt")"
  hist="$hist$t @$CONNECTIONS (round $last): p50 ≤ $h50 ms, p99 ≤ $h99 ms, mean $hmean µs over $hcount requests (wrk counted ${R_REQ[$n]})."$'\n'
done

cat <<EOF
### Run $started_at

\`WORKERS=$WORKERS THREADS=$THREADS NGINX_WORKERS=$NGINX_WORKERS WRK_THREADS=$WRK_THREADS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS HIGH_CONNECTIONS=$HIGH_CONNECTIONS ROUNDS=$ROUNDS BUILD_DIR=${BUILD_DIR#"$here"/} bench/run.sh\`
— commit $rev$dirty, ${build_type:-unknown} build, $(nproc) cores, load average before $load_before / after $load_after;
wrk \`-t$WRK_THREADS -d$DURATION --latency\` (2 s time-out) after a $WARMUP warm-up per row; host $WORKERS workers × $THREADS threads,
bare responder $bare_threads threads; keep_conn on: upstream keepalive $host_keepalive per nginx worker for the host
(fastcgi_kept_connections = $host_kept), $bare_keepalive for the bare responder; keepalive_time 2s, keepalive_timeout 1s.

nginx alone (\`return 200\`, /nginx-ping) @$CONNECTIONS: ${R_RPS[nginx]} req/s, p50 ${R_P50[nginx]} ms, p99 ${R_P99[nginx]} ms (load ${R_LOAD[nginx]}).

| round | target | conns | req/s | p50 ms | p99 ms | non-2xx | socket errors | probes (200, slowest) | load 1 min |
|---:|---|---:|---:|---:|---:|---:|---|---|---:|
$rows
Keep-alive against a new connection per request (mean req/s over the rounds; ratios in the same run):

| conns | host off | host on | host on / off | bare off | bare on | bare on / off | host off / bare off | host on / bare off |
|---:|---:|---:|---|---:|---:|---:|---:|---:|
$ratios
SIGHUP rolling reload under load (wrk @$HIGH_CONNECTIONS for $ROLL_DURATION, GET /api/v1/hello and POST /api/v1/echo alternating; SIGHUP 3 s in):

| stack | requests | req/s | p99 ms | non-2xx | socket errors | new generation serving (ms after SIGHUP) | old generation gone (ms) | probes | load 1 min |
|---|---:|---:|---:|---:|---|---:|---:|---|---:|
$rolls
| check | measured | target | verdict |
|---|---|---|---|
$verdicts
Host-side histogram for \`GET /api/v1/hello\` (bazaar_request_duration_seconds, dispatcher time only; bucket upper bounds):
$hist
EOF
echo "Decision input: host on / off = $gain_low @$CONNECTIONS, $gain_high @$HIGH_CONNECTIONS (mean of $ROUNDS rounds)."
[[ $host_status == *serving*serving* ]] || { echo; echo "WARNING: bazaarctl status after the run:$host_status"; failed=1; }
if [[ $STRICT == 1 && $failed == 1 ]]; then exit 1; fi
exit 0
