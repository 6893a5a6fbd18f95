/**
 * The fast implementation of the compute interface: GEMM in WebAssembly SIMD
 * (f64x2 for float64, f32x4 for float32), split between threads; the other
 * primitives (activations, softmax, row sums) are cheap next to the products
 * and run the reference code on views of the same memory (axpy, the ReLU
 * backward and the Model's optimizer steps run in WebAssembly).
 *
 * Legend: examples are columns; W (n[l], n[l-1]), A and Z (n[l], m), b (n[l], 1).
 *   (1)  Z  = W · A_prev + b       gemm(false, false): rank updates of Z (few rows) while A_prev streams by rows,
 *                                  a long K in parts (threads take parts), the parts' sums added pairwise
 *   (8)  dW = 1/m · dZ · A_prevᵀ   gemm(false, true):  dot products of dZ's and A_prev's rows (both contiguous)
 *   (10) dA_prev = Wᵀ · dZ         gemm(true, false):  W read by scalars down its columns
 *
 * Every C[i, j] is Σ_k op(A)[i, k]·op(B)[k, j] added in ascending k from +0,
 * then times alpha, plus bias: the reference's order, with two exceptions in
 * fixed orders of their own. A·Bᵀ with a small A, as (8), is computed as dot
 * products with one partial sum per SIMD lane; W·A_prev with few rows and a
 * long K, as (1) on the cat model's 12288 inputs, as ascending sums over 2–16
 * stretches of K (rankParts, rankPartStart), added pairwise. Without fused
 * multiply-add the other products are therefore bit-identical to the
 * reference; with it (relaxed SIMD) they differ by rounding only. How an
 * element is summed depends on the product's shape alone, never on the blocks
 * it is cut into for the threads, and any thread may compute any block, so
 * results do not depend on the number of threads.
 */
import { Matrix, type DType, type FloatArray } from '../../matrix.ts';
import { createRefKernels } from '../ref/index.ts';
import type { Activation, Epilogue, FirstLayerStep, FusedOptimizer, Kernels } from '../types.ts';
import {
  FN_ADAM_F32, FN_ADAM_F64, FN_DOT_F32, FN_DOT_F64, FN_FUSED_F32, FN_FUSED_F64, FN_JOB_F32, FN_JOB_F64, FN_MOM_F32, FN_MOM_F64, FN_PACK_F32, FN_PACK_F64, FN_RANK_F32, FN_RANK_F64, FN_RMS_F32, FN_RMS_F64,
  chunkAddress, JobTable, MAX_CHUNKS,
} from '../threads/pool.ts';
import { checkRuntimeOptions, WasmRuntime, type RuntimeOptions } from './runtime.ts';
import { OptionError } from '../../errors.ts';

/** The rank-update path: at most this many rows of C, and C small enough to stay in L1. */
const RANK_MAX_ROWS = 32;
const RANK_MAX_BYTES = 40 * 1024;
/** The dot-product path for A·Bᵀ: A small enough to stay in L1/L2 while B streams. */
const DOT_MAX_BYTES = 96 * 1024;
/**
 * The rank path sums a long K in parts of at least RANK_PART_ROWS rows of B
 * (at most RANK_MAX_PARTS), each into a block of its own, then adds the blocks
 * pairwise: the threads take parts, each reading whole rows of a contiguous
 * stretch of B, and the parts depend on K alone. The cat model's 12288 rows
 * make 16 parts of 768: side by side with 8 parts of 1536 (alternating, 40
 * rounds, five runs), two threads ran at 1.50–1.86 times one thread's speed
 * against 1.25–1.81, one thread at the same speed.
 */
const RANK_PART_ROWS = 768;
const RANK_MAX_PARTS = 16;

/** Parts the rank path sums K in (1: one ascending sum). */
export function rankParts(K: number): number {
  return Math.max(1, Math.min(RANK_MAX_PARTS, Math.floor(K / RANK_PART_ROWS)));
}

/** First row of B in part p of `parts` (p = parts: K); a multiple of 16 below K. */
export function rankPartStart(K: number, parts: number, p: number): number {
  return p >= parts ? K : Math.round((p * K) / parts / 16) * 16;
}

/**
 * The order in which the threads are to take n parts of a product: `threads`
 * runs of consecutive parts, one part of each in turn (n = 16, two threads:
 * 0, 8, 1, 9, ...), written to `out`. Taking parts in this order, the threads
 * work on parts far apart in memory: two threads on neighbouring stretches of
 * X (and neighbouring blocks of sums) ran the cat model's `W1·X` at 1.28× one
 * thread's speed, on stretches half of X apart at 1.94× (float64; float32
 * 1.15× and 1.90×, alternating in one process, AMD EPYC). Which thread takes a
 * part never changes its sums.
 */
export function spreadOrder(n: number, threads: number, out: Int32Array): void {
  const run = Math.ceil(n / threads);
  let q = 0;
  for (let r = 0; r < run; r++) {
    for (let t = 0; t < threads; t++) {
      const p = t * run + r;
      if (p < n) out[q++] = p;
    }
  }
}

/** Rows of C from which the register-blocked path packs B first. */
const PACK_MIN_ROWS = 128;

/** Packing of fewer bytes than this stays on the calling thread. */
const PACK_PARALLEL_MIN_BYTES = 512 * 1024;

/** Optimizer steps over fewer parameters than this stay on the calling thread. */
const UPDATE_PARALLEL_MIN = 1 << 15;

/** Products below this many multiply-adds stay on the calling thread. */
export const PARALLEL_MIN_MACS = 1 << 18;

/**
 * Chunks per thread of a product split between the threads (dot and general
 * paths). The threads claim chunks as they go, so many small chunks let a
 * thread that another tenant slows down take fewer. Side by side with two
 * threads (alternating, 40 rounds): 8 per thread against 2 (`dZ1·Xᵀ`, two
 * runs) took the speed-up over one thread from 1.71–1.82× to 1.90–1.97× in
 * float64 and from 1.58–1.77× to 1.92–2.02× in float32; 8 against 4
 * (`W1ᵀ·dZ1`, 1024³) left float64 as it was (1.78× and 1.78×, 2.05× and
 * 2.01×) and took float32 from 1.94× to 2.06× and from 1.85× to 2.07×.
 * Chunks never change results: every element is summed within one chunk.
 */
const CHUNKS_PER_THREAD = 8;

const ACT_CODE: Partial<Record<Activation, number>> = { relu: 1, leakyRelu: 2, linear: 3 };

export interface WasmKernels<T extends FloatArray> extends Kernels<T> {
  readonly runtime: WasmRuntime;
  /** Threads a large product is split between (the caller's included; fewer once started if a worker could not start). */
  readonly threads: number;
  firstLayerStep(W: Matrix<T>, X: Matrix<T>): FirstLayerStep<T> | undefined;
}

export interface WasmKernelOptions extends RuntimeOptions {
  /** Share the memory and pool of an existing runtime (both dtypes can live in one). */
  runtime?: WasmRuntime;
}

/**
 * [0, n) as at most `parts` contiguous blocks, written to `out` as [start, end)
 * pairs: each inner boundary is the multiple of 8 nearest to where an even split
 * would put it, so every block starts on a group of 8 elements and its size is
 * within 8 of n / parts (the cat model's 209 columns split as 104 + 105).
 * Returns the number of blocks.
 */
export function splitAligned(n: number, parts: number, out: Float64Array): number {
  let count = 0;
  for (let p = 1, start = 0; p <= parts; p++) {
    const end = p === parts ? n : Math.min(n, Math.round((p * n) / parts / 8) * 8);
    if (end <= start) continue;
    out[2 * count] = start;
    out[2 * count + 1] = end;
    count++;
    start = end;
  }
  return count;
}

/** Creates WebAssembly SIMD kernels for `dtype`; throws where the engine has no SIMD. */
export function createWasmKernels(dtype: 'float32', options?: WasmKernelOptions): WasmKernels<Float32Array>;
export function createWasmKernels(dtype?: 'float64', options?: WasmKernelOptions): WasmKernels<Float64Array>;
export function createWasmKernels(dtype: DType, options?: WasmKernelOptions): WasmKernels<FloatArray>;
export function createWasmKernels(dtype: DType = 'float64', options: WasmKernelOptions = {}): WasmKernels<FloatArray> {
  if (dtype !== 'float64' && dtype !== 'float32') throw new OptionError(`createWasmKernels: dtype is ${JSON.stringify(dtype)}; use "float64" or "float32"`);
  if (options === null || typeof options !== 'object') throw new OptionError(`createWasmKernels: options is ${String(options)}; give an object { threads?, relaxed?, runtime? }`);
  if (!options.runtime) checkRuntimeOptions('createWasmKernels', options);
  const rt = options.runtime ?? new WasmRuntime(options);
  const f32 = dtype === 'float32';
  const Store = (f32 ? Float32Array : Float64Array) as unknown as Float64ArrayConstructor;
  const es = f32 ? 4 : 8;
  const t = f32 ? 'f32' : 'f64';
  const tile = rt.tile[t];
  const NR = tile.nr;
  const x = rt.exports;
  const fnId = f32 ? FN_JOB_F32 : FN_JOB_F64;
  const fnRank = f32 ? FN_RANK_F32 : FN_RANK_F64;
  const fnDot = f32 ? FN_DOT_F32 : FN_DOT_F64;
  const sumParts = f32 ? x.sumr_f32 : x.sumr_f64;
  const pack = f32 ? x.pack_f32 : x.pack_f64;
  const fnPack = f32 ? FN_PACK_F32 : FN_PACK_F64;
  const axpy = f32 ? x.axpy_f32 : x.axpy_f64;
  const reluBackward = f32 ? x.relub_f32 : x.relub_f64;
  const fnMomentum = f32 ? FN_MOM_F32 : FN_MOM_F64;
  const fnRmsprop = f32 ? FN_RMS_F32 : FN_RMS_F64;
  const fnAdam = f32 ? FN_ADAM_F32 : FN_ADAM_F64;
  const fnFused = f32 ? FN_FUSED_F32 : FN_FUSED_F64;
  const ref = createRefKernels(dtype as 'float64') as unknown as Kernels<FloatArray>;

  // A product's dispatch allocates nothing: its chunks go into one table, its
  // blocks into one bounds array, its scratch blocks into a fixed list.
  const jobs = new JobTable(rt.memory);
  const chunk = x.chunk;
  /** Blocks of a split: [start, end) pairs, or [i0, i1, j0, j1] for `split`. */
  const bounds = new Float64Array(4 * MAX_CHUNKS);
  /** The order the threads take a split's parts in (spreadOrder). */
  const order = new Int32Array(MAX_CHUNKS);
  /** Scratch blocks of the current call (address, bytes), given back at its end: at most 7 (A, B, C, bias, out, a pack or the threads' sums, the transposed sums). */
  const scratch = new Float64Array(2 * 8);
  let scratchCount = 0;
  const take = (bytes: number): number => {
    const p = rt.scratch(bytes);
    scratch[2 * scratchCount] = p;
    scratch[2 * scratchCount + 1] = bytes;
    scratchCount++;
    return p;
  };
  /** Gives back the current call's scratch blocks, last taken first. */
  const freeScratch = (): void => {
    for (let i = scratchCount - 1; i >= 0; i--) rt.freeScratch(scratch[2 * i], scratch[2 * i + 1]);
    scratchCount = 0;
  };
  const view = (ptr: number, n: number) => new Store(rt.buffer, ptr, n) as FloatArray;
  /** Address of M's values: in place when M lives in this memory, else a scratch copy. */
  const addr = (M: Matrix<FloatArray>, copyIn = true): number => {
    if (rt.owns(M.data)) return M.data.byteOffset;
    const p = take(M.data.length * es);
    if (copyIn) view(p, M.data.length).set(M.data);
    return p;
  };

  /** Runs the chunks in `jobs`: split between the threads when there are several and `parallel`. */
  function runJobs(fn: number, parallel = true): void {
    if (parallel && jobs.count > 1 && rt.pool) rt.pool.run(fn, jobs.count, chunk);
    else for (let c = 0; c < jobs.count; c++) chunk(fn, chunkAddress(c));
  }

  /** The current product's scale and epilogue (bias, activation and its output, by address), for its path function. */
  const epi = { alpha: 1, bias: 0, code: 0, slope: 0, out: 0, ldo: 0 };

  /** Whether C (M, N) = A·B takes the rank path (1). */
  const rankPath = (M: number, N: number, K: number) => M <= RANK_MAX_ROWS && M * N * es <= RANK_MAX_BYTES && K >= 64;
  /** Whether C (M, N) = A·B takes the rank path (1) over K in parts. */
  const rankInParts = (M: number, N: number, K: number) => rankPath(M, N, K) && rankParts(K) > 1;
  /** Whether C (M, ·) = A·Bᵀ with A (M, K) takes the dot path (8). */
  const dotPath = (M: number, K: number) => M * K * es <= DOT_MAX_BYTES && K >= 16;

  function gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix<FloatArray>, B: Matrix<FloatArray>, C: Matrix<FloatArray>, ep?: Epilogue<FloatArray>): void {
    const M = C.rows, N = C.cols, K = transA ? A.rows : A.cols;
    if (M === 0 || N === 0) return;
    const act = ep?.activation;
    if (K === 0) return ref.gemm(transA, transB, alpha, A, B, C, ep);
    try {
      const pa = addr(A), pb = addr(B);
      const pc = addr(C, false);
      epi.alpha = alpha;
      epi.bias = ep?.bias ? addr(ep.bias) : 0;
      const code = act ? ACT_CODE[act] ?? 0 : 0;
      epi.code = code;
      epi.out = code ? addr(ep!.out!, false) : 0;
      epi.slope = ep?.slope ?? 0;
      epi.ldo = N * es;
      const lda = A.cols * es, ldb = B.cols * es, ldc = N * es;
      jobs.clear();
      // Each path is a function of its own: V8 optimizes a hot function as a
      // whole, and compiling all three paths as one took tens of milliseconds and
      // a few megabytes of compiler memory on top of the training's.
      if (!transA && !transB && rankPath(M, N, K)) rankProduct(M, N, K, pa, lda, pb, ldb, pc, ldc);
      else if (!transA && transB && dotPath(M, K)) dotProduct(M, N, K, pa, lda, pb, ldb, pc, ldc);
      else tiledProduct(transA, transB, M, N, K, pa, lda, pb, ldb, pc, ldc);
      finish(C, pc, ep, code, epi.out, M, N);
    } finally {
      freeScratch();
    }
  }

  /**
   * (1) Z = W·X with few rows: rank updates of all of C, kept in L1, while B
   * streams through row by row. A long K is summed in parts, each into a
   * block of its own (rows padded to whole cache lines), and the threads
   * claim parts: each reads whole rows of a contiguous stretch of B (X, the
   * big operand), which the hardware prefetches best, far from the other
   * threads' stretches (spreadOrder); the blocks are then added pairwise
   * into C (sumr). Float32 W1·X on two threads ran at 1.7–1.8
   * times one thread's speed this way, 1.4–1.5 with the column split below.
   */
  function rankProduct(M: number, N: number, K: number, pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number): void {
    const { alpha, bias: pbias, code, slope, out: pout, ldo } = epi;
    const parts = rankParts(K);
    if (parts > 1) {
      const lds = roundUp(N * es, 64), pst = M * lds;
      const ps = take(parts * pst);
      const parallel = M * N * K >= PARALLEL_MIN_MACS && rt.threads > 1;
      spreadOrder(parts, parallel ? rt.threads : 1, order);
      for (let q = 0; q < parts; q++) {
        const p = order[q], k0 = rankPartStart(K, parts, p), k1 = rankPartStart(K, parts, p + 1);
        jobs.add(M, N, k1 - k0, pa + k0 * es, lda, 0, pb + k0 * ldb, ldb, 0, ps + p * pst, lds,
          0, ps + p * pst, lds, 1, 0, 0, 0, 0, 0);
      }
      runJobs(fnRank, parallel);
      sumParts(M, N, parts, ps, lds, pst, pc, ldc, alpha, pbias, code, slope, pout, ldo);
      return;
    }
    // A shorter K: threads take column blocks of C. The rank kernel rewrites
    // every element of its C once per few k, so two threads writing the same
    // rows would share a cache line at every block boundary and pass it back
    // and forth: each thread sums into a block of its own, rows padded to
    // whole cache lines, and copies it into C once at the end.
    const n = splitColumns(M, N, K, rt.threads);
    let ps = pc, lds = ldc;
    if (n > 1) {
      let bytes = 0;
      for (let b = 0; b < n; b++) bytes += M * roundUp((bounds[2 * b + 1] - bounds[2 * b]) * es, 64);
      ps = take(bytes);
    }
    for (let b = 0; b < n; b++) {
      const j0 = bounds[2 * b], j1 = bounds[2 * b + 1];
      if (n > 1) lds = roundUp((j1 - j0) * es, 64);
      jobs.add(M, j1 - j0, K, pa, lda, 0, pb + j0 * es, ldb, 0, ps, lds,
        0, pc + j0 * es, ldc, alpha, pbias, code, slope, pout ? pout + j0 * es : 0, ldo);
      if (n > 1) ps += M * lds;
    }
    runJobs(fnRank);
  }

  /**
   * (8) dW = dZ·A_prevᵀ with a small dZ: dot products of contiguous rows, dZ
   * in L1 while A_prev streams through; threads take column blocks of C
   * (rows of A_prev).
   */
  function dotProduct(M: number, N: number, K: number, pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number): void {
    const { alpha, bias: pbias, code, slope, out: pout, ldo } = epi;
    for (let b = 0, n = splitColumns(M, N, K, chunksFor(M * N * K)); b < n; b++) {
      const j0 = bounds[2 * b], j1 = bounds[2 * b + 1];
      jobs.add(M, j1 - j0, K, pa, lda, 0, pb + j0 * ldb, ldb, 0, pc + j0 * es, ldc,
        0, pc + j0 * es, ldc, alpha, pbias, code, slope, pout ? pout + j0 * es : 0, ldo);
    }
    runJobs(fnDot);
  }

  /** The other products: register tiles over packed or strided panels, threads taking blocks of tiles. */
  function tiledProduct(transA: boolean, transB: boolean, M: number, N: number, K: number, pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number): void {
    const { alpha, bias: pbias, code, slope, out: pout, ldo } = epi;
    // The sums: S (Mc, Nc) = Σ_k As(i, k) · Bs(k, j), B side read as rows (or packed panels).
    let Mc: number, Nc: number, psa: number, ars: number, acs: number, pbs: number, ldbs: number, pst: number;
    let ps = pc, lds = ldc, trans = 0;
    if (!transB) {
      // C = op(A) · B: A by scalars (either orientation), B's rows as they are.
      Mc = M; Nc = N;
      psa = pa; ars = transA ? es : lda; acs = transA ? lda : es;
      if (M >= PACK_MIN_ROWS) {
        // Many row tiles read every panel of B: pack B once into contiguous NR-wide
        // panels, so a panel's rows are not a row stride apart (a power-of-two stride,
        // as m = 1024, puts them all in one cache set).
        pbs = take(K * roundUp(N, NR) * es);
        packPanels(pb, ldb, es, K, N, pbs);
        ldbs = NR * es; pst = K * NR * es;
      } else {
        pbs = pb; ldbs = ldb; pst = NR * es;
      }
    } else if (transA || M <= N) {
      // C = op(A) · Bᵀ computed as Cᵀ = B · op(A)ᵀ, so B (the larger) is read by scalars
      // along its rows; op(A)ᵀ is A itself (transA) or A packed into panels.
      Mc = N; Nc = M;
      psa = pb; ars = ldb; acs = es;
      if (transA) { pbs = pa; ldbs = lda; pst = NR * es; }
      else {
        pbs = take(K * roundUp(M, NR) * es);
        packPanels(pa, es, lda, K, M, pbs); // panel element (k, i) = A[i, k]
        ldbs = NR * es; pst = K * NR * es;
      }
      trans = 1;
      ps = take(N * M * es); lds = M * es;
    } else {
      // C = A · Bᵀ with A the larger: pack Bᵀ (element (k, j) = B[j, k]).
      Mc = M; Nc = N;
      psa = pa; ars = lda; acs = es;
      pbs = take(K * roundUp(N, NR) * es);
      packPanels(pb, es, ldb, K, N, pbs);
      ldbs = NR * es; pst = K * NR * es;
    }
    jobs.clear(); // packPanels used the table
    for (let b = 0, n = split(Mc, Nc, K, tile.mr, NR); b < n; b++) {
      const i0 = bounds[4 * b], i1 = bounds[4 * b + 1], j0 = bounds[4 * b + 2], j1 = bounds[4 * b + 3];
      // Offsets of this block in the sums, the B side, and C / out / bias.
      const cOff = trans ? i0 * es + j0 * ldc : i0 * ldc + j0 * es;
      const oOff = trans ? i0 * es + j0 * ldo : i0 * ldo + j0 * es;
      const bOff = trans ? j0 * es : i0 * es;
      jobs.add(i1 - i0, j1 - j0, K,
        psa + i0 * ars, ars, acs,
        pbs + (j0 / NR) * pst, ldbs, pst,
        ps + i0 * lds + j0 * es, lds,
        trans, pc + cOff, ldc,
        alpha, pbias ? pbias + bOff : 0, code, slope, pout ? pout + oOff : 0, ldo);
    }
    runJobs(fnId);
  }

  /** Copies results out of scratch for foreign matrices; activations the wasm epilogue does not have. */
  function finish(C: Matrix<FloatArray>, pc: number, ep: Epilogue<FloatArray> | undefined, code: number, pout: number, M: number, N: number): void {
    if (!rt.owns(C.data)) C.data.set(view(pc, M * N));
    const act = ep?.activation;
    if (act && !code) ref.activationForward(act, C, ep!.out!, ep!.slope);
    else if (code && !rt.owns(ep!.out!.data)) ep!.out!.data.set(view(pout, M * N));
  }

  /**
   * pack_T(src, rs, cs, K, N, dst): NR-wide panels of B (element (k, j) at
   * src + k·rs + j·cs); a large B is split between the threads by panels.
   */
  function packPanels(src: number, rs: number, cs: number, K: number, N: number, dst: number): void {
    const panels = Math.ceil(N / NR), pool = rt.pool;
    if (!pool || rt.threads === 1 || panels < 2 || K * N * es < PACK_PARALLEL_MIN_BYTES) return pack(src, rs, cs, K, N, dst);
    const parts = Math.min(panels, 2 * rt.threads);
    jobs.clear();
    for (let p = 0; p < parts; p++) {
      const p0 = Math.round((p * panels) / parts), p1 = Math.round(((p + 1) * panels) / parts);
      if (p1 > p0) jobs.add(src + p0 * NR * cs, rs, cs, K, Math.min(N, p1 * NR) - p0 * NR, dst + p0 * K * NR * es);
    }
    pool.run(fnPack, jobs.count, chunk);
  }

  /** Parts of an optimizer step over n parameters into `bounds`: one per thread, aligned to 8 elements. Returns their number. */
  function splitUpdate(n: number): number {
    if (rt.threads === 1 || n < UPDATE_PARALLEL_MIN || !rt.pool) return block2(0, 0, n);
    return splitAligned(n, rt.threads, bounds);
  }

  /**
   * How many chunks a product of `macs` multiply-adds is cut into for the threads
   * to claim: CHUNKS_PER_THREAD per thread, none smaller than PARALLEL_MIN_MACS.
   */
  function chunksFor(macs: number): number {
    return Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * rt.threads, Math.max(rt.threads, Math.floor(macs / PARALLEL_MIN_MACS)));
  }

  /** Column blocks of C into `bounds`: at most `parts`, aligned to 8 columns; one when the product stays on this thread. Returns their number. */
  function splitColumns(M: number, N: number, K: number, parts: number): number {
    if (rt.threads === 1 || M * N * K < PARALLEL_MIN_MACS || !rt.pool) return block2(0, 0, N);
    return splitAligned(N, parts, bounds);
  }

  /** Writes block n as [start, end) into `bounds`; returns n + 1. */
  function block2(n: number, start: number, end: number): number {
    bounds[2 * n] = start;
    bounds[2 * n + 1] = end;
    return n + 1;
  }

  /**
   * Blocks [i0, i1, j0, j1] of S (Mc, Nc) into `bounds`, for the threads to claim,
   * along the dimension with more tiles; tile-aligned. Returns their number.
   */
  function split(Mc: number, Nc: number, K: number, MR: number, NR: number): number {
    const threads = rt.threads;
    if (threads === 1 || Mc * Nc * K < PARALLEL_MIN_MACS || !rt.pool) return block4(0, 0, Mc, 0, Nc);
    const rowTiles = Math.ceil(Mc / MR), colTiles = Math.ceil(Nc / NR);
    const alongRows = rowTiles >= colTiles;
    const tiles = alongRows ? rowTiles : colTiles, step = alongRows ? MR : NR, extent = alongRows ? Mc : Nc;
    const parts = Math.min(tiles, chunksFor(Mc * Nc * K));
    let n = 0;
    for (let p = 0; p < parts; p++) {
      const s = Math.min(extent, Math.round((p * tiles) / parts) * step);
      const e = Math.min(extent, Math.round(((p + 1) * tiles) / parts) * step);
      if (e > s) n = alongRows ? block4(n, s, e, 0, Nc) : block4(n, 0, Mc, s, e);
    }
    return n;
  }

  /** Writes block n as [i0, i1, j0, j1] into `bounds`; returns n + 1. */
  function block4(n: number, i0: number, i1: number, j0: number, j1: number): number {
    bounds[4 * n] = i0;
    bounds[4 * n + 1] = i1;
    bounds[4 * n + 2] = j0;
    bounds[4 * n + 3] = j1;
    return n + 1;
  }

  /**
   * The fused first layer (FirstLayerStep): where Z1 = W1·X takes the rank
   * path in parts and dW1 = dZ1·Xᵀ the dot path, one job per part of X's rows
   * (jobf) computes that part's columns of dW1 (the dot path's sums, scaled),
   * the L2 term and the update of the same columns of W1, and the part's block
   * of the next Z1's sums (the rank path's, from the updated columns), a
   * stretch of rows at a time, so each stretch of X is read from memory once.
   * The threads take the parts in the rank path's order; `forward` adds the
   * blocks as the rank path does (sumr). Every element is therefore what
   * gemm, axpy and the update give it.
   */
  // A class, not an object of closures: every training makes one, and closures
  // made anew would each start cold (the first few hundred steps of each fit
  // allocated 2.5–3.5 KB more per step while V8 learned them again).
  class FusedFirstLayer implements FirstLayerStep<FloatArray> {
    private readonly parts: number;
    private readonly lds: number;
    private readonly pst: number;
    private readonly sums: Matrix<FloatArray>;
    private readonly scalars: Matrix<Float64Array>;
    private ready = false;

    constructor(private readonly W: Matrix<FloatArray>, private readonly X: Matrix<FloatArray>, sums: Matrix<FloatArray>, scalars: Matrix<Float64Array>) {
      const M = W.rows, N = X.cols;
      this.parts = rankParts(W.cols);
      this.lds = roundUp(N * es, 64);
      this.pst = M * this.lds;
      this.sums = sums;
      this.scalars = scalars;
    }

    get hyper(): Float64Array {
      return this.scalars.data;
    }

    step(alpha: number, dZ: Matrix<FloatArray>, dW: Matrix<FloatArray>, l2: number, optimizer: FusedOptimizer, v?: FloatArray, sq?: FloatArray): void {
      if (!rt.owns(dZ.data) || !rt.owns(dW.data) || (v && !rt.owns(v)) || (sq && !rt.owns(sq))) {
        throw new Error("firstLayerStep: dZ, dW and the moments must be in these kernels' memory");
      }
      const { W, X, parts, lds, pst } = this;
      const M = W.rows, K = W.cols, N = X.cols, ldx = N * es;
      this.scalars.data[8] = l2;
      const ps = this.sums.data.byteOffset, pw = W.data.byteOffset, pdw = dW.data.byteOffset, px = X.data.byteOffset;
      const pv = v ? v.byteOffset : 0, psq = sq ? sq.byteOffset : 0;
      const parallel = M * N * K >= PARALLEL_MIN_MACS && rt.threads > 1;
      jobs.clear();
      spreadOrder(parts, parallel ? rt.threads : 1, order);
      for (let q = 0; q < parts; q++) {
        const p = order[q], k0 = rankPartStart(K, parts, p), k1 = rankPartStart(K, parts, p + 1), o = k0 * es;
        jobs.add(M, N, k1 - k0, dZ.data.byteOffset, N * es, px + k0 * ldx, ldx, ps + p * pst, lds,
          pdw + o, pw + o, K * es, alpha, optimizer, pv && pv + o, psq && psq + o, this.scalars.data.byteOffset, l2 > 0 ? 1 : 0);
      }
      runJobs(fnFused, parallel);
      this.ready = true;
    }

    forward(Z: Matrix<FloatArray>, ep?: Epilogue<FloatArray>): void {
      if (!this.ready) throw new Error('firstLayerStep: forward() needs the sums of a step() made since the last forward()');
      this.ready = false;
      const M = this.W.rows, N = this.X.cols, act = ep?.activation;
      try {
        const pc = addr(Z, false);
        const pbias = ep?.bias ? addr(ep.bias) : 0;
        const code = act ? ACT_CODE[act] ?? 0 : 0;
        const pout = code ? addr(ep!.out!, false) : 0;
        sumParts(M, N, this.parts, this.sums.data.byteOffset, this.lds, this.pst, pc, N * es, 1, pbias, code, ep?.slope ?? 0, pout, N * es);
        finish(Z, pc, ep, code, pout, M, N);
      } finally {
        freeScratch();
      }
    }

    release(): void {
      rt.release(this.sums);
      rt.release(this.scalars);
    }
  }

  function firstLayerStep(W: Matrix<FloatArray>, X: Matrix<FloatArray>): FirstLayerStep<FloatArray> | undefined {
    const M = W.rows, K = W.cols, N = X.cols;
    if (X.rows !== K || !rt.owns(W.data) || !rt.owns(X.data) || !rankInParts(M, N, K) || !dotPath(M, N)) return undefined;
    const n = (rankParts(K) * M * roundUp(N * es, 64)) / es;
    const sums = rt.matrix(Store as any, 1, n, (data: FloatArray) => new Matrix<FloatArray>(1, n, data));
    const scalars = rt.matrix(Float64Array, 1, 9, (data: Float64Array) => new Matrix<Float64Array>(1, 9, data));
    if (!rt.owns(sums.data) || !rt.owns(scalars.data)) {
      // The memory could not grow: the separate calls, which need no more of it.
      rt.release(sums);
      rt.release(scalars);
      return undefined;
    }
    return new FusedFirstLayer(W, X, sums, scalars);
  }

  return {
    // Getters: a worker that cannot start (a page's Content-Security-Policy) lowers the threads.
    get name() {
      return `wasm-${rt.relaxed ? 'relaxed-simd' : 'simd'}${rt.threads > 1 ? `-${rt.threads}t` : ''}`;
    },
    dtype,
    runtime: rt,
    get threads() {
      return rt.threads;
    },
    matrix: (rows, cols) => rt.matrix(Store as any, rows, cols, (data: FloatArray) => new Matrix<FloatArray>(rows, cols, data)),
    release: (M) => rt.release(M),
    owns: (M) => rt.owns(M.data),
    view: (M, offset, rows, cols) => rt.view(M, offset, rows, cols, (data: FloatArray) => new Matrix<FloatArray>(rows, cols, data)),
    gemm,
    addColumn: ref.addColumn,
    activationForward: ref.activationForward,
    activationBackward(activation, dA, Z, dZ, slope) {
      // ReLU's is a select per element: branch-free in WebAssembly, where the
      // JavaScript loop mispredicts on every other sign change.
      if (activation === 'relu' && rt.owns(dA.data) && rt.owns(Z.data) && rt.owns(dZ.data)) {
        reluBackward(dA.data.byteOffset, Z.data.byteOffset, dZ.data.byteOffset, dZ.data.length);
      } else {
        ref.activationBackward(activation, dA, Z, dZ, slope);
      }
    },
    softmaxColumns: ref.softmaxColumns,
    rowSum: ref.rowSum,
    axpy(alpha, xs, ys) {
      if (rt.owns(xs) && rt.owns(ys)) axpy(alpha, xs.byteOffset, ys.byteOffset, ys.length);
      else ref.axpy(alpha, xs, ys);
    },
    // The Model's training primitives: one pass over an output layer or the
    // parameter arena, small next to the products; the reference code on views.
    outputGradient: ref.outputGradient,
    dropout: ref.dropout,
    sumSquares: ref.sumSquares,
    // The optimizer steps in WebAssembly, two elements at a time, bit-identical
    // to the reference (a square root and up to three divisions per parameter:
    // in JavaScript, Adam took a fifth of a mini-batch step of the MNIST model).
    // Element by element, so any split gives the same result; a large arena is
    // split between the threads (its parts are the bounds of `splitUpdate`).
    momentumUpdate(learningRate, beta, g, v, p) {
      if (!(rt.owns(g) && rt.owns(v) && rt.owns(p))) return ref.momentumUpdate(learningRate, beta, g, v, p);
      jobs.clear();
      for (let q = 0, n = splitUpdate(p.length); q < n; q++) {
        const i0 = bounds[2 * q], o = i0 * es;
        jobs.add(learningRate, beta, 1 - beta, g.byteOffset + o, v.byteOffset + o, p.byteOffset + o, bounds[2 * q + 1] - i0);
      }
      runJobs(fnMomentum);
    },
    rmspropUpdate(learningRate, beta, epsilon, g, s, p) {
      if (!(rt.owns(g) && rt.owns(s) && rt.owns(p))) return ref.rmspropUpdate(learningRate, beta, epsilon, g, s, p);
      jobs.clear();
      for (let q = 0, n = splitUpdate(p.length); q < n; q++) {
        const i0 = bounds[2 * q], o = i0 * es;
        jobs.add(learningRate, beta, 1 - beta, epsilon, g.byteOffset + o, s.byteOffset + o, p.byteOffset + o, bounds[2 * q + 1] - i0);
      }
      runJobs(fnRmsprop);
    },
    adamUpdate(learningRate, beta1, beta2, epsilon, t, g, v, s, p) {
      if (!(rt.owns(g) && rt.owns(v) && rt.owns(s) && rt.owns(p))) return ref.adamUpdate(learningRate, beta1, beta2, epsilon, t, g, v, s, p);
      const c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
      jobs.clear();
      for (let q = 0, n = splitUpdate(p.length); q < n; q++) {
        const i0 = bounds[2 * q], o = i0 * es;
        jobs.add(learningRate, beta1, 1 - beta1, beta2, 1 - beta2, epsilon, c1, c2, g.byteOffset + o, v.byteOffset + o, s.byteOffset + o, p.byteOffset + o, bounds[2 * q + 1] - i0);
      }
      runJobs(fnAdam);
    },
    firstLayerStep,
  };
}

function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}
