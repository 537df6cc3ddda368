/**
 * `ulasan train`: trains any text classifier kind (deep or classic) on a data file and saves the
 * model directory. Also home of the data-file options shared with `evaluate` and `predict`.
 */
import type { Label } from '../../core/classifier.js';
import { throwIfAborted } from '../../internal/errors.js';
import {
  type Command,
  type CommandContext,
  type NumberSpec,
  optionalNumber,
  requireString,
  UsageError,
} from '../command.js';
import { readDatasetInput, sourceName } from '../io.js';
import { createProgressBar, trainingProgress } from '../progress-bar.js';

const DEEP_KINDS = ['lstm', 'gru', 'bilstm', 'cnn-lstm'];
const CLASSIC_KINDS = ['nb', 'logreg', 'svm', 'random-forest', 'gbdt', 'lexicon', 'ensemble'];

/**
 * Model flags → the declared parameter each one sets. Whether a kind accepts a flag is read from
 * the kind's declared parameters, so there is no per-command list of "deep-only" flags to keep.
 */
const PARAM_FLAGS: Readonly<Record<string, string>> = {
  embeddings: 'embeddings',
  'freeze-embeddings': 'trainableEmbeddings',
  epochs: 'epochs',
  'batch-size': 'batchSize',
  lr: 'learningRate',
  optimizer: 'optimizer',
  units: 'units',
  'max-len': 'maxLen',
  l2: 'l2',
  dropout: 'dropout',
  patience: 'earlyStopping',
  monitor: 'earlyStopping',
  'checkpoint-dir': 'checkpointDir',
  resume: 'resume',
};

/** Data-file options shared by `train`, `evaluate` and `predict`. */
export const DATA_OPTIONS = {
  format: { type: 'string' },
  'text-col': { type: 'string' },
  'label-col': { type: 'string' },
  'rating-rule': { type: 'string' },
  'skip-invalid': { type: 'boolean' },
} as const;

/** The values `--format` takes for a data file. */
const DATA_FORMATS = ['auto', 'smsa', 'emot', 'casa', 'csv', 'tsv', 'jsonl'];

/** Help lines for {@link DATA_OPTIONS}. */
export const DATA_HELP = `  --format F          auto (default) | smsa | emot | csv | tsv | jsonl
  --text-col C        text column, by name or 0-based index
  --label-col C       label column, by name or 0-based index; several (C1,C2,...) for multi-label
  --rating-rule R     map star ratings to labels: twoWay (1-2 negative, 4-5 positive, 3 dropped;
                      seed003 is its old name) | threeWay
  --skip-invalid      leave out rows with no text or no label (counted on stderr) instead of failing`;

/** Reads a labelled data file with the shared data options. */
export async function readLabelledData(
  ctx: CommandContext,
  path: string,
): Promise<{ texts: string[]; labels: Label[]; skipped: number }> {
  const { RATING_RULES } = await import('../../data/index.js');
  const format = ctx.values.format;
  if (format !== undefined && !DATA_FORMATS.includes(String(format))) {
    throw new UsageError(`--format expects one of ${DATA_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const col = (name: string) => {
    const v = ctx.values[name];
    if (typeof v !== 'string') return undefined;
    return /^\d+$/.test(v) ? Number(v) : v;
  };
  const ruleName = ctx.values['rating-rule'];
  let ratingRule: (typeof RATING_RULES)[keyof typeof RATING_RULES] | undefined;
  if (typeof ruleName === 'string') {
    if (!(ruleName in RATING_RULES)) {
      throw new UsageError(
        `--rating-rule expects one of ${Object.keys(RATING_RULES).join(', ')}, got ${JSON.stringify(ruleName)}`,
      );
    }
    ratingRule = RATING_RULES[ruleName as keyof typeof RATING_RULES];
  }
  const data = (await readDatasetInput(ctx, path, {
    format: (ctx.values.format as 'auto' | undefined) ?? 'auto',
    textColumn: col('text-col'),
    labelColumn: col('label-col'),
    ratingRule,
    ...(ctx.values['skip-invalid'] === true ? { onInvalidRow: 'skip' as const } : {}),
  })) as { texts: string[]; labels: Label[]; skipped: unknown[] };
  return { texts: data.texts, labels: data.labels, skipped: data.skipped.length };
}

/** The numeric options of `train` and their ranges (checked before any data is read). */
export const TRAIN_NUMBERS: Record<string, NumberSpec> = {
  epochs: { integer: true, min: 1 },
  'batch-size': { integer: true, min: 1 },
  lr: { min: 0, minExclusive: true },
  units: { integer: true, min: 1 },
  'max-len': { integer: true, min: 1 },
  dropout: { min: 0, max: 1 },
  patience: { integer: true, min: 0 },
  seed: { integer: true },
};

/** Parses `--class-weight`: `balanced` or `label=weight,label=weight`. */
export function parseClassWeight(value: unknown): 'balanced' | Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new UsageError('--class-weight expects "balanced" or "label=weight,..."');
  if (value === 'balanced') return 'balanced';
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const eq = part.lastIndexOf('=');
    const w = Number(part.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(w) || w < 0) {
      throw new UsageError(
        `--class-weight: "${part}" is not label=weight with a weight >= 0 (e.g. neutral=2,positive=1)`,
      );
    }
    out[part.slice(0, eq)] = w;
  }
  return out;
}

/** `ulasan train`. */
export const trainCommand: Command = {
  name: 'train',
  summary:
    'Train a text classifier (lstm, gru, bilstm, cnn-lstm, nb, logreg, svm, random-forest, gbdt, lexicon) and save it',
  help: `Usage: ulasan train --data FILE --model KIND --out DIR [options]

Trains a sentiment classifier on a labelled file and saves the model directory (weights,
preprocessing pipeline, vocabulary, labels, metadata). Progress goes to stderr; with --json one
JSON summary is printed on stdout.

Required:
  --data FILE         training data (SmSA TSV, EmoT CSV, CSV/TSV with header, JSONL); - for stdin
  --model KIND        lstm | gru | bilstm | cnn-lstm | nb | logreg | svm | random-forest | gbdt | lexicon |
                      ensemble (word + char n-gram logistic regressions + lexicon, docs/pretrained-model.md)
  --out DIR           where to save the model

Data:
  --valid FILE        validation data (early stopping and validation metrics)
${DATA_HELP}
  --pipeline P        preprocessing: sentiment (default) | whitespace | cleanSlang | stemNoStopwords
                      | FILE.json (seed003, seed004: old names of cleanSlang, stemNoStopwords)

Deep models:
  --embeddings FILE   Word2Vec vectors (word2vec text/binary or ulasan native) to initialise the embedding
  --freeze-embeddings keep the pre-trained embedding fixed
  --epochs N          default 10        --batch-size N   default 64
  --lr X              learning rate (also gbdt)  --optimizer O  adam | adamax | sgd | rmsprop
  --units N           default 64        --max-len N      default 50
  --l2 X[,Y]          L2 per recurrent layer (default 0.001)
  --dropout X         default 0.2 (0.3 for cnn-lstm)
  --patience N        early-stopping patience (needs --valid; default 3)
  --monitor M         valLoss (default) | valMacroF1 | valAccuracy
  --checkpoint-dir D  checkpoint every epoch and on cancel (default DIR/checkpoint)
  --resume            continue from the checkpoint (same data and options); without one, a notice
                      on stderr says so and training starts from the first epoch

Multi-label (several --label-col columns, e.g. CASA's fuel,machine,others,part,price,service):
  --multilabel M      br (binary relevance, default) | cc (classifier chain) | lp (label powerset)

All models:
  --class-weight W    balanced | label=weight,...
  --seed N            default 42
  --backend B         cpu | wasm | tensorflow | tensorflow-gpu | webgpu | auto`,
  options: {
    data: { type: 'string' },
    valid: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    ...DATA_OPTIONS,
    pipeline: { type: 'string' },
    embeddings: { type: 'string' },
    'freeze-embeddings': { type: 'boolean' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    units: { type: 'string' },
    'max-len': { type: 'string' },
    l2: { type: 'string' },
    dropout: { type: 'string' },
    patience: { type: 'string' },
    monitor: { type: 'string' },
    'checkpoint-dir': { type: 'string' },
    resume: { type: 'boolean' },
    'class-weight': { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    multilabel: { type: 'string' },
  },
  numbers: TRAIN_NUMBERS,
  async run(ctx) {
    const dataPath = requireString(ctx, 'data');
    const kind = requireString(ctx, 'model');
    const out = requireString(ctx, 'out');
    const deep = DEEP_KINDS.includes(kind);
    if (!deep && !CLASSIC_KINDS.includes(kind)) {
      throw new UsageError(`--model expects one of ${[...DEEP_KINDS, ...CLASSIC_KINDS].join(', ')}, got "${kind}"`);
    }
    // Which model flags a kind accepts comes from its declared parameters (TEXT_CLASSIFIER_PARAMS),
    // not from a list kept here: a flag is refused for a kind that does not declare its parameter.
    const { textClassifierParamNames } = await import('../../text/models/registry.js');
    const declared = new Set(textClassifierParamNames(kind));
    const givenFlags = Object.keys(PARAM_FLAGS).filter((o) => ctx.values[o] !== undefined);
    const refused = givenFlags.find((o) => !declared.has(PARAM_FLAGS[o]!));
    if (refused) {
      const param = PARAM_FLAGS[refused]!;
      const kinds = [...DEEP_KINDS, ...CLASSIC_KINDS].filter((k) => textClassifierParamNames(k).includes(param));
      const who = kinds.every((k) => DEEP_KINDS.includes(k))
        ? `deep models only (${kinds.join(', ')})`
        : `${kinds.join(', ')} only`;
      throw new UsageError(`--${refused} applies to ${who}, not ${kind}`);
    }
    const { useBackend } = await import('../../backend/backends.js');
    if (deep) await useBackend(typeof ctx.values.backend === 'string' ? ctx.values.backend : undefined);
    const pipeline = await resolvePipeline(ctx.values.pipeline);
    const multiLabel = await import('./multilabel.js');
    if (multiLabel.isMultiLabelColumn(ctx.values['label-col'])) {
      // Several label columns: a multi-label wrapper over --model.
      if (givenFlags.length)
        throw new UsageError(
          `--${givenFlags[0]} is not supported with several --label-col columns yet; use BinaryRelevance/ClassifierChain/LabelPowerset from ulasan/text with a classifier factory`,
        );
      const baseOptions: Record<string, unknown> = { model: kind, pipeline, seed: optionalNumber(ctx, 'seed') ?? 42 };
      const classWeight = parseClassWeight(ctx.values['class-weight']);
      if (classWeight) baseOptions.classWeight = classWeight;
      return multiLabel.trainMultiLabel(ctx, { dataPath, out, baseOptions });
    }
    if (ctx.values.multilabel !== undefined)
      throw new UsageError('--multilabel needs several --label-col columns (C1,C2,...)');
    const train = await readLabelledData(ctx, dataPath);
    if (train.skipped)
      ctx.log(`${sourceName(dataPath)}: skipped ${train.skipped} rows (no text, no label, or rating outside the rule)`);
    const valid = typeof ctx.values.valid === 'string' ? await readLabelledData(ctx, ctx.values.valid) : undefined;
    ctx.log(`Training ${kind} on ${train.texts.length} texts${valid ? `, validating on ${valid.texts.length}` : ''}`);

    const options: Record<string, unknown> = {
      model: kind,
      pipeline,
      seed: optionalNumber(ctx, 'seed') ?? 42,
      classWeight: parseClassWeight(ctx.values['class-weight']),
      // Declared by the deep kinds and gbdt (checked above).
      learningRate: optionalNumber(ctx, 'lr'),
    };
    if (deep) {
      const embeddingsPath = ctx.values.embeddings;
      if (typeof embeddingsPath === 'string') {
        const { WordVectors } = await import('../../text/word2vec/index.js');
        options.embeddings = await WordVectors.load(embeddingsPath);
      }
      const l2 = ctx.values.l2;
      Object.assign(options, {
        epochs: optionalNumber(ctx, 'epochs'),
        batchSize: optionalNumber(ctx, 'batch-size'),
        optimizer: ctx.values.optimizer,
        units: optionalNumber(ctx, 'units'),
        maxLen: optionalNumber(ctx, 'max-len'),
        l2: typeof l2 === 'string' ? parseL2(l2) : undefined,
        dropout: optionalNumber(ctx, 'dropout'),
        trainableEmbeddings: ctx.values['freeze-embeddings'] ? false : undefined,
        checkpointDir:
          typeof ctx.values['checkpoint-dir'] === 'string' ? ctx.values['checkpoint-dir'] : `${out}/checkpoint`,
        resume: ctx.values.resume === true,
      });
      const patience = optionalNumber(ctx, 'patience');
      const monitor = ctx.values.monitor;
      if (
        monitor !== undefined &&
        !['valLoss', 'valMacroF1', 'valAccuracy', 'loss', 'accuracy'].includes(String(monitor))
      ) {
        throw new UsageError(
          `--monitor expects valLoss, valMacroF1, valAccuracy, loss or accuracy, got ${JSON.stringify(monitor)}`,
        );
      }
      if ((patience !== undefined || monitor !== undefined) && valid) {
        options.earlyStopping = { patience: patience ?? 3, monitor: monitor ?? 'valLoss' };
      } else if (patience !== undefined || monitor !== undefined) {
        throw new UsageError('--patience and --monitor need --valid (early stopping watches validation metrics)');
      }
    }
    for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
    if (deep && options.resume === true) {
      const checkpointDir = String(options.checkpointDir);
      // A run killed while saving its model over --out may have left the swap half done, with the
      // default checkpoint (DIR/checkpoint) inside the set-aside copy: finish the swap first so
      // the checkpoint is where --resume looks for it.
      const { recoverModelDirectory } = await import('../../text/models/artifact.js');
      await recoverModelDirectory(out);
      const { existsSync } = await import('node:fs');
      const { CHECKPOINT_FILE } = await import('../../text/models/deep/checkpoint.js');
      if (existsSync(`${checkpointDir}/${CHECKPOINT_FILE}`)) ctx.log(`--resume: continuing from ${checkpointDir}`);
      else ctx.log(`--resume: no checkpoint in ${checkpointDir} (nothing to resume): training from the first epoch`);
    }

    const { createTextClassifier } = await import('../../text/models/registry.js');
    const model = await createTextClassifier(options as { model: string });
    // A terminal gets the redrawn bar on stderr; otherwise occasional plain lines go through ctx.log.
    const bar = createProgressBar(ctx.interactive, ctx.interactive ? undefined : (s) => ctx.log(s.replace(/\n$/, '')));
    const started = Date.now();
    throwIfAborted(ctx.signal, 'Training');
    await model.fit(train.texts, train.labels, {
      validation: valid ? { inputs: valid.texts, labels: valid.labels } : undefined,
      signal: ctx.signal,
      callbacks: trainingProgress(`train ${kind}`, bar, ctx.log),
    });
    bar.done();
    await model.save(out);
    if (deep && typeof ctx.values['checkpoint-dir'] !== 'string') {
      // The default checkpoint only serves to resume an interrupted run; the finished model does not need it.
      const { rm } = await import('node:fs/promises');
      await rm(`${out}/checkpoint`, { recursive: true, force: true });
    }
    const summary: Record<string, unknown> = {
      model: kind,
      out,
      trainingSize: train.texts.length,
      classes: model.classes,
      seconds: (Date.now() - started) / 1000,
      history: model.history ?? [],
    };
    if (valid) {
      const ev = await model.evaluate(valid.texts, valid.labels);
      Object.assign(summary, { validation: { accuracy: ev.accuracy, macroF1: ev.macroF1, weightedF1: ev.weightedF1 } });
      ctx.log(
        `validation: accuracy=${ev.accuracy.toFixed(4)} macroF1=${ev.macroF1.toFixed(4)} weightedF1=${ev.weightedF1.toFixed(4)}`,
      );
    }
    ctx.log(`Saved ${kind} model to ${out}`);
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

function parseL2(value: string): number | number[] {
  const parts = value.split(',').map((p) => Number(p));
  if (parts.some((p) => !Number.isFinite(p) || p < 0))
    throw new UsageError(`--l2 expects X or X,Y with numbers >= 0, got "${value}"`);
  return parts.length === 1 ? (parts[0] as number) : parts;
}

async function resolvePipeline(value: unknown) {
  const { createPipeline, PIPELINE_PRESETS, TextPipeline } = await import('../../text/preprocess/index.js');
  const name = typeof value === 'string' ? value : 'sentiment';
  if (name === 'whitespace') {
    const { WhitespacePipeline } = await import('../../text/models/text-classifier.js');
    return new WhitespacePipeline();
  }
  if (name in PIPELINE_PRESETS) return createPipeline(PIPELINE_PRESETS[name as keyof typeof PIPELINE_PRESETS]);
  if (name.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    return TextPipeline.fromJSON(JSON.parse(await readFile(name, 'utf8')));
  }
  throw new UsageError(
    `--pipeline expects whitespace, ${Object.keys(PIPELINE_PRESETS).join(', ')} or a .json config file, got "${name}"`,
  );
}
