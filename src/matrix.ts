/**
 * The matrix type of dnn and the errors raised where data enters.
 *
 * Legend (the course's notation, used throughout dnn):
 *   m       number of examples; examples are columns
 *   n[l]    units in layer l, n[0] = n_x features
 *   X, A[l] (n[l], m)        activations, A[0] = X
 *   W[l]    (n[l], n[l-1])   weights
 *   b[l]    (n[l], 1)        biases
 *   Z[l]    (n[l], m)        pre-activations
 *
 * A `Matrix` is a row-major view `data[i * cols + j]` over a typed array. The
 * view may be part of a larger array (a parameter arena, WebAssembly memory):
 * `data` always has exactly `rows * cols` elements.
 */
import { DataError, ShapeError, showValue, withArticle } from './errors.ts';
import { formatMatrix } from './format.ts';

export type DType = 'float64' | 'float32';
export type FloatArray = Float64Array | Float32Array;

/** A row-major (rows, cols) matrix of float64 (the default) or float32 values. */
export class Matrix<T extends FloatArray = Float64Array> {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values; `rows * cols` elements. Kernels may rebind it when their memory moves. */
  data: T;

  constructor(rows: number, cols: number, data: T) {
    if (!isDimension(rows) || !isDimension(cols)) {
      throw new ShapeError(`Matrix: shape (${rows}, ${cols}) is not a pair of non-negative integers`);
    }
    if (!(data instanceof Float64Array) && !(data instanceof Float32Array)) {
      const kind = data === null || typeof data !== 'object' ? undefined : ((data as object).constructor?.name ?? 'object');
      const what = kind === undefined ? String(data) : withArticle(kind);
      throw new DataError(`Matrix: data is ${what}; it must be a Float64Array or a Float32Array (Matrix.from(shape, values) and Matrix.fromRows(rows) take ordinary arrays)`);
    }
    if (data.length !== rows * cols) {
      throw new ShapeError(`Matrix: shape (${rows}, ${cols}) needs ${rows * cols} values but data has ${data.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A zero-filled float64 matrix. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols, new Float64Array(checkedSize('Matrix.zeros', rows, cols)));
  }

  /**
   * A float64 matrix from nested rows, e.g. `Matrix.fromRows([[1, 2], [3, 4]])`.
   * Rows must have equal lengths and hold finite numbers: this is where data enters.
   */
  static fromRows(rows: ArrayLike<number>[], name = 'rows'): Matrix {
    const r = rows.length;
    const bad = Array.prototype.findIndex.call(rows, (row: unknown) => row === null || typeof row !== 'object' || typeof (row as ArrayLike<number>).length !== 'number');
    if (bad >= 0) {
      throw new ShapeError(`Matrix.fromRows: ${name}[${bad}] is ${JSON.stringify(rows[bad])}, not a row; pass a list of rows, e.g. [[1, 1, 0]] for a (1, 3) matrix`);
    }
    const c = r === 0 ? 0 : rows[0].length;
    const data = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) {
        throw new ShapeError(`Matrix.fromRows: ${name}[${i}] has ${rows[i].length} values but ${name}[0] has ${c}; all rows must have the same length`);
      }
      checkNumbers(`Matrix.fromRows: ${name}[${i}]`, rows[i]);
      for (let j = 0; j < c; j++) data[i * c + j] = rows[i][j];
    }
    return assertFinite(new Matrix(r, c, data), `Matrix.fromRows: ${name}`);
  }

  /** A float64 matrix of the given shape from row-major values, checked for NaN and Infinity. */
  static from(shape: readonly [number, number], values: ArrayLike<number>, name = 'values'): Matrix {
    const [r, c] = shape;
    const size = checkedSize('Matrix.from', r, c);
    if (values.length !== size) {
      throw new ShapeError(`Matrix.from: shape (${r}, ${c}) needs ${size} values but ${name} has ${values.length}`);
    }
    checkNumbers(`Matrix.from: ${name}`, values);
    return assertFinite(new Matrix(r, c, Float64Array.from(values)), `Matrix.from: ${name}`);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get size(): number {
    return this.rows * this.cols;
  }

  get dtype(): DType {
    return this.data instanceof Float32Array ? 'float32' : 'float64';
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A deep copy with its own storage (float64 unless the source is float32). */
  clone(): Matrix<T> {
    return new Matrix(this.rows, this.cols, this.data.slice() as T);
  }

  /** Nested rows, for printing and JSON. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** `(rows, cols)`, as NumPy prints a shape. */
  shapeString(): string {
    return formatShape(this.rows, this.cols);
  }

  /**
   * The values as NumPy's `str` prints the array, so `"W1 = " + W1` reads
   * like the course's `"W1 = " + str(W1)` (8 digits after the point at
   * most; see format.ts). `toArray()` gives every digit.
   */
  toString(): string {
    return formatMatrix(this);
  }

  /**
   * `console.log(M)` in Node: the shape, then the values as NumPy prints
   * them, the rows aligned under the first. Inside an object or array
   * (`console.log({ W1 })`) Node puts the text after a key it does not tell
   * the matrix, and indents the lines after the first only by the nesting
   * level: there a matrix of several rows starts them on the next line,
   * two spaces in, as Node indents a nested value's lines, so they align
   * whatever the key. Node gives the nesting level as `options.depth − depth`;
   * with an unlimited depth (`depth: null`) it is unknown, and the nested
   * layout is used, which reads right at any level.
   */
  [Symbol.for('nodejs.util.inspect.custom')](depth?: number | null, options?: { depth?: number | null }): string {
    const header = `Matrix${this.shapeString()}`;
    const topLevel = typeof depth === 'number' && typeof options?.depth === 'number' && Number.isFinite(options.depth) && depth === options.depth;
    const single = formatMatrix(this, header + ' ');
    if (topLevel || !single.includes('\n')) return `${header} ${single}`;
    const indent = '  ';
    return `${header}\n${indent}${formatMatrix(this, indent)}`;
  }
}

export function formatShape(rows: number, cols: number): string {
  return `(${rows}, ${cols})`;
}

/** Throws a `DataError` naming the first NaN or Infinity of `M` and where it is. Use where data enters, not in loops. */
export function assertFinite<M extends Matrix<FloatArray>>(M: M, what: string): M {
  const d = M.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v - v !== 0) {
      const i = Math.floor(k / M.cols);
      throw new DataError(`${what} ${M.shapeString()} has ${v} at row ${i}, column ${k - i * M.cols}; data must be finite numbers`);
    }
  }
  return M;
}

/**
 * Throws a `DataError` naming the first value of `M` that float32 storage
 * would turn into ±Infinity (finite in float64, beyond float32's largest
 * number, about ±3.4e38). Use where float64 data enters float32 storage.
 */
export function assertFloat32Range<M extends Matrix<FloatArray>>(M: M, what: string): M {
  const k = float32Overflow(M.data);
  if (k >= 0) {
    const i = Math.floor(k / M.cols);
    throw new DataError(`${what} ${M.shapeString()} has ${M.data[k]} at row ${i}, column ${k - i * M.cols}, beyond float32's range (±3.4e38) of a float32 model; scale the data or use dtype "float64"`);
  }
  return M;
}

/** The index of the first finite value that float32 storage would turn into ±Infinity, or −1. */
export function float32Overflow(d: FloatArray): number {
  if (d instanceof Float32Array) return -1;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(Math.fround(d[k])) && Number.isFinite(d[k])) return k;
  }
  return -1;
}

/**
 * Throws a `DataError` naming the first value of an ordinary array that is
 * not a number: a typed array's store would turn null and false into 0, true
 * into 1 and "2" into 2 without a word (and JSON writes NaN as null).
 */
function checkNumbers(what: string, values: ArrayLike<unknown>): void {
  if (ArrayBuffer.isView(values)) return;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number') throw new DataError(`${what} has ${showValue(v)} (${v === null ? 'null' : typeof v}) at index ${k}; data must be numbers`);
  }
}

function isDimension(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function checkedSize(fn: string, rows: number, cols: number): number {
  if (!isDimension(rows) || !isDimension(cols)) {
    throw new ShapeError(`${fn}: shape (${shapePart(rows)}, ${shapePart(cols)}) is not a pair of non-negative integers${sizeHint(fn, rows, cols)}`);
  }
  return rows * cols;
}

function shapePart(n: unknown): string {
  return Array.isArray(n) ? `[${n.join(', ')}]` : String(n);
}

/** NumPy takes a shape tuple (np.zeros((3, 2))) or a single size (randn(3)); dnn takes two sizes. */
export function sizeHint(fn: string, rows: unknown, cols: unknown): string {
  if (cols !== undefined) return '';
  if (Array.isArray(rows) && rows.length === 2) return `; give the two sizes as arguments, ${fn}(${rows[0]}, ${rows[1]}), not a shape array`;
  if (typeof rows === 'number') return `; dnn's matrices are 2-D, as the course's arrays: ${fn}(${rows}, 1) for a column, ${fn}(1, ${rows}) for a row`;
  return '';
}
