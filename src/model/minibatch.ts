/**
 * The course's random_mini_batches, for learners and tests: the same batches
 * `Model.fit` and `Model.trainer` train on in each epoch (the Trainer gathers
 * them into preallocated workspaces instead of returning new matrices).
 *
 * Legend: X (n[0], m), Y (n[L], m), examples as columns.
 */
import { OptionError, ShapeError } from '../errors.ts';
import { Matrix, type FloatArray } from '../matrix.ts';
import { RandomState } from '../random.ts';
import { expectMatrix } from '../steps/checks.ts';
import { gatherColumns } from './network.ts';

/**
 * `np.random.seed(seed)`, `permutation = np.random.permutation(m)`, then the
 * shuffled columns cut into ⌊m / size⌋ batches of `miniBatchSize` and a last,
 * smaller batch when m is not a multiple.
 * @param X - (n[0], m) inputs
 * @param Y - (n[L], m) labels
 * @returns `[[X1, Y1], [X2, Y2], ...]`, float64 copies
 */
export function randomMiniBatches(X: Matrix<FloatArray>, Y: Matrix<FloatArray>, miniBatchSize = 64, seed = 0): [X: Matrix, Y: Matrix][] {
  const fn = 'randomMiniBatches';
  expectMatrix(fn, 'X', X);
  expectMatrix(fn, 'Y', Y);
  const m = X.cols;
  if (Y.cols !== m) throw new ShapeError(`${fn}: Y is ${Y.shapeString()} but X is ${X.shapeString()}; Y must have one column per example (m = ${m})`);
  if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) throw new OptionError(`${fn}: miniBatchSize is ${miniBatchSize}; it must be a positive integer such as 64`);
  const permutation = new RandomState(seed).permutation(m);
  const batches: [Matrix, Matrix][] = [];
  for (let start = 0; start < m; start += miniBatchSize) {
    const size = Math.min(miniBatchSize, m - start);
    const bx = Matrix.zeros(X.rows, size), by = Matrix.zeros(Y.rows, size);
    gatherColumns(X, permutation, start, bx);
    gatherColumns(Y, permutation, start, by);
    batches.push([bx, by]);
  }
  return batches;
}
