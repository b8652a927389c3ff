"""Writes adversarial documents to docs/adv_*.graphql: each is an attempt to
make parsing + validation + the operation limits cost as much CPU as possible
within 1 MiB (the HTTP body limit; the GraphQL endpoint also refuses documents
over 100 KB, so these are a stronger test than any request can be).
Every document is cut to fit 1 MiB; the parser limits (tokens, selections,
depth) decide how much of it is ever looked at."""
import os, re
here = os.path.dirname(os.path.abspath(__file__))
MIB = 1 << 20
out = os.path.join(here, "docs")
os.makedirs(out, exist_ok=True)

# The server's parser limits (Sources/QueryLanguage/SyntaxError.swift ParseOptions):
# documents are cut just under them, so they are parsed and validated in full.
MAX_TOKENS = 15_000
MAX_SELECTIONS = 2_000  # fields, fragment spreads, inline fragments and directives
TOKEN = re.compile(r'\.\.\.|[!$&():=@\[\]{|}]|"(?:[^"\\]|\\.)*"|-?\d[\w.+-]*|[_A-Za-z]\w*')

def tokens(text):
    return len(TOKEN.findall(re.sub(r'#[^\n]*', '', text)))

def fill(head, unit, tail, limit=MIB, count=None, max_tokens=MAX_TOKENS - 10, sels=None):
    """head + unit(i) for i = 0, 1, … + tail, as many units as fit in `limit`
    bytes and `max_tokens` tokens (or `count` units); with `sels` = (selections
    in head and tail, selections per unit), also under MAX_SELECTIONS."""
    if sels:
        n = (MAX_SELECTIONS - sels[0]) // sels[1]
        count = n if count is None else min(count, n)
    parts, size, i = [head], len(head) + len(tail), 0
    ntok = tokens(head) + tokens(tail)
    while count is None or i < count:
        u = unit(i)
        t = tokens(u)
        if size + len(u) > limit or ntok + t > max_tokens: break
        parts.append(u); size += len(u); ntok += t; i += 1
    parts.append(tail)
    return "".join(parts)

docs = {}
# Cut by the token limit (15,000 tokens, 1 MiB): the parser stops early.
docs["identical_fields_15k_tokens"] = fill("{ me { ", lambda i: "id ", "} }\n")
docs["identical_fields_1mib"] = fill("{ me { ", lambda i: "id ", "} }\n", max_tokens=10**9)
# From here on, just under the selection limit: parsed and validated in full.
# CVE-2023-26144's shape: one field repeated.
docs["identical_fields"] = fill("{ me { ", lambda i: "id ", "} }\n", sels=(1, 1))
# The same, each with a selection set (subtrees compared).
docs["identical_subtrees"] = fill("{ ", lambda i: "me { doctor { user { id } } } ", "}\n", sels=(0, 4))
# Fields differing only in arguments (every pair conflicts).
docs["args_differ"] = fill("{ ", lambda i: f"doctor(id: {i}) {{ id }} ", "}\n", sels=(0, 2))
# Aliases of one field with conflicting arguments.
docs["alias_conflicting_args"] = fill("{ ", lambda i: f"d: doctors(first: {i % 7}) {{ totalCount }} ", "}\n", sels=(0, 2))
# Same field, same arguments, each with a different (non-conflicting) selection.
docs["distinct_subselections"] = fill("{ ", lambda i: f"me {{ a{i}: id }} ", "}\n", sels=(0, 2))
docs["distinct_subselections_shared"] = fill("{ ", lambda i: f"me {{ id a{i}: id }} ", "}\n", sels=(0, 3))
# Two compatible variants under a shared name, plus a distinct name: every
# pair of the two variants is compared (the rule's remaining quadratic case).
docs["distinct_subselections_two_variants"] = fill("{ ", lambda i: f"me {{ d: doctor {{ {'id' if i % 2 else 'bio'} }} a{i}: id }} ", "}\n", sels=(0, 4))
# Two long lists of conflicting subfields under one name: a conflict per pair.
half = (MAX_SELECTIONS - 4) // 2
docs["nested_conflicts"] = "{ a: me { " + "x: id " * half + "} a: me { " + "x: fullName " * half + "} }\n"
# Distinct subselections under exclusive parents (inline fragments on object types).
docs["exclusive_parents"] = fill("{ node(id: 1) { ", lambda i: f"... on {['User','Doctor','Patient','Appointment'][i % 4]} {{ x: id y{i}: id }} ", "} }\n", sels=(1, 3))
# Fragments: a chain F0 → F1 → … (no cycle), each adding a field, spread from 50 places.
def chain(n):
    s = "{ " + "".join(f"a{i}: me {{ ...F0 }} " for i in range(50)) + "}\n"
    s += "".join(f"fragment F{i} on User {{ id f{i}: fullName doctor {{ user {{ ...F{i+1} }} }} }}\n" for i in range(n))
    return s + f"fragment F{n} on User {{ id }}\n"
docs["fragment_chain"] = chain((MAX_SELECTIONS - 101) // 5)
# Many fragments, each spread in many selection sets that share a response name.
def many_spreads(frags, sets):
    s = "{ " + "".join("me { " + "".join(f"...F{f} " for f in range(frags)) + "} " for _ in range(sets)) + "}\n"
    return s + "".join(f"fragment F{f} on User {{ id x{f}: fullName }}\n" for f in range(frags))
docs["many_fragments_many_spreads"] = many_spreads(42, 42)
# A fragment DAG with exponentially many paths (each level spreads the next twice, under two aliases).
def dag(n):
    s = "{ me { ...D0 } }\n"
    s += "".join(f"fragment D{i} on User {{ id a: doctor {{ user {{ ...D{i+1} }} }} b: doctor {{ user {{ ...D{i+1} }} }} }}\n" for i in range(n))
    return s + f"fragment D{n} on User {{ id }}\n"
docs["fragment_dag"] = dag(40)
# Directives: many on one field, many fields with one.
docs["directives_one_field"] = fill("{ me { id ", lambda i: "@include(if: true) ", "} }\n", sels=(2, 1))
docs["directives_many_fields"] = fill("{ me { ", lambda i: "id @skip(if: false) ", "} }\n", sels=(1, 2))
# Long lists in arguments: two aliases of one field with equal huge list arguments (compared, printed).
lst = fill("[", lambda i: "CONFIRMED, ", "]", limit=MIB // 2 - 200, max_tokens=MAX_TOKENS // 2 - 30)
docs["long_list_argument"] = "{ " + "".join(f"a: appointments(filter: {{status: {lst}}}) {{ totalCount }} " for _ in range(2)) + "}\n"
# A 1 MiB string argument, under two equal aliases.
big = "x" * (MIB // 2 - 100)
docs["long_string_argument"] = "{ " + "".join(f'a: node(id: "{big}") {{ id }} ' for _ in range(2)) + "}\n"
# Variables: a thousand definitions, each used.
def variables(n):
    return "query(" + "".join(f"$v{i}: ID! " for i in range(n)) + ") { " + "".join(f"a{i}: node(id: $v{i}) {{ id }} " for i in range(n)) + "}\n"
docs["variables"] = variables(880)
# Deep nesting (inline fragments, fields; the parser's depth limit is 256).
docs["deep_nesting"] = "{ " + "... on Query { " * 250 + "__typename " + "} " * 250 + "}\n"
docs["deep_fields"] = "{ me { " + "doctor { user { " * 120 + "id " + "} } " * 120 + "} }\n"
# Introspection aliases.
docs["introspection_aliases"] = fill("{ ", lambda i: f"s{i}: __schema {{ types {{ name fields {{ name }} }} }} ", "}\n", sels=(0, 5))
# A trailing comment (defeats a document cache keyed by text) on a 1 MiB body.
docs["comment_padding"] = "{ me { id } }\n#" + "x" * (MIB - 20) + "\n"

for name, text in docs.items():
    assert len(text.encode()) <= MIB, (name, len(text))
    open(os.path.join(out, f"adv_{name}.graphql"), "w").write(text)
    if os.environ.get("ADV_VERBOSE"): print(f"adv_{name}: {len(text.encode())} bytes, ~{tokens(text)} tokens")
print(" ".join(f"docs/adv_{n}.graphql" for n in docs))
