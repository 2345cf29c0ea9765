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
merchant_token=$($ctl token --role merchant --sub 7 --ttl 86400)
base=http://127.0.0.1:$port
eval "$(scripts/demo-data.sh "$base" "$merchant_token")"  # SKU_TEA SKU_MUG SKU_PHONE FLASH_SALE

cat <<EOT

Bazaar is running: http://127.0.0.1:$port   (memcached 127.0.0.1:$memcached_port)
  plugins:  $plugins
  logs:     $dir/log/   state: $dir/state/   data (SQLite shards): $dir/data/

Try:
  curl -s http://127.0.0.1:$port/api/v1/hello
  curl -s http://127.0.0.1:$port/api/v1/hello/world?lang=en
  curl -s -X POST http://127.0.0.1:$port/api/v1/echo -H 'Content-Type: application/json' \\
       -H 'Authorization: Bearer $user_token' -d '{"message":"你好","count":2}'

Orders (demo merchant 7, user 1001; docs/API.md):
  curl -s $base/api/v1/skus/$SKU_TEA
  curl -s -X POST $base/api/v1/orders/preview -H 'Content-Type: application/json' \\
       -H 'Authorization: Bearer $user_token' \\
       -d '{"items":[{"sku_id":"$SKU_TEA","qty":2}],"address":{"name":"Li Lei","phone":"13800000000","line1":"1 West Lake Rd","city":"Hangzhou"}}'
  curl -s -X POST $base/api/v1/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-$SKU_TEA' \\
       -H 'Authorization: Bearer $user_token' \\
       -d '{"items":[{"sku_id":"$SKU_TEA","qty":2}],"address":{"name":"Li Lei","phone":"13800000000","line1":"1 West Lake Rd","city":"Hangzhou"}}'
  $ctl pay --url $base ORDER_ID          # the fake payment provider signs a callback
  curl -s $base/api/v1/orders -H 'Authorization: Bearer $user_token'
  curl -s $base/api/v1/merchant/skus -H 'Authorization: Bearer $merchant_token'
  curl -s $base/api/v1/flash-sales/$FLASH_SALE      # flash sale of SKU $SKU_PHONE: add "flash_sale_id" to an order
  curl -s http://127.0.0.1:$port/api/v1/admin/plugins -H 'Authorization: Bearer $ops_token'
  curl -s http://127.0.0.1:$port/readyz ;  curl -s http://127.0.0.1:$port/metrics
  $ctl status
  $ctl reload            # after dropping a new .so into $dir/plugins

Coupons (templates and the centre so far; claims come later):
  curl -s -X POST $base/api/v1/merchant/coupon-templates -H 'Content-Type: application/json' \\
       -H 'Authorization: Bearer $merchant_token' \\
       -d '{"name":"10 off 100","kind":"amount_off","threshold":10000,"amount":1000,"valid_days":7,"claim_from_ms":0,"claim_until_ms":4102444800000,"total":100}'
  curl -s -X POST $base/api/v1/merchant/coupon-templates/TEMPLATE_ID/activate -H 'Authorization: Bearer $merchant_token'
  curl -s '$base/api/v1/coupon-templates?merchant_id=7'

Ctrl-C stops everything.
EOT

host_pid=$(<"$dir/run/host.pid")
while kill -0 "$host_pid" 2>/dev/null; do sleep 1; done
echo "bazaar-host exited; see $dir/log/bazaar.log"
