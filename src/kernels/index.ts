/**
 * Which implementation of the compute interface runs the math.
 *
 * By default the step functions and `kernelsFor` use the WebAssembly SIMD
 * kernels (src/kernels/wasm), threaded over the machine's cores, wherever the
 * engine has WebAssembly SIMD; elsewhere the reference (src/kernels/ref).
 * Choose explicitly with:
 *   - the environment: DNN_KERNELS=ref|wasm, DNN_THREADS=n (read once, at first use);
 *   - `configureKernels({ kernels, threads, relaxed })` before or between runs;
 *   - `useKernels(k)` to install any float64 implementation for the step functions
 *     (and the float64 Models made afterwards).
 */
import type { DType, FloatArray } from '../matrix.ts';
import { OptionError, showValue } from '../errors.ts';
import { createRefKernels, refKernels } from './ref/index.ts';
import type { Kernels } from './types.ts';
import { MAX_THREADS } from './threads/pool.ts';
import { createWasmKernels } from './wasm/index.ts';
import { checkRuntimeOptions, WasmRuntime, wasmSimdSupported } from './wasm/runtime.ts';

export interface KernelChoice {
  /** 'wasm' (default where WebAssembly SIMD exists) or 'ref'. */
  kernels?: 'wasm' | 'ref';
  /** Threads for large products, the caller's included (default: the machine's cores). */
  threads?: number;
  /** Fused multiply-add through relaxed SIMD (default: where the engine validates it). */
  relaxed?: boolean;
}

export { MAX_THREADS };

const ref32 = createRefKernels('float32');
let defaults: { f64: Kernels<Float64Array>; f32: Kernels<Float32Array>; runtime?: WasmRuntime } | undefined;
let override: Kernels<Float64Array> | undefined;

function env(name: string): string | undefined {
  const value = (globalThis as any).process?.env?.[name];
  return value === undefined || value === '' ? undefined : String(value);
}

function fromEnvironment(): KernelChoice {
  const kernels = env('DNN_KERNELS');
  const threads = env('DNN_THREADS');
  if (kernels !== undefined && kernels !== 'ref' && kernels !== 'wasm') {
    throw new OptionError(`DNN_KERNELS is ${JSON.stringify(kernels)}; use "wasm" or "ref"`);
  }
  if (threads !== undefined && !(Number.isInteger(Number(threads)) && Number(threads) >= 1 && Number(threads) <= MAX_THREADS)) {
    throw new OptionError(`DNN_THREADS is ${JSON.stringify(threads)}; it must be a whole number of threads from 1 to ${MAX_THREADS}`);
  }
  return { kernels: kernels as KernelChoice['kernels'], threads: threads === undefined ? undefined : Number(threads) };
}

/**
 * Chooses the default kernels (float64 for the step functions, both dtypes for
 * `kernelsFor`); stops the previous default's worker threads. Returns the
 * float64 kernels now in use. A Model keeps the kernels it was made with: one
 * made before this call still computes on the previous kernels, with the
 * same results, but on one thread now that their workers are stopped, so
 * configure first and then make models (or `Model.fromSpec` them again).
 */
export function configureKernels(choice: KernelChoice = {}): Kernels<Float64Array> {
  const fn = 'configureKernels';
  if (choice === null || typeof choice !== 'object') throw new OptionError(`${fn}: the choice is ${String(choice)}; give an object { kernels?, threads?, relaxed? }`);
  for (const key of Object.keys(choice)) {
    if (key !== 'kernels' && key !== 'threads' && key !== 'relaxed') throw new OptionError(`${fn}: unknown option "${key}"; the options are kernels, threads, relaxed`);
  }
  if (choice.threads !== undefined && !(typeof choice.threads === 'number' && Number.isInteger(choice.threads) && choice.threads >= 1 && choice.threads <= MAX_THREADS)) {
    throw new OptionError(`${fn}: threads is ${showValue(choice.threads)}; it must be a whole number from 1 to ${MAX_THREADS}`);
  }
  if (choice.kernels !== undefined && choice.kernels !== 'wasm' && choice.kernels !== 'ref') {
    throw new OptionError(`${fn}: kernels is ${JSON.stringify(choice.kernels)}; use "wasm" or "ref"`);
  }
  // Checked before the previous kernels' workers stop, so a rejected choice leaves them running.
  if (choice.kernels !== 'ref') checkRuntimeOptions(fn, choice);
  const wanted = choice.kernels ?? (wasmSimdSupported() ? 'wasm' : 'ref');
  if (wanted === 'wasm' && !wasmSimdSupported()) throw new OptionError(`${fn}: kernels "wasm" needs WebAssembly SIMD, which this engine lacks; use "ref"`);
  defaults?.runtime?.shutdown();
  if (wanted === 'wasm') {
    const runtime = new WasmRuntime({ threads: choice.threads, relaxed: choice.relaxed });
    defaults = { runtime, f64: createWasmKernels('float64', { runtime }), f32: createWasmKernels('float32', { runtime }) };
  } else {
    defaults = { f64: refKernels, f32: ref32 };
  }
  override = undefined;
  return defaults.f64;
}

function current() {
  if (!defaults) configureKernels(fromEnvironment());
  return defaults!;
}

/** The float64 kernels the step functions currently run on. */
export function getKernels(): Kernels<Float64Array> {
  return override ?? current().f64;
}

/**
 * Runs the step functions on `k` from now on, and float64 Models made
 * afterwards (`kernelsFor('float64')` is `k`; float32 keeps its kernels);
 * returns the previous kernels.
 */
export function useKernels(k: Kernels<Float64Array>): Kernels<Float64Array> {
  if (k.dtype !== 'float64') throw new TypeError(`useKernels: the step functions need float64 kernels, got ${k.name} (${k.dtype})`);
  const previous = getKernels();
  override = k;
  return previous;
}

/** The kernels a Model of this dtype runs on by default. */
export function kernelsFor(dtype: 'float64'): Kernels<Float64Array>;
export function kernelsFor(dtype: 'float32'): Kernels<Float32Array>;
export function kernelsFor(dtype: DType): Kernels<FloatArray>;
export function kernelsFor(dtype: DType): Kernels<FloatArray> {
  if (dtype !== 'float64' && dtype !== 'float32') throw new OptionError(`kernelsFor: dtype is ${JSON.stringify(dtype)}; use "float64" or "float32"`);
  return dtype === 'float32' ? current().f32 : getKernels();
}
