"""Differential oracle: graphql-core 3.2 executes the same queries over the
same schema and data as our engine; responses are compared after JSON
normalization.

usage: oracle.py SCHEMA DATA QUERIES OURS
  OURS is a JSON array with our response for each query, in order.

Resolution rules (mirrored in ExecutionDifferentialTests.swift):
- a field's value is the parent object's member of the same name;
  {"$ref": id} stands for objects[id] (null when missing), and
  {"$error": message} for a resolver error with that message (inside a list:
  an error at that item);
- arguments: `id` looks the object up; `genre` keeps list items whose genre
  equals it; `first` keeps the first N items; `count` = sum(values non-null)
  + offset + range.from + range.to; `greeting` = "hello " + name; `search(term)`
  keeps items whose name or title contains term.
- abstract types resolve by the object's __typename.

Normalization: errors lose `extensions` (graphql-core has none), quotes in
messages become ", Python dict reprs in graphql-core messages are rewritten
as graphql-js prints objects ({ a: 1 }), errors are sorted by path then
message; numbers compare by value (1 == 1.0); object member order must match.
"""
import json
import re
import sys

from graphql import build_schema, graphql_sync

schema_sdl, data_path, queries_path, ours_path = sys.argv[1:5]
schema = build_schema(open(schema_sdl, encoding="utf-8").read())
data = json.load(open(data_path, encoding="utf-8"))
objects = data["objects"]
queries = json.load(open(queries_path, encoding="utf-8"))
ours = json.load(open(ours_path, encoding="utf-8"))


class Failure(Exception):
    pass


def deref(value, in_list=False):
    if isinstance(value, dict):
        if "$ref" in value:
            return objects.get(value["$ref"])
        if "$error" in value:
            error = Failure(value["$error"])
            if in_list:
                return error
            raise error
    if isinstance(value, list):
        return [deref(v, True) for v in value]
    return value


def resolve(parent, info, **args):
    name = info.field_name
    if name == "count":
        r = args.get("range") or {}
        return sum(v for v in (args.get("values") or []) if v is not None) + args["offset"] + (r.get("from") or 0) + (r.get("to") or 0)
    if name == "greeting":
        return "hello " + str(args.get("name"))
    if "id" in args:
        return objects.get(args["id"])
    value = deref(parent.get(name) if isinstance(parent, dict) else None)
    if isinstance(value, list):
        if args.get("genre") is not None:
            value = [v for v in value if isinstance(v, dict) and v.get("genre") == args["genre"]]
        if name == "search" and args.get("term") is not None:
            value = [v for v in value if args["term"] in (v.get("name") or v.get("title") or "")]
        if args.get("first") is not None:
            value = value[: args["first"]]
    return value


def resolve_type(value, info, abstract_type):
    return value.get("__typename")


def js_inspect(message):
    """graphql-core prints input objects with Python repr ({'a': 1}); graphql-js
    inspect prints { a: 1 }. Rewrite the former into the latter."""
    def obj(m):
        body = re.sub(r'"(\w+)": ', r"\1: ", m.group(1))
        return "{ " + body + " }" if body else "{}"
    return re.sub(r"\{([^{}]*: [^{}]*)\}", obj, message)


def normalize_errors(errors, core=False):
    out = []
    for e in errors or []:
        e = dict(e)
        e.pop("extensions", None)
        e["message"] = e["message"].replace("'", '"')
        if core:
            e["message"] = js_inspect(e["message"])
        out.append(e)
    return sorted(out, key=lambda e: (json.dumps(e.get("path")), e["message"]))


def same(a, b, path="$"):
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else f"{path}: {json.dumps(a)} vs {json.dumps(b)}"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if a == b else f"{path}: {a} vs {b}"
    if type(a) != type(b):
        return f"{path}: {json.dumps(a)[:200]} vs {json.dumps(b)[:200]}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        for k in a:
            d = same(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {json.dumps(a)} vs {json.dumps(b)}"


failures = 0
if len(ours) != len(queries):
    print(f"expected {len(queries)} results, got {len(ours)}")
    sys.exit(1)
for q, mine in zip(queries, ours):
    result = graphql_sync(schema, q["query"], root_value=data["Query"], variable_values=q.get("variables"),
                          operation_name=q.get("operationName"), field_resolver=resolve, type_resolver=resolve_type)
    expected = result.formatted
    # graphql-core formats request errors (no path: operation selection,
    # variable coercion) as {"data": None, "errors": [...]}; we omit data.
    request_error = result.data is None and bool(result.errors) and all(not e.path for e in result.errors)
    e_norm = {"errors": normalize_errors(expected.get("errors"), core=True)}
    if not request_error:
        e_norm = {"data": expected.get("data"), **e_norm}
    o_norm = {"errors": normalize_errors(mine.get("errors"))}
    if "data" in mine:
        o_norm = {"data": mine["data"], **o_norm}
    diff = same(o_norm, e_norm)
    if diff:
        failures += 1
        print(f"FAIL {q['name']}: {diff}")
        print("   ours:", json.dumps(o_norm)[:1500])
        print("   core:", json.dumps(e_norm)[:1500])
print(f"{len(queries) - failures}/{len(queries)} identical")
sys.exit(1 if failures else 0)
