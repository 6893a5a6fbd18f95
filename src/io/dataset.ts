/**
 * Datasets for training and evaluation, converted once at load into the
 * course's column layout:
 *   X (n_x, m)  one example per column
 *   Y (1, m)    one label (a class index, 0/1, or a target value) per example
 *
 * Formats (chosen by what `data` names):
 *   mnist                the built-in digits (see ./mnist.ts), with its own test split
 *   DIR                  the course's HDF5 pair train_*.h5 + test_*.h5, or X.npy + Y.npy
 *                        (+ X_test.npy, Y_test.npy)
 *   FILE.h5 / .hdf5      train_set_x / train_set_y (and test_set_x / test_set_y when present)
 *   FILE.csv             header line, one example per line, label column by name
 *   FILE.npz             arrays X and Y (and X_test, Y_test when present)
 * Every problem is a DataError naming the file and what is wrong with it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DataError, OptionError, ShapeError } from '../errors.ts';
import { float32Overflow, Matrix } from '../matrix.ts';
import { RandomState } from '../random.ts';
import { loadCsv } from './csv.ts';
import { h5Keys, loadH5Dataset } from './h5.ts';
import { loadMnist } from './mnist.ts';
import { readNpyFile, readNpzFile, shapeText, type NdArray } from './npy.ts';

/** Examples and labels in the column layout. */
export interface Split {
  /** (n_x, m) examples as columns. */
  X: Matrix;
  /** (1, m) labels (or one-hot, one row per class: splitExamples keeps every row). */
  Y: Matrix;
}

export interface Dataset {
  /** What was loaded: 'mnist' or the path. */
  name: string;
  train: Split;
  /** Held-out examples, when the data has them (built-in split, test file, --split). */
  test?: Split;
  /** Class names, when known (label strings of a CSV, list_classes of an HDF5 file, the digits). */
  classes?: string[];
  /** Feature names in X's row order, when the file has them (a CSV's header). */
  features?: string[];
}

/** How examples are laid out in .npy/.npz arrays: one per row (m, n_x) or one per column (n_x, m). */
export type Layout = 'rows' | 'columns';

export interface DatasetOptions {
  /** 'mnist' (the default) or a path. */
  data?: string;
  /** A separate file of test examples, in the same format. */
  test?: string;
  /** Fraction of the examples held out for testing, after a seeded shuffle. */
  split?: number;
  /** Seed of the --split shuffle. */
  seed?: number;
  /** HDF5 dataset or .npz array of the examples. */
  xKey?: string;
  /** HDF5 dataset or .npz array of the labels. */
  yKey?: string;
  /** CSV label column; `null` when the file has none (prediction input). */
  label?: string | null;
  /** Orientation of .npy/.npz arrays; 'rows' by default. */
  layout?: Layout;
  /** Class names that CSV label names are numbered by (a saved model's); `from` names them in errors. */
  classes?: { names: readonly string[]; from: string };
  /** Feature names a CSV's columns must match, in order (a saved model's); `from` names them in errors. */
  features?: { names: readonly string[]; from: string };
}

export const DATA_FORMATS = 'mnist, a directory of train_*.h5 + test_*.h5 or X.npy + Y.npy, .h5, .csv or .npz';

const DATASET_OPTIONS: readonly (keyof DatasetOptions)[] = ['data', 'test', 'split', 'seed', 'xKey', 'yKey', 'label', 'layout', 'classes', 'features'];

/**
 * Loads a data set in any of `DATA_FORMATS`, as `dnn train --data` does.
 * @param options - the options, or just the path (`loadDataset('iris.csv')` is `{ data: 'iris.csv' }`)
 */
export async function loadDataset(options: DatasetOptions | string = {}): Promise<Dataset> {
  // A path given alone, or under another name ({ path }), would otherwise load the default data, mnist.
  if (typeof options === 'string') options = { data: options };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`loadDataset: options is ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}; give a path or { data, test?, split?, ... }`);
  }
  for (const key of Object.keys(options)) {
    if (!(DATASET_OPTIONS as readonly string[]).includes(key)) throw new OptionError(`loadDataset: unknown option "${key}"; the options are ${DATASET_OPTIONS.join(', ')}`);
  }
  const data = options.data ?? 'mnist';
  const loaded = await loadOne(data, options, 'train');
  if (options.features) sameFeatures(data, loaded.features, options.features);
  if (options.test !== undefined) {
    if (loaded.test) throw new OptionError(`--test: ${data} already has its own test examples; drop --test or use a file without them`);
    // Test labels that are class names are numbered as the training data's.
    const classes = options.classes ?? (loaded.classes && { names: loaded.classes, from: `the classes of ${data}` });
    const t = await loadOne(options.test, { ...options, ...(classes && { classes }) }, 'test');
    sameFeatures(options.test, t.features, options.features ?? (loaded.features && { names: loaded.features, from: "the training data's" }));
    loaded.test = t.test ?? t.train;
    loaded.classes ??= t.classes;
  }
  if (options.split !== undefined) {
    if (loaded.test) throw new OptionError(`--split: ${data} already has test examples${options.test ? ` (--test ${options.test})` : ''}; use one of them, not both`);
    const { train, test } = splitExamples(loaded.train, options.split, options.seed ?? 1);
    loaded.train = train;
    loaded.test = test;
  }
  checkFeatures(loaded, options.test);
  return loaded;
}

/**
 * A CSV whose columns are those of the training data in another order would feed feature k into
 * the weights of another: the names, when both sides have them, must agree in order.
 */
function sameFeatures(path: string, got: readonly string[] | undefined, want: { names: readonly string[]; from: string } | undefined): void {
  if (!got || !want || got.length !== want.names.length || got.every((n, i) => n === want.names[i])) return;
  throw new DataError(`${path}: its feature columns are ${got.join(', ')} but ${want.from} are ${want.names.join(', ')}; use the same columns in the same order`);
}

/** n[0] is the same for training and test examples, and not 0: checked here, not after training. */
function checkFeatures(data: Dataset, testPath: string | undefined): void {
  const n = data.train.X.rows;
  if (n === 0) throw new DataError(`${data.name}: the examples have no features (X is (0, ${data.train.X.cols}) in the column layout); each example needs at least one number`);
  const t = data.test?.X.rows;
  if (t !== undefined && t !== n) {
    const where = testPath === undefined ? `${data.name}: the test examples have ${t} features but the training examples have ${n}` : `${testPath}: the test examples have ${t} features but the training examples of ${data.name} have ${n}`;
    throw new DataError(`${where}; both need the same features`);
  }
}

/** Loads `path` as a dataset; `role` says which keys an HDF5 file is read with when it has only one set. */
async function loadOne(path: string, options: DatasetOptions, role: 'train' | 'test'): Promise<Dataset> {
  if (path === 'mnist') {
    applies(path, options, []);
    return loadMnist();
  }
  if (!existsSync(path)) throw new DataError(`${path}: file not found${path.includes('.') || path.includes('/') ? '' : ` (the built-in dataset is "mnist")`}`);
  if (statSync(path).isDirectory()) return loadDirectory(path, options);
  const ext = extname(path).toLowerCase();
  switch (ext) {
    case '.h5':
    case '.hdf5':
      applies(path, options, ['xKey', 'yKey']);
      return loadH5File(path, options, role);
    case '.csv': {
      applies(path, options, ['label']);
      const t = loadCsv(path, { label: options.label, ...(options.classes && { classes: options.classes }) });
      return { name: path, train: checked({ X: t.X, Y: t.Y }, path), features: t.features, ...(t.classes && { classes: t.classes }) };
    }
    case '.npz':
      applies(path, options, ['xKey', 'yKey', 'layout']);
      return loadNpz(path, options);
    case '.npy':
      throw new DataError(`${path}: a .npy file holds one array, a dataset needs X and Y: use an .npz archive (np.savez(path, X=X, Y=Y)) or a directory with X.npy and Y.npy`);
    default:
      throw new DataError(`${path}: unknown data format "${ext || basename(path)}"; --data takes ${DATA_FORMATS}`);
  }
}

const FORMAT_FLAGS = {
  label: ['--label', 'it names the label column of CSV files'],
  xKey: ['--x-key', 'it names arrays in HDF5 files and .npz archives'],
  yKey: ['--y-key', 'it names arrays in HDF5 files and .npz archives'],
  layout: ['--layout', 'it orients .npz archives and directories of .npy files'],
} as const;

/** A format flag given for data it means nothing to is an OptionError: silently ignored, it would hide a mistake. */
function applies(path: string, options: DatasetOptions, used: (keyof typeof FORMAT_FLAGS)[]): void {
  for (const key of Object.keys(FORMAT_FLAGS) as (keyof typeof FORMAT_FLAGS)[]) {
    // label: null is predict's "no label column", not a flag.
    if (options[key] !== undefined && options[key] !== null && !used.includes(key)) {
      const [flag, use] = FORMAT_FLAGS[key];
      throw new OptionError(`${flag} does not apply to ${path}: ${use}`);
    }
  }
}

async function loadDirectory(dir: string, options: DatasetOptions): Promise<Dataset> {
  const names = readdirSync(dir);
  const h5 = names.filter((n) => /\.(h5|hdf5)$/i.test(n)).sort();
  const trainH5 = h5.find((n) => /^train/i.test(n));
  const testH5 = h5.find((n) => /^test/i.test(n));
  if (trainH5) {
    applies(dir, options, ['xKey', 'yKey']);
    const train = await loadH5File(join(dir, trainH5), options, 'train');
    if (testH5 && !train.test) {
      const test = await loadH5File(join(dir, testH5), options, 'test');
      train.test = test.train;
      train.classes ??= test.classes;
    }
    return { ...train, name: dir };
  }
  if (names.includes('X.npy') && names.includes('Y.npy')) {
    applies(dir, options, ['layout']);
    const layout = options.layout ?? 'rows';
    const read = (n: string) => readNpyFile(join(dir, n));
    const train = fromArrays(read('X.npy'), read('Y.npy'), layout, join(dir, 'X.npy'), join(dir, 'Y.npy'));
    const hasTest = names.includes('X_test.npy') && names.includes('Y_test.npy');
    if (!hasTest && (names.includes('X_test.npy') || names.includes('Y_test.npy'))) {
      throw new DataError(`${dir}: has ${names.includes('X_test.npy') ? 'X_test.npy but no Y_test.npy' : 'Y_test.npy but no X_test.npy'}; test examples need both`);
    }
    return { name: dir, train, ...(hasTest && { test: fromArrays(read('X_test.npy'), read('Y_test.npy'), layout, join(dir, 'X_test.npy'), join(dir, 'Y_test.npy')) }) };
  }
  throw new DataError(`${dir}: a data directory needs train_*.h5 (and test_*.h5) or X.npy and Y.npy; it has ${names.length ? names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '') : 'nothing'}`);
}

async function loadH5File(path: string, options: DatasetOptions, role: 'train' | 'test'): Promise<Dataset> {
  const keys = await h5Keys(path);
  const pick = (given: string | undefined, kind: 'x' | 'y') => {
    if (given !== undefined) return given;
    const preferred = `${role}_set_${kind}`, other = `${role === 'train' ? 'test' : 'train'}_set_${kind}`;
    return keys.includes(preferred) || !keys.includes(other) ? preferred : other;
  };
  const xKey = pick(options.xKey, 'x'), yKey = pick(options.yKey, 'y');
  for (const [key, flag] of [[xKey, '--x-key'], [yKey, '--y-key']]) {
    if (!keys.includes(key)) throw new DataError(`${path}: has no dataset "${key}" (it has: ${keys.join(', ') || 'nothing'}); name the right one with ${flag}`);
  }
  const d = await loadH5Dataset(path, { xKey, yKey, classesKey: 'list_classes' });
  const result: Dataset = { name: path, train: checked({ X: d.X, Y: d.Y }, path), ...(d.classes && { classes: d.classes }) };
  // One file holding both sets (train_set_* and test_set_*), unless keys were named explicitly.
  if (role === 'train' && options.xKey === undefined && keys.includes('test_set_x') && keys.includes('test_set_y') && xKey === 'train_set_x') {
    const t = await loadH5Dataset(path, { xKey: 'test_set_x', yKey: 'test_set_y' });
    result.test = checked({ X: t.X, Y: t.Y }, path);
  }
  return result;
}

function loadNpz(path: string, options: DatasetOptions): Dataset {
  const arrays = readNpzFile(path);
  const xKey = options.xKey ?? 'X', yKey = options.yKey ?? 'Y';
  const get = (key: string, flag: string) => {
    const a = arrays.get(key);
    if (!a) throw new DataError(`${path}: has no array "${key}" (it has: ${[...arrays.keys()].join(', ') || 'nothing'}); name the right one with ${flag}`);
    return a;
  };
  const layout = options.layout ?? 'rows';
  const train = fromArrays(get(xKey, '--x-key'), get(yKey, '--y-key'), layout, `${path}: ${xKey}`, `${path}: ${yKey}`);
  const tx = arrays.get(`${xKey}_test`), ty = arrays.get(`${yKey}_test`);
  // Half a test set is a mistake to report, not a dataset without test examples.
  if (Boolean(tx) !== Boolean(ty)) {
    const [has, lacks] = tx ? [`${xKey}_test`, `${yKey}_test`] : [`${yKey}_test`, `${xKey}_test`];
    throw new DataError(`${path}: has ${has} but no ${lacks} (it has: ${[...arrays.keys()].join(', ')}); test examples need both`);
  }
  return { name: path, train, ...(tx && ty && { test: fromArrays(tx, ty, layout, `${path}: ${xKey}_test`, `${path}: ${yKey}_test`) }) };
}

/**
 * X and Y arrays into the column layout. With layout 'rows', X is (m, ...) and
 * each example's trailing dimensions are flattened (like the course's
 * reshape(m, -1).T); with 'columns', X is already (n_x, m). Y holds m labels:
 * (m,), (m, 1), (1, m), or one-hot rows (m, C) / columns (C, m).
 */
export function fromArrays(x: NdArray, y: NdArray, layout: Layout, xName: string, yName: string): Split {
  let X: Matrix;
  if (layout === 'rows') {
    if (x.shape.length < 2) throw new DataError(`${xName}: shape ${shapeText(x.shape)}; with --layout rows X must be (m, n_x), one example per row`);
    const m = x.shape[0], n = x.data.length / Math.max(m, 1);
    X = Matrix.zeros(n, m);
    for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) X.data[k * m + j] = x.data[j * n + k];
  } else {
    if (x.shape.length !== 2) throw new DataError(`${xName}: shape ${shapeText(x.shape)}; with --layout columns X must be (n_x, m), one example per column`);
    X = new Matrix(x.shape[0], x.shape[1], x.data);
  }
  const m = X.cols;
  const Y = Matrix.zeros(1, m);
  const [a = 1, b = 1] = y.shape.length === 1 ? [y.shape[0], 1] : y.shape;
  if (y.shape.length > 2) throw new DataError(`${yName}: shape ${shapeText(y.shape)}; Y must hold one label per example`);
  if (y.data.length === m) {
    Y.data.set(y.data);
  } else {
    // One-hot: (m, C) with layout rows, (C, m) with columns.
    const [rows, cols] = [a, b];
    const byRows = layout === 'rows' && rows === m, byCols = layout === 'columns' && cols === m;
    if (!byRows && !byCols) throw new DataError(`${yName}: shape ${shapeText(y.shape)} does not fit X's ${m} examples (${xName} is ${shapeText(x.shape)}, --layout ${layout}); Y must be (m,), (m, 1), (1, m) or one-hot`);
    const C = byRows ? cols : rows;
    for (let j = 0; j < m; j++) {
      let hot = -1;
      for (let c = 0; c < C; c++) {
        const v = byRows ? y.data[j * C + c] : y.data[c * m + j];
        if (v === 1 && hot < 0) hot = c;
        else if (v !== 0) hot = -2;
      }
      if (hot < 0) throw new DataError(`${yName}: example ${j} is not one-hot (a single 1 among ${C} zeros and ones)`);
      Y.data[j] = hot;
    }
  }
  return checked({ X, Y }, { X: xName, Y: yName });
}

/**
 * Names the first NaN/Infinity by example and feature: data must be finite.
 * @param split - X (n_x, m) and Y (1, m)
 * @param where - the file, or the names of the X and Y arrays (e.g. "data.npz: X")
 */
export function checked(split: Split, where: string | { X: string; Y: string }): Split {
  for (const [M, what] of [[split.X, 'X'], [split.Y, 'Y']] as const) {
    const d = M.data;
    for (let k = 0; k < d.length; k++) {
      if (!Number.isFinite(d[k])) {
        const feature = Math.floor(k / M.cols), example = k % M.cols;
        const source = typeof where === 'string' ? `${where}: ${what}` : where[what];
        throw new DataError(`${source} has ${d[k]} at example ${example}${what === 'X' ? `, feature ${feature}` : ''}; data must be finite numbers`);
      }
    }
  }
  return split;
}

/**
 * A float32 network rounds its inputs to float32: a value beyond ±3.4e38
 * would become Infinity and the cost NaN. Names the first such value.
 * @param split - X (n_x, m) and Y (1, m)
 * @param advice - what to do about it, e.g. 'use --dtype float64'
 */
export function checkFloat32Range(split: Split, where: string, advice: string): void {
  for (const [M, what] of [[split.X, 'X'], [split.Y, 'Y']] as const) {
    const k = float32Overflow(M.data);
    if (k >= 0) {
      const feature = Math.floor(k / M.cols), example = k % M.cols;
      throw new DataError(`${where}: ${what} has ${M.data[k]} at example ${example}${what === 'X' ? `, feature ${feature}` : ''}, beyond float32's range (±3.4e+38); ${advice}`);
    }
  }
}

/**
 * Holds out round(fraction · m) examples for testing, chosen by a seeded
 * permutation (NumPy's `np.random.RandomState(seed).permutation(m)`: the last
 * ones go to the test set).
 */
export function splitExamples(all: Split, fraction: number, seed: number): { train: Split; test: Split } {
  const m = all.X.cols;
  if (all.Y.cols !== m) throw new ShapeError(`splitExamples: X is ${all.X.shapeString()} but Y is ${all.Y.shapeString()}; Y must have one column per example (m = ${m})`);
  const nTest = Math.round(fraction * m);
  if (!(fraction > 0 && fraction < 1) || nTest < 1 || nTest >= m) {
    throw new OptionError(`--split is ${fraction}; it must be between 0 and 1 and leave at least one example on each side (${m} examples)`);
  }
  const order = new RandomState(seed).permutation(m);
  return { train: columns(all, order.slice(0, m - nTest)), test: columns(all, order.slice(m - nTest)) };
}

/**
 * The examples `idx` of a split, in that order.
 * @param s - X (n_x, m) and Y (n_y, m): (1, m) labels, or one row per class (one-hot)
 * @returns X (n_x, k) and Y (n_y, k), k = idx.length
 */
export function columns(s: Split, idx: readonly number[]): Split {
  return { X: pickColumns(s.X, idx), Y: pickColumns(s.Y, idx) };
}

/** Columns `idx` of M, in that order: (rows, idx.length). */
function pickColumns(M: Matrix, idx: readonly number[]): Matrix {
  const n = M.rows, m = M.cols, k = idx.length;
  const out = Matrix.zeros(n, k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = M.data[i * m + idx[j]];
  return out;
}
