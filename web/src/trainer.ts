/**
 * The one place the playground meets dnn's training code. The worker only
 * talks to the `PlaygroundTrainer` interface below; everything it needs (an
 * update, the cost and accuracy, every layer's activations for the pictures)
 * is computed by the library.
 *
 * Legend: X (2, m), Y (1, m); W[l] (n[l], n[l-1]), b[l] (n[l], 1),
 * A[l] (n[l], m); layerDims = [2, n[1], ..., n[L-1], 1].
 *
 * Updates come from the library's resumable trainer (`model.trainer`): the
 * mini-batches, their order (the seed + epoch reshuffling of `fit`) and the
 * optimizer's state live there, made once, so momentum and Adam's moments
 * carry on across Play, Pause and Step, and `n` updates here are `fit` with
 * `iterations: n`.
 */
import { DataError, Matrix, Model, DivergenceError } from '../../src/browser.ts';
import type { HiddenLayer, OptimizerName, TrainConfig } from './config.ts';
import { OPTIMIZERS } from './config.ts';

export interface Evaluation {
  cost: number;
  /** Share of examples whose rounded output equals the label. */
  accuracy: number;
}

export interface PlaygroundTrainer {
  /** [n[0], ..., n[L]] */
  readonly layerDims: readonly number[];
  /** Parameter updates done so far (one per mini-batch). */
  readonly iteration: number;
  /** The cost of a batch stopped being finite: training has stopped (the learning rate is too large). */
  readonly diverged: boolean;
  /** Runs `count` parameter updates on the training set, fewer if the cost diverges. */
  train(count: number): void;
  /** Cross-entropy cost (without the L2 term) and accuracy of the current parameters on (X, Y). */
  evaluate(X: Matrix, Y: Matrix): Evaluation;
  /** A[1], ..., A[L] for the examples X (2, k): every unit's activation, for the pictures. */
  activations(X: Matrix): Matrix[];
  /** W[1], ..., W[L] (views: copy before sending). */
  weights(): Matrix[];
  /** Gives back the kernel memory of the training and the network; the trainer is not used after it. */
  release(): void;
}

/** What this trainer supports; the editor disables the rest and says why. */
export const CAPABILITIES: { optimizers: readonly OptimizerName[]; l2: boolean } = {
  optimizers: OPTIMIZERS,
  l2: true,
};

/**
 * A trainer for the network 2 → hidden → 1 (sigmoid) on the training set
 * (X, Y), initialized as the course's application does (init "lecun":
 * W[l] = randn / √n[l-1], b[l] = 0) from a generator seeded with `train.seed`,
 * which also seeds the mini-batches (epoch e shuffles with seed + e).
 * @param X - (2, m) training examples
 * @param Y - (1, m) training labels
 */
export function createTrainer(X: Matrix, Y: Matrix, hidden: readonly HiddenLayer[], train: TrainConfig): PlaygroundTrainer {
  const model = new Model({
    inputSize: 2,
    layers: [...hidden.map((h) => ({ units: h.units, activation: h.activation })), { units: 1, activation: 'sigmoid' as const }],
    init: 'lecun',
    seed: train.seed,
  });
  // Batch size 0 (or the whole set) is the course's batch gradient descent: every update sees all m examples in order.
  const batchSize = train.batchSize > 0 && train.batchSize < X.cols ? { batchSize: train.batchSize } : {};
  // The optimizer by name: the library fills in the course's β = 0.9 (Adam: β1 = 0.9, β2 = 0.999, ε = 1e-8).
  const trainer = model.trainer(X, Y, { ...batchSize, optimizer: train.optimizer, learningRate: train.learningRate, l2: train.l2, seed: train.seed });
  const L = model.depth;
  let diverged = false;

  return {
    layerDims: model.layerDims,
    get iteration() {
      return trainer.iteration;
    },
    get diverged() {
      return diverged;
    },
    train(count: number) {
      if (diverged) return;
      try {
        for (let i = 0; i < count; i++) trainer.step();
      } catch (err) {
        // The batch's cost is no longer finite: the parameters may already hold Infinity or NaN (the views draw them so).
        if (!(err instanceof DivergenceError)) throw err;
        diverged = true;
      }
    },
    evaluate(EX: Matrix, EY: Matrix): Evaluation {
      if (EX.cols === 0) return { cost: NaN, accuracy: NaN };
      try {
        const { cost, accuracy } = model.evaluate(EX, EY);
        return { cost, accuracy: accuracy ?? NaN };
      } catch (err) {
        // Outputs that are not finite (the network diverged): the page says so from the cost.
        if (err instanceof DataError) return { cost: NaN, accuracy: NaN };
        throw err;
      }
    },
    activations(EX: Matrix): Matrix[] {
      // One forward pass with the activations kept (its gradients are not used).
      // The A's are copied out and every kernel matrix of the pass given back at
      // once: a snapshot follows every chunk of training, faster than the garbage
      // collector would find them.
      const { gradients, cache } = model.gradients(EX, Matrix.zeros(1, EX.cols));
      const A = Array.from({ length: L }, (_, i) => cache['A' + (i + 1)].clone());
      model.kernels.release(gradients.storage);
      for (const M of Object.values(cache)) model.kernels.release(M);
      return A;
    },
    weights(): Matrix[] {
      return Array.from({ length: L }, (_, i) => model.W(i + 1));
    },
    release() {
      trainer.release();
      model.release();
    },
  };
}
