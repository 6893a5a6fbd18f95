/**
 * NumPy's legacy random generator (`np.random.RandomState`, what
 * `np.random.seed(s)` seeds), so a seeded TypeScript run draws the course's
 * numbers.
 *
 * - MT19937 seeded as `np.random.seed(s)` does (init_genrand with s).
 * - `rand`: 53-bit doubles, (a · 2^26 + b) / 2^53 with a = u32 >> 5, b = u32 >> 6.
 * - `randn`: the legacy polar method, which makes two Gaussians per accepted
 *   pair and caches the second.
 * - `permutation`: Fisher–Yates from the end with masked rejection sampling.
 *
 * Raw output, `rand` and `permutation` are bit-identical to NumPy. `randn`
 * goes through `Math.log`, which differs from the C library's `log` NumPy
 * calls by 1 ulp for a few percent of inputs, so a few percent of Gaussians
 * differ from NumPy's by 1–4 ulp.
 */
import { ShapeError, showValue } from './errors.ts';
import { Matrix, sizeHint } from './matrix.ts';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private savedGauss = 0;

  /** Seeded like `np.random.RandomState(seed)`; without a seed, from the system's entropy. */
  constructor(seed?: number) {
    this.seed(seed ?? crypto.getRandomValues(new Uint32Array(1))[0]);
  }

  /** `np.random.seed(seed)`: resets the state and the cached Gaussian. `seed` is an integer in [0, 2^32). */
  seed(seed: number): this {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState.seed: seed must be an integer between 0 and 2**32 - 1, got ${showValue(seed)}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.savedGauss = 0;
    return this;
  }

  /** The next raw 32-bit output of MT19937 (`bit_generator.random_raw()`). */
  nextUint32(): number {
    if (this.pos === N) this.twist();
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** One uniform double in [0, 1) with 53 random bits (`np.random.random_sample()`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** One standard normal value (`np.random.standard_normal()`), legacy polar method. */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.savedGauss;
      this.savedGauss = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2.0 * this.random() - 1.0;
      x2 = 2.0 * this.random() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.savedGauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `np.random.rand(rows, cols)`: uniform [0, 1), filled row-major. */
  rand(rows: number, cols: number): Matrix {
    const out = sized('RandomState.rand', rows, cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = this.random();
    return out;
  }

  /** `np.random.randn(rows, cols)`: standard normal, filled row-major. */
  randn(rows: number, cols: number): Matrix {
    const out = sized('RandomState.randn', rows, cols);
    this.fillNormal(out.data);
    return out;
  }

  /** Fills `out` with standard normal values in order, as `randn` fills a matrix. */
  fillNormal(out: Float64Array | Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.standardNormal();
  }

  /** Fills `out` with uniform [0, 1) values in order, as `rand` fills a matrix. */
  fillUniform(out: Float64Array | Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.random();
  }

  /**
   * A uniform integer in [0, max] by masked rejection, as NumPy's legacy
   * `random_interval`. max is an integer from 0 to 2**32 - 1 (a negative one
   * would reject every draw, forever).
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`RandomState.interval: max must be an integer from 0 to 2**32 - 1, got ${max}`);
    }
    return this.boundedUint32(max);
  }

  /** `interval` without the check, for callers whose max is an index (permutationInto). */
  private boundedUint32(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** `np.random.permutation(n)`: a random ordering of 0 .. n-1. */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new RangeError(`RandomState.permutation: n must be a non-negative integer below 2**32, got ${n}`);
    }
    return this.permutationInto(new Array<number>(n));
  }

  /**
   * `np.random.permutation(out.length)` written into `out` (no allocation,
   * for a training loop that reshuffles every epoch). Returns `out`.
   */
  permutationInto<A extends { length: number; [i: number]: number }>(out: A): A {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.boundedUint32(i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** The next N words: the reference's loop in its three ranges (no modulo), y's low bit selecting MATRIX_A by a mask (no branch to mispredict). */
  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & LOWER);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & LOWER);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (mt[N - 1] & UPPER) | (mt[0] & LOWER);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }
}

/**
 * The global generator, as `np.random` is for the course's code:
 * `random.seed(1)` before `initializeParameters` gives the course's weights.
 */
export const random = new RandomState();

/** A zeroed (rows, cols) matrix, with the error naming `fn` when the sizes are not two integers. */
function sized(fn: string, rows: number, cols: number): Matrix {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  if (!ok(rows) || !ok(cols)) {
    const part = (n: unknown) => (Array.isArray(n) ? `[${n.join(', ')}]` : String(n));
    throw new ShapeError(`${fn}: shape (${part(rows)}, ${part(cols)}) is not a pair of non-negative integers${sizeHint(fn.replace('RandomState.', 'random.'), rows, cols)}`);
  }
  return Matrix.zeros(rows, cols);
}
