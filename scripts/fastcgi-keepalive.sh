#!/usr/bin/env bash
# fastcgi-keepalive.sh MODE NGINX_WORKERS WORKERS THREADS [KEEPALIVE]
#
# Decides FastCGI keep-alive between nginx and bazaar-host for a rendered pair of
# configurations (scripts/stack.sh, bench/lib.sh) and prints three words:
#   fastcgi_keep_conn (on|off)  upstream keepalive per nginx worker (0 when off)
#   fastcgi_kept_connections for bazaar.conf (NGINX_WORKERS x keepalive)
#
# The rule (docs/ARCHITECTURE.md, "FastCGI keep-alive"): the connections nginx
# keeps, NGINX_WORKERS x keepalive, may not outnumber the request threads of one
# generation, WORKERS x THREADS. bazaar-host checks the same rule again at start
# and at every reload (it alone sees a changed `threads`).
#
# MODE on:  KEEPALIVE defaults to the most the rule allows; an explicit KEEPALIVE
#           that breaks it is refused (exit 1, with the numbers). With fewer
#           threads than nginx workers nothing can be kept: keep-alive is turned
#           off, with a notice on stderr.
# MODE off: the documented fallback, a new connection per request.
# NGINX_WORKERS may be `auto` (nginx starts one per core).
set -euo pipefail
mode=${1:?usage: fastcgi-keepalive.sh on|off NGINX_WORKERS WORKERS THREADS [KEEPALIVE]}
nginx_workers=${2:?nginx workers} workers=${3:?workers} threads=${4:?threads} keepalive=${5:-}
[[ $nginx_workers == auto ]] && nginx_workers=$(nproc)
for n in "$nginx_workers" "$workers" "$threads" ${keepalive:+"$keepalive"}; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "fastcgi-keepalive: '$n' is not a number" >&2; exit 2; }
done
case $mode in
off)
  echo "off 0 0"
  ;;
on)
  slots=$((workers * threads))
  most=$((slots / nginx_workers))
  if [[ -n $keepalive ]]; then
    if ((keepalive < 1 || nginx_workers * keepalive > slots)); then
      echo "fastcgi-keepalive: upstream keepalive $keepalive x $nginx_workers nginx workers =" \
        "$((nginx_workers * keepalive)) kept connections, more than the $workers workers x $threads" \
        "threads = $slots request threads that must serve them; use keepalive 1..$most," \
        "more threads, or FASTCGI_KEEP_CONN=off" >&2
      exit 1
    fi
  elif ((most < 1)); then
    echo "fastcgi-keepalive: $slots request threads cannot serve one kept connection per nginx" \
      "worker ($nginx_workers): FastCGI keep-alive turned off" >&2
    echo "off 0 0"
    exit 0
  else
    keepalive=$most
  fi
  echo "on $keepalive $((nginx_workers * keepalive))"
  ;;
*)
  echo "fastcgi-keepalive: MODE is on or off, not '$mode'" >&2
  exit 2
  ;;
esac
