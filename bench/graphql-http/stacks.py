#!/usr/bin/env python3
"""Stacks recorded by `perf record -g` of `clinic serve`, for profile.sh and allocs.sh.

  stacks.py fold BINARY PERF_DATA OUT.folded
      `perf script` of PERF_DATA as folded stacks ("frame;frame;... count", root first, for
      flamegraph tools). perf does not resolve the binary's own frames here: they are resolved
      with its symbol table (nm).
  stacks.py tops FOLDED [--per N] [--ours-only]
      The top frames by self count and by the nearest frame of our code (a Swift symbol of the
      binary, with the callees outside it), Swift names demangled. With --per N, counts divided by
      N (e.g. allocations per request) instead of shares of all samples.
"""
import bisect
import collections
import re
import subprocess
import sys


def fold(binary, data, out):
    symbols = subprocess.run(["nm", "-n", binary], capture_output=True, text=True).stdout
    addrs, names = [], []
    for line in symbols.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ("T", "t"):
            addrs.append(int(parts[0], 16)); names.append(parts[2])

    def resolve(addr):
        i = bisect.bisect_right(addrs, addr) - 1
        return names[i] if i >= 0 else "[unknown]"

    script = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True).stdout
    stacks, frames = collections.Counter(), []

    def flush():
        if frames: stacks[";".join(reversed(frames))] += 1
        frames.clear()

    for line in script.splitlines():
        if not line.strip() or line[0] not in " \t": flush(); continue
        m = re.match(r"\s*([0-9a-f]+) (.*) \((.*)\)$", line)
        if not m: continue
        addr, sym, dso = m.groups()
        if sym.startswith("[unknown]") and dso == binary: sym = resolve(int(addr, 16))
        frames.append(re.sub(r"\+0x[0-9a-f]+$", "", sym))
    flush()
    with open(out, "w") as f:
        for s, n in stacks.most_common(): f.write("%s %d\n" % (s, n))


def demangle(xs):
    try:
        r = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(xs),
                           capture_output=True, text=True, timeout=60)
        return r.stdout.splitlines() if r.returncode == 0 else xs
    except Exception:
        return xs


def tops(folded, per=None, ours_only=False):
    stacks = collections.Counter()
    for line in open(folded):
        s, n = line.rsplit(" ", 1); stacks[s] += int(n)
    total = sum(stacks.values()) or 1
    leaf, ours = collections.Counter(), collections.Counter()
    for s, n in stacks.items():
        fr = s.split(";")
        leaf[fr[-1]] += n
        # The nearest frame of our own code (a Swift symbol of the binary) that led to the sample.
        ours[next((f for f in reversed(fr) if f.startswith("$s") and not f.startswith("$ss")), "(outside our code)")] += n
    tables = [("time by the nearest frame of our code (self + callees outside it)", ours)]
    if not ours_only: tables.insert(0, ("top frames by self time", leaf))
    for title, counter in tables:
        top = counter.most_common(25 if per else 20)
        print("## %s, %d samples" % (title, total) if per is None else "## per request, by the nearest frame of our code")
        for (name, n), pretty in zip(top, demangle([t[0] for t in top])):
            print(("%5.1f%%  %s" % (100.0 * n / total, pretty[:160])) if per is None else ("%6.1f  %s" % (n / per, pretty[:150])))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["fold"] and len(args) == 4:
        fold(*args[1:])
    elif args[:1] == ["tops"] and len(args) >= 2:
        per = int(args[args.index("--per") + 1]) if "--per" in args else None
        tops(args[1], per=per, ours_only="--ours-only" in args)
    else:
        sys.exit(__doc__)
