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
});
