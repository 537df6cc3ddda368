/**
 * float32 `Add`, `Sub`, `Multiply` and `RealDiv` for the cpu backend, for the three layouts that
 * make up nearly all of training: equal shapes, a scalar on either side (every optimizer update:
 * `m·β₁ + g·(1−β₁)` over the whole embedding table), and a bias-like operand whose shape is the
 * trailing part of the other's. Other broadcasts go to the stock kernel.
 *
 * The stock kernel calls a closure per element with a modulo on both indices; a dedicated loop per
 * operation is several times faster, which matters when Adam touches 2 million embedding weights
 * ~12 times per step.
 */

/** The operations implemented here. */
export type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

/** How `b` (or `a`) repeats over the output, if it can be handled here. */
export type BinaryLayout = 'same' | 'scalar-a' | 'scalar-b' | 'rows-a' | 'rows-b';

/** Whether `small`, without its leading 1s, is the trailing part of `big` (bias [C] or [1,1,1,C]). */
function isSuffix(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  let lead = 0;
  while (lead < small.length && small[lead] === 1) lead++;
  small = small.slice(lead);
  const off = big.length - small.length;
  for (let i = 0; i < small.length; i++) if (small[i] !== big[off + i]) return false;
  return true;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Picks the layout for inputs of these shapes, or null (the stock kernel then runs). */
export function binaryLayout(aShape: readonly number[], bShape: readonly number[]): BinaryLayout | null {
  const aSize = sizeOf(aShape);
  const bSize = sizeOf(bShape);
  if (aShape.length === bShape.length && aShape.every((d, i) => d === bShape[i])) return 'same';
  if (bSize === 1 && bShape.length <= aShape.length) return 'scalar-b';
  if (aSize === 1 && aShape.length <= bShape.length) return 'scalar-a';
  if (isSuffix(bShape, aShape)) return 'rows-b';
  if (isSuffix(aShape, bShape)) return 'rows-a';
  return null;
}

/** Computes `a op b` into a new Float32Array of the output's size. */
export function binaryValues(op: BinaryOp, a: Float32Array, b: Float32Array, layout: BinaryLayout): Float32Array {
  switch (layout) {
    case 'same':
      return same(op, a, b);
    case 'scalar-b':
      return scalarRight(op, a, b[0]);
    case 'scalar-a':
      return scalarLeft(op, a[0], b);
    case 'rows-b':
      return rowsRight(op, a, b);
    case 'rows-a':
      return rowsLeft(op, a, b);
  }
}

function same(op: BinaryOp, a: Float32Array, b: Float32Array): Float32Array {
  const n = a.length;
  const out = new Float32Array(n);
  if (op === 'Add') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  else if (op === 'Sub') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  else if (op === 'Multiply') for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
  return out;
}

function scalarRight(op: BinaryOp, a: Float32Array, s: number): Float32Array {
  const n = a.length;
  const out = new Float32Array(n);
  if (op === 'Add') for (let i = 0; i < n; i++) out[i] = a[i] + s;
  else if (op === 'Sub') for (let i = 0; i < n; i++) out[i] = a[i] - s;
  else if (op === 'Multiply') for (let i = 0; i < n; i++) out[i] = a[i] * s;
  else for (let i = 0; i < n; i++) out[i] = a[i] / s;
  return out;
}

function scalarLeft(op: BinaryOp, s: number, b: Float32Array): Float32Array {
  const n = b.length;
  const out = new Float32Array(n);
  if (op === 'Add') for (let i = 0; i < n; i++) out[i] = s + b[i];
  else if (op === 'Sub') for (let i = 0; i < n; i++) out[i] = s - b[i];
  else if (op === 'Multiply') for (let i = 0; i < n; i++) out[i] = s * b[i];
  else for (let i = 0; i < n; i++) out[i] = s / b[i];
  return out;
}

function rowsRight(op: BinaryOp, a: Float32Array, b: Float32Array): Float32Array {
  const n = a.length;
  const m = b.length;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r += m) {
    if (op === 'Add') for (let j = 0; j < m; j++) out[r + j] = a[r + j] + b[j];
    else if (op === 'Sub') for (let j = 0; j < m; j++) out[r + j] = a[r + j] - b[j];
    else if (op === 'Multiply') for (let j = 0; j < m; j++) out[r + j] = a[r + j] * b[j];
    else for (let j = 0; j < m; j++) out[r + j] = a[r + j] / b[j];
  }
  return out;
}

function rowsLeft(op: BinaryOp, a: Float32Array, b: Float32Array): Float32Array {
  const n = b.length;
  const m = a.length;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r += m) {
    if (op === 'Add') for (let j = 0; j < m; j++) out[r + j] = a[j] + b[r + j];
    else if (op === 'Sub') for (let j = 0; j < m; j++) out[r + j] = a[j] - b[r + j];
    else if (op === 'Multiply') for (let j = 0; j < m; j++) out[r + j] = a[j] * b[r + j];
    else for (let j = 0; j < m; j++) out[r + j] = a[j] / b[r + j];
  }
  return out;
}
