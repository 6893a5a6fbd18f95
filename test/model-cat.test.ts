/**
 * The course's cat application through both APIs: a Model with init "lecun",
 * seed 1, gradient descent and learning rate 0.0075 gives NumPy's cost
 * (cat_trace.json) at every one of the 2500 iterations, and the tutorial's
 * lLayerModel's over the first 100 (test/cat-trace.test.ts checks
 * lLayerModel against the same trace for all 2500), within
 * MODEL_TOLERANCE.float64; then the course's accuracies and predictions.
 *
 * DNN_MODEL_CAT_ITERATIONS (or DNN_CAT_ITERATIONS) trains fewer iterations
 * (default 2500, about 40 s with the WebAssembly kernels; several minutes
 * with DNN_KERNELS=ref); below 2500 the accuracies are not checked.
 * The same training in float32 stays within TOLERANCE.float32Cost of the
 * float64 costs until float64 training itself turns on rounding of float32's
 * size, then ends within what such runs of the course's NumPy code reach
 * (test/fixtures/cat-sensitivity; DNN_MODEL_CAT_F32_ITERATIONS, default as above).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { appInitializeParametersDeep, lLayerModel, loadCatData, Model, type CatData, type LayerSpec } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';
import { MODEL_TOLERANCE } from './model-helpers.ts';

const ITERATIONS = Number(process.env.DNN_MODEL_CAT_ITERATIONS ?? process.env.DNN_CAT_ITERATIONS ?? 2500);
const TUTORIAL_ITERATIONS = Math.min(ITERATIONS, 100);
const F32_ITERATIONS = Number(process.env.DNN_MODEL_CAT_F32_ITERATIONS ?? ITERATIONS);
/** NumPy's cat training, float64 with float32-size perturbations and float32 (make_sensitivity.py). */
const SENSITIVITY = JSON.parse(readFileSync(new URL('./fixtures/cat-sensitivity/sensitivity.json', import.meta.url), 'utf8'));
const DIMS = [12288, 20, 7, 5, 1];
const LAYERS: LayerSpec[] = [
  { units: 20, activation: 'relu' },
  { units: 7, activation: 'relu' },
  { units: 5, activation: 'relu' },
  { units: 1, activation: 'sigmoid' },
];

describe('the cat application through the Model API', () => {
  it('init "lecun", seed 1 on [12288, 20, 7, 5, 1] is exactly appInitializeParametersDeep', () => {
    const model = new Model({ inputSize: 12288, layers: LAYERS, init: 'lecun', seed: 1 });
    const course = appInitializeParametersDeep(DIMS);
    const ours = model.parameterDict();
    for (const [k, M] of Object.entries(course)) {
      assert.deepEqual(ours[k].shape, M.shape, k);
      assert.ok(ours[k].data.every((v, i) => Object.is(v, M.data[i])), `${k} is bit-identical`);
    }
  });

  describe(`${ITERATIONS} iterations on the course's data`, { skip: catDataOrSkipReason() }, () => {
    const trace = readVectors('cat_trace.json').L_layer;
    let data: CatData;
    before(async () => {
      data = await loadCatData(CAT_DIR);
    });

    it('the Model gives NumPy\'s cost at every iteration, and lLayerModel\'s', () => {
      assert.ok(Number.isInteger(ITERATIONS) && ITERATIONS >= 1 && ITERATIONS <= 2500, `DNN_MODEL_CAT_ITERATIONS must be 1..2500, got ${ITERATIONS}`);
      const tutorial: number[] = [];
      lLayerModel(data.trainX, data.trainY, DIMS, { learningRate: 0.0075, numIterations: TUTORIAL_ITERATIONS, onIteration: (_i, c) => tutorial.push(c) });
      const model = new Model({ inputSize: 12288, layers: LAYERS, init: 'lecun', seed: 1 });
      const history = model.fit(data.trainX, data.trainY, { iterations: ITERATIONS, learningRate: 0.0075, optimizer: 'gd' });
      assert.equal(history.costs.length, ITERATIONS);
      let worst = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        if (i < TUTORIAL_ITERATIONS) assertNumber(history.costs[i], tutorial[i], `iteration ${i}: Model vs lLayerModel`, MODEL_TOLERANCE.float64);
        assertNumber(history.costs[i], trace.costs_every_iteration[i], `iteration ${i}: Model vs NumPy`, MODEL_TOLERANCE.float64);
        worst = Math.max(worst, Math.abs(history.costs[i] - trace.costs_every_iteration[i]) / trace.costs_every_iteration[i]);
      }
      console.log(`# cat, ${ITERATIONS} iterations: largest relative difference Model vs NumPy ${worst.toExponential(2)} (vs lLayerModel checked over ${TUTORIAL_ITERATIONS})`);
      if (ITERATIONS === 2500) {
        const train = model.evaluate(data.trainX, data.trainY);
        const test = model.evaluate(data.testX, data.testY);
        assert.equal(train.accuracy, trace.train_n_correct / 209);
        assert.equal(test.accuracy, trace.test_n_correct / 50);
        assert.deepEqual(Array.from(model.classify(data.trainX).data), trace.train_predictions);
        assert.deepEqual(Array.from(model.classify(data.testX).data), trace.test_predictions);
      }
    });

    // Up to iteration 65 the float64 costs fall smoothly; at 66 the cost rises for the
    // first time, and from there the training turns on rounding: the course's NumPy code
    // in float64, its initial parameters changed by a relative 1e-7 (about one float32
    // rounding), takes one of a few branches (cost differences of 6e-5 by iteration 70,
    // 0.016 within 250 iterations, final costs 0.068-0.088), and so does NumPy in float32
    // (test/fixtures/cat-sensitivity). Float32 follows float64 within 1e-4 until the first
    // iteration where one of those runs departs by more than that; after it, which branch
    // it takes depends on its summation order, and the check is that it trains as those
    // runs do: the final cost and the accuracies within their span.
    it(`float32: costs within ${TOLERANCE.float32Cost.abs} of float64 until float64 turns on float32-size rounding, then trains as such runs of the course's code do`, () => {
      const model = new Model({ inputSize: 12288, layers: LAYERS, init: 'lecun', seed: 1, dtype: 'float32' });
      const history = model.fit(data.trainX, data.trainY, { iterations: F32_ITERATIONS, learningRate: 0.0075 });
      const expected: number[] = trace.costs_every_iteration;
      const until: number = SENSITIVITY.first_iteration_beyond_threshold;
      assert.equal(SENSITIVITY.threshold, TOLERANCE.float32Cost.abs);
      let worst = 0;
      for (let i = 0; i < Math.min(F32_ITERATIONS, until); i++) {
        assertNumber(history.costs[i], expected[i], `float32 iteration ${i}`, TOLERANCE.float32Cost);
        worst = Math.max(worst, Math.abs(history.costs[i] - expected[i]));
      }
      const last = F32_ITERATIONS - 1;
      console.log(`# cat float32: largest difference from float64 over the first ${Math.min(F32_ITERATIONS, until)} iterations ${worst.toExponential(2)}; cost at ${last} ${history.costs[last]} (float64 ${expected[last]}, perturbed NumPy runs ${SENSITIVITY.final_cost_range.join(' to ')})`);
      if (F32_ITERATIONS === 2500) {
        const [lo, hi]: number[] = SENSITIVITY.final_cost_range;
        assert.ok(history.costs[last] >= lo - 0.01 && history.costs[last] <= hi + 0.01, `float32 final cost ${history.costs[last]}, outside NumPy's ${lo} to ${hi} (± 0.01)`);
        const train = Math.round(model.evaluate(data.trainX, data.trainY).accuracy! * 209);
        const test = Math.round(model.evaluate(data.testX, data.testY).accuracy! * 50);
        const [trainLo, trainHi]: number[] = SENSITIVITY.train_n_correct_range, [testLo, testHi]: number[] = SENSITIVITY.test_n_correct_range;
        console.log(`# cat float32: ${train}/209 train, ${test}/50 test right (perturbed NumPy runs ${trainLo}-${trainHi}, ${testLo}-${testHi}; the course ${trace.train_n_correct}, ${trace.test_n_correct})`);
        assert.ok(train >= trainLo && train <= trainHi, `float32: ${train} of 209 train pictures right, NumPy's runs ${trainLo} to ${trainHi}`);
        assert.ok(test >= testLo && test <= testHi, `float32: ${test} of 50 test pictures right, NumPy's runs ${testLo} to ${testHi}`);
      }
    });
  });
});
