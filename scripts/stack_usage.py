#!/usr/bin/env python3
"""Worst-case stack depth of a call tree, from GCC's -fcallgraph-info=su.

GCC writes one .ci file (VCG graph) per translation unit: a node per
function with its own frame ("N bytes (static)" or "(dynamic)"), an edge per
direct call, and calls through a pointer as edges to "__indirect_call".
This script joins the files, resolves a call to a function of the same file
first (static helpers of the same name exist in several files), then to a
function defined elsewhere; functions with no node that has a size (the C
library, the SDK) count as 0 bytes and are listed. An indirect call counts as
a call to the deepest of the --indirect functions (the port's functions,
which is what the core calls through pointers), so the result is an upper
bound as long as every pointer target is in that list. Recursion is
reported and stops the walk.

--map CALLER=T1,T2 narrows the indirect calls made by CALLER to T1, T2 (e.g.
abota_flash_read=esp_read: the flash wrapper only calls the port's read).

Usage: stack_usage.py ROOT [--indirect NAME ...] [--map CALLER=T1,...] FILE.ci ...
Prints the total and the deepest path, one frame per line.
"""
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r'\\n(\d+) bytes \((static|dynamic[^)]*)\)')


def load(files):
    # A node's title is the function's name, or "FILE:name" for a static one;
    # the label's first line is always the plain name.
    frames = {}   # (file, title) -> (bytes, kind, name)
    calls = {}    # (file, title) -> [callee title]
    where = {}    # title or plain name -> [(file, title)] defining it
    for path in files:
        with open(path) as f:
            text = f.read()
        for title, label in NODE.findall(text):
            m = SIZE.search(label)
            if m:
                name = label.split("\\n")[0]
                frames[(path, title)] = (int(m.group(1)), m.group(2), name)
                where.setdefault(title, []).append((path, title))
                if name != title:
                    where.setdefault(name, []).append((path, title))
        for src, dst in EDGE.findall(text):
            calls.setdefault((path, src), []).append(dst)
    return frames, calls, where


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    root = argv[1]
    indirect, files, narrow = [], [], {}
    i = 2
    while i < len(argv):
        if argv[i] == "--indirect":
            indirect.append(argv[i + 1])
            i += 2
        elif argv[i] == "--map":
            caller, targets = argv[i + 1].split("=", 1)
            narrow[caller] = targets.split(",")
            i += 2
        else:
            files.append(argv[i])
            i += 1
    frames, calls, where = load(files)
    unknown = set()
    memo = {}

    def resolve(path, fn):
        if (path, fn) in frames:
            return (path, fn)
        if fn in where:
            return where[fn][0]
        return None

    def deepest(key, stack):
        if key in memo:
            return memo[key]
        if key in stack:
            sys.exit("recursion: " + " -> ".join(frames[k][2] for k in stack + [key]))
        own, kind, name = frames[key]
        best = (0, [])
        targets = []
        for callee in calls.get(key, []):
            if callee == "__indirect_call":
                targets += [resolve(key[0], n) for n in narrow.get(name, indirect)]
            else:
                k = resolve(key[0], callee)
                if k is None:
                    unknown.add(callee)
                targets.append(k)
        for k in targets:
            if k is None:
                continue
            d = deepest(k, stack + [key])
            if d[0] > best[0]:
                best = d
        res = (own + best[0], [(name, own, kind)] + best[1])
        memo[key] = res
        return res

    start = resolve("", root)
    if start is None:
        sys.exit("no frame size for " + root)
    missing = [n for n in indirect + sum(narrow.values(), []) if resolve("", n) is None]
    if missing:
        sys.exit("no frame size for indirect target(s): " + ", ".join(missing))
    total, path = deepest(start, [])
    print("peak stack of %s: %d bytes (deepest path)" % (root, total))
    for fn, own, kind in path:
        print("%8d  %s%s" % (own, fn, "" if kind == "static" else "  (" + kind + ")"))
    if unknown:
        print("not counted (no frame size: C library, SDK, ROM): " + ", ".join(sorted(unknown)))


if __name__ == "__main__":
    main(sys.argv)
