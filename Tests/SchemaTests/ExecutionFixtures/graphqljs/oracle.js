// graphql-js 16 side of ExecutionGraphQLJSDifferentialTests: generates valid
// operations for each differential schema from a seed, executes them with
// graphql-js over the shared in-memory data, and prints one JSON line per
// document: {schema, query, variables, operationName, expected}. `expected` is
// graphql-js's response as JSON text ({"data":…,"errors":[{message,
// locations,path}]}, errors in graphql-js's order).
//
// usage: node oracle.js generate SEED COUNT          (documents from seeds SEED…)
//        node oracle.js corpus FILE                  (the committed regression cases)
//        node oracle.js synthesize SCHEMA.graphql    (a data fixture for any schema)
//
// The resolution rule (mirrored by GraphQLJSDifferentialData in Swift):
// - the root value is the data's `Query` (or `Mutation`) object; every object
//   is JSON and a field's raw value is parent[fieldName] (missing: null);
// - {"$ref": id} is objects[id] (missing: null); {"$error": m} raises m (in a
//   list: an error at that item); {"$echo": true} is the string
//   `field(args)` with the coerced arguments printed canonically (sorted
//   keys, see canonical()); {"$echo": "arg"} is that argument's value;
//   {"$mutation": op} runs an in-memory effect on the document's own copy of
//   the data (increment by `by`, null adding 0; rename; push; counter);
// - list arguments: for a list value (or each list member of an object
//   value), every argument other than first/offset whose value is a string,
//   number or boolean keeps the object items that lack that member or whose
//   member equals it (sorted argument names); then `offset` drops, then
//   `first` keeps a prefix (negative: none);
// - a list value for a field whose type is not a list is a lookup: its
//   first item, or null;
// - abstract types resolve by the object's __typename.
"use strict";
const fs = require("fs");
const path = require("path");
const g = require("graphql");

const here = __dirname;
const repoRoot = path.resolve(here, "../../../..");
const SCHEMAS = {
  shapes: path.join(here, "shapes.graphql"),
  failures: path.join(here, "failures.graphql"),
  clinic: path.join(repoRoot, "schema.graphql"),
};
const DATA = { shapes: "shapes.json", failures: "failures.json", clinic: "clinic.json" };

// MARK: - Schemas with the shared resolution rule

function upperScalar() {
  const fail = () => { throw new g.GraphQLError("Upper cannot represent a non-string value"); };
  return {
    serialize: (v) => (typeof v === "string" ? v.toUpperCase() : fail()),
    parseValue: (v) => (typeof v === "string" ? v.toLowerCase() : fail()),
    parseLiteral: (ast) => (ast.kind === g.Kind.STRING ? ast.value.toLowerCase() : fail()),
  };
}

function loadSchema(name) {
  const schema = g.buildSchema(fs.readFileSync(SCHEMAS[name], "utf8"));
  const upper = schema.getType("Upper");
  if (upper) Object.assign(upper, upperScalar());
  return schema;
}

function loadData(name) {
  return JSON.parse(fs.readFileSync(path.join(here, DATA[name]), "utf8"));
}

function isPlainObject(v) { return v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype; }

/// Sorted-key, compact printing of coerced arguments (Swift mirrors it).
function canonical(v) {
  if (v === undefined || v === null) return "null";
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (typeof v === "object") {
    return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}";
  }
  if (typeof v === "number") return String(v);
  return JSON.stringify(v);
}

function makeRuntime(data) {
  const state = JSON.parse(JSON.stringify(data));  // the document's own copy (mutations change it)
  const objects = state.objects;
  function deref(v, inList) {
    if (isPlainObject(v)) {
      if ("$ref" in v) return objects[v.$ref] === undefined ? null : objects[v.$ref];
      if ("$error" in v) {
        const e = new Error(v.$error);
        if (inList) return e;
        throw e;
      }
    }
    if (Array.isArray(v)) return v.map((x) => deref(x, true));
    return v;
  }
  function filterList(items, args) {
    let out = items;
    for (const name of Object.keys(args).sort()) {
      const a = args[name];
      if (name === "first" || name === "offset") continue;
      if (typeof a !== "string" && typeof a !== "number" && typeof a !== "boolean") continue;
      out = out.filter((item) => !isPlainObject(item) || !(name in item) || item[name] === a);
    }
    if (typeof args.offset === "number") out = out.slice(Math.max(args.offset, 0));
    if (typeof args.first === "number") out = out.slice(0, Math.max(args.first, 0));
    return out;
  }
  function mutate(op, args) {
    switch (op) {
      case "increment": state.Query.counter += args.by ?? 0; return state.Query.counter;
      case "counter": return state.Query.counter;
      case "push": state.Query.pushed.push(args.tag); return state.Query.pushed.slice();
      case "rename": {
        const o = objects[args.id];
        if (o === undefined) return null;
        o.label = args.label;
        return o;
      }
      default: throw new Error("unknown mutation " + op);
    }
  }
  function fieldResolver(parent, args, _context, info) {
    const raw = isPlainObject(parent) ? parent[info.fieldName] : undefined;
    if (isPlainObject(raw) && "$echo" in raw) {
      if (raw.$echo === true) return info.fieldName + "(" + canonical(args) + ")";
      return args[raw.$echo];
    }
    if (isPlainObject(raw) && "$mutation" in raw) return mutate(raw.$mutation, args);
    let v = deref(raw === undefined ? null : raw, false);
    if (Array.isArray(v)) {
      v = filterList(v, args);
    } else if (isPlainObject(v) && Object.keys(args).length > 0) {
      const copy = {};
      for (const [k, m] of Object.entries(v)) copy[k] = Array.isArray(m) ? filterList(deref(m, false), args).map(relink) : m;
      v = copy;
    }
    let type = info.returnType;
    if (g.isNonNullType(type)) type = type.ofType;
    if (Array.isArray(v) && !g.isListType(type)) v = v.length ? v[0] : null;
    return v;
  }
  // A member already dereferenced, stored back as data (objects stay objects, errors raise again).
  function relink(x) { return x instanceof Error ? { $error: x.message } : x; }
  const typeResolver = (value) => (isPlainObject(value) ? value.__typename : undefined);
  return { state, fieldResolver, typeResolver };
}

function execute(schemaName, schema, data, query, variables, operationName) {
  const document = g.parse(query);
  const runtime = makeRuntime(data);
  const operation = g.getOperationAST(document, operationName);
  const rootValue = operation && operation.operation === "mutation" ? runtime.state.Mutation : runtime.state.Query;
  const result = g.execute({
    schema, document, rootValue, variableValues: variables, operationName,
    fieldResolver: runtime.fieldResolver, typeResolver: runtime.typeResolver,
  });
  if (typeof result.then === "function") throw new Error("resolvers must be synchronous");
  const out = {};
  if ("data" in result) out.data = result.data;
  if (result.errors) {
    out.errors = result.errors.map((e) => {
      const o = { message: e.message };
      if (e.locations) o.locations = e.locations;
      if (e.path) o.path = e.path;
      return o;
    });
  }
  return JSON.stringify(out);
}

// MARK: - Seeded generator

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  constructor(schemaName, schema, data, seed) {
    this.schemaName = schemaName;
    this.schema = schema;
    this.random = mulberry32(seed * 2654435761 + 17);
    this.ids = Object.keys(data.objects || {});
    this.strings = ["dog", "cat", "x", "a", "Ada", "hi", "", "p1", "GENERAL"];
    for (const o of Object.values(data.objects || {})) {
      for (const v of Object.values(o)) if (typeof v === "string" && v.length < 24 && this.strings.length < 60) this.strings.push(v);
    }
  }
  chance(p) { return this.random() < p; }
  int(lo, hi) { return lo + Math.floor(this.random() * (hi - lo + 1)); }
  pick(items) { return items[Math.floor(this.random() * items.length)]; }
  shuffle(items) {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
    return a;
  }

  /// One document: {query, variables, operationName}.
  document() {
    this.vars = [];         // {name, type, defaultLiteral?, value?, provided}
    this.fragments = [];    // printed fragment definitions
    this.pool = {};         // type name → field selections to reuse (collisions across fragments)
    this.aliasCount = 0;
    const mutationType = this.schema.getMutationType();
    const isMutation = mutationType && this.chance(0.15);
    const rootType = isMutation ? mutationType : this.schema.getQueryType();
    const selections = this.selections(rootType, 0, isMutation);
    if (!isMutation && this.chance(0.35)) selections.splice(this.int(0, selections.length), 0, this.introspectionPiece());
    const name = this.chance(0.5) ? "Op" + this.int(1, 99) : null;
    const varDefs = this.vars.map((v) => `$${v.name}: ${v.type}${v.defaultLiteral !== undefined ? " = " + v.defaultLiteral : ""}`);
    let text = (isMutation ? "mutation" : (name || varDefs.length ? "query" : "")) + (name ? " " + name : "")
      + (varDefs.length ? "(" + varDefs.join(", ") + ")" : "") + (isMutation || name || varDefs.length ? " " : "")
      + "{ " + selections.join(" ") + " }";
    let operationName = null;
    if (name && this.chance(0.3)) {
      // A second operation the request does not pick.
      text = `query Other { __typename }\n${text}`;
      operationName = name;
    }
    for (const f of this.fragments) text += "\n" + f;
    const variables = {};
    for (const v of this.vars) if (v.provided) variables[v.name] = v.value;
    return { query: text, variables, operationName };
  }

  introspectionPiece() {
    const typeNames = Object.keys(this.schema.getTypeMap()).filter((n) => !n.startsWith("__"));
    const which = this.int(0, 3);
    if (which === 0) return `__schema { queryType { name } mutationType { name } }`;
    if (which === 1) return `${this.alias()}__typename`;
    const name = this.pick(typeNames.concat(["Nope"]));
    const detail = this.pick([
      "name kind",
      "name kind description fields { name args { name defaultValue type { name kind ofType { name kind } } } type { kind name ofType { kind name ofType { name } } } }",
      "name possibleTypes { name } interfaces { name } enumValues { name isDeprecated }",
      "kind inputFields { name defaultValue type { name ofType { name } } } specifiedByURL",
    ]);
    return `${this.alias()}__type(name: "${name}") { ${detail} }`;
  }

  alias() {
    return this.chance(0.5) ? `t${++this.aliasCount}: ` : "";
  }

  /// Selections for a composite type (at least one).
  selections(type, depth, serialRoot) {
    const out = [];
    if (g.isUnionType(type) || g.isInterfaceType(type)) {
      if (this.chance(0.6)) out.push(this.alias() + "__typename");
      if (g.isInterfaceType(type)) out.push(...this.fieldSelections(type, depth, 1, 3));
      const possible = this.schema.getPossibleTypes(type);
      const conditions = possible.concat(this.interfacesOverlapping(type));
      for (const t of this.shuffle(conditions).slice(0, this.int(1, 3))) out.push(this.fragmentOn(t, depth));
      if (out.length === 0) out.push("__typename");
      return out;
    }
    if (!serialRoot && this.chance(0.4)) out.push(this.alias() + "__typename");
    out.push(...this.fieldSelections(type, depth, 1, serialRoot ? 4 : 4));
    if (!serialRoot && this.chance(0.25)) out.push(this.fragmentOn(type, depth));
    if (!serialRoot && this.chance(0.12)) out.push(`... ${this.directive()}{ ${this.fieldSelections(type, depth, 1, 2).join(" ") || "__typename"} }`);
    if (out.length === 0) out.push("__typename");
    return out;
  }

  interfacesOverlapping(type) {
    const names = new Set(this.schema.getPossibleTypes(type).map((t) => t.name));
    return Object.values(this.schema.getTypeMap()).filter((t) => g.isInterfaceType(t) && t !== type && !t.name.startsWith("__")
      && this.schema.getPossibleTypes(t).some((p) => names.has(p.name)));
  }

  /// An inline fragment or a spread of a new named fragment on `type`.
  fragmentOn(type, depth) {
    const body = this.selections(type, depth, false).join(" ");
    const directive = this.chance(0.2) ? this.directive() : "";
    if (this.chance(0.5)) return `... on ${type.name} ${directive}{ ${body} }`;
    const name = `F${this.fragments.length + 1}`;
    this.fragments.push(`fragment ${name} on ${type.name} { ${body} }`);
    return `...${name}${directive ? " " + directive.trim() : ""}`;
  }

  directive() {
    const which = this.chance(0.5) ? "skip" : "include";
    let condition;
    if (this.chance(0.5)) condition = this.chance(0.5) ? "true" : "false";
    else if (this.chance(0.5)) condition = this.variable(new g.GraphQLNonNull(g.GraphQLBoolean), false);
    else condition = this.variable(g.GraphQLBoolean, true, true);
    return `@${which}(if: ${condition}) `;
  }

  fieldSelections(type, depth, min, max) {
    const fields = Object.values(type.getFields());
    const out = [];
    const pooled = this.pool[type.name] || (this.pool[type.name] = []);
    for (const f of this.shuffle(fields).slice(0, this.int(min, max))) {
      const sel = this.fieldSelection(f, depth);
      if (sel === null) continue;
      out.push(sel);
      if (this.chance(0.3)) pooled.push(sel);
      // The same field again under another alias: same arguments or new ones.
      if (this.chance(0.3)) {
        const again = this.chance(0.5) ? this.withAlias(sel) : this.fieldSelection(f, depth, true);
        if (again !== null) out.push(again);
      }
    }
    // A selection met elsewhere on this type, verbatim (collides across fragments).
    if (pooled.length && this.chance(0.35)) out.push(this.pick(pooled));
    return out;
  }

  withAlias(selection) {
    const bare = selection.replace(/^\w+: /, "");
    return `a${++this.aliasCount}: ${bare}`;
  }

  fieldSelection(field, depth, forceAlias) {
    let named = g.getNamedType(field.type);
    const composite = g.isCompositeType(named);
    if (composite && depth >= 3) return null;
    const args = [];
    for (const a of field.args) {
      const required = g.isNonNullType(a.type) && a.defaultValue === undefined;
      if (!required && !this.chance(0.45)) continue;
      args.push(`${a.name}: ${this.argumentValue(a.type)}`);
    }
    let text = (forceAlias || this.chance(0.25) ? `a${++this.aliasCount}: ` : "") + field.name;
    if (args.length) text += "(" + args.join(", ") + ")";
    if (this.chance(0.1)) text += " " + this.directive().trim();
    if (composite) text += " { " + this.selections(named, depth + 1, false).join(" ") + " }";
    return text;
  }

  /// A literal or a variable for an input position of `type`.
  argumentValue(type) {
    // A nullable variable with a default where a non-null type is expected:
    // given null, the field raises an argument error.
    if (g.isNonNullType(type) && this.chance(0.1)) return this.variable(type.ofType, true, true);
    if (this.chance(0.3)) return this.variable(type, true);
    return this.literal(type);
  }

  /// A new variable of `type` (`withDefault`: a nullable one with a non-null
  /// default, allowed where the non-null type is expected).
  variable(type, allowAbsent, withDefault) {
    const name = `v${this.vars.length + 1}`;
    const v = { name, type: String(type), provided: true };
    const nullable = !g.isNonNullType(type);
    const r = withDefault ? 0 : this.random();
    if (r < 0.2) {
      this.constant = true;  // a default value cannot hold variables
      v.defaultLiteral = withDefault ? this.literal(new g.GraphQLNonNull(type)) : this.literal(type);
      this.constant = false;
      v.provided = !(allowAbsent && this.chance(0.6));
      if (v.provided) v.value = this.jsonValue(type);
    } else if (nullable && r < 0.35) {
      v.value = null;
    } else if (nullable && allowAbsent && r < 0.45) {
      v.provided = false;
    } else {
      v.value = this.jsonValue(type);
    }
    this.vars.push(v);
    return "$" + name;
  }

  literal(type) {
    if (g.isNonNullType(type)) return this.literal(type.ofType).replace(/^null$/, () => this.literal(type));
    if (this.chance(0.08)) return "null";
    if (g.isListType(type)) {
      if (this.chance(0.2)) return this.literal(type.ofType);  // a single value for a list (input coercion)
      const n = this.int(0, 3);
      return "[" + Array.from({ length: n }, () => this.nestedValue(type.ofType)).join(", ") + "]";
    }
    if (g.isInputObjectType(type)) {
      const parts = [];
      for (const f of Object.values(type.getFields())) {
        const required = g.isNonNullType(f.type) && f.defaultValue === undefined;
        if (required || this.chance(0.5)) parts.push(`${f.name}: ${this.nestedValue(f.type)}`);
      }
      return "{" + parts.join(", ") + "}";
    }
    if (g.isEnumType(type)) return this.pick(type.getValues()).name;
    return this.scalarLiteral(type.name);
  }

  /// A list item or input field: a literal, or now and then a variable
  /// (absent ones leave an input field out, and its default applies).
  nestedValue(type) {
    if (!this.constant && this.chance(0.12)) return this.variable(type, !g.isNonNullType(type));
    return this.literal(type);
  }

  scalarLiteral(name) {
    switch (name) {
      case "Int": return String(this.int(-2, 6));
      case "Float": return this.chance(0.5) ? String(this.int(-3, 9)) : (this.int(-30, 90) + 0.5).toString();
      case "Boolean": return this.chance(0.5) ? "true" : "false";
      case "ID": return this.chance(0.15) ? String(this.int(1, 9)) : JSON.stringify(this.pick(this.ids.length ? this.ids : ["1"]));
      case "Json": return this.pick(["{a: 1, b: [true, null]}", "\"text\"", "3", "[1, {z: \"q\"}]"]);
      default: return JSON.stringify(this.pick(this.strings));
    }
  }

  /// A JSON value for a variable of `type` (always valid for it).
  jsonValue(type) {
    if (g.isNonNullType(type)) {
      const v = this.jsonValue(type.ofType);
      return v === null ? this.jsonValue(type) : v;
    }
    if (this.chance(0.08)) return null;
    if (g.isListType(type)) {
      if (this.chance(0.2)) return this.jsonValue(type.ofType);
      return Array.from({ length: this.int(0, 3) }, () => this.jsonValue(type.ofType));
    }
    if (g.isInputObjectType(type)) {
      const o = {};
      for (const f of Object.values(type.getFields())) {
        const required = g.isNonNullType(f.type) && f.defaultValue === undefined;
        if (required || this.chance(0.5)) o[f.name] = this.jsonValue(f.type);
      }
      return o;
    }
    if (g.isEnumType(type)) return this.pick(type.getValues()).name;
    switch (type.name) {
      case "Int": return this.int(-2, 6);
      case "Float": return this.chance(0.5) ? this.int(-3, 9) : this.int(-30, 90) + 0.5;
      case "Boolean": return this.chance(0.5);
      case "ID": return this.chance(0.15) ? this.int(1, 9) : this.pick(this.ids.length ? this.ids : ["1"]);
      case "Json": return this.pick([{ a: 1, b: [true, null] }, "text", 3, [1, { z: "q" }]]);
      default: return this.pick(this.strings);
    }
  }
}

// MARK: - Data synthesis (for the clinic schema's committed fixture)

function synthesize(schema) {
  const random = mulberry32(2026);
  const objects = {};
  const perType = 3;
  const objectTypes = Object.values(schema.getTypeMap()).filter((t) => g.isObjectType(t) && !t.name.startsWith("__")
    && t !== schema.getQueryType() && t !== schema.getMutationType());
  const idOf = (t, i) => `${t.name}:${i}`;
  function scalar(name, fieldName, i) {
    switch (name) {
      case "ID": return null;
      case "Int": return (fieldName.length * 7 + i * 3) % 50;
      case "Float": return i + 0.25;
      case "Boolean": return (fieldName.length + i) % 2 === 0;
      case "Date": return `2026-0${i + 1}-1${i}`;
      case "Time": return `0${8 + i}:30`;
      case "DateTime": return `2026-0${i + 1}-1${i}T0${8 + i}:30:00Z`;
      case "Decimal": return `${40 + i * 5}.50`;
      default: return `${fieldName}-${i}`;
    }
  }
  function value(type, fieldName, i, depth) {
    let nullable = true;
    if (g.isNonNullType(type)) { nullable = false; type = type.ofType; }
    if (nullable && random() < 0.2) return null;
    if (g.isListType(type)) {
      return Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => value(type.ofType, fieldName, (i + k) % perType, depth + 1));
    }
    if (g.isEnumType(type)) { const vs = type.getValues(); return vs[(i + fieldName.length) % vs.length].name; }
    if (g.isScalarType(type)) return scalar(type.name, fieldName, i);
    const candidates = g.isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
    const t = candidates[(i + fieldName.length) % candidates.length];
    return { $ref: idOf(t, (i + 1 + fieldName.length) % perType) };
  }
  for (const t of objectTypes) {
    for (let i = 0; i < perType; i++) {
      const o = { __typename: t.name };
      for (const f of Object.values(t.getFields())) {
        o[f.name] = f.name === "id" ? idOf(t, i) : value(f.type, f.name, i, 0);
      }
      objects[idOf(t, i)] = o;
    }
  }
  function root(type) {
    const o = {};
    for (const f of Object.values(type.getFields())) {
      const named = g.getNamedType(f.type);
      if (g.isCompositeType(named) && f.args.some((a) => a.name === "id") && !g.isListType(g.getNullableType(f.type))) {
        // A lookup: every candidate, the arguments pick.
        const types = g.isAbstractType(named) ? schema.getPossibleTypes(named) : [named];
        o[f.name] = types.flatMap((t) => [0, 1, 2].map((i) => ({ $ref: idOf(t, i) })));
      } else {
        o[f.name] = value(f.type, f.name, f.name.length % perType, 0);
      }
    }
    return o;
  }
  const out = { objects, Query: root(schema.getQueryType()) };
  if (schema.getMutationType()) out.Mutation = root(schema.getMutationType());
  return out;
}

// MARK: - Main

function main() {
  const [mode, a, b] = process.argv.slice(2);
  const schemas = {};
  const data = {};
  for (const name of Object.keys(SCHEMAS)) {
    if (mode === "synthesize") break;
    schemas[name] = loadSchema(name);
    data[name] = loadData(name);
  }
  const lines = [];
  const emit = (schemaName, doc) => {
    const expected = execute(schemaName, schemas[schemaName], data[schemaName], doc.query, doc.variables, doc.operationName);
    lines.push(JSON.stringify({ schema: schemaName, query: doc.query, variables: doc.variables, operationName: doc.operationName, expected }));
  };
  if (mode === "synthesize") {
    process.stdout.write(JSON.stringify(synthesize(g.buildSchema(fs.readFileSync(a, "utf8"))), null, 1) + "\n");
    return;
  } else if (mode === "corpus") {
    for (const c of JSON.parse(fs.readFileSync(a, "utf8"))) emit(c.schema, { query: c.query, variables: c.variables || {}, operationName: c.operationName || null });
  } else if (mode === "generate") {
    const seed = Number(a), count = Number(b);
    let rejected = 0;
    const reasons = {};
    const names = Object.keys(SCHEMAS);
    for (let k = 0; k < count; k++) {
      const schemaName = names[k % names.length];
      const gen = new Generator(schemaName, schemas[schemaName], data[schemaName], seed + k);
      for (let attempt = 0; ; attempt++) {
        const doc = gen.document();
        const errors = g.validate(schemas[schemaName], g.parse(doc.query));
        if (errors.length === 0) { emit(schemaName, doc); break; }
        rejected++;
        const reason = schemaName + ": " + errors[0].message.replace(/"[^"]*"/g, "…").slice(0, 80);
        reasons[reason] = (reasons[reason] || 0) + 1;
        if (attempt > 50) throw new Error("no valid document for seed " + (seed + k) + ": " + errors[0].message);
      }
    }
    process.stderr.write(`generated ${count} valid documents (${rejected} invalid ones dropped)\n`);
    if (process.env.EXEC_DIFF_VERBOSE) process.stderr.write(JSON.stringify(Object.entries(reasons).sort((x, y) => y[1] - x[1]).slice(0, 12), null, 1) + "\n");
  } else {
    throw new Error("usage: oracle.js generate SEED COUNT | corpus FILE | synthesize SCHEMA");
  }
  process.stdout.write(JSON.stringify({ graphql: g.version }) + "\n" + lines.join("\n") + "\n");
}

main();
