#!/usr/bin/env bash
# Loads demo data into a running stack through its public API (so it obeys
# every rule a merchant does): merchant 7's catalog and a flash sale that
# started a minute ago. Prints shell assignments (SKU_TEA=… FLASH_SALE=…).
# Usage: scripts/demo-data.sh BASE_URL MERCHANT_TOKEN
set -euo pipefail
base=${1:?base url} merchant=${2:?merchant token}

post() {  # post PATH JSON -> prints the response body; fails on a non-2xx
  curl -sf -X POST "$base$1" -H 'Content-Type: application/json' \
       -H "Authorization: Bearer $merchant" -d "$2"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

tea=$(post /api/v1/merchant/skus '{"title":"Longjing tea 250 g","price":12800,"stock":500}' | field sku_id)
mug=$(post /api/v1/merchant/skus '{"title":"Celadon mug","price":4500,"stock":200,"restock_on_refund":true}' | field sku_id)
phone=$(post /api/v1/merchant/skus '{"title":"Phone (flash sale)","price":199900,"stock":100}' | field sku_id)
start=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
flash=$(post /api/v1/merchant/flash-sales \
  "{\"sku_id\":\"$phone\",\"price\":99900,\"quantity\":20,\"start\":\"$start\",\"end\":\"$end\",\"per_user_limit\":1}" |
  field flash_sale_id)
echo "SKU_TEA=$tea SKU_MUG=$mug SKU_PHONE=$phone FLASH_SALE=$flash"
