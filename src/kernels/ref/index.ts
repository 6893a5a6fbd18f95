/**
 * The reference implementation of the compute interface: plain TypeScript,
 * written to be read. It is the specification the fast implementations are
 * tested against, and the fallback where WebAssembly is unavailable.
 *
 * Legend: examples are columns; W (n[l], n[l-1]), A and Z (n[l], m), b (n[l], 1).
 * Every sum over k starts at 0 and runs k = 0, 1, ..., K-1; alpha multiplies the
 * finished sum, as NumPy's `1/m * np.dot(dZ, A_prev.T)` does.
 */
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

/** The reference kernels for float64 (the default) or float32 storage. */
export function createRefKernels(dtype: 'float32'): Kernels<Float32Array>;
export function createRefKernels(dtype?: 'float64'): Kernels<Float64Array>;
export function createRefKernels(dtype: DType = 'float64'): Kernels<FloatArray> {
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
  };
}

/** The float64 reference kernels. */
export const refKernels: Kernels<Float64Array> = createRefKernels('float64');
