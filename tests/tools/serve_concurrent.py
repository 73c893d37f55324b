#!/usr/bin/env python3
"""Many clients at once against a running `abota serve`.

usage: serve_concurrent.py PORT FILE URLPATH CLIENTS SERVER_PID

Every client connects first; only when all CLIENTS connections are open (and
the server holds them all) does each send its request: the whole file, a
byte range, a suffix range, or two requests on one keep-alive connection.
Every byte received is compared with FILE. Exits non-zero on any error or
after 120 s."""
import asyncio
import os
import random
import resource
import sys
import time


def main():
    port, fpath, upath, n, spid = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                   int(sys.argv[4]), int(sys.argv[5]))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            sys.exit("FAIL: RLIMIT_NOFILE hard limit %d is below %d" % (hard, want))
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    data = open(fpath, "rb").read()
    size = len(data)
    rng = random.Random(1234)
    state = {"connected": 0, "ok": 0, "bytes": 0}
    all_in = asyncio.Event()

    async def one_request(r, w, hdrs, first, last, status):
        w.write(("GET %s HTTP/1.1\r\nHost: t\r\n%s\r\n" % (upath, hdrs)).encode())
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        got = int(lines[0].split(" ")[1])
        if got != status:
            raise RuntimeError("status %d, want %d" % (got, status))
        h = {}
        for l in lines[1:]:
            if ":" in l:
                k, v = l.split(":", 1)
                h[k.strip().lower()] = v.strip()
        cl = int(h["content-length"])
        if cl != last - first:
            raise RuntimeError("Content-Length %d, want %d" % (cl, last - first))
        if status == 206 and h.get("content-range") != "bytes %d-%d/%d" % (first, last - 1, size):
            raise RuntimeError("Content-Range %r" % h.get("content-range"))
        body = await r.readexactly(cl)
        if body != data[first:last]:
            raise RuntimeError("body bytes differ")
        state["bytes"] += cl

    async def client(i):
        for attempt in range(50):
            try:
                r, w = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
                break
            except OSError:
                await asyncio.sleep(0.02 * (attempt + 1))
        else:
            raise RuntimeError("client %d could not connect" % i)
        state["connected"] += 1
        if state["connected"] == n:
            all_in.set()
        await all_in.wait()
        kind = i % 4
        if kind == 0:
            await one_request(r, w, "", 0, size, 200)
        elif kind == 1:
            a = rng.randrange(size)
            b = rng.randrange(a, size)
            await one_request(r, w, "Range: bytes=%d-%d\r\n" % (a, b), a, b + 1, 206)
        elif kind == 2:
            k = rng.randrange(1, size)
            await one_request(r, w, "Range: bytes=-%d\r\n" % k, size - k, size, 206)
        else:
            await one_request(r, w, "", 0, size, 200)
            await one_request(r, w, "Range: bytes=100-\r\n", 100, size, 206)
        w.close()
        state["ok"] += 1

    def server_fds():
        try:
            return len(os.listdir("/proc/%d/fd" % spid))
        except OSError:
            return -1

    async def run():
        tasks = [asyncio.create_task(client(i)) for i in range(n)]
        await all_in.wait()
        # The server must hold every connection at once (accepted, not just queued).
        peak = 0
        end = time.monotonic() + 10
        while time.monotonic() < end:
            peak = max(peak, server_fds())
            if peak >= n:
                break
            await asyncio.sleep(0.01)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors = [e for e in results if isinstance(e, BaseException)]
        return peak, errors

    t0 = time.monotonic()
    try:
        peak, errors = asyncio.run(asyncio.wait_for(run(), 120))
    except asyncio.TimeoutError:
        sys.exit("FAIL: not done within 120 s (%d of %d clients finished)" % (state["ok"], n))
    if errors:
        sys.exit("FAIL: %d clients failed, first: %r" % (len(errors), errors[0]))
    if peak < n:
        sys.exit("FAIL: the server held at most %d descriptors, want >= %d" % (peak, n))
    print("%d clients, all open at once (server fds >= %d), %d bytes checked in %.1f s" %
          (state["ok"], peak, state["bytes"], time.monotonic() - t0))


if __name__ == "__main__":
    main()
