/**
 * What the labels ask of the network: which output layer fits them, how many
 * units it needs, and how predictions are scored. Checked once, before any
 * training, so a mismatch is a one-line error naming both numbers.
 *
 * Legend: X (n[0], m); Y (1, m) labels; AL (n[L], m) outputs.
 */
import { DataError, OptionError } from '../errors.ts';
import { pairwiseSum } from '../kernels/pairwise.ts';
import type { FloatArray, Matrix } from '../matrix.ts';
import type { Dataset } from '../io/dataset.ts';
import type { Output } from './network.ts';

export interface LabelSummary {
  /** All labels are integers ≥ 0. */
  integer: boolean;
  /** Largest label + 1 (for integer labels), at least the number of known class names. */
  classes: number;
  /** Distinct label values, sorted (up to 12 kept, for messages). */
  values: number[];
  distinct: number;
  /** Labelled examples (training and test). */
  examples: number;
}

export function summarizeLabels(data: Dataset): LabelSummary {
  const all = [data.train.Y.data, ...(data.test ? [data.test.Y.data] : [])];
  const seen = new Set<number>();
  let integer = true, max = -1;
  for (const d of all) {
    for (const v of d) {
      if (!(Number.isInteger(v) && v >= 0)) integer = false;
      if (v > max) max = v;
      if (seen.size <= 64) seen.add(v);
    }
  }
  const values = [...seen].sort((a, b) => a - b);
  const examples = all.reduce((n, d) => n + d.length, 0);
  return { integer, classes: integer ? Math.max(max + 1, data.classes?.length ?? 0) : 0, values: values.slice(0, 12), distinct: seen.size, examples };
}

/** The output activation: given, or the one the labels call for. */
export function chooseOutput(given: Output | undefined, labels: LabelSummary, lastUnits: number | undefined): Output {
  if (given) return given;
  if (!labels.integer) return 'linear';
  if (labels.classes <= 2 && (lastUnits === undefined || lastUnits === 1)) return 'sigmoid';
  return 'softmax';
}

/** Units of the output layer for these labels. */
export function outputUnits(output: Output, labels: LabelSummary): number {
  return output === 'softmax' ? labels.classes : 1;
}

/**
 * Throws a DataError/OptionError when the layers do not fit the data: n[0]
 * must be the number of features, n[L] what the output needs.
 */
export function checkLayersFit(layers: number[], nX: number, output: Output, labels: LabelSummary, source: string): void {
  const rest = layers.slice(1).join(',');
  if (layers[0] !== nX) {
    throw new OptionError(`--layers starts with ${layers[0]} but ${source} has ${nX} features per example; the first layer size must be the number of features: use --layers ${nX},${rest}`);
  }
  const shown = labels.values.join(', ') + (labels.distinct > labels.values.length ? ', ...' : '');
  const last = layers[layers.length - 1];
  const head = layers.slice(0, -1).join(',');
  if (output === 'sigmoid') {
    if (!labels.integer || labels.classes > 2) {
      const hint = labels.integer ? `use --output softmax --layers ${head},${labels.classes}` : 'use --output linear for continuous targets';
      throw new DataError(`${source}: labels have ${labels.distinct} distinct values (${shown}) but --output sigmoid needs labels 0 and 1; ${hint}`);
    }
    if (last !== 1) throw new OptionError(`--layers ends with ${last} but --output sigmoid has one unit (the probability of label 1): use --layers ${head},1`);
  } else if (output === 'softmax') {
    if (!labels.integer) throw new DataError(`${source}: labels must be class numbers 0, 1, 2, ... for --output softmax, found ${shown}`);
    // Class numbers 0 ... C-1 with most of them absent and more classes than examples: a typo or integer
    // targets (prices, counts), not classes; C output units could exhaust memory.
    if (labels.classes > labels.examples && labels.classes > 2 * labels.distinct) {
      throw new DataError(`${source}: labels go up to ${labels.classes - 1}, so a softmax output would need ${labels.classes} classes, but only ${labels.distinct} distinct labels appear among ${labels.examples} examples (${shown}); class labels must be 0, 1, ..., C-1: fix the labels, or use --output linear for numeric targets`);
    }
    if (last !== labels.classes) {
      throw new OptionError(`--layers ends with ${last} but the labels have ${labels.classes} classes (0 to ${labels.classes - 1}); the last layer size must be the number of classes: use --layers ${head},${labels.classes}`);
    }
  } else if (last !== 1) {
    throw new OptionError(`--layers ends with ${last} but --output linear predicts one value per example: use --layers ${head},1`);
  }
}

/**
 * Predicted labels: argmax of each column for softmax, 1 where AL > 0.5 for sigmoid, the value for linear.
 * @param AL - (n[L], m) outputs of the network
 * @returns m labels
 */
export function classify(output: Output, AL: Matrix<FloatArray>): Float64Array {
  const m = AL.cols, n = AL.rows, out = new Float64Array(m);
  if (output === 'linear') return Float64Array.from(AL.data);
  if (output === 'sigmoid') {
    for (let j = 0; j < m; j++) out[j] = AL.data[j] > 0.5 ? 1 : 0;
    return out;
  }
  for (let j = 0; j < m; j++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (AL.data[i * m + j] > AL.data[best * m + j]) best = i;
    out[j] = best;
  }
  return out;
}

/**
 * Fraction of predictions equal to the labels, summed as the course does: np.sum((p == y) / m).
 * @param predicted - m predicted labels
 * @param Y - (1, m) true labels
 */
export function accuracy(predicted: Float64Array, Y: Matrix): number {
  const m = predicted.length;
  const hits = new Float64Array(m);
  for (let j = 0; j < m; j++) hits[j] = (predicted[j] === Y.data[j] ? 1 : 0) / m;
  return pairwiseSum(hits);
}
