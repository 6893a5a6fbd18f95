/**
 * The course's full cat training with the default (fast) kernels: both models
 * for all 2500 iterations, every cost against cat_trace.json (NumPy, float64)
 * within TOLERANCE.trace, then the train and test accuracies of `predict`.
 * Also float32: the same L-layer training run on the float32 kernels through
 * the compute interface stays within TOLERANCE.float32Cost of the float64 costs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getKernels, kernelsFor, lLayerModel, loadCatData, predict, twoLayerModel, type CatData } from '../src/index.ts';
import { assertNumber, CAT_DIR, catDataOrSkipReason, readVectors, TOLERANCE } from './helpers.ts';
import { trainLLayerWithKernels } from './train-with-kernels.ts';

const skip = catDataOrSkipReason();
const trace = readVectors('cat_trace.json');
let data: CatData | undefined;
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

  it(`L-layer model in float32 (${kernelsFor('float32').name}): every cost within ${TOLERANCE.float32Cost.abs} of float64`, async () => {
    const { trainX, trainY } = await cat();
    const t = trace.L_layer;
    const costs = trainLLayerWithKernels(kernelsFor('float32'), trainX, trainY, t.layers_dims, t.learning_rate, t.num_iterations);
    let worst = 0;
    costs.forEach((c, i) => {
      assertNumber(c, t.costs_every_iteration[i], `float32 L-layer cost at iteration ${i}`, TOLERANCE.float32Cost);
      worst = Math.max(worst, Math.abs(c - t.costs_every_iteration[i]));
    });
    assert.equal(costs.length, t.num_iterations);
    console.log(`# float32 L-layer: largest absolute difference from the float64 costs ${worst.toExponential(2)}`);
  });
});
