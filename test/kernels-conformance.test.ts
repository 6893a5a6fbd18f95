/**
 * One conformance suite for every implementation of the compute interface:
 * the reference in float64 and float32, the WebAssembly SIMD kernels in both
 * dtypes with 1, 2 and 3 threads, and the relaxed-SIMD (fused multiply-add)
 * variant where the engine validates it. Each result is compared with the
 * float64 reference on the same inputs; the largest difference per kernel
 * and implementation is printed.
 *
 * Bounds (named, per dtype, KERNEL_EPS): a product element may differ by
 * eps·(K + 2)·(|op(A)|·|op(B)|)ij·|alpha| + eps·|bias_i| (the standard bound of a
 * K-term dot product); elementwise kernels by a few eps relative. Stronger,
 * exact checks where the order of operations is the reference's:
 * - plain-SIMD float64 products are bit-identical to the float64 reference,
 *   except A·Bᵀ (dot products with one partial sum per lane) and W·X with few
 *   rows over a long K (ascending sums over stretches of K, added pairwise: that
 *   order is rebuilt from the reference and compared bit for bit);
 * - every wasm implementation gives bit-identical results for any thread count;
 * - float64 rowSum is NumPy's pairwise sum exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIVATIONS, createRefKernels, Matrix, RandomState, type Activation, type FloatArray, type Kernels } from '../src/index.ts';
import { createWasmKernels, rankPartStart, rankParts, type WasmKernels } from '../src/kernels/wasm/index.ts';
import { wasmRelaxedSupported, wasmSimdSupported } from '../src/kernels/wasm/runtime.ts';
import { KERNEL_EPS } from './helpers.ts';

const ref64 = createRefKernels('float64');
const rng = new RandomState(5);

interface Impl {
  label: string;
  k: Kernels<FloatArray>;
  /** Products are computed in the reference's exact order (no FMA): bit-identical in float64. */
  exact: boolean;
  /** Same family with other thread counts: must agree bit for bit. */
  family?: string;
  threads?: number;
}

const impls: Impl[] = [
  { label: 'ref float64', k: ref64 as Kernels<FloatArray>, exact: true },
  { label: 'ref float32', k: createRefKernels('float32') as Kernels<FloatArray>, exact: false },
];
const wasm: WasmKernels<FloatArray>[] = [];
const simdSkip = wasmSimdSupported() ? undefined : 'this engine has no WebAssembly SIMD';
const relaxedSkip = wasmRelaxedSupported() ? undefined : 'relaxed SIMD is not enabled in this engine (Node 20: node --experimental-wasm-relaxed-simd; on by default in Chromium)';
if (!simdSkip) {
  // test/kernels-relaxed.test.ts runs this file again with relaxed SIMD switched on, for those variants only.
  const relaxedOnly = process.env.DNN_CONFORMANCE_RELAXED_ONLY === '1';
  for (const relaxed of relaxedSkip ? [false] : relaxedOnly ? [true] : [false, true]) {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const threads of [1, 2, 3]) {
        const k = createWasmKernels(dtype, { threads, relaxed });
        wasm.push(k);
        impls.push({ label: `${k.name} ${dtype} (${threads} thread${threads > 1 ? 's' : ''})`, k, exact: !relaxed && dtype === 'float64', family: `${relaxed}/${dtype}`, threads });
      }
    }
  }
}
after(() => wasm.forEach((k) => k.runtime.shutdown()));

/** Random values, a few exact zeros; rounded to float32 for float32 kernels so both sides see the same inputs. */
function values(n: number, scale = 1): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = i % 17 === 5 ? 0 : scale * (rng.random() * 2 - 1);
  return v;
}

/** The same values as a float64 reference matrix and as a matrix of `k` (in its memory, or foreign). */
function pair(k: Kernels<FloatArray>, rows: number, cols: number, v: Float64Array, foreign = false): [Matrix, Matrix<FloatArray>] {
  const M = foreign ? new Matrix<FloatArray>(rows, cols, k.dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols)) : k.matrix(rows, cols);
  M.data.set(v);
  return [new Matrix(rows, cols, Float64Array.from(M.data)), M];
}

/** Largest difference per "kernel @ implementation", printed at the end. */
const worst = new Map<string, { abs: number; ofBound: number }>();
function record(key: string, abs: number, ofBound: number) {
  const w = worst.get(key) ?? { abs: 0, ofBound: 0 };
  worst.set(key, { abs: Math.max(w.abs, abs), ofBound: Math.max(w.ofBound, ofBound) });
}
after(() => {
  console.log('# largest difference from the float64 reference (absolute; fraction of the allowed bound):');
  for (const [key, w] of [...worst].sort()) console.log(`#   ${key.padEnd(62)} ${w.abs.toExponential(2).padStart(9)}  ${w.ofBound.toFixed(3)}`);
});

/** Compares element by element: |got − want| ≤ bound[i]; returns the largest difference. */
function compare(got: FloatArray, want: FloatArray, bound: (i: number) => number, what: string, key: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let abs = 0, ofBound = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    const b = bound(i);
    if (!(d <= b) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.fail(`${what}: element ${i} is ${got[i]}, reference ${want[i]} (|diff| ${d} > bound ${b})`);
    abs = Math.max(abs, d);
    if (b > 0) ofBound = Math.max(ofBound, d / b);
  }
  record(key, abs, ofBound);
}

type Shape = [M: number, N: number, K: number];
/**
 * [3, 43, 70] takes the rank kernel (W·X with few rows) through all its column
 * loops: 43 columns are 2 steps of 16 + five vectors + one column in float64,
 * 1 step of 32 + two vectors + three columns in float32.
 */
const SHAPES: Shape[] = [
  [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 7], [2, 9, 4], [8, 8, 8], [17, 13, 9], [4, 33, 65], [33, 65, 129],
  [20, 209, 300], [65, 129, 17], [7, 5, 600], [130, 70, 40], [3, 43, 70],
  // W·X over a long K, summed in 2, 5 and 11 parts (the second below the size that goes to the threads).
  [3, 43, 2100], [1, 1, 4100], [7, 11, 9001],
];
/** The cat L-layer model's large products: (1) W1·X, (8) dZ1·Xᵀ, (10) W1ᵀ·dZ1. */
const CAT: [string, boolean, boolean, Shape][] = [
  ['(1) W1·X', false, false, [20, 209, 12288]],
  ['(8) dZ1·Xᵀ', false, true, [20, 12288, 209]],
  ['(10) W1ᵀ·dZ1', true, false, [12288, 209, 20]],
];

/**
 * Products that pack one operand into NR-wide panels first: B as it is (rows
 * contiguous), Aᵀ or Bᵀ (read down columns), partial last panels, and packs
 * large enough to be split between the threads.
 */
const PACKED: [string, boolean, boolean, Shape][] = [
  ['B packed, split between threads', false, false, [130, 300, 600]],
  ['B packed, one panel and a part', false, false, [129, 13, 50]],
  ['Aᵀ packed, split between threads', false, true, [150, 300, 600]],
  ['Bᵀ packed, partial last panel', false, true, [300, 42, 700]],
  ['Bᵀ packed, less than three panels', false, true, [75, 20, 700]],
];

interface Case {
  tA: boolean; tB: boolean; shape: Shape; alpha: number;
  bias: boolean; activation?: Activation; slope?: number; foreign?: boolean;
}

const CASES: Case[] = [];
for (const shape of SHAPES) {
  for (const tA of [false, true]) for (const tB of [false, true]) {
    CASES.push({ tA, tB, shape, alpha: 1, bias: false });
    CASES.push({ tA, tB, shape, alpha: 1 / 209, bias: false, foreign: true });
    for (const activation of ACTIVATIONS) CASES.push({ tA, tB, shape, alpha: 1, bias: true, activation, slope: activation === 'leakyRelu' ? 0.2 : undefined });
  }
}

/** Reference results on float64 inputs, cached per case (shared by all implementations). */
const refCache = new Map<string, { C: Matrix; out?: Matrix; absProd: Float64Array }>();

function runCase(impl: Impl, c: Case, inputs: { a: Float64Array; b: Float64Array; bias: Float64Array }, cacheKey: string): Float64Array {
  const { k } = impl;
  const [M, N, K] = c.shape;
  const [A64, A] = pair(k, c.tA ? K : M, c.tA ? M : K, inputs.a, c.foreign);
  const [B64, B] = pair(k, c.tB ? N : K, c.tB ? K : N, inputs.b, c.foreign);
  const [bias64, bias] = pair(k, M, 1, inputs.bias);
  let r = refCache.get(cacheKey + k.dtype);
  if (!r) {
    const C = ref64.matrix(M, N), out = c.activation ? ref64.matrix(M, N) : undefined;
    ref64.gemm(c.tA, c.tB, c.alpha, A64, B64, C, { bias: c.bias ? bias64 : undefined, activation: c.activation, out, slope: c.slope });
    // |op(A)|·|op(B)| for the bound.
    const absA = new Matrix(A64.rows, A64.cols, A64.data.map(Math.abs)), absB = new Matrix(B64.rows, B64.cols, B64.data.map(Math.abs));
    const P = ref64.matrix(M, N);
    ref64.gemm(c.tA, c.tB, 1, absA, absB, P);
    r = { C, out, absProd: P.data };
    refCache.set(cacheKey + k.dtype, r);
  }
  const C = c.foreign ? new Matrix<FloatArray>(M, N, k.dtype === 'float32' ? new Float32Array(M * N) : new Float64Array(M * N)) : k.matrix(M, N);
  const out = c.activation ? k.matrix(M, N) : undefined;
  k.gemm(c.tA, c.tB, c.alpha, A, B, C, { bias: c.bias ? bias : undefined, activation: c.activation, out, slope: c.slope });
  const eps = KERNEL_EPS[k.dtype];
  const what = `${impl.label} gemm(${c.tA}, ${c.tB}) ${c.shape.join('x')} alpha ${c.alpha}${c.bias ? ' +bias' : ''}${c.activation ? ' ' + c.activation : ''}`;
  // Bit-identical where the order is the reference's: every form but A·Bᵀ, which the
  // wasm kernels compute as dot products with one partial sum per SIMD lane, and W·X
  // over a long K, summed in parts (its own test below).
  const isRef = impl.k === (ref64 as Kernels<FloatArray>);
  const exact = impl.exact && k.dtype === 'float64' && (isRef || ((c.tA || !c.tB) && !(!c.tA && !c.tB && rankParts(K) > 1)));
  const zBound = (i: number) => (exact ? 0 : eps * ((K + 2) * r!.absProd[i] * Math.abs(c.alpha) + (c.bias ? Math.abs(bias64.data[Math.floor(i / N)]) : 0)));
  compare(C.data, r.C.data, zBound, what + ' Z', `gemm ${c.tA ? 'T' : 'N'}${c.tB ? 'T' : 'N'} @ ${impl.label}`);
  if (out && r.out) {
    // g is 1-Lipschitz for these activations (sigmoid ¼, tanh 1, leakyRelu max(1, slope)); add its own rounding.
    const lip = c.activation === 'leakyRelu' ? Math.max(1, c.slope ?? 0) : 1;
    compare(out.data, r.out.data, (i) => lip * zBound(i) + 4 * eps * Math.abs(r!.out!.data[i]), what + ' out', `gemm epilogue ${c.activation} @ ${impl.label}`);
  }
  const result = Float64Array.from(C.data);
  for (const X of [A, B, bias, C, out]) if (X) k.release(X);
  return result;
}

/** Runs a case on every implementation; within a family (other thread counts) results must agree bit for bit. */
function runEveryImpl(c: Case, inputs: { a: Float64Array; b: Float64Array; bias: Float64Array }, cacheKey: string): void {
  const byFamily = new Map<string, Float64Array>();
  for (const impl of impls) {
    const got = runCase(impl, c, roundInputs(impl.k, inputs), cacheKey);
    if (!impl.family) continue;
    const first = byFamily.get(impl.family);
    if (first) assert.deepEqual(got, first, `${impl.label}: differs from 1 thread (results must not depend on the thread count)`);
    else byFamily.set(impl.family, got);
  }
}

describe('kernels conformance', () => {
  // Workers start in the background; wait, so the thread counts are real in every case below.
  before(async () => {
    for (const k of wasm) await k.runtime.ready();
  });
  if (simdSkip) it('WebAssembly SIMD kernels', (t) => t.skip(simdSkip));
  if (relaxedSkip) it('relaxed-SIMD (fused multiply-add) kernels', (t) => t.skip(relaxedSkip));

  describe('gemm: all transpose flags, alpha, bias, every activation, foreign matrices', () => {
    CASES.forEach((c, n) => {
      const inputs = { a: values(c.shape[0] * c.shape[2]), b: values(c.shape[2] * c.shape[1]), bias: values(c.shape[0]) };
      it(`${c.tA ? 'T' : 'N'}${c.tB ? 'T' : 'N'} ${c.shape.join('x')}${c.alpha !== 1 ? ' alpha' : ''}${c.bias ? ' +bias' : ''}${c.activation ? ' ' + c.activation : ''}${c.foreign ? ' (foreign matrices)' : ''}`, () => {
        runEveryImpl(c, inputs, `case${n}`);
      });
    });
  });

  describe('gemm on the cat shapes', () => {
    for (const [name, tA, tB, shape] of CAT) {
      it(`${name} ${shape.join('x')} with bias and relu where the network has them`, () => {
        const c: Case = { tA, tB, shape, alpha: tB ? 1 / 209 : 1, bias: !tA && !tB, activation: !tA && !tB ? 'relu' : undefined };
        const inputs = { a: values(shape[0] * shape[2], 0.01), b: values(shape[2] * shape[1]), bias: values(shape[0]) };
        runEveryImpl(c, inputs, `cat ${name}`);
      });
    }
  });

  it('W·X over a long K: each part is the reference\'s ascending sum, the parts are added pairwise, then alpha and bias (plain float64, bit for bit, any thread count)', () => {
    const exactWasm = impls.filter((impl) => impl.exact && impl.family);
    if (!exactWasm.length) return;
    for (const [M, N, K] of [[20, 209, 12288], [3, 43, 2100], [1, 1, 4100], [7, 11, 9001]] as Shape[]) {
      const parts = rankParts(K);
      assert.ok(parts > 1, `${K} rows are summed in one part`);
      const a = values(M * K), b = values(K * N), bias = values(M), alpha = 0.3;
      const sums: Float64Array[] = [];
      for (let p = 0; p < parts; p++) {
        const k0 = rankPartStart(K, parts, p), k1 = rankPartStart(K, parts, p + 1);
        const As = ref64.matrix(M, k1 - k0);
        for (let i = 0; i < M; i++) As.data.set(a.subarray(i * K + k0, i * K + k1), i * (k1 - k0));
        const S = ref64.matrix(M, N);
        ref64.gemm(false, false, 1, As, new Matrix(k1 - k0, N, b.slice(k0 * N, k1 * N)), S);
        sums.push(S.data);
      }
      for (let w = 1; w < parts; w *= 2) for (let p = 0; p + w < parts; p += 2 * w) for (let i = 0; i < M * N; i++) sums[p][i] += sums[p + w][i];
      const want = sums[0].map((s, i) => alpha * s + bias[Math.floor(i / N)]);
      for (const impl of exactWasm) {
        const { k } = impl;
        const [, A] = pair(k, M, K, a), [, B] = pair(k, K, N, b), [, bi] = pair(k, M, 1, bias);
        const C = k.matrix(M, N);
        k.gemm(false, false, alpha, A, B, C, { bias: bi });
        for (let i = 0; i < M * N; i++) {
          if (!Object.is(C.data[i], want[i])) assert.fail(`${impl.label} ${M}x${N}x${K} (${parts} parts): element ${i} is ${C.data[i]}, the parts added pairwise give ${want[i]}`);
        }
        for (const X of [A, B, bi, C]) k.release(X);
      }
    }
  });

  describe('gemm with an operand packed into panels', () => {
    for (const [name, tA, tB, shape] of PACKED) {
      it(`${name}: ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${shape.join('x')}`, () => {
        const c: Case = { tA, tB, shape, alpha: tB ? 1 / shape[2] : 1, bias: !tB, activation: tB ? undefined : 'relu' };
        const inputs = { a: values(shape[0] * shape[2]), b: values(shape[2] * shape[1]), bias: values(shape[0]) };
        runEveryImpl(c, inputs, `packed ${name}`);
      });
    }
  });

  it('ReLU backward is the reference bit for bit: 0 where z <= 0 (−0 included), dA elsewhere (NaN in z passes dA)', () => {
    const n = 37; // vectors and a scalar tail in both element types
    const z = Float64Array.from({ length: n }, (_, i) => [-0, 0, NaN, -1e-300, 1e-300, -Infinity, Infinity][i % 7]);
    for (let i = 7; i < n; i++) if (i % 7 === 3) z[i] = (rng.random() - 0.5) * 8;
    const da = Float64Array.from({ length: n }, (_, i) => [-0, 0, NaN, 2.5, -3, Infinity][i % 6]);
    for (const impl of impls) {
      const { k } = impl;
      for (const foreign of [false, true]) {
        const [, Z] = pair(k, 1, n, roundTo(k, z), foreign), [, dA] = pair(k, 1, n, roundTo(k, da), foreign);
        const got = k.matrix(1, n), want = k.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        k.activationBackward('relu', dA, Z, got);
        for (let i = 0; i < n; i++) want[i] = Z.data[i] <= 0 ? 0 : dA.data[i];
        for (let i = 0; i < n; i++) {
          assert.ok(Object.is(got.data[i], want[i]), `${impl.label}${foreign ? ' (foreign)' : ''}: z ${Z.data[i]}, dA ${dA.data[i]} gave ${got.data[i]}, not ${want[i]}`);
        }
        // In place: dZ may be dA's own storage.
        k.activationBackward('relu', dA, Z, dA);
        for (let i = 0; i < n; i++) assert.ok(Object.is(dA.data[i], want[i]), `${impl.label}: in place, element ${i}`);
        for (const X of [Z, dA, got]) k.release(X);
      }
    }
  });

  it('optimizer steps (momentum, RMSprop, Adam) are the reference bit for bit in each dtype, over several steps, on any number of threads', () => {
    for (const impl of impls) {
      const { k } = impl;
      const ref = createRefKernels(k.dtype as 'float64') as Kernels<FloatArray>;
      // Count the steps the pool splits (n = 40001 is above the size that goes to the threads).
      const pool = (k as WasmKernels<FloatArray>).runtime?.pool;
      let split = 0;
      const run = pool?.run;
      if (pool && run) pool.run = (...args) => (split++, run.apply(pool, args));
      for (const n of [1, 2, 37, 1000, 40001]) {
        for (const foreign of [false, true]) {
          // Gradients of mixed scale (the second moments then span many orders), moments from zero.
          const init = (scale: number) => roundTo(k, Float64Array.from({ length: n }, () => (rng.random() - 0.5) * scale * 10 ** Math.floor(rng.random() * 6 - 3)));
          const arrays = () => {
            const [, g] = pair(k, 1, n, init(1), foreign), [, p] = pair(k, 1, n, init(2), foreign);
            const [, v] = pair(k, 1, n, new Float64Array(n), foreign), [, s] = pair(k, 1, n, new Float64Array(n), foreign);
            return { g, p, v, s };
          };
          const got = arrays();
          const want = { g: got.g.data.slice(), p: got.p.data.slice(), v: got.v.data.slice(), s: got.s.data.slice() };
          const label = `${impl.label}${foreign ? ' (foreign)' : ''} n ${n}`;
          const same = (what: string, a: FloatArray, b: FloatArray) => {
            for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) assert.fail(`${label}: ${what}[${i}] is ${a[i]}, the reference's ${b[i]}`);
          };
          for (let t = 1; t <= 3; t++) {
            k.momentumUpdate(0.01, 0.9, got.g.data, got.v.data, got.p.data);
            ref.momentumUpdate(0.01, 0.9, want.g, want.v, want.p);
            k.rmspropUpdate(0.001, 0.999, 1e-8, got.g.data, got.s.data, got.p.data);
            ref.rmspropUpdate(0.001, 0.999, 1e-8, want.g, want.s, want.p);
            k.adamUpdate(0.001, 0.9, 0.999, 1e-8, t, got.g.data, got.v.data, got.s.data, got.p.data);
            ref.adamUpdate(0.001, 0.9, 0.999, 1e-8, t, want.g, want.v, want.s, want.p);
            // The next step's gradient.
            for (let i = 0; i < n; i++) got.g.data[i] = want.g[i] = got.p.data[i] * 0.5 - got.v.data[i];
            same('v', got.v.data, want.v);
            same('s', got.s.data, want.s);
            same('p', got.p.data, want.p);
          }
          for (const X of [got.g, got.p, got.v, got.s]) k.release(X);
        }
      }
      if (pool && run) {
        pool.run = run;
        // 3 steps × 3 optimizers, in and out of kernel memory (the latter on the reference code).
        assert.equal(split, 9, `${impl.label}: the large steps were not split between the threads`);
      }
    }
  });

  describe('elementwise, softmax, rowSum, addColumn, axpy', () => {
    for (const [rows, cols] of [[1, 1], [3, 7], [20, 209], [10, 1024], [1, 129]] as const) {
      it(`${rows}x${cols}`, () => {
        const z = values(rows * cols, 8), da = values(rows * cols), bcol = values(rows);
        for (const impl of impls) {
          const { k } = impl;
          const eps = KERNEL_EPS[k.dtype];
          const rel = (want: FloatArray, f = 8) => (i: number) => f * eps * Math.abs(want[i]) + (k.dtype === 'float32' ? 1e-37 : 0);
          const [Z64, Z] = pair(k, rows, cols, roundTo(k, z));
          const [dA64, dA] = pair(k, rows, cols, roundTo(k, da));
          for (const activation of ACTIVATIONS) {
            for (const slope of activation === 'leakyRelu' ? [0.01, 0.3] : [0]) {
              const want = ref64.matrix(rows, cols), got = k.matrix(rows, cols);
              ref64.activationForward(activation, Z64, want, slope);
              k.activationForward(activation, Z, got, slope);
              compare(got.data, want.data, rel(want.data), `${impl.label} ${activation} forward`, `${activation} forward @ ${impl.label}`);
              ref64.activationBackward(activation, dA64, Z64, want, slope);
              k.activationBackward(activation, dA, Z, got, slope);
              compare(got.data, want.data, rel(want.data, 16), `${impl.label} ${activation} backward`, `${activation} backward @ ${impl.label}`);
              k.release(got);
            }
          }
          const S64 = ref64.matrix(rows, cols), S = k.matrix(rows, cols);
          ref64.softmaxColumns(Z64, S64);
          k.softmaxColumns(Z, S);
          compare(S.data, S64.data, rel(S64.data, 4 * (rows + 4)), `${impl.label} softmaxColumns`, `softmaxColumns @ ${impl.label}`);
          const r64 = ref64.matrix(rows, 1), r = k.matrix(rows, 1);
          ref64.rowSum(dA64, 1 / cols, r64);
          k.rowSum(dA, 1 / cols, r);
          const sumBound = (i: number) => (k.dtype === 'float64' ? 0 : eps * (cols + 2) * dA64.data.slice(i * cols, (i + 1) * cols).reduce((s, v) => s + Math.abs(v), 0) / cols);
          compare(r.data, r64.data, sumBound, `${impl.label} rowSum`, `rowSum @ ${impl.label}`);
          const [b64, b] = pair(k, rows, 1, roundTo(k, bcol));
          const Zc64 = new Matrix(rows, cols, Z64.data.slice()), Zc = k.matrix(rows, cols);
          Zc.data.set(Z.data);
          ref64.addColumn(Zc64, b64);
          k.addColumn(Zc, b);
          compare(Zc.data, Zc64.data, rel(Zc64.data, 1), `${impl.label} addColumn`, `addColumn @ ${impl.label}`);
          const y64 = Z64.data.slice(), y = Zc.data;
          y.set(Z.data);
          ref64.axpy(-0.0075, dA64.data, y64);
          k.axpy(-0.0075, dA.data, y);
          compare(y, y64, (i) => (k.dtype === 'float64' ? 0 : 4 * eps * (Math.abs(y64[i]) + Math.abs(dA64.data[i]))), `${impl.label} axpy`, `axpy @ ${impl.label}`);
          for (const X of [Z, dA, S, r, b, Zc]) k.release(X);
        }
      });
    }
  });

  it('threaded kernels really use their workers (bit-identity above is then across threads)', async () => {
    for (const k of wasm) await k.runtime.ready();
    const threaded = wasm.filter((k) => k.threads > 1);
    if (!simdSkip) assert.ok(threaded.length > 0, 'no threaded implementation was created');
    for (const k of threaded) assert.ok(k.runtime.pool && k.runtime.pool.workers === k.threads - 1, `${k.name}: ${k.threads} threads but ${k.runtime.pool?.workers} workers`);
  });
});

function roundTo(k: Kernels<FloatArray>, v: Float64Array): Float64Array {
  return k.dtype === 'float32' ? Float64Array.from(Float32Array.from(v)) : v;
}

function roundInputs(k: Kernels<FloatArray>, inputs: { a: Float64Array; b: Float64Array; bias: Float64Array }) {
  return { a: roundTo(k, inputs.a), b: roundTo(k, inputs.b), bias: roundTo(k, inputs.bias) };
}
