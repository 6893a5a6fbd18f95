/**
 * The course's cat application end to end with the default (fast) kernels:
 * both models trained with the step functions on the real data, every cost
 * against NumPy's (../shared/reference/vectors/cat_trace.json) within
 * TOLERANCE.trace, then the accuracies and predictions of `predict`.
 * DNN_CAT_ITERATIONS trains fewer iterations (default: all 2500; the
 * accuracies are checked after a full run).
 * Also float32: the same L-layer training on the float32 kernels (through the
 * compute interface) stays within TOLERANCE.float32Cost of the float64 costs
 * while the training is smooth, and ends near the float64 cost.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getKernels, kernelsFor, lLayerModel, loadCatData, predict, twoLayerModel, type CatData, type Prediction } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';
import { trainLLayerWithKernels } from './train-with-kernels.ts';

const skip = catDataOrSkipReason();
const ITERATIONS = Number(process.env.DNN_CAT_ITERATIONS ?? 2500);
const trace = readVectors('cat_trace.json');
let data: CatData | undefined;
/** Iterations before the L-layer costs start to oscillate (see the float32 test). */
const SMOOTH_ITERATIONS = 250;
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

  // The float64 costs are smooth for about 270 iterations, then oscillate from one
  // iteration to the next (0.625, 0.638, 0.624, ...); there any difference, float32
  // rounding included, sends the trajectory elsewhere, so the 1e-4 check covers the
  // smooth phase and the rest of the run is checked for where it ends.
  it(`L-layer model in float32 (${kernelsFor('float32').name}): costs within ${TOLERANCE.float32Cost.abs} of float64 while training is smooth, and it converges`, async () => {
    const { trainX, trainY } = await cat();
    const t = trace.L_layer;
    const costs = trainLLayerWithKernels(kernelsFor('float32'), trainX, trainY, t.layers_dims, t.learning_rate, ITERATIONS);
    assert.equal(costs.length, ITERATIONS);
    let worst = 0;
    for (let i = 0; i < Math.min(ITERATIONS, SMOOTH_ITERATIONS); i++) {
      assertNumber(costs[i], t.costs_every_iteration[i], `float32 L-layer cost at iteration ${i}`, TOLERANCE.float32Cost);
      worst = Math.max(worst, Math.abs(costs[i] - t.costs_every_iteration[i]));
    }
    const last = costs[ITERATIONS - 1], expected = t.costs_every_iteration[ITERATIONS - 1];
    assert.ok(Math.abs(last - expected) < 0.05, `float32 final cost ${last}, float64 ${expected}: should end within 0.05`);
    console.log(`# float32 L-layer: largest difference from float64 over the first ${SMOOTH_ITERATIONS} iterations ${worst.toExponential(2)}; final cost ${last} (float64 ${expected})`);
  });
});
