/**
 * The one place the playground meets dnn's training code. The worker only
 * talks to the `Trainer` interface below; everything it needs (an update,
 * the cost and accuracy, every layer's activations for the pictures) is
 * computed by the library.
 *
 * Legend: X (2, m), Y (1, m); W[l] (n[l], n[l-1]), b[l] (n[l], 1),
 * A[l] (n[l], m); layerDims = [2, n[1], ..., n[L-1], 1].
 *
 * This implementation runs the course's step functions (forward, the
 * cross-entropy cost, backward, gradient descent) layer by layer, so every
 * hidden layer can have its own activation.
 */
import {
  appInitializeParametersDeep,
  computeCost,
  linearActivationBackward,
  linearActivationForward,
  Matrix,
  OptionError,
  RandomState,
  updateParameters,
  type Grads,
  type LayerCache,
  type Parameters,
} from '../../src/browser.ts';
import { crossEntropyDA } from '../../src/steps/model.ts';
import type { HiddenLayer, OptimizerName, TrainConfig } from './config.ts';
import { layerDims as dimsOf } from './config.ts';

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
  /** Cross-entropy cost and accuracy of the current parameters on (X, Y). */
  evaluate(X: Matrix, Y: Matrix): Evaluation;
  /** A[1], ..., A[L] for the examples X (2, k): every unit's activation, for the pictures. */
  activations(X: Matrix): Matrix[];
  /** W[1], ..., W[L] (views: copy before sending). */
  weights(): Matrix[];
}

/** What this trainer supports; the editor disables the rest and says why. */
export const CAPABILITIES: { optimizers: readonly OptimizerName[]; l2: boolean } = {
  optimizers: ['gd'],
  l2: false,
};

/**
 * A trainer for the network 2 → hidden → 1 (sigmoid) on the training set
 * (X, Y), initialized as the course's application does (W[l] = randn / √n[l-1],
 * b[l] = 0) from a generator seeded with `train.seed`.
 * @param X - (2, m) training examples
 * @param Y - (1, m) training labels
 */
export function createTrainer(X: Matrix, Y: Matrix, hidden: readonly HiddenLayer[], train: TrainConfig): Trainer {
  if (!CAPABILITIES.optimizers.includes(train.optimizer)) {
    throw new OptionError(`createTrainer: optimizer is "${train.optimizer}"; this trainer runs ${CAPABILITIES.optimizers.map((o) => `"${o}"`).join(', ')}`);
  }
  if (train.l2 !== 0 && !CAPABILITIES.l2) throw new OptionError(`createTrainer: l2 is ${train.l2}; this trainer runs without L2 regularization (l2 = 0)`);
  const layerDims = dimsOf(hidden);
  const L = layerDims.length - 1;
  const activation = (l: number) => (l === L ? 'sigmoid' : hidden[l - 1].activation);
  const rng = new RandomState(train.seed);
  const parameters: Parameters = appInitializeParametersDeep(layerDims, { rng, seed: train.seed });
  const m = X.cols;
  const batchSize = train.batchSize > 0 && train.batchSize < m ? train.batchSize : m;
  const batches = new MiniBatches(X, Y, batchSize, rng);
  let iteration = 0;

  function forward(A0: Matrix): [AL: Matrix, caches: LayerCache[]] {
    const caches: LayerCache[] = [];
    let A = A0;
    for (let l = 1; l <= L; l++) {
      const [next, cache] = linearActivationForward(A, parameters['W' + l], parameters['b' + l], activation(l)); // (1), (2)
      caches.push(cache);
      A = next;
    }
    return [A, caches];
  }

  return {
    layerDims,
    get iteration() {
      return iteration;
    },
    train(count: number) {
      for (let i = 0; i < count; i++) {
        const [bx, by] = batches.next();
        const [AL, caches] = forward(bx);
        const grads: Grads = {};
        let dA = crossEntropyDA(AL, by);
        for (let l = L; l >= 1; l--) {
          const [dAPrev, dW, db] = linearActivationBackward(dA, caches[l - 1], activation(l)); // (7)-(10)
          grads['dW' + l] = dW;
          grads['db' + l] = db;
          dA = dAPrev;
        }
        updateParameters(parameters, grads, train.learningRate);
        iteration++;
      }
    },
    evaluate(EX: Matrix, EY: Matrix): Evaluation {
      if (EX.cols === 0) return { cost: NaN, accuracy: NaN };
      const [AL] = forward(EX);
      let correct = 0;
      for (let j = 0; j < AL.cols; j++) if ((AL.data[j] > 0.5 ? 1 : 0) === EY.data[j]) correct++;
      return { cost: computeCost(AL, EY), accuracy: correct / AL.cols };
    },
    activations(EX: Matrix): Matrix[] {
      const [AL, caches] = forward(EX);
      // caches[l][0][0] is layer l+1's A_prev, i.e. A[l]; the output A[L] is AL.
      return [...caches.slice(1).map((c) => c[0][0]), AL];
    },
    weights(): Matrix[] {
      return Array.from({ length: L }, (_, i) => parameters['W' + (i + 1)]);
    },
  };
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
