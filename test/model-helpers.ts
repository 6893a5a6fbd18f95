/**
 * Helpers of the Model tests: the NumPy fixtures made by
 * test/fixtures/model/make_fixtures.py, models with given parameters, and
 * the tolerances the Model tests use, by name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, type DType, type Kernels, type LayerSpec, type FloatArray } from '../src/index.ts';
import { mat, type ArrayJson } from './helpers.ts';

const here = new URL('.', import.meta.url).pathname;
export const MODEL_FIXTURES = join(here, 'fixtures/model/model_vectors.json');

/** The fixture file, parsed once. */
let cached: any;
export function modelFixtures(): any {
  cached ??= JSON.parse(readFileSync(MODEL_FIXTURES, 'utf8'));
  return cached;
}

/** Tolerances of the Model tests, by name. */
export const MODEL_TOLERANCE = {
  /** Against the NumPy fixtures and the tutorial functions (float64). */
  float64: { abs: 1e-12, rel: 1e-12 },
  /** A float32 model against the same model in float64, after training. */
  float32: { abs: 1e-5, rel: 1e-4 },
  /** Largest relative difference of a correct backward pass (the course's threshold). */
  gradientCheck: 1e-7,
} as const;

/** A model with the layers given and the parameters of a course dictionary { W1, b1, ... }. */
export function modelWith<D extends DType = 'float64'>(
  inputSize: number,
  layers: LayerSpec[],
  parameters: Record<string, ArrayJson>,
  options: { dtype?: D; kernels?: Kernels<any> } = {},
): Model<D> {
  const model = new Model<D>({ inputSize, layers, seed: 0, ...(options as object) });
  for (let l = 1; l <= layers.length; l++) {
    for (const [M, key] of [[model.W(l), 'W' + l], [model.b(l), 'b' + l]] as const) {
      const v = mat(parameters[key]);
      assert.deepEqual(M.shape, v.shape, `${key} shape`);
      (M.data as FloatArray).set(v.data);
    }
  }
  return model;
}

/** The course dictionary of an arena's entries W1, b1, ... (or dW1, db1, ... with prefix 'd'). */
export function arenaDict(entries: readonly { rows: number; cols: number; data: FloatArray }[], prefix = ''): Record<string, any> {
  const out: Record<string, any> = {};
  entries.forEach((e, i) => {
    out[prefix + (i % 2 === 0 ? 'W' : 'b') + (Math.floor(i / 2) + 1)] = e;
  });
  return out;
}
