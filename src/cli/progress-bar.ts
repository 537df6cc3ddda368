/**
 * A small progress bar for the CLI, drawn on stderr and only when it is a terminal; otherwise it
 * prints an occasional plain line so logs of non-interactive runs still show progress.
 */
import type { ProgressEvent, TrainingCallbacks } from '../internal/progress.js';

/** Creates a progress reporter for `task`. Call `update` often; it throttles itself. */
export function createProgressBar(interactive: boolean, write: (s: string) => void = (s) => process.stderr.write(s)) {
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(event: ProgressEvent): void {
      const now = Date.now();
      const finished = event.total !== undefined && event.done >= event.total;
      if (!finished && now - last < (interactive ? 100 : 10_000)) return;
      last = now;
      const line = formatProgress(event, (now - started) / 1000);
      if (interactive) {
        write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        write(`${line}\n`);
      }
    },
    /** Ends the bar (moves to a new line). */
    done(): void {
      if (interactive && drawn) write('\n');
      drawn = false;
    },
  };
}

/** Formats a progress event as one line: `task [#####.....] 50% 5/10 ETA 12s key=value`. */
export function formatProgress(event: ProgressEvent, elapsedSeconds: number): string {
  const parts = [event.task];
  if (event.total !== undefined && event.total > 0) {
    const frac = Math.min(1, event.done / event.total);
    const width = 24;
    const filled = Math.round(frac * width);
    parts.push(
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% ${event.done}/${event.total}`,
    );
    const eta = event.etaSeconds ?? (frac > 0 ? (elapsedSeconds * (1 - frac)) / frac : undefined);
    if (eta !== undefined && Number.isFinite(eta)) parts.push(`ETA ${formatSeconds(eta)}`);
  } else {
    parts.push(String(event.done));
  }
  if (event.info) {
    for (const [k, v] of Object.entries(event.info)) parts.push(`${k}=${typeof v === 'number' ? formatNumber(v) : v}`);
  }
  return parts.join(' ');
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}

/**
 * Training callbacks that drive a progress bar from `onBatchEnd` (step, total, ETA, epoch, loss)
 * and log one line per epoch with every metric. Shared by every command that trains a model.
 */
export function trainingProgress(
  task: string,
  bar: ReturnType<typeof createProgressBar>,
  log: (line: string) => void,
  indent = '',
): TrainingCallbacks {
  return {
    onBatchEnd: (_batch, logs) => {
      if (!logs || logs.totalSteps === undefined) return;
      bar.update({
        task,
        done: logs.step ?? 0,
        total: logs.totalSteps,
        etaSeconds: Number.isFinite(logs.etaSeconds) ? logs.etaSeconds : undefined,
        info: { epoch: (logs.epoch ?? 0) + 1, loss: logs.loss ?? Number.NaN },
      });
    },
    onEpochEnd: (epoch, logs) => {
      bar.done();
      const metrics = Object.entries(logs ?? {})
        .map(([k, v]) => `${k}=${v.toFixed(4)}`)
        .join(' ');
      log(`${indent}epoch ${epoch + 1}: ${metrics}`);
    },
  };
}
