#!/usr/bin/env bash
# bench/run-orders.sh — orders plugin benchmark. Starts everything it needs,
# measures, checks the data, prints a markdown report on stdout, stops
# everything it started (by PID).
#
# In one run, through nginx on 127.0.0.1, each row `wrk -tWRK_THREADS
# -cCONNECTIONS -dDURATION --latency` after a WARMUP run of the same load:
#   0. nginx alone (/nginx-ping, `return 200`) and the bare libfcgi responder
#      (bench_bare_responder behind its own nginx, bench/nginx-bare.conf.in,
#      GET /api/v1/hello): the transport limit of this run; the bare responder
#      again with the sold-out row's request (POST, JSON body, token), for
#      information
#   1. create: POST /api/v1/orders, one unit of a random SKU among SKUS,
#      random user among USERS, a new Idempotency-Key per request
#   2. hot: the same on one SKU
#   3. detail: GET /api/v1/orders/{id} of DETAIL_ORDERS orders made in 1, as
#      their owners (cached: the warm-up reads every one at least once)
#   4. list: GET /api/v1/orders?limit=20 as a random user (first page cached)
#   5. flash: a sale of FLASH_QTY units, per_user_limit 1, buyers in turn from
#      USERS (distinct until the pool wraps): a FLASH_STORM run on the fresh
#      sale (the race; it is also the warm-up), then the measured run, all of
#      it sold-out answers (409 SOLD_OUT)
#   6. callback: POST /api/v1/payments/callback, one signed callback per
#      PENDING_PAYMENT order (read from the shards after 1-5), each sent once
# The stack: scripts/stack.sh with PLUGINS=orders (from $BUILD_DIR/plugins),
# MEMCACHED=on, ACCESS_LOG=off, SHARD_SYNC=full, WORKERS x THREADS. Tokens
# are minted with `bazaarctl token`; callbacks are signed by
# bench/orders/gen.py with DIR/payment.secret; bench/orders/orders.lua sends.
# Around each measured host run /metrics is scraped: answers by status (the
# split of non-2xx into expected and unexpected; wrk alone only counts them),
# the route's dispatcher histogram, commits, busy waits and time-outs, cache
# hits and misses, events published, and any orders plugin counter.
# Targets: create >= 5,000 req/s with wrk p99 <= 30 ms (FULL); detail >= 0.70
# of the bare responder; sold-out answers >= 0.70 of bare.
# After the load (and a pause for in-flight requests): every SKU satisfies
# initial + added = available + reserved + sold (sqlite3 on every shard);
# orders rows = 201s the host counted for POST /api/v1/orders; units held by
# live orders = reserved + sold; the sale sold exactly FLASH_QTY (201s of the
# flash runs, orders rows of the sale, `remaining` 0 via GET
# /api/v1/flash-sales/{id}); PAID orders = APPLIED payment rows = 200s of the
# callback runs; the host still serving.
#
# Environment (defaults in brackets):
#   DURATION [10s] WARMUP [2s] FLASH_STORM [3s] (whole seconds)  CONNECTIONS [64]
#   WRK_THREADS [2]  WORKERS [1]  THREADS [32]  NGINX_WORKERS [2]
#       (one request worker: write batches and near-cache copies are per
#       process, and two workers on one shard file take turns on its write
#       lock and reset each other's page cache; docs/ARCHITECTURE.md)
#   SKUS [1000] STOCK [1000000000] USERS [1000] DETAIL_ORDERS [5000]
#   FLASH_QTY [100] MAX_CALLBACKS [300000]
#   BUILD_DIR [build/ordbench] needs bin/{bazaar-host,bazaarctl,bench_bare_responder}
#       and plugins/orders.so; the default one is configured (Release, tests off,
#       bench on) and built (-j2) if anything is missing
#   KEEP [0]  1 = keep the state directory     STRICT [0]  1 = exit 1 on a FAIL
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
FLASH_STORM=${FLASH_STORM:-3s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WORKERS=${WORKERS:-1}
THREADS=${THREADS:-32}
NGINX_WORKERS=${NGINX_WORKERS:-2}
SKUS=${SKUS:-1000}
STOCK=${STOCK:-1000000000}
USERS=${USERS:-1000}
DETAIL_ORDERS=${DETAIL_ORDERS:-5000}
FLASH_QTY=${FLASH_QTY:-100}
MAX_CALLBACKS=${MAX_CALLBACKS:-300000}
KEEP=${KEEP:-0}
STRICT=${STRICT:-0}
default_build="$here/build/ordbench"
BUILD_DIR=${BUILD_DIR:-$default_build}
export WORKERS THREADS NGINX_WORKERS   # read by scripts/stack.sh
# A new FastCGI connection per request for the host too, as for the bare
# responder (which stalls with kept connections): the ratios stay comparable
# with earlier runs. bench/run.sh measures keep-alive itself.
FASTCGI_KEEP_CONN=${FASTCGI_KEEP_CONN:-off}
export FASTCGI_KEEP_CONN
lua="$here/bench/orders/orders.lua"
gen="$here/bench/orders/gen.py"

die() { echo "bench/run-orders.sh: $*" >&2; exit 2; }
say() { echo "bench/run-orders.sh: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
for tool in wrk nginx curl ss awk sqlite3 timeout python3 memcached; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
dur_s=${DURATION%s} warm_s=${WARMUP%s} storm_s=${FLASH_STORM%s}
[[ $dur_s =~ ^[0-9]+$ && $warm_s =~ ^[0-9]+$ && $storm_s =~ ^[0-9]+$ ]] ||
  die "DURATION, WARMUP and FLASH_STORM must be whole seconds (e.g. 10s)"

# --- binaries ----------------------------------------------------------------
have_binaries() {
  [[ -x $BUILD_DIR/bin/bazaar-host && -x $BUILD_DIR/bin/bazaarctl &&
     -x $BUILD_DIR/bin/bench_bare_responder && -f $BUILD_DIR/plugins/orders.so ]]
}
if ! have_binaries; then
  [[ $(cd "$here" && realpath -m "$BUILD_DIR") == "$default_build" ]] ||
    die "$BUILD_DIR lacks bazaar-host, bazaarctl, bench_bare_responder or plugins/orders.so"
  say "building $BUILD_DIR (binaries missing)"
  (cd "$here" &&
   cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBAZAAR_TESTS=OFF -DBAZAAR_BENCH=ON >&2 &&
   cmake --build "$BUILD_DIR" -j2 --target runtime bench_bare_responder >&2)
  have_binaries || die "the build did not produce the binaries (is plugins/orders built by the runtime target?)"
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
case ${build_type:-unknown} in
  Release|RelWithDebInfo) ;;
  *) say "WARNING: $BUILD_DIR is a '${build_type:-unknown}' build; figures mean little" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-bench-orders.XXXXXX")
stack_dir="$work/stack" bare_dir="$work/bare" data="$work/data"
mkdir -p "$bare_dir"/{run,log} "$data"
stack_started=0 bare_pid="" bare_nginx_pid=""

cleanup() {
  local rc=$?
  set +e
  stop_pid "$bare_nginx_pid" QUIT
  stop_pid "$bare_pid" TERM
  ((stack_started)) && "$here/scripts/stack.sh" stop "$stack_dir"
  if [[ $KEEP == 1 ]]; then say "state kept in $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start: the stack, the bare responder and its nginx ----------------------
stack_port=$(free_port "")
bare_port=$(free_port "$stack_port")
stack_started=1
ACCESS_LOG=off PLUGINS=orders MEMCACHED=on SHARD_SYNC=full BUILD_DIR="$BUILD_DIR" \
  "$here/scripts/stack.sh" start "$stack_dir" "$stack_port" >&2
conf="$stack_dir/bazaar.conf"
grep -q '^shard_synchronous = full' "$conf" || die "host shard_synchronous is not full"
grep -q '^access_log = off' "$conf" || die "host access log is not off"
grep -q '^memcached_servers = 127.0.0.1:[0-9]' "$conf" || die "host has no memcached"
grep -q 'access_log off;' "$stack_dir/nginx.conf" || die "nginx access log is not off"
[[ -s $stack_dir/payment.secret ]] || die "no $stack_dir/payment.secret"

start_bare_responder "$bare_dir" "$bare_port" "$((WORKERS * THREADS))"

url="http://127.0.0.1:$stack_port"
metrics_url="$url/metrics"
bare_url="http://127.0.0.1:$bare_port/api/v1/hello"
ctl() { timeout 10 "$BUILD_DIR/bin/bazaarctl" --config "$conf" "$@"; }
py() { timeout 300 python3 "$gen" "$@"; }

# --- data: tokens, SKUs ------------------------------------------------------
say "minting $USERS user tokens"
merchant=$(ctl token --role merchant --sub 1 --ttl 7200)
seq 1 "$USERS" | xargs -P 2 -I{} sh -c \
  'printf "%s %s\n" {} "$(timeout 10 "$0" --config "$1" token --role user --sub {} --ttl 7200)"' \
  "$BUILD_DIR/bin/bazaarctl" "$conf" | sort -n | cut -d' ' -f2 >"$data/tokens.txt"
[[ $(grep -c '^ey' "$data/tokens.txt") == "$USERS" ]] || die "could not mint $USERS tokens"

say "creating $SKUS SKUs (stock $STOCK each), a hot SKU and a flash-sale SKU"
py skus "$url" "$merchant" 1 "$STOCK" 1999 "$data/hot.txt" 1 ||
  die "POST /api/v1/merchant/skus does not answer 201: is the orders plugin working?"
py skus "$url" "$merchant" "$SKUS" "$STOCK" 1999 "$data/skus.txt" 4
py skus "$url" "$merchant" 1 "$((FLASH_QTY * 10))" 2999 "$data/flash-sku.txt" 1
hot_sku=$(<"$data/hot.txt") flash_sku=$(<"$data/flash-sku.txt")
read -r code body <<<"$(py order "$url" "$(sed -n 1p "$data/tokens.txt")" "$(sed -n 1p "$data/skus.txt")" "smoke-$$")"
[[ $code == 201 ]] || die "POST /api/v1/orders answered $code: $body"
smoke_id=$(sed -n 's/.*"order_id":"\([0-9]*\)".*/\1/p' <<<"$body")
read -r code body <<<"$(py get "$url/api/v1/orders/$smoke_id" "$(sed -n 1p "$data/tokens.txt")")"
[[ $code == 200 ]] || die "GET /api/v1/orders/$smoke_id answered $code: $body"

# --- helpers: wrk, /metrics --------------------------------------------------
run_tag=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
wrk_lua() {  # wrk_lua SECONDS OUT TAG MODE [ARGS...] [-- latency]: one wrk run of orders.lua
  local secs=$1 out=$2 tag=$3 mode=$4
  shift 4
  timeout -k 5 "$((secs + 60))" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency \
    -s "$lua" "${wrk_url:-$url}" -- "$mode" "$data" "$WRK_THREADS" "$run_tag$tag" "$@" >"$out" ||
    die "wrk failed ($mode): $(tail -5 "$out")"
}
scrape() { curl -fsS --max-time 10 "$metrics_url" >"$1" || die "cannot scrape $metrics_url"; }

# mval FILE NAME [SUBSTR]: sum of the series of metric NAME (whose label text
# contains SUBSTR); 0 when absent.
mval() {
  awk -v name="$2" -v sub_="${3:-}" '
    index($0, name) == 1 {
      rest = substr($0, length(name) + 1)
      if (rest !~ /^[ {]/) next
      if (sub_ != "" && !index(rest, sub_)) next
      s += $NF
    }
    END { printf "%.0f\n", s }' "$1"
}
# statuses BEFORE AFTER: "route<TAB>status<TAB>delta" of bazaar_requests_total
# between two scrapes, /metrics itself left out, non-zero deltas only.
statuses() {
  awk '
    FNR == 1 { file++ }
    index($0, "bazaar_requests_total{") == 1 {
      r = $0; sub(/.*route="/, "", r); sub(/".*/, "", r)
      s = $0; sub(/.*status="/, "", s); sub(/".*/, "", s)
      if (index(r, "/metrics")) next
      k = r "\t" s
      if (file == 1) b[k] = $NF; else a[k] = $NF
    }
    END { for (k in a) if (a[k] - b[k] > 0) printf "%s\t%d\n", k, a[k] - b[k] }' "$1" "$2" | sort
}

declare -A W M  # W[name] = wrk_parse output; M[name.key] = metric figures
# host_metrics NAME BEFORE AFTER "EXPECTED STATUSES": fills M[NAME.*]
host_metrics() {
  local n=$1 b=$2 a=$3 expected=" $4 " st route status d
  st=$(statuses "$b" "$a")
  M[$n.route]=$(awk -F'\t' '{ c[$1] += $3 } END { for (r in c) if (c[r] > m) { m = c[r]; best = r } print best }' <<<"$st")
  local exp_non2xx=0 unexp=0 host_non2xx=0 text="" ok2xx=0
  while IFS=$'\t' read -r route status d; do
    [[ -n $route ]] || continue
    text+="${text:+, }$status×$d"
    [[ $route != "${M[$n.route]}" ]] && text+=" ($route)"
    ((status >= 300)) && host_non2xx=$((host_non2xx + d))
    if [[ $expected == *" $status "* ]]; then
      ((status >= 300)) && exp_non2xx=$((exp_non2xx + d))
      ((status < 300)) && ok2xx=$((ok2xx + d))
    else
      unexp=$((unexp + d))
    fi
  done <<<"$st"
  M[$n.statuses]=${text:-none}
  M[$n.exp_non2xx]=$exp_non2xx M[$n.host_unexp]=$unexp M[$n.host_non2xx]=$host_non2xx M[$n.host_2xx]=$ok2xx
  M[$n.hist]=$(route_hist "route=\"${M[$n.route]}\"" "$b" "$a")
  local key
  for key in bazaar_db_commits_total bazaar_db_busy_waits_total bazaar_db_busy_timeouts_total \
             bazaar_events_published_total bazaar_worker_crashes_total bazaar_storage_wal_syncs_total \
             bazaar_storage_batched_txns_total; do
    M[$n.$key]=$(($(mval "$a" "$key") - $(mval "$b" "$key")))
  done
  M[$n.near]=$(($(mval "$a" bazaar_cache_near_requests_total 'result="hit"') - $(mval "$b" bazaar_cache_near_requests_total 'result="hit"')))
  M[$n.hit]=$(($(mval "$a" bazaar_cache_requests_total 'op="get",result="hit"') - $(mval "$b" bazaar_cache_requests_total 'op="get",result="hit"')))
  M[$n.miss]=$(($(mval "$a" bazaar_cache_requests_total 'op="get",result="miss"') - $(mval "$b" bazaar_cache_requests_total 'op="get",result="miss"')))
  M[$n.cerr]=$(($(mval "$a" bazaar_cache_requests_total 'result="error"') - $(mval "$b" bazaar_cache_requests_total 'result="error"')))
  M[$n.wal]=n/a  # the WAL fsync counter, where the host has one
  grep -q '^bazaar_storage_wal_syncs_total' "$a" && M[$n.wal]=${M[$n.bazaar_storage_wal_syncs_total]}
  # the orders plugin's own counters
  M[$n.extra]=$(awk '
      FNR == 1 { file++ }
      /^bazaar_plugin_/ && /plugin="orders"/ && !/_bucket/ {
        k = $0; sub(/ [^ ]*$/, "", k); if (file == 1) b[k] = $NF; else a[k] = $NF }
      END { for (k in a) if (a[k] - b[k] != 0) printf "%s%s +%d", (n++ ? "; " : ""), k, a[k] - b[k] }' "$b" "$a")
}

# measure NAME EXPECTED MODE ARGS...: warm-up, scrape, measured run, scrape
measure() {
  local n=$1 expected=$2 mode=$3
  shift 3
  say "scenario $n: warm-up ${warm_s}s, measured ${dur_s}s"
  wrk_lua "$warm_s" "$work/wrk-$n-warm.txt" "${n}w" "$mode" "$@"
  scrape "$work/metrics-$n-before.txt"
  wrk_lua "$dur_s" "$work/wrk-$n.txt" "${n}m" "$mode" "$@"
  scrape "$work/metrics-$n-after.txt"
  W[$n]=$(wrk_parse "$work/wrk-$n.txt")
  [[ -n ${W[$n]%% *} ]] || die "cannot parse wrk output for $n: $(cat "$work/wrk-$n.txt")"
  host_metrics "$n" "$work/metrics-$n-before.txt" "$work/metrics-$n-after.txt" "$expected"
}
plain() {  # plain NAME URL: warm-up and measured run of a GET without a script
  local n=$1
  say "scenario $n"
  timeout -k 5 "$((warm_s + 60))" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$2" >/dev/null
  timeout -k 5 "$((dur_s + 60))" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2" >"$work/wrk-$n.txt"
  W[$n]=$(wrk_parse "$work/wrk-$n.txt")
  [[ -n ${W[$n]%% *} ]] || die "cannot parse wrk output for $n"
}
# sqlsum SQL: the sum over every shard of a one-number query
sqlsum() {
  local f total=0 v
  for f in "$stack_dir"/data/shard-*.db; do
    v=$(sqlite3 -cmd '.timeout 10000' "$f" "$1") || die "sqlite3 $f: $1"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# --- measuring ---------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
plain nginx "$url/nginx-ping"
plain bare "$bare_url"
# the bare responder again, fed the sold-out row's exact request shape (POST,
# JSON body, bearer token; it answers 200 without reading them): what the
# transport costs for that request
say "scenario bare_post"
fake_id=5000000000000000000
wrk_url="http://127.0.0.1:$bare_port" wrk_lua "$warm_s" "$work/wrk-bare_post-warm.txt" bpw flash "$fake_id" "$fake_id"
wrk_url="http://127.0.0.1:$bare_port" wrk_lua "$dur_s" "$work/wrk-bare_post.txt" bpm flash "$fake_id" "$fake_id"
W[bare_post]=$(wrk_parse "$work/wrk-bare_post.txt")
measure create "201" create
measure hot "201" hot "$hot_sku"

# detail: orders made above, with their owners
sqlite_rows() {  # sqlite_rows SQL: rows of every shard
  local f
  for f in "$stack_dir"/data/shard-*.db; do sqlite3 -cmd '.timeout 10000' -separator ' ' "$f" "$1"; done
}
sqlite_rows "SELECT id, user_id FROM orders_orders ORDER BY random() LIMIT $DETAIL_ORDERS" |
  shuf -n "$DETAIL_ORDERS" >"$data/detail.txt"
[[ -s $data/detail.txt ]] || die "no orders to read"
measure detail "200" detail
measure list "200" list

# flash sale: the storm (race for FLASH_QTY units), then sold-out answers
flash_id=$(py flash "$url" "$merchant" "$flash_sku" 99 "$FLASH_QTY" 1) || die "cannot create the flash sale"
say "scenario flash: storm ${storm_s}s on sale $flash_id ($FLASH_QTY units), then sold-out ${dur_s}s"
scrape "$work/metrics-storm-before.txt"
wrk_lua "$storm_s" "$work/wrk-storm.txt" stormw flash "$flash_id" "$flash_sku"
scrape "$work/metrics-storm-after.txt"
W[storm]=$(wrk_parse "$work/wrk-storm.txt")
host_metrics storm "$work/metrics-storm-before.txt" "$work/metrics-storm-after.txt" "201 409"
read -r code sale_body <<<"$(py get "$url/api/v1/flash-sales/$flash_id")"
[[ $code == 200 ]] || die "GET /api/v1/flash-sales/$flash_id answered $code: $sale_body"
remaining_storm=$(sed -n 's/.*"remaining":\([0-9]*\).*/\1/p' <<<"$sale_body")
scrape "$work/metrics-soldout-before.txt"
wrk_lua "$dur_s" "$work/wrk-soldout.txt" soldm flash "$flash_id" "$flash_sku"
scrape "$work/metrics-soldout-after.txt"
W[soldout]=$(wrk_parse "$work/wrk-soldout.txt")
host_metrics soldout "$work/metrics-soldout-before.txt" "$work/metrics-soldout-after.txt" "409"
read -r code sale_body <<<"$(py get "$url/api/v1/flash-sales/$flash_id")"
remaining_end=$(sed -n 's/.*"remaining":\([0-9]*\).*/\1/p' <<<"$sale_body")

# payment callbacks: one per PENDING_PAYMENT order, signed now, each sent once
sqlite_rows "SELECT id, payable FROM orders_orders WHERE status = 'PENDING_PAYMENT' ORDER BY random() LIMIT $MAX_CALLBACKS" \
  >"$data/pending.txt"
n_signed=$(py sign "$stack_dir/payment.secret" "$data/pending.txt" "$data/callbacks.txt")
((n_signed > 0)) || die "no PENDING_PAYMENT orders to pay"
say "scenario callback: $n_signed signed callbacks"
wrk_lua "$warm_s" "$work/wrk-callback-warm.txt" cbw callback "$data/callbacks.txt" 0
next=$(sed -n 's/^orders.lua: next_offset //p' "$work/wrk-callback-warm.txt")
((next < n_signed)) || die "the warm-up used every signed callback ($n_signed): raise MAX_CALLBACKS"
scrape "$work/metrics-callback-before.txt"
wrk_lua "$dur_s" "$work/wrk-callback.txt" cbm callback "$data/callbacks.txt" "$next"
scrape "$work/metrics-callback-after.txt"
W[callback]=$(wrk_parse "$work/wrk-callback.txt")
host_metrics callback "$work/metrics-callback-before.txt" "$work/metrics-callback-after.txt" "200"
cb_replays=$(sed -n 's/^orders.lua: replays //p' "$work/wrk-callback.txt")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- correctness, after the load ---------------------------------------------
sleep 2  # requests cut off by wrk's stops finish on the server
scrape "$work/metrics-final.txt"
host_201=$(mval "$work/metrics-final.txt" bazaar_requests_total 'route="POST /api/v1/orders",status="201"')
orders_rows=$(sqlsum "SELECT count(*) FROM orders_orders")
bad_skus=$(sqlsum "SELECT count(*) FROM orders_skus WHERE initial + added != available + reserved + sold OR available < 0 OR reserved < 0 OR sold < 0")
n_skus=$(sqlsum "SELECT count(*) FROM orders_skus")
held=$(sqlsum "SELECT coalesce(sum(reserved + sold), 0) FROM orders_skus")
live_units=$(sqlsum "SELECT coalesce(sum(i.qty), 0) FROM orders_items i JOIN orders_orders o ON o.id = i.order_id WHERE o.status NOT IN ('CANCELLED', 'REFUNDED')")
cancelled=$(sqlsum "SELECT count(*) FROM orders_orders WHERE status IN ('CANCELLED', 'REFUNDED')")
flash_rows=$(sqlsum "SELECT count(*) FROM orders_orders WHERE flash_id = $flash_id AND status != 'CANCELLED'")
flash_201=$((${M[storm.host_2xx]} + ${M[soldout.host_2xx]}))
paid=$(sqlsum "SELECT count(*) FROM orders_orders WHERE status = 'PAID'")
applied=$(sqlsum "SELECT count(*) FROM orders_payments WHERE outcome = 'APPLIED'")
refund_req=$(sqlsum "SELECT count(*) FROM orders_payments WHERE outcome != 'APPLIED'")
cb_200_total=$(mval "$work/metrics-final.txt" bazaar_requests_total 'route="POST /api/v1/payments/callback",status="200"')
host_status=$(ctl status 2>/dev/null | tr -d '\n' | head -c 300 || true)
crashes=$(mval "$work/metrics-final.txt" bazaar_worker_crashes_total)

# --- report ------------------------------------------------------------------
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ", working tree modified" || true)
failed=0
read -r bare_rps _ <<<"${W[bare]}"
names=(create hot detail list storm soldout callback)
declare -A LABEL=(
  [create]="create order, random SKU of $SKUS, random user of $USERS"
  [hot]="create order, one hot SKU"
  [detail]="order detail \`GET /api/v1/orders/{id}\` (cached, owner)"
  [list]="order list \`GET /api/v1/orders?limit=20\`"
  [storm]="flash sale storm (${storm_s}s, fresh sale of $FLASH_QTY)"
  [soldout]="flash sale sold out (409 SOLD_OUT answers)"
  [callback]="payment callback (signed, each once)")

cat <<EOF
### Run $started_at

\`WORKERS=$WORKERS THREADS=$THREADS NGINX_WORKERS=$NGINX_WORKERS WRK_THREADS=$WRK_THREADS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS SKUS=$SKUS USERS=$USERS FLASH_QTY=$FLASH_QTY BUILD_DIR=${BUILD_DIR#"$here"/} bench/run-orders.sh\`
— commit $rev$dirty, ${build_type:-unknown} build, $(nproc) cores, load average before $load_before / after $load_after,
wrk \`-t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency\` after a $WARMUP warm-up per row (flash: the ${FLASH_STORM} storm is the sold-out row's warm-up);
host $WORKERS workers × $THREADS threads, SHARD_SYNC=full, memcached on, access logs off; bare responder $((WORKERS * THREADS)) threads.

| scenario | req/s | p50 ms | p99 ms | 2xx | expected non-2xx | unexpected | socket errors | / bare |
|---|---:|---:|---:|---:|---:|---:|---|---:|
EOF
for n in nginx bare bare_post; do
  read -r rps p50 p99 req non2xx _ socktxt <<<"${W[$n]}"
  case $n in
    nginx) label="nginx alone (\`return 200\`)" ;;
    bare) label="nginx → bare libfcgi responder (\`GET /api/v1/hello\`: the reference)" ;;
    *) label="nginx → bare responder, the sold-out row's request (POST, body, token)" ;;
  esac
  echo "| $label | $rps | $p50 | $p99 | $((req - non2xx)) | 0 | $non2xx | $socktxt | $(calc "$rps / $bare_rps") |"
done
for n in "${names[@]}"; do
  read -r rps p50 p99 req non2xx _ socktxt <<<"${W[$n]}"
  # unexpected: statuses outside the scenario's expected set as the host counted
  # them, plus non-2xx that never reached the host (nginx's own 502/504)
  lost=$((non2xx - ${M[$n.host_non2xx]})); ((lost < 0)) && lost=0
  M[$n.unexp]=$((${M[$n.host_unexp]} + lost))
  echo "| ${LABEL[$n]} | $rps | $p50 | $p99 | $((req - non2xx)) | ${M[$n.exp_non2xx]} | ${M[$n.unexp]} | $socktxt | $(calc "$rps / $bare_rps") |"
done

read -r c_rps _ c_p99 _ <<<"${W[create]}"
read -r d_rps _ <<<"${W[detail]}"
read -r s_rps _ <<<"${W[soldout]}"
check() {  # check TEXT MEASURED TARGET CONDITION
  local v; v=$(verdict "$4"); [[ $v == FAIL ]] && failed=1
  echo "| $1 | $2 | $3 | $v |"
}
cat <<EOF

| check | measured | target | verdict |
|---|---:|---|---|
EOF
check "create: throughput (FULL)" "$c_rps req/s" "≥ 5,000" "$c_rps >= 5000"
check "create: wrk p99 @$CONNECTIONS" "$c_p99 ms" "≤ 30 ms" "$c_p99 <= 30"
check "detail (cached) / bare" "$(calc "$d_rps / $bare_rps")" "≥ 0.70" "$(calc "$d_rps / $bare_rps") >= 0.70"
check "sold-out answers / bare" "$(calc "$s_rps / $bare_rps")" "≥ 0.70" "$(calc "$s_rps / $bare_rps") >= 0.70"
read -r bp_rps _ <<<"${W[bare_post]}"
echo "| (information) sold-out answers / bare fed the same POST | $(calc "$s_rps / $bp_rps") | | |"
unexp_total=0
for n in "${names[@]}"; do unexp_total=$((unexp_total + ${M[$n.unexp]})); done
check "unexpected answers, all host scenarios" "$unexp_total" "0" "$unexp_total == 0"
check "flash: units sold (201s of storm + sold-out runs) = quantity" "$flash_201" "$FLASH_QTY" "$flash_201 == $FLASH_QTY"
check "flash: \`remaining\` after the storm / at the end (GET /api/v1/flash-sales/{id})" "${remaining_storm:-?} / ${remaining_end:-?}" "0 / 0" "\"${remaining_storm:-x}\" == \"0\" && \"${remaining_end:-x}\" == \"0\""
check "flash: live orders of the sale (sqlite)" "$flash_rows" "$FLASH_QTY" "$flash_rows == $FLASH_QTY"
check "stock: SKUs breaking initial + added = available + reserved + sold" "$bad_skus of $n_skus" "0" "$bad_skus == 0 && $n_skus > 0"
check "orders rows = 201s the host counted (POST /api/v1/orders)" "$orders_rows = $host_201" "equal" "$orders_rows == $host_201"
check "units held (Σ reserved + sold) = units of live orders" "$held = $live_units" "equal" "$held == $live_units"
check "PAID orders = APPLIED payments = callback 200s (host)" "$paid = $applied = $cb_200_total" "equal" "$paid == $applied && $applied == $cb_200_total"
check "payments not applied (REFUND_REQUIRED); cancelled/refunded orders" "$refund_req; $cancelled" "0; 0" "$refund_req == 0 && $cancelled == 0"
check "callbacks that had to repeat a signed line (NONCE_REUSED)" "${cb_replays:-?}" "0" "\"${cb_replays:-x}\" == \"0\""
check "worker crashes over the run; status after" "$crashes; $([[ $host_status == *serving* ]] && echo serving || echo "${host_status:-no answer}")" "0; serving" "$crashes == 0 && \"$([[ $host_status == *serving* ]] && echo 1)\" == \"1\""

cat <<EOF

Host \`/metrics\` over each measured run (dispatcher histogram of the route: bucket upper bounds, not FastCGI I/O or queueing):

| scenario | route | host answers by status | dispatcher p50 / p99 ms, mean µs | commits (per answer) | transactions batched into them | WAL syncs (per answer) | busy waits / time-outs | near-cache hits; memcached get hit / miss / errors | events published |
|---|---|---|---|---:|---:|---:|---|---|---:|
EOF
per_answer() { if [[ $1 == n/a ]]; then echo n/a; else echo "$1 ($(calc "$1 / ($2 > 0 ? $2 : 1)"))"; fi; }
for n in "${names[@]}"; do
  read -r h50 h99 hmean hcount <<<"${M[$n.hist]}"
  echo "| $n | \`${M[$n.route]}\` | ${M[$n.statuses]} | ≤ $h50 / ≤ $h99, $hmean | $(per_answer "${M[$n.bazaar_db_commits_total]}" "${hcount:-0}") | ${M[$n.bazaar_storage_batched_txns_total]} | $(per_answer "${M[$n.wal]}" "${hcount:-0}") | ${M[$n.bazaar_db_busy_waits_total]} / ${M[$n.bazaar_db_busy_timeouts_total]} | ${M[$n.near]}; ${M[$n.hit]} / ${M[$n.miss]} / ${M[$n.cerr]} | ${M[$n.bazaar_events_published_total]} |"
done
for n in create hot callback; do
  read -r _ _ hmean _ <<<"${M[$n.hist]}"
  M[$n.ceiling]=$(calc "$WORKERS * $THREADS * 1000000 / (${hmean:-0} > 0 ? ${hmean:-0} : 1)")
done
cat <<EOF

Request threads ÷ mean dispatcher time (Little's law: the most the host's $((WORKERS * THREADS)) request threads can answer at that
per-request time, FastCGI and nginx aside): create ${M[create.ceiling]}/s, hot ${M[hot.ceiling]}/s, callback ${M[callback.ceiling]}/s.
EOF
extras=""
for n in "${names[@]}"; do [[ -n ${M[$n.extra]} ]] && extras+="- $n: ${M[$n.extra]}"$'\n'; done
if [[ -n $extras ]]; then
  echo
  echo "Orders plugin counters that moved:"
  echo
  printf '%s' "$extras"
fi
if [[ $STRICT == 1 && $failed == 1 ]]; then exit 1; fi
exit 0
