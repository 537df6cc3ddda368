/**
 * `ulasan report DIR`: one self-contained HTML page per run folder (training, grid, ssl, vision,
 * or a video analysis JSON), with every figure and table. The work is done by the library's
 * `writeRunReport`; this command only parses options.
 */
import { type Command, UsageError } from '../command.js';

/** `ulasan report`. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Write one self-contained HTML page with every figure and table of a run folder',
  help: `Usage: ulasan report DIR [--data FILE] [--out FILE] [--title T] [--json]

Detects what wrote DIR and writes DIR/report.html (inline SVG figures, no scripts, nothing loaded
from the network):
  training  a text model from "ulasan train" (model.json): model, training curves; with --data,
            class distribution, word clouds per class, confusion matrix, ROC and PR curves
  grid      "ulasan grid" output (results.jsonl): grid comparison charts, the scenario table,
            the best scenario's confusion matrix and curves, class distribution per part
  ssl       "ulasan ssl" output (ssl-report.json): per-iteration curves and table, pseudo-label
            confusion matrix; with --data, the final model's evaluation as for training
  vision    "ulasan vision train" output (evaluation.json): scores and confusion matrices of the
            model and the face-api baseline
  video     a JSON file from "ulasan video analyze --json" (or a folder holding one): timeline

Options:
  --data FILE    labelled data to evaluate a text model on (training and ssl runs)
  --out FILE     where to write the page (default DIR/report.html)
  --title T      page title
  --seed N       word-cloud layout seed (default 42)

--json prints { type, path, sections, figures } on stdout.`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    title: { type: 'string' },
    seed: { type: 'string' },
  },
  async run(ctx) {
    const dir = ctx.positionals[0];
    if (!dir) throw new UsageError('give the run folder: ulasan report DIR');
    if (ctx.positionals.length > 1) throw new UsageError('give exactly one run folder DIR');
    let seed: number | undefined;
    if (typeof ctx.values.seed === 'string') {
      seed = Number(ctx.values.seed);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed expects an integer, got "${ctx.values.seed}"`);
    }
    const { writeRunReport } = await import('../../report/run-report.js');
    const r = await writeRunReport(dir, {
      data: typeof ctx.values.data === 'string' ? ctx.values.data : undefined,
      out: typeof ctx.values.out === 'string' ? ctx.values.out : undefined,
      title: typeof ctx.values.title === 'string' ? ctx.values.title : undefined,
      seed,
    });
    ctx.log(`${r.type} report: ${r.sections.length} sections, ${r.figures.length} figures → ${r.path}`);
    if (ctx.json)
      ctx.out(`${JSON.stringify({ type: r.type, path: r.path, sections: r.sections, figures: r.figures })}\n`);
    return 0;
  },
};
