#!/usr/bin/env python3
"""Reference oracle for the differential tests: graphql-core 3.2.

Usage: python3 oracle.py            -> JSON list of {"doc", "result"} for the
                                       corpus of corpus.py
       python3 oracle.py FILE.json  -> same for the documents (a JSON list of
                                       strings) in FILE.json
       python3 oracle.py --print-block-strings FILE.json
                                    -> [[print_block_string(v), print_string(v)]]

result is {"ok": true, "printed": print_ast(parse(doc)), "names": sorted
[line, column, value] of every Name node} or
{"ok": false, "message", "line", "column"} or {"ok": null, "crash": "..."}
when graphql-core itself raises something other than a GraphQLSyntaxError.

graphql-core 3.2 words its messages like graphql-js but with single quotes
('}' instead of "}"); we use graphql-js's wording, so messages are converted
here, rule by rule. graphql-core also reports an error at the start of a
line as the end of the previous line (str.splitlines quirk); the location is
therefore computed here from the error position with graphql-js's rule
(line terminators \\r\\n, \\n, \\r; columns in code points).
"""
import json
import os
import re
import sys

try:
    import graphql
    from graphql import parse, print_ast, visit, Visitor
    from graphql.error import GraphQLSyntaxError
except ImportError:  # the Swift test fails on this
    print("graphql-core is not installed (pip install graphql-core==3.2.*)", file=sys.stderr)
    sys.exit(3)

MAX_TOKENS = 15000


def conv_tok(d):
    if len(d) >= 2 and d[0] == "'" and d[-1] == "'":
        return '"' + d[1:-1] + '"'
    m = re.fullmatch(r"(Name|Int|Float|String|BlockString|Comment) '(.*)'", d, re.S)
    if m:
        return f'{m[1]} "{m[2]}"'
    return d


def conv_cp(c):
    if c == "'\"'":
        return c
    if len(c) == 3 and c[0] == "'" and c[2] == "'":
        return '"' + c[1] + '"'
    return c


def js_message(desc):
    keep = (
        "Unterminated string.",
        "Unexpected single quote character",
        "Unexpected description,",
        "Document contains more than",
    )
    if desc.startswith(keep):
        return desc
    m = re.fullmatch(r"Unexpected variable '\$(.*)' in constant value\.", desc, re.S)
    if m:
        return f'Unexpected variable "${m[1]}" in constant value.'
    m = re.fullmatch(r"Unexpected character: (.*)\.", desc, re.S)
    if m:
        return f"Unexpected character: {conv_cp(m[1])}."
    m = re.fullmatch(r"Invalid character within String: (.*)\.", desc, re.S)
    if m:
        return f"Invalid character within String: {conv_cp(m[1])}."
    m = re.fullmatch(r"Invalid number, (unexpected digit after 0|expected digit but got): (.*)\.", desc, re.S)
    if m:
        return f"Invalid number, {m[1]}: {conv_cp(m[2])}."
    m = re.fullmatch(r"Invalid (Unicode|character) escape sequence: '(.*)'\.", desc, re.S)
    if m:
        return f'Invalid {m[1]} escape sequence: "{m[2]}".'
    m = re.fullmatch(r"Expected (.+?), found (.*)\.", desc, re.S)
    if m:
        return f"Expected {conv_tok(m[1])}, found {conv_tok(m[2])}."
    m = re.fullmatch(r"(.*) is reserved and cannot be used for an enum value\.", desc, re.S)
    if m:
        return f"{conv_tok(m[1])} is reserved and cannot be used for an enum value."
    m = re.fullmatch(r"Unexpected (.*)\.", desc, re.S)
    if m:
        return f"Unexpected {conv_tok(m[1])}."
    raise ValueError("unknown graphql-core message: " + desc)


def js_location(body, position):
    line, line_start = 1, 0
    for m in re.finditer(r"\r\n|[\n\r]", body):
        if m.start() >= position:
            break
        line += 1
        line_start = m.end()
    return line, position + 1 - line_start


def run(doc):
    try:
        ast = parse(doc, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as e:
        line, column = js_location(doc, e.positions[0])
        return {"ok": False, "message": "Syntax Error: " + js_message(e.description), "line": line, "column": column}
    except Exception as e:  # graphql-core bug (e.g. IndexError on "\\u12" at EOF)
        return {"ok": None, "crash": type(e).__name__ + ": " + str(e)}
    names = []

    class NameCollector(Visitor):
        def enter_name(self, node, *_):
            names.append([node.loc.start_token.line, node.loc.start_token.column, node.value])

    visit(ast, NameCollector())
    return {"ok": True, "printed": print_ast(ast), "names": sorted(names)}


def main():
    if not graphql.version.startswith("3.2"):
        print("graphql-core 3.2 required, found " + graphql.version, file=sys.stderr)
        sys.exit(3)
    if len(sys.argv) > 2 and sys.argv[1] == "--print-block-strings":
        from graphql.language.block_string import print_block_string
        from graphql.language.print_string import print_string
        with open(sys.argv[2], encoding="utf-8") as f:
            values = json.load(f)
        json.dump([[print_block_string(v), print_string(v)] for v in values], sys.stdout)
        return
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            docs = json.load(f)
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import corpus
        docs = corpus.documents()
    out = [{"doc": d, "result": run(d)} for d in docs]
    json.dump(out, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
