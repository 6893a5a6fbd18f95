/**
 * A wrong shape passed to any public step function gives a ShapeError that
 * names the function, the operands, their shapes and the rule, in the
 * course's words: `fn: X is (r, c) but Y is (r, c); rule`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appInitializeParameters,
  appInitializeParametersDeep,
  computeCost,
  DataError,
  gradientCheck,
  initializeParameters,
  initializeParametersDeep,
  linearActivationBackward,
  linearActivationForward,
  linearBackward,
  linearForward,
  lLayerModel,
  lModelBackward,
  lModelForward,
  Matrix,
  OptionError,
  predict,
  relu,
  reluBackward,
  ShapeError,
  sigmoid,
  sigmoidBackward,
  twoLayerModel,
  updateParameters,
  type LayerCache,
} from '../src/index.ts';

const z = (r: number, c: number) => Matrix.zeros(r, c);
const full = (r: number, c: number, v = 0.5) => Matrix.from([r, c], new Array(r * c).fill(v));

function dataErrorMatching(pattern: RegExp) {
  return (e: unknown) => e instanceof DataError && pattern.test(e.message);
}

function throwsShape(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ShapeError, `expected a ShapeError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const cache = (nPrev: number, n: number, m: number): LayerCache => [[full(nPrev, m), full(n, nPrev), z(n, 1)], full(n, m)];

describe('ShapeError messages', () => {
  it('linearForward: W against A_prev, b against W', () => {
    throwsShape(() => linearForward(z(21, 209), z(7, 20), z(7, 1)), "linearForward: W is (7, 20) but A_prev is (21, 209); W's columns must equal A_prev's rows (n[l-1])");
    throwsShape(() => linearForward(z(20, 209), z(7, 20), z(1, 7)), 'linearForward: b is (1, 7) but W is (7, 20); b must be (n[l], 1) = (7, 1)');
  });

  it('linearActivationForward', () => {
    throwsShape(() => linearActivationForward(z(3, 2), z(1, 4), z(1, 1), 'relu'), "linearActivationForward: W is (1, 4) but A_prev is (3, 2); W's columns must equal A_prev's rows (n[l-1])");
  });

  it('linearBackward: dZ against the cache', () => {
    throwsShape(() => linearBackward(z(2, 5), [z(3, 5), z(4, 3), z(4, 1)]), "linearBackward: dZ is (2, 5) but W is (4, 3); dZ's rows must equal W's rows (n[l])");
    throwsShape(() => linearBackward(z(4, 6), [z(3, 5), z(4, 3), z(4, 1)]), "linearBackward: dZ is (4, 6) but A_prev is (3, 5); dZ's columns must equal A_prev's columns (m)");
    throwsShape(() => linearBackward(z(4, 5), [z(2, 5), z(4, 3), z(4, 1)]), "linearBackward: W is (4, 3) but A_prev is (2, 5); W's columns must equal A_prev's rows (n[l-1])");
  });

  it('linearActivationBackward: dA against Z', () => {
    throwsShape(() => linearActivationBackward(z(3, 4), cache(2, 3, 5), 'sigmoid'), "linearActivationBackward: dA is (3, 4) but Z (the activation cache) is (3, 5); dA must have Z's shape (n[l], m)");
  });

  it('sigmoidBackward and reluBackward: dA against the cache Z', () => {
    throwsShape(() => sigmoidBackward(z(2, 3), z(3, 2)), "sigmoidBackward: dA is (2, 3) but Z (the cache) is (3, 2); dA must have Z's shape");
    throwsShape(() => reluBackward(z(1, 3), z(1, 4)), "reluBackward: dA is (1, 3) but Z (the cache) is (1, 4); dA must have Z's shape");
  });

  it('sigmoid and relu need a Matrix', () => {
    throwsShape(() => sigmoid([[1, 2]] as unknown as Matrix), 'sigmoid: Z is a plain array of 1 row (number[][]); it must be a Matrix (np.array([[...], [...]]) is Matrix.fromRows([[...], [...]]))');
    throwsShape(() => relu(undefined as unknown as Matrix), 'relu: Z is missing; it must be a Matrix');
  });

  it('initializers: layer sizes must be positive integers', () => {
    throwsShape(() => initializeParameters(3, 0, 1), 'initializeParameters: n_h is 0; a layer size must be a positive integer');
    throwsShape(() => initializeParametersDeep([5, 4.5, 1]), 'initializeParametersDeep: layerDims[1] is 4.5; a layer size must be a positive integer');
    throwsShape(() => initializeParametersDeep([5]), /initializeParametersDeep: layerDims is \[5\]; it needs at least two sizes/);
    throwsShape(() => appInitializeParameters(-1, 2, 1), 'appInitializeParameters: n_x is -1; a layer size must be a positive integer');
    throwsShape(() => appInitializeParametersDeep([12288, 20, 0, 1]), 'appInitializeParametersDeep: layerDims[2] is 0; a layer size must be a positive integer');
  });

  it('lModelForward names the layer', () => {
    const p = initializeParametersDeep([4, 3, 2, 1]);
    throwsShape(() => lModelForward(z(5, 7), p), "lModelForward: W1 is (3, 4) but X is (5, 7); W1's columns must equal X's rows (n[0])");
    const q = { ...p, W2: z(2, 5) };
    throwsShape(() => lModelForward(z(4, 7), q), "lModelForward: W2 is (2, 5) but W1 is (3, 4); W2's columns must equal W1's rows (n[1])");
    throwsShape(() => lModelForward(z(4, 7), { ...p, b3: z(2, 1) }), 'lModelForward: b3 is (2, 1) but W3 is (1, 2); b3 must be (n[3], 1) = (1, 1)');
    throwsShape(() => lModelForward(z(4, 7), initializeParametersDeep([4, 3, 2])), 'lModelForward: W2 is (2, 3) but AL must be (1, m); the output layer must have one unit (n[2] = 1)');
    throwsShape(() => lModelForward(z(4, 7), { W1: p.W1, b1: p.b1, W3: p.W3, b3: p.b3 }), /lModelForward: parameters has no matrix W2/);
    // An odd number of entries names the missing one, not the layer before it.
    throwsShape(() => lModelForward(z(4, 7), { W1: p.W1, b1: p.b1, W2: p.W2, b2: p.b2, W3: p.W3 }), 'lModelForward: parameters has no matrix b3 (its keys: W1, b1, W2, b2, W3); it must hold W1..W3 and b1..b3');
    throwsShape(() => updateParameters({ W1: p.W1, b1: p.b1, W2: p.W2 }, {}, 0.1), 'updateParameters: parameters has no matrix b2 (its keys: W1, b1, W2); it must hold W1..W2 and b1..b2');
  });

  it('computeCost: AL against Y', () => {
    throwsShape(() => computeCost(full(1, 209), full(1, 50)), "computeCost: AL is (1, 209) but Y is (1, 50); Y must have AL's shape (1, m)");
    throwsShape(() => computeCost(full(2, 3), full(2, 3)), 'computeCost: AL is (2, 3) but Y is (2, 3); AL and Y must be (1, m): one row of probabilities and one of labels');
  });

  it('lModelBackward: AL against Y and the caches', () => {
    const caches = [cache(4, 3, 5), cache(3, 1, 5)];
    throwsShape(() => lModelBackward(full(1, 5), full(1, 4), caches), 'lModelBackward: Y is (1, 4) but AL is (1, 5); Y must have as many labels as AL has columns (m)');
    throwsShape(() => lModelBackward(full(1, 6), full(1, 6), caches), "lModelBackward: AL is (1, 6) but Z2 (caches[1]) is (1, 5); AL must have Z2's shape");
    throwsShape(() => lModelBackward(full(1, 5), full(1, 5), []), 'lModelBackward: caches is empty; pass the caches lModelForward returned');
  });

  it('updateParameters: each gradient against its parameter', () => {
    const p = initializeParametersDeep([4, 3, 1]);
    const grads = { dW1: z(3, 4), db1: z(3, 1), dW2: z(1, 4), db2: z(1, 1) };
    throwsShape(() => updateParameters(p, grads, 0.1), "updateParameters: dW2 is (1, 4) but W2 is (1, 3); dW2 must have W2's shape");
    throwsShape(() => updateParameters(p, { ...grads, dW2: undefined as unknown as Matrix }, 0.1), 'updateParameters: grads has no dW2 (its keys: dW1, db1, db2); it must hold dW1..dW2 and db1..db2, as lModelBackward returns them');
    assert.throws(() => updateParameters(p, { ...grads, dW2: z(1, 3) }, NaN), OptionError);
  });

  it('twoLayerModel and lLayerModel: X against layersDims, Y against X', () => {
    throwsShape(() => twoLayerModel(z(5, 3), z(1, 3), [4, 2, 1], { numIterations: 1 }), "twoLayerModel: X is (5, 3) but layersDims[0] is 4; X's rows must equal n[0], the number of features");
    throwsShape(() => lLayerModel(z(4, 3), z(1, 2), [4, 2, 1], { numIterations: 1 }), 'lLayerModel: Y is (1, 2) but X is (4, 3); Y must be (1, m) = (1, 3)');
    throwsShape(() => lLayerModel(z(4, 3), z(1, 3), [4, 2, 2], { numIterations: 1 }), 'lLayerModel: layersDims ends with 2; the output layer must have one unit (n[L] = 1)');
    throwsShape(() => twoLayerModel(z(4, 3), z(1, 3), [4, 1] as unknown as [number, number, number]), /twoLayerModel: layersDims is \[4,1\]; it must be \[n_x, n_h, n_y\]/);
  });

  it('predict: X against W1, y against X', () => {
    const p = initializeParametersDeep([4, 3, 1]);
    throwsShape(() => predict(z(5, 2), z(1, 2), p), "predict: W1 is (3, 4) but X is (5, 2); W1's columns must equal X's rows (n[0])");
    throwsShape(() => predict(z(4, 2), z(1, 3), p), 'predict: y is (1, 3) but X is (4, 2); y must be (1, m) = (1, 2)');
  });

  it('gradientCheck: gradients against parameters', () => {
    const p = initializeParametersDeep([4, 3, 1]);
    throwsShape(() => gradientCheck(p, { dW1: z(3, 4), db1: z(3, 1), dW2: z(1, 2), db2: z(1, 1) }, z(4, 2), z(1, 2)), "gradientCheck: dW2 is (1, 2) but W2 is (1, 3); dW2 must have W2's shape");
  });
});

describe('NaN and Infinity are rejected where data enters', () => {
  it('Matrix.from and Matrix.fromRows', () => {
    assert.throws(() => Matrix.from([1, 3], [1, NaN, 2], 'X'), (e: unknown) => e instanceof DataError && e.message === 'Matrix.from: X (1, 3) has NaN at row 0, column 1; data must be finite numbers');
    assert.throws(() => Matrix.fromRows([[1], [Infinity]]), /has Infinity at row 1, column 0/);
    assert.throws(() => Matrix.fromRows([[1, 2], [3]]), ShapeError);
  });

  it('values that are not numbers: null (JSON\'s NaN), booleans, strings, holes, a missing row', () => {
    const dataError = (message: string) => (e: unknown) => e instanceof DataError && e.message === message;
    assert.throws(() => Matrix.from([1, 3], JSON.parse(JSON.stringify([1, NaN, 2])), 'X'), dataError('Matrix.from: X has null (null) at index 1; data must be numbers'));
    assert.throws(() => Matrix.from([2, 2], [1, 0, true, 1] as never), dataError('Matrix.from: values has true (boolean) at index 2; data must be numbers'));
    assert.throws(() => Matrix.fromRows([[1, 2], ['3', 4]] as never), dataError('Matrix.fromRows: rows[1] has "3" (string) at index 0; data must be numbers'));
    assert.throws(() => Matrix.fromRows([[1, , 3]] as never), /rows\[0\] has undefined \(undefined\) at index 1/);
    assert.throws(() => Matrix.fromRows([[1, 2], undefined] as never), (e: unknown) => e instanceof ShapeError && /rows\[1\] is undefined, not a row; pass a list of rows/.test(e.message));
    // Typed arrays of any kind are numbers already.
    assert.deepEqual(Matrix.from([1, 2], Int32Array.of(3, 4)).toArray(), [[3, 4]]);
  });

  it('new Matrix takes a Float64Array or a Float32Array, not an ordinary or integer array', () => {
    assert.throws(() => new Matrix(1, 2, [0, 1] as never), dataErrorMatching(/^Matrix: data is an Array; it must be a Float64Array or a Float32Array \(Matrix.from/));
    assert.throws(() => new Matrix(1, 2, Int32Array.of(0, 1) as never), dataErrorMatching(/^Matrix: data is an Int32Array;/));
    assert.throws(() => new Matrix(1, 2, undefined as never), dataErrorMatching(/^Matrix: data is undefined;/));
    assert.equal(new Matrix(1, 2, Float32Array.of(0, 1)).dtype, 'float32');
  });

  it('the models and predict check X and Y once, before training', () => {
    const X = z(2, 3);
    X.data[4] = NaN;
    assert.throws(() => lLayerModel(X, z(1, 3), [2, 1], { numIterations: 1 }), /lLayerModel: X \(2, 3\) has NaN at row 1, column 1/);
    const Y = z(1, 3);
    Y.data[1] = Infinity;
    assert.throws(() => twoLayerModel(z(2, 3), Y, [2, 2, 1], { numIterations: 1 }), /twoLayerModel: Y \(1, 3\) has Infinity at row 0, column 1/);
    assert.throws(() => predict(X, z(1, 3), initializeParametersDeep([2, 1])), /predict: X \(2, 3\) has NaN/);
  });
});
