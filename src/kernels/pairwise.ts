/**
 * NumPy's pairwise summation, the order `np.sum` adds float64 values in.
 *
 * `np.sum(x)` and `np.sum(x, axis=1)` over a contiguous row are
 * `0.0 + pairwise(x)`: fewer than 8 values are added left to right; up to 128
 * go into 8 interleaved accumulators combined as
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder; longer runs split
 * at n/2 rounded down to a multiple of 8. Matching it keeps the cost and `db`
 * within rounding of the course's numbers for m ≥ 8.
 */
import type { FloatArray } from '../matrix.ts';

const BLOCK = 128;

/** `0.0 + pairwise(x[offset .. offset + n))`, exactly as NumPy sums a contiguous float64 run. */
export function pairwiseSum(x: FloatArray, offset = 0, n = x.length - offset): number {
  return 0.0 + pairwise(x, offset, n);
}

function pairwise(x: FloatArray, o: number, n: number): number {
  if (n < 8) {
    let s = 0.0;
    for (let i = 0; i < n; i++) s += x[o + i];
    return s;
  }
  if (n <= BLOCK) {
    let r0 = x[o], r1 = x[o + 1], r2 = x[o + 2], r3 = x[o + 3];
    let r4 = x[o + 4], r5 = x[o + 5], r6 = x[o + 6], r7 = x[o + 7];
    let i = 8;
    for (const end = n - (n % 8); i < end; i += 8) {
      r0 += x[o + i]; r1 += x[o + i + 1]; r2 += x[o + i + 2]; r3 += x[o + i + 3];
      r4 += x[o + i + 4]; r5 += x[o + i + 5]; r6 += x[o + i + 6]; r7 += x[o + i + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) s += x[o + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(x, o, n2) + pairwise(x, o + n2, n - n2);
}
