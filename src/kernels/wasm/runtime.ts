/**
 * The WebAssembly runtime under the fast kernels: one module, one memory,
 * an allocator for matrices in that memory, and (optionally) a worker pool
 * that runs the same module over the same shared memory.
 *
 * Memory layout: the first page holds the pool's control block (one 256-byte
 * slot per thread); matrices and scratch start at 64 KiB, 64-byte aligned.
 * Shared memory never detaches, so views made before a grow stay valid.
 * Plain memory (a page without cross-origin isolation) does detach: the
 * runtime then rebinds `data` of every live matrix it handed out and of
 * every view made by `view` (an Arena's entries); a `subarray` cut any
 * other way goes dead. There the runtime also reserves a generous memory up
 * front, so that it rarely grows.
 */
import { OptionError, showValue } from '../../errors.ts';
import type { Matrix } from '../../matrix.ts';
import { TILE, WASM_BINARIES } from './binary.ts';
import { MAX_THREADS, Pool } from '../threads/pool.ts';

const PAGE = 65536;
/** Bytes reserved for the pool's control block. */
export const CONTROL_BYTES = PAGE;
/** The runtime's tag in the control block (slot 0, words 8 and 9; see threads/pool.ts). */
const TAG_BYTE = 32;
const ALIGN = 64;
const MAX_PAGES = 65536;

/** The exports every variant of the module has (byte addresses, byte strides). */
export interface KernelExports {
  gemm_f64(M: number, N: number, K: number, a: number, ars: number, acs: number, b: number, ldb: number, pst: number, c: number, ldc: number): void;
  gemm_f32(M: number, N: number, K: number, a: number, ars: number, acs: number, b: number, ldb: number, pst: number, c: number, ldc: number): void;
  job_f64(...args: number[]): void;
  job_f32(...args: number[]): void;
  jobr_f64(...args: number[]): void;
  jobr_f32(...args: number[]): void;
  jobd_f64(...args: number[]): void;
  jobd_f32(...args: number[]): void;
  /** Sums the rank path's blocks of partial sums into C, then the epilogue (see scripts/wasm-source.mjs). */
  sumr_f64(M: number, N: number, parts: number, s: number, lds: number, pst: number, c: number, ldc: number, alpha: number, bias: number, act: number, slope: number, out: number, ldo: number): void;
  sumr_f32(M: number, N: number, parts: number, s: number, lds: number, pst: number, c: number, ldc: number, alpha: number, bias: number, act: number, slope: number, out: number, ldo: number): void;
  pack_f64(src: number, rs: number, cs: number, K: number, N: number, dst: number): void;
  pack_f32(src: number, rs: number, cs: number, K: number, N: number, dst: number): void;
  relub_f64(da: number, z: number, dz: number, n: number): void;
  relub_f32(da: number, z: number, dz: number, n: number): void;
  axpy_f64(alpha: number, x: number, y: number, n: number): void;
  axpy_f32(alpha: number, x: number, y: number, n: number): void;
  /** The optimizer steps (arrays by address, n elements; omb = 1 − β, c = 1 − βᵗ). */
  mom_f64(lr: number, beta: number, omb: number, g: number, v: number, p: number, n: number): void;
  mom_f32(lr: number, beta: number, omb: number, g: number, v: number, p: number, n: number): void;
  rms_f64(lr: number, beta: number, omb: number, eps: number, g: number, s: number, p: number, n: number): void;
  rms_f32(lr: number, beta: number, omb: number, eps: number, g: number, s: number, p: number, n: number): void;
  adam_f64(lr: number, b1: number, omb1: number, b2: number, omb2: number, eps: number, c1: number, c2: number, g: number, v: number, s: number, p: number, n: number): void;
  adam_f32(lr: number, b1: number, omb1: number, b2: number, omb2: number, eps: number, c1: number, c2: number, g: number, v: number, s: number, p: number, n: number): void;
  /** Sets `bytes` bytes from `p` to zero. */
  zero(p: number, bytes: number): void;
  /** Runs one chunk of a product: function fn (the pool's FN_ numbers) with its arguments at `at`. */
  chunk(fn: number, at: number): void;
}

let simdSupport: boolean | undefined;
let relaxedSupport: boolean | undefined;

/** True when this engine runs WebAssembly SIMD (the plain variant validates). */
export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    simdSupport = typeof WebAssembly === 'object' && safeValidate(WASM_BINARIES.simdUnshared);
  }
  return simdSupport;
}

/** True when relaxed SIMD (fused multiply-add) validates: Chromium; Node 20 only with --experimental-wasm-relaxed-simd. */
export function wasmRelaxedSupported(): boolean {
  if (relaxedSupport === undefined) relaxedSupport = wasmSimdSupported() && safeValidate(WASM_BINARIES.relaxedUnshared);
  return relaxedSupport;
}

/** True when WebAssembly memory can be shared with workers (Node; browsers when crossOriginIsolated). */
export function sharedMemorySupported(): boolean {
  try {
    return typeof SharedArrayBuffer === 'function' && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * Compiles the kernels' module. A page whose Content-Security-Policy does not
 * allow WebAssembly refuses to compile it, though WebAssembly.validate (how
 * support is detected) still accepts it: say what the page can do about it.
 */
function compileModule(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    if (/content.security|\bCSP\b|unsafe-eval/i.test(String((e as Error)?.message))) {
      throw new Error(
        "dnn's WebAssembly kernels cannot be compiled: the page's Content-Security-Policy does not allow WebAssembly. " +
          "Add 'wasm-unsafe-eval' to its script-src (and blob: to worker-src for the kernels' Web Workers), " +
          "or compute with the TypeScript kernels: configureKernels({ kernels: 'ref' }) before making models. " +
          `(${(e as Error).message})`,
        { cause: e },
      );
    }
    throw e;
  }
}

function safeValidate(b64: string): boolean {
  try {
    return WebAssembly.validate(decodeBase64(b64));
  } catch {
    return false;
  }
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface RuntimeOptions {
  /** Use fused multiply-add where the engine has relaxed SIMD (default: when supported). */
  relaxed?: boolean;
  /** Threads including the caller's (default: the machine's cores; 1 = no workers; at most MAX_THREADS, 64). */
  threads?: number;
  /** Another build of the module with its tiles (for experiments with the generator). */
  build?: { bytes: Uint8Array; tile: Tiles };
}

export type Tiles = { readonly [t in 'f64' | 'f32']: { readonly mr: number; readonly nr: number; readonly kc: number } };

/** Matrices' blocks: address and size, so the allocator can take them back. */
interface Block {
  ptr: number;
  bytes: number;
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly exports: KernelExports;
  readonly shared: boolean;
  readonly relaxed: boolean;
  /** Threads asked for, the caller's included (1 where workers cannot share memory). */
  private readonly requested: number;
  /** null until the first product large enough to split; undefined with no worker running. */
  private workers: Pool | undefined | null = null;
  /** Register tiles of this build's micro-kernels. */
  readonly tile: Tiles;

  /** The ArrayBuffer objects of this memory seen so far (a shared memory has had many, see `owns`). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** Two random words written into the control block, by which `owns` recognises this memory. */
  private readonly tag = new Uint32Array(2);
  /** Free ranges, sorted by address, coalesced. */
  private free: Block[] = [];
  private top: number;
  private topHighWater: number;
  private readonly blocks = new WeakMap<Matrix<any>, Block>();
  /** Views cut from blocks (`view`) and where their values start: a plain memory's growth rebinds them too. */
  private readonly views = new WeakMap<Matrix<any>, Block>();
  private readonly live = new Set<WeakRef<Matrix<any>>>();
  private readonly registry: FinalizationRegistry<Block>;

  constructor(options: RuntimeOptions = {}) {
    if (!wasmSimdSupported()) throw new Error('WasmRuntime: this engine has no WebAssembly SIMD; use the reference kernels');
    checkRuntimeOptions('WasmRuntime', options);
    this.relaxed = options.relaxed ?? wasmRelaxedSupported();
    this.shared = sharedMemorySupported();
    const name = (this.relaxed ? 'relaxed' : 'simd') + (this.shared ? '' : 'Unshared') as keyof typeof WASM_BINARIES;
    this.module = compileModule(options.build?.bytes as Uint8Array<ArrayBuffer> ?? decodeBase64(WASM_BINARIES[name]));
    this.tile = options.build?.tile ?? TILE;
    // Plain memory detaches on growth: start big (reserved, not committed, until touched).
    const initial = this.shared ? 64 : 1024;
    this.memory = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: this.shared } as WebAssembly.MemoryDescriptor);
    this.exports = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.buffers.add(this.memory.buffer);
    crypto.getRandomValues(this.tag);
    new Uint32Array(this.memory.buffer, TAG_BYTE, 2).set(this.tag);
    this.top = CONTROL_BYTES;
    this.topHighWater = CONTROL_BYTES;
    this.registry = new FinalizationRegistry((block) => this.freeBlock(block));
    // The machine's cores by default; never more than the pool and a product's chunk table serve.
    const threads = Math.min(MAX_THREADS, Math.max(1, Math.floor(options.threads ?? defaultThreads())));
    const canShare = this.shared && (inNode() || (typeof Worker === 'function' && !!(globalThis as any).crossOriginIsolated));
    this.requested = canShare ? threads : 1;
  }

  /**
   * Threads including the caller's: those asked for until the pool starts,
   * then the caller and the workers running (fewer where some could not start).
   */
  get threads(): number {
    const pool = this.workers;
    return pool === null ? this.requested : 1 + (pool?.workers ?? 0);
  }

  /**
   * True when `a` is a view of this runtime's memory. A shared memory's
   * buffer object is not stable: when any shared memory of the thread grows,
   * V8 gives each of them a new buffer object, also those that did not grow,
   * so views made later have a buffer never seen here. Such a buffer is
   * recognised by this runtime's tag in the control block, then remembered.
   */
  owns(a: ArrayBufferView): boolean {
    const b = a.buffer;
    if (this.buffers.has(b)) return true;
    if (!this.shared || !(b instanceof SharedArrayBuffer) || b.byteLength < CONTROL_BYTES) return false;
    const words = new Uint32Array(b, TAG_BYTE, 2);
    if (words[0] !== this.tag[0] || words[1] !== this.tag[1]) return false;
    this.buffers.add(b);
    return true;
  }

  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /** A block of `bytes` bytes (64-byte aligned), or -1 when the memory cannot grow that far. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i];
      if (f.bytes >= size) {
        const ptr = f.ptr;
        if (f.bytes === size) this.free.splice(i, 1);
        else { f.ptr += size; f.bytes -= size; }
        return ptr;
      }
    }
    const end = this.top + size;
    if (end > this.memory.buffer.byteLength) {
      const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      const have = this.memory.buffer.byteLength / PAGE;
      // Grow by at least a quarter, so a training loop's first iterations settle the size.
      const grow = Math.min(MAX_PAGES - have, Math.max(pages, Math.ceil(have / 4)));
      if (grow < pages) return -1;
      try {
        this.memory.grow(grow);
      } catch {
        return -1;
      }
      this.afterGrow();
    }
    const ptr = this.top;
    this.top = end;
    if (end > this.topHighWater) this.topHighWater = end;
    return ptr;
  }

  /** Gives a block back; neighbours merge. */
  freeBlock(block: Block): void {
    this.freeRange(block.ptr, block.bytes);
  }

  private freeRange(ptr: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    if (ptr + size === this.top) {
      // The last block taken (a call's scratch): straight back to the bump pointer,
      // without a free-list entry, so a product's scratch allocates no JS object.
      this.top = ptr;
      this.mergeTop();
      return;
    }
    let lo = 0, hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].ptr < ptr) lo = mid + 1; else hi = mid;
    }
    this.free.splice(lo, 0, { ptr, bytes: size });
    // Merge with the next, then the previous.
    const cur = this.free[lo];
    const next = this.free[lo + 1];
    if (next && cur.ptr + cur.bytes === next.ptr) { cur.bytes += next.bytes; this.free.splice(lo + 1, 1); }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.bytes === cur.ptr) { prev.bytes += cur.bytes; this.free.splice(lo, 1); }
    this.mergeTop();
  }

  /** A free range that ends at the bump pointer goes back to it. */
  private mergeTop(): void {
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.bytes === this.top) { this.top = last.ptr; this.free.pop(); }
  }

  /** The most bytes matrices and scratch have ever spanned (free gaps included): what the memory has touched. */
  highWaterBytes(): number {
    return this.topHighWater - CONTROL_BYTES;
  }

  /** Bytes in use by matrices and scratch (for tests and the benchmark's heap check). */
  bytesInUse(): number {
    return this.top - CONTROL_BYTES - this.free.reduce((s, f) => s + f.bytes, 0);
  }

  /**
   * A zeroed (rows, cols) matrix in this memory; given back by `release`, or
   * when the Matrix object is garbage collected. Falls back to an ordinary
   * typed array when the memory cannot grow.
   */
  matrix<T extends Float64Array | Float32Array>(Ctor: { new (buffer: ArrayBufferLike, offset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number }, rows: number, cols: number, make: (data: T) => Matrix<T>): Matrix<T> {
    const n = rows * cols;
    const ptr = n === 0 ? -1 : this.alloc(n * Ctor.BYTES_PER_ELEMENT);
    if (ptr < 0) return make(new Ctor(n));
    this.exports.zero(ptr, n * Ctor.BYTES_PER_ELEMENT);
    const data = new Ctor(this.memory.buffer, ptr, n);
    const M = make(data);
    const block = { ptr, bytes: n * Ctor.BYTES_PER_ELEMENT };
    this.blocks.set(M, block);
    this.registry.register(M, block, M);
    if (!this.shared) this.live.add(new WeakRef(M));
    return M;
  }

  /**
   * A (rows, cols) matrix over `parent`'s values from element `offset`, made
   * by `make` from them. In plain memory, where growth detaches every view of
   * the old buffer, the runtime rebinds it as it rebinds `parent` (a
   * `subarray` of parent.data would go dead); it is valid as long as parent's
   * block is not released.
   */
  view<T extends Float64Array | Float32Array>(parent: Matrix<T>, offset: number, rows: number, cols: number, make: (data: T) => Matrix<T>): Matrix<T> {
    const data = parent.data.subarray(offset, offset + rows * cols) as T;
    const M = make(data);
    const block = this.blocks.get(parent);
    if (block && !this.shared) {
      this.views.set(M, { ptr: block.ptr + offset * data.BYTES_PER_ELEMENT, bytes: rows * cols * data.BYTES_PER_ELEMENT });
      this.live.add(new WeakRef(M));
    }
    return M;
  }

  /** Gives back the block of a matrix from `matrix()`; other matrices are left alone. */
  release(M: Matrix<any>): void {
    const block = this.blocks.get(M);
    if (!block) return;
    this.blocks.delete(M);
    this.registry.unregister(M);
    this.freeBlock(block);
  }

  /** Scratch for one call: returns its address; give it back with `freeScratch`. */
  scratch(bytes: number): number {
    const ptr = this.alloc(bytes);
    if (ptr < 0) throw new RangeError(`WasmRuntime: cannot grow WebAssembly memory by ${bytes} bytes of scratch`);
    return ptr;
  }

  freeScratch(ptr: number, bytes: number): void {
    this.freeRange(ptr, bytes);
  }

  private afterGrow(): void {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    if (this.shared) return;
    // Plain memory: the old buffer is detached; point every live matrix and view at the new one.
    for (const ref of this.live) {
      const M = ref.deref();
      const block = M && (this.blocks.get(M) ?? this.views.get(M));
      if (!M || !block) { this.live.delete(ref); continue; }
      const Ctor = M.data.constructor as Float64ArrayConstructor;
      M.data = new Ctor(buffer, block.ptr, M.rows * M.cols) as any;
    }
  }

  /**
   * The worker pool, started by the first product large enough to split (a
   * model of small layers never starts one); undefined with one thread.
   */
  get pool(): Pool | undefined {
    if (this.workers === null) {
      this.workers = this.requested > 1 ? Pool.create(this.module, this.memory, this.requested - 1, (e, running) => this.workerFailed(e, running)) : undefined;
    }
    return this.workers;
  }

  private workerFailed(error: unknown, running: number): void {
    const reason = String((error as Error)?.message ?? error).split('\n')[0];
    const left = 1 + running;
    console.warn(
      `dnn: a worker for the WebAssembly kernels could not run (${reason}); products are computed on ${left} thread${left === 1 ? '' : 's'} ` +
        `of the ${this.requested} asked for, with the same results.` +
        (inNode() ? '' : ' A page\'s Content-Security-Policy must allow blob: in worker-src for the workers.'),
    );
    if (this.workers && this.workers.workers === 0) {
      this.workers.shutdown();
      this.workers = undefined;
    }
  }

  /** Starts the workers if need be and resolves when every one is running or has failed (tests use it to be sure threads take part). */
  async ready(): Promise<void> {
    await this.pool?.ready();
  }

  /** Stops the workers (they never keep a process alive; this frees them early). */
  shutdown(): void {
    this.workers?.shutdown();
    this.workers = undefined;
  }
}

/**
 * Checks the threads and relaxed options of a runtime where they enter
 * (configureKernels, createWasmKernels, new WasmRuntime); `fn` names the
 * caller. Threads beyond MAX_THREADS are allowed and capped (the machine's
 * cores may be more); 0, fractions and strings are errors, not one thread.
 */
export function checkRuntimeOptions(fn: string, options: { threads?: unknown; relaxed?: unknown }): void {
  const { threads, relaxed } = options;
  if (threads !== undefined && !(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)) {
    throw new OptionError(`${fn}: threads is ${showValue(threads)}; it must be a whole number of threads, 1 or more (at most ${MAX_THREADS} are used)`);
  }
  if (relaxed !== undefined && typeof relaxed !== 'boolean') {
    throw new OptionError(`${fn}: relaxed is ${showValue(relaxed)}; use true or false (default: fused multiply-add where the engine has relaxed SIMD)`);
  }
  if (relaxed === true && !wasmRelaxedSupported()) {
    throw new OptionError(`${fn}: relaxed SIMD was asked for but WebAssembly.validate rejects it here (Node 20 needs --experimental-wasm-relaxed-simd)`);
  }
}

/** True in Node (worker_threads), false in a browser page (Web Workers). */
function inNode(): boolean {
  return typeof (globalThis as any).process?.getBuiltinModule === 'function';
}

/** The machine's cores: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a browser. */
export function defaultThreads(): number {
  const proc = (globalThis as any).process;
  const os = proc?.getBuiltinModule?.('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  return (globalThis as any).navigator?.hardwareConcurrency ?? 1;
}
