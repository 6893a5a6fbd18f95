/**
 * The NumPy-compatible generator against ../shared/reference/vectors/numpy_rng.json:
 * raw MT19937 output, `rand` and `permutation` bit for bit; `randn` within a few
 * ulp (Math.log vs the C library's log, see the reference README).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairwiseSum, RandomState } from '../src/index.ts';
import { assertNumber, readVectors, ulps } from './helpers.ts';

const RANDN_MAX_ULPS = 4;
const rng = readVectors('numpy_rng.json');

function assertNormals(actual: Float64Array, expected: number[], what: string): number {
  let worst = 0;
  expected.forEach((e, i) => {
    const d = ulps(actual[i], e);
    assert.ok(d <= RANDN_MAX_ULPS, `${what}[${i}]: ${actual[i]} vs NumPy ${e} is ${d} ulp apart (at most ${RANDN_MAX_ULPS})`);
    worst = Math.max(worst, d);
  });
  return worst;
}

describe('RandomState (NumPy legacy MT19937)', () => {
  assert.ok(rng.seeds.length >= 4);
  for (const s of rng.seeds) {
    describe(`seed ${s.seed}`, () => {
      it('raw uint32 output is bit-identical', () => {
        const r = new RandomState(s.seed);
        assert.deepEqual(Array.from({ length: s.raw_uint32_first16.length }, () => r.nextUint32()), s.raw_uint32_first16);
      });

      it('sequential randn(5,4), rand(3,3), permutation(10)', () => {
        const r = new RandomState(s.seed);
        const a = r.randn(5, 4);
        assert.deepEqual(a.shape, s.sequential.randn_5x4.shape);
        assertNormals(a.data, s.sequential.randn_5x4.data, 'randn');
        assert.deepEqual(Array.from(r.rand(3, 3).data), s.sequential.rand_3x3.data, 'rand is bit-identical');
        assert.deepEqual(r.permutation(10), s.sequential.permutation_10);
      });

      it('independently seeded randn, rand, permutation', () => {
        const r = new RandomState();
        assertNormals(r.seed(s.seed).randn(5, 4).data, s.independent.randn_5x4.data, 'randn');
        assert.deepEqual(Array.from(r.seed(s.seed).rand(3, 3).data), s.independent.rand_3x3.data);
        assert.deepEqual(r.seed(s.seed).permutation(10), s.independent.permutation_10);
      });

      it('polar method: every step up to the log is exact', () => {
        const r = new RandomState(s.seed);
        for (const p of s.gauss_trace_first_pairs) {
          // Redo the accepted pair by hand from the same stream.
          let u1: number, u2: number, x1: number, x2: number, r2: number;
          let rejected = 0;
          for (;;) {
            u1 = r.random();
            u2 = r.random();
            x1 = 2 * u1 - 1;
            x2 = 2 * u2 - 1;
            r2 = x1 * x1 + x2 * x2;
            if (r2 < 1 && r2 !== 0) break;
            rejected++;
          }
          assert.equal(rejected, p.rejected_pairs_before);
          assert.equal(u1, p.u1);
          assert.equal(u2, p.u2);
          assert.equal(x1, p.x1);
          assert.equal(x2, p.x2);
          assert.equal(r2, p.r2);
          assert.ok(ulps(Math.log(r2), p.log_r2_libm) <= 1, `log(${r2}): ${Math.log(r2)} vs libm ${p.log_r2_libm}`);
          const f = Math.sqrt((-2 * p.log_r2_libm) / r2);
          assert.equal(f, p.f, 'with the libm log, f is exact');
          assert.equal(f * x2, p.returned_first_f_times_x2);
          assert.equal(f * x1, p.returned_second_f_times_x1);
        }
      });
    });
  }

  it('seeding resets the cached Gaussian', () => {
    const r = new RandomState(3);
    const first = r.standardNormal();
    r.standardNormal();
    r.standardNormal(); // leaves the second of a pair cached
    assert.equal(r.seed(3).standardNormal(), first);
  });

  describe('large streams (the cat models initial weights)', () => {
    for (const [name, summary] of Object.entries(rng.large_streams as Record<string, any>)) {
      if (typeof summary !== 'object') continue;
      it(name, () => {
        const [, seed, rows, cols] = /^seed(\d+)_randn_(\d+)x(\d+)$/.exec(name)!.map(Number);
        const g = new RandomState(seed).randn(rows, cols).data;
        assertNormals(g.subarray(0, 8), summary.first8, 'first8');
        assertNormals(g.subarray(g.length - 8), summary.last8, 'last8');
        assertNumber(pairwiseSum(g), summary.sum, 'np.sum', { abs: 0, rel: 1e-12 });
      });
    }
  });

  it('rejects seeds NumPy rejects', () => {
    assert.throws(() => new RandomState(-1), /seed must be an integer between 0 and 2\*\*32 - 1, got -1/);
    assert.throws(() => new RandomState(2 ** 32), /got 4294967296/);
    assert.throws(() => new RandomState(1.5), /got 1.5/);
  });

  it('interval(max) takes max as NumPy does, an integer from 0 to 2**32 - 1 (a negative max rejected every draw forever)', () => {
    const r = new RandomState(0);
    // These three returned a number (2**33 always 0); checked first, so a missing check fails here before -1 could loop.
    for (const max of [2 ** 33, 2.5, NaN]) assert.throws(() => r.interval(max), (e: unknown) => e instanceof RangeError && e.message === `RandomState.interval: max must be an integer from 0 to 2**32 - 1, got ${max}`);
    assert.throws(() => r.interval(-3), /got -3/);
    assert.throws(() => new RandomState('1' as never), /got "1"/);
    // The permutation (which draws through the same rejection) is unchanged: NumPy's RandomState(0).permutation(10).
    assert.deepEqual(new RandomState(0).permutation(10), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  });

  it('permutation(0) and permutation(1)', () => {
    assert.deepEqual(new RandomState(0).permutation(0), []);
    assert.deepEqual(new RandomState(0).permutation(1), [0]);
  });
});
