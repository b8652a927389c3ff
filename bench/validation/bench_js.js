// graphql-js's validate on the same documents (CPU time, best of 3).
// NODE_PATH=/usr/share/nodejs node bench_js.js SCHEMA DOC…
const fs = require('fs'), path = require('path');
const { buildSchema, parse, validate, version } = require('graphql');
const schema = buildSchema(fs.readFileSync(process.argv[2], 'utf8'));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system); };
let skipRest = false;
for (const p of process.argv.slice(3)) {
  const text = fs.readFileSync(p, 'utf8');
  const doc = parse(text);
  if (validate(schema, doc).length) throw new Error(p);
  if (skipRest) { console.log(`js     ${path.basename(p)}: skipped (the previous document took over 1 s per validate)`); continue; }
  // Warm the JIT up for ~0.3 s (or 20 runs) before timing.
  let t = cpu(), runs = 0;
  while (runs < 20 || cpu() - t < 300000) { validate(schema, doc); runs++; if (cpu() - t > 3e6) break; }
  const once = Math.max((cpu() - t) / runs, 1);
  if (once > 1e6) skipRest = true;
  const n = Math.max(1, Math.min(100000, Math.floor(500000 / once / 3)));
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    t = cpu();
    for (let i = 0; i < n; i++) validate(schema, doc);
    best = Math.min(best, (cpu() - t) / n);
  }
  console.log(`js     ${path.basename(p)} (${Buffer.byteLength(text)} bytes): ${best.toFixed(1)} µs CPU per validate (${n} iterations)`);
}
