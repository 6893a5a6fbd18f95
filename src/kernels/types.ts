/**
 * The compute interface: the few primitives a fully-connected network needs.
 *
 * Legend: examples are columns; W (n[l], n[l-1]), A (n[l], m), b (n[l], 1).
 * The step functions and the Model call only these primitives, so a faster
 * implementation (WebAssembly SIMD, threads) replaces the plain TypeScript
 * reference without touching any formula above it. Every implementation is
 * checked against the reference by one conformance suite.
 *
 * The products the network needs (the course's equation numbers):
 *   (1)  Z  = W · A_prev + b          gemm(false, false, 1,   W,  A_prev, Z, { bias: b })
 *   (8)  dW = 1/m · dZ · A_prevᵀ      gemm(false, true,  1/m, dZ, A_prev, dW)
 *   (10) dA_prev = Wᵀ · dZ            gemm(true,  false, 1,   W,  dZ,     dA_prev)
 *   (9)  db = 1/m · Σ_columns dZ      rowSum(dZ, 1/m, db)
 *
 * Rules every implementation keeps:
 * - Outputs never alias inputs.
 * - `alpha` multiplies the finished sum (NumPy's `1/m * np.dot(...)`), it is
 *   not folded into the products.
 * - Shapes are checked by the callers (the public boundary); kernels trust them.
 */
import type { DType, FloatArray, Matrix } from '../matrix.ts';

/** Elementwise activations; each has a forward g(Z) and a backward dZ = dA · g'(Z). */
export type Activation = 'sigmoid' | 'relu' | 'tanh' | 'leakyRelu' | 'linear';

export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'relu', 'tanh', 'leakyRelu', 'linear'];

/** Work done on C after the product, while it is still hot. */
export interface Epilogue<T extends FloatArray = FloatArray> {
  /** (n, 1) column added to every column of C: C = alpha · op(A)·op(B) + bias. */
  bias?: Matrix<T>;
  /** Also write `out = g(C)` (C keeps the pre-activation Z). */
  activation?: Activation;
  /** Destination of the activation, the shape of C. Required with `activation`. */
  out?: Matrix<T>;
  /** Slope of leakyRelu for negative inputs. */
  slope?: number;
}

export interface Kernels<T extends FloatArray = FloatArray> {
  /** Short name for reports: 'ref', 'wasm-simd', ... */
  readonly name: string;
  readonly dtype: DType;

  /**
   * A zero-filled (rows, cols) matrix in this implementation's memory; kernels
   * work fastest on matrices they allocated. Other matrices of the same dtype
   * are accepted everywhere.
   */
  matrix(rows: number, cols: number): Matrix<T>;
  /** Gives back memory of a matrix from `matrix()` early (no-op where the GC owns it). */
  release(M: Matrix<T>): void;
  /**
   * False when the kernels would copy M in for every product (it is not in
   * their memory): a caller that uses M many times copies it once into
   * `matrix()`. Absent means every matrix is used in place.
   */
  owns?(M: Matrix<T>): boolean;
  /**
   * A (rows, cols) matrix over M's values from element `offset` (M from
   * `matrix()`), kept valid wherever M is: in a memory that moves (plain
   * WebAssembly memory detaches on growth) it moves with M. Absent means a
   * `subarray` view is enough.
   */
  view?(M: Matrix<T>, offset: number, rows: number, cols: number): Matrix<T>;

  /** C = alpha · op(A) · op(B) (+ bias, then out = g(C)); op(X) is X or Xᵀ. Sums run over k in ascending order. */
  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix<T>, B: Matrix<T>, C: Matrix<T>, epilogue?: Epilogue<T>): void;
  /** Z = Z + b for every column: (n, m) + (n, 1). */
  addColumn(Z: Matrix<T>, b: Matrix<T>): void;

  /** A = g(Z). */
  activationForward(activation: Activation, Z: Matrix<T>, A: Matrix<T>, slope?: number): void;
  /** dZ = dA · g'(Z). */
  activationBackward(activation: Activation, dA: Matrix<T>, Z: Matrix<T>, dZ: Matrix<T>, slope?: number): void;
  /** A[:, j] = softmax(Z[:, j]) for every column (example), shifted by the column maximum. */
  softmaxColumns(Z: Matrix<T>, A: Matrix<T>): void;

  /** out[i] = alpha · Σ_j X[i, j] with NumPy's pairwise summation; out is (n, 1). */
  rowSum(X: Matrix<T>, alpha: number, out: Matrix<T>): void;
  /** y = y + alpha · x over whole arrays (one loop over a parameter arena). */
  axpy(alpha: number, x: T, y: T): void;

  // -------------------------------------------------------------------------
  // Training primitives of the Model. Each is one elementwise loop over whole
  // typed arrays (or their views); `in place` names the one operand that is
  // both read and written, as y is in axpy.
  // -------------------------------------------------------------------------

  /**
   * dZ[L] = A[L] − Y, the output layer's gradient when the activation is
   * fused with its loss: sigmoid + binary cross-entropy, softmax +
   * categorical cross-entropy, linear + ½·squared error. The 1/m is applied
   * by the products (8) and (9). A, Y and dZ have one shape (n[L], m).
   */
  outputGradient(A: Matrix<T>, Y: Matrix<T>, dZ: Matrix<T>): void;
  /**
   * Inverted dropout, in place on X: X = X · D / keepProb, evaluated as the
   * course writes it, `A = A * D` then `A = A / keep_prob`. D holds 0s and 1s
   * (the course's `D = np.random.rand(...) < keep_prob`). Applied to A[l] in
   * the forward pass and, with the same D, to dA[l] in the backward pass.
   */
  dropout(D: Matrix<T>, keepProb: number, X: Matrix<T>): void;
  /** Σ x², summed in NumPy's pairwise order (`np.sum(np.square(W))`, the L2 cost term). */
  sumSquares(x: T): number;
  /**
   * Gradient descent with momentum, in place on v and p, per element:
   *   v = β·v + (1 − β)·g
   *   p = p − α·v
   */
  momentumUpdate(learningRate: number, beta: number, g: T, v: T, p: T): void;
  /**
   * RMSprop, in place on s and p, per element:
   *   s = β·s + (1 − β)·g²
   *   p = p − α·g / (√s + ε)
   */
  rmspropUpdate(learningRate: number, beta: number, epsilon: number, g: T, s: T, p: T): void;
  /**
   * Adam with bias correction, in place on v, s and p; t ≥ 1 counts the
   * updates made so far including this one. Per element:
   *   v = β1·v + (1 − β1)·g              v̂ = v / (1 − β1^t)
   *   s = β2·s + (1 − β2)·g²             ŝ = s / (1 − β2^t)
   *   p = p − α·v̂ / (√ŝ + ε)
   */
  adamUpdate(learningRate: number, beta1: number, beta2: number, epsilon: number, t: number, g: T, v: T, s: T, p: T): void;

  /**
   * Full-batch training's first layer across an update, with X read once
   * instead of twice (optional; undefined when these kernels or these shapes
   * have no fused form): see `FirstLayerStep`.
   * @param W - (n1, n0) the first layer's weights
   * @param X - (n0, m) the inputs every update trains on
   */
  firstLayerStep?(W: Matrix<T>, X: Matrix<T>): FirstLayerStep<T> | undefined;
}

/**
 * The optimizer of a `FirstLayerStep.step`, by code, with the scalars it takes in `hyper`:
 *   0 gradient descent  [−α]
 *   1 momentum          [α, β, 1 − β]
 *   2 RMSprop           [α, β, 1 − β, ε]
 *   3 Adam              [α, β1, 1 − β1, β2, 1 − β2, ε, 1 − β1^t, 1 − β2^t]
 */
export type FusedOptimizer = 0 | 1 | 2 | 3;

/**
 * The first layer's weight gradient, its update and the next forward pass's
 * product, in one pass over X: full-batch training reads X (n0, m) twice an
 * update otherwise, for dW1 = 1/m·dZ1·Xᵀ and for the next Z1 = W1·X, and on a
 * wide input (the cat model's 12288) that is most of its memory traffic.
 * Every element comes out as the separate calls make it.
 */
export interface FirstLayerStep<T extends FloatArray = FloatArray> {
  /** The optimizer's scalars for the next `step` (see FusedOptimizer), written by the caller. */
  readonly hyper: Float64Array;
  /**
   * What these calls do, in one pass over X:
   *   gemm(false, true, alpha, dZ, X, dW); l2 > 0: axpy(l2, W, dW);
   *   W's update from dW (`optimizer`, `hyper`; v and s the moments of W's shape);
   *   and the sums of gemm(false, false, 1, W, X, ·) for the next `forward`.
   */
  step(alpha: number, dZ: Matrix<T>, dW: Matrix<T>, l2: number, optimizer: FusedOptimizer, v?: T, s?: T): void;
  /** Z = W·X + bias with the epilogue, from the sums of the last `step`: what gemm(false, false, 1, W, X, Z, epilogue) gives. */
  forward(Z: Matrix<T>, epilogue?: Epilogue<T>): void;
  /** Gives the kernel memory back; the object is not used afterwards. */
  release(): void;
}
