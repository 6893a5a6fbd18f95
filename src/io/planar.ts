/**
 * Two-dimensional toy datasets for binary classification: the course's
 * planar "flower" (Course 1 week 3, `load_planar_dataset`) and four classic
 * shapes (circles, XOR, two Gaussians, a spiral), all drawn from the
 * NumPy-compatible generator so that a seed gives the same points everywhere.
 * No file access: these run in Node and in the browser alike.
 *
 * Legend: X (2, m), one example per column (x1 in row 0, x2 in row 1);
 * Y (1, m) of 0/1 labels.
 */
import { OptionError } from '../errors.ts';
import { Matrix } from '../matrix.ts';
import { RandomState } from '../random.ts';

/** A two-feature binary classification set. */
export interface PlanarData {
  /** (2, m) points, one example per column */
  X: Matrix;
  /** (1, m) labels, 0 or 1 */
  Y: Matrix;
}

export interface PlanarOptions {
  /** Number of examples, an even number (half of each class). */
  m?: number;
  /** Standard deviation of the Gaussian noise; its meaning and default are given by each generator. */
  noise?: number;
  /** Seed of the NumPy-compatible generator the points are drawn from. */
  seed?: number;
}

/**
 * The course's planar "flower": two classes of m/2 points on the petals of
 * r = 4·sin(4θ). With the defaults (m = 400, noise = 0.2, seed = 1) these are
 * exactly `load_planar_dataset()`'s points:
 *
 *     np.random.seed(1); N = m/2; a = 4
 *     for j in range(2):
 *         t = np.linspace(j*3.12, (j+1)*3.12, N) + np.random.randn(N)*0.2
 *         r = a*np.sin(4*t) + np.random.randn(N)*0.2
 *         X[N*j:N*(j+1)] = np.c_[r*np.sin(t), r*np.cos(t)]; Y[...] = j
 *     X = X.T; Y = Y.T
 *
 * The course seeds the global `np.random`; this draws from its own generator
 * and leaves the global `random` alone.
 * @param options - `noise` replaces both 0.2 factors (angle and radius)
 * @returns X (2, m), Y (1, m)
 */
export function loadPlanarDataset(options: PlanarOptions = {}): PlanarData {
  const { m, noise, rng } = start('loadPlanarDataset', options, { noise: 0.2, seed: 1 });
  const N = m / 2;
  const a = 4; // maximum ray of the flower
  const X = Matrix.zeros(2, m);
  const Y = Matrix.zeros(1, m);
  const t = new Float64Array(N);
  for (let j = 0; j < 2; j++) {
    linspace(j * 3.12, (j + 1) * 3.12, t);
    for (let i = 0; i < N; i++) t[i] += rng.standardNormal() * noise;
    for (let i = 0; i < N; i++) {
      const r = a * Math.sin(4 * t[i]) + rng.standardNormal() * noise;
      const col = N * j + i;
      X.data[col] = r * Math.sin(t[i]);
      X.data[m + col] = r * Math.cos(t[i]);
      Y.data[col] = j;
    }
  }
  return { X, Y };
}

/**
 * Two concentric rings (as scikit-learn's `make_circles` with factor 0.5),
 * scaled to the flower's size: the outer ring (label 0) has radius 4, the
 * inner one (label 1) radius 2. Angles are evenly spaced; each point then
 * moves by `noise`·4·randn in each coordinate.
 * @param options - `noise` default 0.1 (relative to the outer radius), seed 0
 */
export function makeCircles(options: PlanarOptions = {}): PlanarData {
  const { m, noise, rng } = start('makeCircles', options, { noise: 0.1, seed: 0 });
  const N = m / 2;
  const R = 4;
  return build(m, (col) => {
    const j = col < N ? 0 : 1;
    const theta = (2 * Math.PI * (col - j * N)) / N;
    const r = j === 0 ? R : R / 2;
    return [r * Math.cos(theta) + R * noise * rng.standardNormal(), r * Math.sin(theta) + R * noise * rng.standardNormal(), j];
  });
}

/**
 * Exclusive or: points uniform in the square [-4, 4]², label 1 where x1 and
 * x2 have the same sign; each point then moves by `noise`·randn (labels keep
 * the clean point's quadrant, so noise blurs the axes).
 * @param options - `noise` default 0.3, seed 0
 */
export function makeXor(options: PlanarOptions = {}): PlanarData {
  const { m, noise, rng } = start('makeXor', options, { noise: 0.3, seed: 0 });
  return build(m, () => {
    const x1 = 8 * rng.random() - 4;
    const x2 = 8 * rng.random() - 4;
    const label = x1 * x2 > 0 ? 1 : 0;
    return [x1 + noise * rng.standardNormal(), x2 + noise * rng.standardNormal(), label];
  });
}

/**
 * Two Gaussian clouds of m/2 points each: label 0 around (-1.5, -1.5),
 * label 1 around (1.5, 1.5), with standard deviation `noise` in each coordinate.
 * @param options - `noise` default 1 (the clouds overlap a little), seed 0
 */
export function makeGaussians(options: PlanarOptions = {}): PlanarData {
  const { m, noise, rng } = start('makeGaussians', options, { noise: 1, seed: 0 });
  const N = m / 2;
  return build(m, (col) => {
    const j = col < N ? 0 : 1;
    const c = j === 0 ? -1.5 : 1.5;
    return [c + noise * rng.standardNormal(), c + noise * rng.standardNormal(), j];
  });
}

/**
 * Two interleaved spiral arms of m/2 points each, one and three quarter
 * turns from the centre out to radius 4; arm 1 is arm 0 turned by π. Each
 * point then moves by `noise`·randn in each coordinate.
 * @param options - `noise` default 0.15, seed 0
 */
export function makeSpiral(options: PlanarOptions = {}): PlanarData {
  const { m, noise, rng } = start('makeSpiral', options, { noise: 0.15, seed: 0 });
  const N = m / 2;
  return build(m, (col) => {
    const j = col < N ? 0 : 1;
    const i = col - j * N;
    const r = (4 * (i + 1)) / N;
    const theta = (1.75 * 2 * Math.PI * i) / N + j * Math.PI;
    return [r * Math.sin(theta) + noise * rng.standardNormal(), r * Math.cos(theta) + noise * rng.standardNormal(), j];
  });
}

/** A train/test split of the columns (examples) of X and Y. */
export interface TrainTestSplit {
  /** (n_x, m_train) */ trainX: Matrix;
  /** (1, m_train) */ trainY: Matrix;
  /** (n_x, m_test) */ testX: Matrix;
  /** (1, m_test) */ testY: Matrix;
}

/**
 * Splits the examples (columns) at random: `np.random.permutation(m)` from a
 * generator seeded with `seed`, the first round(m · testFraction) indices go
 * to the test set, the rest to the training set, each in permutation order.
 * @param X - (n_x, m) examples as columns
 * @param Y - (n_y, m) labels
 * @param testFraction - share of examples for the test set, in [0, 1)
 */
export function trainTestSplit(X: Matrix, Y: Matrix, testFraction: number, seed = 0): TrainTestSplit {
  const fn = 'trainTestSplit';
  if (!(X instanceof Matrix) || !(Y instanceof Matrix) || X.cols !== Y.cols) {
    throw new OptionError(`${fn}: X is ${X?.shapeString?.()} and Y is ${Y?.shapeString?.()}; both must be matrices with one column per example (m)`);
  }
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) {
    throw new OptionError(`${fn}: testFraction is ${String(testFraction)}; it must be a number in [0, 1)`);
  }
  const m = X.cols;
  const nTest = Math.round(m * testFraction);
  // A side that rounds to no examples would only fail later, in fit or evaluate.
  if (nTest === m || (testFraction > 0 && nTest === 0)) {
    throw new OptionError(`${fn}: testFraction ${testFraction} of m = ${m} examples leaves ${nTest === m ? 'none for training' : 'none for the test set'}; give a fraction that keeps at least one example on each side (0 for no test set)`);
  }
  const perm = new RandomState(seed).permutation(m);
  const pick = (M: Matrix, cols: readonly number[]): Matrix => {
    const out = Matrix.zeros(M.rows, cols.length);
    for (let i = 0; i < M.rows; i++) for (let k = 0; k < cols.length; k++) out.data[i * cols.length + k] = M.data[i * M.cols + cols[k]];
    return out;
  };
  const test = perm.slice(0, nTest), train = perm.slice(nTest);
  return { trainX: pick(X, train), trainY: pick(Y, train), testX: pick(X, test), testY: pick(Y, test) };
}

/** `np.linspace(start, stop, out.length)`: start + i·step, the last value exactly `stop`. */
function linspace(startValue: number, stop: number, out: Float64Array): void {
  const n = out.length;
  const step = (stop - startValue) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + startValue;
  if (n > 1) out[n - 1] = stop;
}

function start(fn: string, options: PlanarOptions, defaults: { noise: number; seed: number }): { m: number; noise: number; rng: RandomState } {
  if (options === null || typeof options !== 'object') throw new OptionError(`${fn}: options is ${String(options)}; give an object { m?, noise?, seed? }`);
  for (const key of Object.keys(options)) {
    if (key !== 'm' && key !== 'noise' && key !== 'seed') throw new OptionError(`${fn}: unknown option "${key}"; the options are m, noise, seed`);
  }
  const m = options.m ?? 400;
  const noise = options.noise ?? defaults.noise;
  const seed = options.seed ?? defaults.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new OptionError(`${fn}: seed is ${String(seed)}; it must be an integer between 0 and 2**32 - 1`);
  if (!Number.isInteger(m) || m < 2 || m % 2 !== 0) throw new OptionError(`${fn}: m is ${String(m)}; it must be an even integer of at least 2 (m/2 examples per class)`);
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) throw new OptionError(`${fn}: noise is ${String(noise)}; it must be a finite number of at least 0`);
  return { m, noise, rng: new RandomState(seed) };
}

function build(m: number, point: (col: number) => [x1: number, x2: number, label: number]): PlanarData {
  const X = Matrix.zeros(2, m);
  const Y = Matrix.zeros(1, m);
  for (let col = 0; col < m; col++) {
    const [x1, x2, label] = point(col);
    X.data[col] = x1;
    X.data[m + col] = x2;
    Y.data[col] = label;
  }
  return { X, Y };
}
