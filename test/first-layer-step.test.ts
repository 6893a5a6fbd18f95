/**
 * The first layer's fused step (`FirstLayerStep`, WebAssembly kernels): the
 * weight gradient dW1 = 1/m·dZ1·Xᵀ, its L2 term, W1's update and the next
 * Z1 = W1·X + b1 in one pass over X must give every element exactly what the
 * separate calls give it, for each optimizer, both dtypes and any number of
 * threads; and full-batch training (fit, run), which uses it, must make the
 * same updates as step() after step(), which does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWasmKernels, Matrix, Model, RandomState, type FloatArray, type Kernels } from '../src/index.ts';
import type { FirstLayerStep, FusedOptimizer } from '../src/kernels/types.ts';
import type { WasmKernels } from '../src/kernels/wasm/index.ts';

type K = WasmKernels<FloatArray>;

function filled(k: K, rows: number, cols: number, rng: RandomState, scale = 1, offset = 0): Matrix<FloatArray> {
  const M = k.matrix(rows, cols);
  for (let i = 0; i < M.data.length; i++) M.data[i] = offset + scale * rng.standardNormal();
  return M;
}

function sameBits(a: FloatArray, b: FloatArray, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let differ = 0, first = -1;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { differ++; if (first < 0) first = i; }
  assert.equal(differ, 0, `${what}: ${differ} of ${a.length} elements differ, the first at ${first}: ${a[first]} (separate calls) vs ${b[first]} (fused)`);
}

const OPTIMIZERS: { name: string; code: FusedOptimizer }[] = [
  { name: 'gradient descent', code: 0 }, { name: 'momentum', code: 1 }, { name: 'RMSprop', code: 2 }, { name: 'Adam', code: 3 },
];
const LR = 0.01, BETA = 0.9, BETA2 = 0.999, EPS = 1e-8;

describe('FirstLayerStep: one pass over X, the separate calls\' results', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const threads of [1, 2]) {
      const k = createWasmKernels(dtype, { threads }) as K;
      // K = 1600 rows of X: two parts of 800 (the rank path's), each 12 stretches of 64 and one of 32;
      // N = 37 examples: odd, so the dot products' last term and the rank kernel's single columns run.
      const M = 7, K0 = 1600, N = 37;
      for (const { name, code } of OPTIMIZERS) {
        for (const l2 of [0, 0.03]) {
          it(`${dtype}, ${threads} thread(s), ${name}${l2 ? ', with L2' : ''}: W, dW, the moments, Z and A bit for bit, over two updates`, () => {
            const rng = new RandomState(7);
            const X = filled(k, K0, N, rng, 0.5, 0.5), dZ = filled(k, M, N, rng), b = filled(k, M, 1, rng, 0.1);
            const W0 = filled(k, M, K0, rng, 0.01);
            const side = () => ({ W: k.matrix(M, K0), dW: k.matrix(M, K0), v: k.matrix(M, K0), s: k.matrix(M, K0), Z: k.matrix(M, N), A: k.matrix(M, N) });
            const sep = side(), fus = side();
            sep.W.data.set(W0.data);
            fus.W.data.set(W0.data);
            const f = k.firstLayerStep(fus.W, X)!;
            assert.ok(f, 'the shape has a fused step');
            for (let t = 1; t <= 2; t++) {
              // Separate: backward's (8) and L2 term, the optimizer's update, the next forward's (1).
              k.gemm(false, true, 1 / N, dZ, X, sep.dW);
              if (l2 > 0) k.axpy(l2, sep.W.data, sep.dW.data);
              if (code === 0) k.axpy(-LR, sep.dW.data, sep.W.data);
              if (code === 1) k.momentumUpdate(LR, BETA, sep.dW.data, sep.v.data, sep.W.data);
              if (code === 2) k.rmspropUpdate(LR, BETA, EPS, sep.dW.data, sep.s.data, sep.W.data);
              if (code === 3) k.adamUpdate(LR, BETA, BETA2, EPS, t, sep.dW.data, sep.v.data, sep.s.data, sep.W.data);
              k.gemm(false, false, 1, sep.W, X, sep.Z, { bias: b, activation: 'relu', out: sep.A });
              // Fused, with the scalars as the kernels' update calls take them.
              const h = f.hyper;
              const scalars = [[-LR], [LR, BETA, 1 - BETA], [LR, BETA, 1 - BETA, EPS],
                [LR, BETA, 1 - BETA, BETA2, 1 - BETA2, EPS, 1 - Math.pow(BETA, t), 1 - Math.pow(BETA2, t)]][code];
              scalars.forEach((x, i) => (h[i] = x));
              f.step(1 / N, dZ, fus.dW, l2, code, fus.v.data, fus.s.data);
              f.forward(fus.Z, { bias: b, activation: 'relu', out: fus.A });
              for (const key of ['W', 'dW', 'v', 's', 'Z', 'A'] as const) sameBits(sep[key].data, fus[key].data, `update ${t}: ${key}`);
            }
            assert.ok(sep.A.data.some((x) => x > 0) && sep.A.data.some((x) => x === 0), 'ReLU passes some values and zeroes others');
            assert.throws(() => f.forward(fus.Z), /needs the sums of a step\(\)/, 'the sums serve one forward');
            f.release();
          });
        }
      }
    }
  }

  it('is offered only where the separate calls take the paths it reproduces', () => {
    const k = createWasmKernels('float64', { threads: 1 }) as K;
    const has = (M: number, K0: number, N: number, foreign = false) => {
      const W = k.matrix(M, K0), X = foreign ? new Matrix(K0, N, new Float64Array(K0 * N)) : k.matrix(K0, N);
      const f = k.firstLayerStep(W, X);
      f?.release();
      return f !== undefined;
    };
    assert.equal(has(20, 12288, 209), true, "the cat model's first layer");
    assert.equal(has(20, 1000, 209), false, 'X of fewer than 1536 rows: the rank path sums K in one part');
    assert.equal(has(40, 12288, 209), false, 'more than 32 rows of W');
    assert.equal(has(20, 12288, 4096), false, 'Z larger than the rank path keeps in L1');
    assert.equal(has(20, 12288, 209, true), false, 'X outside the kernels\' memory');
  });
});

/** The kernels with their fused steps counted. */
function counting(k: K): { kernels: Kernels<FloatArray>; steps: () => number } {
  let steps = 0;
  const kernels = Object.create(k) as K;
  kernels.firstLayerStep = (W, X) => {
    const f = k.firstLayerStep(W, X);
    if (!f) return f;
    const counted: FirstLayerStep<FloatArray> = {
      get hyper() { return f.hyper; },
      step(...args) { steps++; f.step(...args); },
      forward: (Z, ep) => f.forward(Z, ep),
      release: () => f.release(),
    };
    return counted;
  };
  return { kernels, steps: () => steps };
}

describe('full-batch training with the fused first layer', () => {
  const n0 = 1600, m = 37;
  const layers = [{ units: 5, activation: 'relu' as const }, { units: 3, activation: 'relu' as const }, { units: 1, activation: 'sigmoid' as const }];
  const rng = new RandomState(3);
  const x = Array.from({ length: n0 * m }, () => rng.random());
  const y = Array.from({ length: m }, () => (rng.random() < 0.5 ? 1 : 0));
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [optimizer, l2] of [['gd', 0.7], ['adam', 0], ['momentum', 0.1]] as const) {
      it(`${dtype}, ${optimizer}${l2 ? ', L2' : ''}: fit and run make the updates of step() after step(), bit for bit`, () => {
        const k = createWasmKernels(dtype, { threads: 2 }) as K;
        const Store = dtype === 'float32' ? Float32Array : Float64Array;
        const X = new Matrix(n0, m, Store.from(x)), Y = new Matrix(1, m, Store.from(y));
        const options = { learningRate: 0.05, optimizer, l2, gram: false }; // the fused step, not the Gram form (test/gram.test.ts)
        const make = (kernels: Kernels<FloatArray>) => new Model({ inputSize: n0, layers, seed: 5, dtype, kernels: kernels as Kernels<Float64Array> });

        const stepped = make(k);
        const trainer = stepped.trainer(X, Y, options);
        const costs = Array.from({ length: 7 }, () => trainer.step().cost);
        trainer.release();

        const fitCount = counting(k), fitted = make(fitCount.kernels);
        const history = fitted.fit(X, Y, { ...options, iterations: 7 });
        assert.equal(fitCount.steps(), 6, 'fit fuses every update but its last');
        assert.deepEqual(Array.from(history.costs), costs);
        sameBits(stepped.parameters.data, fitted.parameters.data, 'parameters after fit');

        const runCount = counting(k), ran = make(runCount.kernels);
        const t2 = ran.trainer(X, Y, options);
        const runCosts = [t2.run(3)!.cost, t2.step().cost, t2.run(3)!.cost];
        t2.release();
        assert.equal(runCount.steps(), 4, 'run(n) fuses all but its last update; step() none');
        assert.deepEqual(runCosts, [costs[2], costs[3], costs[6]]);
        sameBits(stepped.parameters.data, ran.parameters.data, 'parameters after run, step, run');
        assert.ok(costs[6] !== costs[0], 'the updates changed the cost');
      });
    }
  }
});
