/**
 * One layer: the linear step and LINEAR -> ACTIVATION, forward beside backward.
 *
 * Legend: A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1), Z and A (n[l], m).
 *   (1)  Z = W · A_prev + b
 *   (2)  A = g(Z)
 *   (7)  dZ = dA * g'(Z)
 *   (8)  dW = 1/m · dZ · A_prevᵀ
 *   (9)  db = 1/m · np.sum(dZ, axis=1, keepdims=True)
 *   (10) dA_prev = Wᵀ · dZ
 */
import { OptionError } from '../errors.ts';
import { getKernels } from '../kernels/index.ts';
import { ACTIVATIONS, type Activation } from '../kernels/types.ts';
import type { Matrix } from '../matrix.ts';
import type { ActivationCache } from './activations.ts';
import { cacheHint, checkLinear, expectMatrix, expectSameShape, mismatch } from './checks.ts';
import { stepMatrix } from './memory.ts';

/** `(A_prev, W, b)`, kept by the forward step for the backward step. */
export type LinearCache = [A_prev: Matrix, W: Matrix, b: Matrix];
/** `(linear_cache, activation_cache)` of one LINEAR -> ACTIVATION layer. */
export type LayerCache = [linearCache: LinearCache, activationCache: ActivationCache];

/** Slope of leakyRelu in the step functions (the Model lets it be chosen). */
export const LEAKY_RELU_SLOPE = 0.01;

/**
 * (1) Z = W · A + b, the linear part of a layer's forward propagation.
 * @param A - (n[l-1], m) activations of the previous layer (or X)
 * @param W - (n[l], n[l-1]) weights
 * @param b - (n[l], 1) biases
 * @returns `[Z, cache]`: Z (n[l], m), cache = [A, W, b]
 */
export function linearForward(A: Matrix, W: Matrix, b: Matrix): [Z: Matrix, cache: LinearCache] {
  checkLinear('linearForward', A, W, b);
  const Z = stepMatrix(W.rows, A.cols);
  getKernels().gemm(false, false, 1, W, A, Z, { bias: b });
  return [Z, [A, W, b]];
}

/**
 * The linear part of a layer's backward propagation, equations (8), (9), (10).
 * @param dZ - (n[l], m) gradient of the cost with respect to Z
 * @param cache - [A_prev, W, b] from `linearForward`
 * @param into - optional matrices to write dW and db into (views of a gradient arena)
 * @returns `[dA_prev, dW, db]` with the shapes of A_prev, W and b
 */
export function linearBackward(dZ: Matrix, cache: LinearCache, into?: { dW?: Matrix; db?: Matrix }): [dA_prev: Matrix, dW: Matrix, db: Matrix] {
  return linearGradients('linearBackward', dZ, cache, into, true) as [Matrix, Matrix, Matrix];
}

/**
 * `linearBackward`'s work; without `inputGradient` it leaves out (10) and
 * returns null for dA_prev. A training loop needs no dA_prev from its first
 * layer: that would be the gradient with respect to X, X's size, which the
 * update never reads. @internal
 */
export function linearGradients(fn: string, dZ: Matrix, cache: LinearCache, into: { dW?: Matrix; db?: Matrix } | undefined, inputGradient: boolean): [dA_prev: Matrix | null, dW: Matrix, db: Matrix] {
  const [APrev, W, b] = checkLinearCache(fn, cache);
  expectMatrix(fn, 'dZ', dZ);
  if (dZ.rows !== W.rows) throw mismatch(fn, ['dZ', dZ], ['W', W], "dZ's rows must equal W's rows (n[l])");
  if (dZ.cols !== APrev.cols) throw mismatch(fn, ['dZ', dZ], ['A_prev', APrev], "dZ's columns must equal A_prev's columns (m)");
  const k = getKernels();
  const m = APrev.cols;
  const dW = into?.dW ?? stepMatrix(W.rows, W.cols);
  const db = into?.db ?? stepMatrix(b.rows, 1);
  if (into?.dW) expectSameShape(fn, ['dW', dW], ['W', W]);
  if (into?.db) expectSameShape(fn, ['db', db], ['b', b]);
  let dAPrev: Matrix | null = null;
  if (inputGradient) {
    dAPrev = stepMatrix(APrev.rows, APrev.cols);
    k.gemm(true, false, 1, W, dZ, dAPrev); // (10)
  }
  k.gemm(false, true, 1 / m, dZ, APrev, dW); // (8)
  k.rowSum(dZ, 1 / m, db); // (9)
  return [dAPrev, dW, db];
}

/**
 * (1), (2): A = g(W · A_prev + b) for one LINEAR -> ACTIVATION layer.
 * @param APrev - (n[l-1], m) activations of the previous layer (or X)
 * @param W - (n[l], n[l-1]) weights
 * @param b - (n[l], 1) biases
 * @param activation - "sigmoid" or "relu" (also "tanh", "leakyRelu", "linear")
 * @returns `[A, cache]`: A (n[l], m), cache = [[A_prev, W, b], Z]
 */
export function linearActivationForward(APrev: Matrix, W: Matrix, b: Matrix, activation: Activation): [A: Matrix, cache: LayerCache] {
  const fn = 'linearActivationForward';
  checkActivation(fn, activation);
  checkLinear(fn, APrev, W, b);
  const Z = stepMatrix(W.rows, APrev.cols);
  const A = stepMatrix(W.rows, APrev.cols);
  getKernels().gemm(false, false, 1, W, APrev, Z, { bias: b, activation, out: A, slope: LEAKY_RELU_SLOPE });
  return [A, [[APrev, W, b], Z]];
}

/**
 * Backward propagation of one LINEAR -> ACTIVATION layer: (7), then the linear step.
 * @param dA - (n[l], m) post-activation gradient of this layer
 * @param cache - [[A_prev, W, b], Z] from `linearActivationForward`
 * @param activation - the activation the forward step used
 * @param into - optional matrices to write dW and db into
 * @returns `[dA_prev, dW, db]`
 */
export function linearActivationBackward(dA: Matrix, cache: LayerCache, activation: Activation, into?: { dW?: Matrix; db?: Matrix }): [dA_prev: Matrix, dW: Matrix, db: Matrix] {
  return layerGradients('linearActivationBackward', dA, cache, activation, into, true) as [Matrix, Matrix, Matrix];
}

/** `linearActivationBackward`'s work; dA_prev only with `inputGradient` (see `linearGradients`). @internal */
export function layerGradients(fn: string, dA: Matrix, cache: LayerCache, activation: Activation, into: { dW?: Matrix; db?: Matrix } | undefined, inputGradient: boolean): [dA_prev: Matrix | null, dW: Matrix, db: Matrix] {
  checkActivation(fn, activation);
  if (!Array.isArray(cache) || cache.length !== 2) {
    throw new OptionError(`${fn}: cache must be [linear_cache, activation_cache] as linearActivationForward returns it${cacheHint(cache, 'layer')}`);
  }
  const [linearCache, Z] = cache;
  checkLinearCache(fn, linearCache);
  expectSameShape(fn, ['dA', dA], ['Z (the activation cache)', Z], "dA must have Z's shape (n[l], m)");
  if (Z.rows !== linearCache[1].rows || Z.cols !== linearCache[0].cols) {
    throw mismatch(fn, ['Z', Z], ['W', linearCache[1]], `Z must be (n[l], m) = (${linearCache[1].rows}, ${linearCache[0].cols})`);
  }
  const k = getKernels();
  const dZ = stepMatrix(Z.rows, Z.cols);
  k.activationBackward(activation, dA, Z, dZ, LEAKY_RELU_SLOPE); // (7)
  const grads = linearGradients(fn, dZ, linearCache, into, inputGradient);
  k.release(dZ); // a temporary: the kernels may hold it in their own memory
  return grads;
}

function checkActivation(fn: string, activation: unknown): asserts activation is Activation {
  if (!ACTIVATIONS.includes(activation as Activation)) {
    throw new OptionError(`${fn}: activation is ${JSON.stringify(activation)}; use "sigmoid" or "relu" (also "tanh", "leakyRelu", "linear")`);
  }
}

function checkLinearCache(fn: string, cache: LinearCache): LinearCache {
  if (!Array.isArray(cache) || cache.length !== 3) throw new OptionError(`${fn}: linear cache must be [A_prev, W, b] as linearForward returns it${cacheHint(cache, 'linear')}`);
  checkLinear(fn, cache[0], cache[1], cache[2]);
  return cache;
}
