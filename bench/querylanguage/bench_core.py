#!/usr/bin/env python3
"""graphql-core 3.2 on the same inputs: lexing MB/s, parse µs/doc."""
import sys
import time

from graphql import parse, print_ast, version
from graphql.language import Lexer, Source, TokenKind


def lex_all(src):
    lexer = Lexer(Source(src))
    n = 0
    while lexer.advance().kind != TokenKind.EOF:
        n += 1
    return n


def measure(fn, seconds=1.0):
    fn()
    n, start = 0, time.thread_time()
    while True:
        fn()
        n += 1
        elapsed = time.thread_time() - start
        if elapsed >= seconds:
            return n, elapsed


d = sys.argv[1] if len(sys.argv) > 1 else "inputs"
print(f"graphql-core {version} (CPython {sys.version.split()[0]}; thread CPU time, fastest of 10 batches)")
for name, path in (("2 KB query", "query.graphql"), ("50 KB schema", "schema.graphql")):
    src = open(f"{d}/{path}", encoding="utf-8").read()
    size = len(src.encode())
    tokens = lex_all(src)
    n, t = measure(lambda: lex_all(src))
    lex_mbs = size * n / t / 1e6
    n, t = measure(lambda: parse(src))
    parse_us = t / n * 1e6
    doc = parse(src)
    n, t = measure(lambda: print_ast(doc))
    print_us = t / n * 1e6
    print(f"  {name} ({size} bytes, {tokens} tokens): lex {lex_mbs:.2f} MB/s; parse {parse_us:.1f} µs/doc = {1e6 / parse_us:.0f} docs/s = {size / parse_us:.2f} MB/s; print {print_us:.1f} µs")
