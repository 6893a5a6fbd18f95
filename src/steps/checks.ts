/**
 * Shape checks in the course's words. Each throws a `ShapeError` of the form
 * `fn: X is (r, c) but Y is (r, c); rule`, naming the function, the operands,
 * their shapes and the rule (the course's "核对矩阵的维数": check every shape).
 */
import { ShapeError, withArticle } from '../errors.ts';
import { Matrix, type FloatArray } from '../matrix.ts';

type Named = readonly [name: string, M: Matrix<FloatArray>];

/** `fn: a is (..) but b is (..); rule` */
export function mismatch(fn: string, [an, a]: Named, [bn, b]: Named, rule: string): ShapeError {
  return new ShapeError(`${fn}: ${an} is ${a.shapeString()} but ${bn} is ${b.shapeString()}; ${rule}`);
}

/**
 * Throws unless `value` is a Matrix. A plain array (what NumPy's `np.array`
 * takes) or a typed array gets the call that makes it one.
 */
export function expectMatrix(fn: string, name: string, value: unknown): asserts value is Matrix<FloatArray> {
  if (!(value instanceof Matrix)) throw new ShapeError(`${fn}: ${name} is ${describeValue(value)}; it must be a Matrix${matrixHint(value)}`);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const n = value.length;
    const plural = (word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (numberRows(value)) return `a plain array of ${plural('row')} (number[][])`;
    if (value.every((v) => typeof v === 'number')) return `a plain array of ${plural('number')}`;
    return `an array of ${plural('item')}`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length} values`;
  if (typeof value === 'object') {
    const name = value.constructor?.name ?? 'Object';
    return withArticle(name);
  }
  return `${typeof value === 'number' ? 'the number' : `a ${typeof value}`} ${String(value)}`;
}

/** How to make the Matrix from what was passed, when that is clear. */
function matrixHint(value: unknown): string {
  if (Array.isArray(value)) {
    if (numberRows(value)) return ' (np.array([[...], [...]]) is Matrix.fromRows([[...], [...]]))';
    if (value.length > 0 && value.every((v) => typeof v === 'number')) return ' (a row of m values such as [1] is Matrix.fromRows([[1]]), shape (1, m))';
    return '';
  }
  if (ArrayBuffer.isView(value)) return ': Matrix.from([rows, cols], values), values row-major';
  return '';
}

function numberRows(value: unknown[]): boolean {
  return value.length > 0 && value.every((row) => Array.isArray(row) && row.every((v) => typeof v === 'number'));
}

/** Throws unless both matrices have the same shape. */
export function expectSameShape(fn: string, a: Named, b: Named, rule = `${a[0]} must have ${b[0]}'s shape`): void {
  expectMatrix(fn, a[0], a[1]);
  expectMatrix(fn, b[0], b[1]);
  if (a[1].rows !== b[1].rows || a[1].cols !== b[1].cols) throw mismatch(fn, a, b, rule);
}

/**
 * The linear step's shapes: W (n[l], n[l-1]), A_prev (n[l-1], m), b (n[l], 1).
 * `l` numbers the layer in messages when known (e.g. W2, A1, b2).
 */
export function checkLinear(fn: string, APrev: Matrix<FloatArray>, W: Matrix<FloatArray>, b: Matrix<FloatArray>, l?: number): void {
  const w = l === undefined ? 'W' : `W${l}`;
  const a = l === undefined ? 'A_prev' : l === 1 ? 'X' : `A${l - 1}`;
  const bn = l === undefined ? 'b' : `b${l}`;
  const lp = l === undefined ? 'l-1' : String(l - 1);
  expectMatrix(fn, a, APrev);
  expectMatrix(fn, w, W);
  expectMatrix(fn, bn, b);
  if (W.cols !== APrev.rows) {
    const transposed = W.cols === APrev.cols && APrev.rows !== APrev.cols
      ? ` (${a} looks transposed: examples are columns, so ${a} is (n[${lp}], m) = (${W.cols}, ${APrev.rows}))`
      : W.rows === APrev.rows && W.rows !== W.cols
        ? ` (${w} looks transposed: ${w} is (n[${l ?? 'l'}], n[${lp}]) = (${W.cols}, ${W.rows}))`
        : '';
    throw mismatch(fn, [w, W], [a, APrev], `${w}'s columns must equal ${a}'s rows (n[${lp}])${transposed}`);
  }
  if (b.rows !== W.rows || b.cols !== 1) {
    throw mismatch(fn, [bn, b], [w, W], `${bn} must be (n[${l ?? 'l'}], 1) = (${W.rows}, 1)`);
  }
}

/** A positive integer layer size. */
export function checkUnits(fn: string, name: string, n: unknown): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ShapeError(`${fn}: ${name} is ${String(n)}; a layer size must be a positive integer`);
  }
}

/**
 * What kind of cache `value` is, for the message when one cache is passed
 * where another belongs: the step functions' caches are Z (an activation
 * cache), [A_prev, W, b] (a linear cache) and [linear_cache, Z] (a layer cache).
 */
export function cacheKind(value: unknown): 'activation' | 'linear' | 'layer' | undefined {
  if (value instanceof Matrix) return 'activation';
  if (!Array.isArray(value)) return undefined;
  if (value.length === 3 && value.every((v) => v instanceof Matrix)) return 'linear';
  if (value.length === 2 && cacheKind(value[0]) === 'linear' && value[1] instanceof Matrix) return 'layer';
  return undefined;
}

/** `; pass ...` advice when `value` is a cache of another kind than `wanted`, else ''. */
export function cacheHint(value: unknown, wanted: 'activation' | 'linear' | 'layer'): string {
  const kind = cacheKind(value);
  if (kind === undefined || kind === wanted) return '';
  const name = { activation: 'an activation cache Z', linear: 'a linear cache [A_prev, W, b]', layer: 'a layer cache [linear_cache, activation_cache]' }[kind];
  if (kind === 'layer' && wanted === 'activation') return ` (it is ${name}: pass its activation cache, cache[1])`;
  if (kind === 'layer' && wanted === 'linear') return ` (it is ${name}: pass its linear cache, cache[0])`;
  return ` (it is ${name}: pass the ${wanted === 'layer' ? 'layer cache [linear_cache, activation_cache] linearActivationForward returned' : wanted === 'linear' ? 'linear cache [A_prev, W, b] linearForward returned' : 'activation cache Z that sigmoid or relu returned'})`;
}
