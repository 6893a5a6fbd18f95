/**
 * Which implementation of the compute interface the step functions use.
 * The reference is the default; faster float64 implementations that pass the
 * conformance suite can be installed with `useKernels`.
 */
import { refKernels } from './ref/index.ts';
import type { Kernels } from './types.ts';

let active: Kernels<Float64Array> = refKernels;

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
