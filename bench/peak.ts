/**
 * The most one core can do with WebAssembly SIMD here: a loop of independent
 * multiply-adds on registers only (no memory traffic), in the forms the
 * kernels use: f64x2 / f32x4, fused (relaxed SIMD) or multiply then add.
 * GEMM GFLOP/s in the benchmark read against these figures; no product can
 * pass them, whatever its blocking.
 *
 * Each turn of the loop makes CHAINS independent updates acc[i] = acc[i] + x·y
 * (enough chains to cover the multiply-add latency: with 8 the measured rate
 * is lower, with 12 V8 spills registers).
 */
// @ts-ignore: plain ESM without types
import { assemble } from '../scripts/wasm-source.mjs';

export const CHAINS = 10;
const TURNS = 20_000_000;

export interface PeakForm {
  name: string;
  type: 'f64x2' | 'f32x4';
  fused: boolean;
}

export const PEAK_FORMS: PeakForm[] = [
  { name: 'float64 (f64x2), fused multiply-add', type: 'f64x2', fused: true },
  { name: 'float64 (f64x2), multiply then add', type: 'f64x2', fused: false },
  { name: 'float32 (f32x4), fused multiply-add', type: 'f32x4', fused: true },
  { name: 'float32 (f32x4), multiply then add', type: 'f32x4', fused: false },
];

/** The probe's module: one exported run(turns), CHAINS multiply-adds per turn. */
export function peakWat({ type, fused }: PeakForm): string {
  const scalar = type.slice(0, 3);
  const acc = (i: number) => `$a${i}`;
  const update = (i: number) => fused
    ? `(local.set ${acc(i)} (${type}.relaxed_madd (local.get $x) (local.get $y) (local.get ${acc(i)})))`
    : `(local.set ${acc(i)} (${type}.add (local.get ${acc(i)}) (${type}.mul (local.get $x) (local.get $y))))`;
  let sum = `(local.get ${acc(0)})`;
  for (let i = 1; i < CHAINS; i++) sum = `(${type}.add ${sum} (local.get ${acc(i)}))`;
  return `(module
  (func (export "run") (param $n i32) (result ${scalar})
    ${Array.from({ length: CHAINS }, (_, i) => `(local ${acc(i)} v128)`).join(' ')} (local $x v128) (local $y v128)
    (local.set $x (${type}.splat (${scalar}.const 1.0000001)))
    (local.set $y (${type}.splat (${scalar}.const 0.9999999)))
    (loop $l
      ${Array.from({ length: CHAINS }, (_, i) => update(i)).join('\n      ')}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (${type}.extract_lane 0 ${sum})))
`;
}

/** A timed run of one form on this thread: GFLOP/s (2 per multiply-add per lane). */
export async function peakRunner(form: PeakForm): Promise<() => number> {
  const team = await peakTeam(form, 1, TURNS); // one thread: no worker to stop
  return () => team.flops / (team.run() * 1e6);
}

/** A team of threads running the loop at once (peakTeam). */
export interface PeakTeam {
  /** Threads running the loop, the caller's included. */
  readonly threads: number;
  /** Multiply-add floating-point operations of one sample, all threads together. */
  readonly flops: number;
  /** One sample: every thread runs the loop `turns` times; milliseconds until the last has finished. */
  run(): number;
  /** What each thread's last run returned (the threads' sums, equal when all of them ran the same loop). */
  results(): number[];
  /** Ends the workers. */
  stop(): Promise<void>;
}

/** The workers' side of peakTeam: control words 0 (generation), 1 (runs finished), 2 (stop), 3 (workers started); each thread's result after them. */
const TEAM_WORKER = `
'use strict';
const { workerData } = require('node:worker_threads');
const { module, shared, index, turns } = workerData;
const run = new WebAssembly.Instance(module).exports.run;
const i32 = new Int32Array(shared, 0, 4), results = new Float64Array(shared, 16);
run(Math.max(1, turns >> 4));
Atomics.add(i32, 3, 1);
let seen = 0;
for (;;) {
  let g = Atomics.load(i32, 0);
  for (let spin = 0; g === seen && spin < 100000; spin++) g = Atomics.load(i32, 0);
  if (g === seen) { Atomics.wait(i32, 0, seen); continue; }
  seen = g;
  if (Atomics.load(i32, 2)) break;
  results[index] = run(turns);
  Atomics.add(i32, 1, 1);
}
`;

/**
 * The loop on `threads` cores at once: this thread and threads − 1 workers,
 * each `turns` turns per sample, woken as the kernels' pool wakes its workers
 * (they spin briefly, then wait). A control for the GEMM rows' speed-up from
 * one thread to all cores: registers only, no memory and nothing shared, so
 * its speed-up at a given moment is what the machine's cores give work that
 * needs nothing else. Another tenant's work on a core shows here as it does
 * in a product; contention for caches and memory does not.
 */
export async function peakTeam(form: PeakForm, threads: number, turns: number): Promise<PeakTeam> {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`peakTeam: threads must be a positive integer, got ${threads}`);
  const bytes = await assemble(peakWat(form), { shared: false });
  const module = new WebAssembly.Module(bytes);
  const { exports } = new WebAssembly.Instance(module) as unknown as { exports: { run(n: number): number } };
  exports.run(Math.max(1, turns >> 4));
  const shared = new SharedArrayBuffer(16 + 8 * threads);
  const i32 = new Int32Array(shared, 0, 4), results = new Float64Array(shared, 16);
  const { Worker } = await import('node:worker_threads');
  const workers = Array.from({ length: threads - 1 }, (_, w) =>
    new Worker(TEAM_WORKER, { eval: true, workerData: { module, shared, index: w + 1, turns } }));
  for (const w of workers) w.unref();
  const failed = Promise.race(workers.map((w) => new Promise<never>((_, reject) => w.once('error', reject))));
  const started = (async () => { while (Atomics.load(i32, 3) < threads - 1) await new Promise((r) => setTimeout(r, 5)); })();
  await Promise.race([started, failed]);
  const lanes = form.type === 'f64x2' ? 2 : 4;
  return {
    threads,
    flops: threads * turns * CHAINS * lanes * 2,
    run() {
      Atomics.store(i32, 1, 0);
      const t0 = performance.now();
      Atomics.add(i32, 0, 1);
      Atomics.notify(i32, 0);
      results[0] = exports.run(turns);
      while (Atomics.load(i32, 1) < threads - 1) {
        if (performance.now() - t0 > 10_000) throw new Error(`peakTeam: ${threads - 1 - Atomics.load(i32, 1)} worker(s) did not finish a run within 10 s`);
      }
      return performance.now() - t0;
    },
    results: () => Array.from(results),
    async stop() {
      Atomics.store(i32, 2, 1);
      Atomics.add(i32, 0, 1);
      Atomics.notify(i32, 0);
      // Referenced again while they end, so the process waits for their exit.
      await Promise.all(workers.map((w) => { w.ref(); return new Promise((r) => w.once('exit', r)); }));
    },
  };
}
