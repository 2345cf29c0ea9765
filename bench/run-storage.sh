#!/usr/bin/env bash
# bench/run-storage.sh — storage and events benchmark (issue 3). Starts
# everything it needs, measures, prints a markdown report on stdout, stops
# everything it started (by PID).
#
# For each durability level in SYNCS (default "full normal"), through nginx on
# 127.0.0.1 with wrk --latency and bench/post_write.lua (POST {"key":K}, a new
# K per request):
#   1. bare libfcgi + SQLite responder (bench_bare_sqlite_responder): one
#      INSERT per request in its own BEGIN IMMEDIATE transaction, 8 WAL files
#      picked by key, synchronous=SYNC, the host's busy strategy
#   2. bazaar-host POST /api/v1/fxev/write (fixture plugin fxev, SHARD_SYNC=SYNC):
#      one write transaction on shard_of(K) with one fxev_writes row and one
#      outbox event, commit, 201
#   3. (BARE_OUTBOX=1, the default) the bare responder again, on fresh files,
#      also inserting one row into a copy of the host's outbox table per
#      transaction: a diagnostic that splits the gap into "the outbox row's
#      SQLite cost" and "everything else the host does" (relay, JSON, dispatch)
# Target (issue 3): host/bare throughput >= TARGET (0.70) at each level.
# Around the host's measured run it scrapes /metrics: bazaar_db_commits_total,
# bazaar_db_busy_waits_total, bazaar_db_busy_timeouts_total,
# bazaar_events_published_total, bazaar_outbox_lag_ms (sampled every second
# during the run, and after), the 201 count and the dispatcher histogram of the
# route. CPU time of each server's processes is summed from /proc.
# Correctness cross-check, after the load stops: rows in the files (sqlite3
# CLI) == 201 answers counted by the server (host: bazaar_requests_total
# {status="201"}; bare: its GET counter), and wrk's 2xx total <= rows <= wrk's
# 2xx + in-flight requests cut off by wrk's stops; host outbox rows of topic
# fxev.write. == fxev_writes rows (same transaction); the relay publishes them
# all within DRAIN_LIMIT seconds.
#
# Fairness: both FastCGI back ends sit behind an nginx with the same worker
# count, listen options and conf/fastcgi_bazaar.conf (keep_conn off), access
# logs off (ACCESS_LOG=off; bench/nginx-bare.conf.in); the bare responder runs
# WORKERS x THREADS threads, as many as the host's request threads, on as many
# files as the host has shards (8); both start from empty files.
#
# Environment (defaults in brackets):
#   SYNCS ["full normal"]   DURATION [10s]  WARMUP [2s]  CONNECTIONS [64]
#   WRK_THREADS [2]  WORKERS [2]  THREADS [16]  NGINX_WORKERS [2]  TARGET [0.70]
#   BARE_OUTBOX [1]         0 = skip row 3
#   DRAIN_LIMIT [20]        seconds the outbox may take to drain after the load
#   BUILD_DIR [build/benchstore] needs bin/{bazaar-host,bazaarctl,
#       bench_bare_sqlite_responder} and test-plugins/fxev.so (a build with
#       -DBAZAAR_TESTS=ON -DBAZAAR_BENCH=ON; the default one is configured and
#       built if anything is missing)
#   KEEP [0]  1 = keep the state directory     STRICT [0]  1 = exit 1 on a FAIL
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SYNCS=${SYNCS:-full normal}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-16}
NGINX_WORKERS=${NGINX_WORKERS:-2}
TARGET=${TARGET:-0.70}
DRAIN_LIMIT=${DRAIN_LIMIT:-20}
BARE_OUTBOX=${BARE_OUTBOX:-1}
KEEP=${KEEP:-0}
STRICT=${STRICT:-0}
default_build="$here/build/benchstore"
BUILD_DIR=${BUILD_DIR:-$default_build}
export WORKERS THREADS NGINX_WORKERS   # read by scripts/stack.sh
# A new FastCGI connection per request for the host too, as for the bare
# responder (which stalls with kept connections): the ratios stay comparable
# with earlier runs. bench/run.sh measures keep-alive itself.
FASTCGI_KEEP_CONN=${FASTCGI_KEEP_CONN:-off}
export FASTCGI_KEEP_CONN
lua="$here/bench/post_write.lua"
route_label='route="POST /api/v1/fxev/write"'

die() { echo "bench/run-storage.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
for tool in wrk nginx curl ss awk sqlite3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for s in $SYNCS; do [[ $s == full || $s == normal ]] || die "SYNCS: '$s' is not full or normal"; done
dur_s=${DURATION%s}
warm_s=${WARMUP%s}
[[ $dur_s =~ ^[0-9]+$ && $warm_s =~ ^[0-9]+$ ]] || die "DURATION and WARMUP must be whole seconds (e.g. 10s)"

# --- binaries ----------------------------------------------------------------
have_binaries() {
  [[ -x $BUILD_DIR/bin/bazaar-host && -x $BUILD_DIR/bin/bazaarctl &&
     -x $BUILD_DIR/bin/bench_bare_sqlite_responder && -f $BUILD_DIR/test-plugins/fxev.so ]]
}
if ! have_binaries; then
  [[ $(cd "$here" && realpath -m "$BUILD_DIR") == "$default_build" ]] ||
    die "$BUILD_DIR lacks bazaar-host, bazaarctl, bench_bare_sqlite_responder or test-plugins/fxev.so"
  echo "bench/run-storage.sh: building $BUILD_DIR (binaries missing)" >&2
  (cd "$here" &&
   cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBAZAAR_TESTS=ON -DBAZAAR_BENCH=ON >&2 &&
   cmake --build "$BUILD_DIR" -j2 --target bazaar-host bazaarctl fxev bench_bare_sqlite_responder >&2)
  have_binaries || die "the build did not produce the binaries"
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
case ${build_type:-unknown} in
  Release|RelWithDebInfo) ;;
  *) echo "bench/run-storage.sh: WARNING: $BUILD_DIR is a '${build_type:-unknown}' build; figures mean little" >&2 ;;
esac


work=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-bench-storage.XXXXXX")
stack_dir="" bare_pid="" bare_nginx_pid="" sampler_pid="" bare_sock="" bare_data=""

stop_all() {
  stop_pid "$sampler_pid" TERM
  stop_pid "$bare_nginx_pid" QUIT
  stop_pid "$bare_pid" TERM
  [[ -n $stack_dir ]] && "$here/scripts/stack.sh" stop "$stack_dir"
  sampler_pid="" bare_nginx_pid="" bare_pid="" stack_dir=""
}
cleanup() {
  local rc=$?
  set +e
  stop_all
  if [[ $KEEP == 1 ]]; then
    echo "bench/run-storage.sh: state kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# cpu_ticks PID: "total master request background" utime + stime (clock ticks)
# of PID and its children, split by bazaar-host's `--worker` role (the bare
# responder has no children: everything is "master").
cpu_ticks() {
  local p t master=0 req=0 bg=0 args
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null || true); do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)
    args=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)
    case $args in
      *"--worker request"*) req=$((req + t)) ;;
      *"--worker "*) bg=$((bg + t)) ;;
      *) master=$((master + t)) ;;
    esac
  done
  echo "$((master + req + bg)) $master $req $bg"
}
hz=$(getconf CLK_TCK)

# metric FILE NAME [LABEL]: value of an unlabelled metric, or of the series
# whose labels contain LABEL; 0 when absent.
metric() {
  awk -v name="$2" -v label="${3:-}" '
    index($0, name) != 1 { next }
    { rest = substr($0, length(name) + 1) }
    label == "" && rest ~ /^ / { v = $NF; found = 1 }
    label != "" && rest ~ /^\{/ && index(rest, label) { v = $NF; found = 1 }
    END { print (found ? v : 0) }' "$1"
}

# count_rows TABLE FILES...: sum of count(*) over the files.
count_rows() {
  local table=$1 total=0 n f
  shift
  for f in "$@"; do
    n=$(sqlite3 -cmd '.timeout 5000' "$f" "SELECT count(*) FROM $table" 2>/dev/null) ||
      die "cannot count $table in $f"
    total=$((total + n))
  done
  echo "$total"
}

# --- one durability level ----------------------------------------------------
declare -A R  # R[key.sync] = value
post_once() {  # post_once URL: HTTP status of one write
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' --data '{"key":42}' "$1"
}
wrk_run() {  # wrk_run SECONDS URL OUT [--latency]
  timeout -k 5 "$(($1 + 30))" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$1s" -s "$lua" "${@:4}" "$2" >"$3"
}
start_bare() {  # start_bare SYNC [outbox]: the bare responder on bare_sock and bare_data
  local deadline
  "$BUILD_DIR/bin/bench_bare_sqlite_responder" "$bare_sock" "$bare_data" "$1" \
    "$((WORKERS * THREADS))" 8 ${2:-} >>"$bare_data/../log/bare.out" 2>&1 &
  bare_pid=$!
  deadline=$((SECONDS + 10))
  until [[ -S $bare_sock ]]; do
    kill -0 "$bare_pid" 2>/dev/null || die "bench_bare_sqlite_responder exited: $(cat "$bare_data/../log/bare.out")"
    ((SECONDS < deadline)) || die "bench_bare_sqlite_responder did not create $bare_sock"
    sleep 0.05
  done
}
bare_stat() {  # bare_stat PORT written|busy_waits: from the bare responder's GET
  curl -fsS --max-time 5 "http://127.0.0.1:$1/api/v1/count" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}
wrk_2xx() {  # wrk_2xx FILE: complete answers that were 2xx
  local parsed req non2xx
  parsed=$(wrk_parse "$1")
  read -r _ _ _ req non2xx _ <<<"$parsed"
  echo $((req - non2xx))
}

measure() {
  local sync=$1 d="$work/$1"
  mkdir -p "$d/bare/run" "$d/bare/log" "$d/bare/data"
  local stack_port bare_port
  stack_port=$(free_port "")
  bare_port=$(free_port "$stack_port")

  # bazaar-host with the fxev fixture plugin and its schema, empty shards
  stack_dir="$d/stack"
  ACCESS_LOG=off PLUGINS=fxev PLUGIN_SOURCE_DIR="$BUILD_DIR/test-plugins" \
    SCHEMA_DIR="$here/tests/fixtures/schema" SHARD_SYNC="$sync" BUILD_DIR="$BUILD_DIR" \
    "$here/scripts/stack.sh" start "$stack_dir" "$stack_port" >&2
  grep -q "^shard_synchronous = $sync" "$stack_dir/bazaar.conf" || die "host shard_synchronous is not $sync"
  grep -q '^access_log = off' "$stack_dir/bazaar.conf" || die "host access log is not off"
  local host_pid
  host_pid=$(<"$stack_dir/run/host.pid")

  # bare responder with as many threads as the host has request threads
  bare_sock="$d/bare/run/bare.sock" bare_data="$d/bare/data"
  start_bare "$sync"
  start_bare_nginx "$d/bare" "$bare_port" "$bare_sock" /api/v1/count

  local host_url="http://127.0.0.1:$stack_port/api/v1/fxev/write"
  local bare_url="http://127.0.0.1:$bare_port/api/v1/write"
  local metrics_url="http://127.0.0.1:$stack_port/metrics"
  local code
  code=$(post_once "$host_url"); [[ $code == 201 ]] || die "host write answered $code, not 201"
  code=$(post_once "$bare_url"); [[ $code == 201 ]] || die "bare write answered $code, not 201"

  # bare: warm up, measure
  wrk_run "$warm_s" "$bare_url" "$d/wrk-bare-warm.txt"
  local t0 t1 m0 r0 b0 m1 r1 b1 bw0 bw1
  read -r t0 _ <<<"$(cpu_ticks "$bare_pid")"
  bw0=$(bare_stat "$bare_port" busy_waits)
  wrk_run "$dur_s" "$bare_url" "$d/wrk-bare.txt" --latency
  bw1=$(bare_stat "$bare_port" busy_waits)
  read -r t1 _ <<<"$(cpu_ticks "$bare_pid")"
  R[bare_cpu.$sync]=$((t1 - t0))
  R[bare_busy.$sync]=$((bw1 - bw0))

  # host: warm up, measure with scrapes and a lag sampler
  wrk_run "$warm_s" "$host_url" "$d/wrk-host-warm.txt"
  curl -fsS "$metrics_url" >"$d/metrics-before.txt"
  (for _ in $(seq "$dur_s"); do
     sleep 1
     curl -fsS --max-time 2 "$metrics_url" 2>/dev/null | awk '$1 == "bazaar_outbox_lag_ms" { print $2 }'
   done >"$d/lag-samples.txt") &
  sampler_pid=$!
  read -r t0 m0 r0 b0 <<<"$(cpu_ticks "$host_pid")"
  wrk_run "$dur_s" "$host_url" "$d/wrk-host.txt" --latency
  read -r t1 m1 r1 b1 <<<"$(cpu_ticks "$host_pid")"
  curl -fsS "$metrics_url" >"$d/metrics-after.txt"
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  R[host_cpu.$sync]=$((t1 - t0))
  R[host_cpu_roles.$sync]="$((m1 - m0)) $((r1 - r0)) $((b1 - b0))"

  # outbox drain: every 201 published by the relay
  local created published drain_start=$SECONDS drained=no
  while ((SECONDS - drain_start < DRAIN_LIMIT)); do
    curl -fsS "$metrics_url" >"$d/metrics-drain.txt"
    created=$(metric "$d/metrics-drain.txt" bazaar_requests_total "$route_label,status=\"201\"")
    published=$(metric "$d/metrics-drain.txt" bazaar_events_published_total)
    if ((published >= created)); then drained=yes; break; fi
    sleep 0.2
  done
  R[drain.$sync]="$drained $((SECONDS - drain_start))"
  R[lag_after.$sync]=$(metric "$d/metrics-drain.txt" bazaar_outbox_lag_ms)

  # correctness: rows in the files against the servers' own 201 counts and wrk's
  sleep 1  # requests cut off by wrk's stop finish on the server
  curl -fsS "$metrics_url" >"$d/metrics-final.txt"
  R[host_201.$sync]=$(metric "$d/metrics-final.txt" bazaar_requests_total "$route_label,status=\"201\"")
  R[host_rows.$sync]=$(count_rows fxev_writes "$stack_dir"/data/shard-*.db)
  R[host_outbox.$sync]=$(count_rows "bazaar_outbox WHERE topic = 'fxev.write.'" "$stack_dir"/data/shard-*.db)
  R[bare_201.$sync]=$(bare_stat "$bare_port" written)
  R[bare_rows.$sync]=$(count_rows bare_writes "$d"/bare/data/bare-*.db)
  R[host_wrk2xx.$sync]=$((1 + $(wrk_2xx "$d/wrk-host-warm.txt") + $(wrk_2xx "$d/wrk-host.txt")))
  R[bare_wrk2xx.$sync]=$((1 + $(wrk_2xx "$d/wrk-bare-warm.txt") + $(wrk_2xx "$d/wrk-bare.txt")))

  local b a
  b="$d/metrics-before.txt" a="$d/metrics-after.txt"
  for m in bazaar_db_commits_total bazaar_db_busy_waits_total bazaar_db_busy_timeouts_total \
           bazaar_events_published_total; do
    R[$m.$sync]=$(($(metric "$a" "$m") - $(metric "$b" "$m")))
  done
  R[d201.$sync]=$(($(metric "$a" bazaar_requests_total "$route_label,status=\"201\"") -
                   $(metric "$b" bazaar_requests_total "$route_label,status=\"201\"")))
  R[lag_max.$sync]=$(awk 'BEGIN { m = 0 } $1 + 0 > m { m = $1 + 0 } END { print m }' "$d/lag-samples.txt")
  R[hist.$sync]=$(route_hist "$route_label" "$b" "$a")
  R[bare.$sync]=$(wrk_parse "$d/wrk-bare.txt")
  R[host.$sync]=$(wrk_parse "$d/wrk-host.txt")
  [[ -n ${R[bare.$sync]%% *} && -n ${R[host.$sync]%% *} ]] || die "cannot parse wrk output ($d)"
  R[status.$sync]=$("$BUILD_DIR/bin/bazaarctl" --config "$stack_dir/bazaar.conf" status 2>/dev/null |
                    tr -d '\n' | head -c 300 || true)

  if [[ $BARE_OUTBOX == 1 ]]; then  # row 3: same nginx, a new responder on fresh files
    stop_pid "$bare_pid" TERM
    rm -f "$bare_sock"
    bare_data="$d/bare/data-outbox"
    mkdir -p "$bare_data"
    start_bare "$sync" outbox
    code=$(post_once "$bare_url"); [[ $code == 201 ]] || die "bare+outbox write answered $code, not 201"
    wrk_run "$warm_s" "$bare_url" "$d/wrk-bareob-warm.txt"
    read -r t0 _ <<<"$(cpu_ticks "$bare_pid")"
    wrk_run "$dur_s" "$bare_url" "$d/wrk-bareob.txt" --latency
    read -r t1 _ <<<"$(cpu_ticks "$bare_pid")"
    R[bareob_cpu.$sync]=$((t1 - t0))
    R[bareob.$sync]=$(wrk_parse "$d/wrk-bareob.txt")
  fi
  stop_all
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
for sync in $SYNCS; do measure "$sync"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ", working tree modified" || true)
failed=0

cat <<EOF
### Run $started_at

\`SYNCS="$SYNCS" WORKERS=$WORKERS THREADS=$THREADS NGINX_WORKERS=$NGINX_WORKERS WRK_THREADS=$WRK_THREADS DURATION=$DURATION CONNECTIONS=$CONNECTIONS BUILD_DIR=${BUILD_DIR#"$here"/} bench/run-storage.sh\`
— commit $rev$dirty, ${build_type:-unknown} build, $(nproc) cores, load average before $load_before / after $load_after,
wrk \`-t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/post_write.lua\` after a $WARMUP warm-up per row;
bare responder $((WORKERS * THREADS)) threads on 8 files, host $WORKERS workers × $THREADS threads on 8 shards, access logs off.

| synchronous | back end | req/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU µs/req |
|---|---|---:|---:|---:|---:|---|---:|
EOF
sides="bare host"
[[ $BARE_OUTBOX == 1 ]] && sides="bare host bareob"
for sync in $SYNCS; do
  for side in $sides; do
    read -r rps p50 p99 req non2xx _ socktxt <<<"${R[$side.$sync]}"
    cpu_us=$(calc "${R[${side}_cpu.$sync]} * 1000000 / $hz / ($req > 0 ? $req : 1)")
    name="bare libfcgi + SQLite INSERT"
    [[ $side == host ]] && name="bazaar-host \`POST /api/v1/fxev/write\` (row + event)"
    [[ $side == bareob ]] && name="(diagnostic) bare + a bazaar_outbox-like row, no relay"
    echo "| ${sync^^} | $name | $rps | $p50 | $p99 | $non2xx | $socktxt | ${cpu_us%.*} |"
  done
done

cat <<EOF

| check | synchronous | measured | target | verdict |
|---|---|---:|---|---|
EOF
for sync in $SYNCS; do
  read -r brps _ _ _ bnon _ <<<"${R[bare.$sync]}"
  read -r hrps _ _ _ hnon _ <<<"${R[host.$sync]}"
  ratio=$(calc "$hrps / $brps")
  v=$(verdict "$ratio >= $TARGET"); [[ $v == FAIL ]] && failed=1
  echo "| host / bare throughput | ${sync^^} | $ratio | ≥ $TARGET | $v |"
  if [[ $BARE_OUTBOX == 1 ]]; then
    read -r orps _ <<<"${R[bareob.$sync]}"
    echo "| (information) bare+outbox / bare; host / bare+outbox | ${sync^^} | $(calc "$orps / $brps"); $(calc "$hrps / $orps") | | |"
  fi
  v=$(verdict "$hnon + $bnon == 0"); [[ $v == FAIL ]] && failed=1
  echo "| non-2xx answers (host + bare) | ${sync^^} | $((hnon + bnon)) | 0 | $v |"
  v=$(verdict "${R[host_rows.$sync]} == ${R[host_201.$sync]} && ${R[host_outbox.$sync]} == ${R[host_rows.$sync]}")
  [[ $v == FAIL ]] && failed=1
  echo "| host: fxev_writes rows = 201s (host counter) = fxev.write. outbox rows | ${sync^^} | ${R[host_rows.$sync]} = ${R[host_201.$sync]} = ${R[host_outbox.$sync]} | equal | $v |"
  v=$(verdict "${R[bare_rows.$sync]} == ${R[bare_201.$sync]}"); [[ $v == FAIL ]] && failed=1
  echo "| bare: rows = 201s (its counter) | ${sync^^} | ${R[bare_rows.$sync]} = ${R[bare_201.$sync]} | equal | $v |"
  slack=$((3 * CONNECTIONS))  # three wrk stops, each may cut off one request per connection
  v=$(verdict "${R[host_wrk2xx.$sync]} <= ${R[host_rows.$sync]} && ${R[host_rows.$sync]} <= ${R[host_wrk2xx.$sync]} + $slack && ${R[bare_wrk2xx.$sync]} <= ${R[bare_rows.$sync]} && ${R[bare_rows.$sync]} <= ${R[bare_wrk2xx.$sync]} + $slack")
  [[ $v == FAIL ]] && failed=1
  echo "| client-side: wrk 2xx ≤ rows ≤ wrk 2xx + cut-off (host; bare) | ${sync^^} | ${R[host_wrk2xx.$sync]} ≤ ${R[host_rows.$sync]}; ${R[bare_wrk2xx.$sync]} ≤ ${R[bare_rows.$sync]} | slack ≤ $slack | $v |"
  read -r drained drain_s <<<"${R[drain.$sync]}"
  v=$(verdict "\"$drained\" == \"yes\""); [[ $v == FAIL ]] && failed=1
  echo "| outbox drained after the load (published ≥ 201s) | ${sync^^} | $drained, ≤ ${drain_s} s | ≤ ${DRAIN_LIMIT} s | $v |"
  if [[ ${R[status.$sync]} != *serving* ]]; then
    echo "| bazaarctl status after the run | ${sync^^} | ${R[status.$sync]:-no answer} | serving | FAIL |"
    failed=1
  fi
done

cat <<EOF

Host metrics over the measured run (deltas of /metrics; commits and busy waits
count every process: request workers and the background relay):

| synchronous | 201s | commits | commits − 201s (relay etc.) | busy waits | busy waits / 1k commits | busy time-outs | events published | outbox lag ms: max sampled / after | dispatcher p50 / p99 ms, mean µs |
|---|---:|---:|---:|---:|---:|---:|---:|---|---|
EOF
for sync in $SYNCS; do
  c=${R[bazaar_db_commits_total.$sync]} w=${R[bazaar_db_busy_waits_total.$sync]} n=${R[d201.$sync]}
  read -r h50 h99 hmean _ <<<"${R[hist.$sync]}"
  echo "| ${sync^^} | $n | $c | $((c - n)) | $w | $(calc "$w * 1000 / ($c > 0 ? $c : 1)") | ${R[bazaar_db_busy_timeouts_total.$sync]} | ${R[bazaar_events_published_total.$sync]} | ${R[lag_max.$sync]} / ${R[lag_after.$sync]} | ≤ $h50 / ≤ $h99, $hmean |"
done

cat <<EOF

Where the CPU goes (ticks of each server's processes over its measured run, in
µs per answered request; the bare responder's busy waits counted like the host's):

| synchronous | bare: CPU µs/req | bare: busy waits / 1k commits | host: master (bus proxy) | host: request workers | host: background (relay) |
|---|---:|---:|---:|---:|---:|
EOF
per() { calc "$1 * 1000000 / $hz / ($2 > 0 ? $2 : 1)"; }
for sync in $SYNCS; do
  read -r _ _ _ breq _ <<<"${R[bare.$sync]}"
  read -r _ _ _ hreq _ <<<"${R[host.$sync]}"
  read -r cm cr cb <<<"${R[host_cpu_roles.$sync]}"
  echo "| ${sync^^} | $(per "${R[bare_cpu.$sync]}" "$breq") | $(calc "${R[bare_busy.$sync]} * 1000 / ($breq > 0 ? $breq : 1)") | $(per "$cm" "$hreq") | $(per "$cr" "$hreq") | $(per "$cb" "$hreq") |"
done
if [[ $STRICT == 1 && $failed == 1 ]]; then exit 1; fi
exit 0
