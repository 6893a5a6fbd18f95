/**
 * The course's cat application end to end: both models trained with the step
 * functions on the real data match NumPy's cost at every iteration
 * (../shared/reference/vectors/cat_trace.json) within TOLERANCE.trace.
 *
 * DNN_CAT_ITERATIONS sets how many iterations to train (default 300); at 2500
 * the trained models' accuracies and predictions are checked too.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCatData, lLayerModel, predict, twoLayerModel, type CatData, type TrainResult } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';

const ITERATIONS = Number(process.env.DNN_CAT_ITERATIONS ?? 300);
const skip = catDataOrSkipReason();

describe(`cat application, ${ITERATIONS} iterations`, { skip }, () => {
  const trace = readVectors('cat_trace.json');
  let data: CatData;
  before(async () => {
    data = await loadCatData(CAT_DIR);
  });

  for (const [name, key, train] of [
    ['L-layer [12288, 20, 7, 5, 1]', 'L_layer', (d: CatData, onIteration: (i: number, c: number) => void) => lLayerModel(d.trainX, d.trainY, [12288, 20, 7, 5, 1], { learningRate: 0.0075, numIterations: ITERATIONS, onIteration })],
    ['two-layer [12288, 7, 1]', 'two_layer', (d: CatData, onIteration: (i: number, c: number) => void) => twoLayerModel(d.trainX, d.trainY, [12288, 7, 1], { learningRate: 0.0075, numIterations: ITERATIONS, onIteration })],
  ] as const) {
    it(`${name}: every cost matches NumPy`, () => {
      const expected: number[] = trace[key].costs_every_iteration;
      assert.ok(ITERATIONS >= 1 && ITERATIONS <= expected.length, `DNN_CAT_ITERATIONS must be 1..${expected.length}`);
      let seen = 0;
      const result: TrainResult = train(data, (i, cost) => {
        assertNumber(cost, expected[i], `${name} cost at iteration ${i}`, TOLERANCE.trace);
        seen++;
      });
      assert.equal(seen, ITERATIONS);
      assert.deepEqual(result.costs.length, Math.ceil(ITERATIONS / 100), 'costs recorded every 100 iterations');
      if (ITERATIONS === expected.length) {
        const train = predict(data.trainX, data.trainY, result.parameters);
        const test = predict(data.testX, data.testY, result.parameters);
        assert.equal(train.accuracy, trace[key].train_accuracy);
        assert.equal(test.accuracy, trace[key].test_accuracy);
        assert.deepEqual(Array.from(train.p.data), trace[key].train_predictions);
        assert.deepEqual(Array.from(test.p.data), trace[key].test_predictions);
      }
    });
  }
});
