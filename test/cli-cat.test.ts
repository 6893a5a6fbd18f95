/**
 * The course's cat application from the command line:
 *   dnn train --data DIR --layers 12288,20,7,5,1 --init lecun --seed 1 --lr 0.0075 --iterations N --print-every K
 * prints "Cost after iteration i: J" with the costs of the NumPy trace
 * (../shared/reference/vectors/cat_trace.json) at every 100th iteration and
 * the last, then the course's accuracies. DNN_CAT_ITERATIONS runs fewer
 * iterations (default all 2500, about 45 s with the WebAssembly kernels).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAT_DIR, catDataOrSkipReason, readVectors } from './helpers.ts';
import { dnn, events } from './cli-helpers.ts';

const COURSE = ['--data', CAT_DIR, '--layers', '12288,20,7,5,1', '--init', 'lecun', '--seed', '1', '--lr', '0.0075'];
const TOLERANCE = 1e-9;
const ITERATIONS = Number(process.env.DNN_CAT_ITERATIONS ?? 2500);

test(`the course's command prints the NumPy trace's costs and the course's accuracies (${ITERATIONS} iterations)`, (t) => {
  const skip = catDataOrSkipReason();
  if (skip) return t.skip(skip);
  const L = readVectors('cat_trace.json').L_layer;
  const trace = L.costs_every_iteration as number[];
  const r = dnn(['train', ...COURSE, '--iterations', String(ITERATIONS), '--print-every', '100', '--text']);
  assert.equal(r.code, 0, r.stderr);
  const printed = [...r.stdout.matchAll(/^Cost after iteration (\d+): (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  const expected = Array.from({ length: Math.ceil(ITERATIONS / 100) }, (_, k) => 100 * k);
  if (ITERATIONS % 100 !== 1) expected.push(ITERATIONS - 1);
  assert.deepEqual(printed.map((p) => p[0]), expected);
  for (const [i, cost] of printed) {
    assert.ok(Math.abs(cost - trace[i]) <= TOLERANCE, `iteration ${i}: ${cost} vs NumPy ${trace[i]}`);
  }
  assert.match(r.stdout, /training 12288-20-7-5-1 \(relu, sigmoid\) on .*catvnoncat: 209 examples, 50 test/);
  const accuracy = (name: string) => Number(new RegExp(`^${name} accuracy: (\\S+)$`, 'm').exec(r.stdout)?.[1]);
  if (ITERATIONS === 2500) {
    assert.equal(accuracy('Train'), L.train_accuracy, 'train accuracy 0.9856... (206/209)');
    assert.equal(accuracy('Test'), L.test_accuracy, 'test accuracy 0.8 (40/50)');
  } else {
    assert.ok(accuracy('Train') > 0 && accuracy('Test') > 0);
  }
});

test('the same run as JSON Lines: progress events carry the same costs', (t) => {
  const skip = catDataOrSkipReason();
  if (skip) return t.skip(skip);
  const trace = readVectors('cat_trace.json').L_layer.costs_every_iteration as number[];
  const r = dnn(['train', ...COURSE, '--iterations', '2', '--print-every', '1']);
  assert.equal(r.code, 0, r.stderr);
  const progress = events(r.stdout).filter((e) => e.event === 'progress');
  assert.deepEqual(progress.map((e) => e.iteration), [0, 1]);
  progress.forEach((e) => assert.ok(Math.abs(e.cost - trace[e.iteration]) <= TOLERANCE));
});
