/**
 * `ulasan worker`: takes grid scenarios and labeling chunks from a BullMQ queue in Redis and runs
 * them, until Ctrl-C / SIGTERM (the running job is finished first; a second signal kills it and
 * the job goes back to the queue after its lease).
 */
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';

/** `ulasan worker`. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run grid scenarios and labeling chunks from a Redis queue (ulasan grid/predict --queue)',
  help: `Usage: ulasan worker --queue redis://HOST:PORT [--queue-name NAME] [--lock-duration MS] [--stalled-interval MS]

Connects to the queue that "ulasan grid --queue" and "ulasan predict --queue" fill, and runs their
jobs one at a time with the same code as a local run, returning each result through Redis. Start
any number of workers, on any machines that reach the Redis server; they need no shared folder,
data files or config (the coordinator publishes the grid's data, vectors and models in Redis).
A worker killed mid-job loses its lease after --lock-duration; another worker then retries the job.
Stops on Ctrl-C or SIGTERM after the running job (a second Ctrl-C stops at once).

Options:
  --queue URL             the Redis server (redis://[user:password@]host:port[/db], rediss:// for TLS)
  --queue-name NAME       queue name (default ulasan; the coordinator's)
  --lock-duration MS      job lease, renewed every half of it (default 30000)
  --stalled-interval MS   how often to look for jobs of dead workers (default 30000)
  --max-stalled N         times a job may be recovered from dead workers before it fails (default 2)
  --factory MODULE        module whose default export is a custom classifierFactory (vision grids)
  --backend B             compute backend (default: the coordinator's)`,
  options: {
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
    'lock-duration': { type: 'string' },
    'stalled-interval': { type: 'string' },
    'max-stalled': { type: 'string' },
    factory: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(ctx) {
    const connection = requireString(ctx, 'queue');
    const positive = (name: string) => {
      const v = optionalNumber(ctx, name);
      if (v !== undefined && (!Number.isInteger(v) || v < 1))
        throw new UsageError(`--${name} expects a positive whole number`);
      return v;
    };
    const lockDuration = positive('lock-duration');
    const stalledInterval = positive('stalled-interval');
    const maxStalledCount = positive('max-stalled');
    const { runQueueWorker } = await import('../../experiments-entry.js');
    // Ctrl-C / SIGTERM abort ctx.signal: the worker stops after its running job.
    {
      ctx.log(
        `worker: waiting for jobs on ${connection} (queue ${typeof ctx.values['queue-name'] === 'string' ? ctx.values['queue-name'] : 'ulasan'})`,
      );
      const summary = await runQueueWorker({
        connection,
        ...(typeof ctx.values['queue-name'] === 'string' ? { queueName: ctx.values['queue-name'] } : {}),
        ...(lockDuration !== undefined ? { lockDuration } : {}),
        ...(stalledInterval !== undefined ? { stalledInterval } : {}),
        ...(maxStalledCount !== undefined ? { maxStalledCount } : {}),
        ...(typeof ctx.values.factory === 'string' ? { factoryModule: ctx.values.factory } : {}),
        ...(typeof ctx.values.backend === 'string' ? { backend: ctx.values.backend } : {}),
        signal: ctx.signal,
        log: (line) => ctx.log(line),
      });
      if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
      else ctx.log(`worker ${summary.worker} stopped: ${summary.done} job(s) done, ${summary.failed} failed`);
      return 0;
    }
  },
};
