#!/usr/bin/env python3
"""Writes the hand-made seed corpora to fuzz/seeds/<harness>/ (committed; rerun
after changing this file). Sources: the tests' GraphQL fixtures and the
clinic schema for the parser, JSON samples, HTTP requests and clinic variable
definitions with values. File names are a hash of the content, as libFuzzer's."""
import hashlib, json, os, re, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")

def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()

def write(harness, items):
    d = os.path.join(SEEDS, harness)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for item in items:
        data = item if isinstance(item, bytes) else item.encode("utf-8")
        with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    print(f"{harness}: {len(items)} seeds")

def top_level_blocks(sdl):
    """Splits SDL at blank lines between definitions (good enough for seeds)."""
    return [b.strip() for b in re.split(r"\n\s*\n(?=\S)", sdl) if b.strip()]

# --- parser -----------------------------------------------------------------
corpus_py = read("Tests/QueryLanguageTests/corpus.py")
kitchen = re.findall(r"KITCHEN_SINK_\w+ = r'''(.*?)'''", corpus_py, re.S)
queries = [q["query"] for q in json.loads(read("Tests/SchemaTests/ExecutionFixtures/differential/queries.json"))]
clinic_blocks = top_level_blocks(read("schema.graphql"))
parser = kitchen + queries + [read("Tests/SchemaTests/Fixtures/PrintingEdgeCases.graphql")] + clinic_blocks[:25] + [
    'query Q($a: [Int!]! = [1, 2], $b: In = {x: "s\\u00e9\\uD83D\\uDE00", y: """block\n  text"""}) @d { a(x: 1.5e-3, y: -0) { ...F ... on T { b } } }',
    '{ a(x: "\\u{1F600} é 😀") # comment é\r\n b }',
    'mutation { bookAppointment(input: {doctorId: "RG9jdG9yOjE=", date: "2026-12-01", time: "09:30", reason: "x"}) { id status } }',
    'subscription S { a }',
    'fragment F on T @d { a ...G }',
    'extend schema @d { query: Q }',
    'directive @d(a: Int = 1) repeatable on FIELD | QUERY',
    '"""\n  indented\n    more\n"""\nscalar S',
    'input I { a: [[Int!]]! = [[1]] @deprecated }',
]
write("parser", parser)

# --- json -------------------------------------------------------------------
data = json.loads(read("Tests/SchemaTests/ExecutionFixtures/differential/data.json"))
json_seeds = [json.dumps(v, separators=(",", ":")) for v in list(data["objects"].values())[:8]] + [
    '{"query":"{ me { id } }","variables":{"a":1,"b":[true,false,null]},"operationName":null}',
    '[{"query":"{ a }"},{"query":"{ b }"}]',
    '0', '-0', '1.0', '-1.5e-7', '1E+21', '123456789012345678901234567890', '9223372036854775807', '-9223372036854775808',
    '0.1', '5e-324', '1.7976931348623157e308', '"\\u0000\\b\\f\\n\\r\\t\\"\\\\\\/"', '"\\uD83D\\uDE00 é 😀 \u2028"',
    '"\\u00e9"', '{"a":{"b":{"c":[[[[]]]]}}}', '{"a":1,"a":2}', ' \t\r\n[ 1 , 2 ] ', 'true', 'false', 'null', '""', '{}', '[]',
    '{"x":"\\uDBFF\\uDFFF"}', '[1e2,1E-2,0e0,-0.0]',
]
write("json", json_seeds)

# --- http -------------------------------------------------------------------
# First byte: bit 0 picks small limits, the rest seeds the chunking (see FuzzHTTP.swift).
requests = [
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /graphql?query=%7Ba%7D HTTP/1.1\r\nHost: localhost:8080\r\nAccept: application/graphql-response+json\r\n\r\n",
    'POST /graphql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"query":"{ a }"}',
    "POST /graphql HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: v\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
    "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    "GET / HTTP/1.1\nHost: a\n\n",
    "GET / HTTP/1.1\r\nHost: a\r\nExpect: nothing\r\n\r\n",
    "HEAD /health HTTP/1.1\r\nHost: a\r\nUser-Agent: x\t y\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
]
http = []
for i, r in enumerate(requests):
    http.append(bytes([2 * i]) + r.encode())
    http.append(bytes([2 * i + 1]) + r.encode())
write("http", http)

# --- coercion ---------------------------------------------------------------
# First line: variable definitions; rest: the variables as JSON.
coercion = [
    '($input: BookAppointmentInput!)\n{"input":{"doctorId":"RG9jdG9yOjE=","date":"2026-12-01","time":"09:30","reason":"checkup"}}',
    '($input: RegisterInput!)\n{"input":{"email":"a@b.c","password":"pw","firstName":"A","lastName":"B","dateOfBirth":"1990-02-28","gender":"FEMALE","address":"x","emergencyContact":"y","emergencyPhone":"+1"}}',
    '($f: AppointmentFilter, $o: AppointmentOrder)\n{"f":{"status":["SCHEDULED","CANCELLED"],"from":"2026-01-01","to":"2026-12-31"},"o":{"field":"DATE"}}',
    '($f: AppointmentFilter = {status: SCHEDULED, from: "2026-01-01"})\n{}',
    '($d: CreateDoctorInput!)\n{"d":{"licenseNumber":"L1","specialization":"GP","experienceYears":3,"consultationFee":"45.00"}}',
    '($d: UpdateDoctorInput!)\n{"d":{"consultationFee":45.5,"experienceYears":1e1}}',
    '($w: [WorkingHoursInput!]!)\n{"w":[{"weekday":1,"start":"09:00","end":"17:00"},{"weekday":7,"start":"23:59","end":"00:00","slotMinutes":15}]}',
    '($t: TimeOffInput!)\n{"t":{"doctorId":"x","from":"2026-12-01T09:30:00Z","to":"2026-12-01T10:30:00+02:00","reason":null}}',
    '($s: SystemSettingsInput!)\n{"s":{"clinicName":"C","timeZone":"Europe/Berlin","cancellationWindowHours":24}}',
    '($n: SendNotificationInput!)\n{"n":{"userIds":"1","channel":"EMAIL","subject":"s","body":"b"}}',
    '($a: Int, $b: Float!, $c: String = "x", $d: Boolean, $e: ID)\n{"a":2147483647,"b":1,"d":true,"e":42}',
    '($a: Int)\n{"a":2147483648}',
    '($a: [[Int!]]!)\n{"a":[[1],[2,3],null]}',
    '($a: [Int] = [1, null])\n{}',
    '($a: Date!, $b: Time!, $c: DateTime!, $d: Decimal!)\n{"a":"2024-02-29","b":"24:00","c":"2026-13-01T00:00:00Z","d":"-0.001"}',
    '($a: Decimal)\n{"a":"99999999999999.99"}',
    '($a: Role = SUPERADMIN, $b: Gender)\n{"b":"female"}',
    '($u: UpdateUserInput, $p: PatientProfileInput, $q: UpdateProfileInput)\n{"u":{"role":"ADMIN","isActive":false},"p":{"allergies":"none"},"q":{"notifyBySms":true}}',
    '($c: CreateUserInput!)\n{"c":{"email":"e","password":"p","firstName":"f","lastName":"l","unknown":1}}',
    '($x: AppointmentStatus!, $y: [NotificationKind!])\n{"x":null,"y":["REMINDER"]}',
    '($x: AppointmentOrder!)\n{"x":{"field":"CREATED_AT","direction":"DESC"}}',
    '($x: Query)\n{"x":{}}',
    '($x: DoctorFilter)\n{"x":{"search":"%_","isAvailable":true,"specialization":null}}',
]
write("coercion", coercion)

# --- dictionaries (fuzz/dict/*.dict) ----------------------------------------
def dict_entry(token):
    """One libFuzzer dictionary line: printable ASCII as is, \\ and \" escaped, other bytes \\xNN."""
    out = []
    for b in token.encode("utf-8"):
        c = chr(b)
        if c in '\\"': out.append("\\" + c)
        elif 0x20 <= b < 0x7F: out.append(c)
        else: out.append("\\x%02X" % b)
    return '"' + "".join(out) + '"'

sdl = read("schema.graphql")
dictionaries = {
    "graphql": ["{", "}", "(", ")", "[", "]", ":", "$", "@", "!", "=", "|", "&", "...", "... on", ",", "#", "\n", "\r\n", "\r",
                '"', '"""', '\\"""', "\\u", "\\u{", "\\u{1F600}", "\\uD83D\\uDE00", "\\n", "\\\\", "query", "mutation",
                "subscription", "fragment", " on ", "true", "false", "null", "schema", "scalar", "type", "interface", "union",
                "enum", "input", "extend", "directive", "implements", "repeatable", "@include(if: $v)", "@skip(if: true)",
                '@deprecated(reason: "")', "__typename", "1.5e-3", "-0", "0x", "1e", "\ufeff", "é", "😀", "\u2028",
                "FIELD", "QUERY", "INPUT_FIELD_DEFINITION", "VARIABLE_DEFINITION"],
    "json": ["{", "}", "[", "]", ":", ",", '"', "true", "false", "null", "-", "0", "-0", "1e", "E+", "e-", ".5", "\\u",
             "\\uD83D", "\\uDE00", "\\\\", '\\"', "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "9223372036854775807",
             "9223372036854775808", "1e308", "1e-400", "\ufeff", "é", "😀", "\u2028"],
    "http": ["\r\n", "\r\n\r\n", "GET ", "POST ", "HEAD ", "OPTIONS ", " HTTP/1.1", " HTTP/1.0", "HTTP/", "Host: ",
             "Content-Length: ", "Transfer-Encoding: ", "chunked", "gzip, ", "Connection: ", "close", "keep-alive",
             "Expect: ", "100-continue", ": ", ";ext=", "0\r\n\r\n", "\t", "ffffffff", "://", " /graphql"],
    "coercion": ["($", ": ", "!", "[", "]", " = ", "\n", "Int", "Float", "String", "Boolean", "ID", '{"', '":', "null",
                 "true", "1.5", "1e2", '"2026-12-01"', '"09:30"', '"2026-12-01T09:30:00Z"', '"45.00"', "+01:00", "24:00",
                 "2024-02-29"]
                + sorted(set(re.findall(r"^(?:input|enum|scalar) (\w+)", sdl, re.M)))
                + sorted(set(re.findall(r"^  ([A-Z][A-Z_]+)$", sdl, re.M))),
}
for name, tokens in dictionaries.items():
    with open(os.path.join(ROOT, "fuzz", "dict", name + ".dict"), "w") as f:
        f.write(f"# libFuzzer dictionary for the {name} harness (written by make_seeds.py)\n")
        f.write("".join(dict_entry(t) + "\n" for t in tokens))
print("dictionaries written")
