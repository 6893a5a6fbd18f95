/**
 * examples/step-by-step.ts, the course's notebooks cell by cell, prints
 * what NumPy prints for the same cells (test/fixtures/course/step_by_step.txt,
 * made by make_step_by_step.py beside it), and the application's first
 * cells print the course's numbers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { catDataOrSkipReason, readVectors } from './helpers.ts';

const ROOT = resolve(new URL('.', import.meta.url).pathname, '..');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

function example(...args: string[]): string {
  const r = spawnSync(process.execPath, [TSX, join(ROOT, 'examples/step-by-step.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `example failed: ${r.stderr}`);
  return r.stdout;
}

describe('examples/step-by-step.ts', () => {
  it("prints every Step by Step test cell's output as NumPy prints it", () => {
    const expected = readFileSync(join(ROOT, 'test/fixtures/course/step_by_step.txt'), 'utf8');
    assert.equal(example(), expected);
  });

  it("prints the application's data cells and first costs", { skip: catDataOrSkipReason() }, () => {
    const { two_layer, L_layer } = readVectors('cat_trace.json');
    const out = example('--app', '--iterations', '1').split('\n');
    const app = out.slice(out.indexOf('== load_data()'));
    assert.deepEqual(app.slice(0, 7), [
      '== load_data()',
      "y = 0. It's a non-cat picture.",
      'Number of training examples: 209',
      'Number of testing examples: 50',
      'Each image is of size: (64, 64, 3)',
      "train_x's shape: (12288, 209)",
      "test_x's shape: (12288, 50)",
    ]);
    const first = app.filter((l) => l.startsWith('Cost after first iteration: ')).map((l) => Number(l.split(': ')[1]));
    assert.equal(first.length, 2);
    assert.ok(Math.abs(first[0] - two_layer.costs_every_iteration[0]) < 1e-12, `two-layer ${first[0]}`);
    assert.ok(Math.abs(first[1] - L_layer.costs_every_iteration[0]) < 1e-12, `L-layer ${first[1]}`);
    assert.ok(app.includes(`Cost after iteration 0: ${first[1]}`));
    assert.ok(app.includes('== print_mislabeled_images'));
  });
});
