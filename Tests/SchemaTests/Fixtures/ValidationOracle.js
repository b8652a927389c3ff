#!/usr/bin/env node
// Differential oracle for Schema validation: graphql-js 16 (Debian's
// node-graphql; run with NODE_PATH=/usr/share/nodejs). Reads JSON lines
//   {"schema": "clinic"|"test", "doc": TEXT, "rule"?: "NoFragmentCycles", ...}
// from stdin and echoes each record with graphql-js's verdict added:
//   "errors": [{"message": M, "locations": [[line, column], ...]}]   (validate with
//             specifiedRules, or only `rule` when given), or
//   "syntax": MESSAGE   when graphql-js cannot parse the document, or
//   "skip": REASON      when validate throws (e.g. SingleFieldSubscriptions
//             evaluating @include($var) without variable values) or the rule is
//             not in this graphql-js version.
// The first output line is {"graphql": VERSION, "rules": [names without "Rule"]}.
// Exits 2 when graphql-js is missing (the Swift tests then fail).
'use strict';
const fs = require('fs');
const path = require('path');
let graphql;
try {
  graphql = require('graphql');
} catch (e) {
  process.stderr.write('graphql-js is not installed (apt-get install node-graphql; NODE_PATH=/usr/share/nodejs)\n');
  process.exit(2);
}
const { buildSchema, parse, validate, specifiedRules, GraphQLError, version } = graphql;
const SCHEMAS = { clinic: 'ValidationClinicSchema.graphql', test: 'ValidationTestSchema.graphql' };
const schemas = {};
function schemaNamed(name) {
  if (!schemas[name]) schemas[name] = buildSchema(fs.readFileSync(path.join(__dirname, SCHEMAS[name]), 'utf8'));
  return schemas[name];
}
const ruleByName = {};
for (const r of specifiedRules) ruleByName[r.name.replace(/Rule$/, '')] = r;

const out = [JSON.stringify({ graphql: version, rules: Object.keys(ruleByName) })];
const input = fs.readFileSync(0, 'utf8');
for (const line of input.split('\n')) {
  if (!line.trim()) continue;
  const rec = JSON.parse(line);
  let ast;
  try {
    ast = parse(rec.doc);
  } catch (e) {
    if (!(e instanceof GraphQLError)) throw e;
    rec.syntax = e.message;
    out.push(JSON.stringify(rec));
    continue;
  }
  let rules = specifiedRules;
  if (rec.rule !== undefined) {
    if (!ruleByName[rec.rule]) { rec.skip = 'rule not in graphql-js ' + version; out.push(JSON.stringify(rec)); continue; }
    rules = [ruleByName[rec.rule]];
  }
  try {
    rec.errors = validate(schemaNamed(rec.schema), ast, rules).map((e) => ({
      message: e.message,
      locations: (e.locations || []).map((l) => [l.line, l.column]),
    }));
  } catch (e) {
    rec.skip = String(e.message);
  }
  out.push(JSON.stringify(rec));
}
process.stdout.write(out.join('\n') + '\n');
