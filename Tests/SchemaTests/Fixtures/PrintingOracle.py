#!/usr/bin/env python3
"""Prints graphql-core 3.2's print_schema(build_schema(sdl)) for each SDL file
given, as a JSON list of strings (the oracle of PrintingSchemaTests)."""
import json, sys
try:
    from graphql import build_schema, print_schema
except ImportError:
    print("graphql-core is not installed (pip install graphql-core==3.2.*)", file=sys.stderr)
    sys.exit(2)
print(json.dumps([print_schema(build_schema(open(p, encoding="utf-8").read())) for p in sys.argv[1:]]))
