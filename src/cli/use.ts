/**
 * `dnn evaluate MODEL`, `dnn predict MODEL` and `dnn info MODEL`: commands that
 * read a saved model file (validated in full by readModelFile).
 */
import { extname } from 'node:path';
import { DataError, OptionError, ShapeError } from '../errors.ts';
import { checkFloat32Range, loadDataset, type Dataset, type Split } from '../io/dataset.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { csvColumns } from '../io/csv.ts';
import { readModelFile, type ModelHeader } from '../io/modelfile.ts';
import { fmt, Output } from './output.ts';
import { choice, EVALUATE_FLAGS, INFO_FLAGS, notAnInput, num, parse, PREDICT_FLAGS, str, threadsFlag } from './options.ts';
import { configureKernels, kernelsFor } from '../kernels/index.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { Model } from '../model/index.ts';
import { modelFromFile, type Output as OutputAct } from './network.ts';
import { accuracy, classify } from './task.ts';

/** The model a file holds (in its dtype), its header and its output activation. */
export function loadModel(path: string): { model: Model<DType>; header: ModelHeader; output: OutputAct } {
  const { header, weights } = readModelFile(path);
  // Chosen outside the try: a bad DNN_KERNELS or DNN_THREADS is the environment's fault, not the file's.
  const kernels = kernelsFor(header.dtype);
  let model: Model<DType>;
  try {
    model = modelFromFile(header, weights, kernels);
  } catch (e) {
    // The checksum vouches for the bytes, not for the fields: say which file the Model rejected.
    if (e instanceof DataError || e instanceof OptionError || e instanceof ShapeError) throw new DataError(`${path}: invalid model header: ${e.message}`, { cause: e });
    throw e;
  }
  return { model, header, output: header.layers[header.layers.length - 1].activation as OutputAct };
}

function useThreads(values: Record<string, unknown>): void {
  const threads = threadsFlag(values);
  if (threads !== undefined) configureKernels({ threads });
}

function modelArg(command: string, positionals: string[]): string {
  if (positionals.length === 0) throw new OptionError(`dnn ${command} needs a model file: dnn ${command} MODEL.dnn${command === 'info' ? '' : ' [--data PATH]'}`);
  if (positionals.length > 1) throw new OptionError(`dnn ${command} takes one model file, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

function dataOptions(values: Record<string, unknown>, header: ModelHeader, scored: boolean) {
  return {
    data: str(values, 'data'),
    test: str(values, 'test'),
    split: num(values, 'split', { min: 0, max: 1, exclusiveMin: true, text: 'a fraction between 0 and 1' }),
    // --split draws the same held-out examples as training did: its seed is the model's.
    seed: header.seed ?? 1,
    xKey: str(values, 'x-key'),
    yKey: str(values, 'y-key'),
    label: str(values, 'label'),
    layout: choice(values, 'layout', ['rows', 'columns'] as const),
    // Class names in a CSV's labels are numbered as they were when the model was trained (predict ignores labels).
    // A CSV's columns must be the model's features in the model's order.
    ...(header.features && { features: { names: header.features, from: "the model's" } }),
    ...(scored && header.classes && { classes: { names: header.classes, from: "the model's classes" } }),
  };
}

/** The examples a saved model is used on: the data's test part when it has one, else all of it. */
async function examplesFor(header: ModelHeader, values: Record<string, unknown>, allowUnlabeled: boolean): Promise<{ data: Dataset; split: Split; part: string }> {
  const options = dataOptions(values, header, !allowUnlabeled);
  // A CSV with exactly the model's n[0] columns has no label column: every column is a feature (prediction input).
  const columns = extname(options.data ?? '').toLowerCase() === '.csv' && options.label === undefined ? csvColumns(options.data!) : undefined;
  const unlabeled = columns?.length === header.inputSize;
  if (unlabeled && !allowUnlabeled) {
    throw new DataError(`${options.data}: has ${columns.length} columns (${columns.join(', ')}), as many as the model's features, and no label column; evaluate needs the labels (predict does not)`);
  }
  const data = await loadDataset({ ...options, ...(unlabeled && { label: null }) });
  const split = data.test ?? data.train;
  if (split.X.rows !== header.inputSize) {
    // Without --data the examples are the default dataset's: point at the data the model was trained on.
    const trainedOn = options.data === undefined && typeof header.data?.name === 'string' ? `, e.g. the model's training data: --data ${header.data.name}` : '';
    throw new DataError(`${data.name}: has ${split.X.rows} features per example but the model's first layer takes ${header.inputSize} (n[0]); use data with ${header.inputSize} features${trainedOn}`);
  }
  if (header.dtype === 'float32') checkFloat32Range(split, options.test ?? data.name, 'this model is float32 and would compute with Infinity');
  return { data, split, part: data.test ? 'test' : 'all' };
}

export async function evaluate(args: string[], output: Output): Promise<void> {
  const { values, positionals } = parse('evaluate', args, EVALUATE_FLAGS);
  const path = modelArg('evaluate', positionals);
  useThreads(values);
  const { model, header, output: act } = loadModel(path);
  const { data, split, part } = await examplesFor(header, values, false);
  checkLabels(act, header, split, data.name);
  const cost = model.evaluate(split.X, split.Y).cost;
  const predicted = act === 'linear' ? undefined : classify(act, model.predict(split.X) as Matrix<FloatArray>);
  const acc = predicted ? accuracy(predicted, split.Y) : null;
  const correct = predicted ? predicted.reduce((n, p, j) => n + (p === split.Y.data[j] ? 1 : 0), 0) : null;
  output.event('done', { model: path, data: data.name, part, examples: split.X.cols, cost, accuracy: acc, correct });
  output.line(`Model ${path} (${[header.inputSize, ...header.layers.map((l) => l.units)].join('-')}) on ${data.name} (${part === 'test' ? 'test examples' : 'all examples'}, m = ${split.X.cols})`);
  output.line(`Cost: ${cost}`);
  if (acc !== null) output.line(`Accuracy: ${acc} (${correct}/${split.X.cols})`);
}

export async function predict(args: string[], output: Output): Promise<void> {
  const { values, positionals } = parse('predict', args, PREDICT_FLAGS);
  const path = modelArg('predict', positionals);
  const out = str(values, 'out');
  notAnInput('--out', out, [['the model file', path], ['the --data file', str(values, 'data')], ['the --test file', str(values, 'test')]]);
  const probabilities = values.probabilities === true;
  useThreads(values);
  const { model, output: act, header } = loadModel(path);
  const { data, split, part } = await examplesFor(header, values, true);
  const AL = model.predict(split.X) as Matrix<FloatArray>;
  const labels = classify(act, AL);
  const m = AL.cols, n = AL.rows;
  const lines: string[] = [];
  if (probabilities) {
    const cols = act === 'softmax' ? Array.from({ length: n }, (_, i) => `p${i}`) : act === 'sigmoid' ? ['p1'] : ['value'];
    lines.push(['prediction', ...cols].join(','));
  }
  for (let j = 0; j < m; j++) {
    const row = [String(labels[j])];
    if (probabilities) for (let i = 0; i < n; i++) row.push(String(AL.data[i * m + j]));
    lines.push(row.join(','));
  }
  // Data with a test part (an HDF5 pair, X_test, --test, --split) is predicted on that part only, as evaluate does.
  const which = part === 'test' ? `the ${m} test examples of ${data.name}` : `the ${m} examples of ${data.name}`;
  if (out) {
    writeFileAtomic(out, [lines.join('\n') + '\n']);
    output.event('done', { model: path, examples: m, part, predictions: out });
    output.line(`Predictions for ${which} written to ${out}`);
  } else if (output.json && values.json === true) {
    for (let j = 0; j < m; j++) {
      output.event('prediction', { example: j, prediction: labels[j], ...(probabilities && { outputs: Array.from({ length: n }, (_, i) => AL.data[i * m + j]) }) });
    }
    output.event('done', { model: path, examples: m, part });
  } else {
    process.stdout.write(lines.join('\n') + '\n');
    // stdout holds the predictions alone; which examples they are goes to stderr when it is not all of them.
    if (part === 'test') process.stderr.write(`dnn predict: one line for each of ${which} (the data's test part), in order\n`);
  }
}

export function info(args: string[], output: Output): void {
  const { positionals } = parse('info', args, INFO_FLAGS);
  const path = modelArg('info', positionals);
  // Building the network checks the header as evaluate and predict would.
  const { header } = loadModel(path);
  output.event('info', { model: path, ...header });
  if (output.json) return;
  const dims = [header.inputSize, ...header.layers.map((l) => l.units)];
  output.line(`${path}: dnn model file, format version ${header.version}${header.dnnVersion ? `, written by dnn ${header.dnnVersion}` : ''}${header.created ? ` on ${header.created}` : ''}`);
  output.line(`layers      ${dims.join('-')}: ${header.layers.map((l, i) => `${l.units} ${l.activation}${i === header.layers.length - 1 ? ' (output)' : ''}`).join(', ')}`);
  output.line(`parameters  ${header.parameterCount.toLocaleString('en-US')} ${header.dtype}`);
  output.line(`init        ${header.init}${header.seed !== undefined ? `, seed ${header.seed}` : ''}`);
  if (header.training) output.line(`training    ${Object.entries(header.training).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (header.data) output.line(`data        ${Object.entries(header.data).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (header.classes) output.line(`classes     ${header.classes.join(', ')}`);
  // The columns evaluate and predict require of a CSV, in this order.
  if (header.features) output.line(`features    ${header.features.join(', ')}`);
  if (header.metrics) output.line(`metrics     ${Object.entries(header.metrics).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v, 4) : v}`).join(', ')}`);
}

function checkLabels(act: OutputAct, header: ModelHeader, split: Split, name: string): void {
  if (act === 'linear') return;
  const units = header.layers[header.layers.length - 1].units;
  const classes = act === 'softmax' ? units : 2;
  const bad = split.Y.data.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < classes));
  if (bad >= 0) throw new DataError(`${name}: label ${split.Y.data[bad]} of example ${bad + 1} of ${split.Y.cols} (counting from 1) does not fit the model's ${act} output (labels 0 to ${classes - 1})`);
}
