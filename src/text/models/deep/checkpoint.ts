/**
 * Training checkpoints: one file, `checkpoint.bin`, holding a JSON header (epoch, batch, history,
 * early-stopping state, optimizer counters) and every float tensor the run needs to continue
 * bit for bit (model weights, optimizer slots, best weights so far). One file written atomically
 * means a crash can never pair the header of one epoch with the weights of another.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../internal/atomic-fs.js';
import { UlasanError } from '../../../internal/errors.js';
import type { Logs } from '../../../internal/progress.js';

/** The checkpoint file name inside `checkpointDir`. */
export const CHECKPOINT_FILE = 'checkpoint.bin';
const MAGIC = 'ULSNCKP1';
/** Current checkpoint format version. */
export const CHECKPOINT_VERSION = 1;

/** A named float32 tensor stored in a checkpoint. */
export interface StoredTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The JSON part of a checkpoint. */
export interface CheckpointHeader {
  format: 'ulasan-deep-checkpoint';
  version: number;
  /** Hash of everything that must match for a resume to be exact (spec, data, optimizer, seed...). */
  configHash: string;
  /** Epoch to run next (0-based). */
  epoch: number;
  /** Batch within `epoch` to run next (non-zero only for checkpoints written on cancellation). */
  batch: number;
  /** Running sums of the unfinished epoch, so its logs come out as in an uninterrupted run. */
  partial: { lossSum: number; correct: number; seen: number };
  /** The random streams are derived from `(seed, epoch, batch)`, so this is the whole RNG state. */
  rng: { seed: number; epoch: number; batch: number };
  history: Logs[];
  early: { best: number | null; bestEpoch: number; wait: number; hasBest: boolean };
  optimizer: { name: string; iterations: number; scalars: Record<string, number>; slotNames: string[] };
  /** Names of the tensors in the file, in order (`w:`, `opt:`, `best:` prefixes). */
  tensors: { name: string; shape: number[] }[];
}

/** Serialises a checkpoint into one buffer. */
export function encodeCheckpoint(header: Omit<CheckpointHeader, 'tensors'>, tensors: StoredTensor[]): Uint8Array {
  const full: CheckpointHeader = { ...header, tensors: tensors.map((t) => ({ name: t.name, shape: t.shape })) };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const headerEnd = 8 + 4 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + tensors.reduce((s, t) => s + t.values.length * 4, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let offset = dataStart;
  for (const t of tensors) {
    out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offset);
    offset += t.values.byteLength;
  }
  return out;
}

/** Parses and validates a checkpoint buffer. */
export function decodeCheckpoint(
  bytes: Uint8Array,
  where: string,
): { header: CheckpointHeader; tensors: Map<string, StoredTensor> } {
  const bad = (why: string) =>
    new UlasanError(
      'FILE_FORMAT',
      `${where} is not a valid ulasan checkpoint (${why}). Delete it to start training from scratch.`,
    );
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('wrong magic bytes');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + len > bytes.length) throw bad('truncated header');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as CheckpointHeader;
  } catch (error) {
    throw bad(`header is not JSON: ${(error as Error).message}`);
  }
  if (header.format !== 'ulasan-deep-checkpoint') throw bad(`format is ${JSON.stringify(header.format)}`);
  if (typeof header.version !== 'number' || header.version > CHECKPOINT_VERSION) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${where} has checkpoint version ${String(header.version)} but this ulasan reads up to ${CHECKPOINT_VERSION}. Upgrade ulasan or start from scratch.`,
    );
  }
  let offset = Math.ceil((12 + len) / 4) * 4;
  const tensors = new Map<string, StoredTensor>();
  for (const t of header.tensors ?? []) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(size) || size < 0 || offset + size * 4 > bytes.length)
      throw bad(`tensor ${t.name} is truncated`);
    const values = new Float32Array(size);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + size * 4));
    offset += size * 4;
    tensors.set(t.name, { name: t.name, shape: t.shape, values });
  }
  if (offset !== bytes.length) throw bad('trailing bytes');
  return { header, tensors };
}

/** Writes a checkpoint atomically into `dir`. */
export async function writeCheckpoint(
  dir: string,
  header: Omit<CheckpointHeader, 'tensors'>,
  tensors: StoredTensor[],
): Promise<void> {
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), encodeCheckpoint(header, tensors));
}

/** Reads the checkpoint in `dir`, or returns null when there is none. */
export async function readCheckpoint(
  dir: string,
): Promise<{ header: CheckpointHeader; tensors: Map<string, StoredTensor> } | null> {
  const path = join(dir, CHECKPOINT_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  return decodeCheckpoint(bytes, path);
}
