import { runGrid } from '../../experiments-entry.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { createProgressBar } from '../progress-bar.js';

/** `ulasan grid`: runs or resumes a scenario grid from a JSON/YAML config. */
export const gridCommand: Command = {
  name: 'grid',
  summary: 'Run (or resume) a scenario grid from a config file and write result tables',
  help: `Usage: ulasan grid --config FILE [--out DIR] [--resume] [--quick] [--yes] [--json]
                   [--workers N | --queue redis://HOST:PORT]

Trains every scenario of the grid in FILE (JSON or YAML; see docs/experiments.md), scores each on
validation (and test), and writes results.jsonl, results.md, results.csv, results.json and best.json
to the output folder. Each finished scenario is logged at once, so an interrupted grid continues
with --resume. Progress per scenario, with an overall ETA, goes to stderr.

--workers N runs N scenarios at once in worker threads; --queue enqueues every scenario not yet
in results.jsonl on a Redis queue (BullMQ, optional package: npm install bullmq) for any number of
"ulasan worker --queue URL" processes on any machines, and collects their results. Either way this
process writes the same results.jsonl, tables, figures and refit as a run in one process (same seeds,
same numbers); see docs/distributed.md.

Options:
  --config FILE   the grid config (.json, .yaml, .yml)
  --out DIR       output folder (default runs/<name>)
  --resume        skip scenarios already in DIR/results.jsonl and continue
  --quick         the config's quick variant (FILE's "quick" section, or NAME.quick.yaml beside it)
  --yes           run a grid larger than its maxScenarios limit (default 200)
  --keep-going    skip a scenario that fails (it is retried by the next --resume) instead of stopping
  --workers N     run N scenarios at once in worker threads on this machine
  --queue URL     run the scenarios on queue workers (redis://[user:password@]host:port[/db])
  --queue-name Q  queue name (default ulasan; the workers' --queue-name)`,
  options: {
    config: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean' },
    quick: { type: 'boolean' },
    yes: { type: 'boolean' },
    'keep-going': { type: 'boolean' },
    workers: { type: 'string' },
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
  },
  async run(ctx) {
    const configPath = requireString(ctx, 'config');
    // Interactive bars redraw one stderr line in place; otherwise progress lines go through ctx.log.
    const bar = createProgressBar(
      ctx.interactive,
      ctx.interactive ? (s) => process.stderr.write(s) : (s) => ctx.log(s.replace(/\n$/, '')),
    );
    const workers = optionalNumber(ctx, 'workers');
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
      throw new UsageError('--workers expects a positive whole number');
    }
    const queue = typeof ctx.values.queue === 'string' ? ctx.values.queue : undefined;
    if (queue !== undefined && workers !== undefined) {
      throw new UsageError('--workers and --queue exclude each other: threads here, or queue workers anywhere');
    }
    const runningOn = new Map<string, string>();
    let lastStatus = '';
    const executor = queue
      ? (await import('../../experiments/executors/queue-executor.js')).queueExecutor({
          connection: queue,
          ...(typeof ctx.values['queue-name'] === 'string' ? { queueName: ctx.values['queue-name'] } : {}),
          onStatus: (status) => {
            const running = Object.entries(status.running).map(([w, names]) => `${w}: ${names.join(', ')}`);
            const line = `queue: ${status.waiting} waiting${running.length > 0 ? `; running ${running.join('; ')}` : ''}`;
            if (line !== lastStatus && !ctx.interactive) ctx.log(line);
            lastStatus = line;
          },
        })
      : workers !== undefined
        ? (await import('../../experiments/executors/local-executor.js')).localExecutor({ workers })
        : undefined;
    const result = await runGrid(configPath, {
      ...(executor ? { executor } : {}),
      ...(typeof ctx.values.out === 'string' ? { out: ctx.values.out } : {}),
      resume: ctx.values.resume === true,
      quick: ctx.values.quick === true,
      yes: ctx.values.yes === true,
      continueOnError: ctx.values['keep-going'] === true,
      signal: ctx.signal,
      onProgress: (event) => {
        const { scenario, worker } = event.info ?? {};
        if (typeof scenario === 'string' && typeof worker === 'string') runningOn.set(scenario, worker);
        bar.update(event);
      },
      onScenarioEnd: (r) => {
        bar.done();
        const v = r.cv ? r.cv.macroF1.mean : r.valid?.macroF1;
        const score = v === undefined ? '' : ` ${r.cv ? 'cv' : 'valid'} macroF1 ${v.toFixed(4)}`;
        const where = runningOn.has(r.name) ? ` on ${runningOn.get(r.name)}` : '';
        ctx.log(`done ${r.name}${where}:${score} (${r.fit.status}, ${r.seconds.toFixed(1)}s)`);
      },
    });
    bar.done();
    const summary = {
      name: result.name,
      out: result.out,
      scenarios: result.results.length,
      skipped: result.skipped,
      failed: result.failed,
      workers: result.workers,
      metric: result.metric,
      best: {
        name: result.best.name,
        options: result.best.options,
        valid: result.best.valid && pickScores(result.best.valid),
        test: result.best.test && pickScores(result.best.test),
        cv: result.best.cv && { [result.metric]: result.best.cv[result.metric] },
      },
      refit: result.refit && {
        test: result.refit.test && pickScores(result.refit.test),
        modelDir: result.refit.modelDir,
      },
    };
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    else {
      ctx.log(
        `${result.results.length} scenarios (${result.skipped} from an earlier run); tables in ${result.out}/results.md`,
      );
      ctx.log(`best by ${result.metric}: ${result.best.name}`);
      for (const f of result.failed) ctx.log(`FAILED ${f.name}: ${f.message}`);
      const perWorker = Object.entries(result.workers);
      if (perWorker.length > 1 || executor) {
        ctx.log(
          `per worker: ${perWorker.map(([w, t]) => `${w} ${t.done} done${t.failed ? `, ${t.failed} failed` : ''}`).join('; ')}`,
        );
      }
      if (result.refit?.test) ctx.log(`refitted best, test macroF1 ${result.refit.test.macroF1.toFixed(4)}`);
    }
    return 0;
  },
};

function pickScores(s: { accuracy: number; macroF1: number; weightedF1: number }) {
  return { accuracy: s.accuracy, macroF1: s.macroF1, weightedF1: s.weightedF1 };
}
