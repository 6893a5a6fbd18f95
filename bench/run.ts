/**
 * `npm run bench`: dnn against the tutorial's NumPy code and TensorFlow.js.
 *
 * Rows: one training iteration of the cat L-layer model ([12288, 20, 7, 5, 1],
 * m = 209) and of an MNIST-size model ([784, 256, 128, 10] softmax, m = 1024);
 * one core's WebAssembly SIMD peak (bench/peak.ts); GEMM GFLOP/s on the cat
 * products and 1024³, each group with a control in the same rounds (the
 * peak loop on one core and on all); the full 2500-iteration cat
 * training; peak RSS and heap stability. Systems alternate round by round;
 * each batch of timed samples follows WARM_MS of untimed runs of the same
 * work; each figure is the median of the timed samples.
 *
 * Flags: --quick (short smoke run: few samples, 50-iteration training),
 *        --no-append (print only), --no-tfjs, --no-numpy,
 *        --plain (keep plain SIMD: by default the benchmark restarts Node 20 with
 *        --experimental-wasm-relaxed-simd, so dnn uses fused multiply-add as a
 *        browser or a newer Node does; the table's header says which ran),
 *        --openblas-env (keep OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for NumPy;
 *        see OPENBLAS_KERNEL_SETTINGS).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  appInitializeParametersDeep, computeCost, createWasmKernels, lModelBackward, lModelForward, loadCatData, Matrix, Model,
  RandomState, updateParameters, useKernels, WasmRuntime, wasmRelaxedSupported, type FloatArray, type Kernels,
} from '../src/index.ts';
import { releaseIteration } from '../src/steps/model.ts';
import { CHAINS, PEAK_FORMS, peakRunner, peakTeam, type PeakTeam } from './peak.ts';
import { RELAXED_FLAG, restartWithRelaxedSimd } from './relaxed.ts';
import { CAT_DIR } from '../test/helpers.ts';
import { hasGramForm, RESYNC } from '../src/model/gram.ts';

const args = new Set(process.argv.slice(2));
restartWithRelaxedSimd();
const quick = args.has('--quick');
const WARMUP = quick ? 1 : 3;
// Many short turns rather than a few long ones: the machine's speed drifts
// over seconds, and each system should see as much of it as the others.
const ROUNDS = quick ? 2 : 10;
const BATCH = 2; // samples = ROUNDS × BATCH (20 in a full run)
const GEMM_WARMUP = quick ? 1 : 2;
const GEMM_ROUNDS = quick ? 2 : 10;
const GEMM_BATCH = 2; // GEMM samples = GEMM_ROUNDS × GEMM_BATCH
const TRAIN_ITERATIONS = quick ? 50 : 2500;
const here = dirname(new URL(import.meta.url).pathname);
const root = join(here, '..');
const cores = os.availableParallelism();
// Node run for memory: glibc's allocator keeps one arena instead of one per
// thread that allocates (V8's background compilers are such threads, and their
// arenas keep what they freed), and V8 compiles on the main thread rather than
// on a pool of its own.
const LEAN_ENV = { MALLOC_ARENA_MAX: '1' };
const LEAN_FLAGS = ['--v8-pool-size=0'];
const LEAN_NAME = [...Object.entries(LEAN_ENV).map(([name, value]) => `${name}=${value}`), 'node', ...LEAN_FLAGS].join(' ');

interface System {
  name: string;
  /** Runs untimed iterations for warmMs milliseconds, then n timed ones; returns the milliseconds of each timed one. */
  run(n: number, warmMs: number): Promise<number[]>;
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/**
 * Lets the previous system's idle threads go to sleep before the next one is
 * timed: OpenBLAS's threads spin for about 2^28 cycles (0.1 s here) after a
 * call, dnn's workers briefly too, and a spinning thread on a 2-core machine
 * halves whatever runs next.
 */
const SETTLE_MS = 300;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

/**
 * Untimed work before every batch of timed samples. After the pause above, a
 * core of this (virtual) machine comes back slowly: the first products after
 * it ran at a quarter of the speed of the fifth, over some 30 ms. Without this
 * warm-up a batch's first samples measured the machine waking up, and more of
 * them for systems with short iterations.
 */
const WARM_MS = quick ? 30 : 100;

/**
 * Warm-up, then ROUNDS rounds in which every system runs BATCH timed
 * iterations: the median of each system's samples, and its fastest. Other
 * tenants of this machine only ever slow a sample down (by 2× and more for
 * seconds at a time), so the fastest sample shows what the code does
 * undisturbed; comparisons use the medians.
 */
async function alternate(systems: System[], warmup = WARMUP, rounds = ROUNDS, batch = BATCH): Promise<Map<string, Timing>> {
  const samples = new Map<string, number[][]>(systems.map((s) => [s.name, []]));
  for (const s of systems) {
    await s.run(warmup, 0);
    await settle();
  }
  for (let r = 0; r < rounds; r++) {
    for (const s of systems) {
      samples.get(s.name)!.push(await s.run(batch, WARM_MS));
      await settle();
    }
  }
  return new Map([...samples].map(([k, byRound]) => {
    const all = byRound.flat();
    return [k, { median: median(all), fastest: Math.min(...all), rounds: byRound.map(median) }];
  }));
}

/** A system's timed samples: their median and fastest, and the median of each round's batch (milliseconds). */
interface Timing { median: number; fastest: number; rounds: number[] }

/**
 * How many times faster `b` ran than `a`, round by round: the median over the
 * rounds of a's time over b's in the same round. The two ran seconds apart, so
 * this ratio follows the code more closely than the ratio of the medians when
 * the machine's speed changes between rounds.
 */
const pairedRatio = (a: number[], b: number[]) => median(a.map((t, r) => t / b[r]));

// ---------------------------------------------------------------------------
// NumPy: the tutorial's code in a persistent Python process per thread count.

/**
 * OpenBLAS settings that choose its kernels rather than its threads. Some
 * machines set them for older OpenBLAS builds that miscompute on newer
 * processors (this one has OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE=512,
 * on a Zen 5 with AVX-512). A current NumPy then runs the AVX2 kernels, 1.2 to
 * 1.9 times slower on the products timed here. NumPy's processes start without
 * them (both together, as they were set together), so it is timed at its best;
 * --openblas-env keeps them. The header names the kernel OpenBLAS ran.
 */
const OPENBLAS_KERNEL_SETTINGS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
const keepOpenblasEnv = args.has('--openblas-env');

function numpyEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  if (!keepOpenblasEnv) for (const name of OPENBLAS_KERNEL_SETTINGS) delete env[name];
  return env;
}

/** What the header says of the OpenBLAS settings above. */
function openblasEnvNote(): string {
  const set = OPENBLAS_KERNEL_SETTINGS.filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
  if (!set.length) return '';
  return keepOpenblasEnv ? ` (${set.join(', ')} kept: --openblas-env)` : ` (${set.join(', ')} in the environment, removed for NumPy)`;
}

class NumPy {
  private proc: ChildProcessWithoutNullStreams;
  private lines: AsyncIterableIterator<string>;
  constructor(readonly threads: number) {
    const env = numpyEnv(threads);
    this.proc = spawn('python3', [join(here, 'numpy_tutorial.py')], { env });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async ask(cmd: string): Promise<any> {
    this.proc.stdin.write(cmd + '\n');
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`numpy_tutorial.py (${this.threads} threads) ended on "${cmd}"`);
    return JSON.parse(value);
  }
  close() { this.proc.stdin.end(); }
}

function numpyAvailable(): string | undefined {
  if (args.has('--no-numpy')) return 'skipped (--no-numpy)';
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'skipped: python3 with NumPy is not installed';
}

// ---------------------------------------------------------------------------
// dnn systems

function dnnKernels(dtype: 'float64' | 'float32', runtime: WasmRuntime) {
  return createWasmKernels(dtype as 'float64', { runtime }) as Kernels<FloatArray>;
}

function timeEach(n: number, f: () => void, warmMs = 0): number[] {
  for (const t0 = performance.now(); performance.now() - t0 < warmMs;) f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); out.push(performance.now() - t0); }
  return out;
}

/** The course's step functions (lModelForward ... updateParameters), float64; computes dA0 as the tutorial does. */
function stepsSystem(name: string, k: Kernels<Float64Array>, X: Matrix, Y: Matrix, dims: number[]): System {
  const prev = useKernels(k);
  const parameters = appInitializeParametersDeep(dims);
  const Xk = k.matrix(X.rows, X.cols);
  Xk.data.set(X.data);
  useKernels(prev);
  return {
    name,
    async run(n, warmMs) {
      const before = useKernels(k);
      const t = timeEach(n, () => {
        const [AL, caches] = lModelForward(Xk, parameters);
        computeCost(AL, Y);
        const grads = lModelBackward(AL, Y, caches);
        updateParameters(parameters, grads, 0.0075);
        releaseIteration(caches, AL, grads);
      }, warmMs);
      useKernels(before);
      return t;
    },
  };
}

/**
 * Updates per timed sample of `Model.fit` where the Gram form applies: its
 * updates are not all alike (one in RESYNC computes W1·X and makes the
 * updates held back), so a sample is the mean of a whole period of them, and
 * a median of single updates, which would leave that one out, cannot show.
 */
const FIT_BLOCK = RESYNC;

/**
 * The Model's training step (fit, full batch, plain gradient descent):
 * per-iteration times from onIteration, which stops the fit after the warm-up
 * and n timed samples; each sample the mean of `FIT_BLOCK` consecutive
 * updates in the Gram form, of one update otherwise.
 */
function modelSystem(name: string, k: Kernels<FloatArray>, X: Matrix, Y: Matrix, dims: number[], output: 'sigmoid' | 'softmax', gram = true): System {
  const block = gram && hasGramForm({ type: 'gd' }, dims[0], X.cols) ? FIT_BLOCK : 1;
  const layers = dims.slice(1).map((units, l) => ({ units, activation: (l < dims.length - 2 ? 'relu' : output) as 'relu' | 'sigmoid' | 'softmax' }));
  const model = new Model({ inputSize: dims[0], layers, seed: 1, dtype: k.dtype as 'float64', kernels: k as Kernels<Float64Array> });
  const Xd = k.dtype === 'float32' ? new Matrix<FloatArray>(X.rows, X.cols, Float32Array.from(X.data)) : X;
  const Yd = k.dtype === 'float32' ? new Matrix<FloatArray>(Y.rows, Y.cols, Float32Array.from(Y.data)) : Y;
  return {
    name,
    async run(n, warmMs) {
      const stamps: number[] = [];
      const t0 = performance.now();
      const onIteration = () => {
        const now = performance.now();
        if (now - t0 >= warmMs || stamps.length) stamps.push(now);
        return stamps.length > n * block ? 'stop' as const : undefined;
      };
      // Iterations take over 0.05 ms: 20·warmMs bounds the warm-up's count (fit sizes its cost history by it).
      const iterations = n * block + 1 + Math.ceil(20 * warmMs);
      model.fit(Xd, Yd, { iterations, batchSize: X.cols, optimizer: 'gd', learningRate: 0.0075, shuffle: false, gram, onIteration });
      if (stamps.length <= n * block) throw new Error(`${name}: the fit's ${iterations} iterations ended after ${stamps.length} of the ${n * block + 1} timed ones; its updates took under 0.05 ms (the warm-up's bound)`);
      return Array.from({ length: n }, (_, i) => (stamps[(i + 1) * block] - stamps[i * block]) / block);
    },
  };
}

async function tfSystems(X: Matrix, Y: Matrix, dims: number[], output: 'sigmoid' | 'softmax'): Promise<System[]> {
  if (args.has('--no-tfjs')) return [];
  const tf = await loadTfjs();
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '/');
  const rng = new RandomState(1);
  const weights = dims.slice(1).map((n, l) => Float32Array.from({ length: n * dims[l] }, () => rng.standardNormal() / Math.sqrt(dims[l])));
  const out: System[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    out.push({
      name: `TensorFlow.js ${backend} float32`,
      async run(n, warmMs) {
        await tf.useTfBackend(backend, wasmDir);
        const t = tf.tfTrainer(Float32Array.from(X.data), Float32Array.from(Y.data), dims, X.cols, output, weights, 0.0075);
        const times = timeEach(n, () => t.step(), warmMs);
        t.dispose();
        return times;
      },
    });
  }
  return out;
}

/** TensorFlow.js's ES modules do not load in Node as they are: bundle bench/tfjs-model.ts (CommonJS) with esbuild. */
async function loadTfjs(): Promise<typeof import('./tfjs-model.ts')> {
  const { build } = await import('esbuild');
  const outfile = join(root, 'tmp', 'tfjs-model.bundle.cjs');
  await build({ entryPoints: [join(here, 'tfjs-model.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error', ignoreAnnotations: true });
  const require = createRequire(import.meta.url);
  const quiet = console.log;
  console.log = () => {}; // tfjs prints an advertisement for tfjs-node
  try {
    return require(outfile);
  } finally {
    console.log = quiet;
  }
}

// ---------------------------------------------------------------------------

interface Row { group: string; system: string; value: number; fastest?: number; unit: 'ms' | 'GFLOP/s' | 's' | 'MB' | 'text'; note?: string; text?: string;
  /** Milliseconds, the median of each round's batch (alternated systems only). */
  rounds?: number[];
  /** GFLOP/s rows: floating-point operations of one sample, where two rows of a pair differ in it (the control's). */
  flops?: number }
const rows: Row[] = [];

async function iterationRows(group: string, X: Matrix, Y: Matrix, dims: number[], output: 'sigmoid' | 'softmax', np: NumPy[], rt1: WasmRuntime, rtN: WasmRuntime) {
  const systems: System[] = [];
  if (output === 'sigmoid') {
    systems.push(stepsSystem('dnn float64, 1 thread (step functions, with dA0)', dnnKernels('float64', rt1) as Kernels<Float64Array>, X, Y, dims));
    systems.push(stepsSystem(`dnn float64, ${cores} threads (step functions, with dA0)`, dnnKernels('float64', rtN) as Kernels<Float64Array>, X, Y, dims));
  }
  for (const dtype of ['float64', 'float32'] as const) {
    systems.push(modelSystem(`dnn ${dtype}, 1 thread (Model.fit)`, dnnKernels(dtype, rt1), X, Y, dims, output));
    systems.push(modelSystem(`dnn ${dtype}, ${cores} threads (Model.fit)`, dnnKernels(dtype, rtN), X, Y, dims, output));
  }
  // The cat model's first layer takes the Gram form (n0 = 12288 > 2m): the same training computing W1·X every update.
  if (output === 'sigmoid') systems.push(modelSystem(`dnn float64, ${cores} threads (Model.fit, gram: false)`, dnnKernels('float64', rtN), X, Y, dims, output, false));
  for (const p of np) {
    await p.ask(output === 'sigmoid' ? 'setup_cat float64' : 'setup_mnist float64');
    systems.push({ name: `NumPy float64 (tutorial code), OpenBLAS ${p.threads} thread${p.threads > 1 ? 's' : ''}`, run: async (n, warmMs) => (await p.ask(`iterate ${n} ${warmMs}`)).times.map((s: number) => s * 1000) });
  }
  systems.push(...(await tfSystems(X, Y, dims, output)));
  const result = await alternate(systems);
  for (const [system, ms] of result) rows.push({ group, system, value: ms.median, fastest: ms.fastest, unit: 'ms', rounds: ms.rounds });
}

async function gemmRows(np: NumPy[], rt1: WasmRuntime, rtN: WasmRuntime) {
  const form = PEAK_FORMS.find((f) => f.type === 'f64x2' && f.fused === rt1.relaxed)!;
  const teams = cores > 1 ? [await peakTeam(form, 1, CONTROL_TURNS), await peakTeam(form, cores, CONTROL_TURNS)] : [];
  try {
    await gemmShapes(np, rt1, rtN, teams);
  } finally {
    await Promise.all(teams.map((t) => t.stop()));
  }
}

async function gemmShapes(np: NumPy[], rt1: WasmRuntime, rtN: WasmRuntime, teams: PeakTeam[]) {
  const shapes: [string, number, number, number, boolean, boolean][] = [
    ['cat (1) W1·X 20x12288·12288x209', 20, 209, 12288, false, false],
    ['cat (8) dZ1·Xᵀ 20x209·209x12288', 20, 12288, 209, false, true],
    ['cat (10) W1ᵀ·dZ1 12288x20·20x209', 12288, 209, 20, true, false],
    ['1024³', 1024, 1024, 1024, false, false],
  ];
  for (const [label, M, N, K, tA, tB] of shapes) {
    const flops = 2 * M * N * K;
    const systems: System[] = [];
    for (const dtype of ['float64', 'float32'] as const) {
      for (const [rt, th] of [[rt1, 1], [rtN, cores]] as const) {
        const k = dnnKernels(dtype, rt);
        const rng = new RandomState(2);
        const A = k.matrix(tA ? K : M, tA ? M : K), B = k.matrix(tB ? N : K, tB ? K : N), C = k.matrix(M, N);
        for (const X of [A, B]) for (let i = 0; i < X.data.length; i++) X.data[i] = rng.random();
        systems.push({ name: `dnn ${dtype}, ${th} thread${th > 1 ? 's' : ''}`, run: async (n, warmMs) => timeEach(n, () => k.gemm(tA, tB, 1, A, B, C), warmMs) });
      }
    }
    for (const p of np) for (const dtype of ['float64', 'float32']) {
      systems.push({ name: `NumPy ${dtype}, OpenBLAS ${p.threads} thread${p.threads > 1 ? 's' : ''}`, run: async (n, warmMs) => (await p.ask(`gemm ${M} ${N} ${K} ${+tA} ${+tB} ${dtype} ${n} ${warmMs}`)).times.map((s: number) => s * 1000) });
    }
    // The control, in the same rounds: the register-only loop on one core and on all.
    const teamFlops = new Map<string, number>();
    for (const team of teams) {
      const name = `register loop (control), ${team.threads} thread${team.threads > 1 ? 's' : ''}`;
      teamFlops.set(name, team.flops);
      systems.push({ name, run: async (n, warmMs) => timeEach(n, () => team.run(), warmMs) });
    }
    const result = await alternate(systems, GEMM_WARMUP, GEMM_ROUNDS, GEMM_BATCH);
    for (const [system, ms] of result) {
      const f = teamFlops.get(system) ?? flops;
      rows.push({
        group: `GEMM ${label}`, system, value: f / ms.median / 1e6, fastest: f / ms.fastest / 1e6, unit: 'GFLOP/s', rounds: ms.rounds, flops: f,
        note: teamFlops.has(system) ? CONTROL_NOTE : undefined,
      });
    }
  }
}

/**
 * What the GEMM groups' control rows are: the peak probe's loop (registers
 * only, no memory) on one core and on all at once, timed in the same rounds as
 * the products. Its speed-up is what the machine's cores gave, in those
 * rounds, to work that neither touches memory nor waits for another thread
 * except at the end of a sample: where a product's speed-up falls short of
 * 2× and the control's does not, the product is why.
 */
const CONTROL_NOTE = 'registers only, no memory: what the cores gave in these rounds';
const CONTROL_TURNS = 2_500_000; // about 4 ms a sample on one core, as the cat products take

/** One core's WebAssembly SIMD peak: register-only multiply-add loops, alternating the forms; medians. */
async function peakRows(relaxed: boolean) {
  const forms = PEAK_FORMS.filter((f) => relaxed || !f.fused);
  const runs = await Promise.all(forms.map((f) => peakRunner(f)));
  const samples: number[][] = forms.map(() => []);
  for (let round = 0; round < (quick ? 2 : 9); round++) runs.forEach((run, i) => samples[i].push(run()));
  forms.forEach((f, i) => rows.push({ group: `WebAssembly SIMD peak, one core (registers only, ${CHAINS} independent multiply-adds per turn)`, system: f.name, value: median(samples[i]), unit: 'GFLOP/s' }));
}

/** bench/cat-train.ts bundled by esbuild, so the measured process is plain Node (as dist/ runs), without tsx. */
async function bundleCatTrain(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(root, 'tmp', 'cat-train.bundle.mjs');
  await build({ entryPoints: [join(here, 'cat-train.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  return outfile;
}

async function trainingRows(np: NumPy[]) {
  const bundle = await bundleCatTrain();
  const child = (mode: 'model' | 'steps', threads?: number, iterations = TRAIN_ITERATIONS, heapIterations = quick ? 200 : 1000, lean = false) => {
    const flags = [...(wasmRelaxedSupported() ? [RELAXED_FLAG] : []), '--expose-gc', ...(lean ? LEAN_FLAGS : [])];
    // Without NODE_OPTIONS: tsx passes its loader to child processes through it.
    const env: NodeJS.ProcessEnv = { ...process.env, ...(threads ? { DNN_THREADS: String(threads) } : {}), ...(lean ? LEAN_ENV : {}) };
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, [...flags, bundle, mode, String(iterations), String(heapIterations), CAT_DIR], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`bench/cat-train.ts ${mode} failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  const group = `cat training, ${TRAIN_ITERATIONS} iterations (wall time)`;
  const model = child('model');
  await settle();
  const steps = child('steps');
  rows.push({ group, system: `dnn float64, ${cores} threads (Model.fit)`, value: model.seconds, unit: 's' });
  rows.push({ group, system: `dnn float64, ${cores} threads (lLayerModel, step functions)`, value: steps.seconds, unit: 's' });
  for (const p of np) {
    await settle();
    await p.ask('setup_cat float64');
    rows.push({ group, system: `NumPy float64 (tutorial code), OpenBLAS ${p.threads} thread${p.threads > 1 ? 's' : ''}`, value: (await p.ask(`train ${TRAIN_ITERATIONS}`)).seconds, unit: 's' });
  }
  // Peak memory on one thread as well: every worker is a V8 isolate of its own (about 10 MB).
  // The whole training, as on all cores: V8 optimizes the hot functions after 100-200
  // iterations, and the compiler's memory counts in the peak.
  await settle();
  const modelOneThread = child('model', 1, TRAIN_ITERATIONS, 0);
  // The same training with Node run for memory, on both thread counts.
  await settle();
  const leanOneThread = child('model', 1, TRAIN_ITERATIONS, 0, true);
  await settle();
  const leanAll = child('model', cores, TRAIN_ITERATIONS, 0, true);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const runs = [
    ['Model.fit', model], ['Model.fit', modelOneThread],
    [`Model.fit, ${LEAN_NAME}`, leanOneThread], [`Model.fit, ${LEAN_NAME}`, leanAll],
    ['lLayerModel, step functions', steps],
  ] as const;
  for (const [name, r] of runs) {
    const above = r.peakRss - r.baselineRss;
    rows.push({
      group: 'memory', system: `dnn cat training peak RSS (${name}, ${r.threads} thread${r.threads > 1 ? 's' : ''})`, value: r.peakRss / 2 ** 20, unit: 'MB',
      note: `Node alone ${mb(r.baselineRss)} MB, above it ${mb(above)} MB; kernel memory at its peak ${mb(r.kernelHighWater)} MB `
        + `(X ${mb(r.xBytes)} MB, parameters, gradients, activations, workspaces; the arrays alone ${mb(r.neededBytes)} MB): `
        + `above Node ${(above / r.kernelHighWater).toFixed(2)}× the kernel memory, whole process ${(r.peakRss / r.kernelHighWater).toFixed(2)}×`
        + (r.endAnon === undefined ? '' : `; after training, the process's own (anonymous) pages were ${mb(r.endAnon - r.baselineAnon)} MB above Node's, `
          + `${((r.endAnon - r.baselineAnon) / r.kernelHighWater).toFixed(2)}× the kernel memory (the rest of the resident set is Node's executable, mapped from its file)`),
    });
  }
  const h = model.heap;
  const stable = h.atEnd.wasmBytes === h.at100.wasmBytes && h.atEnd.wasmMemory === h.at100.wasmMemory;
  rows.push({
    group: 'memory', system: `heap over ${h.iterations} iterations (Model.fit)`, value: 0, unit: 'text',
    text: `${stable ? 'stable' : 'NOT stable'}: WebAssembly bytes in use ${h.at100.wasmBytes} -> ${h.atEnd.wasmBytes}, memory ${h.at100.wasmMemory} -> ${h.atEnd.wasmMemory}; JS heap ${(h.at100.heapUsed / 2 ** 20).toFixed(2)} -> ${(h.atEnd.heapUsed / 2 ** 20).toFixed(2)} MB${model.gcExposed ? ' (after gc)' : ''}; `
      + `over the last ${h.measured} iterations ${h.collections} garbage collection${h.collections === 1 ? '' : 's'} and `
      + (h.collections === 0 ? `${Math.round(h.grownBytes / h.measured)} bytes of JS heap per iteration (the iteration's event and numbers)` : 'JS heap growth not measurable'),
  });
}

function table(): string {
  const lines: string[] = [];
  const groups = [...new Set(rows.map((r) => r.group))];
  const fixed = (v: number) => v.toFixed(2);
  /** A ratio rounded down, so that a printed 1.80× is at least 1.80× (1.796 prints as 1.79). */
  const ratio = (v: number, digits = 2) => (Math.floor(v * 10 ** digits + 1e-9) / 10 ** digits).toFixed(digits);
  for (const g of groups) {
    const rs = rows.filter((r) => r.group === g);
    const numpy = rs.filter((r) => r.system.startsWith('NumPy float64') && r.unit === 'ms').sort((a, b) => a.value - b.value)[0];
    const tfWasm = rs.find((r) => r.system.startsWith('TensorFlow.js wasm'));
    /** " (r× by rounds)": the same ratio taken round by round (see pairedRatio). */
    // Times of unequal work (the control's two rows) are compared per operation.
    const paired = (slow: Row, fast: Row, digits = 2) => slow.rounds && fast.rounds
      ? ` (${ratio(pairedRatio(slow.rounds, fast.rounds) * ((fast.flops ?? 1) / (slow.flops ?? 1)), digits)}× by rounds)` : '';
    lines.push(`| ${g} | median | fastest | | |`, '|---|---:|---:|---:|---|');
    for (const r of rs) {
      let against = '';
      if (r.unit === 'ms' && numpy && r.system.startsWith('dnn float64')) against = `${ratio(numpy.value / r.value)}× NumPy's best${paired(numpy, r)}`;
      if (r.unit === 'ms' && tfWasm && r.system.startsWith('dnn float32')) against = `${ratio(tfWasm.value / r.value, 1)}× TF.js wasm${paired(tfWasm, r, 1)}`;
      // GEMM: the speed-up of all cores over one thread, same dtype.
      const one = r.unit === 'GFLOP/s' && / \d+ threads$/.test(r.system) ? rs.find((o) => o.system === r.system.replace(/ \d+ threads$/, ' 1 thread')) : undefined;
      if (one) against = `${ratio(r.value / one.value)}× 1 thread${paired(one, r)}`;
      const value = r.unit === 'text' ? r.text! : `${fixed(r.value)} ${r.unit}`;
      lines.push(`| ${r.system} | ${value} | ${r.fastest === undefined ? '' : `${fixed(r.fastest)} ${r.unit}`} | ${against} | ${r.note ?? ''} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The 1, 5 and 15 minute load averages, as the header prints them. */
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main() {
  // Taken before anything of the benchmark runs: whether the machine was quiet. The
  // load average at the end is mostly the benchmark's own (it keeps both cores busy).
  const started = new Date(), loadAtStart = loadAverage();
  if (os.loadavg()[0] > 0.5) console.error(`bench: the load average is ${loadAtStart} (1, 5, 15 min): other work is running, and the timings will show it`);
  const npSkip = numpyAvailable();
  const np = npSkip ? [] : [new NumPy(1), new NumPy(2)];
  const rt1 = new WasmRuntime({ threads: 1 });
  const rtN = new WasmRuntime({ threads: cores });
  await rtN.ready();
  try {
    const catSkip = existsSync(join(CAT_DIR, 'train_catvnoncat.h5')) ? undefined : `cat data not at ${CAT_DIR}`;
    if (!catSkip) {
      const { trainX, trainY } = await loadCatData(CAT_DIR);
      await iterationRows('cat L-layer iteration [12288, 20, 7, 5, 1], m = 209 (median ms)', trainX, trainY, [12288, 20, 7, 5, 1], 'sigmoid', np, rt1, rtN);
    }
    const rng = new RandomState(0);
    const X = new Matrix(784, 1024, Float64Array.from({ length: 784 * 1024 }, () => rng.random()));
    const Y = Matrix.zeros(10, 1024);
    for (let j = 0; j < 1024; j++) Y.set(Math.floor(rng.random() * 10), j, 1);
    await iterationRows('MNIST-size iteration [784, 256, 128, 10] softmax, m = 1024 (median ms)', X, Y, [784, 256, 128, 10], 'softmax', np, rt1, rtN);
    await peakRows(rt1.relaxed);
    await gemmRows(np, rt1, rtN);
    if (!catSkip) await trainingRows(np);
    const info = np[0] ? await np[0].ask('info') : undefined;
    const numpyVersion = info ? `${info.numpy}, OpenBLAS ${info.openblas ?? '(kernel not found)'}${openblasEnvNote()}` : undefined;
    const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ` +
      `WebAssembly ${rt1.relaxed ? 'relaxed SIMD (FMA)' : `SIMD (relaxed SIMD ${wasmRelaxedSupported() ? 'available' : 'off'})`}; NumPy ${numpyVersion ?? `(${npSkip})`}; ` +
      `load average (1, 5, 15 min) ${loadAtStart} at the start (${started.toISOString()}), ${loadAverage()} at the end`;
    const header = `## ${new Date().toISOString()}${quick ? ' (--quick smoke run: few samples, not a result)' : ''}\n\n${machine}\n\nSamples: ${ROUNDS}×${BATCH} per system after ${WARMUP} warm-up, systems alternating; GEMM ${GEMM_ROUNDS}×${GEMM_BATCH} after ${GEMM_WARMUP} warm-up; ${SETTLE_MS} ms pause between systems, then ${WARM_MS} ms of untimed runs before each batch; a sample of Model.fit in the Gram form (the cat rows but "gram: false") is the mean of ${FIT_BLOCK} consecutive updates, every other sample one iteration.${catSkip ? ` Cat rows skipped: ${catSkip}.` : ''}${npSkip ? ` NumPy ${npSkip}.` : ''}\n\n`;
    const text = header + table();
    console.log(text);
    if (!args.has('--no-append')) appendFileSync(join(here, 'RESULTS.md'), text + '\n');
  } finally {
    np.forEach((p) => p.close());
    rt1.shutdown();
    rtN.shutdown();
  }
}

await main();
