/**
 * The Model API against NumPy (test/fixtures/model/make_fixtures.py, the
 * course's formulas written plainly): every activation and its backward,
 * softmax + categorical cross-entropy, saturated outputs, mean squared error,
 * each initializer, one step of each optimizer (Adam at t = 1 and t = 10),
 * L2 and dropout, and whole mini-batch trainings, all within
 * MODEL_TOLERANCE.float64.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Arena,
  computeCost,
  getKernels,
  layerBackward,
  layerForward,
  leakyRelu,
  leakyReluBackward,
  Matrix,
  Model,
  Optimizer,
  outputCost,
  randomMiniBatches,
  RandomState,
  refKernels,
  softmax,
  tanh,
  tanhBackward,
  type LayerActivation,
  type LayerSpec,
  type OptimizerConfig,
} from '../src/index.ts';
import type { FloatArray } from '../src/matrix.ts';
import { exampleRows, gatherColumns, gatherRows } from '../src/model/network.ts';
import { assertMatrix, assertNumber, mat, type ArrayJson } from './helpers.ts';
import { arenaDict, MODEL_TOLERANCE, modelFixtures, modelWith } from './model-helpers.ts';

const F = modelFixtures();
const TOL = MODEL_TOLERANCE.float64;

function assertDict(actual: Record<string, Matrix<any>>, expected: Record<string, ArrayJson>, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: keys`);
  for (const [k, v] of Object.entries(expected)) assertMatrix(actual[k], v, `${what}.${k}`, TOL);
}

describe('activations, forward beside backward (NumPy)', () => {
  for (const c of F.activations) {
    const name = `${c.activation}${c.slope ? ` slope ${c.slope}` : ''} ${c.Z.shape.join('x')}`;
    it(`${name}: the Model's layer pair`, () => {
      const Z = mat(c.Z), dA = mat(c.dA);
      const layer = { units: Z.rows, activation: c.activation as LayerActivation, slope: c.slope };
      const A = Matrix.zeros(Z.rows, Z.cols), dZ = Matrix.zeros(Z.rows, Z.cols);
      layerForward(refKernels, layer, Z, A);
      layerBackward(refKernels, layer, dA, Z, dZ);
      assertMatrix(A, c.A, 'A', TOL);
      assertMatrix(dZ, c.dZ, 'dZ', TOL);
    });
    if (c.activation === 'tanh' || c.activation === 'leakyRelu') {
      it(`${name}: the step-style pair`, () => {
        const Z = mat(c.Z), dA = mat(c.dA);
        const [A, cache] = c.activation === 'tanh' ? tanh(Z) : leakyRelu(Z, c.slope);
        assert.equal(cache, Z, 'the cache is Z');
        assertMatrix(A, c.A, 'A', TOL);
        assertMatrix(c.activation === 'tanh' ? tanhBackward(dA, cache) : leakyReluBackward(dA, cache, c.slope), c.dZ, 'dZ', TOL);
      });
    }
  }

  it('covers every activation a hidden layer can use', () => {
    const seen = new Set(F.activations.map((c: { activation: string }) => c.activation));
    for (const a of ['sigmoid', 'relu', 'tanh', 'leakyRelu', 'linear']) assert.ok(seen.has(a), `no fixture for ${a}`);
  });
});

describe('softmax + categorical cross-entropy (NumPy)', () => {
  it('one layer: A, cost, dZ = A − Y', () => {
    const c = F.softmax.layer;
    const Z = mat(c.Z), Y = mat(c.Y);
    const [A] = softmax(Z);
    assertMatrix(A, c.A, 'A', TOL);
    assertNumber(outputCost('categoricalCrossEntropy', Z, A, Y, new Float64Array(Z.size)), c.cost, 'cost', TOL);
    const dZ = Matrix.zeros(Z.rows, Z.cols);
    getKernels().outputGradient(A, Y, dZ);
    assertMatrix(dZ, c.dZ, 'dZ', TOL);
  });

  for (const labels of ['one-hot', 'class indices'] as const) {
    it(`relu -> softmax network, labels as ${labels}: AL, cost and every gradient`, () => {
      const c = F.softmax.network;
      const model = modelWith(4, [{ units: 5, activation: 'relu' }, { units: 3, activation: 'softmax' }], c.parameters);
      const Y = mat(labels === 'one-hot' ? c.Y : c.labels);
      const { cost, gradients, cache } = model.gradients(mat(c.X), Y);
      assertMatrix(cache.A2, c.AL, 'AL', TOL);
      assertNumber(cost, c.cost, 'cost', TOL);
      assertDict(arenaDict(gradients.entries, 'd'), c.grads, 'grads');
      assertNumber(model.evaluate(mat(c.X), Y).cost, c.cost, 'evaluate().cost', TOL);
    });
  }
});

describe('saturated outputs (Z = ±800)', () => {
  for (const [output, loss] of [['sigmoid', 'binaryCrossEntropy'], ['softmax', 'categoricalCrossEntropy']] as const) {
    it(`${output}: a finite cost equal to NumPy's log-sum-exp form, finite dZ = A − Y`, () => {
      const c = F.saturated[output];
      const Z = mat(c.Z), Y = mat(c.Y);
      const A = Matrix.zeros(Z.rows, Z.cols);
      layerForward(refKernels, { units: Z.rows, activation: output, slope: 0 }, Z, A);
      assertMatrix(A, c.A, 'A', TOL);
      const J = outputCost(loss, Z, A, Y, new Float64Array(Z.size));
      assert.ok(Number.isFinite(J), `cost ${J}`);
      assertNumber(J, c.cost, 'cost', TOL);
      const dZ = Matrix.zeros(Z.rows, Z.cols);
      refKernels.outputGradient(A, Y, dZ);
      assert.ok(dZ.data.every(Number.isFinite), 'dZ is finite');
      assertMatrix(dZ, c.dZ, 'dZ', TOL);
      assert.equal(c.course_cost_is_finite, false, "the course's log(AL) form is not finite here (why the Model fuses the loss)");
      if (output === 'sigmoid') assert.ok(!Number.isFinite(computeCost(A, Y)), "the tutorial's computeCost keeps its own formula");
    });
  }

  it('outputs that overflowed (Z = ±∞): 0 for a right label, ∞ for a wrong one, never NaN', () => {
    const Z = new Matrix(1, 2, Float64Array.of(Infinity, -Infinity)); // fromRows takes finite data only
    const A = Matrix.zeros(1, 2);
    layerForward(refKernels, { units: 1, activation: 'sigmoid', slope: 0 }, Z, A);
    const terms = new Float64Array(2);
    const right = outputCost('binaryCrossEntropy', Z, A, Matrix.fromRows([[1, 0]]), terms);
    assert.ok(right === 0, `cost ${right}`); // ±0: the sign of a zero cost is −1/m's
    assert.equal(outputCost('binaryCrossEntropy', Z, A, Matrix.fromRows([[0, 0]]), terms), Infinity);
    // softmax: a class at −∞ that is not the label costs nothing
    const Zs = new Matrix(2, 2, Float64Array.of(0, -Infinity, -Infinity, 0));
    const As = Matrix.zeros(2, 2);
    layerForward(refKernels, { units: 2, activation: 'softmax', slope: 0 }, Zs, As);
    const rightS = outputCost('categoricalCrossEntropy', Zs, As, Matrix.fromRows([[1, 0], [0, 1]]), new Float64Array(4));
    assert.ok(rightS === 0, `cost ${rightS}`);
    assert.equal(outputCost('categoricalCrossEntropy', Zs, As, Matrix.fromRows([[0, 1], [1, 0]]), new Float64Array(4)), Infinity);
    // through the Model: a sigmoid unit whose Z overflows on examples it gets right
    const model = new Model({ inputSize: 1, layers: [{ units: 1, activation: 'sigmoid' }], seed: 1 });
    model.W(1).data[0] = 1e308;
    model.b(1).data[0] = 0;
    const r = model.evaluate(Matrix.fromRows([[10, -10]]), Matrix.fromRows([[1, 0]]));
    assert.ok(r.cost === 0, `cost ${r.cost}`);
    assert.equal(r.accuracy, 1);
  });

  it('a model whose output saturates trains on: finite cost and finite gradients', () => {
    const model = new Model({ inputSize: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], seed: 1 });
    model.W(1).data.set([400, 400, -400, -400, 400, -400]);
    model.W(2).data.set([1, 1, 1]);
    const X = Matrix.fromRows([[1, -1, 0.5], [1, -1, 0.5]]);
    const Y = Matrix.fromRows([[0, 1, 0]]);
    const { cost, gradients, cache } = model.gradients(X, Y);
    assert.ok(cache.Z2.data.some((z) => Math.abs(z) >= 800), `Z2 = ${cache.Z2}`);
    assert.ok(Number.isFinite(cost) && cost > 100, `cost ${cost}`);
    assert.ok(gradients.data.every(Number.isFinite), 'every gradient is finite');
  });
});

describe('mean squared error with a linear output (NumPy)', () => {
  it('tanh -> linear network: AL, cost, gradients', () => {
    const c = F.mse;
    const model = modelWith(3, [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'linear' }], c.parameters);
    const { cost, gradients, cache } = model.gradients(mat(c.X), mat(c.Y));
    assertMatrix(cache.A2, c.AL, 'AL', TOL);
    assertNumber(cost, c.cost, 'cost', TOL);
    assertDict(arenaDict(gradients.entries, 'd'), c.grads, 'grads');
  });
});

describe('initializers (NumPy, same seed)', () => {
  for (const c of F.initializers) {
    it(`${c.init} on ${JSON.stringify(c.layer_dims)}, seed ${c.seed}`, () => {
      const dims: number[] = c.layer_dims;
      const layers: LayerSpec[] = dims.slice(1).map((units, i) => ({ units, activation: i === dims.length - 2 ? 'sigmoid' : 'relu' }));
      const model = new Model({ inputSize: dims[0], layers, init: c.init, seed: c.seed });
      assertDict(model.parameterDict(), c.parameters, 'parameters');
    });
  }
});

describe('optimizers, one step (NumPy)', () => {
  const O = F.optimizers;
  const shapes = ['W1', 'b1', 'W2', 'b2'].map((k) => O.parameters[k].shape as [number, number]);
  const arena = (dict: Record<string, ArrayJson>, prefix = '') => {
    const a = new Arena(shapes, refKernels);
    ['W1', 'b1', 'W2', 'b2'].forEach((k, i) => a.entries[i].data.set(mat(dict[prefix + k]).data));
    return a;
  };
  for (const c of O.cases) {
    it(`${c.optimizer}${c.t ? ` at t = ${c.t}` : ''}`, () => {
      const config: OptimizerConfig =
        c.optimizer === 'gd' ? { type: 'gd' }
          : c.optimizer === 'momentum' ? { type: 'momentum', beta: c.beta }
            : c.optimizer === 'rmsprop' ? { type: 'rmsprop', beta: c.beta, epsilon: c.epsilon }
              : { type: 'adam', beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon };
      const parameters = arena(O.parameters);
      const grads = arena(O.grads, 'd');
      const optimizer = new Optimizer(config, parameters, refKernels);
      if (c.v_before) optimizer.v!.data.set(arena(c.v_before, 'd').data);
      if (c.s_before) optimizer.s!.data.set(arena(c.s_before, 'd').data);
      if (c.t) optimizer.t = c.t - 1;
      optimizer.step(c.learning_rate, grads, parameters);
      if (c.t) assert.equal(optimizer.t, c.t);
      assertDict(arenaDict(parameters.entries), c.parameters_after, 'parameters');
      if (c.v_after) assertDict(arenaDict(optimizer.v!.entries, 'd'), c.v_after, 'v');
      if (c.s_after) assertDict(arenaDict(optimizer.s!.entries, 'd'), c.s_after, 's');
    });
  }
  it('covers gd, momentum, rmsprop and Adam at t = 1 and t = 10', () => {
    assert.deepEqual(O.cases.map((c: { optimizer: string; t?: number }) => c.optimizer + (c.t ?? '')), ['gd', 'momentum', 'rmsprop', 'adam1', 'adam10']);
  });
});

describe('L2 regularization and inverted dropout (NumPy)', () => {
  const R = F.regularization;
  const layers: LayerSpec[] = R.activations.map((activation: LayerActivation, i: number) => ({ units: R.layer_dims[i + 1], activation }));
  const model = () => modelWith(R.layer_dims[0], layers, R.parameters);

  it('L2: cost = cross-entropy + (1/m)(λ/2)ΣW², dW = ... + (λ/m)W', () => {
    const c = R.cases.l2;
    const m = model();
    const { cost, gradients } = m.gradients(mat(R.X), mat(R.Y), { l2: c.lambd });
    assertNumber(cost, c.cost, 'cost', TOL);
    assertDict(arenaDict(gradients.entries, 'd'), c.grads, 'grads');
    assertNumber(m.cost(mat(R.X), mat(R.Y), { l2: c.lambd }), c.cost, 'Model.cost with l2', TOL);
    assertNumber(m.cost(mat(R.X), mat(R.Y)), c.cost_without_l2, 'Model.cost without l2', TOL);
  });

  for (const name of ['dropout', 'dropout_per_layer', 'dropout_l2']) {
    it(`${name}: masks drawn with rand < keep_prob, forward and backward`, () => {
      const c = R.cases[name];
      const keepProb: number[] = c.keep_prob;
      const { cost, gradients, cache } = model().gradients(mat(R.X), mat(R.Y), { l2: c.lambd, keepProb, rng: new RandomState(c.seed) });
      assert.deepEqual(Object.keys(cache).filter((k) => k.startsWith('D')).sort(), Object.keys(c.cache).filter((k) => k.startsWith('D')).sort(), 'masks of the layers with keep_prob < 1');
      for (const [k, v] of Object.entries(c.cache as Record<string, ArrayJson>)) {
        assertMatrix(cache[k], v, k, k.startsWith('D') ? { abs: 0, rel: 0 } : TOL);
      }
      assertNumber(cost, c.cost, 'cost', TOL);
      assertDict(arenaDict(gradients.entries, 'd'), c.grads, 'grads');
    });
  }
});

describe('training with mini-batches (NumPy, fixed seeds)', () => {
  for (const run of F.training) {
    it(`${run.name}: every iteration's cost, every epoch's cost and learning rate, the final parameters`, () => {
      const layers: LayerSpec[] = run.layers.map((l: { activation: LayerActivation; slope: number }, i: number) => ({
        units: run.layer_dims[i + 1],
        activation: l.activation,
        ...(l.activation === 'leakyRelu' ? { slope: l.slope } : {}),
      }));
      const model = new Model({ inputSize: run.layer_dims[0], layers, init: run.init, seed: run.init_seed });
      assertDict(model.parameterDict(), run.initial_parameters, 'initial parameters');
      const o = run.options;
      const optimizer = o.optimizer === 'momentum' || o.optimizer === 'rmsprop' ? { type: o.optimizer, beta: o.beta } : o.optimizer;
      const history = model.fit(mat(run.X), mat(run.labels), {
        epochs: o.epochs,
        batchSize: o.batch_size,
        optimizer,
        learningRate: o.learning_rate,
        seed: o.seed,
        ...(o.lambd !== undefined ? { l2: o.lambd } : {}),
        ...(o.keep !== undefined ? { keepProb: o.keep } : {}),
        ...(o.decay !== undefined ? { decay: o.decay } : {}),
      });
      assert.equal(history.costs.length, run.costs.length, 'iterations');
      run.costs.forEach((c: number, i: number) => assertNumber(history.costs[i], c, `cost of iteration ${i}`, TOL));
      run.epoch_costs.forEach((c: number, e: number) => assertNumber(history.epochs.cost[e], c, `cost of epoch ${e}`, TOL));
      run.learning_rates.forEach((lr: number, e: number) => assertNumber(history.epochs.learningRate[e], lr, `learning rate of epoch ${e}`, TOL));
      assertDict(model.parameterDict(), run.final_parameters, 'final parameters');
    });
  }

  it('includes three epochs of mini-batch Adam with a smaller last batch', () => {
    const adam = F.training.find((r: { name: string }) => r.name === 'adam_sigmoid');
    assert.equal(adam.options.epochs, 3);
    assert.notEqual(adam.X.shape[1] % adam.options.batch_size, 0);
  });
});

describe('randomMiniBatches', () => {
  it("cuts the permuted columns like the course's random_mini_batches", () => {
    const X = Matrix.from([2, 7], [0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16]);
    const Y = Matrix.from([1, 7], [0, 1, 2, 3, 4, 5, 6]);
    const batches = randomMiniBatches(X, Y, 3, 4);
    const perm = new RandomState(4).permutation(7);
    assert.deepEqual(batches.map(([, y]) => y.cols), [3, 3, 1]);
    assert.deepEqual(batches.flatMap(([, y]) => Array.from(y.data)), perm);
    assert.deepEqual(batches.flatMap(([x]) => Array.from(x.data.subarray(x.cols))), perm.map((j) => 10 + j));
  });
});

describe('gathering batches from the examples stored as rows', () => {
  it('gives the batches gatherColumns gives, in float64 and float32, for any batch size and start', () => {
    const rng = new RandomState(3);
    for (const [n, m] of [[1, 1], [3, 7], [300, 41], [784, 130]] as const) {
      const X = Matrix.from([n, m], Float64Array.from({ length: n * m }, () => rng.standardNormal()));
      const perm = rng.permutation(m);
      for (const Store of [Float64Array, Float32Array]) {
        const rows = exampleRows(X, Store);
        assert.equal(rows.constructor, Store);
        for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) assert.equal(rows[j * n + i], Store.of(X.get(i, j))[0]);
        const source = new Matrix<FloatArray>(n, m, Store.from(X.data));
        for (const [start, mb] of [[0, m], [0, 1], [m - 1, 1], [Math.floor(m / 3), Math.ceil(m / 2)]]) {
          const size = Math.min(mb, m - start);
          const want = new Matrix<FloatArray>(n, size, new Store(n * size)), got = new Matrix<FloatArray>(n, size, new Store(n * size));
          gatherColumns(source, perm, start, want);
          gatherRows(rows, perm, start, got);
          assert.deepEqual(got.data, want.data, `(${n}, ${m}) ${Store.name} start ${start} size ${size}`);
        }
      }
    }
  });
});
