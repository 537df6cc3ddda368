/**
 * The shape of a CLI subcommand and the context it runs in. One argument parser for all
 * (`node:util` parseArgs); machine output (`--json`) goes to stdout, human output and progress
 * bars to stderr (bars only when stderr is a terminal).
 */
import type { ParseArgsConfig } from 'node:util';
import { UlasanError } from '../internal/errors.js';

/** Exit codes of the `ulasan` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed (bad data, training error...). */
  failure: 1,
  /** Wrong usage: unknown command or option, missing required option. */
  usage: 2,
  /** Cancelled with Ctrl-C. */
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
  /** Aborted on SIGINT. */
  signal: AbortSignal;
  /** Writes to stdout. */
  out: (text: string) => void;
  /** Writes a human-readable line to stderr. */
  log: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
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

/** Reads an optional numeric option, validating it. */
export function optionalNumber(ctx: CommandContext, name: string): number | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`--${name} expects a number, got ${JSON.stringify(v)}`);
  }
  return n;
}
