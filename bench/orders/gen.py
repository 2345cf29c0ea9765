#!/usr/bin/env python3
"""bench/orders/gen.py: set-up and data generators for bench/run-orders.sh.

Standard library only. Every HTTP call goes to 127.0.0.1 through nginx with a
keep-alive connection and a time-out; any unexpected answer is fatal (exit 1)
with the status and body on stderr.

  skus URL TOKEN COUNT STOCK PRICE OUT [JOBS]
      create COUNT SKUs as the merchant of TOKEN, ids one a line in OUT
  flash URL TOKEN SKU_ID PRICE QUANTITY PER_USER_LIMIT
      create a flash sale that started a minute ago and ends in an hour; prints its id
  get URL [TOKEN]
      GET, print "STATUS BODY"
  order URL TOKEN SKU_ID KEY
      create one order of one unit; prints "STATUS BODY"
  sign SECRET_FILE IN OUT
      IN: lines "order_id payable"; OUT: lines "timestamp TAB nonce TAB signature TAB body",
      one signed payment callback (status SUCCESS, a new transaction id and nonce) per order,
      signature = hex(HMAC-SHA256(secret, ts + "\\n" + nonce + "\\n" + body + "\\n"))
  verify SECRET_FILE LINE
      recompute the signature of one OUT line (self-check)
"""
import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

TIMEOUT = 15


def die(msg):
    print("gen.py: " + msg, file=sys.stderr)
    sys.exit(1)


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def call(self, method, path, token=None, body=None, headers=None):
        h = {"Accept": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        for attempt in (1, 2):  # one retry on a dropped keep-alive connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                return r.status, r.read().decode("utf-8", "replace")
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise


def base_path(url):
    return urllib.parse.urlsplit(url).path.rstrip("/")


def cmd_skus(url, token, count, stock, price, out, jobs="4"):
    count, stock, price, jobs = int(count), int(stock), int(price), int(jobs)
    ids = [None] * count
    errors = []
    nxt = [0]
    lock = threading.Lock()

    def work():
        c = Client(url)
        while True:
            with lock:
                if errors or nxt[0] >= count:
                    return
                i = nxt[0]
                nxt[0] += 1
            st, body = c.call("POST", "/api/v1/merchant/skus", token,
                              {"title": "bench sku %d" % i, "price": price, "stock": stock,
                               "restock_on_refund": True})
            if st != 201:
                with lock:
                    errors.append("SKU %d: %d %s" % (i, st, body[:300]))
                return
            ids[i] = str(json.loads(body)["sku_id"])

    threads = [threading.Thread(target=work) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        die("POST /api/v1/merchant/skus: " + errors[0])
    with open(out, "w") as f:
        f.write("\n".join(ids) + "\n")


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def cmd_flash(url, token, sku, price, quantity, limit):
    now = time.time()
    st, body = Client(url).call("POST", "/api/v1/merchant/flash-sales", token,
                                {"sku_id": sku, "price": int(price), "quantity": int(quantity),
                                 "start": iso(now - 60), "end": iso(now + 3600),
                                 "per_user_limit": int(limit)})
    if st != 201:
        die("POST /api/v1/merchant/flash-sales: %d %s" % (st, body[:300]))
    print(json.loads(body)["flash_sale_id"])


def cmd_get(url, token=None):
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    st, body = Client(url).call("GET", path, token)
    print(st, body)


def cmd_order(url, token, sku, key):
    st, body = Client(url).call(
        "POST", "/api/v1/orders", token,
        {"items": [{"sku_id": sku, "qty": 1}],
         "address": {"name": "Bench", "phone": "13800000000", "line1": "1 Road", "city": "Hangzhou"}},
        {"Idempotency-Key": key})
    print(st, body)


def read_secret(path):
    with open(path, "rb") as f:
        return f.read().strip()


def signature(secret, ts, nonce, body):
    msg = ("%s\n%s\n%s\n" % (ts, nonce, body)).encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


def cmd_sign(secret_file, inp, out):
    secret = read_secret(secret_file)
    ts = str(int(time.time()))
    run = os.urandom(4).hex()
    n = 0
    with open(inp) as fin, open(out, "w") as fout:
        for line in fin:
            parts = line.split()
            if len(parts) < 2:
                continue
            order_id, payable = parts[0], int(parts[1])
            nonce = "bn%s%08d" % (run, n)
            body = json.dumps({"order_id": order_id, "transaction_id": "bench-%s-%s" % (run, order_id),
                               "amount": payable, "status": "SUCCESS"}, separators=(",", ":"))
            fout.write("%s\t%s\t%s\t%s\n" % (ts, nonce, signature(secret, ts, nonce, body), body))
            n += 1
    print(n)


def cmd_verify(secret_file, line):
    ts, nonce, sig, body = line.rstrip("\n").split("\t")
    ok = hmac.compare_digest(sig, signature(read_secret(secret_file), ts, nonce, body))
    print("ok" if ok else "BAD")
    sys.exit(0 if ok else 1)


COMMANDS = {"skus": cmd_skus, "flash": cmd_flash, "get": cmd_get, "order": cmd_order,
            "sign": cmd_sign, "verify": cmd_verify}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except TypeError as e:
        die("%s: %s" % (sys.argv[1], e))
    except (OSError, http.client.HTTPException) as e:
        die("%s: %s" % (sys.argv[1], e))
