/**
 * The Model API end to end: fit (epochs, iterations, callbacks, validation,
 * early stopping), the resumable trainer (n steps = fit over n iterations),
 * predict, classify, evaluate, the spec round trip, float32, the same numbers
 * as the tutorial's lLayerModel, and a training loop that allocates no kernel
 * memory per iteration and never forms dA[0].
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createWasmKernels,
  gradientCheckModel,
  kernelsFor,
  lLayerModel,
  Matrix,
  Model,
  OptionError,
  RandomState,
  refKernels,
  type IterationEvent,
  type EpochEvent,
  type FitOptions,
  type Kernels,
  type LayerSpec,
  type ModelSpec,
  type TrainerOptions,
  type WasmKernels,
} from '../src/index.ts';
import { assertNumber, close } from './helpers.ts';
import { MODEL_TOLERANCE } from './model-helpers.ts';

/** Two blobs in 4 dimensions, labels 0/1 by which side of a plane an example lies. */
function binaryData(m: number, seed: number) {
  const rng = new RandomState(seed);
  const X = rng.randn(4, m);
  const Y = Matrix.zeros(1, m);
  for (let j = 0; j < m; j++) Y.data[j] = X.get(0, j) + 0.5 * X.get(1, j) - 0.3 * X.get(2, j) > 0 ? 1 : 0;
  return { X, Y };
}

/** Three classes by the largest of three projections; labels as class indices (1, m). */
function classData(m: number, seed: number) {
  const rng = new RandomState(seed);
  const X = rng.randn(4, m);
  const Y = Matrix.zeros(1, m);
  for (let j = 0; j < m; j++) {
    const s = [X.get(0, j), X.get(1, j) - 0.2, -X.get(0, j) - X.get(1, j)];
    Y.data[j] = s.indexOf(Math.max(...s));
  }
  return { X, Y };
}

const binaryLayers: LayerSpec[] = [{ units: 6, activation: 'relu' }, { units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }];
const classLayers: LayerSpec[] = [{ units: 8, activation: 'relu' }, { units: 3, activation: 'softmax' }];

describe('Model.fit', () => {
  it('epochs × batches iterations, the last batch smaller; callbacks see every iteration and epoch in order', () => {
    const { X, Y } = binaryData(37, 1);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 2 });
    const iterations: IterationEvent[] = [];
    const epochs: EpochEvent[] = [];
    const history = model.fit(X, Y, {
      epochs: 3, batchSize: 8, optimizer: 'adam', learningRate: 0.01,
      onIteration: (e) => { iterations.push(e); },
      onEpoch: (e) => { epochs.push(e); },
    });
    assert.equal(history.iterations, 15);
    assert.equal(history.stopReason, 'completed');
    assert.deepEqual(iterations.map((e) => e.iteration), Array.from({ length: 15 }, (_, i) => i));
    assert.deepEqual(iterations.slice(0, 5).map((e) => e.batchSize), [8, 8, 8, 8, 5]);
    assert.deepEqual(iterations.map((e) => e.epoch), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    assert.deepEqual(Array.from(history.costs), iterations.map((e) => e.cost));
    assert.deepEqual(epochs.map((e) => [e.epoch, e.iterations]), [[0, 5], [1, 10], [2, 15]]);
    for (const [e, ev] of epochs.entries()) {
      const batch = iterations.filter((i) => i.epoch === e);
      const mean = batch.reduce((s, i) => s + i.cost * i.batchSize, 0) / 37;
      assertNumber(ev.cost, mean, `epoch ${e} cost is the size-weighted mean of its batches`, MODEL_TOLERANCE.float64);
      const right = batch.reduce((s, i) => s + i.accuracy! * i.batchSize, 0) / 37;
      assertNumber(ev.accuracy!, right, `epoch ${e} accuracy`, MODEL_TOLERANCE.float64);
      assert.equal(history.epochs.cost[e], ev.cost);
    }
  });

  it('iterations may stop part way through an epoch', () => {
    const { X, Y } = binaryData(37, 1);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 2 });
    const history = model.fit(X, Y, { iterations: 7, batchSize: 8, learningRate: 0.1 });
    assert.equal(history.costs.length, 7);
    assert.equal(history.epochs.cost.length, 2, 'a second, partial epoch');
  });

  it('learns: the cost falls and the accuracy rises (sigmoid and softmax)', () => {
    const b = binaryData(200, 3);
    const bin = new Model({ inputSize: 4, layers: binaryLayers, seed: 4 });
    const hb = bin.fit(b.X, b.Y, { epochs: 30, batchSize: 32, optimizer: 'adam', learningRate: 0.01 });
    assert.ok(hb.epochs.cost[29] < 0.5 * hb.epochs.cost[0], `cost ${hb.epochs.cost[0]} -> ${hb.epochs.cost[29]}`);
    assert.ok(bin.evaluate(b.X, b.Y).accuracy! > 0.9);
    const c = classData(300, 5);
    const cls = new Model({ inputSize: 4, layers: classLayers, seed: 6 });
    const hc = cls.fit(c.X, c.Y, { epochs: 30, batchSize: 32, optimizer: 'adam', learningRate: 0.01 });
    assert.ok(hc.epochs.cost[29] < 0.5 * hc.epochs.cost[0], `cost ${hc.epochs.cost[0]} -> ${hc.epochs.cost[29]}`);
    assert.ok(cls.evaluate(c.X, c.Y).accuracy! > 0.9);
  });

  it('softmax labels as class indices or one-hot train identically', () => {
    const { X, Y } = classData(50, 7);
    const oneHot = Matrix.zeros(3, 50);
    for (let j = 0; j < 50; j++) oneHot.set(Y.data[j], j, 1);
    const a = new Model({ inputSize: 4, layers: classLayers, seed: 8 });
    const b = new Model({ inputSize: 4, layers: classLayers, seed: 8 });
    const ha = a.fit(X, Y, { epochs: 2, batchSize: 16, optimizer: 'momentum', learningRate: 0.1 });
    const hb = b.fit(X, oneHot, { epochs: 2, batchSize: 16, optimizer: 'momentum', learningRate: 0.1 });
    assert.deepEqual(ha.costs, hb.costs);
    assert.deepEqual(a.parameters.data, b.parameters.data);
  });

  it('the same seed gives the same run; another seed shuffles differently', () => {
    const { X, Y } = binaryData(40, 9);
    const run = (seed: number) => {
      const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
      return model.fit(X, Y, { epochs: 2, batchSize: 16, keepProb: 0.8, learningRate: 0.1, seed }).costs;
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
  });

  it('validation metrics every epoch; callbacks can stop training', () => {
    const { X, Y } = binaryData(60, 10);
    const v = binaryData(30, 11);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
    const seen: EpochEvent[] = [];
    const history = model.fit(X, Y, {
      epochs: 10, batchSize: 20, learningRate: 0.05, validation: v,
      onEpoch: (e) => {
        seen.push(e);
        return e.epoch === 2 ? 'stop' : undefined;
      },
    });
    assert.equal(history.stopReason, 'callback');
    assert.equal(seen.length, 3);
    assert.equal(history.epochs.validationCost.length, 3);
    const final = model.evaluate(v.X, v.Y);
    assert.deepEqual(history.validation, final, 'the final validation is evaluate() on the trained model');
    assertNumber(seen[2].validationCost!, final.cost, 'last epoch validation cost', MODEL_TOLERANCE.float64);
  });

  it("callbacks may return `cond && 'stop'`: false and undefined go on, only 'stop' stops", () => {
    const { X, Y } = binaryData(60, 10);
    const v = binaryData(30, 11);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
    // Typed as a user writes them: each returns false | "stop" (or undefined), which must type-check.
    const onIteration: FitOptions['onIteration'] = ({ iteration }) => iteration >= 4 && 'stop';
    const onEpoch: NonNullable<FitOptions['onEpoch']> = ({ epoch }) => (epoch < 1 ? false : epoch === 1 ? undefined : 'stop');
    const byIteration = model.fit(X, Y, { epochs: 10, batchSize: 20, learningRate: 0.05, onIteration });
    assert.equal(byIteration.stopReason, 'callback');
    assert.equal(byIteration.iterations, 5, 'false for iterations 0..3 went on, "stop" at 4 ended after it');
    const byEpoch = model.fit(X, Y, { epochs: 10, batchSize: 20, learningRate: 0.05, validation: v, onEpoch });
    assert.equal(byEpoch.stopReason, 'callback');
    assert.equal(byEpoch.epochs.cost.length, 3, 'false at epoch 0 and undefined at epoch 1 went on');
    // Other values are not "stop" either, whatever their truthiness.
    const other = model.fit(X, Y, { epochs: 2, batchSize: 20, learningRate: 0.05, onIteration: () => true as never, onEpoch: () => 'STOP' as never });
    assert.equal(other.stopReason, 'completed');
    assert.equal(other.iterations, 6);
  });

  it('epochs or iterations far beyond what training does (a callback or early stopping ends it) reserve nothing up front', () => {
    const { X, Y } = binaryData(60, 10);
    const v = binaryData(30, 11);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
    // Reserving a history for 2^53 − 1 epochs failed at once with "Invalid typed array length"
    // (and for 1e9 epochs filled memory until the process was killed).
    const stopped = model.fit(X, Y, { epochs: Number.MAX_SAFE_INTEGER, batchSize: 20, learningRate: 0.05, onIteration: (e) => (e.iteration === 6 ? 'stop' : undefined) });
    assert.equal(stopped.iterations, 7);
    assert.equal(stopped.costs.length, 7);
    assert.equal(stopped.epochs.cost.length, 3);
    assert.ok(Number.isNaN(stopped.epochs.validationCost[2]), 'not measured without validation data');
    const early = model.fit(X, Y, { iterations: Number.MAX_SAFE_INTEGER, batchSize: 20, learningRate: 0.05, validation: v, earlyStopping: { patience: 2, minDelta: 1 } });
    assert.equal(early.stopReason, 'earlyStopping');
    assert.equal(early.iterations, 9);
    assert.equal(early.epochs.validationCost.length, 3);
    // Long enough to outgrow any first reservation: every record kept, in order.
    const long = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
    const history = long.fit(X, Y, { epochs: 5000, batchSize: 30, learningRate: 0.001 });
    assert.equal(history.costs.length, 10000);
    assert.equal(history.epochs.learningRate.length, 5000);
    assert.ok(history.costs.every(Number.isFinite) && history.epochs.cost.every(Number.isFinite));
    assertNumber(history.epochs.cost[4999], (history.costs[9998] + history.costs[9999]) / 2, 'the last epoch', MODEL_TOLERANCE.float64);
  });

  it('early stopping: stops after `patience` epochs without improvement and restores the best parameters', () => {
    const { X, Y } = binaryData(60, 12);
    // Validation labels are the opposite of the training labels: every epoch of learning makes the validation cost worse.
    const wrong = Matrix.from([1, 60], Array.from(Y.data, (y) => 1 - y));
    const options = { batchSize: 20, optimizer: 'adam' as const, learningRate: 0.05, seed: 2 };
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    const history = model.fit(X, Y, { ...options, epochs: 50, validation: { X, Y: wrong }, earlyStopping: { patience: 3 } });
    assert.equal(history.stopReason, 'earlyStopping');
    assert.equal(history.bestEpoch, 0);
    assert.equal(history.epochs.cost.length, 4, 'epoch 0 is best, then 3 epochs without improvement');
    const reference = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    reference.fit(X, Y, { ...options, epochs: 1 });
    assert.deepEqual(model.parameters.data, reference.parameters.data, 'the parameters after epoch 0');
    assertNumber(history.validation!.cost, history.epochs.validationCost[0], 'final validation cost is the best', MODEL_TOLERANCE.float64);
  });

  it('early stopping with no epoch better than none (a validation cost that is never finite) keeps the trained parameters', () => {
    const { X, Y } = binaryData(40, 13);
    // Inputs of ±1e308 overflow the forward pass: every validation cost is NaN or Infinity.
    const huge = { X: Matrix.from([4, 2], [1e308, -1e308, 1e308, 1e308, -1e308, 1e308, 1e308, -1e308]), Y: Matrix.from([1, 2], [0, 1]) };
    const options = { learningRate: 0.1, seed: 2 };
    const layers: LayerSpec[] = [{ units: 3, activation: 'linear' }, { units: 1, activation: 'sigmoid' }];
    const model = new Model({ inputSize: 4, layers, seed: 3 });
    const history = model.fit(X, Y, { ...options, epochs: 10, validation: huge, earlyStopping: { patience: 2 } });
    assert.equal(history.stopReason, 'earlyStopping');
    assert.equal(history.bestEpoch, -1);
    assert.ok(history.epochs.validationCost.every((c) => !Number.isFinite(c)));
    const reference = new Model({ inputSize: 4, layers, seed: 3 });
    reference.fit(X, Y, { ...options, epochs: 2 });
    assert.deepEqual(model.parameters.data, reference.parameters.data, 'the parameters of the last epoch, not zeros');
  });

  it('learning-rate decay per epoch: inverse time and exponential', () => {
    const { X, Y } = binaryData(20, 13);
    const rates = (decay: any) => Array.from(new Model({ inputSize: 4, layers: binaryLayers, seed: 1 }).fit(X, Y, { epochs: 4, learningRate: 0.1, decay }).epochs.learningRate);
    assert.deepEqual(rates({ type: 'inverseTime', rate: 1 }), [0.1, 0.1 / 2, 0.1 / 3, 0.1 / 4]);
    assert.deepEqual(rates({ type: 'inverseTime', rate: 1, interval: 2 }), [0.1, 0.1, 0.1 / 2, 0.1 / 2]);
    assert.deepEqual(rates({ type: 'exponential', rate: 0.5 }), [0.1, 0.05, 0.025, 0.0125]);
  });

  it('records what was done for toSpec()', () => {
    const { X, Y } = binaryData(20, 14);
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1 });
    model.fit(X, Y, { epochs: 2, batchSize: 10, optimizer: 'adam', learningRate: 0.01, l2: 0.1 });
    const spec = model.toSpec();
    assert.deepEqual(spec.training?.optimizer, { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    assert.equal(spec.training?.iterations, 4);
    assert.equal(spec.training?.l2, 0.1);
    assert.equal(typeof spec.metrics?.cost, 'number');
    assert.equal(typeof spec.metrics?.accuracy, 'number');
  });
});

describe('Model.trainer: one update per step', () => {
  /** Options of every kind: the last batch smaller, decay, L2, dropout, an optimizer with state. */
  const cases: [string, LayerSpec[], TrainerOptions][] = [
    ['Adam, mini-batches, L2, dropout, decay', binaryLayers, { batchSize: 8, optimizer: 'adam', learningRate: 0.01, l2: 0.1, keepProb: [0.8, 0.9], decay: { type: 'inverseTime', rate: 0.5 }, seed: 5 }],
    ['momentum, softmax, no shuffling', classLayers, { batchSize: 10, shuffle: false, optimizer: 'momentum', learningRate: 0.05, decay: { type: 'exponential', rate: 0.9 } }],
    ["the course's gradient descent on the whole set", binaryLayers, { learningRate: 0.1 }],
  ];

  for (const [name, layers, options] of cases) {
    it(`n steps are fit with iterations: n, bit for bit, events and parameters (${name})`, () => {
      const { X, Y } = layers === classLayers ? classData(37, 31) : binaryData(37, 31);
      const n = 17; // three epochs of 5 batches and part of a fourth (one epoch per step without batchSize)
      const fitted = new Model({ inputSize: 4, layers, seed: 7 });
      const fitEvents: IterationEvent[] = [];
      const history = fitted.fit(X, Y, { ...options, iterations: n, onIteration: (e) => { fitEvents.push(e); } });
      const stepped = new Model({ inputSize: 4, layers, seed: 7 });
      const trainer = stepped.trainer(X, Y, options);
      const events: IterationEvent[] = [];
      for (let i = 0; i < n; i++) events.push(trainer.step());
      assert.deepEqual(events, fitEvents);
      assert.deepEqual(stepped.parameters.data, fitted.parameters.data);
      assert.equal(trainer.iteration, history.iterations);
      assert.equal(trainer.epoch, Math.floor(n / trainer.batchesPerEpoch));
    });
  }

  it('resumes where it stopped: run(4), step(), run(2), run(10) = fit over 17 iterations, Adam moments and epoch order kept', () => {
    const { X, Y } = binaryData(37, 32);
    const options: TrainerOptions = { batchSize: 8, optimizer: 'adam', learningRate: 0.01, keepProb: 0.8, seed: 9 };
    const fitted = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    const history = fitted.fit(X, Y, { ...options, iterations: 17 });
    const stepped = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    const trainer = stepped.trainer(X, Y, options);
    assert.equal(trainer.run(0), undefined);
    assert.equal(trainer.run(4)!.iteration, 3);
    const fifth = trainer.step();
    assert.deepEqual([fifth.epoch, fifth.batch, fifth.batchSize], [0, 4, 5], 'the last, smaller batch of epoch 0');
    trainer.run(2);
    const last = trainer.run(10)!; // from the middle of epoch 1
    assert.deepEqual([last.iteration, last.epoch, last.batch], [16, 3, 1]);
    assert.equal(last.cost, history.costs[16]);
    assert.equal(trainer.optimizer.t, 17, "Adam's t counts every update");
    assert.deepEqual(stepped.parameters.data, fitted.parameters.data);
  });

  it('a trainer trains on X and Y as they were when it was made (its copies), but reads a kernel matrix X it trains on in place', () => {
    const { X, Y } = binaryData(24, 41);
    const steps = (changeAfterMaking: boolean, options: TrainerOptions, input = X) => {
      const x = input.clone(), y = Y.clone();
      const trainer = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 }).trainer(x, y, options);
      if (changeAfterMaking) {
        x.data.fill(0);
        y.data.fill(1);
      }
      const costs = [trainer.run(1)!.cost, trainer.run(2)!.cost];
      trainer.release();
      return costs;
    };
    for (const options of [{ learningRate: 0.1 }, { learningRate: 0.1, batchSize: 5 }] as TrainerOptions[]) {
      assert.deepEqual(steps(true, options), steps(false, options), JSON.stringify(options));
    }
    // The whole set, in order, from a matrix of the model's kernels in its dtype: read at every step.
    const Xk = kernelsFor('float64').matrix(X.rows, X.cols);
    Xk.data.set(X.data);
    const trainer = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 }).trainer(Xk, Y, { learningRate: 0.1 });
    const first = trainer.step().cost;
    Xk.data.fill(0);
    const second = trainer.step().cost;
    trainer.release();
    const unchanged = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 }).trainer(X, Y, { learningRate: 0.1 });
    assert.equal(first, unchanged.step().cost);
    assert.notEqual(second, unchanged.step().cost, 'the second step saw X = 0');
    unchanged.release();
    kernelsFor('float64').release(Xk);
  });

  it('fit twice is two runs (moments, decay and epoch seeds start again); one trainer stepped through both halves is one run', () => {
    const { X, Y } = binaryData(37, 39);
    const options: TrainerOptions = { batchSize: 8, optimizer: 'adam', learningRate: 0.01, decay: { type: 'exponential', rate: 0.5 }, keepProb: 0.8, seed: 4 };
    const twice = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    const first = twice.fit(X, Y, { ...options, epochs: 2 });
    const second = twice.fit(X, Y, { ...options, epochs: 2 });
    assert.deepEqual(Array.from(second.epochs.learningRate), [0.01, 0.005], 'the decay starts from epoch 0 again');
    assert.equal(twice.toSpec().training?.iterations, 10, 'the last run only');
    // The same as two fresh trainers, one after the other...
    const parts = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    for (const history of [first, second]) {
      const trainer = parts.trainer(X, Y, options);
      const costs = Array.from({ length: 10 }, () => trainer.step().cost);
      assert.deepEqual(costs, Array.from(history.costs));
      trainer.release();
    }
    assert.deepEqual(parts.parameters.data, twice.parameters.data);
    // ...and not one run of 4 epochs, which one trainer makes.
    const once = new Model({ inputSize: 4, layers: binaryLayers, seed: 3 });
    const trainer = once.trainer(X, Y, options);
    trainer.run(10);
    const costs = Array.from({ length: 10 }, () => trainer.step().cost);
    assert.notDeepEqual(costs, Array.from(second.costs));
    assert.deepEqual(costs, Array.from(new Model({ inputSize: 4, layers: binaryLayers, seed: 3 }).fit(X, Y, { ...options, epochs: 4 }).costs.subarray(10)));
  });

  it('counts iterations and epochs, says when an epoch ended, and keeps its metrics as fit reports them', () => {
    const { X, Y } = binaryData(37, 33);
    const options: TrainerOptions = { batchSize: 8, optimizer: 'rmsprop', learningRate: 0.01, seed: 2 };
    const history = new Model({ inputSize: 4, layers: binaryLayers, seed: 4 }).fit(X, Y, { ...options, epochs: 3 });
    const trainer = new Model({ inputSize: 4, layers: binaryLayers, seed: 4 }).trainer(X, Y, options);
    assert.deepEqual([trainer.iteration, trainer.epoch, trainer.epochEnded, trainer.batchesPerEpoch, trainer.examples], [0, 0, false, 5, 37]);
    assert.ok(Number.isNaN(trainer.epochCost), 'no cost before the first step');
    const ended: boolean[] = [];
    for (let i = 0; i < 15; i++) {
      trainer.step();
      ended.push(trainer.epochEnded);
      if (trainer.epochEnded) {
        const e = trainer.epoch - 1;
        assert.equal(trainer.epochCost, history.epochs.cost[e], `epoch ${e} cost`);
        assert.equal(trainer.epochAccuracy, history.epochs.accuracy[e], `epoch ${e} accuracy`);
      }
    }
    assert.deepEqual(ended, [false, false, false, false, true, false, false, false, false, true, false, false, false, false, true]);
    assert.deepEqual([trainer.iteration, trainer.epoch], [15, 3]);
    assert.equal(trainer.step().epoch, 3, 'the next step starts epoch 3');
    assert.equal(trainer.epochEnded, false);
  });

  it('a linear output has no accuracy', () => {
    const { X } = binaryData(12, 34);
    const Y = Matrix.from([1, 12], Array.from({ length: 12 }, (_, j) => X.get(0, j) - X.get(1, j)));
    const trainer = new Model({ inputSize: 4, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'linear' }], seed: 1 }).trainer(X, Y, { learningRate: 0.1 });
    assert.equal(trainer.step().accuracy, undefined);
    assert.equal(trainer.epochAccuracy, undefined);
  });
});

describe('predict, classify, evaluate', () => {
  const { X, Y } = classData(40, 15);
  const model = new Model({ inputSize: 4, layers: classLayers, seed: 16 });
  model.fit(X, Y, { epochs: 5, batchSize: 10, optimizer: 'adam', learningRate: 0.02 });

  it('predict: (C, m) probabilities, each column sums to 1', () => {
    const A = model.predict(X);
    assert.deepEqual(A.shape, [3, 40]);
    for (let j = 0; j < 40; j++) assertNumber(A.get(0, j) + A.get(1, j) + A.get(2, j), 1, `column ${j}`, { abs: 1e-15, rel: 0 });
  });

  it('classify: the most probable class; evaluate: accuracy and confusion agree with it', () => {
    const labels = model.classify(X);
    const A = model.predict(X);
    assert.deepEqual(labels.shape, [1, 40]);
    for (let j = 0; j < 40; j++) {
      const col = [A.get(0, j), A.get(1, j), A.get(2, j)];
      assert.equal(labels.data[j], col.indexOf(Math.max(...col)));
    }
    const result = model.evaluate(X, Y);
    const right = labels.data.filter((c, j) => c === Y.data[j]).length;
    assert.equal(result.accuracy, right / 40);
    assert.equal(result.m, 40);
    const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let j = 0; j < 40; j++) confusion[Y.data[j]][labels.data[j]]++;
    assert.deepEqual(result.confusion, confusion);
    assertNumber(result.cost, model.cost(X, Y), 'evaluate().cost is the cost without L2', MODEL_TOLERANCE.float64);
  });

  it('a one-unit sigmoid classifies at 0.5 and has a 2×2 confusion matrix; linear has no accuracy', () => {
    const b = binaryData(30, 17);
    const bin = new Model({ inputSize: 4, layers: binaryLayers, seed: 18 });
    const p = bin.predict(b.X);
    assert.deepEqual(Array.from(bin.classify(b.X).data), Array.from(p.data, (a) => (a > 0.5 ? 1 : 0)));
    const e = bin.evaluate(b.X, b.Y);
    assert.equal(e.confusion!.length, 2);
    assert.equal(e.confusion!.flat().reduce((s, n) => s + n, 0), 30);
    const reg = new Model({ inputSize: 4, layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'linear' }], seed: 1 });
    const r = reg.evaluate(b.X, new RandomState(1).randn(2, 30));
    assert.equal(r.accuracy, undefined);
    assert.equal(r.confusion, undefined);
    assert.ok(r.cost > 0);
  });
});

describe('toSpec / fromSpec', () => {
  it('a JSON round trip with the parameter array rebuilds the same model', () => {
    const { X, Y } = binaryData(30, 19);
    const model = new Model({ inputSize: 4, layers: [{ units: 5, activation: 'leakyRelu', slope: 0.2 }, { units: 1, activation: 'sigmoid' }], init: 'xavier', seed: 7 });
    model.fit(X, Y, { epochs: 3, learningRate: 0.1 });
    const spec: ModelSpec = JSON.parse(JSON.stringify(model.toSpec()));
    assert.deepEqual(spec.layers, [{ units: 5, activation: 'leakyRelu', slope: 0.2 }, { units: 1, activation: 'sigmoid' }]);
    assert.equal(spec.parameterCount, 5 * 4 + 5 + 5 + 1);
    assert.deepEqual(spec.parameterShapes, [[5, 4], [5, 1], [1, 5], [1, 1]]);
    assert.equal(spec.dtype, 'float64');
    const copy = Model.fromSpec(spec, Array.from(model.parameters.data));
    assert.deepEqual(copy.parameters.data, model.parameters.data);
    assert.deepEqual(copy.predict(X).data, model.predict(X).data);
    assert.deepEqual(copy.toSpec(), spec);
  });

  it('without values: initialized as the spec says', () => {
    const model = new Model({ inputSize: 3, layers: [{ units: 2, activation: 'softmax' }], init: 'lecun', seed: 5 });
    assert.deepEqual(Model.fromSpec(model.toSpec()).parameters.data, model.parameters.data);
  });
});

describe('float32', () => {
  it('trains in float32 storage close to the float64 run', () => {
    const { X, Y } = binaryData(64, 20);
    const options = { epochs: 5, batchSize: 16, optimizer: 'adam' as const, learningRate: 0.01 };
    const m64 = new Model({ inputSize: 4, layers: binaryLayers, seed: 21 });
    const m32 = new Model({ inputSize: 4, layers: binaryLayers, seed: 21, dtype: 'float32' });
    assert.ok(m32.parameters.data instanceof Float32Array);
    assert.equal(m32.kernels, kernelsFor('float32'));
    const h64 = m64.fit(X, Y, options);
    const h32 = m32.fit(X, Y, options);
    let worst = 0;
    h64.costs.forEach((c, i) => {
      assert.ok(close(h32.costs[i], c, MODEL_TOLERANCE.float32), `iteration ${i}: float32 ${h32.costs[i]} vs float64 ${c}`);
      worst = Math.max(worst, Math.abs(h32.costs[i] - c) / c);
    });
    assert.ok(worst > 0, 'float32 really computed in float32');
    const p32 = m32.predict(X);
    assert.ok(p32.data instanceof Float32Array);
    assert.equal(m32.toSpec().dtype, 'float32');
  });
});

describe('the same numbers as the tutorial functions', () => {
  it('init "lecun", seed 1, gradient descent = lLayerModel, every cost and parameter', () => {
    const { X, Y } = binaryData(25, 22);
    const dims = [4, 5, 3, 1];
    const tutorial: number[] = [];
    const { parameters } = lLayerModel(X, Y, dims, { learningRate: 0.05, numIterations: 60, onIteration: (_i, c) => tutorial.push(c) });
    const model = new Model({ inputSize: 4, layers: [{ units: 5, activation: 'relu' }, { units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], init: 'lecun', seed: 1 });
    const history = model.fit(X, Y, { iterations: 60, learningRate: 0.05 });
    tutorial.forEach((c, i) => assertNumber(history.costs[i], c, `cost ${i}`, MODEL_TOLERANCE.float64));
    const dict = model.parameterDict();
    for (const [k, M] of Object.entries(parameters)) {
      M.data.forEach((v, i) => assertNumber(dict[k].data[i], v, `${k}[${i}]`, MODEL_TOLERANCE.float64));
    }
  });
});

/** Kernels that count the matrices they allocate and record every product's output shape. */
function countingKernels() {
  const counts = { matrices: 0, products: [] as [number, number][] };
  const kernels: Kernels<Float64Array> = {
    ...refKernels,
    name: 'counting',
    matrix(rows, cols) {
      counts.matrices++;
      return refKernels.matrix(rows, cols);
    },
    gemm(transA, transB, alpha, A, B, C, epilogue) {
      counts.products.push([C.rows, C.cols]);
      refKernels.gemm(transA, transB, alpha, A, B, C, epilogue);
    },
  };
  return { kernels, counts };
}

describe('no work that is not needed', () => {
  it('fit allocates every kernel matrix before the first iteration, none after', () => {
    const { X, Y } = classData(45, 23);
    const v = classData(20, 24);
    const { kernels, counts } = countingKernels();
    const model = new Model({ inputSize: 4, layers: [{ units: 6, activation: 'relu' }, { units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], seed: 1, kernels });
    const atStart: number[] = [];
    const history = model.fit(X, Y, {
      epochs: 6, batchSize: 10, optimizer: 'adam', learningRate: 0.01, l2: 0.1, keepProb: [0.8, 0.9], validation: v,
      earlyStopping: { patience: 100 },
      onIteration: () => { atStart.push(counts.matrices); },
    });
    assert.equal(history.iterations, 30);
    assert.ok(atStart[0] > 10, `workspaces are made by the kernels (${atStart[0]} matrices)`);
    assert.deepEqual(new Set(atStart), new Set([atStart[0]]), 'no matrix allocated between iterations');
    assert.equal(counts.matrices, atStart[0], 'none after the last iteration either');
  });

  it('a trainer allocates every kernel matrix when it is made, none per step', () => {
    const { X, Y } = classData(45, 23);
    const { kernels, counts } = countingKernels();
    const model = new Model({ inputSize: 4, layers: [{ units: 6, activation: 'relu' }, { units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], seed: 1, kernels });
    const before = counts.matrices;
    const trainer = model.trainer(X, Y, { batchSize: 10, optimizer: 'adam', learningRate: 0.01, l2: 0.1, keepProb: [0.8, 0.9], decay: { type: 'exponential', rate: 0.9 } });
    const made = counts.matrices;
    assert.ok(made - before > 10, `workspaces are made by the kernels (${made - before} matrices)`);
    for (let i = 0; i < 23; i++) {
      trainer.step(); // four epochs of 4 full batches and a last of 5, and three steps of a fifth
      assert.equal(counts.matrices, made, `no matrix allocated by step ${i}`);
    }
    trainer.run(7);
    assert.equal(counts.matrices, made);
    assert.equal(trainer.epoch, 6);
  });

  it('the backward pass never forms dA[0] (no product with n[0] rows)', () => {
    const { X, Y } = binaryData(16, 25);
    const { kernels, counts } = countingKernels();
    const model = new Model({ inputSize: 4, layers: binaryLayers, seed: 1, kernels });
    model.fit(X, Y, { epochs: 2, batchSize: 8, learningRate: 0.1 });
    assert.ok(counts.products.length > 0);
    assert.deepEqual(counts.products.filter(([rows]) => rows === 4), [], 'no product with n[0] = 4 rows (layers have 6, 3, 1 units)');
    // Per iteration: 3 forward products, 3 dW products, 2 dA products.
    assert.equal(counts.products.length, 4 * (3 + 3 + 2));
  });
});

describe('kernel memory: every call gives back what it made', () => {
  // An instance of its own, so that bytesInUse counts this model's matrices only.
  // A loop of calls never lets the garbage collector run (and WebAssembly memory
  // does not ask it to), so memory a call keeps is memory the loop loses.
  const wasm64 = createWasmKernels('float64', { threads: 1 });
  const wasm32 = createWasmKernels('float32', { threads: 1 });

  for (const kernels of [wasm64, wasm32] as WasmKernels<any>[]) {
    it(`predict, classify, evaluate and cost, 40 times each, keep no more than the first calls (${kernels.dtype})`, () => {
      const { X, Y } = classData(60, 31);
      const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, dtype: kernels.dtype, kernels });
      const calls = () => {
        model.predict(X);
        model.classify(X);
        model.evaluate(X, Y);
        model.cost(X, Y, { l2: 0.1 });
      };
      calls();
      const inUse = kernels.runtime.bytesInUse();
      for (let i = 0; i < 40; i++) calls();
      assert.equal(kernels.runtime.bytesInUse(), inUse);
      // Another number of examples replaces the inference workspace, and gives the old one back.
      const few = classData(7, 32);
      model.evaluate(few.X, few.Y);
      calls();
      assert.equal(kernels.runtime.bytesInUse(), inUse);
    });

    it(`fit, 20 times, with batches, validation and early stopping, keeps nothing (${kernels.dtype})`, () => {
      const { X, Y } = classData(45, 33);
      const v = classData(20, 34);
      const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, dtype: kernels.dtype, kernels });
      const options: FitOptions = { epochs: 2, batchSize: 10, optimizer: 'adam', learningRate: 0.01, l2: 0.1, keepProb: 0.8, validation: v, earlyStopping: { patience: 5 } };
      const inUse = kernels.runtime.bytesInUse();
      for (let i = 0; i < 20; i++) {
        model.fit(X, Y, options);
        model.fit(X, Y, { epochs: 2, learningRate: 0.01 }); // the whole set, X copied into kernel memory
      }
      assert.equal(kernels.runtime.bytesInUse(), inUse);
    });
  }

  it('softmax labels rejected (a class index out of range, a column without its 1) keep nothing, in every call that takes Y', () => {
    const { X, Y } = classData(30, 38);
    const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, kernels: wasm64 });
    model.evaluate(X, Y);
    const inUse = wasm64.runtime.bytesInUse();
    const index = Y.clone();
    index.data[29] = 3;
    const oneHot = Matrix.zeros(3, 30);
    for (let j = 0; j < 29; j++) oneHot.set(Y.data[j], j, 1);
    const calls = [
      (y: Matrix) => model.evaluate(X, y),
      (y: Matrix) => model.cost(X, y),
      (y: Matrix) => model.gradients(X, y),
      (y: Matrix) => model.trainer(X, y, { learningRate: 0.1 }),
      (y: Matrix) => model.fit(X, y, { epochs: 1, learningRate: 0.1 }),
      (y: Matrix) => model.fit(X, Y, { epochs: 1, learningRate: 0.1, validation: { X, Y: y } }),
      // X in float32 is copied into the float64 kernels' memory before Y is read.
      (y: Matrix) => gradientCheckModel(model, new Matrix(X.rows, X.cols, Float32Array.from(X.data)), y),
    ];
    for (const bad of [index, oneHot]) {
      for (const call of calls) {
        for (let i = 0; i < 3; i++) assert.throws(() => call(bad), /column 29/);
        assert.equal(wasm64.runtime.bytesInUse(), inUse, call.toString());
      }
    }
  });

  it('gradients and gradientCheckModel keep only what gradients returns', () => {
    const { X, Y } = classData(30, 35);
    const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, kernels: wasm64 });
    const inUse = wasm64.runtime.bytesInUse();
    for (let i = 0; i < 10; i++) {
      const { gradients, cache } = model.gradients(X, Y, { l2: 0.1, keepProb: 0.5, rng: new RandomState(i) });
      wasm64.release(gradients.storage);
      for (const M of Object.values(cache)) wasm64.release(M);
      gradientCheckModel(model, X, Y, { l2: 0.1 });
    }
    assert.equal(wasm64.runtime.bytesInUse(), inUse);
  });

  it('model.release() gives back the parameters and the inference workspace: 30 models made, fitted and released keep nothing', () => {
    const { X, Y } = classData(40, 37);
    const inUse = wasm64.runtime.bytesInUse();
    let last: Model | undefined;
    for (let i = 0; i < 30; i++) {
      last = new Model({ inputSize: 4, layers: classLayers, seed: i, kernels: wasm64 });
      last.fit(X, Y, { epochs: 2, batchSize: 16, optimizer: 'adam', learningRate: 0.01 });
      last.evaluate(X, Y);
      last.release();
    }
    assert.equal(wasm64.runtime.bytesInUse(), inUse);
    const released = last!;
    last!.release(); // twice is harmless
    for (const use of [() => released.predict(X), () => released.fit(X, Y, { epochs: 1, learningRate: 0.1 }), () => released.trainer(X, Y, { learningRate: 0.1 })]) {
      assert.throws(use, (e: unknown) => e instanceof OptionError && /this model was released/.test(e.message));
    }
    // A trainer of a model released under it stops too.
    const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, kernels: wasm64 });
    const trainer = model.trainer(X, Y, { learningRate: 0.1 });
    model.release();
    assert.throws(() => trainer.step(), (e: unknown) => e instanceof OptionError && /the model was released/.test(e.message));
    trainer.release();
    assert.equal(wasm64.runtime.bytesInUse(), inUse);
  });

  it('trainer.release() gives back every buffer; a released trainer makes no more steps', () => {
    const { X, Y } = classData(45, 36);
    const model = new Model({ inputSize: 4, layers: classLayers, seed: 1, kernels: wasm64 });
    const inUse = wasm64.runtime.bytesInUse();
    for (const options of [{ batchSize: 10, optimizer: 'adam' }, { optimizer: 'rmsprop' }, { optimizer: 'momentum', keepProb: 0.5 }] as const) {
      const trainer = model.trainer(X, Y, { ...options, learningRate: 0.01 });
      trainer.run(7);
      trainer.release();
      assert.equal(wasm64.runtime.bytesInUse(), inUse, JSON.stringify(options));
      assert.throws(() => trainer.step(), (e: unknown) => e instanceof OptionError && /released/.test(e.message));
      trainer.release(); // twice is harmless
    }
    // X already in the kernels' memory is the caller's: the trainer uses it in place and leaves it alone.
    const Xk = wasm64.matrix(X.rows, X.cols);
    Xk.data.set(X.data);
    const withX = wasm64.runtime.bytesInUse();
    const trainer = model.trainer(Xk, Y, { learningRate: 0.01 });
    trainer.step();
    trainer.release();
    assert.deepEqual(Array.from(Xk.data), Array.from(X.data));
    assert.equal(wasm64.runtime.bytesInUse(), withX);
    wasm64.release(Xk);
    assert.equal(wasm64.runtime.bytesInUse(), inUse);
  });
});
