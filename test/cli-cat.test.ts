/**
 * The course's cat application from the command line:
 *   dnn train --data DIR --layers 12288,20,7,5,1 --init lecun --seed 1 --lr 0.0075 --iterations N --print-every K
 * prints "Cost after iteration i: J" with the costs of the NumPy trace
 * (../shared/reference/vectors/cat_trace.json). The full 2500 iterations take
 * minutes with the reference kernels, so this runs the first few.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAT_DIR, catDataOrSkipReason, readVectors } from './helpers.ts';
import { dnn, events } from './cli-helpers.ts';

const COURSE = ['--data', CAT_DIR, '--layers', '12288,20,7,5,1', '--init', 'lecun', '--seed', '1', '--lr', '0.0075'];
const TOLERANCE = 1e-9;

test('the course\'s command prints the NumPy trace\'s costs (first iterations)', (t) => {
  const skip = catDataOrSkipReason();
  if (skip) return t.skip(skip);
  const trace = readVectors('cat_trace.json').L_layer.costs_every_iteration as number[];
  const r = dnn(['train', ...COURSE, '--iterations', '3', '--print-every', '1', '--text']);
  assert.equal(r.code, 0, r.stderr);
  const printed = [...r.stdout.matchAll(/^Cost after iteration (\d+): (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(printed.map((p) => p[0]), [0, 1, 2]);
  for (const [i, cost] of printed) {
    assert.ok(Math.abs(cost - trace[i]) <= TOLERANCE, `iteration ${i}: ${cost} vs NumPy ${trace[i]}`);
  }
  assert.match(r.stdout, /^Train accuracy: 0\.\d+$/m);
  assert.match(r.stdout, /^Test accuracy: 0\.\d+$/m);
  assert.match(r.stdout, /training 12288-20-7-5-1 \(relu, sigmoid\) on .*catvnoncat: 209 examples, 50 test/);
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
