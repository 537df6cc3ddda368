/**
 * The `ulasan` command-line entry point: global options (anywhere on the line), subcommand
 * dispatch, `ulasan help CMD`, one-line errors (and one JSON error document with `--json`),
 * documented exit codes (see ExitCode), SIGINT/SIGTERM → cancellation, a clean stop when the
 * reader of stdout goes away (EPIPE).
 */
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { closest } from '../internal/closest.js';
import { UlasanError } from '../internal/errors.js';
import { ulasanVersion } from '../internal/version.js';
import { type Command, type CommandContext, ExitCode, parseNumberOption, UsageError } from './command.js';
import { commandLoaders } from './commands/index.js';
import { releaseStdin } from './io.js';

const GLOBAL_HELP = (
  names: string[],
  summaries: Record<string, string>,
) => `ulasan ${ulasanVersion()}: sentiment pipelines for Indonesian reviews

Usage: ulasan <command> [options]
       ulasan help <command>

Commands:
${names.map((n) => `  ${n.padEnd(18)} ${summaries[n] ?? ''}`).join('\n')}

Global options (anywhere on the line):
  --json      machine-readable output: one JSON document on stdout (errors too: {"error": {...}})
  --verbose   more detail on stderr, stack traces on error
  --help, -h  help for ulasan or for a command
  --version   print the version

Results go to stdout, progress and diagnostics to stderr. "-" stands for stdin where a file is
read and for stdout where a file is written.
Exit codes: 0 ok, 1 failure, 2 usage error, 130 cancelled (SIGINT or SIGTERM). A closed stdout
(e.g. "| head") stops the command quietly with the exit code it would have had (0).
Environment: ULASAN_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu|webgpu|auto selects the compute backend;
ULASAN_THREADS=N sets the threads of the LSTM/GRU kernels (default: the cores, at most 4; results do not
depend on it); ULASAN_KERNEL_MATH=fma makes their matrix products use fused multiply-add (faster;
results differ from the default "exact" in the last bits).`;

/** The standard streams a CLI run talks to (the process's own by default; tests pass their own). */
export interface CliIo {
  /** Writes to stdout. */
  out(s: string | Uint8Array): void;
  /** Writes to stderr. */
  err(s: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
  /** Where `-` inputs are read from (default `process.stdin`). */
  stdin?: Readable;
  /**
   * Set by the io when stdout's reader has gone away (EPIPE): from then on nothing is written
   * there and the running command is cancelled.
   */
  onOutputClosed?: (listener: (error: NodeJS.ErrnoException) => void) => void;
  /** Called with a listener for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal?: (listener: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

const GLOBAL_FLAGS: Record<string, 'json' | 'verbose' | 'help' | 'version'> = {
  '--json': 'json',
  '--verbose': 'verbose',
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
};

interface Globals {
  json: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
  /** The arguments without the global flags (everything after `--` kept as it is). */
  rest: string[];
}

/** Takes the global flags out of `argv`, wherever they are (up to a `--`). */
export function splitGlobalFlags(argv: string[]): Globals {
  const g: Globals = { json: false, verbose: false, help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      g.rest.push(...argv.slice(i));
      break;
    }
    const flag = GLOBAL_FLAGS[a];
    if (flag) g[flag] = true;
    else g.rest.push(a);
  }
  return g;
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await runCli(['evaluate', '--model', 'models/gru', '--data', 'valid.tsv', '--json']);
 * ```
 */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const globals = splitGlobalFlags(argv);
  const controller = new AbortController();
  let outputClosed: NodeJS.ErrnoException | undefined;
  let cancelledBy: string | undefined;
  io.onOutputClosed?.((error) => {
    outputClosed = error;
    controller.abort();
  });
  const removeSignal = (io.onSignal ?? processSignals)((signal) => {
    if (controller.signal.aborted) {
      io.err(`\nulasan: ${signal} again: stopping now.\n`);
      process.exit(ExitCode.aborted);
    }
    cancelledBy = signal;
    io.err(
      `\nulasan: ${signal}: cancelling${signal === 'SIGINT' ? ' (press Ctrl-C again to force)' : ''}; long jobs save their checkpoint first...\n`,
    );
    controller.abort();
  });
  const quietIo: CliIo = {
    ...io,
    out: (s) => {
      if (!outputClosed) io.out(s);
    },
  };
  try {
    const code = await dispatch(globals, quietIo, controller.signal);
    if (outputClosed && outputClosed.code !== 'EPIPE') return ExitCode.failure;
    if (cancelledBy && !outputClosed) {
      io.err(`ulasan: cancelled (${cancelledBy}).\n`);
      return ExitCode.aborted;
    }
    return code;
  } catch (error) {
    if (outputClosed && isAbort(error)) return outputClosed.code === 'EPIPE' ? ExitCode.ok : ExitCode.failure;
    if (outputClosed?.code === 'EPIPE') return ExitCode.ok;
    const code = exitCodeOf(error);
    io.err(`${formatError(error, globals.verbose)}\n`);
    if (globals.json && !outputClosed) io.out(`${JSON.stringify({ error: errorJson(error, code) })}\n`);
    return code;
  } finally {
    removeSignal();
  }
}

function isAbort(error: unknown): boolean {
  return UlasanError.isInstance(error) && error.code === 'ABORTED';
}

/** The exit code of a failed run: 2 for wrong usage (also a bad value a library rejects), 130 cancelled, else 1. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return ExitCode.usage;
  if (UlasanError.isInstance(error)) {
    if (error.code === 'ABORTED') return ExitCode.aborted;
    // The library's INVALID_ARGUMENT / UNKNOWN_BACKEND mean "an option has a wrong value": on the
    // command line that is a usage error, like the ones the CLI catches itself.
    if (error.code === 'INVALID_ARGUMENT' || error.code === 'UNKNOWN_BACKEND') return ExitCode.usage;
  }
  return ExitCode.failure;
}

function errorJson(error: unknown, exitCode: number): { code: string; message: string; exitCode: number } {
  const e = error instanceof Error ? error : new Error(String(error));
  const code =
    error instanceof UsageError
      ? 'USAGE'
      : typeof (e as { code?: unknown }).code === 'string'
        ? String((e as unknown as { code: string }).code)
        : 'INTERNAL';
  return { code, message: cliMessage(e.message), exitCode };
}

async function dispatch(globals: Globals, io: CliIo, signal: AbortSignal): Promise<number> {
  const names = Object.keys(commandLoaders).sort();
  let args = globals.rest;
  // `ulasan help [CMD...]` is `ulasan [CMD...] --help`.
  let help = globals.help;
  if (args[0] === 'help') {
    help = true;
    args = args.slice(1);
  }
  const { commandName, words } = findCommand(args);
  if (!commandName) {
    if (globals.version) {
      io.out(`${ulasanVersion()}\n`);
      return ExitCode.ok;
    }
    const groups = words.length > 0 ? names.filter((n) => n.startsWith(`${words[0]} `)) : [];
    if (words.length > 0 && groups.length === 0) {
      const near = closest(words.slice(0, 2).join(' '), names) ?? closest(words[0] as string, names);
      throw new UsageError(
        `unknown command "${words.join(' ')}"${near ? ` (did you mean "${near}"?)` : ''}. Run "ulasan --help" to list commands.`,
      );
    }
    const shown = groups.length > 0 ? groups : names;
    const summaries: Record<string, string> = {};
    for (const n of shown) summaries[n] = (await commandLoaders[n]!()).summary;
    const text = `${GLOBAL_HELP(shown, summaries)}\n`;
    // Asked for: on stdout, exit 0. Shown because the command is incomplete: on stderr, exit 2.
    if (help) {
      io.out(text);
      return ExitCode.ok;
    }
    io.err(text);
    return ExitCode.usage;
  }
  const command = await commandLoaders[commandName]!();
  if (help) {
    io.out(`${command.help}\n`);
    return ExitCode.ok;
  }
  if (globals.version) {
    io.out(`${ulasanVersion()}\n`);
    return ExitCode.ok;
  }
  const rest = args.slice(commandName.split(' ').length);
  return runCommand(command, rest, io, globals, signal);
}

/** The longest command name (up to three words) that `args` starts with. */
function findCommand(args: string[]): { commandName?: string; words: string[] } {
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const candidate = words.slice(0, n).join(' ');
    if (commandLoaders[candidate]) return { commandName: candidate, words };
  }
  return { words };
}

/**
 * Lets option values start with a dash when they are numbers: `--epochs -1` becomes
 * `--epochs=-1` (parseArgs would take `-1` for a flag and say "argument is ambiguous"), so the
 * range check can say what is wrong with the value.
 */
export function joinNegativeValues(args: string[], options: Command['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

async function runCommand(
  command: Command,
  rest: string[],
  io: CliIo,
  globals: Globals,
  signal: AbortSignal,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, command.options),
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see "ulasan help ${command.name}")`);
  }
  const values = parsed.values as CommandContext['values'];
  // Numeric options are checked before anything is loaded.
  for (const [name, spec] of Object.entries(command.numbers ?? {})) {
    const v = values[name];
    if (v !== undefined) parseNumberOption(name, v, spec);
  }
  const ctx: CommandContext = {
    values,
    positionals: parsed.positionals,
    json: globals.json,
    verbose: globals.verbose,
    signal,
    out: (s) => io.out(s),
    print: (text) => io.out(`${text}\n`),
    log: (text) => io.err(`${text}\n`),
    interactive: io.interactive,
    // Lazy: touching process.stdin opens it, which only commands reading "-" should do.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
  };
  return command.run(ctx);
}

/**
 * Library messages name library options (`resume: true`, `labelColumn`); on the command line the
 * user needs the flags. These rewrites translate the ones the commands can raise.
 */
const FLAG_NAMES: [RegExp, string][] = [
  [/\(or pass resume: false\)/g, '(or run without --resume)'],
  [/resume with resume: true/g, 'resume with --resume'],
  [/Pass --resume \(resume: true\)/g, 'Pass --resume'],
  [
    /Use another checkpointDir, delete the file, or pass resume: false\./g,
    'Use another --out folder or delete the file.',
  ],
  [/Pass textColumn \(CLI: --text-col\)/g, 'Pass --text-col'],
  [/Pass labelColumn \(CLI: --label-col\)/g, 'Pass --label-col'],
  [/pass onInvalidRow: 'skip' \(CLI: --skip-invalid\)/g, 'pass --skip-invalid'],
  [
    /pick columns by 0-based index, or pass header: true\./g,
    'pick columns by 0-based index (--text-col 0 --label-col 1).',
  ],
  [/Shrink it or raise maxPixels\./g, 'Shrink it (the CLI keeps the default pixel limit).'],
];

/** Rewrites library option names in an error message into the CLI flags that set them. */
export function cliMessage(message: string): string {
  let m = message;
  for (const [pattern, replacement] of FLAG_NAMES) m = m.replace(pattern, replacement);
  return m;
}

function formatError(error: unknown, verbose: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const line = `ulasan: ${isAbort(error) ? 'cancelled' : 'error'}: ${cliMessage(e.message)}`;
  if (!verbose) return line;
  let text = `${line}\n${e.stack ?? ''}`;
  if (e.cause)
    text += `\nCaused by: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}`;
  return text;
}

function processSignals(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
  const onInt = () => listener('SIGINT');
  const onTerm = () => listener('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

function defaultIo(): CliIo {
  const listeners: ((error: NodeJS.ErrnoException) => void)[] = [];
  let closed = false;
  // A reader that goes away (`| head`) makes the next write fail with EPIPE: stop writing and
  // cancel the command instead of crashing with an unhandled 'error' event.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    for (const l of listeners) l(error);
    if (error.code !== 'EPIPE') process.stderr.write(`ulasan: error: cannot write to stdout: ${error.message}\n`);
  });
  process.stderr.on('error', () => {});
  return {
    out: (s) => {
      if (!closed) process.stdout.write(s);
    },
    err: (s) => {
      process.stderr.write(s);
    },
    interactive: process.stderr.isTTY === true,
    onOutputClosed: (l) => listeners.push(l),
  };
}

const isMain = (() => {
  const entry = process.argv[1] ?? '';
  return /(?:^|[\\/])(?:main\.(?:js|ts|mjs)|ulasan)$/.test(entry);
})();

if (isMain) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // A command that stopped early (EPIPE, cancel) may leave stdin half-read: let the process end.
    releaseStdin();
  });
}
