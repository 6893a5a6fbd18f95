/**
 * The course's cat application: the two-layer and the L-layer model trained
 * by gradient descent with the step functions, and `predict`.
 *
 * Legend: X (n[0], m) examples as columns, Y (1, m) labels 0/1,
 * layersDims = [n[0], ..., n[L]].
 */
import { DataError, DivergenceError, OptionError, ShapeError } from '../errors.ts';
import { pairwiseSum } from '../kernels/pairwise.ts';
import { assertFinite, Matrix } from '../matrix.ts';
import { Arena, layerEntries, type Parameters } from '../parameters.ts';
import { random } from '../random.ts';
import { expectMatrix, mismatch } from './checks.ts';
import { allocateParameters, appInitializeParameters, appInitializeParametersDeep } from './initialize.ts';
import { inKernelMemory } from './memory.ts';
import { layerGradients, linearActivationBackward, linearActivationForward } from './linear.ts';
import { checkLayers, computeCost, crossEntropyDA, layerCount, lModelForward, modelGradients, releaseIteration, updateParameters } from './model.ts';
import { getKernels } from '../kernels/index.ts';

export interface TrainOptions {
  /** α, 0.0075 in the course. */
  learningRate?: number;
  /** 3000 in the course's defaults; the course runs 2500. */
  numIterations?: number;
  /** Print "Cost after iteration i: J" every 100 iterations and at the last. */
  printCost?: boolean;
  /** Called with every iteration's cost (the cost before that iteration's update). */
  onIteration?: (iteration: number, cost: number) => void;
}

/** What the course's 2021 notebook returns as the tuple `parameters, costs`. */
export interface TrainResult {
  parameters: Parameters;
  /** The cost at iterations 0, 100, 200, ... (the course's plotted curve). */
  costs: number[];
}

/**
 * The application's two-layer model LINEAR -> RELU -> LINEAR -> SIGMOID,
 * initialized by `appInitializeParameters` (seed 1, ·0.01).
 * @param X - (n_x, m) inputs
 * @param Y - (1, m) labels
 * @param layersDims - [n_x, n_h, n_y]
 */
export function twoLayerModel(X: Matrix, Y: Matrix, layersDims: readonly [number, number, number], options: TrainOptions = {}): TrainResult {
  const fn = 'twoLayerModel';
  const { learningRate, numIterations } = checkTraining(fn, X, Y, layersDims, options, 3);
  const [nX, nH, nY] = layersDims;
  const initialize = () => {
    random.seed(1);
    return appInitializeParameters(nX, nH, nY);
  };
  return train(fn, X, layersDims, numIterations, learningRate, options, initialize, (Xk, parameters) => {
    const [A1, cache1] = linearActivationForward(Xk, parameters.W1, parameters.b1, 'relu');
    const [A2, cache2] = linearActivationForward(A1, parameters.W2, parameters.b2, 'sigmoid');
    const cost = computeCost(A2, Y);
    const dA2 = crossEntropyDA(A2, Y);
    const [dA1, dW2, db2] = linearActivationBackward(dA2, cache2, 'sigmoid');
    // The course's dA0 (X's size) is left out: the update does not read it.
    const [, dW1, db1] = layerGradients(fn, dA1, cache1, 'relu', undefined, false);
    updateParameters(parameters, { dW1, db1, dW2, db2 }, learningRate);
    releaseIteration([cache1, cache2], A2, { dA2, dA1, dW1, db1, dW2, db2 });
    return cost;
  });
}

/**
 * The application's L-layer model [LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID,
 * initialized by `appInitializeParametersDeep` (seed 1, /sqrt(n[l-1])).
 * @param X - (n[0], m) inputs
 * @param Y - (1, m) labels
 * @param layersDims - [n[0], ..., n[L]] with n[L] = 1
 */
export function lLayerModel(X: Matrix, Y: Matrix, layersDims: readonly number[], options: TrainOptions = {}): TrainResult {
  const fn = 'lLayerModel';
  const { learningRate, numIterations } = checkTraining(fn, X, Y, layersDims, options, 0);
  const initialize = () => {
    random.seed(1);
    return appInitializeParametersDeep(layersDims);
  };
  return train(fn, X, layersDims, numIterations, learningRate, options, initialize, (Xk, parameters) => {
    const [AL, caches] = lModelForward(Xk, parameters);
    const cost = computeCost(AL, Y);
    if (!Number.isFinite(cost)) {
      // train stops on this cost; lModelBackward would reject the infinite dAL first
      releaseIteration(caches, AL, {});
      return cost;
    }
    const grads = modelGradients(fn, AL, Y, caches, 'relu', false); // lModelBackward without dA1 (X's size), which the update does not read
    updateParameters(parameters, grads, learningRate);
    releaseIteration(caches, AL, grads);
    return cost;
  });
}

/**
 * The course's gradient-descent loop: `iteration` (forward, cost, backward,
 * update, then every matrix of the iteration released) numIterations times.
 * A cost that is not finite (the sigmoid saturated against a label, or the
 * parameters diverged) stops it with a DivergenceError: NumPy would go on
 * with NaN parameters.
 * Every iteration computes what the course's loop computes but for the
 * gradient with respect to X (the course's dA0, X's size), which the update
 * never reads: on the cat data it is a third of the arithmetic. The
 * parameters, X and every iteration live in kernel memory, where the
 * products read and write in place; the callbacks run outside it, and the
 * parameters are returned as ordinary arrays, so the call leaves no kernel
 * memory behind (see memory.ts).
 * @param X - (n[0], m) inputs
 */
function train(fn: string, X: Matrix, layersDims: readonly number[], numIterations: number, learningRate: number, options: TrainOptions, initialize: () => Parameters, iteration: (Xk: Matrix, parameters: Parameters) => number): TrainResult {
  const k = getKernels();
  const L = layersDims.length - 1;
  const parameters = inKernelMemory(initialize);
  const arena = Arena.of(layerEntries(parameters, L))!;
  const inPlace = k.owns?.(X) ?? false;
  const Xk = inPlace ? X : intoKernels(X);
  try {
    const costs: number[] = [];
    for (let i = 0; i < numIterations; i++) {
      const cost = inKernelMemory(() => iteration(Xk, parameters));
      if (!Number.isFinite(cost)) {
        throw new DivergenceError(
          `${fn}: the cost became ${cost} at iteration ${i}: the output AL reached exactly 0 or 1 against a label, or the parameters diverged; scale X (e.g. X / 255) or try a smaller learningRate than ${learningRate}`,
          { cost, iteration: i, learningRate },
        );
      }
      report(i, cost, numIterations, costs, options);
    }
    const result = allocateParameters(layersDims);
    Arena.of(layerEntries(result, L))!.data.set(arena.data);
    return { parameters: result, costs };
  } finally {
    if (!inPlace) k.release(Xk);
    k.release(arena.storage);
  }
}

export interface Prediction {
  /** (1, m) predictions: 1 where the probability is above 0.5, else 0. */
  p: Matrix;
  /** (1, m) probabilities AL. */
  probas: Matrix;
  /** Fraction of correct predictions, computed as the course does: np.sum((p == y) / m). */
  accuracy: number;
}

/**
 * The application's `predict`: forward propagation, 0/1 predictions at 0.5, accuracy.
 * The course's also prints `Accuracy: ...` and returns only p; this one
 * prints nothing and returns p with the probabilities and the accuracy.
 * @param X - (n[0], m) inputs
 * @param y - (1, m) labels
 * @param parameters - trained W1, b1, ..., WL, bL
 */
export function predict(X: Matrix, y: Matrix, parameters: Parameters): Prediction {
  const fn = 'predict';
  expectMatrix(fn, 'X', X);
  expectMatrix(fn, 'y', y);
  checkLayers(fn, X, parameters, layerCount(fn, parameters));
  if (y.rows !== 1 || y.cols !== X.cols) throw mismatch(fn, ['y', y], ['X', X], `y must be (1, m) = (1, ${X.cols})`);
  checkExamples(fn, X);
  assertFinite(X, `${fn}: X`);
  const m = X.cols;
  const [probas] = lModelForward(X, parameters);
  const p = Matrix.zeros(1, m);
  const hits = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    p.data[i] = probas.data[i] > 0.5 ? 1 : 0;
    hits[i] = (p.data[i] === y.data[i] ? 1 : 0) / m;
  }
  return { p, probas, accuracy: pairwiseSum(hits) };
}

/** X copied once into the kernels' memory (unless it lives there already), where the products read it in place every iteration. */
function intoKernels(X: Matrix): Matrix {
  const Xk = getKernels().matrix(X.rows, X.cols);
  Xk.data.set(X.data);
  return Xk;
}

function report(i: number, cost: number, numIterations: number, costs: number[], options: TrainOptions): void {
  if (i % 100 === 0) costs.push(cost);
  if (options.printCost && (i % 100 === 0 || i === numIterations - 1)) console.log(`Cost after iteration ${i}: ${cost}`);
  options.onIteration?.(i, cost);
}

/** X has at least one example (column): a cost over m = 0 examples is 0/0. */
function checkExamples(fn: string, X: Matrix): void {
  if (X.cols < 1) throw new ShapeError(`${fn}: X is ${X.shapeString()}; it needs at least one example (column)`);
}

function checkTraining(fn: string, X: Matrix, Y: Matrix, layersDims: readonly number[], options: TrainOptions, exactLayers: number) {
  expectMatrix(fn, 'X', X);
  expectMatrix(fn, 'Y', Y);
  if (!Array.isArray(layersDims) || layersDims.length < 2 || (exactLayers && layersDims.length !== exactLayers)) {
    throw new ShapeError(`${fn}: layersDims is ${JSON.stringify(layersDims)}; it must be ${exactLayers === 3 ? '[n_x, n_h, n_y]' : '[n[0], n[1], ..., n[L]] with at least two sizes'}`);
  }
  if (X.rows !== layersDims[0]) {
    const transposed = X.cols === layersDims[0] ? ` (X looks transposed: examples are columns, so X is (n[0], m) = (${X.cols}, ${X.rows}))` : '';
    throw new ShapeError(`${fn}: X is ${X.shapeString()} but layersDims[0] is ${layersDims[0]}; X's rows must equal n[0], the number of features${transposed}`);
  }
  if (layersDims[layersDims.length - 1] !== 1) {
    throw new ShapeError(`${fn}: layersDims ends with ${layersDims[layersDims.length - 1]}; the output layer must have one unit (n[L] = 1)`);
  }
  if (Y.rows !== 1 || Y.cols !== X.cols) throw mismatch(fn, ['Y', Y], ['X', X], `Y must be (1, m) = (1, ${X.cols})`);
  checkExamples(fn, X);
  assertFinite(X, `${fn}: X`);
  assertFinite(Y, `${fn}: Y`);
  for (let j = 0; j < Y.cols; j++) {
    if (Y.data[j] !== 0 && Y.data[j] !== 1) throw new DataError(`${fn}: Y has ${Y.data[j]} at column ${j}; the course's classifier takes labels 0 or 1 (a Model with a softmax output takes classes)`);
  }
  checkOptions(fn, options);
  const learningRate = options.learningRate ?? 0.0075;
  const numIterations = options.numIterations ?? 3000;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new OptionError(`${fn}: learningRate is ${learningRate}; it must be a positive finite number`);
  if (!Number.isInteger(numIterations) || numIterations < 0) throw new OptionError(`${fn}: numIterations is ${numIterations}; it must be a non-negative integer`);
  return { learningRate, numIterations };
}

const TRAIN_OPTIONS = ['learningRate', 'numIterations', 'printCost', 'onIteration'] as const;

/**
 * The options are one object of known keys. The course's keyword arguments
 * (`learning_rate = 0.0075, num_iterations = 2500, print_cost = True`), or
 * its positional ones, would otherwise be ignored and leave the defaults
 * (3000 iterations, no printing) without a word.
 */
function checkOptions(fn: string, options: unknown): asserts options is TrainOptions {
  const usage = `pass { learningRate, numIterations, printCost } as the fourth argument`;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${fn}: options is ${Array.isArray(options) ? JSON.stringify(options) : String(options)}; ${usage}, e.g. { learningRate: 0.0075, numIterations: 2500, printCost: true }`);
  }
  for (const key of Object.keys(options)) {
    if ((TRAIN_OPTIONS as readonly string[]).includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const known = (TRAIN_OPTIONS as readonly string[]).find((k) => k.toLowerCase() === camel.toLowerCase());
    throw new OptionError(`${fn}: unknown option ${JSON.stringify(key)}${known ? `; the course's ${key} is ${known}` : ''}; the options are ${TRAIN_OPTIONS.join(', ')}`);
  }
}

/** One example the model got wrong, as `print_mislabeled_images` titles it. */
export interface Mislabeled {
  /** Its column in X (0-based, as the course's index). */
  index: number;
  /** The class the model predicted, `classes[p[0, index]]`. */
  prediction: string;
  /** The true class, `classes[y[0, index]]`. */
  label: string;
}

/**
 * The application's `print_mislabeled_images(classes, X, y, p)`: the
 * examples where p + y == 1 (prediction and label differ), one line each,
 * `Image 5: Prediction: cat, Class: non-cat` (the course's picture titles;
 * the picture is column `index` of X: `loadImage`'s layout, 64 · 64 · 3 values).
 * @param classes - class names, ["non-cat", "cat"] from `loadCatData`
 * @param X - (n[0], m) the examples predicted
 * @param y - (1, m) true labels
 * @param p - (1, m) predictions, `predict(X, y, parameters).p`
 * @returns the mislabeled examples in column order
 */
export function printMislabeledImages(classes: readonly string[], X: Matrix, y: Matrix, p: Matrix): Mislabeled[] {
  const fn = 'printMislabeledImages';
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) {
    throw new ShapeError(`${fn}: classes is ${JSON.stringify(classes)}; it must be the class names, e.g. ["non-cat", "cat"] from loadCatData`);
  }
  expectMatrix(fn, 'X', X);
  expectMatrix(fn, 'y', y);
  if (!(p instanceof Matrix) && (p as unknown as Partial<Prediction>)?.p instanceof Matrix) {
    throw new ShapeError(`${fn}: p is predict's whole result { p, probas, accuracy }; pass its p (the course's predict returns only p)`);
  }
  expectMatrix(fn, 'p', p);
  if (y.rows !== 1 || y.cols !== X.cols) throw mismatch(fn, ['y', y], ['X', X], `y must be (1, m) = (1, ${X.cols})`);
  if (p.rows !== 1 || p.cols !== X.cols) throw mismatch(fn, ['p', p], ['X', X], `p must be (1, m) = (1, ${X.cols}), the p of predict`);
  const name = (what: string, v: number, j: number) => {
    if (!Number.isInteger(v) || v < 0 || v >= classes.length) throw new DataError(`${fn}: ${what} has ${v} at column ${j}; it must be a class index from 0 to ${classes.length - 1}`);
    return classes[v];
  };
  const out: Mislabeled[] = [];
  for (let j = 0; j < X.cols; j++) {
    const prediction = name('p', p.data[j], j), label = name('y', y.data[j], j);
    if (p.data[j] !== y.data[j]) out.push({ index: j, prediction, label });
  }
  for (const { index, prediction, label } of out) console.log(`Image ${index}: Prediction: ${prediction}, Class: ${label}`);
  return out;
}
