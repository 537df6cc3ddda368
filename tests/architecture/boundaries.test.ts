/**
 * The module boundaries of docs/architecture.md, enforced: every import in `src/` is read (static,
 * type-only, re-exports and dynamic `import()`), mapped to the area it comes from and the area it
 * reaches, and checked against the allowed edges. A new folder under `src/` must be added to the
 * map here and in docs/architecture.md before its files can import anything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/**
 * Area → the areas its files may import from (besides itself and Node builtins). Mirrors the
 * diagram in docs/architecture.md.
 */
const ALLOWED: Record<string, readonly string[]> = {
  internal: [],
  accel: [],
  core: ['internal'],
  data: ['internal', 'core'],
  backend: ['internal', 'accel'],
  metrics: ['internal', 'core'],
  ssl: ['internal', 'core', 'metrics'],
  text: ['internal', 'core', 'data', 'accel', 'backend', 'metrics'],
  vision: ['internal', 'core', 'data', 'accel', 'backend', 'metrics'],
  experiments: ['internal', 'core', 'data', 'backend', 'metrics'],
  report: ['internal', 'core', 'data', 'backend', 'metrics', 'text', 'vision', 'ssl', 'experiments'],
  testing: ['internal', 'core', 'data', 'metrics', 'text', 'vision', 'backend'],
  facade: ['internal', 'core', 'data', 'backend', 'metrics', 'text', 'vision', 'ssl', 'experiments'],
  cli: [
    'internal',
    'core',
    'data',
    'accel',
    'backend',
    'metrics',
    'ssl',
    'text',
    'vision',
    'experiments',
    'report',
    'facade',
  ],
};

/**
 * Edges the architecture forbids but the code still has, each with the reason it is tolerated.
 * The test fails when one disappears too (so the list only ever shrinks).
 */
const KNOWN_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

/** Packages that only `src/backend/` may load as values (everyone else imports their types). */
const ENGINE_PACKAGES = /^@tensorflow\//;
/** Optional or native peers: only ever loaded with a dynamic `import()` inside the function that needs them. */
const OPTIONAL_PEERS = /^(sharp|webgpu|@vladmandic\/face-api|@ffmpeg-installer\/ffmpeg|bullmq|ioredis|h5wasm)(\/|$)/;

function areaOf(file: string): string {
  const rel = relative(src, file).split(/[\\/]/);
  if (rel.length === 1) return 'facade'; // src/index.ts, src/sentiment-pipeline.ts
  return rel[0] as string;
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

/** Imports of one file; comments are stripped first so documentation examples do not count. */
function importsOf(code: string): ImportRef[] {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const refs: ImportRef[] = [];
  const statics = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(statics)) {
    const clause = m[3] ?? '';
    // `import { type A, type B } from` is type-only too.
    const allTypes =
      /^\{[^}]*\}$/.test(clause.trim()) &&
      clause
        .replace(/[{}\s]/g, '')
        .split(',')
        .every((p) => p === '' || p.startsWith('type'));
    refs.push({ specifier: m[4] as string, typeOnly: m[2] !== undefined || allTypes, dynamic: false });
  }
  for (const m of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) {
    refs.push({ specifier: m[1] as string, typeOnly: false, dynamic: false });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    // `typeof import('x')` in a type position loads nothing.
    const before = text.slice(Math.max(0, (m.index ?? 0) - 7), m.index);
    refs.push({
      specifier: m[1] as string,
      typeOnly: /typeof\s*$/.test(before) || /[:<|&,]\s*$/.test(before),
      dynamic: true,
    });
  }
  return refs;
}

const files = listSources(src);

describe('module boundaries (docs/architecture.md)', () => {
  it('every folder under src/ has a place in the architecture', () => {
    const areas = new Set(files.map(areaOf));
    const unknown = [...areas].filter((a) => !(a in ALLOWED));
    expect(unknown, 'add these folders to ALLOWED here and to docs/architecture.md').toEqual([]);
  });

  const violations: string[] = [];
  const exceptionsSeen = new Set<string>();
  for (const file of files) {
    const from = areaOf(file);
    const rel = relative(root, file);
    for (const ref of importsOf(readFileSync(file, 'utf8'))) {
      if (ref.specifier.startsWith('.')) {
        const target = resolve(dirname(file), ref.specifier);
        if (!target.startsWith(src)) {
          violations.push(`${rel} imports ${ref.specifier}, outside src/`);
          continue;
        }
        const to = areaOf(target);
        if (to === from || ALLOWED[from]?.includes(to)) continue;
        const exception = KNOWN_EXCEPTIONS.find((e) => e.from === rel && e.to === to);
        if (exception) {
          exceptionsSeen.add(`${exception.from}→${exception.to}`);
          continue;
        }
        violations.push(
          `${rel} (${from}) imports ${ref.specifier} (${to}): ${from} may import only ${ALLOWED[from]?.join(', ') || 'nothing'}`,
        );
      } else if (ENGINE_PACKAGES.test(ref.specifier) && !ref.typeOnly && from !== 'backend') {
        violations.push(
          `${rel} loads ${ref.specifier}: only src/backend/ loads TensorFlow.js (use loadTf(); import types only)`,
        );
      } else if (OPTIONAL_PEERS.test(ref.specifier) && !ref.typeOnly && !ref.dynamic) {
        violations.push(
          `${rel} imports the optional peer ${ref.specifier} statically: load it with import() where it is needed`,
        );
      } else if (
        ENGINE_PACKAGES.test(ref.specifier) &&
        ['metrics', 'ssl', 'core', 'data', 'internal', 'accel'].includes(from)
      ) {
        violations.push(
          `${rel} (${from}) refers to ${ref.specifier}: ${from} never touches TensorFlow.js, not even its types`,
        );
      }
    }
  }

  it('no import crosses a forbidden boundary', () => {
    expect(violations).toEqual([]);
  });

  it('every tolerated exception still exists (remove it from KNOWN_EXCEPTIONS once fixed)', () => {
    const stale = KNOWN_EXCEPTIONS.filter((e) => !exceptionsSeen.has(`${e.from}→${e.to}`)).map(
      (e) => `${e.from}→${e.to}`,
    );
    expect(stale).toEqual([]);
  });

  it('no public entry (a barrel or src/*.ts) re-exports src/internal/ directly: public names go through a public module (e.g. core/errors.ts)', () => {
    const entries = files.filter((f) => {
      const rel = relative(src, f).split(/[\\/]/);
      return rel.length === 1 || (rel.length === 2 && rel[1] === 'index.ts');
    });
    const direct: string[] = [];
    for (const file of entries) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const m of code.matchAll(/^\s*export\s+[^;]*?from\s*['"]([^'"]+)['"]/gm)) {
        const target = resolve(dirname(file), m[1] as string);
        if (m[1]?.startsWith('.') && areaOf(target) === 'internal' && areaOf(file) !== 'internal')
          direct.push(`${relative(root, file)} exports ${m[1]}`);
      }
    }
    expect(direct).toEqual([]);
  });

  it('the import reader sees static, type-only, dynamic and re-exported imports', () => {
    const refs = importsOf(
      [
        "import { a } from './a.js';",
        "import type { B } from '../b.js';",
        "import { type C, type D } from './c.js';",
        "export { e } from './e.js';",
        "const f = await import('../f.js');",
        "type G = typeof import('@tensorflow/tfjs-core');",
        "// import { h } from './commented.js';",
      ].join('\n'),
    );
    expect(refs).toEqual([
      { specifier: './a.js', typeOnly: false, dynamic: false },
      { specifier: '../b.js', typeOnly: true, dynamic: false },
      { specifier: './c.js', typeOnly: true, dynamic: false },
      { specifier: './e.js', typeOnly: false, dynamic: false },
      { specifier: '../f.js', typeOnly: false, dynamic: true },
      { specifier: '@tensorflow/tfjs-core', typeOnly: true, dynamic: true },
    ]);
  });
});
