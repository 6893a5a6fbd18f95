/**
 * A pool of workers over one shared WebAssembly.Memory, synchronous from the
 * caller's view: the caller posts one job per worker into the control block
 * at the start of memory, wakes them (Atomics.notify), does its own share,
 * then waits for each (Atomics.wait; a spin where the thread may not block,
 * as a browser's main thread).
 *
 * Workers are `worker_threads` in Node and Web Workers in a browser (which
 * needs crossOriginIsolated for shared memory). They are unref'd in Node, so
 * an idle pool never keeps a finished process alive; `shutdown()` ends them.
 *
 * Control slot of worker w (w = 1 ..), 256 bytes at w·256, as int32 words:
 *   [0] job sequence number (caller increments to post)
 *   [1] sequence number of the last finished job (worker writes)
 *   [2] ready flag      [3] function: 0 job_f64, 1 job_f32, 2 exit
 *   float64 args from byte 32 (up to 24)
 */
const SLOT_BYTES = 256;
const SLOT_WORDS = SLOT_BYTES / 4;
const ARGS_OFFSET = 32;
export const MAX_WORKERS = 255;

export const FN_JOB_F64 = 0;
export const FN_JOB_F32 = 1;
const FN_EXIT = 2;

/** Runs in each worker; a string so it loads the same way from tsx, dist/ and a page. */
const WORKER_SOURCE = `
'use strict';
const SLOT_WORDS = ${SLOT_WORDS}, ARGS = ${ARGS_OFFSET / 8};
function start({ module, memory, index }) {
  const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = [x.job_f64, x.job_f32];
  const i32 = new Int32Array(memory.buffer, 0, ${MAX_WORKERS + 1} * SLOT_WORDS);
  const f64 = new Float64Array(memory.buffer, 0, ${MAX_WORKERS + 1} * SLOT_WORDS / 2);
  const base = index * SLOT_WORDS, argBase = base / 2 + ARGS;
  let seen = Atomics.load(i32, base);
  Atomics.store(i32, base + 1, seen);
  Atomics.store(i32, base + 2, 1);
  for (;;) {
    let s = Atomics.load(i32, base);
    // Spin briefly: the next product usually follows within microseconds.
    for (let spin = 0; s === seen && spin < 200000; spin++) s = Atomics.load(i32, base);
    if (s === seen) { Atomics.wait(i32, base, seen); continue; }
    seen = s;
    const fn = i32[base + 3];
    if (fn === ${FN_EXIT}) return;
    const a = f64.subarray(argBase, argBase + 24);
    fns[fn](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19]);
    Atomics.store(i32, base + 1, seen);
    Atomics.notify(i32, base + 1);
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

export class Pool {
  readonly workers: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly handles: WorkerHandle[];
  private seq = 0;
  private canBlock: boolean;

  private constructor(memory: WebAssembly.Memory, handles: WorkerHandle[]) {
    this.workers = handles.length;
    this.handles = handles;
    this.i32 = new Int32Array(memory.buffer, 0, (MAX_WORKERS + 1) * SLOT_WORDS);
    this.f64 = new Float64Array(memory.buffer, 0, ((MAX_WORKERS + 1) * SLOT_WORDS) / 2);
    this.canBlock = canAtomicsWait(this.i32);
  }

  /** Starts `workers` workers (capped at 255), or returns undefined where workers cannot share memory. */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number): Pool | undefined {
    const n = Math.min(MAX_WORKERS, workers);
    const handles: WorkerHandle[] = [];
    const threads = (globalThis as any).process?.getBuiltinModule?.('node:worker_threads');
    for (let w = 1; w <= n; w++) {
      const data = { module, memory, index: w };
      if (threads) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: data, stdout: false, stderr: false });
        worker.unref();
        handles.push(worker);
      } else if (typeof Worker === 'function' && (globalThis as any).crossOriginIsolated) {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new Worker(url);
        worker.postMessage(data);
        handles.push(worker);
      } else {
        break;
      }
    }
    return handles.length ? new Pool(memory, handles) : undefined;
  }

  /** Workers that have started and can take a job now. */
  isReady(w: number): boolean {
    return Atomics.load(this.i32, w * SLOT_WORDS + 2) === 1;
  }

  async ready(timeoutMs = 10000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (let w = 1; w <= this.workers; w++) {
      while (!this.isReady(w)) {
        if (Date.now() > until) throw new Error(`Pool: worker ${w} did not start within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /**
   * Runs `jobs[0]` on the caller and the others on workers (on the caller too
   * when a worker has not started yet). Each job is the argument list of
   * `fn` (job_f64 / job_f32); `local(args)` runs one on the caller.
   */
  run(fn: number, jobs: number[][], local: (args: number[]) => void): void {
    const posted: number[] = [];
    const seq = ++this.seq | 0;
    for (let j = 1; j < jobs.length; j++) {
      const w = j;
      if (w > this.workers || !this.isReady(w)) {
        local(jobs[j]);
        continue;
      }
      const base = w * SLOT_WORDS;
      this.f64.set(jobs[j], base / 2 + ARGS_OFFSET / 8);
      this.i32[base + 3] = fn;
      Atomics.store(this.i32, base, seq);
      Atomics.notify(this.i32, base);
      posted.push(w);
    }
    local(jobs[0]);
    for (const w of posted) this.waitDone(w, seq);
  }

  private waitDone(w: number, seq: number): void {
    const idx = w * SLOT_WORDS + 1;
    for (let spin = 0; spin < 1 << 20; spin++) if (Atomics.load(this.i32, idx) === seq) return;
    for (;;) {
      const v = Atomics.load(this.i32, idx);
      if (v === seq) return;
      if (this.canBlock) Atomics.wait(this.i32, idx, v, 50);
    }
  }

  shutdown(): void {
    const seq = ++this.seq | 0;
    for (let w = 1; w <= this.workers; w++) {
      const base = w * SLOT_WORDS;
      this.i32[base + 3] = FN_EXIT;
      Atomics.store(this.i32, base, seq);
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
