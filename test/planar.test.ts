/**
 * The planar datasets: the flower must be the course's `load_planar_dataset()`
 * points (fixture written by test/fixtures/make_planar_dataset.py), and every
 * generator must be seeded, balanced, finite and checked at its boundary.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  loadPlanarDataset,
  makeCircles,
  makeGaussians,
  makeSpiral,
  makeXor,
  Matrix,
  OptionError,
  trainTestSplit,
  type PlanarData,
  type PlanarOptions,
  type Split,
  type TrainTestSplit,
} from '../src/index.ts';
import type { TrainTestSplit as BrowserTrainTestSplit } from '../src/browser.ts';
import { mat, ulps, type ArrayJson } from './helpers.ts';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/planar_dataset.json', import.meta.url), 'utf8')) as { X: ArrayJson; Y: ArrayJson };

/**
 * The points pass through randn (Math.log vs libm log: 1–4 ulp, see the
 * reference README's numerical notes) and then sin/cos, whose last bit also
 * differs between V8 and NumPy. A radius r = 4·sin(4t) + noise can be near 0,
 * so the error is bounded in ulps of the flower's scale (a = 4), not of the value.
 */
const FLOWER_ABS = 16 * Number.EPSILON * 4;

describe('loadPlanarDataset', () => {
  it("gives the course's 400 flower points and labels", () => {
    const { X, Y } = loadPlanarDataset();
    const eX = mat(fixture.X), eY = mat(fixture.Y);
    assert.deepEqual(X.shape, [2, 400]);
    assert.deepEqual(Y.shape, [1, 400]);
    assert.deepEqual(Array.from(Y.data), Array.from(eY.data), 'labels: 200 zeros then 200 ones');
    let worst = 0, worstUlps = 0, exact = 0;
    for (let k = 0; k < eX.data.length; k++) {
      const diff = Math.abs(X.data[k] - eX.data[k]);
      assert.ok(diff <= FLOWER_ABS, `X[${Math.floor(k / 400)}, ${k % 400}]: got ${X.data[k]}, NumPy ${eX.data[k]} (|diff| ${diff} > ${FLOWER_ABS})`);
      worst = Math.max(worst, diff);
      worstUlps = Math.max(worstUlps, ulps(X.data[k], eX.data[k]));
      if (diff === 0) exact++;
    }
    console.log(`flower: ${exact}/800 coordinates bit-identical to NumPy, largest |diff| ${worst.toExponential(2)} (${worstUlps} ulp)`);
    assert.ok(exact > 400, `most coordinates should be bit-identical, only ${exact}/800 are`);
  });

  it('changes with the noise and the seed, and checks its options', () => {
    const course = loadPlanarDataset().X.data;
    assert.notDeepEqual(loadPlanarDataset({ noise: 0 }).X.data, course);
    assert.notDeepEqual(loadPlanarDataset({ seed: 2 }).X.data, course);
    assert.deepEqual(loadPlanarDataset({ m: 10 }).X.shape, [2, 10]);
    assert.throws(() => loadPlanarDataset({ m: 7 }), (e: Error) => e instanceof OptionError && /loadPlanarDataset: m is 7; it must be an even integer/.test(e.message));
    assert.throws(() => loadPlanarDataset({ noise: -1 }), (e: Error) => e instanceof OptionError && /noise is -1/.test(e.message));
  });
});

const generators: [string, (o?: PlanarOptions) => PlanarData][] = [
  ['makeCircles', makeCircles],
  ['makeXor', makeXor],
  ['makeGaussians', makeGaussians],
  ['makeSpiral', makeSpiral],
];

describe('toy datasets', () => {
  for (const [name, make] of generators) {
    it(`${name}: seeded, finite, both classes, noise moves the points`, () => {
      const a = make({ m: 200, seed: 3 });
      const b = make({ m: 200, seed: 3 });
      assert.deepEqual(a.X.shape, [2, 200]);
      assert.deepEqual(a.Y.shape, [1, 200]);
      assert.deepEqual(a.X.data, b.X.data, 'same seed, same points');
      assert.ok(a.X.data.every(Number.isFinite));
      const ones = a.Y.data.reduce((s, y) => s + y, 0);
      assert.ok(a.Y.data.every((y) => y === 0 || y === 1));
      assert.ok(ones > 60 && ones < 140, `${name}: ${ones} of 200 labels are 1; both classes should be well represented`);
      assert.notDeepEqual(make({ m: 200, seed: 4 }).X.data, a.X.data, 'another seed, other points');
      assert.notDeepEqual(make({ m: 200, seed: 3, noise: 0 }).X.data, a.X.data, 'noise moves the points');
      assert.throws(() => make({ m: 3 }), OptionError);
    });
  }

  it('makeCircles puts label 1 on the inner ring when there is no noise', () => {
    const { X, Y } = makeCircles({ m: 40, noise: 0 });
    for (let j = 0; j < 40; j++) {
      const r = Math.hypot(X.get(0, j), X.get(1, j));
      assert.ok(Math.abs(r - (Y.get(0, j) === 1 ? 2 : 4)) < 1e-12, `point ${j}: radius ${r}, label ${Y.get(0, j)}`);
    }
  });

  it('makeXor labels 1 where x1 and x2 have the same sign when there is no noise', () => {
    const { X, Y } = makeXor({ m: 100, noise: 0 });
    for (let j = 0; j < 100; j++) assert.equal(Y.get(0, j), X.get(0, j) * X.get(1, j) > 0 ? 1 : 0);
  });
});

describe('generator options', () => {
  it('an unknown option or a seed NumPy would refuse is an OptionError naming the generator', () => {
    assert.throws(() => makeCircles({ samples: 100 } as never), (e: Error) => e instanceof OptionError && e.message === 'makeCircles: unknown option "samples"; the options are m, noise, seed');
    assert.throws(() => makeXor({ seed: -1 }), (e: Error) => e instanceof OptionError && /^makeXor: seed is -1; it must be an integer between 0 and 2\*\*32 - 1$/.test(e.message));
    assert.throws(() => loadPlanarDataset({ seed: 1.5 }), (e: Error) => e instanceof OptionError && /^loadPlanarDataset: seed is 1.5/.test(e.message));
  });
});

describe('trainTestSplit', () => {
  it('splits the columns by a seeded permutation, keeping each x with its y', () => {
    const X = Matrix.fromRows([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]]);
    const Y = Matrix.fromRows([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    const s = trainTestSplit(X, Y, 0.3, 0);
    assert.deepEqual(s.testX.shape, [2, 3]);
    assert.deepEqual(s.trainX.shape, [2, 7]);
    // np.random.RandomState(0).permutation(10) = [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
    assert.deepEqual(Array.from(s.testY.data), [2, 8, 4]);
    assert.deepEqual(Array.from(s.trainY.data), [9, 1, 6, 7, 3, 0, 5]);
    assert.deepEqual(s.testX.toArray(), [[2, 8, 4], [12, 18, 14]]);
    assert.throws(() => trainTestSplit(X, Y, 1), (e: Error) => e instanceof OptionError && /testFraction is 1/.test(e.message));
    assert.throws(() => trainTestSplit(X, Matrix.zeros(1, 3), 0.5), OptionError);
  });

  it('a fraction that rounds a side to no examples is an error, not an empty matrix for fit or evaluate to trip over', () => {
    const X = Matrix.fromRows([[0, 1, 2, 3, 4]]), Y = Matrix.fromRows([[0, 1, 0, 1, 0]]);
    assert.throws(() => trainTestSplit(X, Y, 0.95), (e: Error) => e instanceof OptionError && e.message === 'trainTestSplit: testFraction 0.95 of m = 5 examples leaves none for training; give a fraction that keeps at least one example on each side (0 for no test set)');
    assert.throws(() => trainTestSplit(X, Y, 0.05), (e: Error) => e instanceof OptionError && /testFraction 0.05 of m = 5 examples leaves none for the test set/.test(e.message));
    assert.equal(trainTestSplit(X, Y, 0).testX.cols, 0, 'no test set, asked for');
    assert.equal(trainTestSplit(X, Y, 0.8).trainX.cols, 1);
  });

  it('its result type is TrainTestSplit from both entries; Split (from dnn) is a data set { X, Y }', () => {
    const X = Matrix.fromRows([[0, 1, 2, 3]]), Y = Matrix.fromRows([[0, 1, 0, 1]]);
    const s: TrainTestSplit = trainTestSplit(X, Y, 0.5);
    const fromBrowser: BrowserTrainTestSplit = s;
    const examples: Split = { X: s.trainX, Y: s.trainY };
    assert.deepEqual([fromBrowser.testX.cols, examples.X.cols], [2, 2]);
  });
});
