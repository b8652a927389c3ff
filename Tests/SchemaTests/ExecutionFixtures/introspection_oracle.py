"""Checks our introspection result against graphql-core 3.2.

usage: introspection_oracle.py SDL_FILE QUERY_FILE OUR_RESULT_JSON [--rebuild]

1. graphql-core executes the same query over build_schema(SDL); both `data`
   are compared after sorting the order-free lists (types, directives,
   possibleTypes) by name. Every other list keeps its order.
2. With --rebuild: build_client_schema(our data) must print (print_schema)
   exactly like build_schema(SDL).
Prints OK or the differences; exits 1 on any difference.
"""
import json
import sys

from graphql import build_client_schema, build_schema, graphql_sync, print_schema


def norm(value, key=None):
    if isinstance(value, dict):
        return {k: norm(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [norm(v) for v in value]
        if key in ("types", "directives", "possibleTypes") and all(isinstance(i, dict) and "name" in i for i in items):
            items.sort(key=lambda i: i["name"] or "")
        return items
    return value


def first_difference(a, b, path="data"):
    if type(a) != type(b):
        return f"{path}: ours {json.dumps(a)[:300]} vs graphql-core {json.dumps(b)[:300]}"
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{path}: keys {list(a.keys())} vs {list(b.keys())}"
        for k in a:
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            names_a = [i.get("name") if isinstance(i, dict) else i for i in a]
            names_b = [i.get("name") if isinstance(i, dict) else i for i in b]
            return f"{path}: length {len(a)} vs {len(b)}: {names_a} vs {names_b}"
        for i, (x, y) in enumerate(zip(a, b)):
            label = x.get("name") if isinstance(x, dict) and "name" in x else i
            d = first_difference(x, y, f"{path}[{label}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: ours {json.dumps(a)} vs graphql-core {json.dumps(b)}"


def main():
    sdl = open(sys.argv[1], encoding="utf-8").read()
    query = open(sys.argv[2], encoding="utf-8").read()
    ours = json.load(open(sys.argv[3], encoding="utf-8"))
    schema = build_schema(sdl)
    expected = graphql_sync(schema, query)
    if expected.errors:
        print("graphql-core itself failed:", expected.errors)
        return 1
    if ours.get("errors"):
        print("our result has errors:", json.dumps(ours["errors"])[:2000])
        return 1
    expected_data = expected.data
    # graphql-core 3.2.6+ specifies @oneOf; our schema does not support
    # OneOf input objects (isOneOf is always false), so that one built-in
    # directive is not expected from us.
    directives = (expected_data.get("__schema") or {}).get("directives")
    if directives is not None:
        expected_data["__schema"]["directives"] = [d for d in directives if d.get("name") != "oneOf"]
    diff = first_difference(norm(ours.get("data")), norm(expected_data))
    if diff:
        print("DIFF", diff)
        return 1
    if "--rebuild" in sys.argv:
        rebuilt = print_schema(build_client_schema(ours["data"]))
        original = print_schema(schema)
        if rebuilt != original:
            import difflib
            print("REBUILD DIFF")
            print("\n".join(list(difflib.unified_diff(original.splitlines(), rebuilt.splitlines(), "build_schema", "build_client_schema", lineterm=""))[:80]))
            return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
