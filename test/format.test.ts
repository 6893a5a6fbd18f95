/**
 * Matrices print as NumPy prints arrays (test/fixtures/format/numpy_str.json,
 * made by make_numpy_str.py beside it), so a learner compares dnn's output
 * with the course's "Expected output" cells digit for digit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { formatMatrix, initializeParameters, Matrix, random } from '../src/index.ts';

interface Case { name: string; shape: [number, number]; data: number[]; str: string }
const fixture: { numpy: string; cases: Case[] } = JSON.parse(readFileSync(new URL('./fixtures/format/numpy_str.json', import.meta.url), 'utf8'));

// JSON has no -0, NaN or Infinity: the fixture's repr floats come back through Python's names
const revive = (x: number | string) => (typeof x === 'number' ? x : x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : Number(x));

describe(`String(M) is NumPy ${fixture.numpy}'s str(a)`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const M = new Matrix(c.shape[0], c.shape[1], Float64Array.from(c.data, revive));
      assert.equal(String(M), c.str);
    });
  }
});

describe('printing as the course prints', () => {
  it('"W1 = " + W1 shows the expected output of initialize_parameters', () => {
    random.seed(1);
    const { W1, b1 } = initializeParameters(3, 2, 1);
    assert.equal('W1 = ' + W1, 'W1 = [[ 0.01624345 -0.00611756 -0.00528172]\n [-0.01072969  0.00865408 -0.02301539]]');
    assert.equal(`b1 = ${b1}`, 'b1 = [[0.]\n [0.]]');
  });

  it('console.log(M) shows the shape and the rows aligned under it', () => {
    const M = Matrix.fromRows([[1, -0.5], [0.25, 2]]);
    assert.equal(inspect(M), 'Matrix(2, 2) [[ 1.   -0.5 ]\n              [ 0.25  2.  ]]');
    assert.equal(formatMatrix(M), '[[ 1.   -0.5 ]\n [ 0.25  2.  ]]');
  });

  it('console.log({ W1 }): a nested matrix starts its rows on the next line, aligned whatever the key', () => {
    const W1 = Matrix.fromRows([[1, -0.5], [0.25, 2]]);
    const y = Matrix.fromRows([[0, 1, 1]]);
    const rows = ['[[ 1.   -0.5 ]', ' [ 0.25  2.  ]]'];
    const under = (indent: string) => rows.map((r) => indent + r).join('\n');
    assert.equal(inspect({ W1 }), `{\n  W1: Matrix(2, 2)\n${under('    ')}\n}`);
    assert.equal(inspect({ weightsOfLayer1: W1, y }), `{\n  weightsOfLayer1: Matrix(2, 2)\n${under('    ')},\n  y: Matrix(1, 3) [[0. 1. 1.]]\n}`);
    assert.equal(inspect([W1]), `[\n  Matrix(2, 2)\n${under('    ')}\n]`);
    assert.equal(inspect({ params: { W1 } }), `{\n  params: {\n    W1: Matrix(2, 2)\n${under('      ')}\n  }\n}`);
    assert.equal(inspect(new Map([['W1', W1]])), `Map(1) {\n  'W1' => Matrix(2, 2)\n${under('    ')}\n}`);
    // An unlimited depth hides the nesting level from the matrix: the nested layout, right at any level.
    assert.equal(inspect({ a: { W1 } }, { depth: null }), `{\n  a: {\n    W1: Matrix(2, 2)\n${under('      ')}\n  }\n}`);
    assert.equal(inspect(W1, { depth: Infinity }), `Matrix(2, 2)\n${under('  ')}`);
    // Every row's '[' in the column of the first row's inner '[', in a summarized matrix too.
    for (const text of [inspect({ W1 }), inspect({ key: Matrix.zeros(40, 40) }), inspect({ k: { W1: Matrix.zeros(2, 30) } })]) {
      const lines = text.split('\n');
      const first = lines.findIndex((l) => l.includes('[['));
      const column = lines[first].indexOf('[[') + 1;
      for (const l of lines.slice(first + 1)) {
        if (l.trim().startsWith('[')) assert.equal(l.indexOf('['), column, `row ${JSON.stringify(l)} under the first row in\n${text}`);
      }
    }
  });
});
