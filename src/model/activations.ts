/**
 * The Model's activations, forward beside backward.
 *
 * Legend: Z and A are (n[l], m), examples as columns.
 *   (2) A = g(Z)            forward
 *   (7) dZ = dA * g'(Z)     backward
 *
 * The arithmetic is the kernels' (src/kernels/ref: sigmoid, relu, tanh,
 * leakyRelu, linear, each forward beside its backward, and softmaxColumns),
 * the same primitives the step functions call. Softmax is an output
 * activation only: its backward is fused with the categorical cross-entropy
 * (dZ = A − Y, see losses.ts), so it has no dZ = dA * g'(Z) of its own here.
 */
import { OptionError } from '../errors.ts';
import { getKernels } from '../kernels/index.ts';
import type { Activation, Kernels } from '../kernels/types.ts';
import type { FloatArray, Matrix } from '../matrix.ts';
import { expectMatrix, expectSameShape } from '../steps/checks.ts';
import type { ActivationCache } from '../steps/activations.ts';
import { LEAKY_RELU_SLOPE } from '../steps/linear.ts';
import { stepMatrix } from '../steps/memory.ts';

/** An activation of a Model layer: the kernels' elementwise ones, and softmax for the output. */
export type LayerActivation = Activation | 'softmax';

export const LAYER_ACTIVATIONS: readonly LayerActivation[] = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'linear', 'softmax'];
/** Activations a hidden layer may use. */
export const HIDDEN_ACTIVATIONS: readonly Activation[] = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'linear'];
/** Activations the output layer may use: each comes with its loss (losses.ts). */
export const OUTPUT_ACTIVATIONS: readonly LayerActivation[] = ['sigmoid', 'softmax', 'linear'];

/** Slope of leakyRelu for negative inputs when a layer does not give one (the step functions' 0.01). */
export const DEFAULT_SLOPE = LEAKY_RELU_SLOPE;

/**
 * One layer of a Model: its units n[l], its activation, and leakyRelu's
 * slope. The type allows `slope` only beside `activation: 'leakyRelu'`;
 * that softmax is for the output layer only is checked when the Model is
 * made (`new Model`, `Model.fromSpec`), which names the layer.
 */
export type LayerSpec = LeakyReluLayerSpec | PlainLayerSpec;

/** A leakyRelu layer: g(z) = z for z ≥ 0, slope · z for z < 0. */
export interface LeakyReluLayerSpec {
  units: number;
  activation: 'leakyRelu';
  /** g(z) = slope · z for z < 0, in [0, 1). Default 0.01. */
  slope?: number;
}

/** A layer whose activation has no parameter. */
export interface PlainLayerSpec {
  units: number;
  activation: Exclude<LayerActivation, 'leakyRelu'>;
  /** Only leakyRelu has a slope. */
  slope?: undefined;
}

/**
 * A layer as a model file or JSON describes it, before it is checked: any
 * activation, any slope. `Model.fromSpec` takes these and checks each one
 * as `new Model` checks a `LayerSpec`.
 */
export interface LayerDescription {
  units: number;
  activation: LayerActivation;
  slope?: number;
}

/** A layer with its slope resolved (0 for activations that have none). */
export interface Layer {
  readonly units: number;
  readonly activation: LayerActivation;
  readonly slope: number;
}

/**
 * (2) A = g(Z) for one layer, on the given kernels.
 * @param Z - (n[l], m) pre-activations
 * @param A - (n[l], m) output
 */
export function layerForward<T extends FloatArray>(k: Kernels<T>, layer: Layer, Z: Matrix<T>, A: Matrix<T>): void {
  if (layer.activation === 'softmax') k.softmaxColumns(Z, A);
  else k.activationForward(layer.activation, Z, A, layer.slope);
}

/**
 * (7) dZ = dA * g'(Z) for one hidden layer, on the given kernels.
 * @param dA - (n[l], m) post-activation gradient
 * @param Z - (n[l], m) pre-activations from the forward pass
 * @param dZ - (n[l], m) output
 */
export function layerBackward<T extends FloatArray>(k: Kernels<T>, layer: Layer, dA: Matrix<T>, Z: Matrix<T>, dZ: Matrix<T>): void {
  if (layer.activation === 'softmax') {
    throw new OptionError('layerBackward: softmax is fused with its loss (dZ = A − Y) and is only allowed in the output layer');
  }
  k.activationBackward(layer.activation, dA, Z, dZ, layer.slope);
}

// ---------------------------------------------------------------------------
// The same pairs in the style of the course's step functions (float64, a new
// A or dZ per call), beside the tutorial's sigmoid/relu in steps/activations.ts.
// ---------------------------------------------------------------------------

/**
 * A = tanh(Z).
 * @param Z - (n[l], m) pre-activations
 * @returns `[A, cache]`: A the shape of Z, cache = Z
 */
export function tanh(Z: Matrix): [A: Matrix, cache: ActivationCache] {
  return activate('tanh', 'tanh', Z, 0);
}

/**
 * dZ = dA · (1 − tanh(Z)²).
 * @param dA - (n[l], m) post-activation gradient
 * @param cache - Z from `tanh`
 */
export function tanhBackward(dA: Matrix, cache: ActivationCache): Matrix {
  return activateBackward('tanh', 'tanhBackward', dA, cache, 0);
}

/**
 * A = Z where Z ≥ 0, slope · Z where Z < 0.
 * @param Z - (n[l], m) pre-activations
 * @param slope - the slope for negative inputs, 0.01 by default
 * @returns `[A, cache]`: A the shape of Z, cache = Z
 */
export function leakyRelu(Z: Matrix, slope = DEFAULT_SLOPE): [A: Matrix, cache: ActivationCache] {
  return activate('leakyRelu', 'leakyRelu', Z, checkSlope('leakyRelu', slope));
}

/**
 * dZ = dA where Z > 0, slope · dA where Z ≤ 0 (the boundary of relu's `dZ[Z <= 0] = 0`).
 * @param dA - (n[l], m) post-activation gradient
 * @param cache - Z from `leakyRelu`
 * @param slope - the slope `leakyRelu` used
 */
export function leakyReluBackward(dA: Matrix, cache: ActivationCache, slope = DEFAULT_SLOPE): Matrix {
  return activateBackward('leakyRelu', 'leakyReluBackward', dA, cache, checkSlope('leakyReluBackward', slope));
}

/**
 * A[:, j] = exp(Z[:, j] − max) / Σ exp(Z[:, j] − max), each column (example)
 * a probability distribution over the classes. Its backward is fused with the
 * categorical cross-entropy: dZ = A − Y.
 * @param Z - (C, m) pre-activations of the output layer
 * @returns `[A, cache]`: A (C, m), cache = Z
 */
export function softmax(Z: Matrix): [A: Matrix, cache: ActivationCache] {
  expectMatrix('softmax', 'Z', Z);
  const A = stepMatrix(Z.rows, Z.cols);
  getKernels().softmaxColumns(Z, A);
  return [A, Z];
}

/** A slope for leakyRelu: a finite number in [0, 1). */
export function checkSlope(fn: string, slope: unknown): number {
  if (typeof slope !== 'number' || !(slope >= 0 && slope < 1)) {
    throw new OptionError(`${fn}: slope is ${String(slope)}; leakyRelu's slope must be a number in [0, 1), e.g. 0.01`);
  }
  return slope;
}

function activate(activation: Activation, fn: string, Z: Matrix, slope: number): [Matrix, ActivationCache] {
  expectMatrix(fn, 'Z', Z);
  const A = stepMatrix(Z.rows, Z.cols);
  getKernels().activationForward(activation, Z, A, slope);
  return [A, Z];
}

function activateBackward(activation: Activation, fn: string, dA: Matrix, Z: ActivationCache, slope: number): Matrix {
  expectSameShape(fn, ['dA', dA], ['Z (the cache)', Z], "dA must have Z's shape");
  const dZ = stepMatrix(Z.rows, Z.cols);
  getKernels().activationBackward(activation, dA, Z, dZ, slope);
  return dZ;
}
