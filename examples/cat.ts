/**
 * The course's cat application, reproduced with dnn's step functions.
 *
 *   npm run --silent example:cat -- --model L|two --iterations N [--data DIR] [--json]
 *
 * Trains the application's L-layer ([12288, 20, 7, 5, 1]) or two-layer
 * ([12288, 7, 1]) model with learning rate 0.0075 and prints the cost every
 * 100 iterations and at the last, then the train and test accuracies. With
 * --json: JSON Lines, {"iteration": i, "cost": c} then
 * {"train_accuracy": a, "test_accuracy": b}.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatData, lLayerModel, predict, twoLayerModel } from '../src/index.ts';

const DEFAULT_DATA = resolve(new URL('.', import.meta.url).pathname, '../../shared/data/catvnoncat');

function main(): void {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'L' },
      iterations: { type: 'string', default: '2500' },
      data: { type: 'string', default: DEFAULT_DATA },
      'learning-rate': { type: 'string', default: '0.0075' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run --silent example:cat -- --model L|two --iterations N [--data DIR] [--learning-rate A] [--json]');
    return;
  }
  const model = values.model;
  if (model !== 'L' && model !== 'two') fail(`--model is ${JSON.stringify(model)}; use L or two`);
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) fail(`--iterations is ${JSON.stringify(values.iterations)}; use a positive integer`);
  const learningRate = Number(values['learning-rate']);
  if (!(learningRate > 0)) fail(`--learning-rate is ${JSON.stringify(values['learning-rate'])}; use a positive number`);

  loadCatData(values.data).then(
    (d) => {
      const onIteration = (i: number, cost: number) => {
        if (i % 100 !== 0 && i !== iterations - 1) return;
        console.log(values.json ? JSON.stringify({ iteration: i, cost }) : `Cost after iteration ${i}: ${cost}`);
      };
      const options = { learningRate, numIterations: iterations, onIteration };
      const { parameters } = model === 'L'
        ? lLayerModel(d.trainX, d.trainY, [d.trainX.rows, 20, 7, 5, 1], options)
        : twoLayerModel(d.trainX, d.trainY, [d.trainX.rows, 7, 1], options);
      const train = predict(d.trainX, d.trainY, parameters);
      const test = predict(d.testX, d.testY, parameters);
      const correct = (p: { p: { data: Float64Array } }, y: Float64Array) => p.p.data.filter((v, i) => v === y[i]).length;
      if (values.json) {
        console.log(JSON.stringify({ train_accuracy: train.accuracy, test_accuracy: test.accuracy }));
      } else {
        console.log(`Train accuracy: ${train.accuracy} (${correct(train, d.trainY.data)}/${d.trainY.cols})`);
        console.log(`Test accuracy: ${test.accuracy} (${correct(test, d.testY.data)}/${d.testY.cols})`);
      }
    },
    (e: Error) => fail(e.message),
  );
}

function fail(message: string): never {
  console.error(`example:cat: ${message}`);
  process.exit(2);
}

main();
