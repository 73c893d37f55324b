#!/usr/bin/env python3
"""A TLS server that is not: it accepts, reads the client's first TLS
record (the ClientHello) whole, and closes the connection without a word,
as a server that dies in the middle of a handshake would. Standard library
only; stops by itself after 10 minutes without a client.

  tls_closer.py --port-file P
"""
import argparse
import socket
import sys


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            break
        data += part
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(600)
    with open(args.port_file, "w") as f:
        f.write(str(srv.getsockname()[1]))
    while True:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            return
        conn.settimeout(10)
        try:
            head = recv_exactly(conn, 5)  # type, version, length
            body = recv_exactly(conn, int.from_bytes(head[3:5], "big")) if len(head) == 5 else b""
            print("tls_closer: read a %d-byte record (type %d), closing"
                  % (len(head) + len(body), head[0] if head else -1),
                  file=sys.stderr, flush=True)
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    main()
