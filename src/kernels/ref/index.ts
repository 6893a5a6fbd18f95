/**
 * The reference implementation of the compute interface: plain TypeScript,
 * written to be read. It is the specification the fast implementations are
 * tested against, and the fallback where WebAssembly is unavailable.
 *
 * Legend: examples are columns; W (n[l], n[l-1]), A and Z (n[l], m), b (n[l], 1).
 * Every sum over k starts at 0 and runs k = 0, 1, ..., K-1; alpha multiplies the
 * finished sum, as NumPy's `1/m * np.dot(dZ, A_prev.T)` does.
 */
import { OptionError } from '../../errors.ts';
import { Matrix, type DType, type FloatArray } from '../../matrix.ts';
import { pairwiseSum } from '../pairwise.ts';
import type { Activation, Epilogue, Kernels } from '../types.ts';

// ---------------------------------------------------------------------------
// Activations: each forward g(z) beside its backward dz = da · g'(z).
// ---------------------------------------------------------------------------

/** σ(z) = 1 / (1 + e^(−z)) */
export function sigmoidForward(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
/** dz = da · s · (1 − s), s = σ(z); evaluated left to right as the course writes it. */
export function sigmoidBackward(da: number, z: number): number {
  const s = 1 / (1 + Math.exp(-z));
  return da * s * (1 - s);
}

/** max(0, z) as `np.maximum(0, z)`: −0 stays −0, NaN propagates. */
export function reluForward(z: number): number {
  return z < 0 ? 0 : z;
}
/** dz = da where z > 0, else 0 (the course's `dZ[Z <= 0] = 0`). */
export function reluBackward(da: number, z: number): number {
  return z <= 0 ? 0 : da;
}

/** tanh(z) */
export function tanhForward(z: number): number {
  return Math.tanh(z);
}
/** dz = da · (1 − tanh(z)²) */
export function tanhBackward(da: number, z: number): number {
  const t = Math.tanh(z);
  return da * (1 - t * t);
}

/** z for z ≥ 0, slope · z below. */
export function leakyReluForward(z: number, slope: number): number {
  return z < 0 ? slope * z : z;
}
/** dz = da where z > 0, slope · da where z ≤ 0 (same boundary as relu). */
export function leakyReluBackward(da: number, z: number, slope: number): number {
  return z <= 0 ? slope * da : da;
}

function forwardLoop(activation: Activation, z: FloatArray, a: FloatArray, slope: number): void {
  const n = z.length;
  switch (activation) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) a[i] = sigmoidForward(z[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) a[i] = reluForward(z[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) a[i] = tanhForward(z[i]);
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) a[i] = leakyReluForward(z[i], slope);
      return;
    case 'linear':
      a.set(z);
      return;
  }
}

function backwardLoop(activation: Activation, da: FloatArray, z: FloatArray, dz: FloatArray, slope: number): void {
  const n = z.length;
  switch (activation) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) dz[i] = sigmoidBackward(da[i], z[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dz[i] = reluBackward(da[i], z[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) dz[i] = tanhBackward(da[i], z[i]);
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) dz[i] = leakyReluBackward(da[i], z[i], slope);
      return;
    case 'linear':
      dz.set(da);
      return;
  }
}

// ---------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------

/** Rows of C updated together, so they stay in cache while B streams past once. */
const ROW_BLOCK = 16;

/**
 * C (M, N) = alpha · op(A) (M, K) · op(B) (K, N). The loops are ordered for
 * memory (B and C walked along rows, a block of C's rows kept hot) but every
 * C[i, j] is still the plain sum over k = 0..K-1 in ascending order, then
 * times alpha: the same numbers as the textbook triple loop.
 */
function gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix<FloatArray>, B: Matrix<FloatArray>, C: Matrix<FloatArray>): void {
  const M = C.rows, N = C.cols, K = transA ? A.rows : A.cols;
  const a = A.data, b = B.data, c = C.data;
  const lda = A.cols, ldb = B.cols;
  if (!transB) {
    // C[i, :] += op(A)[i, k] · B[k, :] for k ascending.
    c.fill(0);
    for (let i0 = 0; i0 < M; i0 += ROW_BLOCK) {
      const i1 = Math.min(M, i0 + ROW_BLOCK);
      for (let k = 0; k < K; k++) {
        const bk = k * ldb;
        for (let i = i0; i < i1; i++) {
          const aik = transA ? a[k * lda + i] : a[i * lda + k];
          const ci = i * N;
          for (let j = 0; j < N; j++) c[ci + j] += aik * b[bk + j];
        }
      }
    }
  } else {
    // C[i, j] = Σ_k op(A)[i, k] · B[j, k]: dot products along B's rows, each row of B read once.
    for (let j = 0; j < N; j++) {
      const bj = j * ldb;
      for (let i = 0; i < M; i++) {
        let s = 0;
        if (transA) for (let k = 0; k < K; k++) s += a[k * lda + i] * b[bj + k];
        else for (let k = 0, ai = i * lda; k < K; k++) s += a[ai + k] * b[bj + k];
        c[i * N + j] = s;
      }
    }
  }
  if (alpha !== 1) for (let i = 0; i < c.length; i++) c[i] = alpha * c[i];
}

function addColumn(Z: Matrix<FloatArray>, b: Matrix<FloatArray>): void {
  const z = Z.data, m = Z.cols;
  for (let i = 0; i < Z.rows; i++) {
    const bi = b.data[i];
    for (let j = i * m, end = j + m; j < end; j++) z[j] = z[j] + bi;
  }
}

/** Column-wise softmax: e = exp(z − max_i z), a = e / Σ_i e (rows added in order). */
function softmaxColumns(Z: Matrix<FloatArray>, A: Matrix<FloatArray>): void {
  const n = Z.rows, m = Z.cols, z = Z.data, a = A.data;
  for (let j = 0; j < m; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, z[i * m + j]);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(z[i * m + j] - max);
      a[i * m + j] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) a[i * m + j] = a[i * m + j] / sum;
  }
}

function rowSum(X: Matrix<FloatArray>, alpha: number, out: Matrix<FloatArray>): void {
  for (let i = 0; i < X.rows; i++) out.data[i] = alpha * pairwiseSum(X.data, i * X.cols, X.cols);
}

function axpy(alpha: number, x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i] + alpha * x[i];
}

// ---------------------------------------------------------------------------
// Training primitives. Each line is the course's NumPy expression for one
// element, with the same order of operations (left to right).
// ---------------------------------------------------------------------------

/** dZ = A − Y (fused output activation and loss). */
function outputGradient(A: Matrix<FloatArray>, Y: Matrix<FloatArray>, dZ: Matrix<FloatArray>): void {
  const a = A.data, y = Y.data, dz = dZ.data;
  for (let i = 0; i < dz.length; i++) dz[i] = a[i] - y[i];
}

/** X = X · D, then X = X / keepProb (inverted dropout, forward on A or backward on dA). */
function dropout(D: Matrix<FloatArray>, keepProb: number, X: Matrix<FloatArray>): void {
  const d = D.data, x = X.data;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] * d[i]) / keepProb;
}

/** np.sum(np.square(x)): each square rounded, then added in NumPy's pairwise order (as `pairwiseSum`). */
function sumSquares(x: FloatArray): number {
  return 0.0 + pairwiseSquares(x, 0, x.length);
}

function pairwiseSquares(x: FloatArray, o: number, n: number): number {
  if (n < 8) {
    let s = 0.0;
    for (let i = 0; i < n; i++) s += x[o + i] * x[o + i];
    return s;
  }
  if (n <= 128) {
    let r0 = x[o] * x[o], r1 = x[o + 1] * x[o + 1], r2 = x[o + 2] * x[o + 2], r3 = x[o + 3] * x[o + 3];
    let r4 = x[o + 4] * x[o + 4], r5 = x[o + 5] * x[o + 5], r6 = x[o + 6] * x[o + 6], r7 = x[o + 7] * x[o + 7];
    let i = o + 8;
    for (const end = o + n - (n % 8); i < end; i += 8) {
      r0 += x[i] * x[i]; r1 += x[i + 1] * x[i + 1]; r2 += x[i + 2] * x[i + 2]; r3 += x[i + 3] * x[i + 3];
      r4 += x[i + 4] * x[i + 4]; r5 += x[i + 5] * x[i + 5]; r6 += x[i + 6] * x[i + 6]; r7 += x[i + 7] * x[i + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (const end = o + n; i < end; i++) s += x[i] * x[i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSquares(x, o, n2) + pairwiseSquares(x, o + n2, n - n2);
}

/** The course's update_parameters_with_momentum, one element at a time. */
function momentumUpdate(learningRate: number, beta: number, g: FloatArray, v: FloatArray, p: FloatArray): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = beta * v[i] + (1 - beta) * g[i];
    p[i] = p[i] - learningRate * v[i];
  }
}

/** RMSprop as the course's lecture writes it: s = β·s + (1 − β)·g², p = p − α·g / (√s + ε). */
function rmspropUpdate(learningRate: number, beta: number, epsilon: number, g: FloatArray, s: FloatArray, p: FloatArray): void {
  for (let i = 0; i < p.length; i++) {
    s[i] = beta * s[i] + (1 - beta) * (g[i] * g[i]);
    p[i] = p[i] - (learningRate * g[i]) / (Math.sqrt(s[i]) + epsilon);
  }
}

/** The course's update_parameters_with_adam, one element at a time. */
function adamUpdate(learningRate: number, beta1: number, beta2: number, epsilon: number, t: number, g: FloatArray, v: FloatArray, s: FloatArray, p: FloatArray): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < p.length; i++) {
    v[i] = beta1 * v[i] + (1 - beta1) * g[i];
    const vCorrected = v[i] / c1;
    s[i] = beta2 * s[i] + (1 - beta2) * (g[i] * g[i]);
    const sCorrected = s[i] / c2;
    p[i] = p[i] - (learningRate * vCorrected) / (Math.sqrt(sCorrected) + epsilon);
  }
}

// ---------------------------------------------------------------------------

/** The reference kernels for float64 (the default) or float32 storage. */
export function createRefKernels(dtype: 'float32'): Kernels<Float32Array>;
export function createRefKernels(dtype?: 'float64'): Kernels<Float64Array>;
export function createRefKernels(dtype: DType = 'float64'): Kernels<FloatArray> {
  // 'float16' would make float64 storage that calls itself float16, which every Model then rejects.
  if (dtype !== 'float64' && dtype !== 'float32') throw new OptionError(`createRefKernels: dtype is ${JSON.stringify(dtype)}; use "float64" or "float32"`);
  const Store = dtype === 'float32' ? Float32Array : Float64Array;
  return {
    name: 'ref',
    dtype,
    matrix: (rows, cols) => new Matrix<FloatArray>(rows, cols, new Store(rows * cols)),
    release: () => {},
    gemm(transA, transB, alpha, A, B, C, epilogue?: Epilogue<FloatArray>) {
      gemm(transA, transB, alpha, A, B, C);
      if (epilogue?.bias) addColumn(C, epilogue.bias);
      if (epilogue?.activation) forwardLoop(epilogue.activation, C.data, epilogue.out!.data, epilogue.slope ?? 0);
    },
    addColumn,
    activationForward: (activation, Z, A, slope = 0) => forwardLoop(activation, Z.data, A.data, slope),
    activationBackward: (activation, dA, Z, dZ, slope = 0) => backwardLoop(activation, dA.data, Z.data, dZ.data, slope),
    softmaxColumns,
    rowSum,
    axpy,
    outputGradient,
    dropout,
    sumSquares,
    momentumUpdate,
    rmspropUpdate,
    adamUpdate,
  };
}

/** The float64 reference kernels. */
export const refKernels: Kernels<Float64Array> = createRefKernels('float64');
