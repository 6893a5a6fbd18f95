/**
 * The course's activation functions (its appendix), forward beside backward.
 *
 * Legend: Z and A are (n[l], m), examples as columns; any shape is accepted.
 * Each forward returns `[A, cache]` with cache = Z; each backward takes the
 * post-activation gradient dA and that cache and returns dZ (equation (7):
 * dZ = dA * g'(Z)). The arithmetic is the kernels' (src/kernels/ref).
 */
import { getKernels } from '../kernels/index.ts';
import type { Activation } from '../kernels/types.ts';
import type { Matrix } from '../matrix.ts';
import { cacheHint, expectMatrix, expectSameShape } from './checks.ts';
import { ShapeError } from '../errors.ts';
import { stepMatrix } from './memory.ts';

/** The activation cache: Z, kept for the backward pass. */
export type ActivationCache = Matrix;

/**
 * A = 1 / (1 + e^(−Z)).
 * @param Z - (n[l], m) pre-activations
 * @returns `[A, cache]`: A the shape of Z, cache = Z
 */
export function sigmoid(Z: Matrix): [A: Matrix, cache: ActivationCache] {
  return activate('sigmoid', Z);
}

/**
 * dZ = dA · s · (1 − s) with s = σ(Z).
 * @param dA - (n[l], m) post-activation gradient
 * @param cache - Z from `sigmoid`
 */
export function sigmoidBackward(dA: Matrix, cache: ActivationCache): Matrix {
  return activateBackward('sigmoid', 'sigmoidBackward', dA, cache);
}

/**
 * A = max(0, Z).
 * @param Z - (n[l], m) pre-activations
 * @returns `[A, cache]`: A the shape of Z, cache = Z
 */
export function relu(Z: Matrix): [A: Matrix, cache: ActivationCache] {
  return activate('relu', Z);
}

/**
 * dZ = dA where Z > 0, 0 where Z ≤ 0.
 * @param dA - (n[l], m) post-activation gradient
 * @param cache - Z from `relu`
 */
export function reluBackward(dA: Matrix, cache: ActivationCache): Matrix {
  return activateBackward('relu', 'reluBackward', dA, cache);
}

function activate(activation: Activation, Z: Matrix): [Matrix, ActivationCache] {
  expectMatrix(activation, 'Z', Z);
  const A = stepMatrix(Z.rows, Z.cols);
  getKernels().activationForward(activation, Z, A);
  return [A, Z];
}

function activateBackward(activation: Activation, fn: string, dA: Matrix, Z: ActivationCache): Matrix {
  const hint = cacheHint(Z, 'activation');
  if (hint) throw new ShapeError(`${fn}: cache is not Z${hint}`);
  expectSameShape(fn, ['dA', dA], ['Z (the cache)', Z], "dA must have Z's shape");
  const dZ = stepMatrix(Z.rows, Z.cols);
  getKernels().activationBackward(activation, dA, Z, dZ);
  return dZ;
}
