/**
 * The playground's logic, without a browser: the dimension table, the data
 * it trains on, the grid its pictures are computed on, and the trainer
 * adapter (the only module that calls dnn's training code).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appInitializeParametersDeep,
  kernelsFor,
  linearActivationBackward,
  linearActivationForward,
  loadPlanarDataset,
  Matrix,
  Model,
  updateParameters,
  type Grads,
  type LayerCache,
  type WasmKernels,
} from '../src/index.ts';
import { crossEntropyDA } from '../src/steps/model.ts';
import { assertMatrix, TOLERANCE } from './helpers.ts';
import { DATASETS, defaultConfig, layerDims, trainExamples, type HiddenLayer, type TrainConfig } from '../web/src/config.ts';
import { extentOf, gridPoints, makeData } from '../web/src/data.ts';
import { dimensionRows, shape } from '../web/src/dims.ts';
import { createTrainer } from '../web/src/trainer.ts';
import { edgeStyle, maxAbsOf } from '../web/src/views/network.ts';

describe('dimension table', () => {
  it("writes the tutorial's shapes for every layer: W (n[l], n[l-1]), b (n[l], 1), Z and A (n[l], m)", () => {
    const rows = dimensionRows(layerDims([{ units: 5, activation: 'relu' }, { units: 3, activation: 'tanh' }]), 280);
    assert.deepEqual(rows.map((r) => [r.layer, shape(r.W), shape(r.b), shape(r.Z), shape(r.A), shape(r.dW), shape(r.db)]), [
      [1, '(5, 2)', '(5, 1)', '(5, 280)', '(5, 280)', '(5, 2)', '(5, 1)'],
      [2, '(3, 5)', '(3, 1)', '(3, 280)', '(3, 280)', '(3, 5)', '(3, 1)'],
      [3, '(1, 3)', '(1, 1)', '(1, 280)', '(1, 280)', '(1, 3)', '(1, 1)'],
    ]);
  });

  it('matches the shapes the trainer actually builds', () => {
    const hidden: HiddenLayer[] = [{ units: 6, activation: 'relu' }, { units: 2, activation: 'sigmoid' }];
    const { trainX, trainY } = makeData(defaultConfig().data, 1);
    const trainer = createTrainer(trainX, trainY, hidden, defaultConfig().train);
    const rows = dimensionRows(trainer.layerDims, trainX.cols);
    const W = trainer.weights();
    const A = trainer.activations(trainX);
    assert.equal(rows.length, W.length);
    rows.forEach((r, i) => {
      assert.deepEqual(W[i].shape, r.W, `W[${r.layer}]`);
      assert.deepEqual(A[i].shape, r.A, `A[${r.layer}]`);
    });
  });
});

describe('playground data', () => {
  it("uses the course's flower for the default dataset and splits it by the seed", () => {
    const config = defaultConfig();
    const data = makeData(config.data, config.train.seed);
    assert.equal(data.trainX.cols, 280);
    assert.equal(data.testX.cols, 120);
    // Every training point is one of the course's points, with its label.
    const { X, Y } = loadPlanarDataset();
    const key = (x1: number, x2: number) => `${x1},${x2}`;
    const labels = new Map<string, number>();
    for (let j = 0; j < 400; j++) labels.set(key(X.get(0, j), X.get(1, j)), Y.get(0, j));
    for (let j = 0; j < 280; j++) assert.equal(labels.get(key(data.trainX.get(0, j), data.trainX.get(1, j))), data.trainY.get(0, j));
    assert.notDeepEqual(makeData(config.data, 2).testY.data, data.testY.data, 'another seed, another split');
  });

  it("knows m before the data is made: the dimension table's m is the split's training set", () => {
    // The page writes the table as soon as a setting changes, before the worker has made the new split.
    for (const dataset of DATASETS) {
      for (const testFraction of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.125, 0.333]) {
        const data = { dataset, noise: 0.1, testFraction };
        assert.equal(trainExamples(data), makeData(data, 1).trainX.cols, `${dataset}, test share ${testFraction}`);
      }
    }
  });

  it('pictures a square around the data padded by 1, the grid from top-left', () => {
    const e = extentOf(new Float64Array([0, 4, 1, 3])); // x1 in [0, 4], x2 in [1, 3]
    assert.deepEqual(e, { x1: [-1, 5], x2: [-1, 5] }); // half side = 4/2 + 1 around the centre (2, 2)
    const g = gridPoints({ x1: [0, 2], x2: [0, 2] }, 2);
    assert.deepEqual(Array.from(g), [0.5, 1.5, 0.5, 1.5, 1.5, 1.5, 0.5, 0.5]);
  });
});

describe('trainer adapter', () => {
  const { trainX, trainY, testX, testY } = makeData(defaultConfig().data, 1);
  const train: TrainConfig = { ...defaultConfig().train };

  it('trains the course network on the flower: the cost falls and the accuracy rises', () => {
    const trainer = createTrainer(trainX, trainY, defaultConfig().hidden, train);
    const start = trainer.evaluate(trainX, trainY);
    assert.ok(Math.abs(start.cost - Math.LN2) < 0.2, `initial cost ${start.cost} should be near ln 2`);
    trainer.train(300);
    assert.equal(trainer.iteration, 300);
    const end = trainer.evaluate(trainX, trainY);
    const test = trainer.evaluate(testX, testY);
    assert.ok(end.cost < 0.5 * start.cost, `cost ${start.cost} -> ${end.cost}`);
    assert.ok(end.accuracy > 0.85 && test.accuracy > 0.8, `train accuracy ${end.accuracy}, test ${test.accuracy}`);
  });

  it('snapshots keep no kernel memory, and release() gives back all of it', () => {
    // The worker takes a snapshot (evaluate and activations on the picture grids)
    // after every chunk of training; kernel memory it kept would pile up until the
    // garbage collector happened to find it.
    const runtime = (kernelsFor('float64') as WasmKernels<Float64Array>).runtime;
    const before = runtime.bytesInUse();
    const trainer = createTrainer(trainX, trainY, defaultConfig().hidden, { ...train, batchSize: 32 });
    const grid = new Matrix(2, 400, gridPoints(extentOf(trainX.data), 20));
    const snapshot = () => {
      trainer.evaluate(trainX, trainY);
      const A = trainer.activations(grid);
      assert.equal(A[A.length - 1].cols, 400);
    };
    trainer.train(5);
    snapshot();
    const made = runtime.bytesInUse();
    for (let i = 0; i < 20; i++) {
      trainer.train(5);
      snapshot();
    }
    assert.equal(runtime.bytesInUse(), made);
    trainer.release();
    assert.equal(runtime.bytesInUse(), before);
  });

  it('is deterministic for a seed and changes with it', () => {
    const run = (seed: number) => {
      const t = createTrainer(trainX, trainY, [{ units: 3, activation: 'relu' }, { units: 3, activation: 'leakyRelu' }], { ...train, seed, batchSize: 32, learningRate: 0.1 });
      t.train(25);
      return t.evaluate(trainX, trainY).cost;
    };
    assert.equal(run(3), run(3));
    assert.notEqual(run(3), run(4));
  });

  it('gives every layer its activation: A[l] of a sigmoid layer lies in (0, 1), of a relu layer is ≥ 0', () => {
    const t = createTrainer(trainX, trainY, [{ units: 4, activation: 'relu' }, { units: 4, activation: 'sigmoid' }, { units: 4, activation: 'tanh' }], train);
    const [A1, A2, A3, A4] = t.activations(trainX);
    assert.ok(A1.data.every((v) => v >= 0));
    assert.ok(A1.data.some((v) => v === 0), 'relu clips some values to 0');
    assert.ok(A2.data.every((v) => v > 0 && v < 1));
    assert.ok(A3.data.some((v) => v < 0), 'tanh has negative values');
    assert.deepEqual(A4.shape, [1, trainX.cols]);
  });

  it("runs the course's gradient descent: the same weights as the step functions", () => {
    // lecun init with seed s = appInitializeParametersDeep(dims, { seed: s }); then forward, backward, update.
    const hidden: HiddenLayer[] = [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'relu' }];
    const trainer = createTrainer(trainX, trainY, hidden, { ...train, learningRate: 0.5 });
    trainer.train(20);
    const dims = layerDims(hidden);
    const L = dims.length - 1;
    const parameters = appInitializeParametersDeep(dims, { seed: train.seed });
    const act = (l: number) => (l === L ? 'sigmoid' : hidden[l - 1].activation);
    for (let i = 0; i < 20; i++) {
      const caches: LayerCache[] = [];
      let A = trainX;
      for (let l = 1; l <= L; l++) {
        const [next, cache] = linearActivationForward(A, parameters['W' + l], parameters['b' + l], act(l));
        caches.push(cache);
        A = next;
      }
      const grads: Grads = {};
      let dA = crossEntropyDA(A, trainY);
      for (let l = L; l >= 1; l--) {
        [dA, grads['dW' + l], grads['db' + l]] = linearActivationBackward(dA, caches[l - 1], act(l));
      }
      updateParameters(parameters, grads, 0.5);
    }
    trainer.weights().forEach((W, i) => assertMatrix(W, parameters['W' + (i + 1)], `W${i + 1} after 20 updates`, TOLERANCE.float64));
  });

  it('keeps the optimizer between calls: Adam over 10 + 15 updates equals 25 at once', () => {
    const config: TrainConfig = { ...train, optimizer: 'adam', learningRate: 0.01, batchSize: 64 };
    const a = createTrainer(trainX, trainY, defaultConfig().hidden, config);
    const b = createTrainer(trainX, trainY, defaultConfig().hidden, config);
    a.train(10);
    a.train(15);
    b.train(25);
    assert.equal(a.iteration, 25);
    a.weights().forEach((W, i) => assert.deepEqual(W.data, b.weights()[i].data));
    const plain = createTrainer(trainX, trainY, defaultConfig().hidden, { ...config, optimizer: 'gd' });
    plain.train(25);
    assert.notDeepEqual(plain.weights()[0].data, a.weights()[0].data, 'Adam moves the weights differently from gradient descent');
  });

  it("makes fit's updates: 12 + 23 updates with mini-batches, Adam and L2 are model.fit over 35 iterations, bit for bit", () => {
    const hidden: HiddenLayer[] = [{ units: 5, activation: 'relu' }, { units: 3, activation: 'tanh' }];
    const config: TrainConfig = { ...train, optimizer: 'adam', learningRate: 0.02, batchSize: 64, l2: 0.05, seed: 6 };
    const trainer = createTrainer(trainX, trainY, hidden, config);
    trainer.train(12);
    trainer.train(23); // 280 examples in batches of 64: the second call starts in the middle of epoch 2
    const model = new Model({ inputSize: 2, layers: [...hidden, { units: 1, activation: 'sigmoid' }], init: 'lecun', seed: config.seed });
    model.fit(trainX, trainY, { iterations: 35, batchSize: 64, optimizer: 'adam', learningRate: 0.02, l2: 0.05, seed: config.seed });
    assert.equal(trainer.iteration, 35);
    trainer.weights().forEach((W, i) => assert.deepEqual(W.data, model.W(i + 1).data, `W${i + 1}`));
  });

  it('stops by itself when the cost diverges, and says so', () => {
    const trainer = createTrainer(trainX, trainY, [{ units: 4, activation: 'linear' }, { units: 4, activation: 'linear' }], { ...train, learningRate: 10 });
    assert.equal(trainer.diverged, false);
    trainer.train(100);
    assert.equal(trainer.diverged, true);
    const stoppedAt = trainer.iteration;
    assert.ok(stoppedAt > 0 && stoppedAt < 100, `stopped after ${stoppedAt} updates`);
    trainer.train(5);
    assert.equal(trainer.iteration, stoppedAt, 'no update after divergence');
    // The snapshot after it still renders: the cost is reported as not finite, not thrown.
    assert.ok(!Number.isFinite(trainer.evaluate(trainX, trainY).cost));
    assert.equal(trainer.activations(trainX).length, 3);
  });

  it('L2 regularization keeps the weights smaller', () => {
    const norm = (t: ReturnType<typeof createTrainer>) => t.weights().reduce((s, W) => s + W.data.reduce((a, w) => a + w * w, 0), 0);
    const free = createTrainer(trainX, trainY, [{ units: 8, activation: 'tanh' }], train);
    const held = createTrainer(trainX, trainY, [{ units: 8, activation: 'tanh' }], { ...train, l2: 1 });
    free.train(200);
    held.train(200);
    assert.ok(norm(held) < 0.8 * norm(free), `Σ W² with λ = 1: ${norm(held)}, without: ${norm(free)}`);
  });

  it('has no cost for an empty set', () => {
    assert.ok(Number.isNaN(createTrainer(trainX, trainY, defaultConfig().hidden, train).evaluate(Matrix.zeros(2, 0), Matrix.zeros(1, 0)).cost));
  });
});

describe('network picture', () => {
  it("draws a diverged network's weights: scaled by the finite ones, no NaN in a colour or width", () => {
    const weights = new Float32Array([0.5, -2, Infinity, -Infinity, NaN]);
    const maxAbs = maxAbsOf(weights);
    assert.equal(maxAbs, 2);
    for (const w of weights) {
      const { colour, width } = edgeStyle(w, maxAbs);
      assert.doesNotMatch(colour, /NaN|Infinity/, `weight ${w}: ${colour}`);
      assert.ok(width >= 0.5 && width <= 5.5, `weight ${w}: width ${width}`);
    }
    assert.deepEqual(edgeStyle(Infinity, maxAbs), edgeStyle(2, maxAbs), '+∞ at full strength, blue');
    assert.deepEqual(edgeStyle(-Infinity, maxAbs), edgeStyle(-2, maxAbs), '−∞ at full strength, orange');
    assert.equal(edgeStyle(-1, maxAbs).width, 0.5 + 5 * 0.5);
  });
});
