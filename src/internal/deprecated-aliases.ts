/** Deprecated alias names of renamed preset entries. */

/**
 * A frozen copy of `presets` with each `alias: target` added as a non-enumerable property holding
 * the same value: old names keep working (`presets.seed003`, `'seed003' in presets`) while
 * `Object.keys` (and so CLI help and error lists) shows only the current names.
 */
export function withDeprecatedAliases<T extends object, A extends string>(
  presets: T,
  aliases: Record<A, keyof T>,
): T & Record<A, T[keyof T]> {
  const out = { ...presets } as T & Record<A, T[keyof T]>;
  for (const [alias, target] of Object.entries(aliases) as [A, keyof T][])
    Object.defineProperty(out, alias, { value: presets[target], enumerable: false });
  return Object.freeze(out) as T & Record<A, T[keyof T]>;
}
