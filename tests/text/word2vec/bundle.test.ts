/**
 * The training workers run from source text (`eval: true`), so they must work the same from the
 * ESM and CJS builds as from the TypeScript sources. This bundles the Word2Vec entry both ways,
 * as tsup does for dist/, and trains with two worker threads from each bundle in a fresh Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../../src/text/word2vec/index.ts', import.meta.url));

const script = (load: string) => `
${load}
const sentences = [];
for (let i = 0; i < 400; i++) sentences.push(['makanan', 'enak', 'sekali', 'harga', i % 2 ? 'murah' : 'mahal', 'tempat', 'nyaman']);
new Word2VecTrainer({ vectorSize: 16, minCount: 1, epochs: 2, threads: 2 }).train(sentences).then((wv) => {
  console.log(JSON.stringify({ size: wv.size, finite: wv.vectors.every(Number.isFinite) }));
});`;

describe('Word2Vec from ESM and CJS bundles', () => {
  it('trains with worker threads from both module formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ulasan-w2v-bundle-'));
    // The library config of tsup.config.ts: ESM + CJS, code splitting, shims.
    await build({
      entry: { word2vec: entry },
      format: ['esm', 'cjs'],
      outDir: dir,
      platform: 'node',
      target: 'node20',
      splitting: true,
      shims: true,
      dts: false,
      config: false,
      silent: true,
    });
    // As in this package: "type": "module", so .js is the ESM build and .cjs the CJS one.
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    for (const format of ['esm', 'cjs'] as const) {
      const main = join(dir, `main.${format === 'esm' ? 'mjs' : 'cjs'}`);
      writeFileSync(
        main,
        script(
          format === 'esm'
            ? `import { Word2VecTrainer } from './word2vec.js';`
            : `const { Word2VecTrainer } = require('./word2vec.cjs');`,
        ),
      );
      const stdout = execFileSync(process.execPath, [main], { encoding: 'utf8', timeout: 60_000 });
      expect(JSON.parse(stdout), format).toEqual({ size: 8, finite: true });
    }
    // Flags of the parent (here --input-type=module, which would turn the eval'd worker into ESM)
    // must not leak into the workers.
    const esm = `import { Word2VecTrainer } from ${JSON.stringify(pathToFileURL(join(dir, 'word2vec.js')).href)};`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script(esm)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({ size: 8, finite: true });
  });
});
