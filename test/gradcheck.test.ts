/**
 * Gradient checking (two-sided differences, the course's relative difference)
 * of the step functions' backward pass, for relu and sigmoid hidden layers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradientCheck, initializeParametersDeep, lModelBackward, lModelForward, Matrix, RandomState, type Activation } from '../src/index.ts';

const PASS = 1e-7;

function problem(layerDims: number[], m: number, seed: number) {
  const rng = new RandomState(seed);
  const X = rng.randn(layerDims[0], m);
  const Y = Matrix.from([1, m], Array.from(rng.rand(1, m).data, (u) => (u > 0.5 ? 1 : 0)));
  // Weights large enough that every layer matters, biases non-zero.
  const parameters = initializeParametersDeep(layerDims, { seed, scale: 0.5 });
  for (let l = 1; l < layerDims.length; l++) parameters['b' + l].data.set(rng.randn(layerDims[l], 1).data.map((v) => 0.1 * v));
  return { X, Y, parameters };
}

describe('gradientCheck', () => {
  for (const [hidden, dims] of [
    ['relu', [5, 4, 3, 1]],
    ['sigmoid', [5, 4, 3, 1]],
    ['relu', [4, 6, 5, 3, 1]],
    ['sigmoid', [3, 5, 4, 2, 1]],
  ] as [Activation, number[]][]) {
    it(`${hidden} hidden layers, ${dims.join('-')}: difference < ${PASS}`, () => {
      const { X, Y, parameters } = problem(dims, 7, dims.length * 10 + hidden.length);
      const [AL, caches] = lModelForward(X, parameters, hidden);
      const grads = lModelBackward(AL, Y, caches, hidden);
      const result = gradientCheck(parameters, grads, X, Y, { hidden });
      assert.ok(result.difference < PASS, `difference ${result.difference}; worst at ${JSON.stringify(result.worst)}`);
      assert.equal(result.grad.length, dims.slice(1).reduce((n, d, i) => n + d * dims[i] + d, 0), 'every parameter was nudged');
    });
  }

  it('catches a wrong gradient', () => {
    const { X, Y, parameters } = problem([5, 4, 3, 1], 7, 11);
    const [AL, caches] = lModelForward(X, parameters);
    const grads = lModelBackward(AL, Y, caches);
    grads.dW2.data[3] *= 1.5;
    const result = gradientCheck(parameters, grads, X, Y);
    assert.ok(result.difference > 1e-4, `a wrong dW2 must show, difference ${result.difference}`);
    assert.deepEqual([result.worst.name, result.worst.row, result.worst.col], ['W2', 0, 3]);
  });

  it('restores every parameter it nudged', () => {
    const { X, Y, parameters } = problem([3, 2, 1], 4, 5);
    const before = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.from(v.data)]));
    const [AL, caches] = lModelForward(X, parameters);
    gradientCheck(parameters, lModelBackward(AL, Y, caches), X, Y);
    for (const [k, v] of Object.entries(parameters)) assert.deepEqual(Array.from(v.data), before[k], k);
  });
});
