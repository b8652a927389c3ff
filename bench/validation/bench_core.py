"""graphql-core's validate on the same documents (CPU time, best of 3)."""
import sys, time, os
from graphql import build_schema, parse, validate
schema = build_schema(open(sys.argv[1]).read())
skip_rest = False
for path in sys.argv[2:]:
    if skip_rest:
        print(f"core   {os.path.basename(path)}: skipped (the previous document took over 1 s per validate)")
        continue
    text = open(path).read()
    doc = parse(text)
    assert validate(schema, doc) == [], path
    t = time.process_time(); validate(schema, doc); once = max(time.process_time() - t, 1e-6)
    skip_rest = once > 1.0
    n = max(1, min(20000, int(0.5 / once / 3)))
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        for _ in range(n): validate(schema, doc)
        best = min(best, (time.process_time() - t) / n)
    print(f"core   {os.path.basename(path)} ({len(text.encode())} bytes): {best*1e6:.1f} µs CPU per validate ({n} iterations)")
