/**
 * The training loop of a Model.
 *
 * Legend: X (n[0], m) and Y (n[L], m), examples as columns.
 *
 * An epoch is one pass over the m examples in mini-batches of `batchSize`,
 * made as the course's random_mini_batches makes them: the columns in the
 * order of a NumPy-compatible `permutation(m)`, cut into ⌊m / batchSize⌋
 * full batches and one smaller last batch when batchSize does not divide m.
 * Without `batchSize` every update uses the whole, unshuffled data set (the
 * course's gradient descent). An iteration is one update: forward, cost,
 * backward, optimizer step; its cost is the batch's cost before the update,
 * as the course records it.
 *
 * Randomness: at the start of epoch e the training generator is seeded with
 * `seed + e` (`np.random.seed(seed + e)`), then draws the epoch's permutation
 * (when shuffling), then, for each batch in order, the dropout masks of the
 * hidden layers in layer order (only layers with keepProb < 1). A NumPy
 * script that does the same gets the same batches and masks.
 *
 * Nothing is allocated per iteration: workspaces for the full and the last
 * batch size, the gathered batches, the gradient and moment arenas and the
 * history arrays are made before the first iteration (see `Workspace`).
 */
import { OptionError } from '../errors.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { Arena } from '../parameters.ts';
import { RandomState } from '../random.ts';
import type { ArrayOf, Model } from './model.ts';
import { countLabels } from './losses.ts';
import { backward, correct, cost, evaluation, forward, gatherColumns, Workspace, type DropoutPlan, type Evaluation } from './network.ts';
import { checkKeepProb, checkL2 } from './options.ts';
import { checkDecay, learningRateAt, Optimizer, resolveOptimizer, type Decay, type OptimizerConfig, type OptimizerOption } from './optimizers.ts';

export interface FitOptions {
  /** Passes over the data set. Give `epochs` or `iterations`. */
  epochs?: number;
  /** Updates (mini-batches) to make; the last epoch may stop part way. Give `epochs` or `iterations`. */
  iterations?: number;
  /** Examples per update; without it, the whole data set (gradient descent, no shuffling). */
  batchSize?: number;
  /** Shuffle the columns every epoch (default true when `batchSize` is given). */
  shuffle?: boolean;
  /** "gd" (default), "momentum", "rmsprop", "adam", or an object with hyperparameters. */
  optimizer?: OptimizerOption;
  /** α, a positive number (0.0075 in the course's cat application). */
  learningRate: number;
  /** Learning-rate decay per epoch (inverse-time or exponential). */
  decay?: Decay;
  /** λ of the L2 regularization (the course's `lambd`), ≥ 0. */
  l2?: number;
  /** Inverted dropout: keep probability of every hidden layer, or one per hidden layer, in (0, 1]. */
  keepProb?: number | readonly number[];
  /** Seed of the shuffling and the dropout masks (default 0); epoch e uses seed + e. */
  seed?: number;
  /** Data evaluated after every epoch (no dropout, no L2 term). */
  validation?: { X: Matrix<FloatArray>; Y: Matrix<FloatArray> };
  /** After every iteration. Returning "stop" ends training after it. */
  onIteration?: (event: IterationEvent) => void | 'stop';
  /** After every epoch (and its validation). Returning "stop" ends training. */
  onEpoch?: (event: EpochEvent) => void | 'stop';
  /** Stop when the validation cost has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
}

export interface IterationEvent {
  /** Updates made before this one (0 for the first). */
  iteration: number;
  epoch: number;
  /** Batch within the epoch. */
  batch: number;
  batchSize: number;
  /** The batch's cost before the update (with the L2 term, with dropout). */
  cost: number;
  /** The batch's accuracy before the update (classification outputs). */
  accuracy?: number;
  learningRate: number;
}

export interface EpochEvent {
  epoch: number;
  /** Updates made so far. */
  iterations: number;
  /** Mean cost over the epoch's batches, weighted by their sizes (the course's cost_total / m). */
  cost: number;
  /** Fraction of the epoch's predictions that were right, each made before its batch's update. */
  accuracy?: number;
  validationCost?: number;
  validationAccuracy?: number;
  learningRate: number;
}

export interface FitHistory {
  /** The cost of every iteration, before its update. */
  costs: Float64Array;
  /** Per epoch; NaN where not measured (accuracy of a linear output, validation without data). */
  epochs: {
    cost: Float64Array;
    accuracy: Float64Array;
    validationCost: Float64Array;
    validationAccuracy: Float64Array;
    learningRate: Float64Array;
  };
  /** Updates made. */
  iterations: number;
  /** Why training ended. */
  stopReason: 'completed' | 'earlyStopping' | 'callback';
  /** The epoch with the lowest validation cost (with validation data). */
  bestEpoch?: number;
  /** The final evaluation on the validation data, after any restore. */
  validation?: Evaluation;
}

interface Resolved {
  epochs: number;
  iterations: number;
  batchSize: number;
  batches: number;
  shuffle: boolean;
  optimizer: OptimizerConfig;
  learningRate: number;
  decay?: Decay;
  l2: number;
  keep: number[];
  seed: number;
  earlyStopping?: { patience: number; minDelta: number; restoreBest: boolean };
}

/** Model.fit: checks everything, makes every buffer, then trains. */
export function fit<D extends DType>(model: Model<D>, X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: FitOptions): FitHistory {
  const fn = 'Model.fit';
  type T = ArrayOf<D>;
  const data = model.input(fn, X);
  const m = data.cols;
  const labels = model.labels(fn, Y, m);
  const o = resolveFitOptions(fn, options, m, model.depth);
  let val: { X: Matrix<T>; Y: Matrix<T>; ws: Workspace<T> } | undefined;
  if (options.validation !== undefined) {
    const v = options.validation;
    if (v === null || typeof v !== 'object') throw new OptionError(`${fn}: validation must be { X, Y }`);
    const vX = model.input(`${fn}: validation`, v.X);
    val = { X: vX, Y: model.labels(`${fn}: validation`, v.Y, vX.cols), ws: new Workspace(model, vX.cols) };
  }
  if (o.earlyStopping && !val) throw new OptionError(`${fn}: earlyStopping watches the validation cost; give validation: { X, Y }`);

  // Everything the loop touches, made once.
  const gather = o.shuffle || o.batches > 1;
  const full = new Workspace(model, o.batchSize, { training: true, keep: o.keep, gather });
  const rest = m % o.batchSize;
  const last = rest > 0 ? new Workspace(model, rest, { training: true, keep: o.keep, gather }) : full;
  const perm = new Uint32Array(m);
  for (let j = 0; j < m; j++) perm[j] = j;
  const useDropout = o.keep.some((p) => p < 1);
  const rng = o.shuffle || useDropout ? new RandomState(0) : undefined;
  const dropout: DropoutPlan | undefined = useDropout ? { keep: o.keep, rng: rng! } : undefined;
  const grads: Arena<T> = model.parameters.twin(model.kernels);
  const optimizer = new Optimizer(o.optimizer, model.parameters, model.kernels);
  const best = o.earlyStopping?.restoreBest ? model.kernels.matrix(1, model.parameters.data.length) : undefined;
  const costs = new Float64Array(o.iterations);
  const nan = () => new Float64Array(o.epochs).fill(NaN);
  const epochs = { cost: nan(), accuracy: nan(), validationCost: nan(), validationAccuracy: nan(), learningRate: nan() };
  const hasAccuracy = countLabels(model.loss, 1, 1) > 0;

  let t = 0;
  let epoch = 0;
  let stopReason: FitHistory['stopReason'] = 'completed';
  let bestCost = Infinity, bestEpoch = -1, waited = 0;
  for (; epoch < o.epochs && t < o.iterations && stopReason === 'completed'; epoch++) {
    const lr = learningRateAt(o.learningRate, o.decay, epoch);
    if (rng) rng.seed((o.seed + epoch) % 0x100000000);
    if (o.shuffle) rng!.permutationInto(perm);
    let epochCost = 0, seen = 0, hits = 0, judged = 0;
    for (let batch = 0; batch < o.batches && t < o.iterations; batch++) {
      const ws = batch * o.batchSize + o.batchSize <= m ? full : last;
      const mb = ws.m;
      let A0 = data, Yb = labels;
      if (gather) {
        gatherColumns(data, perm, batch * o.batchSize, ws.X!);
        gatherColumns(labels, perm, batch * o.batchSize, ws.Y!);
        A0 = ws.X!;
        Yb = ws.Y!;
      }
      forward(model, ws, A0, dropout);
      const J = cost(model, ws, Yb, o.l2);
      if (!Number.isFinite(J)) {
        throw new OptionError(`${fn}: the cost became ${J} at iteration ${t} (epoch ${epoch}); the parameters diverged, so learningRate ${lr} is probably too large: try a smaller learningRate`);
      }
      const right = hasAccuracy ? correct(model, ws, Yb) : 0;
      const total = countLabels(model.loss, ws.output.rows, mb);
      backward(model, ws, A0, Yb, grads, o.l2, dropout);
      optimizer.step(lr, grads, model.parameters);
      costs[t] = J;
      epochCost += J * mb;
      seen += mb;
      hits += right;
      judged += total;
      t++;
      if (options.onIteration) {
        const event: IterationEvent = { iteration: t - 1, epoch, batch, batchSize: mb, cost: J, learningRate: lr };
        if (hasAccuracy) event.accuracy = right / total;
        if (options.onIteration(event) === 'stop') {
          stopReason = 'callback';
          break;
        }
      }
    }
    epochs.cost[epoch] = epochCost / seen;
    epochs.learningRate[epoch] = lr;
    if (hasAccuracy) epochs.accuracy[epoch] = hits / judged;
    if (val) {
      // The validation cost (no L2 term, no dropout) and accuracy, without allocating.
      forward(model, val.ws, val.X);
      const vCost = cost(model, val.ws, val.Y, 0);
      epochs.validationCost[epoch] = vCost;
      if (hasAccuracy) epochs.validationAccuracy[epoch] = correct(model, val.ws, val.Y) / countLabels(model.loss, val.Y.rows, val.ws.m);
      const es = o.earlyStopping;
      if (vCost < bestCost - (es?.minDelta ?? 0)) {
        bestCost = vCost;
        bestEpoch = epoch;
        waited = 0;
        if (best) best.data.set(model.parameters.data);
      } else if (es && ++waited >= es.patience) {
        if (stopReason === 'completed') stopReason = 'earlyStopping';
      }
    }
    if (options.onEpoch) {
      const event: EpochEvent = { epoch, iterations: t, cost: epochs.cost[epoch], learningRate: lr };
      if (hasAccuracy) event.accuracy = epochs.accuracy[epoch];
      if (val) event.validationCost = epochs.validationCost[epoch];
      if (val && hasAccuracy) event.validationAccuracy = epochs.validationAccuracy[epoch];
      if (options.onEpoch(event) === 'stop' && stopReason === 'completed') stopReason = 'callback';
    }
  }
  if (stopReason === 'earlyStopping' && best) model.parameters.data.set(best.data);

  const history: FitHistory = {
    costs: costs.subarray(0, t),
    epochs: {
      cost: epochs.cost.subarray(0, epoch),
      accuracy: epochs.accuracy.subarray(0, epoch),
      validationCost: epochs.validationCost.subarray(0, epoch),
      validationAccuracy: epochs.validationAccuracy.subarray(0, epoch),
      learningRate: epochs.learningRate.subarray(0, epoch),
    },
    iterations: t,
    stopReason,
  };
  if (val) {
    history.bestEpoch = bestEpoch;
    forward(model, val.ws, val.X);
    history.validation = evaluation(model, val.ws, val.Y);
  }
  record(model, o, history, epoch);
  return history;
}

/** Writes what was done into model.info, for toSpec() and model files. */
function record(model: Model<DType>, o: Resolved, history: FitHistory, epochs: number): void {
  const training: Record<string, unknown> = {
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    batchSize: o.batchSize,
    shuffle: o.shuffle,
    epochs,
    iterations: history.iterations,
    l2: o.l2,
    keepProb: o.keep,
    seed: o.seed,
    stopReason: history.stopReason,
  };
  if (o.decay) training.decay = o.decay;
  if (o.earlyStopping) training.earlyStopping = o.earlyStopping;
  const e = history.epochs, n = e.cost.length;
  const metrics: Record<string, unknown> = {};
  if (n > 0) {
    metrics.cost = e.cost[n - 1];
    if (!Number.isNaN(e.accuracy[n - 1])) metrics.accuracy = e.accuracy[n - 1];
  }
  if (history.validation) {
    metrics.validationCost = history.validation.cost;
    if (history.validation.accuracy !== undefined) metrics.validationAccuracy = history.validation.accuracy;
  }
  model.info = { training, metrics };
}

function resolveFitOptions(fn: string, options: FitOptions, m: number, L: number): Resolved {
  if (options === null || typeof options !== 'object') throw new OptionError(`${fn}: options must be an object with at least learningRate and epochs or iterations`);
  const known = ['epochs', 'iterations', 'batchSize', 'shuffle', 'optimizer', 'learningRate', 'decay', 'l2', 'keepProb', 'seed', 'validation', 'onIteration', 'onEpoch', 'earlyStopping'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new OptionError(`${fn}: unknown option "${key}"; the options are ${known.join(', ')}`);
  }
  const { learningRate, epochs, iterations, batchSize } = options;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new OptionError(`${fn}: learningRate is ${String(learningRate)}; it must be a positive finite number (0.0075 in the course's cat application)`);
  }
  const positiveInteger = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OptionError(`${fn}: ${name} is ${String(v)}; it must be a positive integer`);
    return v;
  };
  if ((epochs === undefined) === (iterations === undefined)) {
    throw new OptionError(`${fn}: give epochs (passes over the data) or iterations (updates), ${epochs === undefined ? 'neither was given' : 'not both'}`);
  }
  const size = batchSize === undefined ? m : Math.min(positiveInteger('batchSize', batchSize), m);
  const batches = Math.ceil(m / size);
  const shuffle = options.shuffle ?? batchSize !== undefined;
  if (typeof shuffle !== 'boolean') throw new OptionError(`${fn}: shuffle is ${String(options.shuffle)}; use true or false`);
  let nEpochs: number, nIterations: number;
  if (epochs !== undefined) {
    nEpochs = positiveInteger('epochs', epochs);
    nIterations = nEpochs * batches;
  } else {
    nIterations = positiveInteger('iterations', iterations);
    nEpochs = Math.ceil(nIterations / batches);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new OptionError(`${fn}: seed is ${seed}; it must be an integer between 0 and 2**32 - 1`);
  for (const name of ['onIteration', 'onEpoch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new OptionError(`${fn}: ${name} must be a function`);
  }
  const resolved: Resolved = {
    epochs: nEpochs,
    iterations: nIterations,
    batchSize: size,
    batches,
    shuffle,
    optimizer: resolveOptimizer(fn, options.optimizer),
    learningRate,
    l2: checkL2(fn, options.l2),
    keep: checkKeepProb(fn, options.keepProb, L),
    seed,
  };
  const decay = checkDecay(fn, options.decay);
  if (decay) resolved.decay = decay;
  const es = options.earlyStopping;
  if (es !== undefined) {
    if (es === null || typeof es !== 'object') throw new OptionError(`${fn}: earlyStopping must be { patience, minDelta?, restoreBest? }`);
    const minDelta = es.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new OptionError(`${fn}: earlyStopping.minDelta is ${String(minDelta)}; it must be a number ≥ 0`);
    resolved.earlyStopping = { patience: positiveInteger('earlyStopping.patience', es.patience), minDelta, restoreBest: es.restoreBest ?? true };
  }
  return resolved;
}
