/**
 * Parameters in one arena, gradients in a twin: the update is one loop and
 * gives the same numbers as updating each matrix on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Arena, initializeParametersDeep, lModelBackward, lModelForward, Matrix, RandomState, updateParameters } from '../src/index.ts';

describe('parameter arena', () => {
  it('W1, b1, ..., WL, bL are consecutive views of one array', () => {
    const p = initializeParametersDeep([4, 3, 2, 1]);
    const arena = Arena.of([p.W1, p.b1, p.W2, p.b2, p.W3, p.b3]);
    assert.ok(arena, 'initializeParametersDeep returns arena views');
    assert.equal(arena.data.length, 3 * 4 + 3 + 2 * 3 + 2 + 2 + 1);
    let offset = 0;
    for (const M of [p.W1, p.b1, p.W2, p.b2, p.W3, p.b3]) {
      assert.equal(M.data.buffer, arena.data.buffer);
      assert.equal(M.data.byteOffset, arena.data.byteOffset + offset * 8);
      offset += M.size;
    }
    assert.equal(Arena.of([p.W1, p.b1, p.W2, p.b2]), undefined, 'a prefix is not the arena');
  });

  it('lModelBackward writes dW, db into a twin arena; the update is one loop with the same result', () => {
    const rng = new RandomState(4);
    const X = rng.randn(4, 6);
    const Y = Matrix.from([1, 6], [1, 0, 1, 1, 0, 0]);
    const p = initializeParametersDeep([4, 3, 2, 1], { scale: 0.5 });
    const [AL, caches] = lModelForward(X, p);
    const grads = lModelBackward(AL, Y, caches);
    const gradArena = Arena.of([grads.dW1, grads.db1, grads.dW2, grads.db2, grads.dW3, grads.db3]);
    assert.ok(gradArena, 'gradients are views of one arena');

    // The same update on plain copies (the per-matrix path).
    const copies = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.clone()]));
    const gradCopies = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, v.clone()]));
    assert.equal(Arena.of([copies.W1, copies.b1, copies.W2, copies.b2, copies.W3, copies.b3]), undefined);
    updateParameters(copies, gradCopies, 0.3);
    const same = updateParameters(p, grads, 0.3);
    assert.equal(same, p, 'updated in place, same object returned');
    for (const k of Object.keys(p)) assert.deepEqual(Array.from(p[k].data), Array.from(copies[k].data), k);
    assert.notDeepEqual(Array.from(p.W1.data), Array.from(initializeParametersDeep([4, 3, 2, 1], { scale: 0.5 }).W1.data), 'the update moved W1');
  });
});
