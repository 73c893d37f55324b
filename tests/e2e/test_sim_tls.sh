#!/usr/bin/env bash
# The simulated device updates itself over HTTPS (docs/TLS.md): certificates
# made here with openssl (a CA, a server certificate for localhost and
# 127.0.0.1), served by Debian's nginx ("listen ... ssl") and by
# `abota serve --tls`; the device verifies them with --ca and/or --pin.
# Every failure leaves it on v1 with its own error: a CA that did not sign
# the certificate, an expired certificate, a certificate for another host,
# a pin that does not match, a server that closes in the middle of the
# handshake (tests/tools/tls_closer.py), a redirect from https to http, and
# https with nothing to verify the server with.
# Usage: test_sim_tls.sh BUILD_DIR
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/sim_lib.sh"
. "$(dirname "$0")/../tools/tls_certs.sh"
sim_setup
CERTS=$SIM_TMP/certs
tls_certs "$CERTS" || exit 1
chmod -R a+rX "$CERTS" # nginx workers may run as another user
CASES=0

V1="device running v1.0.0 from user1"
V2="device running v2.0.0 from user2"
VERIFIED="connected to server (TLS, server verified)"

# case NAME WANT_LAST_LINE [TEXT...] [-- SIM_ARGS...]: one run from a fresh v1;
# a device left on v1 refused the update, and abota sim must exit 1.
case_() {
  CASES=$((CASES + 1))
  fresh_flash "$SIM_TMP/img/v1-user1.bin"
  local rc=0
  [[ $2 == "$V1" ]] && rc=1
  SIM_RC=$rc run_sim "$@"
}

# Polls until an HTTPS server answers on PORT, at most 10 s.
wait_tls_ready() {
  local i
  for ((i = 0; i < 200; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAIL: $SERVER_KIND server exited during start"
      cat "$SIM_TMP/server.log" "$SIM_TMP/nginx/error.log" 2>/dev/null
      exit 1
    fi
    curl -s -o /dev/null --max-time 1 --cacert "$CERTS/ca.pem" "https://localhost:$PORT/" \
      --resolve "localhost:$PORT:127.0.0.1" && return 0
    # a certificate curl rejects (expired, other host) still means "up"
    curl -s -o /dev/null --max-time 1 -k "https://127.0.0.1:$PORT/" && return 0
    sleep 0.05
  done
  echo "FAIL: $SERVER_KIND server not answering HTTPS on port $PORT after 10 s"
  exit 1
}

# start_abota_tls NAME: abota serve --tls with certs/NAME.pem.
start_abota_tls() {
  SERVER_KIND="abota serve --tls ($1.pem)"
  PORT=$(free_port)
  "$ABOTA" serve "$SIM_TMP/www" --bind 127.0.0.1 --port "$PORT" \
    --tls "$CERTS/$1.pem" "$CERTS/$1.key" >"$SIM_TMP/server.log" 2>&1 &
  SERVER_PID=$!
  wait_tls_ready
  URL="https://localhost:$PORT/user%d.bin"
}

serve_none
serve user2.bin "$SIM_TMP/img/v2-user2.bin"
serve user1.bin "$SIM_TMP/img/v2-user1.bin"

# --- nginx over TLS, with a redirect to plain http ---
[[ -x /usr/sbin/nginx ]] || { echo "FAIL: /usr/sbin/nginx missing (scripts/deps.sh test)"; exit 1; }
. "$(dirname "$0")/../tools/nginx.sh"
SERVER_KIND="nginx ssl"
PORT=$(free_port)
PLAIN_PORT=$(free_port)
NGINX_SERVER_EXTRA="    location = /moved/user2.bin { return 302 http://127.0.0.1:$PLAIN_PORT/user2.bin; }" \
  nginx_start_tls "$SIM_TMP/nginx" "$SIM_TMP/www" "$PORT" "$SIM_TMP/server.log" 64 \
  "$CERTS/server.pem" "$CERTS/server.key"
SERVER_PID=$NGINX_PID
wait_tls_ready
URL="https://localhost:$PORT/user%d.bin"

case_ "CA: update v1 -> v2" "$V2" \
  "https: the server must prove itself with a certificate from the CA in ca.pem" "$VERIFIED" \
  "downloading user2.bin" "CRC check ok" "self-test ok" -- --ca "$CERTS/ca.pem"
case_ "CA, TLS records of at most 512 bytes" "$V2" "$VERIFIED" "records of at most 512 bytes" \
  -- --ca "$CERTS/ca.pem" --tls-max-fragment 512
case_ "correct pin, no CA" "$V2" "the public key pinned as sha256 ${TLS_PIN:0:16}" "$VERIFIED" \
  -- --pin "$TLS_PIN"
case_ "CA and correct pin" "$V2" "$VERIFIED" -- --ca "$CERTS/ca.pem" --pin "$TLS_PIN"
URL="https://127.0.0.1:$PORT/user%d.bin"
case_ "CA, server named by its address (iPAddress in subjectAltName)" "$V2" "$VERIFIED" \
  -- --ca "$CERTS/ca.pem"
URL="https://localhost:$PORT/user%d.bin"
case_ "wrong CA" "$V1" \
  "update failed: TLS: server certificate not signed by a trusted CA (ABOTA_ERR_NET_TLS_UNTRUSTED)" \
  -- --ca "$CERTS/ca2.pem"
case_ "pin mismatch" "$V1" \
  "update failed: TLS: server public key does not match the pinned SHA-256 (ABOTA_ERR_NET_TLS_PIN)" \
  -- --pin "$TLS_PIN_OTHER"
case_ "right CA, pin mismatch" "$V1" "(ABOTA_ERR_NET_TLS_PIN)" \
  -- --ca "$CERTS/ca.pem" --pin "$TLS_PIN_OTHER"
case_ "https without CA or pin" "$V1" \
  "update failed: TLS not configured: neither a CA certificate nor a pinned server key" \
  "(ABOTA_ERR_NET_TLS_CONFIG)"
URL="https://localhost:$PORT/moved/user%d.bin"
case_ "redirect from https to http refused" "$V1" \
  "update failed: redirect from https:// to http:// refused (a downgrade) (ABOTA_ERR_HTTP_REDIRECT_INSECURE)" \
  -- --ca "$CERTS/ca.pem"
stop_server

# --- abota serve --tls ---
start_abota_tls server
case_ "CA: update v1 -> v2" "$V2" "$VERIFIED" "downloading user2.bin" "CRC check ok" \
  -- --ca "$CERTS/ca.pem"
case_ "pin, TLS records of at most 1024 bytes" "$V2" "$VERIFIED" \
  -- --pin "$TLS_PIN" --tls-max-fragment 1024
stop_server

start_abota_tls expired
case_ "expired certificate" "$V1" \
  "update failed: TLS: server certificate expired or not yet valid (ABOTA_ERR_NET_TLS_EXPIRED)" \
  -- --ca "$CERTS/ca.pem"
stop_server

start_abota_tls other
case_ "certificate for another host name" "$V1" \
  "update failed: TLS: server certificate is not for the URL's host name (ABOTA_ERR_NET_TLS_HOSTNAME)" \
  -- --ca "$CERTS/ca.pem"
URL="https://127.0.0.1:$PORT/user%d.bin"
case_ "certificate without the server's address" "$V1" "(ABOTA_ERR_NET_TLS_HOSTNAME)" \
  -- --ca "$CERTS/ca.pem"
stop_server

# --- a server that closes in the middle of the handshake ---
# Retried as a drop (quickly here), then the run ends with the cause.
SERVER_KIND="tls_closer"
rm -f "$SIM_TMP/closer.port"
python3 "$(dirname "$0")/../tools/tls_closer.py" --port-file "$SIM_TMP/closer.port" \
  2>"$SIM_TMP/server.log" &
SERVER_PID=$!
for ((i = 0; i < 200; i++)); do [[ -s $SIM_TMP/closer.port ]] && break; sleep 0.05; done
PORT=$(cat "$SIM_TMP/closer.port")
URL="https://localhost:$PORT/user%d.bin"
ABOTA_SIM_RETRY_BASE_MS=50 ABOTA_SIM_RETRY_MAX_MS=100 \
  case_ "server closes in the middle of the handshake" "$V1" \
  "update failed: TLS: server closed the connection during the handshake (ABOTA_ERR_NET_TLS_CLOSED)" \
  "retry 1 in" -- --ca "$CERTS/ca.pem"
if ! grep -q "read a .*-byte record (type 22)" "$SIM_TMP/server.log"; then
  echo "FAIL tls_closer: no ClientHello reached it"
  FAILS=$((FAILS + 1))
fi
stop_server

echo "$((CASES - FAILS)) passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
