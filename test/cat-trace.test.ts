/**
 * The course's full cat training with the default (fast) kernels: both models
 * for all 2500 iterations, every cost against cat_trace.json (NumPy, float64)
 * within TOLERANCE.trace, then the train and test accuracies of `predict`.
 * Also float32: the same L-layer training on the float32 kernels (through the
 * compute interface) stays within TOLERANCE.float32Cost of the float64 costs
 * while the training is smooth, and ends near the float64 cost.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getKernels, kernelsFor, lLayerModel, loadCatData, predict, twoLayerModel, type CatData } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';
import { trainLLayerWithKernels } from './train-with-kernels.ts';

const skip = catDataOrSkipReason();
const trace = readVectors('cat_trace.json');
let data: CatData | undefined;
/** Iterations before the L-layer costs start to oscillate (see the float32 test). */
const SMOOTH_ITERATIONS = 250;
const cat = async () => (data ??= await loadCatData(CAT_DIR));

function checkCosts(costs: number[], expected: number[], what: string): number {
  assert.equal(costs.length, expected.length, `${what}: number of costs`);
  let worst = 0;
  costs.forEach((c, i) => {
    assertNumber(c, expected[i], `${what} cost at iteration ${i}`, TOLERANCE.trace);
    worst = Math.max(worst, Math.abs(c - expected[i]) / Math.abs(expected[i]));
  });
  return worst;
}

describe(`cat training, all 2500 iterations, on the default kernels (${getKernels().name})`, { skip }, () => {
  it('two-layer model (12288, 7, 1): every cost and the accuracies', async () => {
    const { trainX, trainY, testX, testY } = await cat();
    const t = trace.two_layer;
    const costs: number[] = [];
    const { parameters } = twoLayerModel(trainX, trainY, t.layers_dims, { learningRate: t.learning_rate, numIterations: t.num_iterations, onIteration: (_, c) => costs.push(c) });
    const worst = checkCosts(costs, t.costs_every_iteration, 'two-layer');
    console.log(`# two-layer: ${costs.length} costs, largest relative difference from NumPy ${worst.toExponential(2)}`);
    assert.equal(predict(trainX, trainY, parameters).accuracy, 0.9999999999999998);
    assert.equal(predict(testX, testY, parameters).accuracy, 0.72);
  });

  it('L-layer model [12288, 20, 7, 5, 1]: every cost and the accuracies', async () => {
    const { trainX, trainY, testX, testY } = await cat();
    const t = trace.L_layer;
    const costs: number[] = [];
    const { parameters } = lLayerModel(trainX, trainY, t.layers_dims, { learningRate: t.learning_rate, numIterations: t.num_iterations, onIteration: (_, c) => costs.push(c) });
    const worst = checkCosts(costs, t.costs_every_iteration, 'L-layer');
    console.log(`# L-layer: ${costs.length} costs, largest relative difference from NumPy ${worst.toExponential(2)}`);
    assert.equal(predict(trainX, trainY, parameters).accuracy, 0.9856459330143539);
    assert.equal(predict(testX, testY, parameters).accuracy, 0.8);
  });

  // The float64 costs are smooth for about 270 iterations, then oscillate from one
  // iteration to the next (0.625, 0.638, 0.624, ...); there any difference, float32
  // rounding included, sends the trajectory elsewhere, so the 1e-4 check covers the
  // smooth phase and the rest of the run is checked for where it ends.
  it(`L-layer model in float32 (${kernelsFor('float32').name}): costs within ${TOLERANCE.float32Cost.abs} of float64 while training is smooth, and it converges`, async () => {
    const { trainX, trainY } = await cat();
    const t = trace.L_layer;
    const costs = trainLLayerWithKernels(kernelsFor('float32'), trainX, trainY, t.layers_dims, t.learning_rate, t.num_iterations);
    assert.equal(costs.length, t.num_iterations);
    let worst = 0;
    for (let i = 0; i < SMOOTH_ITERATIONS; i++) {
      assertNumber(costs[i], t.costs_every_iteration[i], `float32 L-layer cost at iteration ${i}`, TOLERANCE.float32Cost);
      worst = Math.max(worst, Math.abs(costs[i] - t.costs_every_iteration[i]));
    }
    const last = costs[costs.length - 1], expected = t.costs_every_iteration[t.num_iterations - 1];
    assert.ok(Math.abs(last - expected) < 0.05, `float32 final cost ${last}, float64 ${expected}: should end within 0.05`);
    console.log(`# float32 L-layer: largest difference from float64 over the first ${SMOOTH_ITERATIONS} iterations ${worst.toExponential(2)}; final cost ${last} (float64 ${expected})`);
  });
});
