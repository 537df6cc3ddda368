/**
 * The license-clean data files shipped in the package's `resources/` folder (slang map, stopword
 * lists, emoji names, interjections). Files are read lazily on first use and cached, never at import
 * time. See `docs/resources.md` and `resources/LICENSES.md` for provenance.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UlasanError } from '../../internal/errors.js';
import { readTextFile } from './text-input.js';

/** Names of the files in `resources/` that the library reads. */
export type ResourceName =
  | 'slang-id.tsv'
  | 'interjections-id.txt'
  | 'stopwords-id.txt'
  | 'stopwords-id-sentiment.txt'
  | 'stopwords-en.txt'
  | 'stopwords-en-sentiment.txt'
  | 'emoji-id.tsv'
  | 'emoji-en.tsv';

let resourcesDirCache: string | undefined;
const textCache = new Map<ResourceName, string>();

/**
 * Absolute path of the shipped `resources/` folder. Walks up from this module because the module may
 * run from `src/text/preprocess/` (tests), `dist/` or a `dist/` chunk: the folder sits at the package root.
 */
export function resourcesDir(): string {
  if (resourcesDirCache) return resourcesDirCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'LICENSES.md'))) {
      resourcesDirCache = candidate;
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new UlasanError(
    'FILE_NOT_FOUND',
    'The ulasan resources/ folder (built-in slang map and stopword lists) was not found next to the package. ' +
      'If you bundled ulasan, copy node_modules/ulasan/resources next to the bundle, or pass your own lists ' +
      '(createSlangLexicon({ builtin: false, path }), removeStopwords(tokens, myList)).',
  );
}

/** The text of a shipped resource file (cached). */
export function readResource(name: ResourceName): string {
  let text = textCache.get(name);
  if (text === undefined) {
    text = readTextFile(join(resourcesDir(), name), 'ulasan resource');
    textCache.set(name, text);
  }
  return text;
}

/**
 * Parses a word list: one entry per line, `#` starts a comment, blank lines ignored, entries
 * lower-cased. A line with inner whitespace is an error naming the line (it is almost always a
 * pasted sentence or a wrong delimiter, and silently keeping it would never match a token).
 */
export function parseWordList(text: string, source: string): string[] {
  const words: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i] as string).trim();
    if (line === '') continue;
    if (/\s/.test(line)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: expected one word per line, found ${JSON.stringify(line)}. Put each word on its own line.`,
      );
    }
    words.push(line.toLowerCase());
  }
  return words;
}

/**
 * Parses a two-column tab-separated map (`key<TAB>value`, value may be empty or several words).
 * `#` at the start of a line starts a comment. Bad rows raise an error naming the line.
 */
export function parseTsvMap(text: string, source: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const cells = raw.split('\t');
    if (cells.length !== 2 || (cells[0] as string).trim() === '') {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: expected "key<TAB>value" (2 columns), found ${cells.length} column(s): ${JSON.stringify(raw.slice(0, 80))}.`,
      );
    }
    rows.push([(cells[0] as string).trim(), (cells[1] as string).trim()]);
  }
  return rows;
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}
