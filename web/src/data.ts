/**
 * The dataset the learner picked, drawn by dnn's generators and split into
 * training and test sets, with the part of the plane the pictures show.
 */
import { loadPlanarDataset, makeCircles, makeGaussians, makeSpiral, makeXor, trainTestSplit, type PlanarData, type PlanarOptions, type TrainTestSplit } from '../../src/browser.ts';
import { EXAMPLES, type DataConfig, type DatasetName } from './config.ts';
import type { Extent } from './protocol.ts';

const GENERATORS: Record<DatasetName, (options: PlanarOptions) => PlanarData> = {
  flower: loadPlanarDataset,
  circles: makeCircles,
  xor: makeXor,
  gaussians: makeGaussians,
  spiral: makeSpiral,
};

/**
 * The m = 400 examples of `config.dataset` (the flower with noise 0.2 is the
 * course's `load_planar_dataset()`), split with `seed`.
 */
export function makeData(config: DataConfig, seed: number): TrainTestSplit & { extent: Extent } {
  const { X, Y } = GENERATORS[config.dataset]({ m: EXAMPLES, noise: config.noise });
  return { ...trainTestSplit(X, Y, config.testFraction, seed), extent: extentOf(X.data) };
}

/**
 * The data's bounding box padded by 1 on each side, as the course's
 * `plot_decision_boundary` pads it, made square so the plane is not stretched.
 * @param X - (2, m) row-major values
 */
export function extentOf(X: ArrayLike<number>): Extent {
  const m = X.length / 2;
  let a0 = Infinity, a1 = -Infinity, b0 = Infinity, b1 = -Infinity;
  for (let j = 0; j < m; j++) {
    a0 = Math.min(a0, X[j]); a1 = Math.max(a1, X[j]);
    b0 = Math.min(b0, X[m + j]); b1 = Math.max(b1, X[m + j]);
  }
  const half = Math.max(a1 - a0, b1 - b0) / 2 + 1;
  const ca = (a0 + a1) / 2, cb = (b0 + b1) / 2;
  return { x1: [ca - half, ca + half], x2: [cb - half, cb + half] };
}

/**
 * The centres of a g × g grid over `extent` as a (2, g²) row-major array:
 * grid row 0 is the top of the picture (largest x2), column 0 the left (smallest x1).
 */
export function gridPoints(extent: Extent, g: number): Float64Array {
  const out = new Float64Array(2 * g * g);
  const [x0, x1] = extent.x1, [y0, y1] = extent.x2;
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const k = r * g + c;
      out[k] = x0 + ((c + 0.5) / g) * (x1 - x0);
      out[g * g + k] = y1 - ((r + 0.5) / g) * (y1 - y0);
    }
  }
  return out;
}
