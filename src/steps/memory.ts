/**
 * Where the step functions put the matrices they return.
 *
 * A matrix a step function returns is the caller's, kept or dropped as in
 * the course's NumPy code, and nothing tells the kernels when it is dropped.
 * Kernel (WebAssembly) memory would return only when the garbage collector
 * finds the matrix, which a loop of step calls never lets it do (and
 * WebAssembly memory does not ask it to run): the course's L_layer_model
 * loop, written with these functions on the cat data, filled the 4 GB
 * memory in about 180 iterations. So the step functions return ordinary
 * typed arrays, which the collector frees and counts toward its next run;
 * the kernels copy them in for a product.
 *
 * The course's loops in dnn (twoLayerModel, lLayerModel) give back every
 * matrix of an iteration themselves (`releaseIteration`), so they run
 * `inKernelMemory`: there the step functions allocate from the kernels and
 * every product reads and writes in place.
 */
import { getKernels } from '../kernels/index.ts';
import type { Kernels } from '../kernels/types.ts';
import { Matrix } from '../matrix.ts';

/** Open `inKernelMemory` calls. */
let depth = 0;

/** A zeroed (rows, cols) matrix for a step function's result: kernel memory inside `inKernelMemory`, else an ordinary array. */
export function stepMatrix(rows: number, cols: number): Matrix {
  return depth > 0 ? getKernels().matrix(rows, cols) : Matrix.zeros(rows, cols);
}

/** The allocator of the step functions' arenas (parameters, gradients). */
export const stepMemory: Pick<Kernels<Float64Array>, 'matrix'> = { matrix: stepMatrix };

/**
 * Runs `body` with the step functions allocating from the kernels. The
 * caller gives back every kernel matrix `body` makes (`release`): nothing
 * made in here may reach code that drops it.
 */
export function inKernelMemory<R>(body: () => R): R {
  depth++;
  try {
    return body();
  } finally {
    depth--;
  }
}
