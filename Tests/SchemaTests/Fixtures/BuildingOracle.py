#!/usr/bin/env python3
"""Oracle for BuildingSchemaTests: reads a JSON list of SDL documents on stdin
and prints, for each, graphql-core 3.2's errors: the SDL validation errors
(validate_sdl, what build_schema asserts) or else validate_schema's errors of
the built schema. Locations come from the nodes' start tokens."""
import json, sys
try:
    from graphql import parse, build_ast_schema, validate_schema, GraphQLError
    from graphql.validation.validate import validate_sdl
except ImportError:
    print("graphql-core is not installed (pip install graphql-core==3.2.*)", file=sys.stderr)
    sys.exit(2)

def fmt(errors):
    out = []
    for e in errors:
        locs = [[n.loc.start_token.line, n.loc.start_token.column] for n in (e.nodes or []) if n is not None and n.loc]
        out.append({"message": e.message, "locations": locs})
    return out

results = []
for sdl in json.load(sys.stdin):
    try:
        doc = parse(sdl)
    except GraphQLError as e:
        results.append({"syntax": e.message})
        continue
    errors = validate_sdl(doc)
    if errors:
        results.append({"stage": "sdl", "errors": fmt(errors)})
        continue
    try:
        schema = build_ast_schema(doc, assume_valid_sdl=True)
        results.append({"stage": "schema", "errors": fmt(validate_schema(schema))})
    except Exception as e:  # graphql-core refuses some invalid types outright
        results.append({"stage": "crash", "message": str(e)[:300]})
print(json.dumps(results))
