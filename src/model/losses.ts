/**
 * Losses, each fused with the output activation it belongs to, and the
 * labels they accept.
 *
 * Legend: Z[L] and A[L] (n[L], m) of the output layer, Y (n[L], m), examples
 * as columns; C = n[L] classes for softmax.
 *
 *   sigmoid + binary cross-entropy       J = −1/m · Σ (y·log(a) + (1 − y)·log(1 − a))
 *   softmax + categorical cross-entropy  J = −1/m · Σ y·log(a)
 *   linear  + mean squared error         J = 1/(2m) · Σ (a − y)²
 *
 * All three have the same output gradient, dZ[L] = A[L] − Y (with 1/m in the
 * products (8) and (9)), computed by the kernels' `outputGradient`; the
 * tutorial's dAL = −(Y/AL − (1 − Y)/(1 − AL)) is never formed, so a saturated
 * output (a = 0 or 1 in float64) cannot turn it into NaN.
 *
 * The costs are computed from Z with the logarithms taken where they cannot
 * overflow, log(a) = −softplus(−z) and log(1 − a) = −softplus(z) for sigmoid,
 * and the log-sum-exp of each column for softmax, so a cost stays finite for
 * any finite Z (e.g. ±800), where log(σ(z)) would be log(0). Each is summed
 * as the course's `np.sum` does (pairwise) and multiplied by −1/m last.
 * The cost runs once per mini-batch over the output layer only, n[L]·m
 * values, so it is plain TypeScript here rather than a kernel.
 */
import { DataError, ShapeError } from '../errors.ts';
import type { Kernels } from '../kernels/types.ts';
import { pairwiseSum } from '../kernels/pairwise.ts';
import { assertFinite, assertFloat32Range, type FloatArray, type Matrix } from '../matrix.ts';
import type { LayerActivation } from './activations.ts';

export type Loss = 'binaryCrossEntropy' | 'categoricalCrossEntropy' | 'meanSquaredError';

/** The loss that goes with an output activation. */
export function lossFor(output: LayerActivation): Loss {
  if (output === 'sigmoid') return 'binaryCrossEntropy';
  if (output === 'softmax') return 'categoricalCrossEntropy';
  return 'meanSquaredError';
}

/** softplus(x) = log(1 + eˣ), as max(x, 0) + log1p(e^(−|x|)) so that it never overflows. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * The cost J of one batch, from the output layer's Z and A (see the legend).
 * @param Z - (n[L], m) output pre-activations
 * @param A - (n[L], m) output activations
 * @param Y - (n[L], m) labels (one-hot for softmax)
 * @param terms - scratch of at least n[L]·m values
 */
export function outputCost(loss: Loss, Z: Matrix<FloatArray>, A: Matrix<FloatArray>, Y: Matrix<FloatArray>, terms: Float64Array): number {
  const n = Z.rows, m = Z.cols, size = n * m;
  const z = Z.data, a = A.data, y = Y.data;
  switch (loss) {
    case 'binaryCrossEntropy':
      // y·log(a) + (1 − y)·log(1 − a) with log(a) = −softplus(−z), log(1 − a) = −softplus(z).
      // A part whose weight is 0 is −0, which 0·(−softplus) is for any finite z (so the sum
      // is the same to the bit), and also for z = ±∞, where 0·∞ would be NaN.
      for (let i = 0; i < size; i++) {
        const yi = y[i];
        terms[i] = (yi === 0 ? -0 : yi * -softplus(-z[i])) + (yi === 1 ? -0 : (1 - yi) * -softplus(z[i]));
      }
      return (-1 / m) * pairwiseSum(terms, 0, size);
    case 'categoricalCrossEntropy':
      // y·log(a) with log(a[i, j]) = z[i, j] − (max_j + log Σ_k exp(z[k, j] − max_j))
      for (let j = 0; j < m; j++) {
        let max = -Infinity;
        for (let i = 0; i < n; i++) max = Math.max(max, z[i * m + j]);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += Math.exp(z[i * m + j] - max);
        const logSum = max + Math.log(sum);
        for (let i = 0; i < n; i++) {
          // log(a) = −∞ (z = −∞) weighs nothing for a class that is not the label: −0, as 0·log(a) is for finite z < logSum.
          const logA = z[i * m + j] - logSum, yi = y[i * m + j];
          terms[i * m + j] = yi === 0 && logA === -Infinity ? -0 : yi * logA;
        }
      }
      return (-1 / m) * pairwiseSum(terms, 0, size);
    case 'meanSquaredError':
      for (let i = 0; i < size; i++) terms[i] = (a[i] - y[i]) * (a[i] - y[i]);
      return (1 / (2 * m)) * pairwiseSum(terms, 0, size);
  }
}

/**
 * How many predictions of a batch are right, and out of how many.
 * sigmoid: 1 where a > 0.5 (the course's `predict`), compared with each label
 * (n[L]·m of them); softmax: the most probable class (the first on ties, as
 * `np.argmax`) against the label's class (m); linear: no accuracy.
 * @param A - (n[L], m) output activations
 * @param Y - (n[L], m) labels (one-hot for softmax)
 */
export function countCorrect(loss: Loss, A: Matrix<FloatArray>, Y: Matrix<FloatArray>): number {
  const n = A.rows, m = A.cols, a = A.data, y = Y.data;
  let hits = 0;
  if (loss === 'binaryCrossEntropy') {
    for (let i = 0; i < n * m; i++) if ((a[i] > 0.5 ? 1 : 0) === y[i]) hits++;
  } else if (loss === 'categoricalCrossEntropy') {
    for (let j = 0; j < m; j++) if (argmaxColumn(a, n, m, j) === argmaxColumn(y, n, m, j)) hits++;
  }
  return hits;
}

/** The number of labels `countCorrect` compares; 0 for a loss without accuracy. */
export function countLabels(loss: Loss, n: number, m: number): number {
  if (loss === 'binaryCrossEntropy') return n * m;
  if (loss === 'categoricalCrossEntropy') return m;
  return 0;
}

/** Row of the largest value of column j (the first on ties). */
export function argmaxColumn(x: FloatArray, n: number, m: number, j: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[i * m + j] > x[best * m + j]) best = i;
  return best;
}

/**
 * Checks labels against the output layer and returns them as (n[L], m) in the
 * kernels' dtype, class indices turned into one-hot columns.
 *   sigmoid: (n[L], m) of 0 and 1
 *   softmax: (C, m) one-hot, or (1, m) class indices 0 .. C−1
 *   linear:  (n[L], m) finite numbers
 * @param what - how messages name the labels, e.g. "Model.fit: Y"
 * @param Y - the labels as given
 * @param m - the number of examples (X's columns)
 */
export function prepareLabels<T extends FloatArray>(what: string, loss: Loss, units: number, Y: Matrix<FloatArray>, m: number, kernels: Kernels<T>): Matrix<T> {
  assertFinite(Y, what);
  if (kernels.dtype === 'float32') assertFloat32Range(Y, what);
  const y = Y.data;
  if (loss === 'categoricalCrossEntropy') {
    const C = units;
    // Every label is checked before the kernel matrix is made: an error must not keep kernel memory.
    if (Y.rows === 1 && Y.cols === m) {
      for (let j = 0; j < m; j++) {
        const c = y[j];
        if (!Number.isInteger(c) || c < 0 || c >= C) {
          throw new DataError(`${what} has ${c} at column ${j}, but the softmax output has ${C} units: class indices must be integers 0..${C - 1}`);
        }
      }
      const out = kernels.matrix(C, m);
      for (let j = 0; j < m; j++) out.data[y[j] * m + j] = 1;
      return out;
    }
    if (Y.rows === C && Y.cols === m) {
      for (let j = 0; j < m; j++) {
        let ones = 0;
        for (let i = 0; i < C; i++) {
          const v = y[i * m + j];
          if (v !== 0 && v !== 1) throw new DataError(`${what} has ${v} at row ${i}, column ${j}; one-hot labels must be 0 or 1`);
          ones += v;
        }
        if (ones !== 1) throw new DataError(`${what} column ${j} has ${ones} ones; a one-hot column has exactly one 1`);
      }
      const out = kernels.matrix(C, m);
      out.data.set(y);
      return out;
    }
    throw new ShapeError(`${what} is ${Y.shapeString()} but the softmax output has ${C} units and X has ${m} examples: Y must be (${C}, ${m}) one-hot or (1, ${m}) class indices 0..${C - 1}`);
  }
  if (Y.rows !== units || Y.cols !== m) {
    const hint = Y.rows === m && Y.cols === units ? ' (examples are columns: transpose Y)' : '';
    throw new ShapeError(`${what} is ${Y.shapeString()} but the output layer has ${units} unit${units === 1 ? '' : 's'} and X has ${m} examples: Y must be (${units}, ${m})${hint}`);
  }
  if (loss === 'binaryCrossEntropy') {
    for (let k = 0; k < y.length; k++) {
      if (y[k] !== 0 && y[k] !== 1) {
        const i = Math.floor(k / m);
        const classes = units === 1 && Number.isInteger(y[k]) && y[k] > 1
          ? `; for ${maxLabel(y) + 1} classes use a softmax output with ${maxLabel(y) + 1} units`
          : '';
        throw new DataError(`${what} has ${y[k]} at row ${i}, column ${k - i * m}, but a sigmoid output needs labels 0 or 1${classes}`);
      }
    }
  }
  const out = kernels.matrix(units, m);
  out.data.set(y);
  return out;
}

function maxLabel(y: FloatArray): number {
  let max = 0;
  for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]);
  return max;
}
