#!/usr/bin/env bash
# Captures real HTTP responses for the parser tests into tests/data/http/.
#
# Serves a deterministic firmware-like file (fw.bin, also stored) with
# `python3 -m http.server`, Debian's nginx (own config on a free 127.0.0.1
# port, everything in a temp dir, single process in the foreground) and a
# tiny python server that answers with Transfer-Encoding: chunked or with a
# body delimited by the close. Raw requests are sent with python3 sockets and
# the raw response bytes stored as python-*.http / nginx-*.http. Hand-written
# chunked samples (extensions, trailers) are written as hand-*.http.
#
# Usage: tests/tools/capture_http.sh [OUT_DIR]   (default tests/data/http)
# Stops every server it starts, also on failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/http}
mkdir -p "$out"
out=$(cd "$out" && pwd)
nginx_bin=${NGINX:-/usr/sbin/nginx}

tmp=$(mktemp -d)
pids=()
cleanup() {
  set +e # a killed server's wait status must not abort the cleanup
  for pid in "${pids[@]-}"; do
    if [[ -n $pid ]]; then
      kill "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
  python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("server on port %d did not start" % port)
PY
}

# The served file: 2600 bytes, every byte value, CR and LF included, so a
# parser that mistakes body for framing shows up.
mkdir -p "$tmp/www"
python3 - "$tmp/www/fw.bin" <<'PY'
import sys
data = bytes(((i * 7) + (i >> 8)) & 0xFF for i in range(2600))
open(sys.argv[1], "wb").write(data)
PY
cp "$tmp/www/fw.bin" "$out/fw.bin"

# raw PORT OUTFILE REQUEST: sends REQUEST (\r\n escapes), stores the reply
# until the server closes.
raw() {
  python3 - "$@" <<'PY'
import socket, sys
port, path, req = int(sys.argv[1]), sys.argv[2], sys.argv[3]
req = req.encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(req)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
s.close()
if not data:
    sys.exit("empty reply for " + path)
open(path, "wb").write(data)
PY
}

# header NAME FILE: the value of a header in a captured response
header() {
  python3 - "$1" "$2" <<'PY'
import sys
head = open(sys.argv[2], "rb").read().split(b"\r\n\r\n", 1)[0].decode("latin-1")
for line in head.split("\r\n")[1:]:
    k, v = line.split(":", 1)
    if k.strip().lower() == sys.argv[1].lower():
        print(v.strip())
        break
PY
}

# --- python -m http.server ---------------------------------------------------
port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" \
  >"$tmp/pyhttp.log" 2>&1 &
pids+=($!)
wait_port "$port"
raw "$port" "$out/python-get-200.http" 'GET /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/python-head.http" 'HEAD /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/python-get-404.http" 'GET /missing.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'

# --- nginx ---------------------------------------------------------------------
port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<NGX
daemon off;
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 16; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    types { application/octet-stream bin; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
    }
}
NGX
"$nginx_bin" -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
pids+=($!)
wait_port "$port"
raw "$port" "$out/nginx-get-200.http" 'GET /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/nginx-head.http" 'HEAD /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/nginx-get-404.http" 'GET /missing.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/nginx-range-206.http" 'GET /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=1000-\r\nConnection: close\r\n\r\n'
etag=$(header ETag "$out/nginx-get-200.http")
[[ -n $etag ]] || { echo "nginx sent no ETag" >&2; exit 1; }
raw "$port" "$out/nginx-inm-304.http" "GET /fw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: $etag\r\nConnection: close\r\n\r\n"
raw "$port" "$out/nginx-get-200-http10.http" 'GET /fw.bin HTTP/1.0\r\n\r\n'

# --- chunked and close-delimited (python) --------------------------------------
port=$(free_port)
cat >"$tmp/chunked.py" <<'PY'
import http.server, sys
data = open(sys.argv[2], "rb").read()

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        if self.path == "/chunked":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            # uneven chunks, one of them larger than 0xff, hex in lower case
            sizes = [1, 15, 16, 255, 256, 1000]
            pos = 0
            for n in sizes + [len(data)]:
                part = data[pos:pos + n]
                if not part:
                    break
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                pos += len(part)
            self.wfile.write(b"0\r\n\r\n")
        else:
            # HTTP/1.0 with no Content-Length: the body ends at the close
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.wfile.write(data)

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$tmp/chunked.py" "$port" "$tmp/www/fw.bin" >"$tmp/chunked.log" 2>&1 &
pids+=($!)
wait_port "$port"
raw "$port" "$out/python-chunked.http" 'GET /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
raw "$port" "$out/python-close.http" 'GET /close HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'

# --- hand-written samples --------------------------------------------------------
python3 - "$out" "$tmp/www/fw.bin" <<'PY'
import sys
out, data = sys.argv[1], open(sys.argv[2], "rb").read()
# chunk extensions (with a quoted value), upper-case hex, leading zeros,
# trailers, and a 100 Continue before the real answer
chunks = b""
pos = 0
for n, ext in [(0x10, b";name=value"), (0x1F0, b' ; q="a;b" ;x'), (0x3FF, b""), (0x64, b";z")]:
    part = data[pos:pos + n]
    chunks += b"%X" % len(part) + ext + b"\r\n" + part + b"\r\n"
    pos += len(part)
part = data[pos:]
chunks += b"0000%x\r\n" % len(part) + part + b"\r\n"
resp = (b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 200 OK\r\n"
        b"content-type: application/octet-stream\r\n"
        b"TRANSFER-ENCODING:   chunked  \r\n"
        b"Trailer: X-Checksum\r\n"
        b"\r\n" + chunks +
        b"0;last=yes\r\nX-Checksum: 1234\r\nX-Other:\r\n\r\n")
open(out + "/hand-chunked-ext-trailer.http", "wb").write(resp)
PY

ls -l "$out"
