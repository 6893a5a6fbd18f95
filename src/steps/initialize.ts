/**
 * Parameter initialization: the tutorial's two functions and the two the
 * course's cat application uses. Weights are drawn from the NumPy-compatible
 * generator in NumPy's order (W1 whole, then W2, ...), biases are zeros.
 *
 * Legend: W[l] (n[l], n[l-1]), b[l] (n[l], 1); layerDims = [n[0], ..., n[L]].
 */
import { Arena, type Parameters } from '../parameters.ts';
import { stepMemory } from './memory.ts';
import { random, RandomState } from '../random.ts';
import { checkUnits } from './checks.ts';
import { ShapeError, OptionError } from '../errors.ts';

export interface InitOptions {
  /** Generator to draw from; the global `random` (NumPy's `np.random`) by default. */
  rng?: RandomState;
  /** Seed the generator first (`np.random.seed(seed)`); `null` draws from its current state. */
  seed?: number | null;
  /** Multiplies every drawn weight. */
  scale?: number;
}

/**
 * The two-layer network's parameters, as the tutorial writes it: W1 =
 * randn(n_h, n_x)·0.01, W2 = randn(n_y, n_h)·0.01, zero biases. The tutorial's
 * version does not seed; call `random.seed(1)` first for the course's numbers.
 * @returns W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1)
 */
export function initializeParameters(nX: number, nH: number, nY: number, options: InitOptions = {}): Parameters {
  const fn = 'initializeParameters';
  checkUnits(fn, 'n_x', nX);
  checkUnits(fn, 'n_h', nH);
  checkUnits(fn, 'n_y', nY);
  return draw([nX, nH, nY], { seed: null, scale: 0.01, ...options }, (g, s) => g * s);
}

/**
 * The L-layer network's parameters, as the tutorial writes it:
 * `np.random.seed(3)` inside, W[l] = randn(n[l], n[l-1])·0.01, zero biases.
 * @param layerDims - [n[0], n[1], ..., n[L]]
 * @param options - `seed` (3) and `scale` (0.01) may be overridden
 */
export function initializeParametersDeep(layerDims: readonly number[], options: InitOptions = {}): Parameters {
  checkDims('initializeParametersDeep', layerDims);
  return draw(layerDims, { seed: 3, scale: 0.01, ...options }, (g, s) => g * s);
}

/**
 * The cat application's two-layer initializer (dnn_app_utils): seed 1 inside,
 * weights randn·0.01 (not divided by a square root).
 */
export function appInitializeParameters(nX: number, nH: number, nY: number, options: Omit<InitOptions, 'scale'> = {}): Parameters {
  const fn = 'appInitializeParameters';
  checkUnits(fn, 'n_x', nX);
  checkUnits(fn, 'n_h', nH);
  checkUnits(fn, 'n_y', nY);
  return draw([nX, nH, nY], { seed: 1, scale: 0.01, ...options }, (g, s) => g * s);
}

/**
 * The cat application's L-layer initializer (dnn_app_utils): seed 1 inside,
 * W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]).
 */
export function appInitializeParametersDeep(layerDims: readonly number[], options: Omit<InitOptions, 'scale'> = {}): Parameters {
  checkDims('appInitializeParametersDeep', layerDims);
  return draw(layerDims, { seed: 1, ...options }, (g, _s, nPrev) => g / Math.sqrt(nPrev));
}

/** Parameters for the course's layer sizes, as one arena W1, b1, ..., WL, bL. */
export function allocateParameters(layerDims: readonly number[]): Parameters {
  const arena = new Arena(Arena.layerShapes(layerDims), stepMemory);
  const parameters: Parameters = {};
  for (let l = 1; l < layerDims.length; l++) {
    parameters['W' + l] = arena.entries[2 * (l - 1)];
    parameters['b' + l] = arena.entries[2 * (l - 1) + 1];
  }
  return parameters;
}

function draw(layerDims: readonly number[], options: InitOptions, weight: (g: number, scale: number, nPrev: number) => number): Parameters {
  const rng = options.rng ?? random;
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale)) throw new OptionError(`initialize: scale is ${scale}; it must be a finite number`);
  if (options.seed !== null && options.seed !== undefined) rng.seed(options.seed);
  const parameters = allocateParameters(layerDims);
  for (let l = 1; l < layerDims.length; l++) {
    const w = parameters['W' + l].data;
    for (let i = 0; i < w.length; i++) w[i] = weight(rng.standardNormal(), scale, layerDims[l - 1]);
  }
  return parameters;
}

function checkDims(fn: string, layerDims: readonly number[]): void {
  if (!Array.isArray(layerDims) || layerDims.length < 2) {
    throw new ShapeError(`${fn}: layerDims is ${JSON.stringify(layerDims)}; it needs at least two sizes [n[0], n[1], ...]`);
  }
  layerDims.forEach((n, l) => checkUnits(fn, `layerDims[${l}]`, n));
}
