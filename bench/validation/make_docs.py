"""Writes the benchmark documents to docs/: the typical query (the same text as
Tests/SchemaTests/ValidationPerformanceTests.swift) and pathological_N.graphql."""
import os, re
here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "../../Tests/SchemaTests/ValidationPerformanceTests.swift")).read()
typical = re.search(r'static let typicalQuery = """\n(.*?)\n    """', src, re.S).group(1)
typical = "\n".join(l[4:] if l.startswith("    ") else l for l in typical.split("\n")) + "\n"
os.makedirs(os.path.join(here, "docs"), exist_ok=True)
open(os.path.join(here, "docs/typical.graphql"), "w").write(typical)

def pathological(n):
    per = 10
    frags = max(1, n // per)
    s = "{ me { " + "".join(f"...F{f} " for f in range(frags)) * 2 + "} }\n"
    for f in range(frags):
        s += f"fragment F{f} on User {{ " + "".join(f"a{f}_{i}: fullName b{f}_{i}: id " for i in range(per)) + "}\n"
    return s

for n in (100, 1000, 10000):
    open(os.path.join(here, f"docs/pathological_{n}.graphql"), "w").write(pathological(n))
