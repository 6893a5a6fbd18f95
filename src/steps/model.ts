/**
 * The L-layer model [LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID: forward
 * beside backward, the cross-entropy cost, and the gradient descent update.
 *
 * Legend: X (n[0], m), W[l] (n[l], n[l-1]), b[l] (n[l], 1), A[l] (n[l], m),
 * AL = A[L] (1, m), Y (1, m) of 0/1 labels. Examples are columns.
 */
import { DataError, OptionError, ShapeError } from '../errors.ts';
import { getKernels } from '../kernels/index.ts';
import { pairwiseSum } from '../kernels/pairwise.ts';
import { Matrix } from '../matrix.ts';
import { Arena, layerEntries, type Grads, type Parameters } from '../parameters.ts';
import { checkLinear, expectMatrix, expectSameShape, mismatch } from './checks.ts';
import { layerGradients, linearActivationForward, type LayerCache } from './linear.ts';
import { stepMatrix, stepMemory } from './memory.ts';
import type { Activation } from '../kernels/types.ts';

/**
 * Forward propagation of [LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID.
 * @param X - (n[0], m) input, examples as columns
 * @param parameters - W1, b1, ..., WL, bL (L = number of entries / 2)
 * @param hidden - activation of the hidden layers; "relu" as in the course
 * @returns `[AL, caches]`: AL (1, m); caches[l-1] is layer l's [[A_prev, W, b], Z]
 */
export function lModelForward(X: Matrix, parameters: Parameters, hidden: Activation = 'relu'): [AL: Matrix, caches: LayerCache[]] {
  const fn = 'lModelForward';
  const L = layerCount(fn, parameters);
  checkLayers(fn, X, parameters, L);
  const caches: LayerCache[] = [];
  let A = X;
  for (let l = 1; l < L; l++) {
    const [next, cache] = linearActivationForward(A, parameters['W' + l], parameters['b' + l], hidden);
    caches.push(cache);
    A = next;
  }
  const [AL, cache] = linearActivationForward(A, parameters['W' + L], parameters['b' + L], 'sigmoid');
  caches.push(cache);
  return [AL, caches];
}

/**
 * Backward propagation of the whole model, from the cross-entropy's dAL.
 *
 * Numbering is the course's (the step-by-step notebook the tutorial follows):
 * `grads["dA" + l]` is the dA_prev returned by layer l, so `dA1` has X's shape
 * and `dAL` is not stored; `dW` + l and `db` + l are layer l's. When the caches'
 * W and b are the entries of one parameter arena, dW and db are written into
 * a twin arena, so `updateParameters` is one loop.
 * @param AL - (1, m) output of `lModelForward`
 * @param Y - (1, m) true labels (0 or 1), any shape with m values
 * @param caches - from `lModelForward`
 * @param hidden - activation of the hidden layers, as given to `lModelForward`
 * @returns grads with dA1..dAL, dW1..dWL, db1..dbL
 */
export function lModelBackward(AL: Matrix, Y: Matrix, caches: LayerCache[], hidden: Activation = 'relu'): Grads {
  return modelGradients('lModelBackward', AL, Y, caches, hidden, true);
}

/**
 * `lModelBackward`'s work; without `inputGradient` it leaves out the first
 * layer's dA_prev (grads.dA1, the gradient with respect to X: X's size, and a
 * product as large as the one for dW1), which a training loop never reads.
 * The course's loops (`twoLayerModel`, `lLayerModel`) train with it left out;
 * everything else they compute is the same. @internal
 */
export function modelGradients(fn: string, AL: Matrix, Y: Matrix, caches: LayerCache[], hidden: Activation, inputGradient: boolean): Grads {
  expectMatrix(fn, 'AL', AL);
  expectMatrix(fn, 'Y', Y);
  if (Y.size !== AL.size) throw mismatch(fn, ['Y', Y], ['AL', AL], 'Y must have as many labels as AL has columns (m)');
  if (!Array.isArray(caches) || caches.length === 0) throw new ShapeError(`${fn}: caches is empty; pass the caches lModelForward returned`);
  const L = caches.length;
  const last = caches[L - 1][1];
  if (last.rows !== AL.rows || last.cols !== AL.cols) throw mismatch(fn, ['AL', AL], [`Z${L} (caches[${L - 1}])`, last], `AL must have Z${L}'s shape`);

  const grads: Grads = {};
  const arena = Arena.of(caches.flatMap(([[, W, b]]) => [W, b]));
  const gradArena = arena?.twin(stepMemory);
  const into = (l: number) => gradArena && { dW: gradArena.entries[2 * (l - 1)], db: gradArena.entries[2 * (l - 1) + 1] };
  // Layer l's dA_prev is grads.dA<l>; layer 1's only with inputGradient.
  const layer = (l: number, dA: Matrix, activation: Activation) => {
    const [dAPrev, dW, db] = layerGradients(fn, dA, caches[l - 1], activation, into(l), inputGradient || l > 1);
    if (dAPrev) grads['dA' + l] = dAPrev;
    grads['dW' + l] = dW;
    grads['db' + l] = db;
  };

  const dAL = crossEntropyDA(AL, Y);
  checkDAL(fn, dAL, AL, Y);
  layer(L, dAL, 'sigmoid');
  getKernels().release(dAL);
  for (let l = L - 1; l >= 1; l--) layer(l, grads['dA' + (l + 1)], hidden);
  return grads;
}

/**
 * The cross-entropy cost, equation (3) of the cost section:
 * J = −1/m · Σ (y·log(a) + (1 − y)·log(1 − a)), summed as `np.sum` does.
 * A term whose weight y or 1 − y is 0 is 0 (the limit of 0·log 0), so a
 * probability of exactly the label (a sigmoid saturated in float64) costs 0
 * where NumPy's 0·(−inf) gives NaN; every other term is the course's, to
 * the bit. A confident wrong prediction costs Infinity, as log(0) says.
 * @param AL - (1, m) predicted probabilities
 * @param Y - (1, m) true labels
 */
export function computeCost(AL: Matrix, Y: Matrix): number {
  const fn = 'computeCost';
  expectSameShape(fn, ['AL', AL], ['Y', Y], "Y must have AL's shape (1, m)");
  if (AL.rows !== 1) throw mismatch(fn, ['AL', AL], ['Y', Y], 'AL and Y must be (1, m): one row of probabilities and one of labels');
  const m = Y.cols;
  if (m === 0) throw mismatch(fn, ['AL', AL], ['Y', Y], 'the cost needs at least one example (m ≥ 1)');
  const a = AL.data, y = Y.data;
  for (let j = 0; j < m; j++) {
    if (!(a[j] >= 0 && a[j] <= 1)) throw new DataError(`${fn}: AL has ${a[j]} at column ${j}; AL must hold probabilities in [0, 1] (the sigmoid's output)`);
    if (!(y[j] >= 0 && y[j] <= 1)) throw new DataError(`${fn}: Y has ${y[j]} at column ${j}; the cross-entropy needs labels in [0, 1] (0 or 1 for the course's classes)`);
  }
  const terms = new Float64Array(m);
  for (let j = 0; j < m; j++) terms[j] = (y[j] === 0 ? 0 : y[j] * Math.log(a[j])) + (y[j] === 1 ? 0 : (1 - y[j]) * Math.log(1 - a[j]));
  return (-1 / m) * pairwiseSum(terms);
}

/**
 * dAL = −(Y / AL − (1 − Y) / (1 − AL)), the derivative of the cross-entropy
 * with respect to AL, as the course's `L_model_backward` starts. As in
 * `computeCost`, a quotient whose numerator y or 1 − y is 0 is 0, so an
 * output saturated at its label gives dAL = ∓1 and, through the sigmoid's
 * s·(1 − s) = 0, dZ = 0 (the limit of A − Y) where NumPy's 0/0 gives NaN.
 */
export function crossEntropyDA(AL: Matrix, Y: Matrix): Matrix {
  const dAL = stepMatrix(AL.rows, AL.cols);
  const a = AL.data, y = Y.data, d = dAL.data;
  for (let j = 0; j < d.length; j++) d[j] = -((y[j] === 0 ? 0 : y[j] / a[j]) - (y[j] === 1 ? 0 : (1 - y[j]) / (1 - a[j])));
  return dAL;
}

/**
 * dAL must be finite: Y / AL or (1 − Y) / (1 − AL) is infinite where AL is
 * exactly 0 or 1 against a label that differs (NumPy goes on with inf and
 * NaN gradients). The usual cause is AL and Y given the other way round.
 * AL itself is not limited to [0, 1]: the course's test case draws it with randn.
 */
function checkDAL(fn: string, dAL: Matrix, AL: Matrix, Y: Matrix): void {
  const d = dAL.data;
  for (let j = 0; j < d.length; j++) {
    if (!Number.isFinite(d[j])) {
      throw new DataError(
        `${fn}: dAL = −(Y/AL − (1 − Y)/(1 − AL)) is ${d[j]} at column ${j}, where AL is ${AL.data[j]} and Y is ${Y.data[j]}; ` +
          'AL must be the probabilities lModelForward returned, strictly between 0 and 1 where the label differs (the arguments are lModelBackward(AL, Y, caches))',
      );
    }
  }
}

/**
 * Gradient descent, W[l] = W[l] − α·dW[l] and b[l] = b[l] − α·db[l], in place.
 * Returns the same `parameters` (the course reassigns it; both work). One loop
 * over the arena when parameters and grads are twin arenas.
 * @param parameters - W1, b1, ..., WL, bL
 * @param grads - dW1, db1, ..., dWL, dbL (from `lModelBackward`)
 * @param learningRate - α
 */
export function updateParameters(parameters: Parameters, grads: Grads, learningRate: number): Parameters {
  const fn = 'updateParameters';
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate)) {
    throw new OptionError(`${fn}: learningRate is ${String(learningRate)}; it must be a finite number`);
  }
  const L = layerCount(fn, parameters);
  if (grads === null || typeof grads !== 'object') throw new ShapeError(`${fn}: grads is ${String(grads)}; it must be a dictionary dW1, db1, ..., dWL, dbL`);
  for (let l = 1; l <= L; l++) {
    for (const key of ['dW' + l, 'db' + l]) {
      if (grads[key] === undefined) {
        throw new ShapeError(`${fn}: grads has no ${key} (its keys: ${Object.keys(grads).filter((k) => grads[k] !== undefined).join(', ') || 'none'}); it must hold dW1..dW${L} and db1..db${L}, as lModelBackward returns them`);
      }
    }
    expectSameShape(fn, ['dW' + l, grads['dW' + l]], ['W' + l, parameters['W' + l]]);
    expectSameShape(fn, ['db' + l, grads['db' + l]], ['b' + l, parameters['b' + l]]);
  }
  const k = getKernels();
  const params = layerEntries(parameters, L);
  const gradients = layerEntries(grads, L, 'dW', 'db');
  const p = Arena.of(params);
  const g = Arena.of(gradients);
  if (p && g && p.sameLayout(g)) {
    k.axpy(-learningRate, g.data, p.data);
  } else {
    for (let i = 0; i < params.length; i++) k.axpy(-learningRate, gradients[i]!.data, params[i]!.data);
  }
  return parameters;
}

/**
 * Gives the kernels back the matrices one training iteration made: every
 * layer's Z and A (not X, the first layer's input), and the gradients. The
 * training loops call it so a long synchronous loop reuses the same memory
 * instead of waiting for the garbage collector.
 */
export function releaseIteration(caches: LayerCache[], AL: Matrix, grads: Grads): void {
  const k = getKernels();
  for (let l = 0; l < caches.length; l++) {
    const [[APrev], Z] = caches[l];
    if (l > 0) k.release(APrev);
    k.release(Z);
  }
  k.release(AL);
  const L = caches.length;
  const arena = Arena.of(layerEntries(grads, L, 'dW', 'db'));
  if (arena) k.release(arena.storage);
  for (const [key, M] of Object.entries(grads)) if (key.startsWith('dA') || !arena) k.release(M);
}

/**
 * L, the course's len(parameters) // 2, with W1..WL and b1..bL present. L
 * is the largest layer any W or b key names, so a missing matrix is named
 * (b3 of an odd count, not the output size of the layer before it).
 */
export function layerCount(fn: string, parameters: Parameters): number {
  if (parameters === null || typeof parameters !== 'object') throw new ShapeError(`${fn}: parameters is ${String(parameters)}; it must be a dictionary W1, b1, ..., WL, bL`);
  const keys = Object.keys(parameters);
  let L = 0;
  for (const key of keys) {
    const match = /^[Wb]([1-9][0-9]*)$/.exec(key);
    if (match) L = Math.max(L, Number(match[1]));
  }
  if (L < 1) throw new ShapeError(`${fn}: parameters has ${keys.length} entries (${keys.join(', ') || 'none'}); it needs W1, b1 at least`);
  for (let l = 1; l <= L; l++) {
    for (const key of ['W' + l, 'b' + l]) {
      if (parameters[key] === undefined) {
        throw new ShapeError(`${fn}: parameters has no matrix ${key} (its keys: ${keys.join(', ')}); it must hold W1..W${L} and b1..b${L}`);
      }
      expectMatrix(fn, `parameters.${key}`, parameters[key]);
    }
  }
  return L;
}

/** Checks X and every W[l], b[l] of an L-layer network, naming the layer. The output layer must have one unit. */
export function checkLayers(fn: string, X: Matrix, parameters: Parameters, L: number): void {
  checkLinear(fn, X, parameters.W1, parameters.b1, 1);
  for (let l = 2; l <= L; l++) {
    const W = parameters['W' + l], prev = parameters['W' + (l - 1)], b = parameters['b' + l];
    if (W.cols !== prev.rows) throw mismatch(fn, ['W' + l, W], ['W' + (l - 1), prev], `W${l}'s columns must equal W${l - 1}'s rows (n[${l - 1}])`);
    if (b.rows !== W.rows || b.cols !== 1) throw mismatch(fn, ['b' + l, b], ['W' + l, W], `b${l} must be (n[${l}], 1) = (${W.rows}, 1)`);
  }
  const WL = parameters['W' + L];
  if (WL.rows !== 1) throw new ShapeError(`${fn}: W${L} is ${WL.shapeString()} but AL must be (1, m); the output layer must have one unit (n[${L}] = 1)`);
}
