// Writes index.html (referencing the hashed entry, its CSS and preloads),
// assets-manifest.json and size.json (first-load bytes, raw and gzipped).
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const [outDir, template] = process.argv.slice(2);
const meta = JSON.parse(fs.readFileSync(path.join(outDir, ".meta.json"), "utf8"));
const rel = (p) => path.relative(outDir, p).split(path.sep).join("/");

let entry = null;
for (const [file, out] of Object.entries(meta.outputs)) {
  if (out.entryPoint === "src/main.tsx" && file.endsWith(".js")) entry = { file, out };
}
if (!entry) throw new Error("no entry output in the metafile");
const css = entry.out.cssBundle ? [rel(entry.out.cssBundle)] : [];
// Static imports of the entry, transitively: they load before first render.
const preload = [];
const seen = new Set([entry.file]);
const queue = [entry.file];
while (queue.length) {
  const f = queue.shift();
  for (const imp of meta.outputs[f].imports || []) {
    if (imp.kind === "import-statement" && !seen.has(imp.path)) { seen.add(imp.path); preload.push(rel(imp.path)); queue.push(imp.path); }
  }
}
const js = rel(entry.file);
const tags = [
  ...css.map((c) => `<link rel="stylesheet" href="/${c}">`),
  ...preload.map((p) => `<link rel="modulepreload" href="/${p}">`),
  `<script type="module" src="/${js}"></script>`,
].join("\n");
fs.writeFileSync(path.join(outDir, "index.html"), fs.readFileSync(template, "utf8").replace("<!--ASSETS-->", tags));

const assets = {};
for (const file of Object.keys(meta.outputs)) {
  if (file.endsWith(".map")) continue;
  const o = meta.outputs[file];
  const name = o.entryPoint ? path.basename(o.entryPoint).replace(/\.tsx?$/, file.endsWith(".css") ? ".css" : ".js") : rel(file);
  assets[name] = "/" + rel(file);
}
fs.writeFileSync(path.join(outDir, "assets-manifest.json"), JSON.stringify({ entry: "/" + js, css: css.map((c) => "/" + c), preload: preload.map((p) => "/" + p), assets }, null, 2) + "\n");

const firstLoad = ["index.html", js, ...css, ...preload];
let raw = 0, gz = 0;
for (const f of firstLoad) {
  const b = fs.readFileSync(path.join(outDir, f));
  raw += b.length;
  gz += zlib.gzipSync(b, { level: 9 }).length;
}
let total = 0;
for (const f of Object.keys(meta.outputs)) total += fs.statSync(f).size;
fs.writeFileSync(path.join(outDir, "size.json"), JSON.stringify({ firstLoadFiles: firstLoad, firstLoadBytes: raw, firstLoadGzipBytes: gz, allAssetsBytes: total }, null, 2) + "\n");
fs.unlinkSync(path.join(outDir, ".meta.json"));
console.log(`web: first load ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (${firstLoad.length} files)`);
