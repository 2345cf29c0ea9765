# bench/lib.sh: helpers shared by bench/run.sh, bench/run-orders.sh and bench/run-storage.sh.
# Sourced, not run. Callers define die() first.

free_port() {  # a port nobody listens on, not in $1 (already picked)
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ " $1 " == *" $p "* ]] && continue
    [[ -z $(ss -Htln "sport = :$p") ]] && { echo "$p"; return; }
  done
  die "no free port found"
}

stop_pid() {  # stop_pid PID SIGNAL: signal one process we started, wait, then KILL
  local pid=$1 sig=$2 deadline=$((SECONDS + 15))
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

start_bare_nginx() {  # start_bare_nginx DIR PORT SOCKET PROBE [KEEP_CONN THREADS]: nginx in front of a bare responder
  # bench/nginx-bare.conf.in on 127.0.0.1:PORT passing to SOCKET, up once GET PROBE answers 200.
  # KEEP_CONN (default off): FastCGI keep-alive, with as many kept connections as the
  # responder's THREADS allow (scripts/fastcgi-keepalive.sh). A bare libfcgi responder
  # blocks a thread on every kept connection: it stalls once nginx opens more
  # connections than it has threads, so only bench/run.sh turns it on, to show that.
  # Sets bare_nginx_pid for the caller's clean-up; needs NGINX_WORKERS, here and die.
  local dir=$1 port=$2 sock=$3 probe=$4 keep_conn keepalive upstream
  read -r keep_conn keepalive _ < <("$here/scripts/fastcgi-keepalive.sh" "${5:-off}" \
    "$NGINX_WORKERS" 1 "${6:-1}" || echo fail)
  [[ $keep_conn == on || $keep_conn == off ]] || die "no FastCGI keep-alive for the bare responder"
  upstream="keepalive $keepalive;"
  [[ $keep_conn == off ]] && upstream="# no keepalive: fastcgi_keep_conn off"
  mkdir -p "$dir/run" "$dir/log"
  "$here/scripts/render-conf.sh" "$here/bench/nginx-bare.conf.in" "$dir/nginx.conf" \
    NGINX_USER="$(id -un)" NGINX_WORKERS="$NGINX_WORKERS" RUN_DIR="$dir/run" \
    LOG_DIR="$dir/log" FCGI_SOCKET="$sock" PORT="$port" CONF_DIR="$here/conf" \
    FASTCGI_KEEP_CONN="$keep_conn" UPSTREAM_KEEPALIVE="$upstream"
  nginx -p "$dir/run" -c "$dir/nginx.conf" -g 'daemon off;' >>"$dir/log/nginx.out" 2>&1 &
  bare_nginx_pid=$!
  wait_http "http://127.0.0.1:$port$probe" "$bare_nginx_pid"
}

start_bare_responder() {  # start_bare_responder DIR PORT THREADS: the transport reference
  # bench_bare_responder (THREADS threads) behind its own nginx on 127.0.0.1:PORT,
  # answering GET /api/v1/hello. Sets bare_pid and bare_nginx_pid for the caller's
  # clean-up; needs BUILD_DIR, NGINX_WORKERS, here and die.
  local dir=$1 port=$2 threads=$3 sock="$1/run/bare.sock" deadline=$((SECONDS + 10))
  "$BUILD_DIR/bin/bench_bare_responder" "$sock" "$threads" >>"$dir/log/bare.out" 2>&1 &
  bare_pid=$!
  until [[ -S $sock ]]; do
    kill -0 "$bare_pid" 2>/dev/null || die "bench_bare_responder exited: $(cat "$dir/log/bare.out")"
    ((SECONDS < deadline)) || die "bench_bare_responder did not create $sock"
    sleep 0.05
  done
  start_bare_nginx "$dir" "$port" "$sock" /api/v1/hello
}

wait_http() {  # wait_http URL PID: until URL answers 200, or PID dies, or 15 s pass
  local deadline=$((SECONDS + 15))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || die "process $2 exited before $1 answered"
    ((SECONDS < deadline)) || die "timed out waiting for $1"
    sleep 0.05
  done
}

# route_hist ROUTE_LABEL BEFORE AFTER: "p50_ms p99_ms mean_us count" of a route's
# dispatcher histogram (bazaar_request_duration_seconds, bucket upper bounds)
# between two /metrics scrapes. ROUTE_LABEL is e.g. 'route="GET /api/v1/hello"'.
route_hist() {
  awk -v route="$1" '
    FNR == 1 { file++ }
    index($0, "bazaar_request_duration_seconds_") == 1 && (index($0, route ",") || index($0, route "}")) {
      val = $NF; key = substr($0, 1, length($0) - length(val) - 1)
      if (file == 1) before[key] = val; else after[key] = val
    }
    END {
      for (k in after) {
        d = after[k] - before[k]
        if (k ~ /_bucket/) {
          le = k; sub(/.*le="/, "", le); sub(/".*/, "", le)
          nb++; les[nb] = le; cum[le] = d
        } else if (k ~ /_sum/) sum = d
        else if (k ~ /_count/) count = d
      }
      for (i = 1; i <= nb; i++) for (j = i + 1; j <= nb; j++) {
        a = (les[i] == "+Inf") ? 1e99 : les[i] + 0; b = (les[j] == "+Inf") ? 1e99 : les[j] + 0
        if (b < a) { t = les[i]; les[i] = les[j]; les[j] = t }
      }
      q50 = q99 = "n/a"
      for (i = 1; i <= nb; i++) {
        if (q50 == "n/a" && count > 0 && cum[les[i]] >= 0.50 * count) q50 = les[i]
        if (q99 == "n/a" && count > 0 && cum[les[i]] >= 0.99 * count) q99 = les[i]
      }
      printf "%s %s %.1f %d\n", (q50 == "+Inf" || q50 == "n/a" ? q50 : q50 * 1000),
             (q99 == "+Inf" || q99 == "n/a" ? q99 : q99 * 1000), (count > 0 ? sum / count * 1e6 : 0), count
    }' "$2" "$3"
}

# wrk_parse FILE: "rps p50 p99 requests non2xx socket_errors socket_text"
wrk_parse() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /m$/)  return v * 60000
      if (v ~ /s$/)  return v * 1000
      return v + 0
    }
    /^Requests\/sec:/           { rps = $2 }
    $1 == "50%"                 { p50 = ms($2) }
    $1 == "99%"                 { p99 = ms($2) }
    / requests in /             { req = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/            { txt = $0; sub(/^ *Socket errors: */, "", txt)
                                  n = split(txt, f, /[ ,]+/)
                                  for (i = 2; i <= n; i += 2) sock += f[i] }
    END { printf "%s %.3f %.3f %d %d %d %s\n", rps, p50, p99, req, non2xx, sock,
                 (txt == "" ? "none" : txt) }' "$1"
}

calc() { awk "BEGIN { printf \"%.2f\", $* }"; }
verdict() { if awk "BEGIN { exit !($*) }"; then echo PASS; else echo FAIL; fi; }
