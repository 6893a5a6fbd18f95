/**
 * The training loop of a Model: epochs or iterations of a `Trainer`
 * (trainer.ts: the mini-batches, their order and dropout masks, one update
 * per step), with fit's own bookkeeping around it: the cost of every
 * iteration, per-epoch metrics, validation, early stopping and callbacks.
 *
 * Legend: X (n[0], m) and Y (n[L], m), examples as columns.
 *
 * Nothing is allocated per iteration: the Trainer makes its workspaces,
 * gathered batches, gradient and moment arenas once, and fit its history
 * arrays and validation workspace, before the first iteration.
 */
import { DivergenceError, OptionError, showValue } from '../errors.ts';
import type { Arena } from '../parameters.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { ArrayOf, Model } from './model.ts';
import { countLabels } from './losses.ts';
import { correct, cost, evaluation, forward, Workspace, type Evaluation } from './network.ts';
import { checkOptionKeys } from './options.ts';
import { resolveTrainerOptions, Trainer, TRAINER_OPTIONS, type IterationEvent, type TrainerOptions, type TrainingPlan } from './trainer.ts';

export type { IterationEvent };

/**
 * The options of `Model.fit`: how long to train (`epochs` or `iterations`,
 * exactly one) and what to watch, beside every update's options (`TrainerOptions`).
 */
export type FitOptions = FitSettings & FitLength;

/** How long fit trains: `epochs` or `iterations`, never both (the type says so, as fit's check does). */
export type FitLength =
  | {
      /** Passes over the data set. */
      epochs: number;
      iterations?: undefined;
    }
  | {
      /** Updates (mini-batches) to make; the last epoch may stop part way. */
      iterations: number;
      epochs?: undefined;
    };

/** What fit's callbacks return: "stop" ends training, the rest go on (false lets `cond && 'stop'` be one). */
export type CallbackResult = void | undefined | false | 'stop';

/** fit's options other than its length: every update's (`TrainerOptions`), validation, callbacks, early stopping. */
export interface FitSettings extends TrainerOptions {
  /** Data evaluated after every epoch (no dropout, no L2 term). */
  validation?: { X: Matrix<FloatArray>; Y: Matrix<FloatArray> };
  /**
   * After every iteration. Returning "stop" ends training after it; any
   * other return (nothing, undefined, false) goes on, so
   * `({ cost }) => cost < 0.1 && 'stop'` is a stopping rule. Callbacks may
   * read the model (predict, evaluate, save it) but not change its parameters
   * or the training data in place: full-batch training computes the next
   * update's first product ahead of it. Reading the model's parameters makes
   * any update of W1 that full-batch gradient descent holds back (gram.ts),
   * one product over X; a callback that reads only its event costs nothing.
   */
  onIteration?: (event: IterationEvent) => CallbackResult;
  /** After every epoch (and its validation). Returning "stop" ends training; nothing, undefined or false goes on. As onIteration, it may read the model, not change it. */
  onEpoch?: (event: EpochEvent) => CallbackResult;
  /**
   * Stop when the validation cost has not improved (by more than `minDelta`,
   * default 0) for `patience` epochs. `restoreBest` (default true): when it
   * stops training, the parameters of the best epoch are put back; a run that
   * ends otherwise (its epochs or iterations, a callback) keeps its last ones.
   */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
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

interface Resolved extends TrainingPlan {
  epochs: number;
  iterations: number;
  earlyStopping?: { patience: number; minDelta: number; restoreBest: boolean };
}

/** Model.fit: checks everything, makes every buffer, trains, then gives the buffers back. */
export function fit<D extends DType>(model: Model<D>, X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: FitOptions): FitHistory {
  const fn = 'Model.fit';
  type T = ArrayOf<D>;
  model.checkInput(fn, X);
  const m = X.cols;
  const o = resolveFitOptions(fn, options, m, model.depth);
  if (options.validation !== undefined) {
    const v = options.validation;
    if (v === null || typeof v !== 'object') throw new OptionError(`${fn}: validation must be { X, Y }`);
    checkOptionKeys(fn, v, ['X', 'Y'], 'validation');
  } else if (o.earlyStopping) {
    throw new OptionError(`${fn}: earlyStopping watches the validation cost; give validation: { X, Y }`);
  }
  // Every kernel matrix fit makes is given back when it returns or throws:
  // kernel memory is not the garbage collector's to reclaim in a loop of fits.
  const k = model.kernels;
  let labels: Matrix<T> | undefined;
  let trainer: Trainer<D> | undefined;
  let val: { X: Matrix<T>; Y?: Matrix<T>; ws?: Workspace<T> } | undefined;
  let best: Matrix<T> | undefined;
  try {
    labels = model.labels(fn, Y, m);
    if (options.validation !== undefined) {
      const v = options.validation;
      val = { X: model.input(`${fn}: validation`, v.X) };
      val.Y = model.labels(`${fn}: validation`, v.Y, val.X.cols);
      val.ws = new Workspace(model, val.X.cols);
    }
    trainer = new Trainer(model, X, labels, o, fn); // the trainer owns the labels from here
    if (o.earlyStopping?.restoreBest) best = k.matrix(1, model.parameters.data.length);
    return train(fn, model, trainer, o, options, val as { X: Matrix<T>; Y: Matrix<T>; ws: Workspace<T> } | undefined, best);
  } finally {
    if (trainer) trainer.release();
    else if (labels) k.release(labels);
    if (val) {
      model.releaseCopy(val.X, options.validation!.X);
      if (val.Y) k.release(val.Y);
      val.ws?.release(k);
    }
    if (best) k.release(best);
  }
}

/** The loop of fit over a trainer made for it; every buffer is made before it starts. */
function train<D extends DType>(fn: string, model: Model<D>, trainer: Trainer<D>, o: Resolved, options: FitOptions, val: { X: Matrix<ArrayOf<D>>; Y: Matrix<ArrayOf<D>>; ws: Workspace<ArrayOf<D>> } | undefined, best: Matrix<ArrayOf<D>> | undefined): FitHistory {
  const costs = new Series(o.iterations, 0);
  const perEpoch = () => new Series(o.epochs, NaN);
  const epochs = { cost: perEpoch(), accuracy: perEpoch(), validationCost: perEpoch(), validationAccuracy: perEpoch(), learningRate: perEpoch() };
  const hasAccuracy = countLabels(model.loss, 1, 1) > 0;

  let epoch = 0;
  let stopReason: FitHistory['stopReason'] = 'completed';
  let bestCost = Infinity, bestEpoch = -1, waited = 0;
  for (; epoch < o.epochs && trainer.iteration < o.iterations && stopReason === 'completed'; epoch++) {
    // The epoch's updates, until it ends, the iterations run out or a callback stops.
    let lr: number;
    do {
      // Another update follows unless this is the last one fit makes (a callback or early stopping may still end it sooner).
      const event = trainer.update(trainer.iteration + 1 < o.iterations && (epoch + 1 < o.epochs || !trainer.endsEpoch) ? o.iterations - trainer.iteration - 1 : 0);
      costs.set(event.iteration, event.cost);
      lr = event.learningRate;
      if (options.onIteration?.(event) === 'stop') {
        stopReason = 'callback';
        break;
      }
    } while (!trainer.epochEnded && trainer.iteration < o.iterations);
    epochs.cost.set(epoch, trainer.epochCost);
    epochs.learningRate.set(epoch, lr);
    if (hasAccuracy) epochs.accuracy.set(epoch, trainer.epochAccuracy!);
    if (val) {
      // The validation cost (no L2 term, no dropout) and accuracy, without allocating.
      forward(model, val.ws, val.X);
      const vCost = cost(model, val.ws, val.Y, 0);
      epochs.validationCost.set(epoch, vCost);
      if (hasAccuracy) epochs.validationAccuracy.set(epoch, correct(model, val.ws, val.Y) / countLabels(model.loss, val.Y.rows, val.ws.m));
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
      const event: EpochEvent = { epoch, iterations: trainer.iteration, cost: epochs.cost.get(epoch), learningRate: lr };
      if (hasAccuracy) event.accuracy = epochs.accuracy.get(epoch);
      if (val) event.validationCost = epochs.validationCost.get(epoch);
      if (val && hasAccuracy) event.validationAccuracy = epochs.validationAccuracy.get(epoch);
      if (options.onEpoch(event) === 'stop' && stopReason === 'completed') stopReason = 'callback';
    }
  }
  // The best epoch's parameters, when there was one (a validation cost that is never finite improves on none).
  if (stopReason === 'earlyStopping' && best && bestEpoch >= 0) model.parameters.data.set(best.data);

  const t = trainer.iteration;
  // Each step checks the cost of the parameters it starts from; the last update has no next step to check it.
  const bad = nonFinite(model.parameters);
  if (bad) {
    const lr = epochs.learningRate.get(epoch - 1);
    throw new DivergenceError(
      `${fn}: the update of iteration ${t - 1} made parameter ${bad.name} ${bad.value}; the parameters diverged, so learningRate ${lr} is probably too large (or X too large: scale it)`,
      { cost: bad.value, iteration: t - 1, learningRate: lr },
    );
  }
  const history: FitHistory = {
    costs: costs.first(t),
    epochs: {
      cost: epochs.cost.first(epoch),
      accuracy: epochs.accuracy.first(epoch),
      validationCost: epochs.validationCost.first(epoch),
      validationAccuracy: epochs.validationAccuracy.first(epoch),
      learningRate: epochs.learningRate.first(epoch),
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

/**
 * One number per iteration or epoch, in a Float64Array that doubles when
 * full: `epochs` and `iterations` bound training but a callback or early
 * stopping may end it long before (2^53 − 1 epochs is a fair way to say
 * "until early stopping"), so the history is not reserved for all of them.
 * It starts at up to 4096 values and grows about 12 times in a million
 * iterations, each time copying what it holds.
 */
class Series {
  private values: Float64Array;

  /** @param most - the most values training can record; @param empty - the value of a slot never set */
  constructor(private readonly most: number, private readonly empty: number) {
    this.values = new Float64Array(Math.min(most, 4096)).fill(empty);
  }

  set(i: number, value: number): void {
    if (i >= this.values.length) {
      const grown = new Float64Array(Math.min(this.most, Math.max(2 * this.values.length, i + 1))).fill(this.empty);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[i] = value;
  }

  get(i: number): number {
    return this.values[i];
  }

  /** The first n values (a view). */
  first(n: number): Float64Array {
    return this.values.subarray(0, n);
  }
}

/** The first parameter that is NaN or ±Infinity, named as W2[i, j] or b1[i, 0]; undefined when all are finite. */
function nonFinite(parameters: Arena<FloatArray>): { name: string; value: number } | undefined {
  const entries = parameters.entries;
  for (let e = 0; e < entries.length; e++) {
    const M = entries[e], d = M.data;
    for (let k = 0; k < d.length; k++) {
      if (d[k] - d[k] !== 0) {
        const i = Math.floor(k / M.cols);
        return { name: `${e % 2 === 0 ? 'W' : 'b'}${Math.floor(e / 2) + 1}[${i}, ${k - i * M.cols}]`, value: d[k] };
      }
    }
  }
  return undefined;
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

/** The options fit has beside every update's (`TRAINER_OPTIONS`). */
export const FIT_ONLY_OPTIONS: readonly (keyof FitOptions)[] = ['epochs', 'iterations', 'validation', 'onIteration', 'onEpoch', 'earlyStopping'];

function resolveFitOptions(fn: string, options: FitOptions, m: number, L: number): Resolved {
  if (options === null || typeof options !== 'object') throw new OptionError(`${fn}: options must be an object with at least learningRate and epochs or iterations`);
  const known: string[] = [...TRAINER_OPTIONS, ...FIT_ONLY_OPTIONS];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new OptionError(`${fn}: unknown option "${key}"; the options are ${known.join(', ')}`);
  }
  const plan = resolveTrainerOptions(fn, options, m, L);
  const { epochs, iterations } = options;
  const positiveInteger = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OptionError(`${fn}: ${name} is ${String(v)}; it must be a positive integer`);
    return v;
  };
  if ((epochs === undefined) === (iterations === undefined)) {
    throw new OptionError(`${fn}: give epochs (passes over the data) or iterations (updates), ${epochs === undefined ? 'neither was given' : 'not both'}`);
  }
  let nEpochs: number, nIterations: number;
  if (epochs !== undefined) {
    nEpochs = positiveInteger('epochs', epochs);
    nIterations = nEpochs * plan.batches;
  } else {
    nIterations = positiveInteger('iterations', iterations);
    nEpochs = Math.ceil(nIterations / plan.batches);
  }
  for (const name of ['onIteration', 'onEpoch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new OptionError(`${fn}: ${name} must be a function`);
  }
  const resolved: Resolved = { ...plan, epochs: nEpochs, iterations: nIterations };
  const es = options.earlyStopping;
  if (es !== undefined) {
    if (es === null || typeof es !== 'object') throw new OptionError(`${fn}: earlyStopping must be { patience, minDelta?, restoreBest? }`);
    checkOptionKeys(fn, es, ['patience', 'minDelta', 'restoreBest'], 'earlyStopping');
    const minDelta = es.minDelta ?? 0;
    // Infinity would make every epoch "no improvement": training would stop after `patience` epochs whatever the cost did.
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
      throw new OptionError(`${fn}: earlyStopping.minDelta is ${showValue(minDelta)}; it must be a finite number ≥ 0 (the least drop of the validation cost that counts as improving)`);
    }
    const restoreBest = es.restoreBest ?? true;
    if (typeof restoreBest !== 'boolean') throw new OptionError(`${fn}: earlyStopping.restoreBest is ${JSON.stringify(restoreBest)}; use true (the default) or false`);
    resolved.earlyStopping = { patience: positiveInteger('earlyStopping.patience', es.patience), minDelta, restoreBest };
  }
  return resolved;
}
