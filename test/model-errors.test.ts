/**
 * Bad options and bad data given to the Model throw a typed error that names
 * the option (or operand) and says what is allowed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWasmKernels, DataError, DivergenceError, gradientCheckModel, kernelsFor, Matrix, Model, OptionError, ShapeError, type FitOptions, type LayerSpec } from '../src/index.ts';

type ErrorClass = typeof OptionError | typeof ShapeError | typeof DataError;

function throwsWith(fn: () => unknown, Class: ErrorClass, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Class, `expected a ${Class.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} should include ${JSON.stringify(p)}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

const layers = (output: LayerSpec, hidden: LayerSpec = { units: 3, activation: 'relu' }): LayerSpec[] => [hidden, output];
const build = (ls: LayerSpec[], extra: object = {}) => () => new Model({ inputSize: 2, layers: ls, seed: 1, ...extra });

describe('Model: bad layers and options', () => {
  it('unknown activation names the layer and lists the activations', () => {
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }, { units: 3, activation: 'rectifier' as never })), OptionError,
      'layers[0].activation is "rectifier"', '"relu", "leakyRelu", "tanh", "sigmoid", "linear", "softmax"');
  });
  it('softmax with one unit', () => {
    throwsWith(build(layers({ units: 1, activation: 'softmax' })), OptionError, 'layers[1] is softmax with 1 unit', 'at least 2', 'sigmoid');
  });
  it('softmax in a hidden layer', () => {
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }, { units: 3, activation: 'softmax' })), OptionError, 'hidden layer', 'only for the output layer');
  });
  it('softmax in a hidden layer and slope beside another activation: new Model and fromSpec name the layer and the field', () => {
    const hiddenSoftmax = [{ units: 3, activation: 'relu' }, { units: 3, activation: 'softmax' }, { units: 1, activation: 'sigmoid' }] as const;
    const reluSlope = [{ units: 3, activation: 'relu', slope: 0.1 }, { units: 1, activation: 'sigmoid' }] as const;
    const sigmoidSlope = [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid', slope: 0.1 }] as const;
    for (const [fn, make] of [
      ['Model', (layers: readonly object[]) => new Model({ inputSize: 2, layers: layers as LayerSpec[] })],
      ['Model.fromSpec', (layers: readonly object[]) => Model.fromSpec({ inputSize: 2, layers: layers as LayerSpec[] })],
    ] as const) {
      throwsWith(() => make(hiddenSoftmax), OptionError, `${fn}: layers[1].activation is "softmax" in a hidden layer; softmax is only for the output layer`);
      throwsWith(() => make(reluSlope), OptionError, `${fn}: layers[0].slope is 0.1 but layers[0].activation is "relu"; slope is only for "leakyRelu"`);
      throwsWith(() => make(sigmoidSlope), OptionError, `${fn}: layers[1].slope is 0.1 but layers[1].activation is "sigmoid"`);
    }
  });
  it('the LayerSpec type allows slope only beside leakyRelu', () => {
    const ok: LayerSpec[] = [{ units: 3, activation: 'leakyRelu', slope: 0.2 }, { units: 3, activation: 'leakyRelu' }, { units: 1, activation: 'sigmoid' }];
    // @ts-expect-error: slope on a relu layer
    const relu: LayerSpec = { units: 3, activation: 'relu', slope: 0.1 };
    // @ts-expect-error: slope on the output layer
    const output: LayerSpec = { units: 1, activation: 'sigmoid', slope: 0.1 };
    // @ts-expect-error: slope in a layer given straight to new Model
    const direct = () => new Model({ inputSize: 2, layers: [{ units: 3, activation: 'tanh', slope: 0.1 }, { units: 1, activation: 'sigmoid' }] });
    assert.equal(new Model({ inputSize: 2, layers: ok, seed: 1 }).layers[0].slope, 0.2);
    throwsWith(() => new Model({ inputSize: 2, layers: [relu, output] }), OptionError, 'layers[0].slope is 0.1');
    throwsWith(direct, OptionError, 'layers[0].slope is 0.1 but layers[0].activation is "tanh"');
  });
  it('an output activation without a loss', () => {
    throwsWith(build(layers({ units: 1, activation: 'relu' })), OptionError, 'output layer', '"sigmoid", "softmax", "linear"');
  });
  it('units, slope, inputSize, init, dtype, seed, kernels', () => {
    throwsWith(build(layers({ units: 0, activation: 'sigmoid' })), OptionError, 'layers[1].units is 0', 'positive integer');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }, { units: 3, activation: 'leakyRelu', slope: 1.5 })), OptionError, 'slope is 1.5', '[0, 1)');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid', dropout: 0.5 } as LayerSpec)), OptionError, 'unknown option "dropout"');
    throwsWith(() => new Model({ inputSize: 0, layers: layers({ units: 1, activation: 'sigmoid' }) }), OptionError, 'inputSize is 0');
    throwsWith(() => new Model({ inputSize: 2, layers: [] }), OptionError, 'layers is []');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }), { init: 'glorot' }), OptionError, 'init is "glorot"', '"small", "lecun", "he", "xavier"');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }), { dtype: 'float16' }), OptionError, 'dtype is "float16"', '"float64" or "float32"');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }), { seed: -1 }), OptionError, 'seed is -1');
    throwsWith(build(layers({ units: 1, activation: 'sigmoid' }), { dtype: 'float64', kernels: kernelsFor('float32') }), OptionError, 'float32 but dtype is float64');
  });
});

describe('Model.fit: bad options', () => {
  const X = Matrix.from([2, 4], [0, 1, 2, 3, 1, 0, 1, 0]);
  const Y = Matrix.from([1, 4], [0, 1, 1, 0]);
  const fit = (options: Partial<FitOptions> & Record<string, unknown>) => () =>
    new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), seed: 1 }).fit(X, Y, { epochs: 1, learningRate: 0.1, ...options } as FitOptions);

  it('learning rate: negative, zero, missing, not a number', () => {
    throwsWith(fit({ learningRate: -0.1 }), OptionError, 'learningRate is -0.1', 'positive');
    throwsWith(fit({ learningRate: 0 }), OptionError, 'learningRate is 0');
    throwsWith(fit({ learningRate: undefined }), OptionError, 'learningRate is undefined');
    throwsWith(fit({ learningRate: NaN }), OptionError, 'learningRate is NaN');
  });
  it('keep probability outside (0, 1]', () => {
    for (const p of [0, -0.5, 1.5]) throwsWith(fit({ keepProb: p }), OptionError, `keepProb is ${p}`, '(0, 1]');
    throwsWith(fit({ keepProb: [0.5, 0.5] }), OptionError, 'give one number in (0, 1] or 1 (one per hidden layer)');
    throwsWith(fit({ keepProb: [0] }), OptionError, 'keepProb[0] is 0', '(0, 1]');
  });
  it('epochs, iterations, batch size', () => {
    throwsWith(fit({ epochs: undefined }), OptionError, 'give epochs', 'or iterations', 'neither');
    throwsWith(fit({ iterations: 5 }), OptionError, 'not both');
    throwsWith(fit({ epochs: 0 }), OptionError, 'epochs is 0', 'positive integer');
    throwsWith(fit({ batchSize: 2.5 }), OptionError, 'batchSize is 2.5');
  });
  it('the type of fit\'s options asks for epochs or iterations, exactly one, as fit does (tsc checks the expected errors)', () => {
    const model = new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), seed: 1 });
    // @ts-expect-error neither epochs nor iterations: fit cannot know how long to train
    throwsWith(() => model.fit(X, Y, { learningRate: 0.1 }), OptionError, 'neither was given');
    // @ts-expect-error both
    throwsWith(() => model.fit(X, Y, { epochs: 1, iterations: 3, learningRate: 0.1 }), OptionError, 'not both');
    // Either alone type-checks and runs; so does an options object built with one or the other.
    const byEpochs = true as boolean;
    const length = byEpochs ? { epochs: 2 } : { iterations: 5 };
    assert.equal(model.fit(X, Y, { ...length, learningRate: 0.1 }).iterations, 2);
    assert.equal(model.fit(X, Y, { iterations: 3, learningRate: 0.1 }).iterations, 3);
  });
  it('optimizer, its hyperparameters, decay, l2, seed, early stopping, unknown options', () => {
    throwsWith(fit({ optimizer: 'sgd' as never }), OptionError, 'optimizer is "sgd"', '"gd", "momentum", "rmsprop", "adam"');
    throwsWith(fit({ optimizer: { type: 'adam', beta1: 1 } }), OptionError, 'beta1 is 1', '[0, 1)');
    throwsWith(fit({ optimizer: { type: 'momentum', beta2: 0.9 } as never }), OptionError, 'no option "beta2"', 'beta');
    throwsWith(fit({ decay: { type: 'step', rate: 1 } as never }), OptionError, 'decay is', 'inverseTime', 'exponential');
    throwsWith(fit({ decay: { type: 'exponential', rate: 1.5 } }), OptionError, 'decay rate is 1.5', '(0, 1]');
    throwsWith(fit({ l2: -1 }), OptionError, 'l2 is -1', '≥ 0');
    throwsWith(fit({ seed: 1.5 }), OptionError, 'seed is 1.5');
    throwsWith(fit({ earlyStopping: { patience: 2 } }), OptionError, 'earlyStopping', 'validation');
    throwsWith(fit({ learning_rate: 0.1 }), OptionError, 'unknown option "learning_rate"', 'learningRate');
  });
  it('a last update that leaves parameters NaN or Infinity does not end fit as if it completed', () => {
    // The cost before the update is finite; the update overflows W1 (no later step would look at it).
    const cases = [
      { X: Matrix.from([2, 4], [1e150, -1e150, 1e150, -1e150, 1e150, 1e150, -1e150, -1e150]), layers: [{ units: 3, activation: 'linear' }, { units: 1, activation: 'linear' }], learningRate: 1e10 },
      { X: Matrix.from([2, 4], [1e306, -1e306, 1, 2, 3, 4, 5, 6]), layers: [{ units: 1, activation: 'sigmoid' }], learningRate: 1000 },
    ] as const;
    for (const c of cases) {
      const model = new Model({ inputSize: 2, layers: c.layers as unknown as LayerSpec[], seed: 1 });
      assert.throws(() => model.fit(c.X, Y, { epochs: 1, learningRate: c.learningRate }), (e: unknown) => {
        assert.ok(e instanceof DivergenceError, String(e));
        assert.match(e.message, /^Model\.fit: the update of iteration 0 made parameter (W|b)\d\[\d+, \d+\] (NaN|-?Infinity); the parameters diverged, so learningRate [\d.e+]+ is probably too large/);
        assert.equal(e.iteration, 0);
        assert.ok(!Number.isFinite(e.cost), 'the value that is not finite');
        assert.equal(e.learningRate, c.learningRate);
        return true;
      });
    }
  });
  it('a cost that is not finite before any update blames the data, not the learning rate', () => {
    const huge = Matrix.from([2, 4], [1e300, -1e300, 1e300, 2, 3, 4, 5, 6]);
    const linear = new Model({ inputSize: 2, layers: [{ units: 3, activation: 'linear' }, { units: 1, activation: 'linear' }], seed: 1 });
    throwsWith(() => linear.fit(huge, Y, { epochs: 1, learningRate: 0.1 }), OptionError, 'Model.fit: the cost became Infinity at iteration 0 (epoch 0), before any update', 'scale X');
  });
  it('outputs that overflow to NaN are an error of predict, classify, evaluate and cost, not an answer', () => {
    // Finite parameters on finite inputs: Z1 = W1·X overflows to Infinity in both units, Z2 = Inf − Inf.
    const spec = new Model({ inputSize: 2, layers: [{ units: 2, activation: 'linear' }, { units: 1, activation: 'sigmoid' }] }).toSpec();
    const model = Model.fromSpec(spec, [1e300, 0, 1e300, 0, 0, 0, 1, -1, 0]);
    const huge = Matrix.from([2, 4], [1e10, 1, 2, 3, 0, 0, 0, 0]);
    const message = /the output A\[2\] is NaN at row 0, column 0: the forward pass overflowed/;
    for (const [name, use] of [['predict', () => model.predict(huge)], ['classify', () => model.classify(huge)], ['evaluate', () => model.evaluate(huge, Y)], ['cost', () => model.cost(huge, Y)]] as const) {
      throwsWith(use, DataError, `Model.${name}: `, message, 'scale X');
    }
    assert.equal(model.predict(Matrix.from([2, 1], [0.5, 0.5])).cols, 1, 'inputs it can handle still work');
  });
  it('a cost that diverges to Infinity or NaN stops training with a hint', () => {
    const big = Matrix.from([2, 4], [1e150, -1e150, 1e150, -1e150, 1e150, 1e150, -1e150, -1e150]);
    const model = new Model({ inputSize: 2, layers: [{ units: 3, activation: 'linear' }, { units: 1, activation: 'linear' }], seed: 1 });
    throwsWith(() => model.fit(big, Y, { epochs: 5, learningRate: 1e10 }), OptionError, 'the cost became', 'smaller learningRate');
  });
});

describe('misspelt options are errors, not defaults', () => {
  const X = Matrix.from([2, 4], [0, 1, 2, 3, 1, 0, 1, 0]);
  const Y = Matrix.from([1, 4], [0, 1, 1, 0]);
  const model = () => new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), seed: 1 });
  it('new Model, fromSpec, cost, gradients, gradientCheckModel', () => {
    throwsWith(() => new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), dtpye: 'float32' } as never), OptionError, 'Model: unknown option "dtpye" in options; the options are inputSize, layers, init, seed, dtype, kernels');
    throwsWith(() => Model.fromSpec(model().toSpec(), undefined, { kernal: kernelsFor('float64') } as never), OptionError, 'Model.fromSpec: unknown option "kernal"');
    throwsWith(() => model().cost(X, Y, { lambd: 0.7 } as never), OptionError, 'Model.cost: unknown option "lambd" in options; the options are l2');
    throwsWith(() => model().cost(X, Y, null as never), OptionError, 'Model.cost: options is null');
    throwsWith(() => model().gradients(X, Y, { keep_prob: 0.5 } as never), OptionError, 'Model.gradients: unknown option "keep_prob"', 'l2, keepProb, rng');
    throwsWith(() => gradientCheckModel(model(), X, Y, { lambd: 0.7 } as never), OptionError, 'gradientCheckModel: unknown option "lambd"', 'l2, epsilon');
  });
  it('fit\'s earlyStopping and validation', () => {
    const validation = { X, Y };
    throwsWith(() => model().fit(X, Y, { epochs: 2, learningRate: 0.1, validation, earlyStopping: { patience: 1, min_delta: 0.1 } as never }), OptionError, 'Model.fit: unknown option "min_delta" in earlyStopping; the options are patience, minDelta, restoreBest');
    throwsWith(() => model().fit(X, Y, { epochs: 2, learningRate: 0.1, validation, earlyStopping: { patience: 1, restoreBest: 'no' as never } }), OptionError, 'earlyStopping.restoreBest is "no"; use true (the default) or false');
    const early = (earlyStopping: object) => () => model().fit(X, Y, { epochs: 2, learningRate: 0.1, validation, earlyStopping: earlyStopping as { patience: number } });
    for (const [value, shown] of [[Infinity, 'Infinity'], [NaN, 'NaN'], [-0.1, '-0.1'], ['0.1', '"0.1"']] as const) {
      throwsWith(early({ patience: 2, minDelta: value }), OptionError, `Model.fit: earlyStopping.minDelta is ${shown}; it must be a finite number ≥ 0`);
    }
    for (const [value, shown] of [[Infinity, 'Infinity'], [NaN, 'NaN'], [0, '0'], [-1, '-1'], [1.5, '1.5'], [undefined, 'undefined']] as const) {
      throwsWith(early({ patience: value }), OptionError, `Model.fit: earlyStopping.patience is ${shown}; it must be a positive integer`);
    }
    // The largest finite minDelta is allowed: after the first epoch nothing improves by it, so training stops `patience` epochs later.
    assert.equal(model().fit(X, Y, { epochs: 10, learningRate: 0.1, validation, earlyStopping: { patience: 2, minDelta: Number.MAX_VALUE } }).epochs.cost.length, 3);
    throwsWith(() => model().fit(X, Y, { epochs: 2, learningRate: 0.1, validation: { X, Y, y: Y } as never }), OptionError, 'Model.fit: unknown option "y" in validation; the options are X, Y');
  });
});

describe('Model.trainer: bad options', () => {
  const X = Matrix.from([2, 4], [0, 1, 0, 1, 0, 0, 1, 1]);
  const Y = Matrix.from([1, 4], [0, 1, 1, 0]);
  const model = () => new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), seed: 1 });

  it('checks the options of an update as fit does, and says which options belong to fit', () => {
    throwsWith(() => model().trainer(X, Y, { learningRate: -1 }), OptionError, 'Model.trainer: learningRate is -1');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, batchSize: 0 }), OptionError, 'Model.trainer: batchSize is 0', 'positive integer');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, optimizer: 'sgd' as never }), OptionError, 'optimizer is "sgd"');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, keepProb: 2 }), OptionError, 'keepProb is 2');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, epochs: 3 } as never), OptionError, 'unknown option "epochs"', 'an option of fit', 'step()');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, lr: 3 } as never), OptionError, 'unknown option "lr"', 'learningRate');
    throwsWith(() => model().trainer(X, Y, null as never), OptionError, 'options must be an object');
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1 }).run(1.5), OptionError, 'run(count) got 1.5');
  });

  it('checks X and Y once, when the trainer is made', () => {
    throwsWith(() => model().trainer(Matrix.zeros(3, 4), Y, { learningRate: 0.1 }), ShapeError, 'Model.trainer: X is (3, 4)');
    throwsWith(() => model().trainer(X, Matrix.from([1, 4], [0, 1, 2, 1]), { learningRate: 0.1 }), DataError, 'Model.trainer: Y has 2');
  });

  it('a diverging cost throws before the update, with the iteration, epoch and a hint', () => {
    const big = Matrix.from([2, 4], [1e150, -1e150, 1e150, -1e150, 1e150, 1e150, -1e150, -1e150]);
    const linear = new Model({ inputSize: 2, layers: [{ units: 3, activation: 'linear' }, { units: 1, activation: 'linear' }], seed: 1 });
    const trainer = linear.trainer(big, Y, { batchSize: 2, learningRate: 1e10 });
    let steps = 0;
    throwsWith(() => { for (; steps < 10; steps++) trainer.step(); }, OptionError, /^Model\.trainer: the cost became (Infinity|NaN) at iteration \d+ \(epoch \d+\)/, 'smaller learningRate');
    assert.equal(trainer.iteration, steps, 'the failed step counts no update');
    // A DivergenceError, with what went wrong as fields.
    const fresh = new Model({ inputSize: 2, layers: [{ units: 3, activation: 'linear' }, { units: 1, activation: 'linear' }], seed: 1 });
    const again = fresh.trainer(big, Y, { batchSize: 2, learningRate: 1e10 });
    assert.throws(() => again.run(10), (e: unknown) => e instanceof DivergenceError && !Number.isFinite(e.cost) && e.iteration === steps && e.learningRate === 1e10);
  });
});

describe('Model: data that does not fit', () => {
  const sigmoid = () => new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'sigmoid' }), seed: 1 });
  const softmax = () => new Model({ inputSize: 2, layers: layers({ units: 3, activation: 'softmax' }), seed: 1 });
  const X = Matrix.from([2, 4], [0, 1, 2, 3, 1, 0, 1, 0]);
  const opts = { epochs: 1, learningRate: 0.1 };

  it('three classes for a sigmoid output', () => {
    throwsWith(() => sigmoid().fit(X, Matrix.from([1, 4], [0, 1, 2, 1]), opts), DataError, 'Model.fit: Y has 2 at row 0, column 2', 'labels 0 or 1', 'softmax output with 3 units');
  });
  it('class indices outside the softmax output, bad one-hot columns, wrong shapes', () => {
    throwsWith(() => softmax().fit(X, Matrix.from([1, 4], [0, 1, 3, 1]), opts), DataError, 'has 3 at column 2', '3 units', 'integers 0..2');
    throwsWith(() => softmax().fit(X, Matrix.from([1, 4], [0, 0.5, 1, 1]), opts), DataError, 'has 0.5 at column 1');
    throwsWith(() => softmax().fit(X, Matrix.from([3, 4], [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1]), opts), DataError, 'column 3 has 2 ones');
    throwsWith(() => softmax().fit(X, Matrix.from([2, 4], [1, 0, 0, 0, 0, 1, 1, 1]), opts), ShapeError, 'Y is (2, 4)', '(3, 4) one-hot or (1, 4) class indices 0..2');
    throwsWith(() => sigmoid().fit(X, Matrix.from([4, 1], [0, 1, 1, 0]), opts), ShapeError, 'Y is (4, 1)', 'Y must be (1, 4)', 'transpose Y');
  });
  it('X with the wrong number of features, NaN, no examples', () => {
    throwsWith(() => sigmoid().fit(Matrix.zeros(3, 4), Matrix.zeros(1, 4), opts), ShapeError, 'X is (3, 4)', "inputSize is 2", '(2, m)');
    throwsWith(() => sigmoid().predict(Matrix.zeros(4, 2)), ShapeError, 'X is (4, 2)', 'transpose X');
    throwsWith(() => sigmoid().fit(new Matrix(2, 2, Float64Array.from([0, NaN, 1, 2])), Matrix.zeros(1, 2), opts), DataError, 'NaN at row 0, column 1');
    throwsWith(() => sigmoid().predict(Matrix.zeros(2, 0)), ShapeError, 'at least one example');
    throwsWith(() => sigmoid().fit(X, Matrix.zeros(1, 4), { ...opts, validation: { X: Matrix.zeros(2, 3), Y: Matrix.zeros(1, 2) } }), ShapeError, 'validation: Y is (1, 2)');
  });
  it('classify on a regression model; fromSpec with the wrong number of values', () => {
    const reg = new Model({ inputSize: 2, layers: [{ units: 1, activation: 'linear' }], seed: 1 });
    throwsWith(() => reg.classify(X), OptionError, 'linear', 'use predict');
    throwsWith(() => Model.fromSpec(reg.toSpec(), [1, 2]), ShapeError, '2 parameter values', 'which have 3');
    throwsWith(() => Model.fromSpec({ ...reg.toSpec(), loss: 'categoricalCrossEntropy' }), OptionError, 'spec.loss');
    throwsWith(() => Model.fromSpec(reg.toSpec(), [1, NaN, 2]), DataError, 'parameter value 1 is NaN');
  });
});

describe('float32 models: values float32 cannot hold', () => {
  // 1e300 is a finite float64 but Infinity once stored in float32: the model
  // would answer NaN, or fit would blame the learning rate.
  const model = () => new Model({ inputSize: 2, layers: layers({ units: 1, activation: 'linear' }), seed: 1, dtype: 'float32' });
  const X = Matrix.from([2, 4], [0, 1, 2, 3, 1, 0, 1e300, 0]);
  const Y = Matrix.from([1, 4], [0, 1, 1, 0]);
  const opts = { epochs: 1, learningRate: 0.1 };

  it('X beyond ±3.4e38 in predict, evaluate, fit (whole set and batches), validation and trainer', () => {
    const message = ['X (2, 4) has 1e+300 at row 1, column 2', "float32's range"];
    throwsWith(() => model().predict(X), DataError, 'Model.predict: ', ...message);
    throwsWith(() => model().evaluate(X, Y), DataError, 'Model.evaluate: ', ...message);
    throwsWith(() => model().fit(X, Y, opts), DataError, 'Model.fit: ', ...message);
    throwsWith(() => model().fit(X, Y, { ...opts, batchSize: 2 }), DataError, 'Model.fit: ', ...message);
    throwsWith(() => model().fit(Matrix.zeros(2, 4), Y, { ...opts, validation: { X, Y } }), DataError, 'Model.fit: validation: ', ...message);
    throwsWith(() => model().trainer(X, Y, { learningRate: 0.1, batchSize: 2 }), DataError, 'Model.trainer: ', ...message);
    // The largest float32 itself is accepted.
    model().checkInput('Model.predict', Matrix.from([2, 1], [3.4028234663852886e38, 0]));
  });

  it('labels of a linear output, and parameter values given to fromSpec', () => {
    throwsWith(() => model().fit(Matrix.zeros(2, 4), Matrix.from([1, 4], [0, -1e39, 0, 0]), opts), DataError, 'Model.fit: Y (1, 4) has -1e+39 at row 0, column 1', "float32's range");
    const spec = model().toSpec();
    throwsWith(() => Model.fromSpec(spec, [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 1e300, 0, 0, 0]), DataError, 'Model.fromSpec: parameter value 9 is 1e+300', "float32's range");
  });
});

describe('Model.fromSpec given what is not a model', () => {
  const spec = () => new Model({ inputSize: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], seed: 1 }).toSpec();
  it('another JSON file: an object without inputSize and layers, or an array, is named as not a model spec', () => {
    throwsWith(() => Model.fromSpec(JSON.parse('{"name": "my-app", "version": "1.0.0"}')), OptionError,
      'Model.fromSpec: spec has no inputSize and no layers, so it does not describe a model', 'its fields: name, version', 'Model.toSpec()');
    throwsWith(() => Model.fromSpec({ layers: spec().layers } as never), OptionError, 'Model.fromSpec: spec has no inputSize,');
    throwsWith(() => Model.fromSpec(JSON.parse('[1, 2, 3]')), OptionError, 'Model.fromSpec: spec is an array');
  });
  it('the parameters as raw bytes (a Uint8Array or an ArrayBuffer) are named as bytes, with the view to make', () => {
    const values = new Float64Array(13).fill(0.5);
    const bytes = new Uint8Array(values.buffer);
    throwsWith(() => Model.fromSpec(spec(), bytes), ShapeError, '104 parameter values', 'which have 13', "the parameters' 104 bytes", 'new Float64Array(bytes.buffer, bytes.byteOffset, 13)');
    throwsWith(() => Model.fromSpec(spec(), values.buffer as never), OptionError, 'an ArrayBuffer of 104 bytes', 'new Float64Array(buffer)');
    throwsWith(() => Model.fromSpec({ ...spec(), dtype: 'float32' }, new Uint8Array(new Float32Array(13).buffer)), ShapeError, 'new Float32Array(bytes.buffer, bytes.byteOffset, 13)');
    assert.equal(Model.fromSpec(spec(), new Float64Array(bytes.buffer)).predict(Matrix.fromRows([[1], [1]])).data.length, 1);
  });
  it('a spec or values it rejects leave no kernel memory behind (the model it started is released)', () => {
    const kernels = createWasmKernels('float64', { threads: 1 });
    const before = kernels.runtime.bytesInUse();
    for (let i = 0; i < 3; i++) {
      assert.throws(() => Model.fromSpec(spec(), [1, 2], { kernels }), ShapeError);
      assert.throws(() => Model.fromSpec({ ...spec(), parameterCount: 7 }, undefined, { kernels }), ShapeError);
      assert.throws(() => Model.fromSpec(spec(), new Array(13).fill(NaN), { kernels }), DataError);
    }
    assert.equal(kernels.runtime.bytesInUse(), before);
    const ok = Model.fromSpec(spec(), undefined, { kernels });
    assert.ok(kernels.runtime.bytesInUse() > before);
    ok.release();
    assert.equal(kernels.runtime.bytesInUse(), before);
  });
});
