/**
 * Resumable training: the training of examples/model.ts one update at a
 * time, as a UI that pauses, steps and resumes would run it. The trainer
 * keeps the optimizer's moments, the epoch's shuffled order and every
 * workspace between steps, so the steps make exactly fit's updates.
 *
 *   npx tsx examples/trainer.ts
 */
import { Matrix, Model, RandomState } from '../src/index.ts';

const X = new RandomState(0).randn(2, 1000);
const Y = Matrix.from([1, 1000], Array.from({ length: 1000 }, (_, j) => Number(X.get(0, j) ** 2 + X.get(1, j) ** 2 < 1)));
const network = {
  inputSize: 2,
  layers: [{ units: 16, activation: 'relu' }, { units: 8, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  init: 'he',
  seed: 1,
} as const;
const options = { batchSize: 64, optimizer: 'adam', learningRate: 0.01, l2: 0.01 } as const;

const model = new Model(network);
const trainer = model.trainer(X, Y, options);
while (trainer.epoch < 40) {
  trainer.step(); // one mini-batch: { iteration, epoch, batch, batchSize, cost, accuracy, learningRate }
  if (trainer.epochEnded && trainer.epoch % 10 === 0) {
    console.log(`epoch ${trainer.epoch - 1}: cost ${trainer.epochCost.toFixed(4)}, accuracy ${trainer.epochAccuracy} (${trainer.iteration} updates)`);
  }
}
console.log(model.evaluate(X, Y));

// The same updates as fit over as many epochs, bit for bit.
const fitted = new Model(network);
fitted.fit(X, Y, { ...options, epochs: 40 });
console.log('same parameters as fit:', fitted.parameters.data.every((v, i) => v === model.parameters.data[i]));
