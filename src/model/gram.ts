/**
 * Full-batch training's first-layer product from the Gram matrix XᵀX.
 *
 * Legend: X (n0, m) the inputs every update trains on; W (n1, n0) the first
 * layer's weights, v its momentum; P = W·X and V = v·X (n1, m), the first
 * layer's sums without the bias; G = XᵀX (m, m); dZ (n1, m); a = 1/m and
 * λ' = λ/m as the backward pass applies them.
 *
 * An update changes W by a multiple of dW = a·dZ·Xᵀ + λ'·W, so it changes
 * W·X by the same multiple of
 *   dW·X = a·dZ·G + λ'·P
 * and the next forward pass's sums follow from this step's without reading X:
 *   gradient descent   P = P − α·(dW·X)
 *   momentum           V = β·V + (1 − β)·(dW·X);   P = P − α·V
 * dZ·G is n1·m² multiply-adds where W·X is n1·n0·m: with more features than
 * examples (the cat model's 12288 and 209) the first layer's work per update
 * is then dW alone, about half of it.
 *
 * Plain gradient descent without L2 need not make dW either. Its updates of
 * W add up to
 *   W = W₀ − Σ αₜ·a·dZₜ·Xᵀ = W₀ − S·Xᵀ,   S = Σ αₜ·a·dZₜ  (n1, m)
 * and nothing in an update reads W but P: the update adds αₜ·a·dZₜ to S (n1·m
 * additions) and leaves W as it is, pending. `settle` makes the one product
 * S·Xᵀ and subtracts it from W: at every resynchronisation below, when the
 * run of updates ends, and when anything else reads the model (the trainer
 * hands the model `settle`, see Model.parameters). A run of k updates then
 * reads X about 2k / RESYNC times (S·Xᵀ, then W·X at each resynchronisation)
 * instead of k.
 *
 * P is the same sum as W·X taken another way, so it differs from it by
 * rounding, which would accumulate: every `RESYNC` updates P (and V) are
 * computed from W (and v) directly. RMSprop and Adam scale each element of dW
 * by its own factor, which X cannot carry: they have no Gram form.
 */
import type { Epilogue, Kernels } from '../kernels/types.ts';
import type { FloatArray, Matrix } from '../matrix.ts';
import type { OptimizerConfig } from './optimizers.ts';

/** Updates between two direct products W·X. */
export const RESYNC = 64;

/**
 * Whether training with this optimizer on m examples of n0 features has a
 * Gram form: an update of W linear in dW (gradient descent, momentum), and
 * m ≤ n0 / 2, which keeps G under half of X's memory.
 */
export function hasGramForm(optimizer: OptimizerConfig, n0: number, m: number): boolean {
  return (optimizer.type === 'gd' || optimizer.type === 'momentum') && 2 * m <= n0;
}

/**
 * Whether the Gram form also holds W's updates back (see above): plain
 * gradient descent without L2, whose update of W is a sum of products over X.
 */
export function defersWeights(optimizer: OptimizerConfig, l2: number): boolean {
  return optimizer.type === 'gd' && l2 === 0;
}

/**
 * Whether the Gram form pays for `following` more updates of a first layer
 * (n1, n0) on m examples: G costs n0·m² multiply-adds once, and about as much
 * again in copying X's blocks (`gramMatrix`); each update saves n1·m·(n0 − m).
 */
export function gramPays(n0: number, n1: number, m: number, following: number): boolean {
  return following * n1 * (n0 - m) >= 2 * n0 * m;
}

/** Rows of X per block of `gramMatrix`. */
const BLOCK = 256;

/**
 * G = XᵀX as the sum of Bᵀ·B over the blocks B of BLOCK rows of X. Each block
 * is copied transposed, T = Bᵀ (m, BLOCK), so that Bᵀ·B = T·Tᵀ is a product
 * of the form dZ·Xᵀ, which the kernels run at full speed; Xᵀ·X as one product
 * with n0 terms per sum runs at a fraction of it. The last block is padded
 * with zeros.
 */
export function gramMatrix<T extends FloatArray>(k: Kernels<T>, X: Matrix<T>, G: Matrix<T>): void {
  const n0 = X.rows, m = X.cols;
  const block = k.matrix(m, BLOCK), part = k.matrix(m, m);
  try {
    for (let r0 = 0; r0 < n0; r0 += BLOCK) {
      // Read for each block: a product may grow the kernels' memory, which moves a plain memory's arrays.
      const x = X.data, t = block.data;
      const rows = Math.min(BLOCK, n0 - r0);
      if (rows < BLOCK) t.fill(0);
      for (let i = 0; i < rows; i++) {
        const from = (r0 + i) * m;
        for (let j = 0; j < m; j++) t[j * BLOCK + i] = x[from + j];
      }
      if (r0 === 0) {
        k.gemm(false, true, 1, block, block, G);
      } else {
        k.gemm(false, true, 1, block, block, part);
        k.axpy(1, part.data, G.data);
      }
    }
  } finally {
    k.release(block);
    k.release(part);
  }
}

export class GramFirstLayer<T extends FloatArray> {
  private readonly G: Matrix<T>;
  private readonly P: Matrix<T>;
  /** dW·X of the last update. */
  private readonly D: Matrix<T>;
  private readonly V?: Matrix<T>;
  /** Σ αₜ·a·dZₜ of the updates held back from W (`defer` only). */
  private readonly S?: Matrix<T>;
  /** Whether S holds updates that W does not have yet. */
  private held = false;
  /** Updates since P was last computed from W; -1 when P is not W·X (none yet, or W may have changed since). */
  private since = -1;
  /** Whether G is XᵀX of X as it is now: from `prepare` until `invalidate`. */
  private prepared = false;

  /**
   * Makes the buffers; `prepare` computes G.
   * @param X - (n0, m) the inputs, read by `prepare` and every direct product
   * @param n1 - the first layer's units
   * @param momentum - whether V is kept
   * @param defer - whether W's updates are held back (`defersWeights`; gradient descent only)
   */
  constructor(private readonly k: Kernels<T>, private readonly X: Matrix<T>, n1: number, momentum: boolean, readonly defer = false) {
    const m = X.cols;
    this.G = k.matrix(m, m);
    this.P = k.matrix(n1, m);
    this.D = k.matrix(n1, m);
    if (momentum) this.V = k.matrix(n1, m);
    if (defer) this.S = k.matrix(n1, m);
  }

  /** Whether W lacks updates that `settle` would make. */
  get pending(): boolean {
    return this.held;
  }

  /** Whether G is ready for `advance`. */
  get ready(): boolean {
    return this.prepared;
  }

  /** G = XᵀX, the one large product the form costs; the next `advance` computes P from W. */
  prepare(): void {
    gramMatrix(this.k, this.X, this.G);
    this.prepared = true;
    this.since = -1;
  }

  /**
   * Between two runs of updates W and X may change (a caller's X is read in
   * place): G and P are made again before the next `advance`.
   */
  invalidate(): void {
    this.prepared = false;
    this.since = -1;
  }

  /**
   * The sums of the next forward pass, after the optimizer updated W (and v).
   * @param alpha - a, the backward pass's 1/m
   * @param dZ - (n1, m) the first layer's dZ of this update
   * @param l2 - λ', 0 without L2
   * @param learningRate - α of this update
   * @param W - (n1, n0) the weights as updated
   * @param v - (n1, n0) their momentum as updated (momentum only)
   */
  advance(alpha: number, dZ: Matrix<T>, l2: number, learningRate: number, optimizer: OptimizerConfig, W: Matrix<T>, v?: Matrix<T>): void {
    const k = this.k, P = this.P, D = this.D;
    if (this.since < 0 || this.since + 1 >= RESYNC) {
      k.gemm(false, false, 1, W, this.X, P);
      if (this.V) k.gemm(false, false, 1, v!, this.X, this.V);
      this.since = 0;
      return;
    }
    k.gemm(false, false, alpha, dZ, this.G, D);
    if (l2 > 0) k.axpy(l2, P.data, D.data);
    if (optimizer.type === 'momentum') k.momentumUpdate(learningRate, optimizer.beta, D.data, this.V!.data, P.data);
    else k.axpy(-learningRate, D.data, P.data);
    this.since++;
  }

  /**
   * `advance` for gradient descent without L2 when W's update is held back:
   * S += α·a·dZ instead of W −= α·a·dZ·Xᵀ (the optimizer updated every other
   * parameter), and the next sums from G; at a resynchronisation W is settled
   * and P computed from it.
   * @param alpha - a, the backward pass's 1/m
   * @param dZ - (n1, m) the first layer's dZ of this update
   * @param learningRate - α of this update
   * @param W - (n1, n0) the weights, without the updates held back
   * @param scratch - (n1, n0) memory `settle` may use (the trainer's dW, which this form does not make)
   */
  advanceDeferred(alpha: number, dZ: Matrix<T>, learningRate: number, W: Matrix<T>, scratch: Matrix<T>): void {
    const k = this.k, P = this.P, D = this.D;
    k.axpy(learningRate * alpha, dZ.data, this.S!.data);
    this.held = true;
    if (this.since < 0 || this.since + 1 >= RESYNC) {
      this.settle(W, scratch);
      k.gemm(false, false, 1, W, this.X, P);
      this.since = 0;
      return;
    }
    k.gemm(false, false, alpha, dZ, this.G, D);
    k.axpy(-learningRate, D.data, P.data);
    this.since++;
  }

  /**
   * W −= S·Xᵀ: the updates held back, made (nothing when there are none).
   * @param W - (n1, n0) the weights
   * @param scratch - (n1, n0) memory for S·Xᵀ
   */
  settle(W: Matrix<T>, scratch: Matrix<T>): void {
    if (!this.held) return;
    const S = this.S!;
    this.k.gemm(false, true, 1, S, this.X, scratch);
    this.k.axpy(-1, scratch.data, W.data);
    S.data.fill(0);
    this.held = false;
  }

  /** Z = P + bias with the epilogue: what gemm(false, false, 1, W, X, Z, epilogue) gives, to rounding. */
  forward(Z: Matrix<T>, epilogue?: Epilogue<T>): void {
    Z.data.set(this.P.data);
    if (epilogue?.bias) this.k.addColumn(Z, epilogue.bias);
    if (epilogue?.activation) this.k.activationForward(epilogue.activation, Z, epilogue.out!, epilogue.slope);
  }

  /** Gives the kernel memory back; the object is not used afterwards. */
  release(): void {
    for (const M of [this.G, this.P, this.D, this.V, this.S]) if (M) this.k.release(M);
  }
}
