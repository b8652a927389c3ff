#!/usr/bin/env python3
"""The differential-test corpus: hand-written documents (valid and invalid)
plus documents generated deterministically (seeded) from a small grammar,
truncations and byte mutations of them. `documents()` returns the list;
running this file prints the count."""
import random

KITCHEN_SINK_QUERY = r'''
query queryName($foo: ComplexType, $site: Site = MOBILE) @onQuery {
  whoever123is: node(id: [123, 456]) {
    id ,
    ... on User @onInlineFragment {
      field2 {
        id ,
        alias: field1(first:10, after:$foo,) @include(if: $foo) {
          id,
          ...frag @onFragmentSpread
        }
      }
    }
    ... @skip(unless: $foo) {
      id
    }
    ... {
      id
    }
  }
}

mutation likeStory @onMutation {
  like(story: 123) @onField {
    story {
      id @onField
    }
  }
}

subscription StoryLikeSubscription(
  $input: StoryLikeSubscribeInput @onVariableDefinition
)
  @onSubscription {
  storyLikeSubscribe(input: $input) {
    story {
      likers {
        count
      }
      likeSentence {
        text
      }
    }
  }
}

fragment frag on Friend @onFragmentDefinition {
  foo(size: $size, bar: $b, obj: {key: "value", block: """
      block string uses \"""
  """})
}

{
  unnamed(truthy: true, falsy: false, nullish: null),
  query
}

query { __typename }
'''

KITCHEN_SINK_SDL = r'''
"""This is a description of the schema as a whole."""
schema {
  query: QueryType
  mutation: MutationType
}

"""
This is a description
of the `Foo` type.
"""
type Foo implements Bar & Baz & Two {
  "Description of the `one` field."
  one: Type
  """This is a description of the `two` field."""
  two(
    """This is a description of the `argument` argument."""
    argument: InputType!
  ): Type
  """This is a description of the `three` field."""
  three(argument: InputType, other: String): Int
  four(argument: String = "string"): String
  five(argument: [String] = ["string", "string"]): String
  six(argument: InputType = {key: "value"}): Type
  seven(argument: Int = null): Type
}

type AnnotatedObject @onObject(arg: "value") {
  annotatedField(arg: Type = "default" @onArgumentDefinition): Type @onField
}

type UndefinedType

extend type Foo {
  seven(argument: [String]): Type
}

extend type Foo @onType

interface Bar {
  one: Type
  four(argument: String = "string"): String
}

interface AnnotatedInterface @onInterface {
  annotatedField(arg: Type @onArgumentDefinition): Type @onField
}

interface UndefinedInterface

extend interface Bar implements Two {
  two(argument: InputType!): Type
}

extend interface Bar @onInterface

interface Baz implements Bar & Two {
  one: Type
  two(argument: InputType!): Type
  four(argument: String = "string"): String
}

union Feed =
  | Story
  | Article
  | Advert

union AnnotatedUnion @onUnion = A | B

union AnnotatedUnionTwo @onUnion = | A | B

union UndefinedUnion

extend union Feed = Photo | Video

extend union Feed @onUnion

scalar CustomScalar

scalar AnnotatedScalar @onScalar

extend scalar CustomScalar @onScalar

enum Site {
  """This is a description of the `DESKTOP` value"""
  DESKTOP

  """This is a description of the `MOBILE` value"""
  MOBILE

  "This is a description of the `WEB` value"
  WEB
}

enum AnnotatedEnum @onEnum {
  ANNOTATED_VALUE @onEnumValue
  OTHER_VALUE
}

enum UndefinedEnum

extend enum Site {
  VR
}

extend enum Site @onEnum

input InputType {
  key: String!
  answer: Int = 42
}

input AnnotatedInput @onInputObject {
  annotatedField: Type @onInputFieldDefinition
}

input UndefinedInput

extend input InputType {
  other: Float = 1.23e4 @onInputFieldDefinition
}

extend input InputType @onInputObject

"""This is a description of the `@skip` directive"""
directive @skip(
  """This is a description of the `if` argument"""
  if: Boolean! @onArgumentDefinition
) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

directive @include(if: Boolean!)
  on FIELD
   | FRAGMENT_SPREAD
   | INLINE_FRAGMENT

directive @include2(if: Boolean!) on
  | FIELD
  | FRAGMENT_SPREAD
  | INLINE_FRAGMENT

directive @myRepeatableDir(name: String!) repeatable on
  | OBJECT
  | INTERFACE

extend schema @onSchema

extend schema @onSchema {
  subscription: SubscriptionType
}
'''

HAND = [
    KITCHEN_SINK_QUERY,
    KITCHEN_SINK_SDL,
    # --- valid executable documents ---
    "{ a }",
    "{a b c}",
    "query { a }",
    "query Q { a }",
    "query Q($a: Int) { a }",
    "query ($a: Int, $b: [String!]! = [\"x\"]) { a(a: $a, b: $b) }",
    "query Q($a: Int = 1 @dir, $b: Boolean = false @d1 @d2(x: 1)) @q { a }",
    "mutation M { doIt(input: {a: 1, b: [1, 2, {c: $x}]}) { ok } }",
    "subscription S { events { id } }",
    "mutation { a }",
    "subscription { a }",
    "query @dir { a }",
    "{ a: b c: d(e: f) }",
    "{ a(x: 1.5, y: -2, z: 0, w: -0, v: 1e10, u: 1E-3, t: 0.0e+0, s: -1.25e-7) }",
    "{ a(x: \"str\", y: \"\\n\\t\\\\\\\"\\/\\b\\f\\r\", z: \"\\u00e9\\u{1F600}\\uD83D\\uDE00\") }",
    "{ a(x: \"\"\"block\"\"\") }",
    "{ a(x: \"\"\"\n   indented\n     more\n   back\n\"\"\") }",
    "{ a(x: \"\"\"  leading space\"\"\") }",
    "{ a(x: \"\"\"with \\\"\"\" escaped\"\"\") }",
    "{ a(x: \"\"\"ends with quote\"\"\"\"\") }",
    "{ a(x: \"\"\"\"\"\") }",
    "{ a(x: \"\") }",
    "{ a(x: []) b(y: {}) }",
    "{ a(x: [[1], [2, [3]]]) }",
    "{ a(x: ENUM_VALUE, y: true, z: false, w: null) }",
    "{ a @skip(if: true) @include(if: false) }",
    "{ ...F }",
    "{ ...F @d }",
    "{ ... on T { a } }",
    "{ ... @d { a } }",
    "{ ... { a } }",
    "{ ... on T @d(x: 1) { a } }",
    "fragment F on T { a }",
    "fragment F on T @d { a ...G }",
    "{ on }",
    "{ ...on }",
    "{ a(on: on) }",
    "query query { query }",
    "{ fragment }",
    "{ a(x: $var) }",
    "{ a(x: [$v, $w]) }",
    "{ a(x: {k: $v}) }",
    "# only a comment\n{ a }",
    "{ a # comment\n b }",
    "\ufeff{ a }",
    "{ a,,,b,,, }",
    "{\r\n  a\r\n  b\r}",
    "{ a(x: \"caf\u00e9\") b }",
    "{ a(x: \"\U0001F600 emoji\") }",
    "{ aVeryLongFieldName(argumentNumberOne: 123456, argumentNumberTwo: \"a fairly long string\", three: true) }",
    "{ f(a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11, l: 12, m: 13, n: 14) { x } }",
    "{ alias: f(a: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", b: {c: 1}) @d }",
    "{ f(a: \"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\") }",
    "{ a(x: \"\\u0000\\u001f\\u007f\\u0080\\u009f\\u00a0\") }",
    "{ a(x: \"\"\"\n\n  two blank\n\n\"\"\") }",
    "{ a(x: \"\"\"   \n   \"\"\") }",
    "{ a(x: \"\"\"line1\r\nline2\rline3\"\"\") }",
    "{ a(x: \"\"\"a\\b\"\"\") }",
    "{ a(x: \"\"\"ends with backslash\\\"\"\") }",
    "{ a(x: \"\"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\"\") }",
    "{ a(x: \"\"\"first\n  second\n  third\"\"\") }",
    "{ a(x: \"\"\"  first\n  second\"\"\") }",
    "{ a(x: \"\"\"\tTab\"\"\") }",
    "query Q($v: [[Int!]!] = [[1]]) { a }",
    "{ a { b { c { d { e } } } } }",
    "query A { a } query B { b } fragment C on D { c }",
    "{ a(input: {nested: {deeper: {deepest: [1, 2, 3]}}}) }",
    "{ __typename __schema { types { name } } }",
    # --- valid SDL ---
    "type Query { a: String }",
    "type Query",
    "type Q implements A { a: Int }",
    "type Q implements & A & B { a: Int }",
    "type Q implements A & B & C @d { a: Int }",
    "interface I implements J & K { a: Int }",
    "interface I { a(x: Int = 1, y: [String] = [\"a\"]): Int @deprecated(reason: \"no\") }",
    "union U = A | B",
    "union U = | A",
    "union U @d = A",
    "union U",
    "enum E { A B C }",
    "enum E { A @deprecated B }",
    "enum E",
    "input I { a: Int = 1, b: String! @d }",
    "input I",
    "scalar S",
    "scalar S @specifiedBy(url: \"https://example.com\")",
    "schema { query: Q mutation: M subscription: S }",
    "schema @d { query: Q }",
    "\"desc\" schema { query: Q }",
    "directive @d on FIELD",
    "directive @d(a: Int, b: String = \"x\") repeatable on FIELD | QUERY | MUTATION | SUBSCRIPTION | FRAGMENT_DEFINITION | FRAGMENT_SPREAD | INLINE_FRAGMENT | VARIABLE_DEFINITION",
    "directive @d on | SCHEMA | SCALAR | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
    "\"\"\"Directive description\"\"\" directive @d(\"arg desc\" a: Int) on FIELD",
    "extend schema @d",
    "extend schema { query: Q }",
    "extend scalar S @d",
    "extend type T implements I",
    "extend type T @d",
    "extend type T { a: Int }",
    "extend interface I implements J",
    "extend interface I @d",
    "extend interface I { a: Int }",
    "extend union U = A",
    "extend union U @d",
    "extend enum E { X }",
    "extend enum E @d",
    "extend input I { a: Int }",
    "extend input I @d",
    "\"single line\" type T { \"f desc\" f: Int }",
    "\"\"\"\n  Multi\n  line\n\"\"\"\ntype T { a: Int }",
    "type T { f(\"arg\" a: Int): Int }",
    "type T { f(\"\"\"block arg\"\"\" a: Int, b: Int): Int }",
    "type T { f(a: Int @d, b: Int = 2 @e(x: [1])): Int }",
    "type T { f(a: Input = {a: 1, b: [true, null, ENUM]}): Int }",
    "enum E { \"d\" A \"\"\"e\"\"\" B }",
    "input I { \"d\" a: Int }",
    "type Query { a: String } extend type Query { b: Int } { a }",
    "type T { field(arg: String = \"\"\"block default\"\"\"): Int }",
    # --- invalid documents ---
    "",
    "   ",
    "# just a comment",
    "{",
    "}",
    "{}",
    "{ a",
    "{ a }}",
    "{ a(}",
    "{ a() }",
    "{ a(x) }",
    "{ a(x:) }",
    "{ a(x: 1 }",
    "{ a: }",
    "{ a: 1 }",
    "{ ... }",
    "{ ... on }",
    "{ ... on T }",
    "{ ...F on }",
    "fragment on on T { a }",
    "fragment F { a }",
    "fragment F on { a }",
    "fragment \"on\" on T { a }",
    "query",
    "query Q",
    "query Q(",
    "query Q() { a }",
    "query Q($a) { a }",
    "query Q($a:) { a }",
    "query Q(a: Int) { a }",
    "query Q($a: Int = $b) { a }",
    "query Q($a: Int = [$b]) { a }",
    "query Q($a: Int = {x: $b}) { a }",
    "query Q($a: Int = $) { a }",
    "query Q($a: Int @d(x: $y)) { a }",
    "query Q($a: [Int) { a }",
    "query Q($a: Int!!) { a }",
    "Query { a }",
    "foo",
    "notAnOperation Foo { field }",
    "...",
    "{ a(x: 01) }",
    "{ a(x: 00) }",
    "{ a(x: -01) }",
    "{ a(x: 1.) }",
    "{ a(x: .5) }",
    "{ a(x: 1.e1) }",
    "{ a(x: 1e) }",
    "{ a(x: 1e+) }",
    "{ a(x: 1.5e) }",
    "{ a(x: 1a) }",
    "{ a(x: 1.5b) }",
    "{ a(x: 1_000) }",
    "{ a(x: 1.2.3) }",
    "{ a(x: 0x10) }",
    "{ a(x: -) }",
    "{ a(x: -a) }",
    "{ a(x: +1) }",
    "{ a(x: 123abc) }",
    "{ a(x: 1e5e5) }",
    "{ a(x: \"unterminated) }",
    "{ a(x: \"unterminated",
    "{ a(x: \"line\nbreak\") }",
    "{ a(x: \"line\rbreak\") }",
    "{ a(x: \"bad \\x escape\") }",
    "{ a(x: \"bad \\u12G4 escape\") }",
    "{ a(x: \"bad \\u{} escape\") }",
    "{ a(x: \"bad \\u{110000} escape\") }",
    "{ a(x: \"bad \\u{D800} escape\") }",
    "{ a(x: \"bad \\u{12G} escape\") }",
    "{ a(x: \"bad \\u{0000000041} escape\") }",
    "{ a(x: \"bad \\u{caf\u00e9} escape\") }",
    "{ a(x: \"lone \\uD800 surrogate\") }",
    "{ a(x: \"lone \\uDC00 trailing\") }",
    "{ a(x: \"bad pair \\uD83D\\u0041\") }",
    "{ a(x: \"bad pair \\uD83D\\uZZZZ\") }",
    "{ a(x: \"\\\u00e9\") }",
    "{ a(x: \"\"\"unterminated block) }",
    "{ a(x: \"\"\"unterminated\nblock\n",
    "{ a(x: 'single') }",
    "{ a(x: ?) }",
    "{ a ? }",
    "{ a \u00e9 }",
    "{ caf\u00e9 }",
    "{ a \U0001F600 }",
    "{ a(x: \"\u00e9\") \u00e9 }",
    "{ a(x: \"\U0001F600\") ? }",
    "{ a(x: \"\"\"\u00e9\n\u00e9\"\"\") ? }",
    "# caf\u00e9\n  ?",
    "\ufeff\ufeff ?",
    "{ a .b }",
    "{ a ..b }",
    "{ a \\ }",
    "{ a \x00 }",
    "{ a \x07 }",
    "{ a \x7f }",
    "{ a(x: [1, 2) }",
    "{ a(x: {b}) }",
    "{ a(x: {b: }) }",
    "{ a(x: {1: 2}) }",
    "{ a(x: ) }",
    "{ a @ }",
    "{ a @d( }",
    "{ a @d() }",
    "{ a(x: 1)(y: 2) }",
    "type",
    "type T {}",
    "type T { a }",
    "type T { a: }",
    "type T { a(): Int }",
    "type T { a(x): Int }",
    "type T { a(x: Int = $v): Int }",
    "type T implements { a: Int }",
    "type T implements A B { a: Int }",
    "type T implements A & { a: Int }",
    "type T @d(x: $v) { a: Int }",
    "interface I {}",
    "union U =",
    "union U = |",
    "union U = A |",
    "union U = A | | B",
    "enum E {}",
    "enum E { true }",
    "enum E { false }",
    "enum E { null }",
    "enum E { \"true\" }",
    "enum E { 1 }",
    "input I {}",
    "input I { a }",
    "input I { a(x: Int): Int }",
    "scalar",
    "scalar S {}",
    "schema",
    "schema {}",
    "schema { query }",
    "schema { query: }",
    "schema { foo: Bar }",
    "schema { query: [Q] }",
    "directive",
    "directive d on FIELD",
    "directive @d",
    "directive @d on",
    "directive @d on FOO",
    "directive @d on FIELD | FOO",
    "directive @d on field",
    "directive @d repeatable",
    "directive @d(a: Int) repeatable FIELD",
    "directive @d on FIELD |",
    "\"desc\" query { a }",
    "\"desc\" { a }",
    "\"desc\" fragment F on T { a }",
    "\"desc\" extend type T @d",
    "\"desc\" foo",
    "\"desc\"",
    "\"\"\"desc\"\"\" 123",
    "extend",
    "extend foo",
    "extend type T",
    "extend type T {}",
    "extend scalar S",
    "extend schema",
    "extend schema {}",
    "extend interface I",
    "extend union U",
    "extend union U =",
    "extend enum E",
    "extend input I",
    "extend directive @d on FIELD",
    "extend type",
    "{ a } foo",
    "{ a } 123",
    "{ a } $",
    "query Q { a } query",
    "type T { a: Int } extend",
    "{ a(x: \"\"\"ok\"\"\" \"\"\"ok\"\"\") }",
    "{ a(x: $) }",
    "{ a(x: $1) }",
    "query Q($1: Int) { a }",
    "query Q($a: 1) { a }",
    "query Q($a: Int = ) { a }",
    "{ a(x: 1\n\n   ?) }",
    "{\n  a(x: 1)\n  b(y: \"\n\")\n}",
    "{\r\n  a\r\n  ?\r\n}",
    "{\r  a\r  ?\r}",
    "{\n}",
    "\n\n\n}",
    "{ a \n\n\t\t? }",
]

NAMES = ["a", "b", "user", "id", "name", "friends", "node", "edges", "cursor", "totalCount",
         "on", "query", "type", "true", "null", "fragment", "_private", "x1", "CamelCase", "UPPER"]
TYPES = ["Int", "String", "Boolean", "ID", "Float", "User", "Input", "Episode"]
ENUMS = ["RED", "GREEN", "ASC", "DESC", "JEDI"]
STRINGS = ["", "hello", "with \"quotes\"", "tab\there", "new\nline", "unicode \u00e9\u4e2d\U0001F600",
           "back\\slash", "ctrl\x01\x1f", "del\x7f\x85", "   indented", "slash/", "trailing \"",
           "long " + "x" * 80]
BLOCKS = ["simple", "  indented start", "multi\nline\ntext", "\n  common\n  indent\n", "ends with \"",
          "has \"\"\" triple", "tab\tin", "x" * 75, "a\n\n\nb", "\u00e9\u00e8 accents\nline"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def choice(self, xs):
        return self.r.choice(xs)

    def name(self):
        return self.choice(NAMES)

    def ws(self):
        return self.choice([" ", " ", " ", "\n", "  ", ", ", "\n  ", " # c\n", "\t", "\r\n"])

    def string(self):
        s = self.choice(STRINGS)
        out = '"'
        for ch in s:
            if ch == '"':
                out += '\\"'
            elif ch == "\\":
                out += "\\\\"
            elif ch == "\n":
                out += "\\n"
            elif ord(ch) < 0x20:
                out += "\\u%04x" % ord(ch)
            elif ord(ch) > 0xFFFF and self.r.random() < 0.5:
                v = ord(ch) - 0x10000
                out += "\\u%04X\\u%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
            elif ord(ch) > 0x7F and self.r.random() < 0.3:
                out += "\\u{%x}" % ord(ch)
            else:
                out += ch
        return out + '"'

    def block(self):
        return '"""' + self.choice(BLOCKS).replace('"""', '\\"""') + '"""'

    def value(self, const, depth=0):
        k = self.r.randrange(12 if depth < 3 else 9)
        if k == 0:
            return self.choice(["0", "-1", "42", "123456789", "-0"])
        if k == 1:
            return self.choice(["1.5", "-0.25", "1e10", "2.5E-3", "0.0", "6.02e+23"])
        if k == 2:
            return self.string()
        if k == 3:
            return self.block()
        if k == 4:
            return self.choice(["true", "false"])
        if k == 5:
            return "null"
        if k == 6:
            return self.choice(ENUMS)
        if k in (7, 8):
            return self.string() if const else "$" + self.name()
        if k in (9, 10):
            return "[" + self.ws().join(self.value(const, depth + 1) for _ in range(self.r.randrange(4))) + "]"
        return "{" + ", ".join(f"{self.name()}: {self.value(const, depth + 1)}" for _ in range(self.r.randrange(4))) + "}"

    def type_ref(self, depth=0):
        t = self.choice(TYPES)
        if depth < 2 and self.r.random() < 0.3:
            t = "[" + self.type_ref(depth + 1) + "]"
        if self.r.random() < 0.4:
            t += "!"
        return t

    def arguments(self, const, n=None):
        n = self.r.randrange(4) if n is None else n
        if n == 0:
            return ""
        return "(" + self.ws().join(f"{self.name()}: {self.value(const)}" for _ in range(n)) + ")"

    def directives(self, const):
        return "".join(f" @{self.name()}{self.arguments(const)}" for _ in range(self.r.choice([0, 0, 0, 1, 2])))

    def selection_set(self, depth=0):
        items = []
        for _ in range(1 + self.r.randrange(4)):
            k = self.r.randrange(10)
            if k < 6 or depth > 3:
                alias = self.name() + ": " if self.r.random() < 0.3 else ""
                sub = self.selection_set(depth + 1) if depth < 4 and self.r.random() < 0.4 else ""
                many = self.r.random() < 0.1
                items.append(f"{alias}{self.name()}{self.arguments(False, 9 if many else None)}{self.directives(False)}{' ' + sub if sub else ''}")
            elif k < 8:
                items.append(f"...{self.choice(['F', 'Frag', 'UserFields'])}{self.directives(False)}")
            else:
                tc = " on " + self.choice(TYPES) if self.r.random() < 0.7 else ""
                items.append(f"...{tc}{self.directives(False)} {self.selection_set(depth + 1)}")
        return "{" + self.ws() + self.ws().join(items) + self.ws() + "}"

    def operation(self):
        k = self.r.randrange(5)
        if k == 0:
            return self.selection_set()
        op = self.choice(["query", "mutation", "subscription"])
        name = " " + self.choice(["Q", "GetUser", "M1"]) if self.r.random() < 0.7 else ""
        vars_ = ""
        if self.r.random() < 0.5:
            vs = []
            for _ in range(1 + self.r.randrange(3)):
                d = " = " + self.value(True) if self.r.random() < 0.4 else ""
                vs.append(f"${self.name()}: {self.type_ref()}{d}{self.directives(True)}")
            vars_ = "(" + ", ".join(vs) + ")"
        return f"{op}{name}{vars_}{self.directives(False)} {self.selection_set()}"

    def fragment(self):
        return f"fragment {self.choice(['F', 'Frag', 'UserFields'])} on {self.choice(TYPES)}{self.directives(False)} {self.selection_set()}"

    def description(self):
        k = self.r.randrange(4)
        if k == 0:
            return self.string() + "\n"
        if k == 1:
            return self.block() + "\n"
        return ""

    def input_value(self):
        d = " = " + self.value(True) if self.r.random() < 0.3 else ""
        return f"{self.description()}{self.name()}: {self.type_ref()}{d}{self.directives(True)}"

    def field_def(self):
        args = ""
        if self.r.random() < 0.4:
            args = "(" + self.ws().join(self.input_value() for _ in range(1 + self.r.randrange(3))) + ")"
        return f"{self.description()}{self.name()}{args}: {self.type_ref()}{self.directives(True)}"

    def type_def(self):
        k = self.r.randrange(8)
        desc = self.description()
        n = self.choice(TYPES + ["Thing", "Node"])
        ext = "extend " if self.r.random() < 0.15 else ""
        if ext:
            desc = ""
        if k == 0:
            return f"{desc}{ext}scalar {n} @{self.name()}"
        if k in (1, 2):
            kw = "type" if k == 1 else "interface"
            impl = ""
            if self.r.random() < 0.4:
                impl = " implements " + " & ".join(self.choice(TYPES) for _ in range(1 + self.r.randrange(3)))
            fields = "{\n" + "\n".join("  " + self.field_def() for _ in range(1 + self.r.randrange(5))) + "\n}"
            return f"{desc}{ext}{kw} {n}{impl}{self.directives(True)} {fields}"
        if k == 3:
            return f"{desc}{ext}union {n}{self.directives(True)} = " + " | ".join(self.choice(TYPES) for _ in range(1 + self.r.randrange(4)))
        if k == 4:
            vals = " ".join(self.description() + self.choice(ENUMS) + self.directives(True) for _ in range(1 + self.r.randrange(4)))
            return f"{desc}{ext}enum {n}{self.directives(True)} {{ {vals} }}"
        if k == 5:
            fields = "{\n" + "\n".join("  " + self.input_value() for _ in range(1 + self.r.randrange(4))) + "\n}"
            return f"{desc}{ext}input {n}{self.directives(True)} {fields}"
        if k == 6:
            locs = " | ".join(self.choice(["FIELD", "QUERY", "OBJECT", "ENUM_VALUE", "SCALAR", "INPUT_FIELD_DEFINITION"]) for _ in range(1 + self.r.randrange(3)))
            args = "(" + ", ".join(self.input_value() for _ in range(1 + self.r.randrange(2))) + ")" if self.r.random() < 0.6 else ""
            rep = " repeatable" if self.r.random() < 0.3 else ""
            return f"{desc}directive @{self.name()}{args}{rep} on {locs}"
        return f"{desc}schema{self.directives(True)} {{ query: Q mutation: M }}"

    def document(self):
        if self.r.random() < 0.5:
            defs = [self.operation() if self.r.random() < 0.7 else self.fragment() for _ in range(1 + self.r.randrange(3))]
        else:
            defs = [self.type_def() for _ in range(1 + self.r.randrange(4))]
        return "\n\n".join(defs)


def mutate(r, doc):
    b = bytearray(doc.encode("utf-8"))
    for _ in range(1 + r.randrange(2)):
        if not b:
            break
        k = r.randrange(4)
        i = r.randrange(len(b))
        if k == 0:
            del b[i]
        elif k == 1:
            b.insert(i, r.choice(b"{}()[]:$@!.\"'#,|&=0-1aZ\\ \n"))
        elif k == 2:
            b[i] = r.choice(b"{}()[]:$@!.\"#|&=019eE-aZ_ ")
        else:
            j = min(len(b), i + r.randrange(1, 8))
            b[i:i] = b[i:j]
    return b.decode("utf-8", errors="ignore")


def documents():
    docs = list(HAND)
    g = Gen(20211026)
    generated = [g.document() for _ in range(220)]
    docs += generated
    r = random.Random(7)
    for d in generated[:80]:  # truncations: mostly invalid
        docs.append(d[: r.randrange(1, max(2, len(d)))])
    for d in generated[80:200]:  # small mutations: valid or invalid
        docs.append(mutate(r, d))
    # The 15,000-token limit: one over (2 + n tokens). (Exactly at the limit
    # is a unit test: printing such a document is slow in Python.)
    docs.append("{ " + "a " * 14999 + "}")
    docs.append("{\n" + "  f(x: [1, 2])\n" * 2142 + "}")
    docs.append(mutate(r, KITCHEN_SINK_QUERY))
    docs.append(mutate(r, KITCHEN_SINK_SDL))
    return docs


if __name__ == "__main__":
    ds = documents()
    print(len(ds), "documents")
