/**
 * `dnn train`: load data, check that the layers fit it, train with live
 * progress, report train/test accuracy and cost, then save the model and the
 * plot (each written atomically, only after training succeeded).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DataError, DivergenceError, OptionError } from '../errors.ts';
import { checkFloat32Range, loadDataset, type Dataset, type Layout } from '../io/dataset.ts';
import { PARAMETER_LAYOUT, parameterCount, writeModelFile, type ModelHeader } from '../io/modelfile.ts';
import { configureKernels } from '../kernels/index.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { FitOptions, Model } from '../model/index.ts';
import { checkPlotPath, writePlot, type Series } from '../plot/index.ts';
import { count, duration, fmt, Output } from './output.ts';
import { choice, layerList, notAnInput, num, parse, str, threadsFlag, TRAIN_FLAGS } from './options.ts';
import { createModel, DTYPES, HIDDENS, INITS, OPTIMIZERS, OUTPUTS, specFields, type Hidden, type Init, type Optimizer } from './network.ts';
import { accuracy, checkLayersFit, chooseOutput, classify, outputUnits, summarizeLabels } from './task.ts';
import { VERSION } from './version.ts';

/** Training went wrong in a way the options can fix (NaN cost). */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

const DEFAULT_HIDDEN_UNITS = [128, 64];
const DEFAULT_EPOCHS = 5;
const DEFAULT_BATCH = 64;
const DEFAULT_LR: Record<Optimizer, number> = { gd: 0.0075, momentum: 0.01, rmsprop: 0.001, adam: 0.001 };

export interface TrainSettings {
  data: { data?: string; test?: string; split?: number; xKey?: string; yKey?: string; label?: string; layout?: Layout };
  layers?: number[];
  hidden: Hidden;
  output?: (typeof OUTPUTS)[number];
  init: Init;
  seed: number;
  lr?: number;
  iterations?: number;
  epochs?: number;
  batchSize?: number;
  optimizer?: Optimizer;
  l2: number;
  keepProb: number;
  printEvery?: number;
  out?: string;
  plot?: string;
  dtype: DType;
  threads?: number;
}

/** Reads and checks every flag before any data is loaded. */
export function trainSettings(args: string[]): { settings: TrainSettings; values: Record<string, unknown> } {
  const { values, positionals } = parse('train', args, TRAIN_FLAGS);
  if (positionals.length) throw new OptionError(`dnn train takes no positional arguments, got "${positionals[0]}" (the data goes after --data)`);
  const iterations = num(values, 'iterations', { min: 1, integer: true, text: 'a positive integer' });
  const epochs = num(values, 'epochs', { min: 1, integer: true, text: 'a positive integer' });
  if (iterations !== undefined && epochs !== undefined) throw new OptionError('--iterations and --epochs both given; train by one of them');
  const split = num(values, 'split', { min: 0, max: 1, exclusiveMin: true, text: 'a fraction between 0 and 1, e.g. 0.2' });
  const out = str(values, 'out'), plot = str(values, 'plot');
  for (const [flag, path] of [['--out', out], ['--plot', plot]] as const) {
    if (path === undefined) continue;
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw new OptionError(`${flag} ${path}: directory ${dir} does not exist`);
    if (!statSync(dir).isDirectory()) throw new OptionError(`${flag} ${path}: ${dir} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new OptionError(`${flag} ${path}: is a directory; give a file name`);
  }
  if (plot !== undefined) checkPlotPath(plot);
  const inputs: [string, string | undefined][] = [['the --data file', str(values, 'data')], ['the --test file', str(values, 'test')]];
  notAnInput('--out', out, inputs);
  notAnInput('--plot', plot, inputs);
  if (out !== undefined && plot !== undefined && resolve(out) === resolve(plot)) throw new OptionError(`--out and --plot are the same file (${out})`);
  const settings: TrainSettings = {
    data: {
      data: str(values, 'data'),
      test: str(values, 'test'),
      split,
      xKey: str(values, 'x-key'),
      yKey: str(values, 'y-key'),
      label: str(values, 'label'),
      layout: choice(values, 'layout', ['rows', 'columns'] as const),
    },
    layers: layerList(values),
    hidden: choice(values, 'hidden', HIDDENS) ?? 'relu',
    output: choice(values, 'output', OUTPUTS),
    init: choice(values, 'init', INITS) ?? 'he',
    seed: num(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true, text: 'an integer between 0 and 4294967295' }) ?? 1,
    lr: num(values, 'lr', { min: 0, exclusiveMin: true, text: 'a positive number, e.g. 0.001' }),
    iterations,
    epochs,
    batchSize: num(values, 'batch-size', { min: 1, integer: true, text: 'a positive integer' }),
    optimizer: choice(values, 'optimizer', OPTIMIZERS),
    l2: num(values, 'l2', { min: 0, text: 'a number ≥ 0' }) ?? 0,
    keepProb: num(values, 'keep-prob', { min: 0, max: 1, exclusiveMin: true, text: 'a probability in (0, 1]' }) ?? 1,
    printEvery: num(values, 'print-every', { min: 1, integer: true, text: 'a positive integer' }),
    out,
    plot,
    dtype: choice(values, 'dtype', DTYPES) ?? 'float64',
    threads: threadsFlag(values),
  };
  // Flags about hidden units with no hidden layer would be recorded in the model file but do nothing.
  if (settings.layers?.length === 2) {
    const flat = settings.layers.join(',');
    if (settings.keepProb < 1) throw new OptionError(`--keep-prob ${values['keep-prob']}: --layers ${flat} has no hidden layer; dropout applies to hidden units`);
    if (values.hidden !== undefined) throw new OptionError(`--hidden ${values.hidden}: --layers ${flat} has no hidden layer; add one, e.g. --layers ${settings.layers[0]},8,${settings.layers[1]}`);
  }
  return { settings, values };
}

export async function train(args: string[], output: Output): Promise<void> {
  const { settings: s } = trainSettings(args);
  if (s.threads !== undefined) configureKernels({ threads: s.threads });
  const started = Date.now();
  const data = await loadDataset({ ...s.data, seed: s.seed });
  if (s.dtype === 'float32') {
    checkFloat32Range(data.train, data.name, 'use --dtype float64');
    if (data.test) checkFloat32Range(data.test, s.data.test ?? data.name, 'use --dtype float64');
  }
  const { X, Y } = data.train;
  const nX = X.rows, m = X.cols;
  if (m === 0) throw new DataError(`${data.name}: has no training examples`);
  const labels = summarizeLabels(data);
  const outputAct = chooseOutput(s.output, labels, s.layers?.[s.layers.length - 1]);
  const layers = s.layers ?? [nX, ...DEFAULT_HIDDEN_UNITS, outputUnits(outputAct, labels)];
  checkLayersFit(layers, nX, outputAct, labels, data.name);

  // --iterations without a batch size is the course's full-batch gradient descent; otherwise mini-batches.
  const courseStyle = s.iterations !== undefined && s.batchSize === undefined;
  const optimizer = s.optimizer ?? (courseStyle ? 'gd' : 'adam');
  const batchSize = courseStyle ? m : Math.min(s.batchSize ?? DEFAULT_BATCH, m);
  const epochs = s.iterations === undefined ? (s.epochs ?? DEFAULT_EPOCHS) : undefined;
  const stepsPerEpoch = Math.ceil(m / batchSize);
  const totalSteps = s.iterations ?? epochs! * stepsPerEpoch;
  const learningRate = s.lr ?? DEFAULT_LR[optimizer];
  const printEvery = s.printEvery ?? (epochs !== undefined ? undefined : 100);

  const spec = {
    inputSize: nX,
    layers: layers.slice(1).map((units, i) => ({ units, activation: i === layers.length - 2 ? outputAct : s.hidden })),
    dtype: s.dtype,
    init: s.init,
    seed: s.seed,
  };
  const training = {
    optimizer, learningRate, batchSize, seed: s.seed, l2: s.l2, keepProb: s.keepProb,
    ...(epochs !== undefined ? { epochs } : { iterations: s.iterations }),
  };
  // Made before the plan is printed: layers too large for memory end with their error alone (stdout clean, one JSON error event).
  const model = tooLarge(layers, s.dtype, () => createModel(spec));
  output.event('start', {
    data: data.name, train_examples: m, test_examples: data.test?.X.cols ?? 0, features: nX,
    layers, hidden: s.hidden, output: outputAct, init: s.init, ...training, iterations: totalSteps, version: VERSION,
  });
  output.line(`dnn ${VERSION}: training ${layers.join('-')} (${s.hidden}, ${outputAct}) on ${data.name}: ${m} examples${data.test ? `, ${data.test.X.cols} test` : ''}`);
  output.line(`${optimizer}, learning rate ${learningRate}, ${epochs !== undefined ? `${count(epochs, 'epoch')} of ${count(stepsPerEpoch, 'batch', 'batches')} of ${batchSize}` : `${count(totalSteps, 'iteration')}${batchSize < m ? ` (batches of ${batchSize})` : ''}`}, ${s.init} init, seed ${s.seed}${s.dtype === 'float64' ? '' : `, ${s.dtype}`}`);

  const costs: [number, number][] = [];
  const epochPoints: { epoch: number; cost: number; trainAcc?: number; testAcc?: number }[] = [];
  let examples = 0, lastCost = NaN;
  let barAccuracy: number | undefined;
  const plotStep = Math.max(1, Math.round(stepsPerEpoch / 20));
  const t0 = Date.now();
  const diverged = (cost: number, i: number) => new TrainingError(
    `cost became ${cost} at iteration ${i}${epochs ? ` (epoch ${Math.floor(i / stepsPerEpoch) + 1})` : ''}: training diverged; try a lower learning rate than --lr ${learningRate} (e.g. ${learningRate / 10})`,
  );
  const fit: FitOptions = {
    optimizer, learningRate, l2: s.l2, seed: s.seed,
    ...(model.depth > 1 && s.keepProb < 1 && { keepProb: s.keepProb }),
    ...(epochs !== undefined ? { epochs, batchSize } : { iterations: s.iterations!, ...(batchSize < m && { batchSize }) }),
    ...(epochs !== undefined && data.test && { validation: data.test }),
    onIteration: ({ iteration: i, cost, batchSize: batch, accuracy: acc }) => {
      examples += batch;
      lastCost = cost;
      // The plot and the JSON progress events get every --print-every-th cost, or about 20 points per epoch.
      const last = i === totalSteps - 1;
      const printed = printEvery !== undefined && (i % printEvery === 0 || last);
      const recorded = printEvery !== undefined ? printed : i % plotStep === 0 || last;
      if (recorded) {
        costs.push([epochs ? i / stepsPerEpoch : i, cost]);
        output.event('progress', { iteration: i, ...(epochs && { epoch: Math.floor(i / stepsPerEpoch) + 1 }), cost, ...(acc !== undefined && { accuracy: acc }) });
      }
      if (printed) output.line(`Cost after iteration ${i}: ${cost}`);
      // Smoothed batch accuracy for the progress bar.
      if (acc !== undefined) barAccuracy = barAccuracy === undefined ? acc : 0.95 * barAccuracy + 0.05 * acc;
      const elapsed = (Date.now() - t0) / 1000;
      const rate = elapsed > 0 ? examples / elapsed : undefined;
      output.progress({
        iteration: i + 1, iterations: totalSteps, cost,
        ...(barAccuracy !== undefined && { accuracy: barAccuracy }),
        ...(epochs && { epoch: Math.min(epochs, Math.floor(i / stepsPerEpoch) + 1), epochs }),
        ...(rate && { rate, eta: ((totalSteps - i - 1) * batchSize) / rate }),
      });
    },
    onEpoch: ({ epoch: e, cost, validationAccuracy: testAcc }) => {
      if (epochs === undefined) return;
      const epoch = e + 1;
      const point: (typeof epochPoints)[number] = { epoch, cost, ...(testAcc !== undefined && { testAcc }) };
      epochPoints.push(point);
      output.event('epoch', { epoch, cost, ...(testAcc !== undefined && { test_accuracy: testAcc }) });
      output.line(`Epoch ${epoch}/${epochs}: cost ${fmt(cost, 6)}${testAcc !== undefined ? `, test accuracy ${fmt(testAcc, 4)}` : ''}`);
    },
  };
  try {
    tooLarge(layers, s.dtype, () => model.fit(X, Y, fit), true);
  } catch (e) {
    // The Model stops when the cost is no longer finite; say it in the command's terms.
    if (e instanceof DivergenceError) throw diverged(e.cost, e.iteration);
    throw e;
  }
  output.clearBar();
  const trainSeconds = (Date.now() - t0) / 1000;

  const metrics = measure(model, outputAct, data);
  const header: ModelHeader = {
    format: 'dnn-model',
    version: 1,
    ...specFields(model),
    layout: PARAMETER_LAYOUT,
    training: { ...training, iterations: totalSteps },
    metrics: { ...metrics, final_cost: lastCost, train_seconds: trainSeconds },
    ...(data.classes && { classes: data.classes }),
    ...(data.features && { features: data.features }),
    data: { name: data.name, train_examples: m, test_examples: data.test?.X.cols ?? 0 },
    created: new Date().toISOString(),
    dnnVersion: VERSION,
  };
  if (s.out) {
    writeModelFile(s.out, header, model.parameters.data);
    output.event('saved', { model: s.out });
  }
  if (s.plot) {
    // Per-batch costs are noisy: a light line under the epoch means.
    const series: Series[] = [{ name: epochs ? 'cost (per batch)' : 'cost', points: costs, axis: 'left', ...(epochPoints.length > 1 && { color: '#9ecae1' }) }];
    if (epochPoints.length > 1) series.push({ name: 'cost (epoch mean)', points: epochPoints.map((p) => [p.epoch - 0.5, p.cost] as const), axis: 'left', color: '#0b3d66' });
    if (epochPoints.some((p) => p.testAcc !== undefined)) {
      series.push({ name: 'test accuracy', points: epochPoints.filter((p) => p.testAcc !== undefined).map((p) => [p.epoch, p.testAcc!] as const), axis: 'right', dashed: true });
    }
    await writePlot(s.plot, series, {
      title: `dnn ${layers.join('-')} on ${data.name === 'mnist' ? 'MNIST' : basename(data.name)}`,
      xLabel: epochs ? 'epoch' : 'iteration',
      leftLabel: 'cost',
      rightLabel: 'accuracy',
    });
    output.event('plot', { plot: s.plot, points: costs.length });
  }
  const seconds = (Date.now() - started) / 1000;
  output.event('done', {
    train_accuracy: metrics.train_accuracy, test_accuracy: metrics.test_accuracy,
    train_cost: metrics.train_cost, test_cost: metrics.test_cost,
    seconds, train_seconds: trainSeconds, model: s.out ?? null, plot: s.plot ?? null,
  });
  if (!output.json) {
    if (metrics.train_accuracy !== null) output.line(`Train accuracy: ${metrics.train_accuracy}`);
    if (metrics.test_accuracy !== null) output.line(`Test accuracy: ${metrics.test_accuracy}`);
    output.line('');
    output.table([
      ['', 'train', 'test'],
      ['examples', String(m), data.test ? String(data.test.X.cols) : '-'],
      ['cost', metrics.train_cost ?? undefined, metrics.test_cost ?? '-'],
      ...(metrics.train_accuracy !== null ? [['accuracy', metrics.train_accuracy, metrics.test_accuracy ?? '-']] : []),
    ]);
    output.line('');
    output.line(`time     ${duration(seconds)} (training ${duration(trainSeconds)}, ${Math.round(examples / Math.max(trainSeconds, 1e-9)).toLocaleString('en-US')} examples/s)`);
    output.line(`model    ${s.out ? resolve(s.out) : 'not saved (use --out FILE.dnn)'}`);
    output.line(`plot     ${s.plot ? resolve(s.plot) : 'not drawn (use --plot FILE.png)'}`);
  }
}

/**
 * Runs `f`; a failure to allocate (typed array length, array buffer, WebAssembly memory) is
 * the layer sizes' fault, so it becomes an OptionError naming them rather than an unexpected error.
 * `training`: `f` trains a model whose parameters were made, so what did not fit is what training
 * adds to them (gradients, the optimizer's state, activations).
 */
export function tooLarge<T>(layers: number[], dtype: DType, f: () => T, training = false): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof RangeError) || !/typed array length|array buffer allocation|WebAssembly memory|invalid array length/i.test(e.message)) throw e;
    const count = parameterCount(layers);
    const gb = (count * (dtype === 'float32' ? 4 : 8)) / 1e9;
    const size = `${count} parameters (${gb >= 1 ? `${Math.round(gb)} GB` : `${Math.round(gb * 1000)} MB`} in ${dtype})`;
    throw new OptionError(training
      ? `--layers ${layers.join(',')}: the ${size} fit, but not what training adds to them: their gradients, the optimizer's state (adam keeps two more copies, momentum and rmsprop one) and the activations (${e.message}); use smaller layers, a smaller --batch-size or another --optimizer`
      : `--layers ${layers.join(',')}: ${size} do not fit in memory (${e.message}); use smaller layers`);
  }
}

/** Cost and accuracy on the training and test examples (accuracy is null for a linear output). */
export function measure(model: Model<DType>, output: string, data: Dataset): { train_cost: number; test_cost: number | null; train_accuracy: number | null; test_accuracy: number | null } {
  const score = (X: Matrix, Y: Matrix) => ({
    cost: model.evaluate(X, Y).cost,
    accuracy: output === 'linear' ? null : accuracy(classify(output as 'sigmoid', model.predict(X) as Matrix<FloatArray>), Y),
  });
  const tr = score(data.train.X, data.train.Y);
  const te = data.test ? score(data.test.X, data.test.Y) : undefined;
  return { train_cost: tr.cost, test_cost: te?.cost ?? null, train_accuracy: tr.accuracy, test_accuracy: te?.accuracy ?? null };
}
