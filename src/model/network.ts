/**
 * The Model's forward and backward passes over preallocated workspaces.
 *
 * Legend: examples are columns; m is the batch size.
 *   X = A[0] (n[0], m); W[l] (n[l], n[l-1]); b[l] (n[l], 1); Z[l], A[l], dZ[l], dA[l] (n[l], m)
 *   (1)  Z[l] = W[l] · A[l-1] + b[l]            gemm with the bias epilogue
 *   (2)  A[l] = g(Z[l])                          the activation pairs (activations.ts)
 *        A[l] = A[l] · D[l] / keep_prob          inverted dropout, hidden layers
 *        dZ[L] = A[L] − Y                        output activation fused with its loss
 *   (8)  dW[l] = 1/m · dZ[l] · A[l-1]ᵀ (+ λ/m · W[l] with L2)
 *   (9)  db[l] = 1/m · Σ_columns dZ[l]
 *   (10) dA[l-1] = W[l]ᵀ · dZ[l]                 not formed for l = 1 (no dA[0])
 *        dA[l] = dA[l] · D[l] / keep_prob
 *   (7)  dZ[l] = dA[l] * g'(Z[l])
 *
 * Every formula is a kernel call (the same primitives the step functions
 * use); nothing here allocates. A `Workspace` holds every Z, A, dZ, dA and
 * dropout mask for one batch size and is made once per (model, batch size).
 */
import type { Epilogue, FirstLayerStep, Kernels } from '../kernels/types.ts';
import type { FloatArray, Matrix } from '../matrix.ts';
import type { Arena } from '../parameters.ts';
import type { RandomState } from '../random.ts';
import { layerBackward, layerForward, type Layer } from './activations.ts';
import { argmaxColumn, countCorrect, countLabels, outputCost, type Loss } from './losses.ts';

/** What the passes need of a model. */
export interface Network<T extends FloatArray = FloatArray> {
  readonly layers: readonly Layer[];
  readonly layerDims: readonly number[];
  readonly loss: Loss;
  readonly kernels: Kernels<T>;
  /** W1, b1, ..., WL, bL */
  readonly parameters: Arena<T>;
}

/** Inverted dropout for one pass: keep probability per hidden layer and the generator the masks come from. */
export interface DropoutPlan {
  /** keep[l-1] for hidden layer l = 1 .. L-1; 1 turns dropout off for that layer. */
  readonly keep: readonly number[];
  readonly rng: RandomState;
}

/** Buffers for one batch size, all allocated by the kernels when the workspace is made. */
export class Workspace<T extends FloatArray = FloatArray> {
  /** Examples per batch. */
  readonly m: number;
  /** Z[l] at index l-1, (n[l], m). */
  readonly Z: Matrix<T>[];
  /** A[l] at index l-1, (n[l], m). */
  readonly A: Matrix<T>[];
  /** dZ[l] at index l-1 (training workspaces only). */
  readonly dZ: Matrix<T>[] = [];
  /** dA[l] at index l-1 for the hidden layers l = 1 .. L-1 (training only). */
  readonly dA: Matrix<T>[] = [];
  /** Dropout masks D[l] at index l-1 for hidden layers with keep < 1. */
  readonly D: (Matrix<T> | undefined)[] = [];
  /** (n[0], m) batch of inputs gathered from the data set (when batches are gathered). */
  readonly X?: Matrix<T>;
  /** (n[L], m) batch of labels gathered from the data set. */
  readonly Y?: Matrix<T>;
  /** Scratch for the cost's n[L]·m terms. */
  readonly terms: Float64Array;
  /** The epilogue of each layer's product (1): its bias, and its activation into A[l] (not for softmax). */
  readonly epilogues: Epilogue<T>[];

  /**
   * @param m - examples per batch
   * @param options.training - also dZ, dA (and masks) for the backward pass
   * @param options.keep - keep probabilities of the hidden layers; masks for those below 1
   * @param options.gather - also X and Y buffers to gather a batch into
   */
  constructor(net: Network<T>, m: number, options: { training?: boolean; keep?: readonly number[]; gather?: boolean } = {}) {
    const k = net.kernels, dims = net.layerDims, L = dims.length - 1;
    this.m = m;
    this.Z = [];
    this.A = [];
    for (let l = 1; l <= L; l++) {
      this.Z.push(k.matrix(dims[l], m));
      this.A.push(k.matrix(dims[l], m));
      if (options.training) {
        this.dZ.push(k.matrix(dims[l], m));
        if (l < L) this.dA.push(k.matrix(dims[l], m));
        if (l < L) this.D.push(options.keep && options.keep[l - 1] < 1 ? k.matrix(dims[l], m) : undefined);
      }
    }
    if (options.gather) {
      this.X = k.matrix(dims[0], m);
      this.Y = k.matrix(dims[L], m);
    }
    this.terms = new Float64Array(dims[L] * m);
    this.epilogues = net.layers.map((layer, i) => {
      const bias = net.parameters.entries[2 * i + 1];
      return layer.activation === 'softmax' ? { bias } : { bias, activation: layer.activation, out: this.A[i], slope: layer.slope };
    });
  }

  /** A[L], the output of the last forward pass. */
  get output(): Matrix<T> {
    return this.A[this.A.length - 1];
  }

  /**
   * Gives every buffer back to the kernels that made them; the workspace is
   * not used afterwards. Kernel memory returns by itself only when the
   * garbage collector finds the matrices, which a loop of calls never lets
   * it do: whoever makes a workspace for a call gives it back at the end.
   */
  release(k: Kernels<T>): void {
    for (const list of [this.Z, this.A, this.dZ, this.dA, this.D]) for (const M of list) if (M) k.release(M);
    if (this.X) k.release(this.X);
    if (this.Y) k.release(this.Y);
  }
}

/**
 * Forward propagation, (1) and (2) for l = 1 .. L, into `ws`. With `dropout`,
 * each hidden layer's mask is drawn after its A[l] is computed, in layer
 * order, as the course's `D1 = np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob`.
 * @param X - (n[0], m) inputs
 * @param first - layer 1's product from the sums the last update made ahead (W1 and X unchanged since): a `FirstLayerStep` or the Gram form
 */
export function forward<T extends FloatArray>(net: Network<T>, ws: Workspace<T>, X: Matrix<T>, dropout?: DropoutPlan, first?: Pick<FirstLayerStep<T>, 'forward'>): void {
  const k = net.kernels, L = net.layers.length, params = net.parameters.entries;
  let APrev = X;
  for (let l = 1; l <= L; l++) {
    const layer = net.layers[l - 1];
    const W = params[2 * (l - 1)];
    const Z = ws.Z[l - 1], A = ws.A[l - 1];
    // (1) Z = W · A_prev + b; the epilogue also writes (2) A = g(Z) for the elementwise activations.
    if (l === 1 && first) first.forward(Z, ws.epilogues[0]);
    else k.gemm(false, false, 1, W, APrev, Z, ws.epilogues[l - 1]);
    if (layer.activation === 'softmax') layerForward(k, layer, Z, A); // (2)
    const D = l < L ? ws.D[l - 1] : undefined;
    if (dropout && D) {
      const keep = dropout.keep[l - 1];
      drawMask(dropout.rng, keep, D.data);
      k.dropout(D, keep, A);
    }
    APrev = A;
  }
}

/**
 * Backward propagation from dZ[L] = A[L] − Y down to layer 1, writing dW[l]
 * and db[l] into `gradients` (the parameters' layout). dA[0] is not computed.
 * @param X - (n[0], m) the inputs of the forward pass
 * @param Y - (n[L], m) labels
 * @param l2 - λ of the L2 term, 0 for none
 * @param dropout - the plan of the forward pass (its masks are in `ws`)
 * @param withoutDW1 - leave dW[1] (and its L2 term) to the caller (a `FirstLayerStep`)
 */
export function backward<T extends FloatArray>(net: Network<T>, ws: Workspace<T>, X: Matrix<T>, Y: Matrix<T>, gradients: Arena<T>, l2: number, dropout?: DropoutPlan, withoutDW1 = false): void {
  const k = net.kernels, L = net.layers.length, m = ws.m;
  const params = net.parameters.entries, grads = gradients.entries;
  k.outputGradient(ws.A[L - 1], Y, ws.dZ[L - 1]);
  for (let l = L; l >= 1; l--) {
    const dZ = ws.dZ[l - 1];
    const APrev = l === 1 ? X : ws.A[l - 2];
    const W = params[2 * (l - 1)], dW = grads[2 * (l - 1)], db = grads[2 * (l - 1) + 1];
    const ownDW = l > 1 || !withoutDW1;
    if (ownDW) k.gemm(false, true, 1 / m, dZ, APrev, dW); // (8)
    k.rowSum(dZ, 1 / m, db); // (9)
    if (ownDW && l2 > 0) k.axpy(l2 / m, W.data, dW.data); // dW += λ/m · W
    if (l > 1) {
      const dAPrev = ws.dA[l - 2];
      k.gemm(true, false, 1, W, dZ, dAPrev); // (10)
      const D = ws.D[l - 2];
      if (dropout && D) k.dropout(D, dropout.keep[l - 2], dAPrev);
      layerBackward(k, net.layers[l - 2], dAPrev, ws.Z[l - 2], ws.dZ[l - 2]); // (7)
    }
  }
}

/**
 * The cost of the last forward pass: the loss of the output (losses.ts) plus,
 * with λ > 0, the course's L2 term (1/m)·(λ/2)·Σ_l np.sum(np.square(W[l])).
 * @param Y - (n[L], m) labels
 */
export function cost<T extends FloatArray>(net: Network<T>, ws: Workspace<T>, Y: Matrix<T>, l2: number): number {
  const L = net.layers.length;
  const J = outputCost(net.loss, ws.Z[L - 1], ws.A[L - 1], Y, ws.terms);
  return l2 > 0 ? J + l2Cost(net, ws.m, l2) : J;
}

/** (1/m)·(λ/2)·(Σ W1² + Σ W2² + ... + Σ WL²), as the course's compute_cost_with_regularization. */
export function l2Cost(net: Network, m: number, l2: number): number {
  const k = net.kernels, params = net.parameters.entries;
  let sum = 0;
  for (let l = 1; l <= net.layers.length; l++) sum += k.sumSquares(params[2 * (l - 1)].data);
  return (1 / m) * (l2 / 2) * sum;
}

/** Correct predictions of the last forward pass (see `countCorrect`). */
export function correct<T extends FloatArray>(net: Network<T>, ws: Workspace<T>, Y: Matrix<T>): number {
  return countCorrect(net.loss, ws.output, Y);
}

/** D = (rand(shape) < keep) as 0s and 1s, drawn row-major as `np.random.rand` fills a matrix. */
function drawMask(rng: RandomState, keep: number, d: FloatArray): void {
  for (let i = 0; i < d.length; i++) d[i] = rng.random() < keep ? 1 : 0;
}

/**
 * Columns `index[start .. start + out.cols)` of `src` into `out`, in that
 * order: the course's `shuffled_X[:, k·size : (k+1)·size]` with
 * `shuffled_X = X[:, permutation]`.
 * @param src - (n, M) the whole data set
 * @param out - (n, m) the batch
 */
export function gatherColumns(src: Matrix<FloatArray>, index: ArrayLike<number>, start: number, out: Matrix<FloatArray>): void {
  const n = src.rows, M = src.cols, m = out.cols, s = src.data, o = out.data;
  for (let i = 0; i < n; i++) {
    const row = i * M, orow = i * m;
    for (let j = 0; j < m; j++) o[orow + j] = s[row + index[start + j]];
  }
}

/**
 * The data set one example per row: rows[j·n + i] = X[i, j], (m, n) row-major,
 * in `Store`'s type (values rounded as a typed array's store rounds them).
 * Transposed in tiles, so reads and writes both stay within a few pages.
 * @param X - (n, m) examples as columns
 */
export function exampleRows(X: Matrix<FloatArray>, Store: Float64ArrayConstructor | Float32ArrayConstructor): FloatArray {
  const n = X.rows, m = X.cols, s = X.data;
  const rows = new Store(n * m);
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let j0 = 0; j0 < m; j0 += T) {
      const j1 = Math.min(m, j0 + T);
      for (let j = j0; j < j1; j++) {
        for (let i = i0; i < i1; i++) rows[j * n + i] = s[i * m + j];
      }
    }
  }
  return rows;
}

/**
 * The batch `gatherColumns` makes, from the data set stored one example per
 * row (`exampleRows`): out[i, j] = X[i, index[start + j]]. Each example is read
 * as one contiguous row; gathering from (n, M) instead reads one value per
 * feature and example, a row length apart, which for a data set larger than
 * the caches costs a cache and a TLB miss per value. Written in tiles of
 * examples × features, so the batch's lines stay in L1 while they fill.
 * @param rows - (M, n) the whole data set, one example per row
 * @param out - (n, m) the batch
 */
export function gatherRows(rows: FloatArray, index: ArrayLike<number>, start: number, out: Matrix<FloatArray>): void {
  const n = out.rows, m = out.cols, o = out.data;
  const TJ = 8, TI = 256;
  for (let j0 = 0; j0 < m; j0 += TJ) {
    const j1 = Math.min(m, j0 + TJ);
    for (let i0 = 0; i0 < n; i0 += TI) {
      const i1 = Math.min(n, i0 + TI);
      for (let j = j0; j < j1; j++) {
        const src = index[start + j] * n;
        for (let i = i0; i < i1; i++) o[i * m + j] = rows[src + i];
      }
    }
  }
}

/** What `Model.evaluate` reports. */
export interface Evaluation {
  /** The loss on (X, Y), without any L2 term. */
  cost: number;
  /** Fraction of correct predictions (sigmoid and softmax outputs). */
  accuracy?: number;
  /** counts[true][predicted], for a softmax output and a one-unit sigmoid output (classes 0, 1). */
  confusion?: number[][];
  /** Number of examples. */
  m: number;
}

/** The cost (no L2), accuracy and confusion matrix of the last forward pass in `ws`. */
export function evaluation<T extends FloatArray>(net: Network<T>, ws: Workspace<T>, Y: Matrix<T>): Evaluation {
  const m = ws.m, A = ws.output;
  const result: Evaluation = { cost: cost(net, ws, Y, 0), m };
  const total = countLabels(net.loss, A.rows, m);
  if (total > 0) result.accuracy = countCorrect(net.loss, A, Y) / total;
  if (net.loss === 'categoricalCrossEntropy' || (net.loss === 'binaryCrossEntropy' && A.rows === 1)) {
    const C = Math.max(2, A.rows);
    const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    for (let j = 0; j < m; j++) {
      const truth = A.rows === 1 ? Y.data[j] : argmaxColumn(Y.data, C, m, j);
      const guess = A.rows === 1 ? (A.data[j] > 0.5 ? 1 : 0) : argmaxColumn(A.data, C, m, j);
      confusion[truth][guess]++;
    }
    result.confusion = confusion;
  }
  return result;
}
