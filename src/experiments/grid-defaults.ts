/**
 * What a model family plugs into the grid runner when a grid names no `classifierFactory`: the
 * factory, the option names it knows (to warn about typos), how the grid's shared embeddings are
 * made and reloaded, and where this object can be imported again in a worker thread. Experiments
 * knows no model family; the text one is `textGridDefaults` from `src/text/grid.ts`, injected by
 * the public `ulasan/experiments` entry and the CLI.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registeredGridDefaults } from '../core/grid-defaults-registry.js';
import type { GridEmbeddingsRequest } from '../core/grid-embeddings.js';
import { UlasanError } from '../internal/errors.js';
import type { ClassifierFactory } from './grid-runner.js';

/** Marks a {@link GridDefaults} object, so a worker finds it among a module's exports whatever their names. */
export const GRID_DEFAULTS_KIND = 'ulasan.grid-defaults';

/**
 * Defaults of the grid runner for one model family.
 *
 * @example
 * ```ts
 * const defaults: GridDefaults = {
 *   kind: GRID_DEFAULTS_KIND,
 *   name: 'my-models',
 *   factory: (options) => new MyClassifier(options),
 *   optionNames: ['model', 'seed', 'depth'],
 * };
 * await runGrid(config, { defaults });
 * ```
 */
export interface GridDefaults<X = string> {
  /** Always {@link GRID_DEFAULTS_KIND}. */
  readonly kind: typeof GRID_DEFAULTS_KIND;
  /** The family's name, for messages (`text`). */
  readonly name: string;
  /** Makes the classifier of a scenario. */
  readonly factory: ClassifierFactory<X>;
  /** Option names the family's classifiers know; others are warned about (with the nearest name). */
  readonly optionNames?: readonly string[];
  /** Loads or trains the config's `embeddings`, shared by every scenario. */
  readonly prepareEmbeddings?: (request: GridEmbeddingsRequest) => Promise<object>;
  /** Reloads the embeddings a coordinator saved for its workers. */
  readonly loadEmbeddings?: (path: string) => Promise<object>;
  /**
   * URL of a module exporting this object, so worker threads (and queue workers on this host) can
   * import the same defaults.
   */
  readonly module?: string;
}

/** True when `value` is a {@link GridDefaults}. */
export function isGridDefaults(value: unknown): value is GridDefaults<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === GRID_DEFAULTS_KIND &&
    typeof (value as { factory?: unknown }).factory === 'function'
  );
}

/**
 * Imports a module and returns the {@link GridDefaults} it exports (under any name: bundlers rename
 * exports of shared chunks) or registered under its URL when it was evaluated (a bundled chunk may
 * hold the object without exporting it). Internal; for the workers.
 */
export async function importGridDefaults<X>(module: string): Promise<GridDefaults<X>> {
  const url = /^[a-z]+:/i.test(module) ? module : pathToFileURL(module).href;
  // The CommonJS build turns import() into require(), which takes paths, not file URLs.
  const commonJs = typeof __filename === 'string' && __filename.endsWith('.cjs');
  const mod = (await import(commonJs && url.startsWith('file:') ? fileURLToPath(url) : url)) as Record<string, unknown>;
  const found = Object.values(mod).find(isGridDefaults) ?? registeredGridDefaults(url);
  if (!isGridDefaults(found)) {
    throw new UlasanError(
      'CONFIG',
      `grid defaults module ${module} neither exports nor registers a grid defaults object (kind "${GRID_DEFAULTS_KIND}").`,
    );
  }
  return found as GridDefaults<X>;
}

/** The error of a grid that names no classifierFactory when no defaults were injected. */
export function missingGridDefaults(name: string): UlasanError {
  return new UlasanError(
    'CONFIG',
    `grid "${name}" names no classifierFactory and no model-family defaults were given. Import runGrid from "ulasan/experiments" (it uses the text models by default), or pass classifierFactory (e.g. visionClassifierFactory()).`,
  );
}
