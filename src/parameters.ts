/**
 * Parameters in one arena: every W[l] (n[l], n[l-1]) and b[l] (n[l], 1) of a
 * network is a view into a single typed array, in the order W1, b1, W2, b2,
 * ..., WL, bL; gradients live in a twin arena with the same layout. An update
 * is then one loop over the whole array, and saving or moving the parameters
 * (to a file, a worker, WebAssembly memory) is one copy.
 */
import { Matrix, type FloatArray } from './matrix.ts';
import type { Kernels } from './kernels/types.ts';

/** The course's parameter dictionary: `W1, b1, ..., WL, bL`. */
export type Parameters = Record<string, Matrix>;
/** The course's gradient dictionary: `dA1, dW1, db1, ...` (see `lModelBackward` for the numbering). */
export type Grads = Record<string, Matrix>;

/** Which arena a matrix is a view of. */
const owners = new WeakMap<Matrix<FloatArray>, Arena<FloatArray>>();

export class Arena<T extends FloatArray = Float64Array> {
  /** The views, in layout order (W1, b1, W2, b2, ...). */
  readonly entries: readonly Matrix<T>[];
  /** The (1, size) matrix the kernels allocated; `data` is its storage. */
  readonly storage: Matrix<T>;

  /**
   * Allocates zeroed storage from `kernels` and lays out one view per shape
   * (the kernels' `view`, which stays valid if their memory moves).
   */
  constructor(shapes: readonly (readonly [number, number])[], kernels: Pick<Kernels<T>, 'matrix' | 'view'>) {
    const size = shapes.reduce((n, [r, c]) => n + r * c, 0);
    this.storage = kernels.matrix(1, size);
    let offset = 0;
    this.entries = shapes.map(([r, c]) => {
      const view = kernels.view ? kernels.view(this.storage, offset, r, c) : new Matrix<T>(r, c, this.data.subarray(offset, offset + r * c) as T);
      offset += r * c;
      owners.set(view, this as Arena<FloatArray>);
      return view;
    });
  }

  /** All values, entry after entry: the storage's, read each time, since kernels may move it. */
  get data(): T {
    return this.storage.data;
  }

  /** The shapes of the layer parameters W[l], b[l] for `layerDims` = [n0, n1, ..., nL]. */
  static layerShapes(layerDims: readonly number[]): [number, number][] {
    const shapes: [number, number][] = [];
    for (let l = 1; l < layerDims.length; l++) shapes.push([layerDims[l], layerDims[l - 1]], [layerDims[l], 1]);
    return shapes;
  }

  /** The arena whose entries are exactly `matrices`, in order, or undefined. */
  static of<T extends FloatArray>(matrices: readonly (Matrix<T> | undefined)[]): Arena<T> | undefined {
    const first = matrices[0];
    const arena = first && (owners.get(first) as Arena<T> | undefined);
    if (!arena || arena.entries.length !== matrices.length) return undefined;
    for (let i = 0; i < matrices.length; i++) if (arena.entries[i] !== matrices[i]) return undefined;
    return arena;
  }

  /** True when `other` has the same number of entries with the same shapes. */
  sameLayout(other: Arena<FloatArray>): boolean {
    return other.entries.length === this.entries.length
      && this.entries.every((e, i) => e.rows === other.entries[i].rows && e.cols === other.entries[i].cols);
  }

  /** A zeroed arena with the same layout (for gradients, optimizer moments). */
  twin(kernels: Pick<Kernels<T>, 'matrix' | 'view'>): Arena<T> {
    return new Arena(this.entries.map((e) => [e.rows, e.cols] as const), kernels);
  }
}

/** The entries W1, b1, ..., WL, bL of a course parameter dictionary, in arena order. */
export function layerEntries(dict: Record<string, Matrix>, L: number, w = 'W', b = 'b'): (Matrix | undefined)[] {
  const out: (Matrix | undefined)[] = [];
  for (let l = 1; l <= L; l++) out.push(dict[w + l], dict[b + l]);
  return out;
}
