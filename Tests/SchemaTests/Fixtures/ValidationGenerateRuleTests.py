#!/usr/bin/env python3
"""Regenerates ValidationRulesTests.swift: runs each case of ValidationRuleCases.py
through graphql-js 16 (ValidationOracle.js, Debian's node-graphql) and freezes
the expected messages and locations. A rule graphql-js 16.6 lacks
(MaxIntrospectionDepth, added in 16.9) falls back to graphql-core 3.2.
Usage: python3 ValidationGenerateRuleTests.py > ../ValidationRulesTests.swift"""
import os, sys, json, subprocess
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ValidationRuleCases import CASES
from graphql import build_schema, parse, validate
from graphql.validation import specified_rules
schema = build_schema(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ValidationTestSchema.graphql')).read())
rules = {r.__name__[:-4]: r for r in specified_rules}
def swift_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'
here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, NODE_PATH=os.environ.get("NODE_PATH", "") + ":/usr/share/nodejs")
stdin = "".join(json.dumps({"schema": "test", "doc": q, "rule": rule}) + "\n" for rule, _, q in CASES)
js = subprocess.run(["node", os.path.join(here, "ValidationOracle.js")], input=stdin, capture_output=True, text=True, env=env, check=True)
results = [json.loads(l) for l in js.stdout.splitlines()[1:]]
by_rule = {}
for (rule, name, q), rec in zip(CASES, results):
    out = []
    if "errors" in rec:
        for e in rec["errors"]:
            out.append(e["message"] + " @" + ",".join(f"{l}:{c}" for l, c in e["locations"]))
    else:
        for e in validate(schema, parse(q), [rules[rule]]):
            locs = [f"{n.loc.start_token.line}:{n.loc.start_token.column}" for n in (e.nodes or []) if n.loc]
            out.append(e.message + " @" + ",".join(locs))
    by_rule.setdefault(rule, []).append((name, q, out))
lines = ["// Per-rule tests: the spec's examples and graphql-js's own cases for each rule,",
         "// re-expressed against the test schema (Fixtures/ValidationTestSchema.graphql).",
         "// Expected messages/locations are graphql-js 16's (graphql-core 3.2's for",
         "// MaxIntrospectionDepth, which graphql-js 16.6 lacks), frozen here by",
         "// Fixtures/ValidationGenerateRuleTests.py.",
         "import XCTest", "@testable import Schema", ""]
for rule, cases in by_rule.items():
    lines.append(f"final class Validation{rule}RuleTests: ValidationRuleTestCase {{")
    lines.append(f"    override var ruleName: String {{ \"{rule}\" }}")
    for name, q, out in cases:
        lines.append(f"    func {name}() {{")
        if out:
            lines.append(f"        expectErrors({swift_str(q)}, [")
            for o in out:
                lines.append(f"            {swift_str(o)},")
            lines.append("        ])")
        else:
            lines.append(f"        expectValid({swift_str(q)})")
        lines.append("    }")
    lines.append("}")
    lines.append("")
print("\n".join(lines))
# sanity: report cases whose name says Rejects/Reports but got no errors, or Accepts but got errors
for rule, cases in by_rule.items():
    for name, q, out in cases:
        bad = (("Reject" in name or "Report" in name or "Finds" in name or "Checks" in name or "Suggests" in name) and not out) or ("Accepts" in name and out)
        if bad: print("MISMATCH", rule, name, out, file=sys.stderr)
