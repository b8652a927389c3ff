#!/usr/bin/env bash
# Builds the web client into web/dist/: TypeScript types from the .graphql
# operations (when a clinic binary is at hand), type-check (tsc, strict), bundle
# (esbuild: minified, code-split, hashed names), index.html + assets manifest.
# Skips everything when web/ sources are unchanged since the last build.
# Debian packages: node-typescript esbuild node-react node-react-dom node-chart.js
set -euo pipefail
WEB="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$WEB")"
cd "$WEB"
export NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs

# 1. Regenerate operation types with `clinic graphql typescript`, if a binary is available
#    (the generated files are committed, so a build without one still works).
CLINIC_BIN="${CLINIC_BIN:-}"
if [ -z "$CLINIC_BIN" ]; then
  for c in "$ROOT/.build/release/clinic" "$ROOT/.build/debug/clinic"; do
    if [ -x "$c" ]; then CLINIC_BIN="$c"; break; fi
  done
fi
mapfile -t DOCS < <(find src -name '*.graphql' | LC_ALL=C sort)
if [ -n "$CLINIC_BIN" ]; then
  if ! "$CLINIC_BIN" graphql typescript --schema "$ROOT/schema.graphql" "${DOCS[@]}" --out src/generated; then
    echo "web/build.sh: '$CLINIC_BIN graphql typescript' failed; using the committed generated types" >&2
    [ "${WEB_STRICT_CODEGEN:-0}" = 1 ] && exit 1
  fi
fi

# 2. Skip when nothing changed.
HASH="$( { find src tools -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum tsconfig.json index.html build.sh; } | sha256sum | cut -c1-64)"
if [ -f dist/.source-hash ] && [ "$(cat dist/.source-hash)" = "$HASH" ] && [ -f dist/index.html ]; then
  echo "web: dist/ is up to date"
  exit 0
fi

# 3. Type-check.
tsc -p tsconfig.json

# 4. Bundle.
rm -rf dist.tmp
mkdir -p dist.tmp
esbuild src/main.tsx --bundle --splitting --format=esm --platform=browser --target=es2020 --minify \
  --jsx=automatic --define:process.env.NODE_ENV='"production"' --legal-comments=none \
  --entry-names='[name]-[hash]' --chunk-names='chunk-[hash]' --asset-names='[name]-[hash]' \
  --metafile=dist.tmp/.meta.json --outdir=dist.tmp --log-level=warning

# 5. index.html, assets manifest, first-load size.
node tools/postbuild.js dist.tmp index.html
echo "$HASH" > dist.tmp/.source-hash
rm -rf dist.old
[ -d dist ] && mv dist dist.old
mv dist.tmp dist
rm -rf dist.old
