/**
 * The first layer's Gram form (src/model/gram.ts): full-batch gradient
 * descent and momentum on more features than examples compute each next
 * Z1 from XᵀX. Checked here: it is used exactly where it applies and pays
 * (counted products), its training equals the direct one (gram: false) to
 * rounding for every optimizer it serves, with L2 and dropout, both dtypes,
 * ref and WebAssembly kernels, over several resynchronisations; gradient
 * descent's held-back W1 is made whenever the model is read; it is bit for
 * bit the same on 1 and 2 threads; it keeps no kernel memory after the fit;
 * the option is checked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWasmKernels, Matrix, Model, OptionError, RandomState, refKernels, type FloatArray, type Kernels, type LayerSpec } from '../src/index.ts';
import { RESYNC } from '../src/model/gram.ts';
import type { FitOptions } from '../src/model/fit.ts';
import type { WasmKernels } from '../src/kernels/wasm/index.ts';
import { assertNumber } from './helpers.ts';

const N0 = 600, M = 40;
const LAYERS: LayerSpec[] = [{ units: 6, activation: 'relu' }, { units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }];

/** (N0, m) inputs in [0, 1) and labels from a fixed rule, so the training learns something. */
function data(m = M, seed = 7): { X: Matrix; Y: Matrix } {
  const rng = new RandomState(seed);
  const X = new Matrix(N0, m, Float64Array.from({ length: N0 * m }, () => rng.random()));
  const Y = new Matrix(1, m, new Float64Array(m));
  for (let j = 0; j < m; j++) Y.data[j] = X.data[j] + X.data[m + j] > 1 ? 1 : 0;
  return { X, Y };
}

/** Kernels that count the products by the shape of their second operand. */
function counting<T extends FloatArray>(k: Kernels<T>): { kernels: Kernels<T>; gram: () => number; direct: () => number; weights: () => number } {
  let gram = 0, direct = 0, weights = 0;
  const kernels = Object.create(k) as Kernels<T>;
  kernels.gemm = (tA, tB, alpha, A, B, C, epilogue) => {
    if (!tA && !tB && B.rows === B.cols && B.rows === C.cols && C.rows === LAYERS[0].units) gram++; // dZ1 · G
    if (!tA && !tB && B.rows === N0) direct++; // W1 · X
    if (!tA && tB && B.rows === N0 && C.cols === N0) weights++; // dW1 = dZ1·Xᵀ, or the held-back updates S·Xᵀ
    k.gemm(tA, tB, alpha, A, B, C, epilogue);
  };
  return { kernels, gram: () => gram, direct: () => direct, weights: () => weights };
}

function train<T extends FloatArray>(kernels: Kernels<T>, options: FitOptions, m = M) {
  const { X, Y } = data(m);
  const store = kernels.dtype === 'float32' ? Float32Array : Float64Array;
  const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3, dtype: kernels.dtype as 'float64', kernels: kernels as unknown as Kernels<Float64Array> });
  const history = model.fit(new Matrix(N0, m, store.from(X.data)), new Matrix(1, m, store.from(Y.data)), options);
  return { model, history };
}

describe('the Gram form of full-batch training', () => {
  const iterations = 3 * RESYNC + 10;
  const cases: [string, Partial<FitOptions>][] = [
    ['gradient descent', { optimizer: 'gd' }],
    ['gradient descent, L2', { optimizer: 'gd', l2: 0.7 }],
    ['momentum, L2', { optimizer: { type: 'momentum', beta: 0.8 }, l2: 0.3 }],
    ['gradient descent, dropout', { optimizer: 'gd', keepProb: 0.8 }],
  ];
  const wasm = { float64: createWasmKernels('float64', { threads: 2 }), float32: createWasmKernels('float32', { threads: 2 }) };
  for (const [name, extra] of cases) {
    for (const kernels of [refKernels, wasm.float64, wasm.float32] as Kernels<FloatArray>[]) {
      it(`${name}, ${kernels.name} ${kernels.dtype}: the updates of W1·X to rounding, over ${iterations} iterations`, () => {
        const options = { iterations, learningRate: 0.05, ...extra } as FitOptions;
        const counted = counting(kernels);
        const gram = train(counted.kernels, options);
        // Every update but the last makes the next Z1 ahead: from G, except the first and each RESYNC-th, from W1.
        const ahead = iterations - 1, resyncs = Math.ceil(ahead / RESYNC);
        assert.equal(counted.gram(), ahead - resyncs, 'products with G');
        const momentum = typeof options.optimizer === 'object' && options.optimizer.type === 'momentum';
        assert.equal(counted.direct(), 1 + resyncs * (momentum ? 2 : 1), 'products W1·X: the first forward pass and the resynchronisations (and v1·X with momentum)');
        // Plain gradient descent holds W1's updates back: one product over X at each resynchronisation, and two in the last update (the held updates, then its own dW1).
        const held = !momentum && !options.l2;
        assert.equal(counted.weights(), held ? resyncs + 2 : iterations, 'products over X for W1\'s updates');
        const plain = counting(kernels);
        const direct = train(plain.kernels, { ...options, gram: false });
        assert.equal(plain.gram(), 0, 'gram: false makes no product with G');
        const tol = kernels.dtype === 'float64' ? { abs: 1e-13, rel: 1e-12 } : { abs: 1e-5, rel: 1e-4 };
        let worst = 0;
        direct.history.costs.forEach((c, i) => {
          assertNumber(gram.history.costs[i], c, `cost ${i}`, tol);
          worst = Math.max(worst, Math.abs(gram.history.costs[i] - c) / c);
        });
        direct.model.parameters.data.forEach((v, i) => assertNumber(gram.model.parameters.data[i], v, `parameter ${i}`, tol));
        assert.ok(direct.history.costs[iterations - 1] < direct.history.costs[0] - 0.01, 'the training lowers the cost');
        console.log(`# gram, ${name}, ${kernels.name} ${kernels.dtype}: largest relative cost difference from W1·X ${worst.toExponential(2)}`);
      });
    }
  }

  it('bit for bit the same on 1 and 2 threads (float64, float32; W1 held back or not)', () => {
    const runs: [string, FitOptions][] = [
      ['momentum, L2', { iterations: RESYNC + 20, learningRate: 0.05, optimizer: 'momentum', l2: 0.2 }],
      ['gradient descent (W1 held back)', { iterations: RESYNC + 20, learningRate: 0.05, optimizer: 'gd' }],
    ];
    for (const [name, options] of runs) {
      for (const dtype of ['float64', 'float32'] as const) {
        const one = train(createWasmKernels(dtype, { threads: 1 }), options);
        const two = counting(createWasmKernels(dtype, { threads: 2 }));
        const both = train(two.kernels, options);
        assert.ok(two.gram() > 0, 'the Gram form was used');
        assert.deepEqual(Array.from(both.history.costs), Array.from(one.history.costs), `${name}, ${dtype} costs`);
        const a = one.model.parameters.data, b = both.model.parameters.data;
        const differ = a.filter((v, i) => !Object.is(v, b[i])).length;
        assert.equal(differ, 0, `${name}, ${dtype}: ${differ} parameters differ between 1 and 2 threads`);
      }
    }
  });

  it('is used only for gradient descent and momentum on the whole set in order, m ≤ n0/2, when the updates that follow pay for G', () => {
    const used = (options: FitOptions, m = M) => {
      const c = counting(refKernels as Kernels<FloatArray>);
      train(c.kernels, options, m);
      return c.gram() > 0;
    };
    const base = { iterations: 40, learningRate: 0.05 };
    assert.equal(used(base), true, 'gradient descent');
    assert.equal(used({ ...base, optimizer: 'adam' }), false, 'Adam scales each element of dW1');
    assert.equal(used({ ...base, optimizer: 'rmsprop' }), false, 'RMSprop likewise');
    assert.equal(used({ ...base, batchSize: M, shuffle: true }), false, 'shuffled columns');
    assert.equal(used({ ...base, batchSize: 10 }), false, 'mini-batches');
    assert.equal(used(base, N0 / 2 + 1), false, 'more than n0 / 2 examples');
    assert.equal(used({ ...base, iterations: 201 }, N0 / 2), true, 'n0 / 2 examples, 200 updates to follow');
    assert.equal(used({ ...base, iterations: 200 }, N0 / 2), false, 'n0 / 2 examples, 199 updates to follow');
    // G is counted as 2·n0·m² = 1920000 multiply-adds; an update saves n1·m·(n0 − m) = 134400: 15 updates must follow.
    assert.equal(used({ iterations: 15, learningRate: 0.05 }), false, '14 updates to follow');
    assert.equal(used({ iterations: 16, learningRate: 0.05 }), true, '15 updates to follow');
  });

  it('trainer: run(n) uses it, step() does not; each run of updates computes G and W1·X again', () => {
    const c = counting(refKernels as Kernels<FloatArray>);
    const { X, Y } = data();
    const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels: c.kernels as Kernels<Float64Array> });
    const trainer = model.trainer(X, Y, { learningRate: 0.05 });
    for (let i = 0; i < 20; i++) trainer.step();
    assert.equal(c.gram(), 0, 'step() never knows another update follows');
    trainer.run(20);
    assert.equal(c.gram(), 18, 'run(20): 19 updates ahead, the first from W1');
    const direct = c.direct();
    trainer.step();
    trainer.run(5);
    assert.equal(c.gram(), 18, 'run(5): 4 updates to follow do not pay for G');
    trainer.run(25);
    assert.equal(c.gram(), 18 + 23);
    assert.equal(c.direct() - direct, 1 + 5 + 2, 'W1·X in the step after run(20), in every update of run(5), twice in the first of run(25)');
    trainer.release();

    const reference = new Model({ inputSize: N0, layers: LAYERS, seed: 3 });
    const t2 = reference.trainer(X, Y, { learningRate: 0.05, gram: false });
    t2.run(71);
    reference.parameters.data.forEach((v, i) => assertNumber(model.parameters.data[i], v, `parameter ${i}`, { abs: 1e-13, rel: 1e-12 }));
  });

  it('a trainer reading X in place follows a change of X between runs (G is made again)', () => {
    const runs = (gram: boolean) => {
      const { X, Y } = data();
      const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels: refKernels }); // X read in place
      const trainer = model.trainer(X, Y, { learningRate: 0.05, gram });
      trainer.run(40);
      for (let i = 0; i < X.data.length; i++) X.data[i] *= 0.5;
      const after = trainer.run(40)!.cost;
      trainer.release();
      return { after, parameters: model.parameters.data };
    };
    const gram = runs(true), direct = runs(false);
    assertNumber(gram.after, direct.after, 'the last cost', { abs: 1e-13, rel: 1e-12 });
    direct.parameters.forEach((v, i) => assertNumber(gram.parameters[i], v, `parameter ${i}`, { abs: 1e-13, rel: 1e-12 }));
  });

  it('gradient descent holds W1\'s updates back, and makes them whenever the model is read', () => {
    for (const kernels of [refKernels, createWasmKernels('float64', { threads: 2 })] as Kernels<Float64Array>[]) {
      const options: FitOptions = { iterations: 2 * RESYNC + 5, learningRate: 0.05 };
      // A reference: W1 after every update, computed directly.
      const direct: Float64Array[] = [];
      const plain = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels });
      const { X, Y } = data();
      plain.fit(X, Y, { ...options, gram: false, onIteration: () => { direct.push(Float64Array.from(plain.W(1).data)); } });
      const c = counting(kernels);
      const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels: c.kernels });
      const W1 = model.W(1); // a view taken before training
      let read = 0, worst = 0;
      model.fit(X, Y, {
        ...options,
        onIteration: ({ iteration }) => {
          if (iteration % 3 !== 0) return; // the other updates stay held back
          // Nothing is held right after a resynchronisation or the run's last update.
          const held = iteration % RESYNC === 0 || iteration === options.iterations! - 1 ? 0 : 1;
          const before = c.weights();
          const now = model.parameters.entries[0].data;
          assert.equal(c.weights() - before, held, `iteration ${iteration}: reading the model makes the held updates`);
          void model.parameters;
          assert.equal(c.weights() - before, held, `iteration ${iteration}: a second read makes nothing`);
          direct[iteration].forEach((v, i) => assertNumber(W1.data[i], v, `iteration ${iteration}, W1[${i}]`, { abs: 1e-13, rel: 1e-12 }));
          for (let i = 0; i < now.length; i++) worst = Math.max(worst, Math.abs(now[i] - direct[iteration][i]));
          read++;
        },
      });
      assert.equal(read, Math.ceil(options.iterations! / 3));
      assert.ok(c.gram() > 0, 'the Gram form was used');
      // Stopped by a callback between resynchronisations: the fit ends with every update made.
      const stopped = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels });
      stopped.fit(X, Y, { ...options, onIteration: ({ iteration }) => iteration === RESYNC + 9 && 'stop' });
      direct[RESYNC + 9].forEach((v, i) => assertNumber(stopped.W(1).data[i], v, `stopped, W1[${i}]`, { abs: 1e-13, rel: 1e-12 }));
      // A trainer's release makes them too, and a released model keeps none.
      const t = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels });
      const trainer = t.trainer(X, Y, { learningRate: 0.05 });
      for (let i = 0; i < 30; i++) trainer.update(100);
      const view = t.W(1).data; // reading makes them; hold a few more back
      for (let i = 0; i < 10; i++) trainer.update(100);
      trainer.release();
      direct[39].forEach((v, i) => assertNumber(view[i], v, `released, W1[${i}]`, { abs: 1e-13, rel: 1e-12 }));
      const gone = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels });
      const t2 = gone.trainer(X, Y, { learningRate: 0.05 });
      for (let i = 0; i < 10; i++) t2.update(100);
      gone.release();
      t2.release();
      console.log(`# gram, W1 read between held updates (${kernels.name}): largest absolute difference from the direct updates ${worst.toExponential(2)}`);
    }
  });

  it('gives its kernel memory back when the fit ends', () => {
    const k = createWasmKernels('float64', { threads: 1 }) as WasmKernels<Float64Array>;
    const c = counting(k as Kernels<Float64Array>);
    const { X, Y } = data();
    const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3, kernels: c.kernels });
    const inUse = k.runtime.bytesInUse();
    model.fit(X, Y, { iterations: 30, learningRate: 0.05 });
    assert.ok(c.gram() > 0, 'the Gram form was used');
    assert.equal(k.runtime.bytesInUse(), inUse);
  });

  it('gram must be true or false', () => {
    const { X, Y } = data();
    const model = new Model({ inputSize: N0, layers: LAYERS, seed: 3 });
    assert.throws(() => model.fit(X, Y, { iterations: 2, learningRate: 0.05, gram: 'no' as never }), (e: Error) => e instanceof OptionError && /gram is no; use true \(the default\) or false/.test(e.message));
  });
});
