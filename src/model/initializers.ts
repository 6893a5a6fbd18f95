/**
 * Weight initializers, drawn from the NumPy-compatible generator in NumPy's
 * order: W1 whole (row-major, as `np.random.randn(n[1], n[0])` fills it),
 * then W2, ..., WL; biases are zeros.
 *
 * Legend: W[l] (n[l], n[l-1]), b[l] (n[l], 1); g a standard normal draw.
 *   small   W = g · 0.01                      the tutorial's initialize_parameters_deep
 *   lecun   W = g / √n[l-1]                   the cat application's initialize_parameters_deep
 *   he      W = g · √(2 / n[l-1])             He et al., the course's initialize_parameters_he
 *   xavier  W = g · √(2 / (n[l-1] + n[l]))    Glorot and Bengio
 * Each is written as the course's NumPy writes it (divide by the square root
 * for lecun, multiply for the others), so the same seed gives the same bits.
 */
import { OptionError } from '../errors.ts';
import type { FloatArray } from '../matrix.ts';
import type { Arena } from '../parameters.ts';
import type { RandomState } from '../random.ts';

export type InitName = 'small' | 'lecun' | 'he' | 'xavier';
export const INITIALIZERS: readonly InitName[] = ['small', 'lecun', 'he', 'xavier'];

/** One weight from one standard normal draw g, for a layer of n units fed by nPrev. */
function weight(init: InitName, g: number, nPrev: number, n: number): number {
  switch (init) {
    case 'small':
      return g * 0.01;
    case 'lecun':
      return g / Math.sqrt(nPrev);
    case 'he':
      return g * Math.sqrt(2 / nPrev);
    case 'xavier':
      return g * Math.sqrt(2 / (nPrev + n));
  }
}

/**
 * Fills the arena's W1, ..., WL from `rng` in order and zeroes b1, ..., bL.
 * @param layerDims - [n[0], n[1], ..., n[L]]
 * @param parameters - arena of W1, b1, ..., WL, bL for these sizes
 */
export function initializeArena(init: InitName, layerDims: readonly number[], parameters: Arena<FloatArray>, rng: RandomState): void {
  for (let l = 1; l < layerDims.length; l++) {
    const w = parameters.entries[2 * (l - 1)].data;
    for (let i = 0; i < w.length; i++) w[i] = weight(init, rng.standardNormal(), layerDims[l - 1], layerDims[l]);
    parameters.entries[2 * (l - 1) + 1].data.fill(0);
  }
}

export function checkInit(fn: string, init: unknown): InitName {
  if (!INITIALIZERS.includes(init as InitName)) {
    throw new OptionError(`${fn}: init is ${JSON.stringify(init)}; use one of ${INITIALIZERS.map((i) => `"${i}"`).join(', ')}`);
  }
  return init as InitName;
}
