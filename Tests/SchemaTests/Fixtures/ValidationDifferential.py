#!/usr/bin/env python3
"""Differential oracle for Schema validation.

Generates a deterministic corpus of executable documents (valid and invalid)
against the fixture schemas and validates each with graphql-core 3.2's
`validate` (specified rules). Prints one JSON object per line:
  {"schema": NAME, "doc": TEXT, "errors": [{"message": M, "locations": [[l, c], ...]}] }
or "syntax": MESSAGE when graphql-core cannot parse the document.

Usage: ValidationDifferential.py [COUNT_PER_SCHEMA] [--docs-only]   (default 600)
With --docs-only it prints only {"schema", "doc"} (the corpus, generated with
graphql-core's schema model) for ValidationOracle.js (graphql-js) to validate.
Exits 2 when graphql-core is missing (the Swift test then fails).
"""
import json, os, random, sys

try:
    from graphql import (build_schema, parse, validate, GraphQLError, GraphQLObjectType, GraphQLInterfaceType,
                         GraphQLUnionType, GraphQLEnumType, GraphQLInputObjectType, GraphQLScalarType,
                         GraphQLNonNull, GraphQLList, get_named_type, is_leaf_type, Undefined)
    from graphql.validation import specified_rules
except ImportError:
    print("graphql-core is not installed (pip install graphql-core==3.2.*)", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = {
    "clinic": "ValidationClinicSchema.graphql",
    "test": "ValidationTestSchema.graphql",
}


def typo(name, rnd):
    if len(name) < 3:
        return name + "x"
    i = rnd.randrange(len(name) - 1)
    k = rnd.randrange(4)
    if k == 0:
        return name[:i] + name[i + 1:]
    if k == 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if k == 2:
        return name[:i] + "z" + name[i:]
    return name.upper() if name != name.upper() else name.lower()


class Gen:
    def __init__(self, schema, rnd, err, amplify=0):
        self.amplify = amplify  # how many selection sets may still repeat a field
        self.s = schema
        self.r = rnd
        self.err = err  # probability of each deliberate mistake
        self.vars = []  # (name, type string, default or None)
        self.fragments = []  # (name, type name, body)
        self.frag_count = 0
        self.var_count = 0
        self.args_memo = {}

    def p(self, x=1.0):
        return self.r.random() < self.err * x

    # ---- values
    def type_str(self, t):
        return str(t)

    def value(self, t, depth=0, allow_var=True, unwrapped=False):
        r = self.r
        if allow_var and not unwrapped and r.random() < 0.15:
            return self.variable_for(t)
        if self.p(0.5):
            return self.bad_value(t)
        if isinstance(t, GraphQLNonNull):
            return self.value(t.of_type, depth, allow_var, True)
        if not unwrapped and r.random() < 0.05:
            return "null"
        if isinstance(t, GraphQLList):
            if r.random() < 0.3:
                return self.value(t.of_type, depth + 1, allow_var)  # single value for a list
            n = r.randrange(0, 3)
            return "[" + ", ".join(self.value(t.of_type, depth + 1, allow_var) for _ in range(n)) + "]"
        if isinstance(t, GraphQLEnumType):
            return r.choice(list(t.values))
        if isinstance(t, GraphQLInputObjectType):
            parts = []
            for name, f in t.fields.items():
                required = isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
                if required and self.p(0.5):
                    continue
                if required or (depth < 2 and r.random() < 0.4):
                    parts.append(f"{name}: {self.value(f.type, depth + 1, allow_var)}")
            if self.p(0.3):
                parts.append(f"{typo(r.choice(list(t.fields)), r)}: 1")
            if parts and self.p(0.2):
                parts.append(parts[0])
            return "{" + ", ".join(parts) + "}"
        n = t.name
        if n == "Int":
            return str(r.randrange(-100, 100))
        if n == "Float":
            return r.choice(["1.5", "-0.25", "3", "1e3"])
        if n == "String":
            return r.choice(['"a"', '"hello world"', '""', '"""block"""', '"esc\\n\\"q\\""'])
        if n == "Boolean":
            return r.choice(["true", "false"])
        if n == "ID":
            return r.choice(['"1"', "42", '"VXNlcjox"'])
        return r.choice(['"2026-12-01"', '"09:30"', "12", '{a: 1, b: [true]}', '"45.00"'])

    def bad_value(self, t):
        r = self.r
        named = get_named_type(t)
        choices = ['"str"', "12", "1.5", "true", "null", "SOME_ENUM", "[1, 2]", "{x: 1}", "99999999999"]
        if isinstance(named, GraphQLEnumType):
            v = r.choice(list(named.values))
            choices += [typo(v, r), f'"{v}"']
        return r.choice(choices)

    def variable_for(self, t):
        r = self.r
        if self.p(0.4):
            return "$undefined" + str(r.randrange(3))
        self.var_count += 1
        name = f"v{self.var_count}"
        ts = str(t)
        k = r.random()
        if self.p(0.6):
            ts = r.choice(["Int", "String!", "[String]", "Boolean", "ID!", "FurColor", "Dog", "Unknown", ts.rstrip("!")])
        elif k < 0.3 and not ts.endswith("!"):
            ts = ts + "!"
        default = None
        if r.random() < 0.15 and "!" not in ts:
            default = self.value(t, 1, allow_var=False)
        self.vars.append((name, ts, default))
        return "$" + name

    # ---- selections
    def args(self, field):
        key = id(field)
        if key in self.args_memo and not self.p(0.5) and self.r.random() < 0.9:
            return self.args_memo[key]
        text = self.args_fresh(field)
        self.args_memo.setdefault(key, text)
        return text

    def args_fresh(self, field):
        r = self.r
        parts = []
        for name, a in field.args.items():
            required = isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
            if required and self.p(0.4):
                continue
            if required or r.random() < 0.4:
                parts.append(f"{name}: {self.value(a.type)}")
        if self.p(0.2):
            parts.append(f"{typo(r.choice(list(field.args)) if field.args else 'arg', r)}: 1")
        if parts and self.p(0.15):
            parts.append(parts[0])
        return "(" + ", ".join(parts) + ")" if parts else ""

    def directives(self, location):
        r = self.r
        out = []
        if r.random() < 0.12 and location in ("FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"):
            k = r.randrange(3)
            if k == 2:
                out.append(f"@include(if: {self.variable_for(GraphQLNonNull(self.s.type_map['Boolean']))})")
            else:
                out.append(["@include(if: true)", "@skip(if: false)"][k])
        if self.p(0.15):
            out.append(r.choice(["@unknownDirective", "@include", "@skip(if: 1)", "@deprecated", "@include(if: true, unless: false)"]))
        if self.s.get_directive("tag"):
            if r.random() < 0.1 and location in ("FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "QUERY"):
                out.append('@tag(name: "a") @tag(name: "b")')
            if self.p(0.1):
                out.append(r.choice(["@onField", "@onQuery", "@onInlineFragment", "@onFragmentSpread", "@cost(weight: 2)", "@onField @onField"]))
        if out and self.p(0.1):
            out.append(out[0])
        return (" " + " ".join(out)) if out else ""

    def possible(self, t):
        if isinstance(t, GraphQLObjectType):
            return [t]
        return list(self.s.get_possible_types(t))

    def selection_set(self, t, depth):
        r = self.r
        sels = []
        fields = t.fields if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType)) else {}
        names = list(fields)
        n = r.randrange(1, 4)
        picked = r.sample(names, min(len(names), n)) if names else []
        for i in range(n):
            if i < len(picked) and r.random() < 0.8:
                sels.append(self.field(t, fields, picked[i], depth))
            elif r.random() < 0.5:
                sels.append("__typename" + self.directives("FIELD"))
            else:
                sels.append(self.fragment_selection(t, depth))
        if not names:
            sels.append(self.fragment_selection(t, depth))
        if self.p(0.2):
            bad = typo(r.choice(names), r) if names and r.random() < 0.7 else "nonExistent"
            sels.append(bad)
        if self.p(0.2) and len(names) >= 2:
            a, b = r.sample(names, 2)
            sels.append(f"{a}: {b}{self.args(fields[b])}" + ("" if is_leaf_type(get_named_type(fields[b].type)) else " { __typename }"))
        if self.p(0.1) and names:
            # same response key, different arguments
            nm = r.choice(names)
            f = fields[nm]
            sub = "" if is_leaf_type(get_named_type(f.type)) else " { __typename }"
            sels.append(f"{nm}{self.args(f)}{sub}")
            sels.append(f"{nm}{self.args(f)}{sub}")
        if self.amplify > 0 and names and r.random() < 0.5:
            self.amplify -= 1
            # One field written a few ways, repeated many times: the shape
            # classes of OverlappingFieldsCanBeMerged (identical copies,
            # copies differing in arguments, alias or selection).
            nm = r.choice(names)
            variants = [self.field(t, fields, nm, depth + 1) for _ in range(r.randrange(1, 4))]
            sels += [r.choice(variants) for _ in range(r.randrange(5, 25))]
            r.shuffle(sels)
        return "{ " + " ".join(sels) + " }"

    def field(self, parent, fields, name, depth):
        r = self.r
        f = fields[name]
        alias = ""
        if r.random() < 0.15:
            alias = r.choice(["a", "b", "x", name + "Alias"]) + ": "
        text = alias + name + self.args(f) + self.directives("FIELD")
        nt = get_named_type(f.type)
        if is_leaf_type(nt):
            if self.p(0.1):
                text += " { x }"
        else:
            if self.p(0.1) or depth > 3:
                if depth <= 3 or self.p(0.5):
                    return text
                return text + " { __typename }"
            text += " " + self.selection_set(nt, depth + 1)
        return text

    def fragment_selection(self, t, depth):
        r = self.r
        all_composite = [x for x in self.s.type_map.values()
                         if isinstance(x, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)) and not x.name.startswith("__")]
        if not self.p(0.5):
            cond = r.choice(self.possible(t) + [t])
        else:
            cond = r.choice(all_composite)
        if r.random() < 0.5:
            # inline fragment
            if r.random() < 0.2:
                return "..." + self.directives("INLINE_FRAGMENT") + " " + self.selection_set(t, depth + 1)
            tc = cond.name
            if self.p(0.1):
                tc = r.choice(["String", "FurColor", "Nope", "ComplexInput", "Int"])
            return f"... on {tc}" + self.directives("INLINE_FRAGMENT") + " " + self.selection_set(cond, depth + 1)
        # named fragment, defined later (or reused / unknown / cyclic)
        reusable = [f for f in self.fragments if f[1] == cond.name]
        if reusable and r.random() < 0.5:
            name = r.choice(reusable)[0]
        elif self.fragments and self.p(0.3):
            name = r.choice(self.fragments)[0]
        elif self.p(0.1):
            name = "UnknownFrag"
        else:
            self.frag_count += 1
            name = f"F{self.frag_count}"
            entry = [name, cond.name, None]
            self.fragments.append(entry)
            entry[2] = self.selection_set(cond, depth + 1)
            if self.p(0.05) and len(self.fragments) >= 1:
                # make a cycle back to this fragment from inside itself
                entry[2] = entry[2][:-1] + f"...{name} }}"
        return "..." + name + self.directives("FRAGMENT_SPREAD")

    def operation(self):
        r = self.r
        s = self.s
        kinds = ["query"] * 6
        if s.mutation_type:
            kinds += ["mutation"] * 2
        if s.subscription_type:
            kinds += ["subscription"]
        kind = r.choice(kinds)
        root = {"query": s.query_type, "mutation": s.mutation_type, "subscription": s.subscription_type}[kind]
        self.vars = []
        if kind == "subscription" and r.random() < 0.6:
            # mostly a single root field
            f = r.choice(list(root.fields))
            body = "{ " + self.field(root, root.fields, f, 0) + " }"
        else:
            body = self.selection_set(root, 0)
        if self.p(0.2):
            self.var_count += 1
            self.vars.append((f"unused{self.var_count}", r.choice(["Int", "String"]), None))
        if self.p(0.1) and self.vars:
            self.vars.append(self.vars[0])
        vdefs = ""
        if self.vars:
            parts = []
            for name, ts, default in self.vars:
                d = f" = {default}" if default is not None else ""
                parts.append(f"${name}: {ts}{d}")
            vdefs = "(" + ", ".join(parts) + ")"
        return kind, vdefs, body

    def document(self):
        r = self.r
        ops = []
        nops = 1 if r.random() < 0.85 else r.randrange(2, 4)
        names = ["Q", "Op", "Main", "Q"]
        for i in range(nops):
            kind, vdefs, body = self.operation()
            name = ""
            if nops > 1 or r.random() < 0.6 or vdefs or kind != "query":
                name = names[i] + str(r.randrange(2)) if not self.p(0.3) or nops == 1 else ("" if r.random() < 0.5 else names[0])
            if kind == "query" and not name and not vdefs and r.random() < 0.5 and not self.p(0.2):
                ops.append(body)
            else:
                ops.append(f"{kind} {name}{vdefs}{self.directives(kind.upper())} {body}".replace("  ", " "))
        frags = []
        for name, tc, body in self.fragments:
            frags.append(f"fragment {name} on {tc}{self.directives('FRAGMENT_DEFINITION')} {body}")
        if self.p(0.1) and self.fragments:
            name, tc, body = self.fragments[0]
            frags.append(f"fragment {name} on {tc} {{ __typename }}")
        if self.p(0.08):
            frags.append("fragment Unused on " + r.choice(list(self.s.query_type.fields) and [self.s.query_type.name]) + " { __typename }")
        parts = ops + frags
        if self.p(0.03):
            parts.append("type Extra { a: String }")
        r.shuffle(parts) if r.random() < 0.2 else None
        # multi-line layout so that locations span several lines
        return "\n".join(parts)


def errors_json(errors):
    # Locations come from each node's start token: graphql-core 3.2's
    # `get_location` misplaces a position at column 1 of a later line (it
    # reports the end of the previous line), graphql-js does not.
    out = []
    for e in errors:
        if e.nodes:
            locs = [[n.loc.start_token.line, n.loc.start_token.column] for n in e.nodes if n.loc]
        else:
            locs = [[l.line, l.column] for l in (e.locations or [])]
        out.append({"message": e.message, "locations": locs})
    return out


HANDWRITTEN = {
    "test": [
        "{ dog { name } }",
        "query Foo { dog { name } } query Foo { dog { name } }",
        "{ dog { name } } query Named { dog { name } }",
        "subscription S { dogBarked { name } catMeowed { name } }",
        "subscription { __typename }",
        "{ dog { ...on Dog { name } ...on Cat { meows } } }",
        "fragment F on Dog { ...G } fragment G on Dog { ...F } { dog { ...F } }",
        "{ dog { name: nickname name } }",
        "{ dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) } }",
        "{ catOrDog { ... on Dog { barkVolume: name } ... on Cat { barkVolume: meows } } }",
        "{ complicatedArgs { complexArgField(complexArg: {requiredField: true, nested: {color: PURPLE, deep: {intField: 1}}}) } }",
        "query ($a: Int) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $a) } }",
        "query ($a: Int = 3) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $a) } }",
        "query ($a: [String]) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: $a) } }",
        "query ($a: String) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [$a]) } }",
        "{ human { pets { ... on Dog { name } ... on Cat { name } } relatives { name } } }",
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        "{ __type(name: \"Dog\") { name } __typename }",
        "{ dog @tag(name: \"a\") @tag(name: \"b\") @onField @onField { name } }",
        "query Q @onQuery @onMutation { dog { name } }",
        "{ dog { isHouseTrained(atOtherHomes: null) } }",
        "{ complicatedArgs { multipleReqs(req1: 1) } }",
        "{ complicatedArgs { intArgField(intArg: 2147483648) floatArgField(floatArg: \"x\") idArgField(idArg: 1.5) } }",
        "{ dog { name } } fragment Unused on Dog { name } type T { a: Int }",
        "{ pet { ... on Intelligent { iq } } }",
        "{ catOrDog { ... on HumanOrAlien { __typename } } }",
        "{ dogOrHuman { ... on Being { name } ... on Canine { mother { name } } } }",
        "mutation { renameDog(id: 1, name: \"Rex\") { name } configure(input: {requiredField: true}) }",
        "{ search(text: \"a\") { name ... on Human { iq } ... on Alien { iq: numEyes } } }",
        # Type-system definitions in an executable document: besides "not
        # executable", graphql-js's other rules report what they find in them.
        """{ dog { name } }
type Extra implements Unknwn & Being @onObject @nope @onField { a(x: Strin = 1 @onArgumentDefinition @onField): Dgo @deprecated(reason: 1) @deprecated b: String @include }""",
        """{ dog { name } } schema @onSchema @onQuery { query: QueryRoot mutation: Nope }""",
        """{ dog { name } } extend schema @onSchema @onSchema""",
        """{ dog { name } } directive @myDir(a: Int!, b: Unknown @onArgumentDefinition) repeatable on FIELD | QUERY""",
        """directive @myDir(a: Int!) on FIELD
{ dog @myDir @myDir { name @myDir(a: 1, b: 2) } }""",
        """directive @skip(a: Int) on QUERY
query Q @skip { dog @skip(if: true) { name } }""",
        """{ dog { name } }
union U @onUnion @onObject = Dog | Nope
enum E @onEnum { A @onEnumValue @onEnum B @deprecated(reason: "x", reason: "y") }
input I @onInputObject { a: Int = {x: 1, x: 2} @onInputFieldDefinition @onArgumentDefinition b: [Strng] }
scalar S @onScalar @onScalar
extend type Dog @onObject @onObject
type Dog @onObject
interface X implements Y @onInterface { a: Q }""",
        """type T { a: Int }
{ dog { ... on T { __typename } } }""",
        """{ dog { name } } extend type Extra { a: Int } extend scalar Foo @onScalar extend input In { a: Unknwn }""",
        "directive @onFrag on FRAGMENT_SPREAD | INLINE_FRAGMENT\n{ dog { ...F @onFrag ... @onFrag @onFrag { name } } } fragment F on Dog @onFrag { name }",
        "schema { query: QueryRoot } extend schema @onSchema\ndirective @onSchema on SCHEMA\n{ __typename }",
    ],
    "clinic": [
        "{ me { id } }",
        "{ node(id: \"1\") { id ... on User { email } } }",
        "query ($first: Int) { doctors(first: $first) { edges { cursor node { id } } pageInfo { hasNextPage } } }",
        "{ me { id } }\ntype Extra @auth(requires: [ADMN]) @auth(requires: []) { a(x: Dat = \"x\" @auth): DateTim @deprecated(reason: \"r\") @specifiedBy(url: \"u\") }",
        "{ me { id } }\nextend type User @auth(requires: ADMIN) { extra: Strng } extend type User @auth(requires: SELF)\nextend enum Role { NEW @deprecated(reason: 1) }",
    ],
}


def main():
    args = [a for a in sys.argv[1:] if a != "--docs-only"]
    docs_only = "--docs-only" in sys.argv[1:]
    count = int(args[0]) if args else 600
    rules = [r for r in specified_rules]
    out = sys.stdout
    for sname, fname in SCHEMAS.items():
        schema = build_schema(open(os.path.join(HERE, fname), encoding="utf-8").read())
        rnd = random.Random("graphql-differential-" + sname)
        docs = list(HANDWRITTEN.get(sname, []))
        while len(docs) < count:
            err = rnd.choice([0.0, 0.0, 0.0, 0.03, 0.08, 0.2])
            docs.append(Gen(schema, rnd, err).document())
        # Documents repeating fields many times (a separate stream, so the
        # corpus above stays as it was).
        amp = random.Random("graphql-differential-amplified-" + sname)
        for _ in range(max(1, count // 6)):
            docs.append(Gen(schema, amp, amp.choice([0.0, 0.0, 0.05, 0.2]), amplify=2).document())
        for doc in docs:
            rec = {"schema": sname, "doc": doc}
            if docs_only:
                out.write(json.dumps(rec) + "\n")
                continue
            try:
                ast = parse(doc)
            except GraphQLError as e:
                rec["syntax"] = e.message
            else:
                try:
                    rec["errors"] = errors_json(validate(schema, ast, rules))
                except GraphQLError:
                    # graphql-core's SingleFieldSubscriptions evaluates @include($var)
                    # without variable values and raises: not comparable.
                    continue
            out.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
