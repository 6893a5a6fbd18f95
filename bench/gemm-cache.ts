/**
 * `npm run bench:gemm`: the cat model's two large products on their own, with
 * the big operand (X, 12288 rows) streamed from memory and, for comparison,
 * with a short one that stays in L2 (called repeatedly for the same work),
 * next to one core's WebAssembly SIMD peak. All in one process, the cases
 * alternating round by round; medians. Prints a table, appends nothing.
 *
 *   (1) Z1 = W1·X    20×K · K×209    rank-update kernel
 *   (8) dW1 = dZ1·Xᵀ 20×209 · 209×N  dot-product kernel
 *
 * Flags: --threads n (default 1), --float32, --plain (no fused multiply-add).
 */
import { configureKernels, kernelsFor } from '../src/kernels/index.ts';
import type { WasmKernels } from '../src/kernels/wasm/index.ts';
import { PEAK_FORMS, peakRunner } from './peak.ts';
import { restartWithRelaxedSimd } from './relaxed.ts';

restartWithRelaxedSimd();

const argv = process.argv.slice(2);
const threads = argv.includes('--threads') ? Number(argv[argv.indexOf('--threads') + 1]) : 1;
const dtype = argv.includes('--float32') ? 'float32' : 'float64';
configureKernels({ threads });
const k = kernelsFor(dtype) as unknown as WasmKernels<Float64Array>;
if (!k.runtime) throw new Error('bench:gemm: the WebAssembly kernels are not available here');

interface Case { name: string; flops: number; run(): number }

function product(name: string, M: number, N: number, K: number, transB: boolean): Case {
  const A = k.matrix(M, K), B = transB ? k.matrix(N, K) : k.matrix(K, N), C = k.matrix(M, N);
  for (const X of [A, B]) for (let i = 0; i < X.data.length; i++) X.data[i] = Math.random();
  // The same number of multiply-adds as the full-size product.
  const reps = Math.round(12288 / (transB ? N : K));
  return {
    name, flops: 2 * M * N * K * reps,
    run() {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) k.gemm(false, transB, 1, A, B, C);
      return performance.now() - t0;
    },
  };
}

const cases: Case[] = [
  product('(1) W1·X, X 12288×209 streamed', 20, 209, 12288, false),
  product('(1) W1·X, X 1024×209 in L2 (×12)', 20, 209, 1024, false),
  product('(8) dZ1·Xᵀ, X 12288×209 streamed', 20, 12288, 209, true),
  product('(8) dZ1·Xᵀ, X 1024×209 in L2 (×12)', 20, 1024, 209, true),
];
const type = dtype === 'float64' ? 'f64x2' : 'f32x4';
for (const form of PEAK_FORMS.filter((f) => f.type === type && (f.fused === k.runtime.relaxed))) {
  const run = await peakRunner(form);
  cases.push({ name: `peak, ${form.name} (registers only, one core)`, flops: 0, run });
}

const samples = cases.map(() => [] as number[]);
for (let round = 0; round < 12; round++) {
  cases.forEach((c, i) => {
    for (let r = 0; r < 3; r++) {
      const v = c.run();
      if (round > 1) samples[i].push(c.flops ? c.flops / v / 1e6 : v); // GFLOP/s either way
    }
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`| ${dtype}, ${threads} thread${threads > 1 ? 's' : ''} (${k.name}) | GFLOP/s, median of ${samples[0].length} |\n|---|---:|`);
cases.forEach((c, i) => console.log(`| ${c.name} | ${median(samples[i]).toFixed(2)} |`));
k.runtime.shutdown();
