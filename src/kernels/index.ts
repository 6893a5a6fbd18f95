/**
 * Which implementation of the compute interface runs the math.
 * The reference is the default; faster implementations that pass the
 * conformance suite can be installed with `useKernels`, and `kernelsFor`
 * gives the Model the best kernels for a dtype.
 */
import type { DType, FloatArray } from '../matrix.ts';
import { createRefKernels, refKernels } from './ref/index.ts';
import type { Kernels } from './types.ts';

let active: Kernels<Float64Array> = refKernels;
const ref32 = createRefKernels('float32');

/** The float64 kernels the step functions currently run on. */
export function getKernels(): Kernels<Float64Array> {
  return active;
}

/** Runs the step functions on `k` from now on; returns the previous kernels. */
export function useKernels(k: Kernels<Float64Array>): Kernels<Float64Array> {
  if (k.dtype !== 'float64') throw new TypeError(`useKernels: the step functions need float64 kernels, got ${k.name} (${k.dtype})`);
  const previous = active;
  active = k;
  return previous;
}

/** The kernels a Model of this dtype runs on by default. */
export function kernelsFor(dtype: 'float64'): Kernels<Float64Array>;
export function kernelsFor(dtype: 'float32'): Kernels<Float32Array>;
export function kernelsFor(dtype: DType): Kernels<FloatArray>;
export function kernelsFor(dtype: DType): Kernels<FloatArray> {
  return dtype === 'float32' ? ref32 : active;
}
