/**
 * The Model API in a few lines: build, fit with mini-batch Adam and L2,
 * evaluate. The data: 1,000 points of the plane (examples are columns),
 * label 1 inside the unit circle.
 *
 *   npx tsx examples/model.ts
 */
import { Matrix, Model, RandomState } from '../src/index.ts';

const X = new RandomState(0).randn(2, 1000);
const Y = Matrix.from([1, 1000], Array.from({ length: 1000 }, (_, j) => Number(X.get(0, j) ** 2 + X.get(1, j) ** 2 < 1)));

const model = new Model({
  inputSize: 2,
  layers: [{ units: 16, activation: 'relu' }, { units: 8, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  init: 'he',
  seed: 1,
});
model.fit(X, Y, {
  epochs: 40, batchSize: 64, optimizer: 'adam', learningRate: 0.01, l2: 0.01,
  onEpoch: (e) => { if (e.epoch % 10 === 9) console.log(`epoch ${e.epoch}: cost ${e.cost.toFixed(4)}, accuracy ${e.accuracy}`); },
});
console.log(model.evaluate(X, Y));
