/**
 * HDF5 datasets of images and labels (the course's format), read with h5wasm
 * and converted once into the column layout: X (n_x, m), Y (1, m).
 *
 * The course flattens each image row-major over (row, column, channel) and
 * divides by 255: `X = X_orig.reshape(m, -1).T / 255.`, so column j is image j
 * and X[k, j] = X_orig[j].flat[k] / 255.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DataError, OptionError } from '../errors.ts';
import { Matrix } from '../matrix.ts';
import { shapeText } from './npy.ts';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface H5Dataset {
  /** (n_x, m) examples as columns; uint8 images divided by 255. */
  X: Matrix;
  /** (1, m) labels. */
  Y: Matrix;
  /** Class names from `list_classes`, when the file has them. */
  classes?: string[];
  /** The shape of one example in the file, (64, 64, 3) for the cat pictures: `X_orig.shape[1:]`. */
  exampleShape: number[];
}

export interface H5Options {
  /** Dataset of the examples, first axis = examples. */
  xKey: string;
  /** Dataset of the labels, m values. */
  yKey: string;
  /** Dataset of class names (optional). */
  classesKey?: string;
}

type H5File = {
  keys(): string[];
  get(key: string): { shape?: number[] | null; value?: unknown; dtype?: unknown; metadata?: { type: number; size: number; signed: boolean } } | null;
  close(): void;
};

let h5module: Promise<{ File: new (path: string, mode: string) => H5File }> | undefined;

async function h5wasm() {
  h5module ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    // HDF5 reports errors by printing its error stack to stderr and carrying on; make them exceptions instead,
    // so a damaged file is one DataError, not forty lines of HDF5-DIAG and an "error - name not defined!".
    (m as unknown as { Module?: { activate_throwing_error_handler?(): number } }).Module?.activate_throwing_error_handler?.();
    return m as unknown as { File: new (path: string, mode: string) => H5File };
  });
  return h5module;
}

/** HDF5's error stack, innermost frame first in meaning: "#006: .../H5Fsuper.c line 577 in H5F__super_read(): truncated file: ..." -> "truncated file: ...". */
function hdf5Reason(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  const frames = [...message.matchAll(/#\d+: .* in [\w.]+\(\): (.*)/g)];
  return frames.length ? frames[frames.length - 1][1].trim() : message.split('\n')[0];
}

/** Runs `read` on an open file, turning a library failure into a DataError naming the file. */
function reading<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${path}: cannot be read as HDF5 (${hdf5Reason(e)})`, { cause: e });
  }
}

/** Opens an HDF5 file for reading, after checking it exists and starts with the HDF5 signature. */
async function openH5(path: string): Promise<H5File> {
  checkSignature(path);
  const { File } = await h5wasm();
  return reading(path, () => new File(path, 'r'));
}

/** Reads one HDF5 file of images/features and labels. Every failure is a `DataError` naming the file. */
export async function loadH5Dataset(path: string, options: H5Options): Promise<H5Dataset> {
  if (options === null || typeof options !== 'object') throw new OptionError(`loadH5Dataset: options is ${String(options)}; give { xKey, yKey, classesKey? }, e.g. { xKey: "train_set_x", yKey: "train_set_y" }`);
  for (const key of Object.keys(options)) {
    if (key !== 'xKey' && key !== 'yKey' && key !== 'classesKey') throw new OptionError(`loadH5Dataset: unknown option "${key}"; the options are xKey, yKey, classesKey`);
  }
  const file = await openH5(path);
  try {
    return reading(path, () => readDataset(path, file, options));
  } finally {
    file.close();
  }
}

/** The examples and labels of an open file (see loadH5Dataset). */
function readDataset(path: string, file: H5File, options: H5Options): H5Dataset {
  const keys = file.keys();
  const dataset = (key: string) => {
    const d = file.get(key);
    if (!d || d.shape == null) throw new DataError(`${path}: has no dataset "${key}" (it has: ${keys.join(', ') || 'nothing'})`);
    return d;
  };
  const xd = dataset(options.xKey);
  const yd = dataset(options.yKey);
  const xShape = xd.shape!, yShape = yd.shape!;
  if (xShape.length < 2) throw new DataError(`${path}: dataset "${options.xKey}" has shape ${shapeText(xShape)}; it needs one example per entry of its first axis`);
  const m = xShape[0];
  const n = xShape.slice(1).reduce((a, b) => a * b, 1);
  const yCount = yShape.reduce((a, b) => a * b, 1);
  if (yCount !== m) throw new DataError(`${path}: "${options.yKey}" has ${yCount} labels but "${options.xKey}" has ${m} examples`);

  const raw = numeric(path, options.xKey, xd.value);
  // Image j is row j of (m, n); it becomes column j of X (n, m). uint8 pixels are divided by 255.
  const values = raw instanceof BigInt64Array || raw instanceof BigUint64Array ? Float64Array.from(raw, Number) : (raw as ArrayLike<number>);
  const scale = raw instanceof Uint8Array ? 255 : 1;
  const X = Matrix.zeros(n, m);
  const x = X.data;
  for (let j = 0; j < m; j++) {
    for (let k = 0, src = j * n; k < n; k++) x[k * m + j] = values[src + k] / scale;
  }
  const labels = numeric(path, options.yKey, yd.value);
  const Y = Matrix.zeros(1, m);
  for (let j = 0; j < m; j++) Y.data[j] = Number(labels[j]);
  for (const [M, key] of [[X, options.xKey], [Y, options.yKey]] as const) {
    const bad = M.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataError(`${path}: "${key}" has ${M.data[bad]} at flat index ${bad}; data must be finite numbers`);
  }
  let classes: string[] | undefined;
  if (options.classesKey && keys.includes(options.classesKey)) {
    const v = file.get(options.classesKey)?.value;
    if (Array.isArray(v)) classes = v.map((c) => String(c));
  }
  return { X, Y, ...(classes && { classes }), exampleShape: xShape.slice(1) };
}

function numeric(path: string, key: string, value: unknown): ArrayLike<number | bigint> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value as unknown as ArrayLike<number | bigint>;
  throw new DataError(`${path}: dataset "${key}" is not numeric (${Array.isArray(value) ? 'strings' : typeof value})`);
}

function checkSignature(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new DataError(`${path}: file not found`);
  }
  const head = Buffer.alloc(8);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, head, 0, 8, 0);
  } catch (e) {
    throw new DataError(`${path}: cannot be read (${(e as Error).message})`, { cause: e });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size < 8 || HDF5_SIGNATURE.some((b, i) => head[i] !== b)) throw new DataError(`${path}: not an HDF5 file (no HDF5 signature at its start)`);
}

/** The names of the datasets at the root of an HDF5 file. */
export async function h5Keys(path: string): Promise<string[]> {
  const file = await openH5(path);
  try {
    return reading(path, () => file.keys());
  } finally {
    file.close();
  }
}
