/**
 * The shape of a CLI subcommand and the context it runs in. One argument parser for all
 * (`node:util` parseArgs); machine output (`--json`) goes to stdout, human output and progress
 * bars to stderr (bars only when stderr is a terminal).
 */
import type { Readable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import { UlasanError } from '../internal/errors.js';

/** Exit codes of the `ulasan` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed (bad data, training error...). */
  failure: 1,
  /** Wrong usage: unknown command or option, missing required option. */
  usage: 2,
  /** Cancelled with Ctrl-C (SIGINT) or SIGTERM; long jobs save their checkpoint first. */
  aborted: 130,
} as const;

/** Options declared by a command, in parseArgs' format. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a command receives when it runs. */
export interface CommandContext {
  /** Parsed option values (after the global options were removed). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Positional arguments after the command name. */
  positionals: string[];
  /** `--json`: print one JSON document on stdout and nothing else there. */
  json: boolean;
  /** `--verbose`: more detail on stderr, stack traces on error. */
  verbose: boolean;
  /** Aborted on SIGINT or SIGTERM, and when stdout is closed by its reader (EPIPE). */
  signal: AbortSignal;
  /** Writes to stdout, as it is (text or bytes). Nothing is written once the reader closed stdout. */
  out: (text: string | Uint8Array) => void;
  /** Writes a result line (text plus a newline) to stdout: what `ulasan CMD > file` should capture. */
  print: (text: string) => void;
  /** Writes a diagnostic line (progress, notices, what was written where) to stderr. */
  log: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
  /** Standard input, for options given `-` (read it through `./io.js`, which allows one reader). */
  readonly stdin: Readable;
}

/** A `ulasan` subcommand. */
export interface Command {
  /** The word after `ulasan` (may contain a space for nested commands, e.g. `word2vec train`). */
  name: string;
  /** One line for `ulasan --help`. */
  summary: string;
  /** Full help text (usage and options) for `ulasan <name> --help`. */
  help: string;
  options: OptionSpec;
  /**
   * Numeric options and their allowed range. They are checked (as usage errors, exit 2) right
   * after the arguments are parsed, before the command loads any data or model.
   */
  numbers?: Record<string, NumberSpec>;
  /** Runs the command; resolves to an exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** Thrown for wrong usage; the CLI prints the message and exits with {@link ExitCode.usage}. */
export class UsageError extends UlasanError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'UsageError';
  }
}

/** Reads a required string option or throws a {@link UsageError} naming it. */
export function requireString(ctx: CommandContext, name: string): string {
  const v = ctx.values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing required option --${name}`);
  return v;
}

/** The allowed values of a numeric option (see {@link Command.numbers}). */
export interface NumberSpec {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** The value must be greater than `min`, not equal to it. */
  minExclusive?: boolean;
  /** Largest allowed value (inclusive). */
  max?: number;
}

/** Describes a {@link NumberSpec} for an error message: `an integer >= 1`, `a number in (0, 1]`. */
function describeSpec(spec: NumberSpec): string {
  const kind = spec.integer ? 'an integer' : 'a number';
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return `${kind} in ${spec.minExclusive ? '(' : '['}${min}, ${max}]`;
  if (min !== undefined) return `${kind} ${spec.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

/**
 * Parses the value of `--name` as a number and checks it against `spec`; a bad value is a
 * {@link UsageError} naming the flag, the allowed range and what was given.
 */
export function parseNumberOption(name: string, value: unknown, spec: NumberSpec = {}): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const ok =
    Number.isFinite(n) &&
    (!spec.integer || Number.isInteger(n)) &&
    (spec.min === undefined || (spec.minExclusive ? n > spec.min : n >= spec.min)) &&
    (spec.max === undefined || n <= spec.max);
  if (!ok) throw new UsageError(`--${name} expects ${describeSpec(spec)}, got ${JSON.stringify(value)}`);
  return n;
}

/** Reads an optional numeric option, validating it (against `spec`, or the command's {@link Command.numbers}). */
export function optionalNumber(ctx: CommandContext, name: string, spec?: NumberSpec): number | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  return parseNumberOption(name, v, spec);
}
