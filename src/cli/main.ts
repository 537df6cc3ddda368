/**
 * The `ulasan` command-line entry point: global options, subcommand dispatch, one-line errors,
 * documented exit codes (see ExitCode), SIGINT → cancellation.
 */
import { parseArgs } from 'node:util';
import { UlasanError } from '../internal/errors.js';
import { ulasanVersion } from '../internal/version.js';
import { type Command, type CommandContext, ExitCode, UsageError } from './command.js';
import { commandLoaders } from './commands/index.js';

const GLOBAL_HELP = (
  names: string[],
  summaries: Record<string, string>,
) => `ulasan ${ulasanVersion()}: sentiment pipelines for Indonesian reviews

Usage: ulasan <command> [options]

Commands:
${names.map((n) => `  ${n.padEnd(18)} ${summaries[n] ?? ''}`).join('\n')}

Global options:
  --json      machine-readable output (one JSON document on stdout)
  --verbose   more detail on stderr, stack traces on error
  --help      help for ulasan or for a command
  --version   print the version

Exit codes: 0 ok, 1 failure, 2 usage error, 130 cancelled.
Environment: ULASAN_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu|webgpu|auto selects the compute backend.`;

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: string[], io = defaultIo()): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.err(`${formatError(error, verbose)}\n`);
    if (error instanceof UsageError) return ExitCode.usage;
    if (UlasanError.isInstance(error) && error.code === 'ABORTED') return ExitCode.aborted;
    return ExitCode.failure;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const names = Object.keys(commandLoaders).sort();
  // Longest match first so nested commands (`word2vec train`) win over their prefix.
  const words = argv.filter((a) => !a.startsWith('-'));
  let commandName: string | undefined;
  for (let n = Math.min(3, words.length); n >= 1 && !commandName; n--) {
    const candidate = words.slice(0, n).join(' ');
    if (commandLoaders[candidate] && argv.slice(0, n).join(' ') === candidate) commandName = candidate;
  }
  if (!commandName) {
    if (argv.includes('--version')) {
      io.out(`${ulasanVersion()}\n`);
      return ExitCode.ok;
    }
    const groups = names.filter((n) => n.startsWith(`${words[0]} `));
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help' || groups.length > 0) {
      const shown = groups.length > 0 ? groups : names;
      const summaries: Record<string, string> = {};
      for (const n of shown) summaries[n] = (await commandLoaders[n]!()).summary;
      io.err(`${GLOBAL_HELP(shown, summaries)}\n`);
      return argv.length === 0 || (groups.length > 0 && !argv.includes('--help')) ? ExitCode.usage : ExitCode.ok;
    }
    throw new UsageError(`unknown command "${words[0] ?? argv[0]}". Run "ulasan --help" to list commands.`);
  }
  const command = await commandLoaders[commandName]!();
  const rest = argv.slice(commandName.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.err(`${command.help}\n`);
    return ExitCode.ok;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, rest: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see "ulasan ${command.name} --help")`);
  }
  const { json, verbose, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.aborted);
    io.err('\nCancelling (press Ctrl-C again to force)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const ctx: CommandContext = {
    values,
    positionals: parsed.positionals,
    json: json === true,
    verbose: verbose === true,
    signal: controller.signal,
    out: io.out,
    log: (text) => io.err(`${text}\n`),
    interactive: io.interactive,
  };
  try {
    return await command.run(ctx);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function formatError(error: unknown, verbose: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const line = `ulasan: error: ${e.message}`;
  if (!verbose) return line;
  let text = `${line}\n${e.stack ?? ''}`;
  if (e.cause)
    text += `\nCaused by: ${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : String(e.cause)}`;
  return text;
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  interactive: boolean;
}

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    interactive: process.stderr.isTTY === true,
  };
}

const isMain = (() => {
  const entry = process.argv[1] ?? '';
  return /(?:^|[\\/])(?:main\.(?:js|ts|mjs)|ulasan)$/.test(entry);
})();

if (isMain) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
