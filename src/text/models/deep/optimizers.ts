/**
 * Optimizers for the deep text models and an exact snapshot of their state for checkpoints.
 *
 * tfjs' own `getWeights()`/`setWeights()` are not enough for an exact resume: Adamax throws, SGD
 * and RMSprop differ in what they return, and Adam's `setWeights` recomputes `beta1^t` with `pow`,
 * which differs in the last float bit from the running product an uninterrupted run keeps. So we
 * copy every state variable (moment slots, step counters, running beta powers) bit for bit.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { loadTf } from '../../../backend/tf.js';
import { invalidArgument, UlasanError } from '../../../internal/errors.js';
import { fuseAdam } from './fused/fused-adam.js';

/** Optimizers accepted by the deep text models (`--optimizer`). */
export type DeepOptimizerName = 'adam' | 'adamax' | 'sgd' | 'rmsprop';

/** The optimizer names, for validation and help text. */
export const DEEP_OPTIMIZER_NAMES: readonly DeepOptimizerName[] = ['adam', 'adamax', 'sgd', 'rmsprop'];

/** Default learning rate per optimizer (Keras defaults; seed 003 uses Adam 0.001 / 0.002). */
export const DEFAULT_LEARNING_RATES: Record<DeepOptimizerName, number> = {
  adam: 0.001,
  adamax: 0.002,
  sgd: 0.01,
  rmsprop: 0.001,
};

/** Creates a tfjs optimizer by name. */
export async function createOptimizer(name: DeepOptimizerName, learningRate?: number): Promise<TfCore.Optimizer> {
  const { tf } = await loadTf();
  const lr = learningRate ?? DEFAULT_LEARNING_RATES[name];
  if (!(lr > 0) || !Number.isFinite(lr)) throw invalidArgument(`learningRate must be a positive number, got ${lr}.`);
  switch (name) {
    case 'adam': {
      const adam = tf.train.adam(lr);
      fuseAdam(tf, adam);
      return adam;
    }
    case 'adamax':
      return tf.train.adamax(lr);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    default:
      throw invalidArgument(
        `Unknown optimizer "${String(name)}". Expected one of: ${DEEP_OPTIMIZER_NAMES.join(', ')}.`,
      );
  }
}

/** A bit-exact copy of an optimizer's state (plain arrays, no tensors). */
export interface OptimizerSnapshot {
  optimizer: DeepOptimizerName;
  /** The base class' step counter. */
  iterations: number;
  /** Scalar state variables by field name (`accBeta1`, `iteration`...). */
  scalars: Record<string, number>;
  /** Per-trainable-variable slots by field name, in variable order. */
  slots: Record<string, { shape: number[]; values: Float32Array }[]>;
}

interface SlotEntry {
  originalName: string;
  variable: TfCore.Variable;
}

/** The state fields tfjs 4.x keeps on each optimizer class. */
const FIELDS: Record<DeepOptimizerName, { scalars: string[]; slots: string[] }> = {
  adam: { scalars: ['accBeta1', 'accBeta2'], slots: ['accumulatedFirstMoment', 'accumulatedSecondMoment'] },
  adamax: { scalars: ['iteration', 'accBeta1'], slots: ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'] },
  sgd: { scalars: [], slots: [] },
  rmsprop: { scalars: [], slots: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'] },
};

type OptimizerFields = Record<string, unknown> & { iterations_?: number };

/** Copies the complete state of `optimizer` (created by {@link createOptimizer} as `name`). */
export function snapshotOptimizer(name: DeepOptimizerName, optimizer: TfCore.Optimizer): OptimizerSnapshot {
  const o = optimizer as unknown as OptimizerFields;
  const fields = FIELDS[name];
  const scalars: Record<string, number> = {};
  for (const f of fields.scalars) {
    const v = o[f] as TfCore.Variable | undefined;
    if (!v) throw stateError(name, f);
    scalars[f] = (v.dataSync() as Float32Array)[0] as number;
  }
  const slots: OptimizerSnapshot['slots'] = {};
  for (const f of fields.slots) {
    const arr = (o[f] as (SlotEntry | undefined)[] | undefined) ?? [];
    slots[f] = arr
      .filter((e): e is SlotEntry => e != null)
      .map((e) => ({
        shape: [...e.variable.shape],
        values: new Float32Array(e.variable.dataSync() as Float32Array),
      }));
  }
  return { optimizer: name, iterations: o.iterations_ ?? 0, scalars, slots };
}

/**
 * Restores a snapshot into a fresh optimizer of the same kind, before its first step. The slot
 * variables must line up with the trainable variables the training loop passes (same order).
 */
export async function restoreOptimizer(
  optimizer: TfCore.Optimizer,
  snapshot: OptimizerSnapshot,
  variables: TfCore.Variable[],
): Promise<void> {
  const { tf } = await loadTf();
  const o = optimizer as unknown as OptimizerFields;
  const fields = FIELDS[snapshot.optimizer];
  if (!fields) throw new UlasanError('FILE_FORMAT', `Checkpoint has an unknown optimizer "${snapshot.optimizer}".`);
  o.iterations_ = snapshot.iterations;
  for (const f of fields.scalars) {
    const v = o[f] as TfCore.Variable | undefined;
    const value = snapshot.scalars[f];
    if (!v || value === undefined) throw stateError(snapshot.optimizer, f);
    tf.tidy(() => v.assign(tf.scalar(value)));
  }
  for (const f of fields.slots) {
    const saved = snapshot.slots[f] ?? [];
    if (saved.length === 0) continue; // optimizer had not stepped yet, or no such slot in use (non-centered RMSprop)
    if (saved.length !== variables.length) {
      throw new UlasanError(
        'FILE_FORMAT',
        `Checkpoint optimizer state has ${saved.length} "${f}" slots but the model has ${variables.length} trainable variables: the checkpoint belongs to a different model.`,
      );
    }
    const old = (o[f] as (SlotEntry | undefined)[] | undefined) ?? [];
    for (const e of old) e?.variable.dispose();
    o[f] = saved.map((s, i) => {
      const v = variables[i] as TfCore.Variable;
      if (s.shape.join('x') !== v.shape.join('x')) {
        throw new UlasanError(
          'FILE_FORMAT',
          `Checkpoint optimizer slot ${f}[${i}] has shape [${s.shape}] but variable ${v.name} has shape [${v.shape}].`,
        );
      }
      const suffix = f === 'accumulatedFirstMoment' ? 'm' : f === 'accumulatedSecondMoment' ? 'v' : f;
      return {
        originalName: `${v.name}/${suffix}`,
        variable: tf.tidy(() => tf.tensor(s.values, s.shape, 'float32').variable(false)),
      };
    });
  }
}

function stateError(name: string, field: string): UlasanError {
  return new UlasanError(
    'INVALID_ARGUMENT',
    `The ${name} optimizer has no "${field}" state: this tfjs version keeps optimizer state differently than ulasan expects (tested with @tensorflow/tfjs-core 4.22).`,
  );
}
