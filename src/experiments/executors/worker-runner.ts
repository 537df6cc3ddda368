/**
 * What every worker (thread or queue process) does before its first scenario: select the
 * coordinator's backend, load the custom classifier factory if any, and build the scenario runner
 * of the grid. Internal to the executors.
 */
import { pathToFileURL } from 'node:url';
import { UlasanError } from '../../internal/errors.js';
import { type GridDefaults, importGridDefaults } from '../grid-defaults.js';
import { type ClassifierFactory, createSpecRunner } from '../grid-runner.js';
import type { GridJobSpec } from './types.js';

/** How a worker gets its classifiers. */
export interface WorkerFactoryOptions<X = string> {
  /** A module whose default export (or `classifierFactory` export) is the factory. */
  factoryModule?: string | undefined;
  /** The factory itself (a worker started from your own script). */
  classifierFactory?: ClassifierFactory<X> | undefined;
  /** Backend to use instead of the coordinator's (the numbers may then differ slightly). */
  backend?: string | undefined;
  /**
   * The model family used when the grid has no custom factory (the text models, given by the CLI's
   * `worker` and `ulasan/experiments`); default: imported from the spec's `defaultsModule`.
   */
  defaults?: GridDefaults<X> | undefined;
}

/** Builds the scenario runner of a grid spec for this worker. */
export async function prepareWorkerRunner<X>(spec: GridJobSpec<X>, options: WorkerFactoryOptions<X> = {}) {
  const backend = options.backend ?? spec.backend;
  if (backend) {
    const { backendInfo, useBackend } = await import('../../backend/backends.js');
    if (backendInfo().active !== backend) await useBackend(backend);
  }
  const factory =
    options.classifierFactory ?? (options.factoryModule ? await loadFactory<X>(options.factoryModule) : undefined);
  let defaults = options.defaults;
  if (!factory && !defaults && spec.defaultsModule) defaults = await importGridDefaults<X>(spec.defaultsModule);
  return createSpecRunner(spec, factory, defaults);
}

async function loadFactory<X>(module: string): Promise<ClassifierFactory<X>> {
  const url = /^[a-z]+:/i.test(module) ? module : pathToFileURL(module).href;
  const mod = (await import(url)) as { default?: unknown; classifierFactory?: unknown };
  const factory = mod.classifierFactory ?? mod.default;
  if (typeof factory !== 'function') {
    throw new UlasanError(
      'CONFIG',
      `factory module ${module} exports no classifierFactory function (expected a default export or a named export "classifierFactory").`,
    );
  }
  return factory as ClassifierFactory<X>;
}
