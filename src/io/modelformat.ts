/**
 * The dnn model file (`.dnn`), format version 1. All integers little-endian.
 *
 *   offset  size  content
 *   0       8     signature 89 44 4E 4E 0D 0A 1A 0A  ("\x89DNN\r\n\x1a\n": a binary file,
 *                 and line-ending or 7-bit mangling shows up as a bad signature)
 *   8       4     format version, uint32 (1)
 *   12      4     H: byte length of the header, uint32
 *   16      H     header: UTF-8 JSON (see ModelHeader), padded with spaces so that
 *                 16 + H is a multiple of 8
 *   16+H    P·s   the parameters, P = header.parameterCount values of s bytes
 *                 (float64: 8, float32: 4, header.dtype), little-endian, in arena
 *                 order W1, b1, W2, b2, ..., WL, bL, each matrix row-major:
 *                 W[l] is (n[l], n[l-1]), b[l] is (n[l], 1)
 *   end-32  32    SHA-256 of every byte before it (signature, header and parameters)
 *
 * Files are written atomically by ./modelfile.ts (Node); this module makes and
 * reads the bytes anywhere (a page included). Reading checks, in order:
 * the signature, the version, the length and the checksum, then that the
 * header describes a network whose parameter count matches the data.
 */
import { DataError } from '../errors.ts';
import type { DType, FloatArray } from '../matrix.ts';
import type { LayerActivation } from '../model/activations.ts';
import { INITIALIZERS, type InitName } from '../model/initializers.ts';
import { lossFor, type Loss } from '../model/losses.ts';
import { Sha256 } from './sha256.ts';

export const MODEL_SIGNATURE = Uint8Array.of(0x89, 0x44, 0x4e, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a);
export const MODEL_FORMAT_VERSION = 1;
const PREFIX = 16;
const CHECKSUM = 32;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export const OUTPUT_ACTIVATIONS = ['sigmoid', 'softmax', 'linear'] as const;
export const HIDDEN_ACTIVATIONS = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'linear'] as const;

/** One layer l: n[l] units and the activation g[l]. */
export interface LayerHeader {
  units: number;
  /** Checked when the file is read: a hidden layer's or the output layer's activation. */
  activation: LayerActivation;
  /** Slope of leakyRelu for negative inputs. */
  slope?: number;
}

/**
 * The JSON header of a model file: the Model's serializable spec
 * (`Model.toSpec()`: inputSize, layers, dtype, init, seed, loss,
 * parameterShapes, parameterCount, training, metrics) plus the file's own fields.
 */
export interface ModelHeader {
  format: 'dnn-model';
  version: number;
  /** n[0], the number of input features. */
  inputSize: number;
  /** Layers 1 ... L. */
  layers: LayerHeader[];
  /** Element type of the parameters. */
  dtype: DType;
  /** How the weights were initialised: 'he', 'lecun', 'xavier', 'small'. */
  init: InitName;
  seed?: number;
  /** The loss that follows from the output activation. */
  loss?: Loss;
  /** Shapes of W1, b1, ..., WL, bL, in the order of the parameter data. */
  parameterShapes?: [number, number][];
  /** Total number of parameter values, Σ n[l]·(n[l-1] + 1). */
  parameterCount: number;
  /** Byte layout of the parameters: "W1,b1,...,WL,bL row-major little-endian". */
  layout: string;
  /** The options the model was trained with (learning rate, optimizer, epochs, ...). */
  training?: Record<string, unknown>;
  /** Final metrics: train/test cost and accuracy, time. */
  metrics?: Record<string, unknown>;
  /** Names of the output classes (index i is class i). */
  classes?: string[];
  /** Names of the n[0] input features (a CSV's columns), in X's row order. */
  features?: string[];
  /** Where the training data came from. */
  data?: Record<string, unknown>;
  /** When the file was written (ISO 8601) and by which dnn version. */
  created?: string;
  dnnVersion?: string;
}

export const PARAMETER_LAYOUT = 'W1,b1,...,WL,bL row-major little-endian';

export interface ModelFile {
  header: ModelHeader;
  /** The parameters, W1, b1, ..., WL, bL, in the header's dtype. */
  weights: FloatArray;
}

/** Σ n[l]·(n[l-1] + 1) for layerDims = [n[0], ..., n[L]]. */
export function parameterCount(layerDims: readonly number[]): number {
  let count = 0;
  for (let l = 1; l < layerDims.length; l++) count += layerDims[l] * (layerDims[l - 1] + 1);
  return count;
}

/** What the checksum is computed with: node:crypto's createHash('sha256') in Node, `Sha256` elsewhere. */
export interface Hasher {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** The parts of a model file, in order; the SHA-256 is computed as they are produced. */
export function* modelFileChunks(header: ModelHeader, weights: FloatArray, hasher: Hasher = new Sha256()): Generator<Uint8Array> {
  const emit = (bytes: Uint8Array) => {
    hasher.update(bytes);
    return bytes;
  };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - ((PREFIX + text.length) % 8)) % 8;
  const json = new Uint8Array(text.length + padding).fill(0x20);
  json.set(text);
  const prefix = new Uint8Array(PREFIX);
  prefix.set(MODEL_SIGNATURE, 0);
  const view = new DataView(prefix.buffer);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  yield emit(prefix);
  yield emit(json);
  // Parameters in slices, so a large model is never copied whole.
  const step = 1 << 16;
  for (let i = 0; i < weights.length; i += step) yield emit(littleEndianBytes(weights.subarray(i, i + step)));
  yield new Uint8Array(hasher.digest());
}

/**
 * A whole model file in memory (what `writeModelFile` writes), for a page
 * to store or download. Only bytes `parseModelFile` accepts are made: the
 * header is checked, the parameters must be finite and in the header's dtype.
 */
export function modelFileBytes(header: ModelHeader, weights: FloatArray): Uint8Array {
  checkModelFile('modelFileBytes', header, weights);
  const chunks = [...modelFileChunks(header, weights)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** What writeModelFile and modelFileBytes check before a byte is made; `name` is the file or the function. */
export function checkModelFile(name: string, header: ModelHeader, weights: FloatArray): void {
  checkHeader(name, header, weights.length);
  const Store = header.dtype === 'float32' ? Float32Array : Float64Array;
  if (!(weights instanceof Store)) {
    throw new DataError(`${name}: the parameters are a ${weights.constructor.name} but the header's dtype is "${header.dtype}"; give a ${Store.name} or set dtype to match`);
  }
  checkFinite(name, weights);
}

/**
 * Checks and decodes the bytes of a model file; every problem is a
 * DataError naming `path` (the file, or whatever names the bytes in a page).
 */
export function parseModelFile(bytes: Uint8Array, path = 'model file', hasher: Hasher = new Sha256()): ModelFile {
  if (!(bytes instanceof Uint8Array)) {
    const given = bytes as unknown;
    const what = given === null ? 'null' : given instanceof ArrayBuffer ? 'an ArrayBuffer (wrap it: new Uint8Array(buffer))' : typeof given === 'string' ? 'a string (read the file as bytes, not text)' : typeof given === 'object' ? `a ${(given as object).constructor?.name ?? 'object'}` : typeof given;
    throw new DataError(`parseModelFile: ${path} is ${what}; give the file's bytes as a Uint8Array`);
  }
  if (bytes.length < MODEL_SIGNATURE.length || MODEL_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${path}: not a dnn model file (it does not start with the dnn model signature)`);
  }
  if (bytes.length < PREFIX) throw new DataError(`${path}: truncated model file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) {
    throw new DataError(`${path}: model file format version ${version}; this dnn reads version ${MODEL_FORMAT_VERSION}${version > MODEL_FORMAT_VERSION ? ' (written by a newer dnn)' : ''}`);
  }
  const H = view.getUint32(12, true);
  // What the header says the size should be, when the header can be read at all.
  let header: ModelHeader | undefined;
  let headerProblem: string | undefined;
  if (PREFIX + H <= bytes.length) {
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + H))) as ModelHeader;
    } catch (e) {
      headerProblem = `its header is not valid JSON (${(e as Error).message})`;
    }
    if (!headerProblem && (header === null || typeof header !== 'object' || Array.isArray(header))) {
      headerProblem = `its header is ${header === null ? 'null' : Array.isArray(header) ? 'a JSON array' : `a JSON ${typeof header}`}, not an object`;
      header = undefined;
    }
  }
  const elementSize = header?.dtype === 'float32' ? 4 : 8;
  const count = header?.parameterCount;
  const expected = typeof count === 'number' && Number.isInteger(count) && count >= 0 ? PREFIX + H + count * elementSize + CHECKSUM : undefined;
  if (PREFIX + H > bytes.length || (expected !== undefined && bytes.length < expected)) {
    throw new DataError(`${path}: truncated model file: ${bytes.length} bytes, ${expected !== undefined ? `its header says ${expected}` : `the header alone needs ${PREFIX + H}`}`);
  }
  if (bytes.length < PREFIX + CHECKSUM) throw new DataError(`${path}: truncated model file (${bytes.length} bytes)`);
  const body = bytes.subarray(0, bytes.length - CHECKSUM);
  hasher.update(body);
  const sum = hasher.digest(), stored = bytes.subarray(bytes.length - CHECKSUM);
  if (sum.length !== CHECKSUM || sum.some((b, i) => b !== stored[i])) {
    throw new DataError(`${path}: corrupted model file: the SHA-256 checksum does not match its contents${headerProblem ? `; ${headerProblem}` : ''}`);
  }
  if (!header) throw new DataError(`${path}: corrupted model file: ${headerProblem}`);
  // The header first: its parameterCount and dtype give the length the file must have.
  checkHeader(path, header);
  if (expected !== bytes.length) throw new DataError(`${path}: corrupted model file: ${bytes.length} bytes, its header says ${expected}`);
  const start = PREFIX + H;
  const weights = header.dtype === 'float32' ? new Float32Array(header.parameterCount) : new Float64Array(header.parameterCount);
  if (weights instanceof Float32Array) for (let i = 0; i < weights.length; i++) weights[i] = view.getFloat32(start + 4 * i, true);
  else for (let i = 0; i < weights.length; i++) weights[i] = view.getFloat64(start + 8 * i, true);
  checkFinite(path, weights);
  return { header, weights };
}

function checkFinite(path: string, weights: FloatArray): void {
  const bad = weights.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DataError(`${path}: parameter ${bad} is ${weights[bad]}; a model's parameters must be finite`);
}

/** The header describes a network whose parameters have `count` values (when given). */
function checkHeader(path: string, header: ModelHeader, count?: number): void {
  const bad = (what: string) => new DataError(`${path}: invalid model header: ${what}`);
  if (header === null || typeof header !== 'object') throw bad('not a JSON object');
  if (header.format !== 'dnn-model') throw bad(`format is ${JSON.stringify(header.format)}, expected "dnn-model"`);
  if (header.dtype !== 'float64' && header.dtype !== 'float32') throw bad(`dtype is ${JSON.stringify(header.dtype)}; it must be "float64" or "float32"`);
  if (!Number.isInteger(header.inputSize) || header.inputSize < 1) throw bad(`inputSize is ${JSON.stringify(header.inputSize)}; it must be a positive integer`);
  if (!Array.isArray(header.layers) || header.layers.length < 1) throw bad('layers must be a non-empty list');
  header.layers.forEach((layer, i) => {
    const l = i + 1, last = l === header.layers.length;
    if (layer === null || typeof layer !== 'object') throw bad(`layer ${l} is ${JSON.stringify(layer)}; a layer is { units, activation, slope? }`);
    const unknown = Object.keys(layer).find((k) => k !== 'units' && k !== 'activation' && k !== 'slope');
    if (unknown !== undefined) throw bad(`layer ${l} has an unknown field "${unknown}"; a layer is { units, activation, slope? }`);
    if (!Number.isInteger(layer.units) || layer.units < 1) throw bad(`layer ${l} has ${JSON.stringify(layer.units)} units; it must be a positive integer`);
    const allowed: readonly string[] = last ? OUTPUT_ACTIVATIONS : HIDDEN_ACTIVATIONS;
    if (!allowed.includes(layer.activation)) throw bad(`layer ${l} has activation ${JSON.stringify(layer.activation)}; ${last ? 'the output layer' : 'a hidden layer'} takes ${allowed.join(', ')}`);
    if (layer.slope !== undefined) {
      if (layer.activation !== 'leakyRelu') throw bad(`layer ${l} has a slope but activation ${JSON.stringify(layer.activation)}; only leakyRelu has one`);
      if (typeof layer.slope !== 'number' || !(layer.slope >= 0 && layer.slope < 1)) throw bad(`layer ${l} has slope ${JSON.stringify(layer.slope)}; leakyRelu's slope is a number in [0, 1)`);
    }
    if (layer.activation === 'softmax' && layer.units < 2) throw bad(`layer ${l} is softmax with ${layer.units} unit; softmax needs at least 2 (one per class)`);
  });
  const dims = [header.inputSize, ...header.layers.map((l) => l.units)];
  const want = parameterCount(dims);
  if (header.parameterCount !== want) throw bad(`parameterCount is ${JSON.stringify(header.parameterCount)} but layers ${dims.join('-')} have ${want} parameters`);
  if (header.parameterShapes !== undefined) {
    const shapes = dims.slice(1).flatMap((n, l) => [[n, dims[l]], [n, 1]]);
    if (JSON.stringify(header.parameterShapes) !== JSON.stringify(shapes)) throw bad(`parameterShapes is ${JSON.stringify(header.parameterShapes)} but layers ${dims.join('-')} give ${JSON.stringify(shapes)} (W1, b1, ..., WL, bL)`);
  }
  if (header.seed !== undefined && !(Number.isInteger(header.seed) && header.seed >= 0 && header.seed <= 0xffffffff)) {
    throw bad(`seed is ${JSON.stringify(header.seed)}; it must be an integer between 0 and 2**32 - 1`);
  }
  if (!INITIALIZERS.includes(header.init)) throw bad(`init is ${JSON.stringify(header.init)}; it must name the initializer: ${INITIALIZERS.join(', ')}`);
  const output = header.layers[header.layers.length - 1];
  if (header.loss !== undefined && header.loss !== lossFor(output.activation)) {
    throw bad(`loss is ${JSON.stringify(header.loss)} but the ${output.activation} output uses ${lossFor(output.activation)}`);
  }
  if (header.classes !== undefined) {
    if (!Array.isArray(header.classes) || header.classes.some((c) => typeof c !== 'string')) throw bad(`classes is ${JSON.stringify(header.classes)}; it must be a list of class names`);
    const outputClasses = output.activation === 'softmax' ? output.units : output.activation === 'sigmoid' ? 2 : undefined;
    if (outputClasses !== undefined && header.classes.length > outputClasses) throw bad(`classes has ${header.classes.length} names but the ${output.activation} output has ${outputClasses} classes`);
  }
  if (header.features !== undefined && (!Array.isArray(header.features) || header.features.length !== header.inputSize || header.features.some((f) => typeof f !== 'string'))) {
    throw bad(`features is ${JSON.stringify(header.features)}; it must be a list of ${header.inputSize} feature names (inputSize)`);
  }
  for (const key of ['training', 'metrics', 'data'] as const) {
    const v = header[key];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) throw bad(`${key} is ${JSON.stringify(v)}; it must be an object`);
  }
  if (count !== undefined && count !== want) throw bad(`${count} parameter values given but layers ${dims.join('-')} have ${want}`);
}

function littleEndianBytes(values: FloatArray): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const size = values.BYTES_PER_ELEMENT;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (size === 8) view.setFloat64(i * 8, values[i], true);
    else view.setFloat32(i * 4, values[i], true);
  }
  return out;
}
