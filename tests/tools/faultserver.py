#!/usr/bin/env python3
"""A tiny HTTP server with canned misbehaviour (standard library only).

Serves files from ROOT with "200 OK", Content-Length and
application/octet-stream, ignoring Range, one response per connection
(Connection: close). The first path component picks a behaviour, the rest
names the file:

  /FILE              the file
  /s<CODE>/FILE      status CODE with a short body (e.g. /s500/, /s404/)
  /s<CODE>-<RA>/FILE the same with "Retry-After: RA"
  /once<CODE>-<RA>/FILE
                     status CODE with Retry-After RA to the first request
                     for this path, the file afterwards
  /r<K>/FILE         a chain of K redirects (302) ending at /FILE
  /loop/FILE         302 to itself (a redirect loop)
  /pingpong<A|B>/FILE 302 between /pingpongA and /pingpongB
  /badloc/FILE       302 without Location
  /nolen/FILE        200 without Content-Length, body until the close
  /http10/FILE       an HTTP/1.0 200 without Content-Length and without
                     Connection (as SimpleHTTPServer of old): body until
                     the close
  /http10cut<N>/FILE the same, closed N bytes before the end of the file
  /silent/FILE       reads the request, then never sends a byte: the
                     connection stays open for 10 minutes
  /ctype/FILE        200 as text/html
  /garbage/FILE      an answer that is no HTTP
  /hugehdr<N>/FILE   the file, with a header line of N bytes
  /manyhdr/FILE      200 header lines
  /interim<N>/FILE   N interim "100 Continue" answers, then the file

  faultserver.py ROOT --port-file P
Each request is logged to stderr.
"""
import argparse
import os
import re
import socket
import socketserver
import sys
import threading
import time

lock = threading.Lock()
seen = {}


def log(msg):
    print("faultserver: " + msg, file=sys.stderr, flush=True)


class Handler(socketserver.BaseRequestHandler):
    def read_request(self):
        data = b""
        self.request.settimeout(10)
        while b"\r\n\r\n" not in data and len(data) < 65536:
            part = self.request.recv(4096)
            if not part:
                return None
            data += part
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split()
        return parts[1] if len(parts) >= 2 else None

    def send(self, status, headers, body=b""):
        head = "HTTP/1.1 %s\r\n" % status
        for k, v in headers:
            head += "%s: %s\r\n" % (k, v)
        head += "Connection: close\r\n\r\n"
        try:
            self.request.sendall(head.encode("latin-1") + body)
        except OSError:
            pass

    def file(self, name):
        path = os.path.join(self.server.root, name.lstrip("/"))
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def handle(self):
        path = self.read_request()
        if path is None:
            return
        log("GET %s" % path)
        m = re.match(r"/([^/]+)(/.*)$", path)
        mode, rest = (m.group(1), m.group(2)) if m else ("", path)
        simple = [("Content-Type", "application/octet-stream")]

        def serve(name, ctype="application/octet-stream", length=True):
            body = self.file(name)
            if body is None:
                self.send("404 Not Found", [("Content-Length", "10")], b"not found\n")
                return
            hdrs = [("Content-Type", ctype)]
            if length:
                hdrs.append(("Content-Length", str(len(body))))
            self.send("200 OK", hdrs, body)

        ms = re.fullmatch(r"s(\d{3})(?:-(\d+))?", mode)
        mo = re.fullmatch(r"once(\d{3})-(\d+)", mode)
        mr = re.fullmatch(r"r(\d+)", mode)
        mp = re.fullmatch(r"pingpong([AB])", mode)
        if ms:
            hdrs = [("Content-Type", "text/plain"), ("Content-Length", "6")]
            if ms.group(2):
                hdrs.append(("Retry-After", ms.group(2)))
            self.send(ms.group(1) + " Canned", hdrs, b"canned")
        elif mo:
            with lock:
                first = path not in seen
                seen[path] = True
            if first:
                self.send(mo.group(1) + " Canned",
                          [("Retry-After", mo.group(2)), ("Content-Length", "0")])
            else:
                serve(rest)
        elif mr:
            k = int(mr.group(1))
            loc = rest if k == 0 else "/r%d%s" % (k - 1, rest)
            if k == 0:
                serve(rest)
            else:
                self.send("302 Found", [("Location", loc), ("Content-Length", "0")])
        elif mode == "loop":
            self.send("302 Found", [("Location", path), ("Content-Length", "0")])
        elif mp:
            other = "B" if mp.group(1) == "A" else "A"
            self.send("302 Found", [("Location", "/pingpong%s%s" % (other, rest)),
                                    ("Content-Length", "0")])
        elif mode == "badloc":
            self.send("302 Found", [("Content-Length", "0")])
        elif mode == "nolen":
            serve(rest, length=False)
        elif mode == "http10" or re.fullmatch(r"http10cut\d+", mode):
            body = self.file(rest)
            if body is None:
                self.send("404 Not Found", [("Content-Length", "10")], b"not found\n")
            else:
                cut = int(mode[9:]) if mode != "http10" else 0
                head = b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
                try:
                    self.request.sendall(head + body[:len(body) - cut])
                except OSError:
                    pass
        elif mode == "silent":
            time.sleep(600)
        elif mode == "ctype":
            serve(rest, ctype="text/html")
        elif mode == "garbage":
            try:
                self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
            except OSError:
                pass
        elif mode.startswith("hugehdr") and mode[7:].isdigit():
            body = self.file(rest) or b""
            self.send("200 OK", simple + [("X-Big", "a" * (int(mode[7:]) - 7)),
                                          ("Content-Length", str(len(body)))], body)
        elif mode.startswith("interim") and mode[7:].isdigit():
            try:
                self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * int(mode[7:]))
            except OSError:
                return
            serve(rest)
        elif mode == "manyhdr":
            self.send("200 OK", simple + [("X-H%d" % i, "v") for i in range(200)] +
                      [("Content-Length", "0")])
        else:
            serve(path)
        try:
            self.request.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="HTTP server with canned faults")
    ap.add_argument("root")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.root = args.root
    port = srv.server_address[1]
    log("listening on 127.0.0.1:%d, root %s" % (port, args.root))
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
