/**
 * A learner who finished the course writes its notebook cells with dnn's
 * step functions: the mistakes such a learner makes (Python's keyword or
 * positional arguments, arguments swapped) end in an error that says what
 * to write instead, never in a silent default or NaN.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DataError,
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
  printMislabeledImages,
  random,
  reluBackward,
  sigmoidBackward,
  RandomState,
  ShapeError,
  twoLayerModel,
} from '../src/index.ts';
import { readVectors } from './helpers.ts';

function throwsWith(fn: () => unknown, type: new (...args: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const part of parts) assert.ok(e.message.includes(part), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(part)}`);
    return true;
  });
}

describe('training options as the course writes them', () => {
  random.seed(1);
  const X = random.randn(4, 5);
  const Y = Matrix.fromRows([[1, 0, 1, 0, 1]]);

  it("the course's keyword names are an OptionError naming the camelCase option", () => {
    throwsWith(() => lLayerModel(X, Y, [4, 3, 1], { num_iterations: 2500 } as never), OptionError,
      'lLayerModel: unknown option "num_iterations"', "the course's num_iterations is numIterations");
    throwsWith(() => twoLayerModel(X, Y, [4, 3, 1], { print_cost: true } as never), OptionError,
      'twoLayerModel: unknown option "print_cost"', 'is printCost');
    throwsWith(() => lLayerModel(X, Y, [4, 3, 1], { learningrate: 0.1 } as never), OptionError, 'is learningRate');
  });

  it("the course's positional learning_rate, num_iterations is an OptionError showing the options object", () => {
    throwsWith(() => (twoLayerModel as (...a: unknown[]) => unknown)(X, Y, [4, 3, 1], 0.0075, 2500, true), OptionError,
      'twoLayerModel: options is 0.0075', '{ learningRate: 0.0075, numIterations: 2500, printCost: true }');
    throwsWith(() => lLayerModel(X, Y, [4, 3, 1], null as never), OptionError, 'lLayerModel: options is null');
  });

  it('the documented options still train', () => {
    const costs: number[] = [];
    const result = lLayerModel(X, Y, [4, 3, 1], { learningRate: 0.1, numIterations: 2, printCost: false, onIteration: (_i, c) => costs.push(c) });
    assert.equal(costs.length, 2);
    assert.deepEqual(result.costs, [costs[0]]);
  });
});

describe('lModelBackward with AL and Y swapped', () => {
  it('is a DataError naming dAL, the column and both values, not NaN gradients', () => {
    random.seed(2);
    const X = random.randn(4, 3);
    const parameters = initializeParametersDeep([4, 3, 1]);
    const [AL, caches] = lModelForward(X, parameters);
    const Y = Matrix.fromRows([[0, 1, 1]]);
    throwsWith(() => lModelBackward(Y, AL, caches), DataError,
      'lModelBackward: dAL = −(Y/AL − (1 − Y)/(1 − AL)) is', 'at column 0, where AL is 0 and Y is', 'lModelBackward(AL, Y, caches)');
    // In the right order the gradients are finite.
    const grads = lModelBackward(AL, Y, caches);
    for (const M of Object.values(grads)) assert.ok(M.data.every(Number.isFinite));
  });

  it("accepts the course's test case, whose AL is drawn with randn (AL > 1)", () => {
    random.seed(3);
    const AL = random.randn(1, 2);
    assert.ok(AL.data[0] > 1);
    const Y = Matrix.fromRows([[1, 0]]);
    const c1: [[Matrix, Matrix, Matrix], Matrix] = [[random.randn(4, 2), random.randn(3, 4), random.randn(3, 1)], random.randn(3, 2)];
    const c2: [[Matrix, Matrix, Matrix], Matrix] = [[random.randn(3, 2), random.randn(1, 3), random.randn(1, 1)], random.randn(1, 2)];
    const grads = lModelBackward(AL, Y, [c1, c2]);
    // the course's expected dW1[0][0] and db1[0] (v3 notebook)
    assert.ok(Math.abs(grads.dW1.get(0, 0) - 0.41010002) < 5e-9);
    assert.ok(Math.abs(grads.db1.get(0, 0) - -0.22007063) < 5e-9);
  });
});

describe('shapes in the wrong order', () => {
  random.seed(1);
  const A = random.randn(3, 2), W = random.randn(1, 3), b = random.randn(1, 1);
  const T = (M: Matrix) => Matrix.fromRows(Array.from({ length: M.cols }, (_, j) => Array.from({ length: M.rows }, (_, i) => M.get(i, j))));

  it('an A_prev or X with one example per row is named as transposed, with the shape it needs', () => {
    throwsWith(() => linearForward(T(A), W, b), ShapeError,
      "linearForward: W is (1, 3) but A_prev is (2, 3); W's columns must equal A_prev's rows (n[l-1]) (A_prev looks transposed: examples are columns, so A_prev is (n[l-1], m) = (3, 2))");
    const parameters = initializeParametersDeep([3, 4, 1]);
    const X = random.randn(3, 5);
    throwsWith(() => lModelForward(T(X), parameters), ShapeError, "lModelForward: W1 is (4, 3) but X is (5, 3)", '(X looks transposed: examples are columns, so X is (n[0], m) = (3, 5))');
    throwsWith(() => lLayerModel(T(X), Matrix.zeros(1, 5), [3, 4, 1], { numIterations: 1 }), ShapeError,
      'lLayerModel: X is (5, 3) but layersDims[0] is 3', '(X looks transposed: examples are columns, so X is (n[0], m) = (3, 5))');
  });

  it('a W of shape (n[l-1], n[l]) is named as transposed', () => {
    throwsWith(() => linearForward(A, T(W), b), ShapeError,
      "linearForward: W is (3, 1) but A_prev is (3, 2); W's columns must equal A_prev's rows (n[l-1]) (W looks transposed: W is (n[l], n[l-1]) = (1, 3))");
  });

  it('a shape that is merely wrong gets no transposition hint', () => {
    assert.throws(() => linearForward(random.randn(4, 2), W, b), (e: Error) => e instanceof ShapeError && !e.message.includes('transposed'));
  });
});

describe("printMislabeledImages, the application's print_mislabeled_images", () => {
  it("names the L-layer model's 10 mislabeled test pictures of the NumPy run", (t) => {
    const { data, L_layer } = readVectors('cat_trace.json');
    const y = Matrix.fromRows([data.test_y_labels]);
    const p = Matrix.fromRows([L_layer.test_predictions]);
    const X = Matrix.zeros(3, 50);
    const log = t.mock.method(console, 'log', () => {});
    const wrong = printMislabeledImages(data.classes, X, y, p);
    assert.deepEqual(wrong.map((w) => w.index), [5, 11, 13, 19, 28, 29, 34, 38, 44, 45]);
    assert.deepEqual(wrong[0], { index: 5, prediction: 'cat', label: 'non-cat' });
    assert.deepEqual(wrong[1], { index: 11, prediction: 'non-cat', label: 'cat' });
    assert.equal(log.mock.callCount(), 10);
    assert.deepEqual(log.mock.calls[0].arguments, ['Image 5: Prediction: cat, Class: non-cat']);
  });

  it('checks its arguments', () => {
    const X = Matrix.zeros(3, 2);
    throwsWith(() => printMislabeledImages(['non-cat', 'cat'], X, Matrix.fromRows([[0, 1]]), Matrix.fromRows([[0], [1]])), ShapeError,
      'printMislabeledImages: p is (2, 1) but X is (3, 2); p must be (1, m) = (1, 2)');
    throwsWith(() => printMislabeledImages(['non-cat', 'cat'], X, Matrix.fromRows([[0, 2]]), Matrix.fromRows([[0, 1]])), DataError,
      'printMislabeledImages: y has 2 at column 1');
    const prediction = { p: Matrix.fromRows([[0, 1]]), probas: Matrix.fromRows([[0.2, 0.7]]), accuracy: 1 };
    throwsWith(() => printMislabeledImages(['non-cat', 'cat'], X, Matrix.fromRows([[0, 1]]), prediction as never), ShapeError,
      "printMislabeledImages: p is predict's whole result { p, probas, accuracy }; pass its p");
  });
});

describe("NumPy's array-making calls written as in Python", () => {
  it('a shape tuple or a single size names the two-size call', () => {
    throwsWith(() => (random.randn as (...a: unknown[]) => unknown)(3), ShapeError,
      "RandomState.randn: shape (3, undefined) is not a pair of non-negative integers; dnn's matrices are 2-D, as the course's arrays: random.randn(3, 1) for a column, random.randn(1, 3) for a row");
    throwsWith(() => (random.rand as (...a: unknown[]) => unknown)([3, 2]), ShapeError, 'RandomState.rand: shape ([3, 2], undefined)', 'random.rand(3, 2), not a shape array');
    throwsWith(() => (Matrix.zeros as (...a: unknown[]) => unknown)([3, 2]), ShapeError, 'Matrix.zeros: shape ([3, 2], undefined)', 'Matrix.zeros(3, 2), not a shape array');
  });

  it('Matrix.fromRows of one flat row asks for a list of rows', () => {
    throwsWith(() => Matrix.fromRows([1, 1, 0] as never), ShapeError, 'Matrix.fromRows: rows[0] is 1, not a row; pass a list of rows, e.g. [[1, 1, 0]] for a (1, 3) matrix');
    assert.deepEqual(Matrix.fromRows([[1, 1, 0]]).shape, [1, 3]);
  });

  it('a failed size check does not draw from the generator', () => {
    random.seed(1);
    assert.throws(() => (random.randn as (...a: unknown[]) => unknown)(3));
    assert.equal(random.randn(1, 1).data[0], new RandomState(1).randn(1, 1).data[0]);
  });
});

describe('one cache passed where another belongs', () => {
  random.seed(2);
  const [, cache] = linearActivationForward(random.randn(3, 2), random.randn(1, 3), random.randn(1, 1), 'relu');
  const dA = random.randn(1, 2);

  it('names the cache given and the part to pass', () => {
    throwsWith(() => sigmoidBackward(dA, cache as never), ShapeError,
      'sigmoidBackward: cache is not Z (it is a layer cache [linear_cache, activation_cache]: pass its activation cache, cache[1])');
    throwsWith(() => reluBackward(dA, cache[0] as never), ShapeError, 'reluBackward: cache is not Z (it is a linear cache [A_prev, W, b]');
    throwsWith(() => linearBackward(dA, cache as never), OptionError, '(it is a layer cache [linear_cache, activation_cache]: pass its linear cache, cache[0])');
    throwsWith(() => linearActivationBackward(dA, cache[0] as never, 'relu'), OptionError,
      '(it is a linear cache [A_prev, W, b]: pass the layer cache [linear_cache, activation_cache] linearActivationForward returned)');
  });

  it('the right parts work', () => {
    assert.deepEqual(sigmoidBackward(dA, cache[1]).shape, [1, 2]);
    assert.deepEqual(linearBackward(dA, cache[0])[0].shape, [3, 2]);
  });
});

describe('a parameters dictionary with the right keys but plain arrays', () => {
  it('names the entry and how to make it a Matrix', () => {
    const X = Matrix.fromRows([[1, 2], [3, 4]]);
    throwsWith(() => lModelForward(X, { W1: [[0.1, 0.2]], b1: [[0]] } as never), ShapeError,
      'lModelForward: parameters.W1 is a plain array of 1 row (number[][]); it must be a Matrix (np.array([[...], [...]]) is Matrix.fromRows([[...], [...]]))');
  });
});
