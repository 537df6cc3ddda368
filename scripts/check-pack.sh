#!/usr/bin/env bash
# Checks the package as users get it: `npm pack`, install the tarball into an empty project, then
#   - ESM: import { useBackend } from 'ulasan/backend' works, selects cpu and wasm, runs an op;
#   - CJS: require('ulasan/backend') works the same way;
#   - import('ulasan/metrics') (and require) load without loading TensorFlow.js;
#   - createSentimentPipeline() classifies with the shipped model (ESM and CJS), offline.
#
# The install is offline, from the npm cache that `npm ci` filled (no network needed). If the cache
# lacks registry metadata for a dependency (it only holds what `npm ci` fetched), it retries with
# --prefer-offline, which reads the cache first and the registry only for what is missing.
#
# Usage: bash scripts/check-pack.sh        (builds first when dist/ is missing)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
log() { printf 'check-pack: %s\n' "$*" >&2; }

if [ ! -f dist/backend/index.js ] || [ ! -f dist/backend/index.cjs ] || [ ! -f dist/metrics/index.js ]; then
  log "dist/ is missing: building"
  npm run build >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ulasan-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --silent --pack-destination "$work" | tail -n1)
log "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"

# TensorFlow.js peers at the versions the repository tests with (what `npm ci` put in the cache):
# core, layers and the cpu backend are required peers; wasm is optional and checked when present.
version_of() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
peers=()
for pkg in @tensorflow/tfjs-core @tensorflow/tfjs-layers @tensorflow/tfjs-backend-cpu; do
  v=$(version_of "$pkg")
  if [ -n "$v" ]; then peers+=("$pkg@$v"); else peers+=("$pkg"); fi
done
wasm_version=$(version_of @tensorflow/tfjs-backend-wasm)
if [ -n "$wasm_version" ]; then peers+=("@tensorflow/tfjs-backend-wasm@$wasm_version"); fi

app="$work/app"
mkdir "$app"
cd "$app"
printf '{ "name": "ulasan-pack-check", "version": "0.0.0", "private": true }\n' > package.json

install() {
  npm install "$@" --no-audit --no-fund --ignore-scripts --loglevel=error "$work/$tarball" "${peers[@]}" >&2
}
if install --offline; then
  log "installed offline from the npm cache"
else
  log "offline install failed (cache lacks some registry metadata); retrying with --prefer-offline"
  install --prefer-offline
fi

fail() {
  log "FAILED: $*"
  exit 1
}

# ESM consumer.
cat > esm.mjs <<'EOF'
import { useBackend, backendInfo, loadTf } from 'ulasan/backend';
if (typeof useBackend !== 'function') throw new Error('useBackend is not a function');
const info = await useBackend('cpu');
if (info.active !== 'cpu') throw new Error(`expected cpu, got ${info.active}`);
if (!info.customKernels.includes('cpu/UnsortedSegmentSum')) throw new Error('custom kernels not registered');
const { tf } = await loadTf();
const sum = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 1, 0], 'int32'), 2).arraySync();
if (JSON.stringify(sum) !== '[3,3]') throw new Error(`unsortedSegmentSum gave ${sum}`);
if (process.argv.includes('--wasm')) {
  const w = await useBackend('wasm');
  if (w.active !== 'wasm') throw new Error(`expected wasm, got ${w.active}`);
  tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync());
}
console.log(`esm ok: ${backendInfo().active}`);
EOF
node esm.mjs ${wasm_version:+--wasm} >&2 || fail "ESM import of ulasan/backend"

# CommonJS consumer.
cat > cjs.cjs <<'EOF'
const { useBackend, backendInfo } = require('ulasan/backend');
if (typeof useBackend !== 'function') throw new Error('useBackend is not a function');
useBackend('cpu')
  .then((info) => {
    if (info.active !== 'cpu') throw new Error(`expected cpu, got ${info.active}`);
    console.log(`cjs ok: ${backendInfo().active}`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
EOF
node cjs.cjs >&2 || fail "CJS require of ulasan/backend"

# ulasan/metrics must not load TensorFlow.js. tfjs' Node entry points are CommonJS, so anything
# loaded shows up in require.cache, for ESM importers too; the last check proves the probe works.
cat > metrics.mjs <<'EOF'
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const tfjsLoaded = () => Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
const metrics = await import('ulasan/metrics');
if (Object.keys(metrics).length === 0) throw new Error('ulasan/metrics exports nothing');
if (tfjsLoaded().length > 0) throw new Error(`import('ulasan/metrics') loaded ${tfjsLoaded()[0]}`);
require('ulasan/metrics');
if (tfjsLoaded().length > 0) throw new Error(`require('ulasan/metrics') loaded ${tfjsLoaded()[0]}`);
const { useBackend } = await import('ulasan/backend');
if (tfjsLoaded().length > 0) throw new Error('importing ulasan/backend must not load tfjs before it is used');
await useBackend('cpu');
if (tfjsLoaded().length === 0) throw new Error('probe broken: tfjs loaded but not seen in require.cache');
console.log(`metrics ok: ${Object.keys(metrics).length} exports, no TensorFlow.js`);
EOF
node metrics.mjs >&2 || fail "ulasan/metrics loaded TensorFlow.js (or did not load)"

# The shipped Indonesian model: createSentimentPipeline() with no arguments, from the installed
# tarball (resources/models/sentiment-id resolved from dist/), ESM and CJS, with no TensorFlow.js.
cat > pretrained.mjs <<'EOF'
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const u = await import('ulasan');
const [p] = await (await u.createSentimentPipeline())(['barangnya bagus banget']);
if (p.label !== 'positive') throw new Error(`expected positive, got ${JSON.stringify(p)}`);
if (Object.keys(require.cache).some((k) => k.includes('@tensorflow'))) throw new Error('the shipped model loaded TensorFlow.js');
console.log(`pretrained esm ok: ${JSON.stringify(p)}`);
EOF
node pretrained.mjs >&2 || fail "createSentimentPipeline() with the shipped model (ESM)"
node -e "require('ulasan').createSentimentPipeline().then((c) => c('barangnya bagus banget')).then((p) => { if (p.label !== 'positive') throw new Error(JSON.stringify(p)); console.log('pretrained cjs ok'); }).catch((e) => { console.error(e); process.exit(1); })" >&2 ||
  fail "createSentimentPipeline() with the shipped model (CJS)"

# The issue's one-liner, exactly as a newcomer types it (the output is what they see).
out=$(node -e "import('ulasan').then(async u => console.log(await (await u.createSentimentPipeline())(['barangnya bagus banget'])))" 2>&1) \
  || fail "the README one-liner failed: $out"
printf '%s\n' "$out" >&2
printf '%s' "$out" | grep -q "label: 'positive'" || fail "the README one-liner did not print a positive label: $out"

log "all checks passed"
