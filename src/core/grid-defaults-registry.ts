/**
 * Model-family grid defaults by the URL of the module that defines them. A grid's worker threads
 * find the family's defaults by importing that module (`GridDefaults.module`). Its exports are not
 * enough: a bundler puts the object in whichever shared chunk holds its code, and that chunk need
 * not export it (the CLI's build does not), so the defining module also registers the object here
 * when it is evaluated. Keyed on a global symbol, so every copy of ulasan in a thread sees one table.
 */

const TABLE = Symbol.for('ulasan.grid-defaults.by-module');

function table(): Map<string, object> {
  const g = globalThis as { [TABLE]?: Map<string, object> };
  g[TABLE] ??= new Map();
  return g[TABLE];
}

/** Records `defaults` as the grid defaults of the module at `moduleUrl` (a file: URL). */
export function registerGridDefaultsModule(moduleUrl: string, defaults: object): void {
  table().set(moduleUrl, defaults);
}

/** The grid defaults the module at `moduleUrl` registered when it was evaluated, if any. */
export function registeredGridDefaults(moduleUrl: string): object | undefined {
  return table().get(moduleUrl);
}
