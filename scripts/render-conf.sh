#!/usr/bin/env bash
# render-conf.sh TEMPLATE OUTPUT NAME=VALUE...
# Replaces every {{NAME}} in TEMPLATE; fails if any placeholder is left unfilled.
set -euo pipefail
template=$1 output=$2
shift 2
content=$(<"$template")
for pair in "$@"; do
  name=${pair%%=*}
  value=${pair#*=}
  content=${content//"{{$name}}"/$value}
done
if grep -o '{{[A-Z_]*}}' <<<"$content" | sort -u | grep -q .; then
  echo "render-conf: unfilled placeholders in $template:" $(grep -o '{{[A-Z_]*}}' <<<"$content" | sort -u) >&2
  exit 1
fi
printf '%s\n' "$content" >"$output"
