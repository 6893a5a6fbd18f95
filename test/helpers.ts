/**
 * Shared test helpers: the reference vectors made by NumPy
 * (../shared/reference/vectors), matrix conversion, and named tolerances.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Matrix, type FloatArray } from '../src/index.ts';

const here = new URL('.', import.meta.url).pathname;
export const SHARED = resolve(here, '../../shared');
export const VECTORS = join(SHARED, 'reference/vectors');
export const CAT_DIR = join(SHARED, 'data/catvnoncat');

/**
 * Named tolerances: |actual − expected| ≤ abs, or ≤ rel·|expected|.
 * float64 against NumPy: rounding differs (OpenBLAS FMA and blocking, 1-ulp exp/log).
 */
export const TOLERANCE = {
  float64: { abs: 1e-12, rel: 1e-12 },
  /** Relative-only comparison of costs along a training trace. */
  trace: { abs: 0, rel: 1e-12 },
  float32: { abs: 1e-5, rel: 1e-4 },
  /** float32 training costs against the float64 (NumPy) costs, absolute. */
  float32Cost: { abs: 1e-4, rel: 0 },
} as const;
export type Tolerance = { abs: number; rel: number };

/**
 * Unit roundoff per dtype for the kernels' conformance bounds: a K-term
 * product may differ from the float64 reference by KERNEL_EPS·(K + 2)·(|A|·|B|)ij.
 */
export const KERNEL_EPS = { float64: 2 ** -52, float32: 2 ** -23 } as const;

export interface ArrayJson {
  shape: [number, number];
  data: number[];
  dtype?: string;
}

export function readVectors(file: string): any {
  return JSON.parse(readFileSync(join(VECTORS, file), 'utf8'));
}

/** A reference array as a float64 Matrix. */
export function mat(a: ArrayJson): Matrix {
  assert.equal(a.shape.length, 2, 'reference arrays are 2-D');
  return Matrix.from(a.shape, a.data);
}

/** Reference dictionary of arrays as a dictionary of Matrices. */
export function mats(dict: Record<string, ArrayJson>): Record<string, Matrix> {
  return Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, mat(v)]));
}

export function close(actual: number, expected: number, tol: Tolerance): boolean {
  const diff = Math.abs(actual - expected);
  return diff <= tol.abs || diff <= tol.rel * Math.abs(expected);
}

/** Asserts a number matches within `tol`, naming what was compared. */
export function assertNumber(actual: number, expected: number, what: string, tol: Tolerance = TOLERANCE.float64): void {
  assert.ok(Number.isFinite(actual) === Number.isFinite(expected), `${what}: ${actual} vs ${expected}`);
  assert.ok(close(actual, expected, tol), `${what}: got ${actual}, NumPy ${expected} (|diff| ${Math.abs(actual - expected)}, tolerance ${JSON.stringify(tol)})`);
}

/** Asserts shape and every element; returns the largest absolute difference. */
export function assertMatrix(actual: Matrix<FloatArray>, expected: Matrix<FloatArray> | ArrayJson, what: string, tol: Tolerance = TOLERANCE.float64): number {
  const e = expected instanceof Matrix ? expected : mat(expected);
  assert.ok(actual instanceof Matrix, `${what}: expected a Matrix, got ${typeof actual}`);
  assert.deepEqual(actual.shape, e.shape, `${what}: shape ${actual.shapeString()} vs NumPy ${e.shapeString()}`);
  let worst = 0;
  for (let i = 0; i < e.data.length; i++) {
    const a = actual.data[i], x = e.data[i];
    if (!close(a, x, tol)) {
      assert.fail(`${what}[${Math.floor(i / e.cols)}, ${i % e.cols}]: got ${a}, NumPy ${x} (|diff| ${Math.abs(a - x)}, tolerance ${JSON.stringify(tol)})`);
    }
    worst = Math.max(worst, Math.abs(a - x));
  }
  return worst;
}

/** Distance in units in the last place between two float64 values. */
export function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const ia = buf.getBigInt64(0), ib = buf.getBigInt64(8);
  const key = (i: bigint) => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(ia) - key(ib);
  return Number(d < 0n ? -d : d);
}

/** sha256 of the row-major little-endian float64 bytes, as the reference summaries store it. */
export async function sha256F64(data: Float64Array): Promise<string> {
  const { createHash } = await import('node:crypto');
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return createHash('sha256').update(bytes).digest('hex');
}

/** The cat data directory, or a reason to skip (a test that needs it calls `t.skip(reason)`). */
export function catDataOrSkipReason(): string | undefined {
  if (existsSync(join(CAT_DIR, 'train_catvnoncat.h5')) && existsSync(join(CAT_DIR, 'test_catvnoncat.h5'))) return undefined;
  return `the course's cat data is not at ${CAT_DIR}; put train_catvnoncat.h5 and test_catvnoncat.h5 there to run this test`;
}
