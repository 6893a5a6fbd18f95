/**
 * The course's cat application end to end with the default (fast) kernels:
 * both models trained with the step functions on the real data, every cost
 * against NumPy's (../shared/reference/vectors/cat_trace.json) within
 * TOLERANCE.trace, then the accuracies and predictions of `predict`.
 * DNN_CAT_ITERATIONS trains fewer iterations (default: all 2500; the
 * accuracies are checked after a full run).
 * (The same training in float32 is checked in test/model-cat.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getKernels, lLayerModel, loadCatData, predict, twoLayerModel, type CatData, type Prediction } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';

const skip = catDataOrSkipReason();
const ITERATIONS = Number(process.env.DNN_CAT_ITERATIONS ?? 2500);
const trace = readVectors('cat_trace.json');
let data: CatData | undefined;
const cat = async () => (data ??= await loadCatData(CAT_DIR));

function checkCosts(costs: number[], expected: number[], what: string): number {
  assert.ok(ITERATIONS >= 1 && ITERATIONS <= expected.length, `DNN_CAT_ITERATIONS must be 1..${expected.length}`);
  assert.equal(costs.length, ITERATIONS, `${what}: number of costs`);
  let worst = 0;
  costs.forEach((c, i) => {
    assertNumber(c, expected[i], `${what} cost at iteration ${i}`, TOLERANCE.trace);
    worst = Math.max(worst, Math.abs(c - expected[i]) / Math.abs(expected[i]));
  });
  return worst;
}

/** The accuracies (the course's published figures) and every prediction, as NumPy's. */
function checkPredictions(t: any, train: Prediction, test: Prediction, trainAccuracy: number, testAccuracy: number): void {
  assert.equal(train.accuracy, trainAccuracy);
  assert.equal(test.accuracy, testAccuracy);
  assert.equal(train.accuracy, t.train_accuracy);
  assert.equal(test.accuracy, t.test_accuracy);
  assert.deepEqual(Array.from(train.p.data), t.train_predictions);
  assert.deepEqual(Array.from(test.p.data), t.test_predictions);
}

describe(`cat training, ${ITERATIONS} iterations, on the default kernels (${getKernels().name})`, { skip }, () => {
  it('two-layer model (12288, 7, 1): every cost and the accuracies', async () => {
    const { trainX, trainY, testX, testY } = await cat();
    const t = trace.two_layer;
    const costs: number[] = [];
    const { parameters } = twoLayerModel(trainX, trainY, t.layers_dims, { learningRate: t.learning_rate, numIterations: ITERATIONS, onIteration: (_, c) => costs.push(c) });
    const worst = checkCosts(costs, t.costs_every_iteration, 'two-layer');
    console.log(`# two-layer: ${costs.length} costs, largest relative difference from NumPy ${worst.toExponential(2)}`);
    if (ITERATIONS === t.num_iterations) checkPredictions(t, predict(trainX, trainY, parameters), predict(testX, testY, parameters), 0.9999999999999998, 0.72);
  });

  it('L-layer model [12288, 20, 7, 5, 1]: every cost and the accuracies', async () => {
    const { trainX, trainY, testX, testY } = await cat();
    const t = trace.L_layer;
    const costs: number[] = [];
    const { parameters } = lLayerModel(trainX, trainY, t.layers_dims, { learningRate: t.learning_rate, numIterations: ITERATIONS, onIteration: (_, c) => costs.push(c) });
    const worst = checkCosts(costs, t.costs_every_iteration, 'L-layer');
    console.log(`# L-layer: ${costs.length} costs, largest relative difference from NumPy ${worst.toExponential(2)}`);
    if (ITERATIONS === t.num_iterations) checkPredictions(t, predict(trainX, trainY, parameters), predict(testX, testY, parameters), 0.9856459330143539, 0.8);
  });
});
