#!/usr/bin/env python3
"""A fault-injecting TCP proxy for HTTP downloads (standard library only).

Listens on 127.0.0.1 (a free port unless --port), forwards every connection
to the upstream server and applies the fault planned for that connection's
index (counted from 1), so a device that retries meets different behaviour
on each attempt. Each connection's fault is logged to stderr.

  faultproxy.py --upstream 127.0.0.1:8080 --port-file P \
      --conn 2=reset=b+1000 --default pass

A spec is a comma-separated list of actions for one connection:

  pass               forward unchanged (also the empty spec)
  refuse             accept, then reset at once (RST), never connect upstream
  reset=OFF          reset (SO_LINGER 0, RST) after OFF response bytes
  close=OFF          close (FIN) after OFF response bytes
  reqreset=N         reset after forwarding N request bytes upstream
  reqclose=N         close after forwarding N request bytes upstream
  stall=OFF:MS       stop for MS milliseconds at OFF, then go on
  drip=MS[:OFF]      send the response bytes before OFF (all without OFF) one
                     at a time, MS milliseconds apart
  flip=OFF           invert the byte at OFF
  drop=OFF           discard everything after OFF; the connection stays open
  append=K           K extra bytes after the response body
  endclose           close (FIN) once the response body has been sent
  cl=+K | cl=-K      Content-Length K larger or smaller than the body
  cl=none | cl=dup | cl=TEXT
                     remove it, add a second different one, or replace it by
                     TEXT (e.g. "12x", "99999999999")
  te=VALUE           add "Transfer-Encoding: VALUE" (no re-framing)
  crange=F-L/T | crange=drop
                     replace the Content-Range value by "bytes F-L/T", or
                     remove the header
  chunked=S1[:S2...] re-frame the body as chunked, chunk sizes cycling over
                     S1, S2, ... (Content-Length removed)
  chunkbad=K:KIND    make chunk K (from 1) bogus: hex (size not hex), neg
                     ("-1"), huge (64-bit size), big (size + 1), small
                     (size - 1), nocrlf (no CRLF after its data), ext (a
                     valid chunk extension), noterm (no last chunk: K ignored)

On SIGTERM the proxy logs "total: N response bytes sent", the response
bytes it handed to the client over all connections, and exits.

Offsets (OFF) count response bytes as the client sees them: N (from the
first byte), b+N / b-N (from the first body byte), e+N / e-N (from the end
of the body), cK+N / cK-N (from the first byte of chunk K's size line).
Offsets that need the headers resolve once they are parsed; a response
without a header block counts from 0.
"""
import argparse
import asyncio
import json
import re
import signal
import socket
import struct
import sys

EXTRA = b"EXTRA-BYTES-AFTER-BODY\r\n"
TOTAL_SENT = [0]  # response bytes handed to clients, all connections


def log(msg):
    print("faultproxy: " + msg, file=sys.stderr, flush=True)


def parse_spec(text):
    acts = []
    text = text.strip()
    if text in ("", "pass"):
        return acts
    for part in text.split(","):
        name, _, val = part.partition("=")
        name = name.strip()
        if name not in ("pass", "refuse", "reset", "close", "reqreset", "reqclose", "stall",
                        "drip", "flip", "drop", "append", "endclose", "cl", "te", "chunked",
                        "chunkbad", "crange"):
            raise ValueError("unknown action %r" % name)
        if name != "pass":
            acts.append((name, val))
    return acts


class Response:
    """Turns the upstream response into what the client gets: header
    rewrites and chunked re-framing. Offsets are resolved here."""

    def __init__(self, acts):
        self.acts = acts
        self.opts = {}
        for name, val in acts:
            self.opts.setdefault(name, val)
        self.hdr_buf = b""
        self.hdr_done = False
        self.hdr_len = 0          # header bytes sent to the client
        self.body_in = 0          # upstream body bytes seen
        self.cl = None            # upstream Content-Length
        self.body_out_len = None  # body bytes the client will get, when known
        self.chunk_starts = []    # output offsets (from body start) of chunk size lines
        self.sizes = None
        self.pending = b""
        self.chunk_no = 0
        self.body_ended = False

    def _plan_chunks(self):
        if self.cl is None:
            return
        cycle = self.sizes
        left, i, pos, n = self.cl, 0, 0, 0
        plan = []
        while left > 0:
            s = min(cycle[i % len(cycle)], left)
            plan.append(s)
            left -= s
            i += 1
        self.plan = plan
        for k, s in enumerate(plan, 1):
            self.chunk_starts.append(pos)
            pos += len(self._size_line(k, s)) + s + len(self._data_end(k))
        self.chunk_starts.append(pos)  # the last chunk
        if "noterm" not in self._bad_kinds():
            pos += len(b"0\r\n\r\n")
        self.body_out_len = pos

    def _bad_kinds(self):
        return [v.split(":")[1] for n, v in self.acts if n == "chunkbad"]

    def _bad(self, k):
        for n, v in self.acts:
            if n == "chunkbad":
                kk, kind = v.split(":")
                if int(kk) == k:
                    return kind
        return None

    def _size_line(self, k, s):
        bad = self._bad(k)
        if bad == "hex":
            return b"zz\r\n"
        if bad == "neg":
            return b"-1\r\n"
        if bad == "huge":
            return b"10000000000000000\r\n"
        if bad == "big":
            return b"%x\r\n" % (s + 1)
        if bad == "small":
            return b"%x\r\n" % max(s - 1, 0)
        if bad == "ext":
            return b"%x;name=value\r\n" % s
        return b"%x\r\n" % s

    def _data_end(self, k):
        return b"" if self._bad(k) == "nocrlf" else b"\r\n"

    def _rewrite_headers(self, head):
        lines = head.split(b"\r\n")
        out = [lines[0]]
        for ln in lines[1:]:
            m = re.match(rb"(?i)content-length:\s*(\d+)\s*$", ln)
            if m:
                self.cl = int(m.group(1))
                continue
            if "crange" in self.opts and re.match(rb"(?i)content-range:", ln):
                if self.opts["crange"] != "drop":
                    out.append(b"Content-Range: bytes " + self.opts["crange"].encode())
                continue
            out.append(ln)
        cl = self.opts.get("cl")
        if "chunked" in self.opts:
            self.sizes = [int(x) for x in self.opts["chunked"].split(":")]
            if any(s <= 0 for s in self.sizes):
                raise ValueError("chunk sizes must be positive")
            out.append(b"Transfer-Encoding: chunked")
            self._plan_chunks()
        elif self.cl is not None:
            self.body_out_len = self.cl
            if cl is None:
                out.append(b"Content-Length: %d" % self.cl)
            elif cl.startswith("+") or cl.startswith("-"):
                out.append(b"Content-Length: %d" % max(self.cl + int(cl), 0))
            elif cl == "dup":
                out.append(b"Content-Length: %d" % self.cl)
                out.append(b"Content-Length: %d" % (self.cl + 1))
            elif cl != "none":
                out.append(b"Content-Length: " + cl.encode())
        if "te" in self.opts:
            out.append(b"Transfer-Encoding: " + self.opts["te"].encode())
        return b"\r\n".join(out) + b"\r\n\r\n"

    def feed(self, data):
        """Upstream bytes in, client bytes out."""
        if not self.hdr_done:
            self.hdr_buf += data
            i = self.hdr_buf.find(b"\r\n\r\n")
            if i < 0:
                if len(self.hdr_buf) > 65536:  # no HTTP header block: pass through
                    self.hdr_done = True
                    out, self.hdr_buf = self.hdr_buf, b""
                    return out
                return b""
            self.hdr_done = True
            head, rest = self.hdr_buf[:i], self.hdr_buf[i + 4:]
            self.hdr_buf = b""
            out = self._rewrite_headers(head)
            self.hdr_len = len(out)
            return out + self._body(rest)
        return self._body(data)

    def eof(self):
        """Upstream closed: what is still held back."""
        if not self.hdr_done:
            self.hdr_done = True
            out, self.hdr_buf = self.hdr_buf, b""
            return out
        if self.sizes and self.pending:
            return self._frame(True)
        return b""

    def _body(self, data):
        if self.cl is not None and not self.body_ended:
            take = min(len(data), self.cl - self.body_in)
        else:
            take = len(data)
        body, after = data[:take], data[take:]
        self.body_in += take
        out = b""
        if self.sizes:
            self.pending += body
            out += self._frame(False)
        else:
            out += body
        if self.cl is not None and self.body_in == self.cl and not self.body_ended:
            self.body_ended = True
            if self.sizes and "noterm" not in self._bad_kinds():
                out += b"0\r\n\r\n"
            if "append" in self.opts:
                k = int(self.opts["append"])
                out += (EXTRA * (k // len(EXTRA) + 1))[:k]
        return out + after

    def _frame(self, final):
        out = []
        at = 0  # consumed from self.pending (slicing it per chunk would be quadratic)
        while self.chunk_no < len(self.plan):
            s = self.plan[self.chunk_no]
            if len(self.pending) - at < s and not final:
                break
            k = self.chunk_no + 1
            data = self.pending[at:at + s]
            at += len(data)
            out.append(self._size_line(k, s) + data + self._data_end(k))
            self.chunk_no += 1
            if final and at >= len(self.pending):
                break
        self.pending = self.pending[at:]
        return b"".join(out)

    def offset(self, text):
        """An offset spec -> absolute output offset, or None (not yet)."""
        m = re.fullmatch(r"(b|e|c\d+)?([+-]?\d+)?", text)
        if not m:
            raise ValueError("bad offset %r" % text)
        base, delta = m.group(1), int(m.group(2) or 0)
        if base is None:
            return delta
        if not self.hdr_done:
            return None
        if base == "b":
            return self.hdr_len + delta
        if base == "e":
            if self.body_out_len is None:
                raise ValueError("e+N needs a known body length")
            return self.hdr_len + self.body_out_len + delta
        k = int(base[1:])
        if not self.chunk_starts or k < 1 or k > len(self.chunk_starts):
            raise ValueError("no chunk %d" % k)
        return self.hdr_len + self.chunk_starts[k - 1] + delta


class Done(Exception):
    pass


class Conn:
    def __init__(self, idx, spec, args, reader, writer):
        self.idx, self.spec, self.args = idx, spec, args
        self.acts = parse_spec(spec)
        self.reader, self.writer = reader, writer
        self.resp = Response(self.acts)
        self.pos = 0
        self.dropping = False
        self.fired = set()
        self.up_writer = None

    def rst(self, writer):
        sock = writer.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        writer.transport.abort()

    async def run(self):
        names = [a for a, _ in self.acts]
        log("conn %d: %s" % (self.idx, self.spec or "pass"))
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.writer.transport.set_write_buffer_limits(0)
        if "refuse" in names:
            self.rst(self.writer)
            return
        try:
            up_r, up_w = await asyncio.open_connection(self.args.host, self.args.port)
        except OSError as e:
            log("conn %d: upstream: %s" % (self.idx, e))
            self.rst(self.writer)
            return
        self.up_writer = up_w
        t_req = asyncio.ensure_future(self.pump_req(up_w))
        t_resp = asyncio.ensure_future(self.pump_resp(up_r))
        done, pend = await asyncio.wait([t_req, t_resp], return_when=asyncio.FIRST_COMPLETED)
        # The client closing its side ends the connection; the response side
        # ending (upstream closed, a fault fired) ends it too, unless the
        # client still talks.
        if t_resp in done and not self.writer.transport.is_closing():
            await t_req
        for t in pend:
            t.cancel()
        for t in (t_req, t_resp):
            try:
                await t
            except (asyncio.CancelledError, Done, OSError):
                pass
        up_w.close()
        if not self.writer.transport.is_closing():
            self.writer.close()
        log("conn %d: done, %d response bytes sent" % (self.idx, self.pos))

    async def pump_req(self, up_w):
        limit = None
        kind = None
        for name, val in self.acts:
            if name in ("reqreset", "reqclose"):
                limit, kind = int(val), name
        sent = 0
        while True:
            data = await self.reader.read(65536)
            if not data:
                up_w.close()
                return
            if limit is not None and sent + len(data) >= limit:
                up_w.write(data[:limit - sent])
                await up_w.drain()
                await asyncio.sleep(0.05)
                log("conn %d: %s after %d request bytes" % (self.idx, kind, limit))
                if kind == "reqreset":
                    self.rst(self.writer)
                else:
                    self.writer.close()
                raise Done()
            up_w.write(data)
            await up_w.drain()
            sent += len(data)

    async def pump_resp(self, up_r):
        try:
            while True:
                data = await up_r.read(65536)
                if not data:
                    await self.emit(self.resp.eof())
                    if not self.dropping:
                        log("conn %d: upstream closed" % self.idx)
                        self.writer.close()
                    else:
                        await asyncio.sleep(3600)
                    return
                out = self.resp.feed(data)
                await self.emit(out)
                if self.resp.body_ended and "endclose" in [a for a, _ in self.acts] \
                        and not self.dropping:
                    log("conn %d: closed after the body" % self.idx)
                    self.writer.close()
                    raise Done()
        except ConnectionError:
            return

    def events(self):
        """Pending positional events as (offset, index, name, value)."""
        ev = []
        for i, (name, val) in enumerate(self.acts):
            if i in self.fired or name not in ("reset", "close", "stall", "flip", "drop"):
                continue
            off = self.resp.offset(val.split(":")[0])
            if off is not None:
                ev.append((off, i, name, val))
        return sorted(ev)

    async def send(self, data):
        if self.dropping or not data:
            return
        self.writer.write(data)
        await self.writer.drain()
        self.pos += len(data)
        TOTAL_SENT[0] += len(data)

    async def emit(self, data):
        drip = None
        for name, val in self.acts:
            if name == "drip":
                p = val.split(":")
                drip = (int(p[0]) / 1000.0, self.resp.offset(p[1]) if len(p) > 1 else None)
        while data and not self.dropping:
            ev = [e for e in self.events() if e[0] <= self.pos + len(data)]
            if ev and ev[0][0] <= self.pos:
                off, i, name, val = ev[0]
                if off < self.pos and name != "stall":
                    off = self.pos  # past already: fire now
                self.fired.add(i)
                await self.fire(name, val, data)
                if name == "flip":
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                continue
            cut = ev[0][0] - self.pos if ev else len(data)
            part, data = data[:cut], data[cut:]
            if drip and (drip[1] is None or self.pos < drip[1]):
                n = len(part) if drip[1] is None else min(len(part), drip[1] - self.pos)
                for j in range(n):
                    await self.send(part[j:j + 1])
                    await asyncio.sleep(drip[0])
                part = part[n:]
            await self.send(part)
        if not data and not self.dropping:
            # Events exactly at the end of what was sent (e.g. reset=e).
            for off, i, name, val in self.events():
                if off <= self.pos and name in ("reset", "close", "drop"):
                    self.fired.add(i)
                    await self.fire(name, val, b"")

    async def fire(self, name, val, data):
        if name == "flip":
            log("conn %d: flipped the byte at %d" % (self.idx, self.pos))
            return
        if name == "stall":
            ms = int(val.split(":")[1])
            log("conn %d: stall %d ms at %d" % (self.idx, ms, self.pos))
            await asyncio.sleep(ms / 1000.0)
            return
        if name == "drop":
            log("conn %d: dropping everything after %d" % (self.idx, self.pos))
            self.dropping = True
            return
        # reset / close: what was sent has reached the client first.
        await asyncio.sleep(0.02)
        log("conn %d: %s after %d response bytes" % (self.idx, name, self.pos))
        if name == "reset":
            self.rst(self.writer)
        else:
            self.writer.close()
        raise Done()


async def main_async(args):
    count = [0]

    async def handle(reader, writer):
        count[0] += 1
        idx = count[0]
        spec = args.plan.get(idx, args.default)
        conn = Conn(idx, spec, args, reader, writer)
        try:
            await conn.run()
        except (Done, ConnectionError):
            pass
        except Exception as e:  # a bad spec: say so, and reset
            log("conn %d: error: %r" % (idx, e))
            conn.rst(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", args.listen)
    port = server.sockets[0].getsockname()[1]
    log("listening on 127.0.0.1:%d, upstream %s:%d" % (port, args.host, args.port))
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    log("total: %d response bytes sent" % TOTAL_SENT[0])


def main():
    ap = argparse.ArgumentParser(description="fault-injecting TCP proxy")
    ap.add_argument("--upstream", required=True, help="HOST:PORT")
    ap.add_argument("--port", dest="listen", type=int, default=0)
    ap.add_argument("--port-file", help="write the listening port here")
    ap.add_argument("--conn", action="append", default=[], help="N=SPEC (repeatable)")
    ap.add_argument("--plan", help="JSON file: {\"1\": SPEC, ..., \"default\": SPEC}")
    ap.add_argument("--default", default="pass", help="spec for unplanned connections")
    args = ap.parse_args()
    host, _, port = args.upstream.rpartition(":")
    args.host, args.port = host, int(port)
    plan = {}
    if args.plan:
        with open(args.plan) as f:
            for k, v in json.load(f).items():
                if k == "default":
                    args.default = v
                else:
                    plan[int(k)] = v
    for c in args.conn:
        k, _, v = c.partition("=")
        plan[int(k)] = v
    for v in list(plan.values()) + [args.default]:
        parse_spec(v)  # refuse a bad plan at start
    args.plan = plan
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
