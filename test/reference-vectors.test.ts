/**
 * Every case of every NumPy reference file in ../shared/reference/vectors,
 * checked within TOLERANCE.float64, caches and gradients included. A file
 * without a handler, or a handler that checks fewer cases than the file has,
 * fails the suite: nothing is skipped silently.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  appInitializeParameters,
  appInitializeParametersDeep,
  computeCost,
  initializeParameters,
  initializeParametersDeep,
  linearActivationBackward,
  linearActivationForward,
  linearBackward,
  linearForward,
  lModelBackward,
  lModelForward,
  pairwiseSum,
  predict,
  random,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  updateParameters,
  type Activation,
  type LayerCache,
  type Parameters,
} from '../src/index.ts';
import { assertMatrix, assertNumber, mat, mats, readVectors, sha256F64, VECTORS, type ArrayJson } from './helpers.ts';

type Case = { name: string; inputs: any; outputs: any; outputs_summary?: any; rng_seed_before_call?: number; activation?: Activation; learning_rate?: number };
type CacheJson = { A_prev: ArrayJson; W: ArrayJson; b: ArrayJson; Z: ArrayJson };

/** Files checked in other test files. */
const ELSEWHERE: Record<string, string> = {
  'numpy_rng.json': 'test/random.test.ts',
  'cat_trace.json': 'test/cat-trace.test.ts',
};

const layerCache = (c: CacheJson): LayerCache => [[mat(c.A_prev), mat(c.W), mat(c.b)], mat(c.Z)];

function assertCache(actual: LayerCache, expected: CacheJson, what: string): void {
  const [[APrev, W, b], Z] = actual;
  assertMatrix(APrev, expected.A_prev, `${what}.A_prev`);
  assertMatrix(W, expected.W, `${what}.W`);
  assertMatrix(b, expected.b, `${what}.b`);
  assertMatrix(Z, expected.Z, `${what}.Z`);
}

function assertDict(actual: Record<string, any>, expected: Record<string, ArrayJson>, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: keys`);
  for (const [k, v] of Object.entries(expected)) assertMatrix(actual[k], v, `${what}.${k}`);
}

/** Large outputs are stored as summaries: sha256 of the float64 bytes, first and last 8 values, the np.sum. */
async function assertSummary(parameters: Parameters, summary: Record<string, any>, what: string): Promise<void> {
  assert.deepEqual(Object.keys(parameters).sort(), Object.keys(summary).sort(), `${what}: keys`);
  for (const [k, s] of Object.entries(summary)) {
    const M = parameters[k];
    assert.deepEqual(M.shape, s.shape, `${what}.${k}: shape`);
    const n = M.data.length;
    s.first8.forEach((v: number, i: number) => assertNumber(M.data[i], v, `${what}.${k} first8[${i}]`));
    s.last8.forEach((v: number, i: number) => assertNumber(M.data[n - s.last8.length + i], v, `${what}.${k} last8[${i}]`));
    if ('sum' in s) assertNumber(pairwiseSum(M.data), s.sum, `${what}.${k} sum`);
    // Zeros are bit-identical. Weights are not always: randn goes through Math.log,
    // 1 ulp away from the C library's log for a few percent of draws (README, Numerical notes).
    if (k.startsWith('b')) assert.equal(await sha256F64(M.data), s.sha256_f64le, `${what}.${k}: zeros must be bit-identical`);
  }
}

const handlers: Record<string, (c: Case) => unknown> = {
  'sigmoid.json': (c) => {
    const [A, cache] = sigmoid(mat(c.inputs.Z));
    assertMatrix(A, c.outputs.A, 'A');
    assertMatrix(cache, c.outputs.cache_Z, 'cache');
  },
  'relu.json': (c) => {
    const [A, cache] = relu(mat(c.inputs.Z));
    assertMatrix(A, c.outputs.A, 'A');
    assertMatrix(cache, c.outputs.cache_Z, 'cache');
  },
  'sigmoid_backward.json': (c) => assertMatrix(sigmoidBackward(mat(c.inputs.dA), mat(c.inputs.Z)), c.outputs.dZ, 'dZ'),
  'relu_backward.json': (c) => assertMatrix(reluBackward(mat(c.inputs.dA), mat(c.inputs.Z)), c.outputs.dZ, 'dZ'),

  'initialize_parameters.json': async (c) => {
    assert.equal(c.rng_seed_before_call, 1);
    random.seed(c.rng_seed_before_call!);
    const p = initializeParameters(c.inputs.n_x, c.inputs.n_h, c.inputs.n_y);
    if (c.outputs_summary) await assertSummary(p, c.outputs_summary, c.name);
    else assertDict(p, c.outputs, 'parameters');
  },
  'initialize_parameters_deep.json': async (c) => {
    const p = initializeParametersDeep(c.inputs.layer_dims);
    if (c.outputs_summary) await assertSummary(p, c.outputs_summary, c.name);
    else assertDict(p, c.outputs, 'parameters');
  },
  'app_initialize_parameters.json': async (c) => {
    const p = appInitializeParameters(c.inputs.n_x, c.inputs.n_h, c.inputs.n_y);
    if (c.outputs_summary) await assertSummary(p, c.outputs_summary, c.name);
    else assertDict(p, c.outputs, 'parameters');
  },
  'app_initialize_parameters_deep.json': async (c) => {
    const p = appInitializeParametersDeep(c.inputs.layer_dims);
    if (c.outputs_summary) await assertSummary(p, c.outputs_summary, c.name);
    else assertDict(p, c.outputs, 'parameters');
  },

  'linear_forward.json': (c) => {
    const [A, W, b] = [mat(c.inputs.A), mat(c.inputs.W), mat(c.inputs.b)];
    const [Z, cache] = linearForward(A, W, b);
    assertMatrix(Z, c.outputs.Z, 'Z');
    assert.deepEqual(cache, [A, W, b], 'cache is (A, W, b)');
  },
  'linear_activation_forward.json': (c) => {
    const [A, cache] = linearActivationForward(mat(c.inputs.A_prev), mat(c.inputs.W), mat(c.inputs.b), c.activation!);
    assertMatrix(A, c.outputs.A, 'A');
    assertCache(cache, c.outputs.cache, 'cache');
  },
  'L_model_forward.json': (c) => {
    const [AL, caches] = lModelForward(mat(c.inputs.X), mats(c.inputs.parameters));
    assertMatrix(AL, c.outputs.AL, 'AL');
    assert.equal(caches.length, c.outputs.caches.length, 'number of caches');
    caches.forEach((cache, l) => assertCache(cache, c.outputs.caches[l], `caches[${l}]`));
  },
  'compute_cost.json': (c) => assertNumber(computeCost(mat(c.inputs.AL), mat(c.inputs.Y)), c.outputs.cost, 'cost'),

  'linear_backward.json': (c) => {
    const cache = c.inputs.cache;
    const [dAPrev, dW, db] = linearBackward(mat(c.inputs.dZ), [mat(cache.A_prev), mat(cache.W), mat(cache.b)]);
    assertMatrix(dAPrev, c.outputs.dA_prev, 'dA_prev');
    assertMatrix(dW, c.outputs.dW, 'dW');
    assertMatrix(db, c.outputs.db, 'db');
  },
  'linear_activation_backward.json': (c) => {
    const [dAPrev, dW, db] = linearActivationBackward(mat(c.inputs.dA), layerCache(c.inputs.cache), c.activation!);
    assertMatrix(dAPrev, c.outputs.dA_prev, 'dA_prev');
    assertMatrix(dW, c.outputs.dW, 'dW');
    assertMatrix(db, c.outputs.db, 'db');
  },
  'L_model_backward.json': (c) => {
    const grads = lModelBackward(mat(c.inputs.AL), mat(c.inputs.Y), c.inputs.caches.map(layerCache));
    assertDict(grads, c.outputs.grads, 'grads');
    // The same arrays under the newer notebooks' names: dA{l-1} there is dA{l} here.
    for (const [k, v] of Object.entries(c.outputs.grads_v4a_naming as Record<string, ArrayJson>)) {
      const ours = k.startsWith('dA') ? 'dA' + (Number(k.slice(2)) + 1) : k;
      assertMatrix(grads[ours], v, `grads.${ours} (v4a ${k})`);
    }
    if (c.inputs.X) {
      // Forward then backward from X and parameters gives the same caches and grads.
      const [AL, caches] = lModelForward(mat(c.inputs.X), mats(c.inputs.parameters));
      assertMatrix(AL, c.inputs.AL, 'AL');
      caches.forEach((cache, l) => assertCache(cache, c.inputs.caches[l], `caches[${l}]`));
      assertDict(lModelBackward(AL, mat(c.inputs.Y), caches), c.outputs.grads, 'grads from forward');
    }
  },
  'update_parameters.json': (c) => {
    const parameters = mats(c.inputs.parameters);
    const updated = updateParameters(parameters, mats(c.inputs.grads), c.learning_rate!);
    assertDict(updated, c.outputs.parameters, 'parameters');
  },
  'app_predict.json': (c) => {
    const { p, probas, accuracy } = predict(mat(c.inputs.X), mat(c.inputs.y), mats(c.inputs.parameters));
    assertMatrix(probas, c.outputs.probas, 'probas');
    assertMatrix(p, c.outputs.p, 'p', { abs: 0, rel: 0 });
    assertNumber(accuracy, c.outputs.accuracy, 'accuracy');
    const y = mat(c.inputs.y);
    assert.equal(p.data.filter((v, i) => v === y.data[i]).length, c.outputs.n_correct, 'n_correct');
  },
};

describe('NumPy reference vectors', () => {
  const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort();

  it('has a handler for every reference file', () => {
    assert.ok(files.length >= 19, `expected the 19 reference files, found ${files.length} in ${VECTORS}`);
    const missing = files.filter((f) => !(f in handlers) && !(f in ELSEWHERE));
    assert.deepEqual(missing, [], `reference files with no test: ${missing.join(', ')}`);
  });

  for (const file of files.filter((f) => f in handlers)) {
    describe(file, () => {
      const vectors = readVectors(file);
      let checked = 0;
      for (const c of vectors.cases as Case[]) {
        it(c.name, async () => {
          await handlers[file](c);
          checked++;
        });
      }
      it(`checked all ${vectors.cases.length} cases`, () => {
        assert.ok(vectors.cases.length > 0, `${file} has no cases`);
        assert.equal(checked, vectors.cases.length, `${file}: ${checked} of ${vectors.cases.length} cases passed`);
      });
    });
  }
});

