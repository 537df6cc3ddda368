import { defineConfig } from 'tsup';

// Library entries mirror the `exports` map in package.json; each is built as ESM + CJS with types.
// TensorFlow.js, sharp and webgpu stay external (peers / dependencies): one copy of the engine.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'text/index': 'src/text/index.ts',
      'vision/index': 'src/vision/index.ts',
      'metrics/index': 'src/metrics/index.ts',
      'ssl/index': 'src/ssl/index.ts',
      'backend/index': 'src/backend/index.ts',
      // ulasan/experiments = the experiments barrel + the text models as default family (facade level).
      'experiments/index': 'src/experiments-entry.ts',
      'report/index': 'src/report/index.ts',
      // ulasan/testing = the classifier conformance suite (for plugin authors' tests).
      'testing/index': 'src/testing/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    splitting: true,
    target: 'node20',
    outDir: 'dist',
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    shims: true,
    splitting: true,
    target: 'node20',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
