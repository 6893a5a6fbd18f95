/**
 * A pool of workers over one shared WebAssembly.Memory, synchronous from the
 * caller's view: the caller writes a product's chunks (fixed blocks of C) into
 * the control block at the start of memory, wakes the workers
 * (Atomics.notify), and every thread, the caller included, claims chunks one
 * at a time until none is left; the caller then waits until all are finished
 * (Atomics.wait; a spin where the thread may not block, as a browser's main
 * thread). Which thread runs a chunk never changes what it computes, and a
 * descheduled worker only means the others take more chunks.
 *
 * Workers are `worker_threads` in Node and Web Workers in a browser (which
 * needs crossOriginIsolated for shared memory). They are unref'd in Node, so
 * an idle pool never keeps a finished process alive; `shutdown()` ends them.
 *
 * Control block (int32 words):
 *   slot 0 (bytes 0..255): [0] claim word = generation << 16 | next chunk,
 *     [1] chunks finished, [2] number of chunks, [3] function: 0 job_f64, 1 job_f32, 2 jobr_f64, 3 jobr_f32, 4 jobd_f64, 5 jobd_f32,
 *     6 pack_f64, 7 pack_f32, 8–13 mom, rms, adam (f64, f32),
 *     [4] set by a worker whose chunk threw,
 *     [8], [9] the runtime's random tag (runtime.ts, WasmRuntime.owns)
 *   slot w = 1..63 (256 bytes at w·256): [0] generation posted to worker w,
 *     [2] ready flag, [3] 2 = exit
 *   chunk table from byte 16384: CHUNK_ARGS float64 arguments per chunk, written
 *     by the caller (JobTable); every thread runs chunk c as chunk(fn, chunkAddress(c)),
 *     the module's export that reads them
 */
declare global {
  // The declarations of the pool and the runtime name WebAssembly.Memory and
  // WebAssembly.Module. Node's types before v22 do not declare them (the DOM
  // library does): declared here, empty, they merge with the full ones where
  // those exist and let a program without them type-check dnn's declarations.
  namespace WebAssembly {
    interface Memory {}
    interface Module {}
  }
}

const SLOT_BYTES = 256;
const SLOT_WORDS = SLOT_BYTES / 4;
export const MAX_WORKERS = 63;
const TABLE_BYTES = 16384;
/** Numbers in one chunk's argument list. */
export const CHUNK_ARGS = 20;
/** Chunks one product may have (the table fills the rest of the 64 KiB control page). */
export const MAX_CHUNKS = Math.floor((65536 - TABLE_BYTES) / (8 * CHUNK_ARGS));
/**
 * The most threads a runtime uses, the caller's included: one per worker the
 * pool can start, and no more than a product's chunk table can split for
 * (packing a large B makes up to two chunks per thread).
 */
export const MAX_THREADS = Math.min(MAX_WORKERS + 1, Math.floor(MAX_CHUNKS / 2));

export const FN_JOB_F64 = 0;
export const FN_JOB_F32 = 1;
export const FN_RANK_F64 = 2;
export const FN_RANK_F32 = 3;
export const FN_DOT_F64 = 4;
export const FN_DOT_F32 = 5;
export const FN_PACK_F64 = 6;
export const FN_PACK_F32 = 7;
export const FN_MOM_F64 = 8;
export const FN_MOM_F32 = 9;
export const FN_RMS_F64 = 10;
export const FN_RMS_F32 = 11;
export const FN_ADAM_F64 = 12;
export const FN_ADAM_F32 = 13;
export const FN_FUSED_F64 = 14;
export const FN_FUSED_F32 = 15;
const FN_EXIT = 2;

/** Runs in each worker; a string so it loads the same way from tsx, dist/ and a page. */
const WORKER_SOURCE = `
'use strict';
const SLOT_WORDS = ${SLOT_WORDS}, TABLE_BYTES = ${TABLE_BYTES}, CHUNK_BYTES = ${8 * CHUNK_ARGS};
function start({ module, memory, index }) {
  const chunk = new WebAssembly.Instance(module, { env: { memory } }).exports.chunk;
  const i32 = new Int32Array(memory.buffer, 0, 16384);
  const base = index * SLOT_WORDS;
  let seen = Atomics.load(i32, base);
  Atomics.store(i32, base + 2, 1);
  for (;;) {
    let g = Atomics.load(i32, base);
    // Spin briefly: the next product usually follows within microseconds.
    for (let spin = 0; g === seen && spin < 100000; spin++) g = Atomics.load(i32, base);
    if (g === seen) { Atomics.wait(i32, base, seen); continue; }
    seen = g;
    if (i32[base + 3] === ${FN_EXIT}) return;
    const fn = Atomics.load(i32, 3), count = Atomics.load(i32, 2);
    for (;;) {
      const v = Atomics.load(i32, 0);
      if ((v >>> 16) !== (g & 0xffff) || (v & 0xffff) >= count) break;
      if (Atomics.compareExchange(i32, 0, v, v + 1) !== v) continue;
      try {
        chunk(fn, TABLE_BYTES + (v & 0xffff) * CHUNK_BYTES);
      } catch (e) {
        Atomics.store(i32, 4, 1);
      }
      Atomics.add(i32, 1, 1);
      Atomics.notify(i32, 1);
    }
  }
}
if (typeof require === 'function' && typeof self === 'undefined') {
  const { workerData, parentPort } = require('node:worker_threads');
  start(workerData);
  parentPort.close();
} else {
  self.onmessage = (e) => { start(e.data); close(); };
}
`;

interface WorkerHandle {
  terminate(): unknown;
}

/** Address of chunk c's arguments in the table. */
export function chunkAddress(c: number): number {
  return TABLE_BYTES + c * 8 * CHUNK_ARGS;
}

/** The module's chunk(fn, at): runs function fn (FN_) with the arguments at `at`. */
export type ChunkRunner = (fn: number, at: number) => void;

/**
 * Writes the chunks of one product into the table in memory (up to
 * MAX_CHUNKS argument lists of CHUNK_ARGS numbers), so that dispatching a
 * product allocates nothing. A kernels instance keeps one and refills it
 * for every call.
 */
export class JobTable {
  private readonly memory: WebAssembly.Memory;
  private args: Float64Array;
  count = 0;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.args = new Float64Array(memory.buffer, TABLE_BYTES, MAX_CHUNKS * CHUNK_ARGS);
  }

  clear(): void {
    this.count = 0;
    // Plain (non-shared) memory detaches its buffer when it grows.
    const buffer = this.memory.buffer;
    if (this.args.buffer !== buffer) this.args = new Float64Array(buffer, TABLE_BYTES, MAX_CHUNKS * CHUNK_ARGS);
  }

  /** Appends one chunk's arguments (its function's parameter list; unused trailing ones 0). */
  add(a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6 = 0, a7 = 0, a8 = 0, a9 = 0,
    a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0, a16 = 0, a17 = 0, a18 = 0, a19 = 0): void {
    if (this.count === MAX_CHUNKS) throw new RangeError(`JobTable: a product may have at most ${MAX_CHUNKS} chunks`);
    const t = this.args, o = this.count++ * CHUNK_ARGS;
    t[o] = a0; t[o + 1] = a1; t[o + 2] = a2; t[o + 3] = a3; t[o + 4] = a4; t[o + 5] = a5; t[o + 6] = a6; t[o + 7] = a7;
    t[o + 8] = a8; t[o + 9] = a9; t[o + 10] = a10; t[o + 11] = a11; t[o + 12] = a12; t[o + 13] = a13; t[o + 14] = a14;
    t[o + 15] = a15; t[o + 16] = a16; t[o + 17] = a17; t[o + 18] = a18; t[o + 19] = a19;
  }
}

export class Pool {
  private readonly i32: Int32Array;
  private readonly handles: WorkerHandle[] = [];
  /** failed[w]: worker w could not start or stopped; it takes no more chunks. */
  private readonly failed: boolean[] = [];
  private readonly onFail: (error: unknown, running: number) => void;
  /** Generation of the last product (16 bits, in the claim word's high half). */
  private seq = 0;
  private canBlock: boolean;

  private constructor(memory: WebAssembly.Memory, onFail: (error: unknown, running: number) => void) {
    this.i32 = new Int32Array(memory.buffer, 0, 16384);
    this.canBlock = canAtomicsWait(this.i32);
    this.onFail = onFail;
  }

  /** Workers started and not failed. */
  get workers(): number {
    let n = 0;
    for (let w = 1; w <= this.handles.length; w++) if (!this.failed[w]) n++;
    return n;
  }

  /**
   * Starts `workers` workers (at most MAX_WORKERS), or returns undefined where
   * workers cannot share memory or none could start. A worker that cannot
   * start (a page's Content-Security-Policy may refuse blob: workers), at once
   * or later, is reported to `onFail` (with the number still running) and leaves the others the work.
   */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, onFail: (error: unknown, running: number) => void = () => {}): Pool | undefined {
    const n = Math.min(MAX_WORKERS, workers);
    const pool = new Pool(memory, onFail);
    const threads = (globalThis as any).process?.getBuiltinModule?.('node:worker_threads');
    for (let w = 1; w <= n; w++) {
      const data = { module, memory, index: w };
      try {
        if (threads) {
          const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: data, stdout: false, stderr: false });
          worker.on('error', (e: unknown) => pool.fail(w, e));
          worker.unref();
          pool.handles.push(worker);
        } else if (typeof Worker === 'function' && (globalThis as any).crossOriginIsolated) {
          const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
          const worker = new Worker(url);
          worker.addEventListener('error', (e: ErrorEvent) => {
            e.preventDefault();
            pool.fail(w, e.message || 'the worker could not load its script');
          });
          worker.postMessage(data);
          pool.handles.push(worker);
        } else {
          break;
        }
      } catch (e) {
        onFail(e, pool.workers);
        break;
      }
    }
    return pool.workers ? pool : undefined;
  }

  private fail(w: number, error: unknown): void {
    if (this.failed[w]) return;
    this.failed[w] = true;
    this.onFail(error, this.workers);
  }

  /** Workers that have started and can take a job now. */
  isReady(w: number): boolean {
    return !this.failed[w] && Atomics.load(this.i32, w * SLOT_WORDS + 2) === 1;
  }

  /** Resolves when every worker is running or has failed. */
  async ready(timeoutMs = 10000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (let w = 1; w <= this.handles.length; w++) {
      while (!this.isReady(w) && !this.failed[w]) {
        if (Date.now() > until) throw new Error(`Pool: worker ${w} did not start within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /**
   * Runs chunks 0 .. count−1 of the table (arguments of `fn`, one of the FN_
   * functions) once each, on the caller (through `chunk`, the caller's
   * instance of the module's export) and on the workers that have started;
   * returns when all are done. Allocates nothing.
   */
  run(fn: number, count: number, chunk: ChunkRunner): void {
    const gen = (this.seq = (this.seq + 1) & 0xffff);
    Atomics.store(this.i32, 1, 0);
    Atomics.store(this.i32, 2, count);
    Atomics.store(this.i32, 3, fn);
    Atomics.store(this.i32, 0, gen << 16);
    for (let w = 1; w <= this.handles.length; w++) {
      if (!this.isReady(w)) continue;
      const base = w * SLOT_WORDS;
      Atomics.store(this.i32, base, gen);
      Atomics.notify(this.i32, base);
    }
    // The caller claims chunks like any worker. A failure is thrown only once every
    // claimed chunk has finished, so no worker is still writing when the caller moves on.
    let error: unknown;
    for (;;) {
      const v = Atomics.load(this.i32, 0);
      if ((v & 0xffff) >= count) break;
      if (Atomics.compareExchange(this.i32, 0, v, v + 1) !== v) continue;
      try {
        chunk(fn, chunkAddress(v & 0xffff));
      } catch (e) {
        error ??= e;
      }
      Atomics.add(this.i32, 1, 1);
    }
    for (let spin = 0; Atomics.load(this.i32, 1) < count; spin++) {
      const done = Atomics.load(this.i32, 1);
      if (spin > 1 << 16 && this.canBlock) Atomics.wait(this.i32, 1, done, 20);
    }
    if (Atomics.exchange(this.i32, 4, 0)) error ??= new Error('Pool: a worker failed while computing its share of a product');
    if (error) throw error;
  }

  shutdown(): void {
    for (let w = 1; w <= this.handles.length; w++) {
      const base = w * SLOT_WORDS;
      this.i32[base + 3] = FN_EXIT;
      Atomics.store(this.i32, base, (Atomics.load(this.i32, base) + 1) & 0xffff);
      Atomics.notify(this.i32, base);
    }
    for (const h of this.handles) h.terminate();
  }
}

function canAtomicsWait(i32: Int32Array): boolean {
  try {
    Atomics.wait(i32, 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
