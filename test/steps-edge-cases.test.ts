/**
 * The course's step functions at the edges: one example, one feature, one
 * layer, labels all 0 or all 1, probabilities of exactly 0 or 1, and data
 * they cannot train on (no examples, labels other than 0 and 1, a cost that
 * stops being finite), which must stop with an error that says so rather
 * than return NaN.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeCost,
  DataError,
  DivergenceError,
  initializeParametersDeep,
  lLayerModel,
  lModelBackward,
  lModelForward,
  Matrix,
  predict,
  ShapeError,
  twoLayerModel,
  updateParameters,
} from '../src/index.ts';
import { assertNumber, TOLERANCE } from './helpers.ts';

const M = (rows: number, cols: number, values: number[]) => Matrix.from([rows, cols], values);

function throwsWith(fn: () => unknown, Class: new (...args: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Class, `expected a ${Class.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} should include ${JSON.stringify(p)}`);
    return true;
  });
}

describe('one example, one feature, one layer', () => {
  it('L = 1, n[0] = 1, m = 1: forward, cost, backward and update are the formulas by hand', () => {
    const p = initializeParametersDeep([1, 1]);
    p.W1.data[0] = 0.5;
    p.b1.data[0] = -0.25;
    const X = M(1, 1, [2]), Y = M(1, 1, [1]);
    const [AL, caches] = lModelForward(X, p);
    const a = 1 / (1 + Math.exp(-(0.5 * 2 - 0.25)));
    assertNumber(AL.data[0], a, 'AL', TOLERANCE.float64);
    assertNumber(computeCost(AL, Y), -Math.log(a), 'cost', TOLERANCE.float64);
    const grads = lModelBackward(AL, Y, caches);
    // dZ = a − y (m = 1), dW = dZ · x, db = dZ
    assertNumber(grads.dW1.data[0], (a - 1) * 2, 'dW1', TOLERANCE.float64);
    assertNumber(grads.db1.data[0], a - 1, 'db1', TOLERANCE.float64);
    updateParameters(p, grads, 0.1);
    assertNumber(p.W1.data[0], 0.5 - 0.1 * (a - 1) * 2, 'W1 after the update', TOLERANCE.float64);
  });

  it('labels all 0 or all 1 train, and the cost falls', () => {
    const X = M(2, 4, [1, -1, 0.5, 2, 0, 1, -2, 1]);
    for (const label of [0, 1]) {
      const { costs } = lLayerModel(X, M(1, 4, [label, label, label, label]), [2, 3, 1], { numIterations: 201, learningRate: 0.1 });
      assert.ok(costs.every(Number.isFinite) && costs[2] < costs[0], `labels ${label}: ${costs}`);
    }
  });
});

describe('probabilities of exactly 0 or 1', () => {
  it('computeCost: a prediction equal to its label costs 0 (0·log 0 = 0), not NaN', () => {
    assert.ok(computeCost(M(1, 2, [1, 0]), M(1, 2, [1, 0])) === 0); // −1/m · 0 is −0
    assertNumber(computeCost(M(1, 3, [1, 0, 0.5]), M(1, 3, [1, 0, 1])), Math.log(2) / 3, 'J', TOLERANCE.float64);
    // A confident wrong prediction costs infinitely much, as log(0) says.
    assert.equal(computeCost(M(1, 2, [0, 0.5]), M(1, 2, [1, 1])), Infinity);
  });

  it('lModelBackward: an output saturated at its label has gradient 0, not NaN', () => {
    const p = initializeParametersDeep([1, 1]);
    p.W1.data[0] = 800; // σ(800) is exactly 1 and σ(−800) exactly 0 in float64
    const X = M(1, 2, [1, -1]), Y = M(1, 2, [1, 0]);
    const [AL, caches] = lModelForward(X, p);
    assert.deepEqual(Array.from(AL.data), [1, 0]);
    const grads = lModelBackward(AL, Y, caches);
    assert.ok(grads.dW1.data[0] === 0 && grads.db1.data[0] === 0, `dW1 ${grads.dW1.data[0]}, db1 ${grads.db1.data[0]}`);
  });

  it('computeCost checks that AL holds probabilities and Y labels in [0, 1]', () => {
    throwsWith(() => computeCost(M(1, 2, [0.5, 1.5]), M(1, 2, [0, 1])), DataError, 'computeCost: AL has 1.5 at column 1', 'probabilities in [0, 1]');
    throwsWith(() => computeCost(new Matrix(1, 2, Float64Array.of(NaN, 0.5)), M(1, 2, [0, 1])), DataError, 'computeCost: AL has NaN at column 0');
    throwsWith(() => computeCost(M(1, 2, [0.5, 0.5]), M(1, 2, [0, 2])), DataError, 'computeCost: Y has 2 at column 1', 'labels in [0, 1]');
    throwsWith(() => computeCost(Matrix.zeros(1, 0), Matrix.zeros(1, 0)), ShapeError, 'computeCost: AL is (1, 0)', 'at least one example');
  });
});

describe('data the course’s loops cannot train on', () => {
  const X = M(2, 3, [1, 2, 3, 4, 5, 6]);

  it('no examples', () => {
    throwsWith(() => lLayerModel(Matrix.zeros(2, 0), Matrix.zeros(1, 0), [2, 3, 1], { numIterations: 3 }), ShapeError, 'lLayerModel: X is (2, 0)', 'at least one example');
    throwsWith(() => twoLayerModel(Matrix.zeros(2, 0), Matrix.zeros(1, 0), [2, 3, 1], { numIterations: 3 }), ShapeError, 'twoLayerModel: X is (2, 0)');
    throwsWith(() => predict(Matrix.zeros(2, 0), Matrix.zeros(1, 0), initializeParametersDeep([2, 1])), ShapeError, 'predict: X is (2, 0)', 'at least one example');
  });

  it('labels other than 0 and 1', () => {
    throwsWith(() => lLayerModel(X, M(1, 3, [0, 2, 1]), [2, 3, 1], { numIterations: 3 }), DataError, 'lLayerModel: Y has 2 at column 1', 'labels 0 or 1');
    throwsWith(() => twoLayerModel(X, M(1, 3, [0, 0.5, 1]), [2, 3, 1], { numIterations: 3 }), DataError, 'twoLayerModel: Y has 0.5 at column 1');
  });

  it('a cost that stops being finite ends training with a DivergenceError, not NaN parameters', () => {
    // Inputs of ±1000 saturate the sigmoid against the labels at once.
    const big = M(1, 2, [1000, -1000]), Y = M(1, 2, [1, 0]);
    for (const train of [lLayerModel, twoLayerModel] as const) {
      assert.throws(() => train(big, Y, [1, 3, 1], { numIterations: 300, learningRate: 5 }), (e: unknown) => {
        assert.ok(e instanceof DivergenceError, String(e));
        assert.match(e.message, new RegExp(`^${train.name}: the cost became (Infinity|NaN) at iteration \\d+`));
        assert.ok(e.message.includes('learningRate') && e.message.includes('scale'), e.message);
        assert.equal(e.learningRate, 5);
        return true;
      });
    }
  });
});
