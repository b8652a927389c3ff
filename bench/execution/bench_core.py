"""graphql-core 3.2 on the same schema, data and queries as execbench.
usage: bench_core.py SCHEMA DATA QUERIES"""
import json
import sys
import time

from graphql import build_schema, execute, graphql_sync, parse, validate

schema = build_schema(open(sys.argv[1]).read())
data = json.load(open(sys.argv[2]))
queries = json.load(open(sys.argv[3]))
objects = data["objects"]


def deref(v, in_list=False):
    if isinstance(v, dict):
        if "$ref" in v:
            return objects.get(v["$ref"])
        if "$error" in v:
            e = Exception(v["$error"])
            if in_list:
                return e
            raise e
    if isinstance(v, list):
        return [deref(x, True) for x in v]
    return v


def resolve(parent, info, **args):
    name = info.field_name
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


def count_fields(j):
    if isinstance(j, dict):
        return len(j) + sum(count_fields(v) for v in j.values())
    if isinstance(j, list):
        return sum(count_fields(v) for v in j)
    return 0


means = {}


def measure(body, seconds=1.0, label=None):
    """CPU µs per operation (process time: the machine is shared): the best
    of 8 batches of at least seconds/8 each, as execbench does; the mean over
    all batches goes to means[label]."""
    for _ in range(2):
        body()
    best = float("inf")
    total = 0.0
    count = 0
    for _ in range(8):
        n = 0
        start = time.process_time()
        while time.process_time() - start < seconds / 8:
            body()
            n += 1
        spent = time.process_time() - start
        best = min(best, spent / n)
        total += spent
        count += n
    means[label] = total / count
    return best * 1e6


root = data["Query"]
flat_doc = parse(queries["flat"])
sample = execute(schema, flat_doc, root_value=root, field_resolver=resolve, type_resolver=resolve_type)
assert not sample.errors, sample.errors
fields = count_fields(sample.data)
exec_only = measure(lambda: execute(schema, flat_doc, root_value=root, field_resolver=resolve, type_resolver=resolve_type), label="exec")
exec_ser = measure(lambda: json.dumps(execute(schema, flat_doc, root_value=root, field_resolver=resolve, type_resolver=resolve_type).formatted), label="ser")
print(f"core  per-field: {fields} fields/op; execute {exec_only:.1f} CPU µs/op = {exec_only / fields * 1000:.1f} µs per 1,000 fields; "
      f"execute+serialize {exec_ser / fields * 1000:.1f} µs per 1,000 fields "
      f"(means {means['exec'] * 1e9 / fields:.1f} / {means['ser'] * 1e9 / fields:.1f})")

dashboard = queries["dashboard"]
size = 0


def full():
    global size
    doc = parse(dashboard)
    errors = validate(schema, doc)
    assert not errors, errors
    r = execute(schema, doc, root_value=root, field_resolver=resolve, type_resolver=resolve_type)
    size = len(json.dumps(r.formatted, separators=(",", ":")))


full()
dash = graphql_sync(schema, dashboard, root_value=root, field_resolver=resolve, type_resolver=resolve_type)
assert not dash.errors, dash.errors
t = measure(full, label="full")
print(f"core  dashboard: {count_fields(dash.data)} fields, {size} bytes; parse+validate+execute+serialize {t:.1f} CPU µs/op ({1e6 / t:.1f} ops per CPU second) (mean {means['full'] * 1e6:.1f})")
