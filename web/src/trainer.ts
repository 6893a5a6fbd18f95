/**
 * The one place the playground meets dnn's training code. The worker only
 * talks to the `Trainer` interface below; everything it needs (an update,
 * the cost and accuracy, every layer's activations for the pictures) is
 * computed by the library.
 *
 * Legend: X (2, m), Y (1, m); W[l] (n[l], n[l-1]), b[l] (n[l], 1),
 * A[l] (n[l], m); layerDims = [2, n[1], ..., n[L-1], 1].
 *
 * This implementation drives a `Model` one update at a time, as `fit` does
 * each iteration: `model.gradients` (forward, cost with the L2 term,
 * backward) then the optimizer's `step`. The optimizer is kept between
 * calls, so momentum and Adam's moments carry on across Play, Pause and Step.
 */
import { Matrix, Model, OPTIMIZER_DEFAULTS, Optimizer, RandomState, type OptimizerConfig } from '../../src/browser.ts';
import type { HiddenLayer, OptimizerName, TrainConfig } from './config.ts';
import { layerDims as dimsOf, OPTIMIZERS } from './config.ts';

export interface Evaluation {
  cost: number;
  /** Share of examples whose rounded output equals the label. */
  accuracy: number;
}

export interface Trainer {
  /** [n[0], ..., n[L]] */
  readonly layerDims: readonly number[];
  /** Parameter updates done so far (one per mini-batch). */
  readonly iteration: number;
  /** Runs `count` parameter updates on the training set. */
  train(count: number): void;
  /** Cross-entropy cost (without the L2 term) and accuracy of the current parameters on (X, Y). */
  evaluate(X: Matrix, Y: Matrix): Evaluation;
  /** A[1], ..., A[L] for the examples X (2, k): every unit's activation, for the pictures. */
  activations(X: Matrix): Matrix[];
  /** W[1], ..., W[L] (views: copy before sending). */
  weights(): Matrix[];
}

/** What this trainer supports; the editor disables the rest and says why. */
export const CAPABILITIES: { optimizers: readonly OptimizerName[]; l2: boolean } = {
  optimizers: OPTIMIZERS,
  l2: true,
};

/**
 * A trainer for the network 2 → hidden → 1 (sigmoid) on the training set
 * (X, Y), initialized as the course's application does (init "lecun":
 * W[l] = randn / √n[l-1], b[l] = 0) from a generator seeded with `train.seed`.
 * @param X - (2, m) training examples
 * @param Y - (1, m) training labels
 */
export function createTrainer(X: Matrix, Y: Matrix, hidden: readonly HiddenLayer[], train: TrainConfig): Trainer {
  const model = new Model({
    inputSize: 2,
    layers: [...hidden.map((h) => ({ units: h.units, activation: h.activation })), { units: 1, activation: 'sigmoid' as const }],
    init: 'lecun',
    seed: train.seed,
  });
  const optimizer = new Optimizer(optimizerConfig(train.optimizer), model.parameters, model.kernels);
  const rng = new RandomState(train.seed);
  const m = X.cols;
  const batchSize = train.batchSize > 0 && train.batchSize < m ? train.batchSize : m;
  const batches = new MiniBatches(X, Y, batchSize, rng);
  const L = model.depth;
  let iteration = 0;

  return {
    layerDims: model.layerDims,
    get iteration() {
      return iteration;
    },
    train(count: number) {
      for (let i = 0; i < count; i++) {
        const [bx, by] = batches.next();
        const { gradients } = model.gradients(bx, by, { l2: train.l2 });
        optimizer.step(train.learningRate, gradients, model.parameters);
        iteration++;
      }
    },
    evaluate(EX: Matrix, EY: Matrix): Evaluation {
      if (EX.cols === 0) return { cost: NaN, accuracy: NaN };
      const { cost, accuracy } = model.evaluate(EX, EY);
      return { cost, accuracy: accuracy ?? NaN };
    },
    activations(EX: Matrix): Matrix[] {
      // One forward pass with the activations kept (its gradients are not used).
      const { cache } = model.gradients(EX, Matrix.zeros(1, EX.cols));
      return Array.from({ length: L }, (_, i) => cache['A' + (i + 1)]);
    },
    weights(): Matrix[] {
      return Array.from({ length: L }, (_, i) => model.W(i + 1));
    },
  };
}

/** The course's hyperparameters for each optimizer (β = 0.9; Adam β1 = 0.9, β2 = 0.999, ε = 1e-8). */
function optimizerConfig(name: OptimizerName): OptimizerConfig {
  switch (name) {
    case 'gd':
      return { type: 'gd' };
    case 'momentum':
      return { type: 'momentum', ...OPTIMIZER_DEFAULTS.momentum };
    case 'rmsprop':
      return { type: 'rmsprop', ...OPTIMIZER_DEFAULTS.rmsprop };
    case 'adam':
      return { type: 'adam', ...OPTIMIZER_DEFAULTS.adam };
  }
}

/**
 * Mini-batches of columns: each epoch goes through a fresh permutation of
 * the m examples (`np.random.permutation(m)`) in slices of `size`, the last
 * one smaller when size does not divide m. With size = m, every batch is the
 * whole set in its own order (batch gradient descent).
 */
class MiniBatches {
  private order: number[] = [];
  private pos = 0;
  private readonly full: [Matrix, Matrix];

  constructor(private readonly X: Matrix, private readonly Y: Matrix, private readonly size: number, private readonly rng: RandomState) {
    this.full = [X, Y];
  }

  next(): [Matrix, Matrix] {
    const m = this.X.cols;
    if (this.size >= m) return this.full;
    if (this.pos >= m) this.pos = 0;
    if (this.pos === 0) this.order = this.rng.permutation(m);
    const cols = this.order.slice(this.pos, this.pos + this.size);
    this.pos += cols.length;
    return [columns(this.X, cols), columns(this.Y, cols)];
  }
}

function columns(M: Matrix, cols: readonly number[]): Matrix {
  const out = Matrix.zeros(M.rows, cols.length);
  for (let i = 0; i < M.rows; i++) for (let k = 0; k < cols.length; k++) out.data[i * cols.length + k] = M.data[i * M.cols + cols[k]];
  return out;
}
