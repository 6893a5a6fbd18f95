/**
 * The training primitives of the compute interface (outputGradient, dropout,
 * sumSquares, momentumUpdate, rmspropUpdate, adamUpdate) against their
 * one-line formulas, for every kernel implementation listed here, in both
 * dtypes, on views that start part way into a larger array (as arena entries
 * and WebAssembly memory do). Faster implementations join IMPLEMENTATIONS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRefKernels, Matrix, pairwiseSum, RandomState, type FloatArray, type Kernels } from '../src/index.ts';

const IMPLEMENTATIONS: Kernels<FloatArray>[] = [createRefKernels('float64'), createRefKernels('float32')];

/** A view of n values at offset 3 of a larger array of the kernels' dtype, filled from `values`. */
function view(k: Kernels<FloatArray>, values: ArrayLike<number>): FloatArray {
  const whole = k.matrix(1, values.length + 5).data;
  const v = whole.subarray(3, 3 + values.length) as FloatArray;
  v.set(values);
  whole[2] = 99;
  whole[3 + values.length] = 99;
  return v;
}

/** Rounds like storing into the kernels' dtype. */
const store = (k: Kernels<FloatArray>) => (k.dtype === 'float32' ? Math.fround : (x: number) => x);

function sameValues(actual: FloatArray, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]) || actual[i] === expected[i], `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

function untouched(v: FloatArray, what: string): void {
  const whole = new (v.constructor as Float64ArrayConstructor)(v.buffer, v.byteOffset - 3 * v.BYTES_PER_ELEMENT, v.length + 5);
  assert.equal(whole[2], 99, `${what}: the value before the view is untouched`);
  assert.equal(whole[3 + v.length], 99, `${what}: the value after the view is untouched`);
}

describe('training primitives of the compute interface', () => {
  for (const k of IMPLEMENTATIONS) {
    const r = store(k);
    const rng = new RandomState(42);
    const n = 37;
    const draw = (scale = 1) => Array.from(rng.randn(1, n).data, (x) => r(x * scale));
    const g = draw(), v0 = draw(0.1), s0 = draw(0.1).map((x) => r(x * x)), p0 = draw();

    describe(`${k.name} ${k.dtype}`, () => {
      it('outputGradient: dZ = A − Y', () => {
        const A = new Matrix(1, n, view(k, p0)), Y = new Matrix(1, n, view(k, g)), dZ = new Matrix(1, n, view(k, new Array(n).fill(0)));
        k.outputGradient(A, Y, dZ);
        sameValues(dZ.data, p0.map((a, i) => r(a - g[i])), 'dZ');
        untouched(dZ.data, 'dZ');
      });

      it('dropout: X = X · D / keepProb, in place', () => {
        const D = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
        const X = new Matrix(1, n, view(k, p0));
        k.dropout(new Matrix(1, n, view(k, D)), 0.7, X);
        sameValues(X.data, p0.map((x, i) => r((x * D[i]) / 0.7)), 'X');
        untouched(X.data, 'X');
      });

      it('sumSquares: np.sum(np.square(x)) in pairwise order', () => {
        for (const m of [0, 1, 7, 8, 9, 128, 129, 1000]) {
          const x = Array.from(rng.randn(1, m).data, r);
          assert.equal(k.sumSquares(view(k, x)), pairwiseSum(Float64Array.from(x, (v) => v * v)), `m = ${m}`);
        }
      });

      it('momentumUpdate: v = βv + (1 − β)g; p = p − αv', () => {
        const v = view(k, v0), p = view(k, p0);
        k.momentumUpdate(0.01, 0.9, view(k, g), v, p);
        const vx = v0.map((x, i) => r(0.9 * x + (1 - 0.9) * g[i]));
        sameValues(v, vx, 'v');
        sameValues(p, p0.map((x, i) => r(x - 0.01 * vx[i])), 'p');
        untouched(p, 'p');
      });

      it('rmspropUpdate: s = βs + (1 − β)g²; p = p − αg / (√s + ε)', () => {
        const s = view(k, s0), p = view(k, p0);
        k.rmspropUpdate(0.01, 0.9, 1e-8, view(k, g), s, p);
        const sx = s0.map((x, i) => r(0.9 * x + (1 - 0.9) * (g[i] * g[i])));
        sameValues(s, sx, 's');
        sameValues(p, p0.map((x, i) => r(x - (0.01 * g[i]) / (Math.sqrt(sx[i]) + 1e-8))), 'p');
      });

      for (const t of [1, 10]) {
        it(`adamUpdate at t = ${t}: bias-corrected moments`, () => {
          const v = view(k, v0), s = view(k, s0), p = view(k, p0);
          k.adamUpdate(0.01, 0.9, 0.999, 1e-8, t, view(k, g), v, s, p);
          const vx = v0.map((x, i) => r(0.9 * x + (1 - 0.9) * g[i]));
          const sx = s0.map((x, i) => r(0.999 * x + (1 - 0.999) * (g[i] * g[i])));
          sameValues(v, vx, 'v');
          sameValues(s, sx, 's');
          const expected = p0.map((x, i) => r(x - (0.01 * (vx[i] / (1 - 0.9 ** t))) / (Math.sqrt(sx[i] / (1 - 0.999 ** t)) + 1e-8)));
          sameValues(p, expected, 'p');
          untouched(s, 's');
        });
      }
    });
  }
});
