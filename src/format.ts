/**
 * Matrices printed as NumPy prints arrays, so a learner can hold dnn's output
 * against the course's "Expected output" cells: `print("W1 = " + str(W1))`
 * in the course is `console.log("W1 = " + W1)` in dnn, and both show
 *
 *   W1 = [[ 0.01624345 -0.00611756 -0.00528172]
 *    [-0.01072969  0.00865408 -0.02301539]]
 *
 * This is NumPy's default `str` of a 2-D float array (numpy ≥ 1.14, the
 * default print options): at most 8 digits after the point, the shortest
 * digits that give the value back when fewer suffice, every element padded
 * to one width, scientific notation when the largest |value| is ≥ 1e8 or
 * the smallest nonzero one < 1e-4 or they are more than 1000 apart, rows
 * wrapped at 75 characters, and arrays of more than 1000 values summarized
 * by their first and last 3 rows and columns around `...`.
 * (The course's older notebooks were printed by NumPy < 1.14, which put one
 * more space before each number; the digits are the same.)
 */

/** What the printer reads of a matrix (a `Matrix` of either dtype). */
export interface Printable {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/**
 * NumPy's `str(a)` of a (rows, cols) array. With `prefix`, lines after the
 * first are indented by its length, as NumPy's `repr` indents under `array(`.
 */
export function formatMatrix(M: Printable, prefix = ''): string {
  const { rows, cols, data } = M;
  if (rows === 0 || cols === 0) return '[]';
  const summarize = rows * cols > THRESHOLD;
  const rowIndex = shown(rows, summarize);
  const colIndex = shown(cols, summarize);
  const values: number[] = [];
  for (const i of rowIndex) for (const j of colIndex) values.push(Number(data[i * cols + j]));
  const format = floatFormat(values);

  const indent = ' ' + ' '.repeat(prefix.length);
  const rowIndent = indent + ' ';
  // elements of a row wrap at the line width, less one for ']' of the row and one for the array's
  const width = LINE_WIDTH - 1 - 1;
  const rowStrings = rowIndex.map((i) => {
    const words = colIndex.map((j) => format(Number(data[i * cols + j])));
    if (summarize && cols > 2 * EDGE_ITEMS) words.splice(EDGE_ITEMS, 0, '...');
    let s = '';
    let line = rowIndent;
    words.forEach((word, k) => {
      if (line.length + word.length > width && line.length > rowIndent.length) {
        s += line.trimEnd() + '\n';
        line = rowIndent;
      }
      line += word;
      if (k < words.length - 1) line += ' ';
    });
    s += line;
    return '[' + s.slice(rowIndent.length) + ']';
  });
  if (summarize && rows > 2 * EDGE_ITEMS) rowStrings.splice(EDGE_ITEMS, 0, '...');
  return '[' + rowStrings.join('\n' + indent) + ']';
}

/** Indices NumPy shows along an axis: all, or the first and last 3 when summarizing. */
function shown(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, n - 3, n - 2, n - 1];
}

/** NumPy's FloatingFormat (floatmode 'maxprec', precision 8): one width and notation for all shown values. */
function floatFormat(values: number[]): (x: number) => string {
  const finite = values.filter(Number.isFinite);
  const nonzero = finite.filter((x) => x !== 0).map(Math.abs);
  let exp = false;
  if (nonzero.length > 0) {
    const max = Math.max(...nonzero), min = Math.min(...nonzero);
    exp = max >= 1e8 || min < 1e-4 || max / min > 1000;
  }
  let padLeft = 0, padRight = 0;
  let render: (x: number) => string;
  if (finite.length === 0) {
    render = () => '';
  } else if (exp) {
    const parts = finite.map(scientific);
    const expSize = Math.max(...parts.map((p) => p.exp.length)) - 1;
    const digits = Math.max(...parts.map((p) => p.frac.length));
    padLeft = Math.max(...parts.map((p) => p.int.length));
    padRight = expSize + 2 + digits;
    render = (x) => {
      const p = scientific(x);
      const e = p.exp[0] + p.exp.slice(1).padStart(expSize, '0');
      return (p.int.padStart(padLeft) + '.' + p.frac.padEnd(digits, '0') + 'e' + e);
    };
  } else {
    const parts = finite.map(positional);
    padLeft = Math.max(...parts.map((p) => p.int.length));
    padRight = Math.max(...parts.map((p) => p.frac.length));
    render = (x) => {
      const p = positional(x);
      return p.int.padStart(padLeft) + '.' + p.frac.padEnd(padRight);
    };
  }
  const nonFinite = values.filter((x) => !Number.isFinite(x)).map(nonFiniteString);
  if (nonFinite.length > 0) {
    const longest = Math.max(...nonFinite.map((s) => s.length));
    if (finite.length === 0) {
      padLeft = longest;
      padRight = 0;
    } else {
      padLeft = Math.max(padLeft, longest - (padRight + 1));
    }
  }
  const width = finite.length === 0 ? padLeft : padLeft + padRight + 1;
  return (x) => (Number.isFinite(x) ? render(x).padStart(width) : nonFiniteString(x).padStart(width));
}

function nonFiniteString(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/**
 * Dragon4 positional, unique digits cut at 8 after the point, trailing
 * zeros trimmed down to the point: 0.5 → "0.", "5"; -0 → "-0", "".
 */
function positional(x: number): { int: string; frac: string } {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  let s = String(a); // shortest round-trip digits; no exponent for 1e-4 ≤ a < 1e8 (and a = 0)
  if (s.includes('e')) s = a.toFixed(20);
  let [int, frac = ''] = s.split('.');
  if (frac.length > PRECISION) {
    [int, frac = ''] = halfEven(a.toFixed(PRECISION), a.toFixed(100), PRECISION).split('.');
  }
  frac = frac.replace(/0+$/, '');
  return { int: sign + int, frac };
}

/** Dragon4 scientific, unique digits cut at 8 after the point: 1.5e-5 → "1", "5", "-05". */
function scientific(x: number): { int: string; frac: string; exp: string } {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  let s = a.toExponential(); // shortest round-trip digits
  let [mantissa, e] = s.split('e');
  let [int, frac = ''] = mantissa.split('.');
  if (frac.length > PRECISION) {
    const exact = a.toExponential(100).split('e');
    const rounded = a.toExponential(PRECISION).split('e');
    mantissa = halfEven(rounded[0], exact[0], PRECISION);
    e = mantissa === rounded[0] ? rounded[1] : exact[1];
    [int, frac = ''] = mantissa.split('.');
  }
  frac = frac.replace(/0+$/, '');
  const expSign = e.startsWith('-') ? '-' : '+';
  const expDigits = e.replace(/^[+-]/, '').padStart(2, '0');
  return { int: sign + int, frac, exp: expSign + expDigits };
}

/**
 * Dragon4 rounds a tie to even, JavaScript's toFixed and toExponential away
 * from zero: where the exact digits after the kept `digits` are 5 and then
 * zeros (0.001953125 = 2⁻⁹ to 8 digits), the kept digits stay when the last
 * is even ("0.00195312", as NumPy prints) instead of `rounded`'s "…13".
 * @param rounded - the digits as JavaScript rounded them ("0.00195313")
 * @param exact - the same number's exact digits (toFixed(100) or toExponential(100)'s mantissa)
 */
function halfEven(rounded: string, exact: string, digits: number): string {
  const end = exact.indexOf('.') + 1 + digits;
  if (!/^50*$/.test(exact.slice(end))) return rounded;
  const kept = exact.slice(0, end);
  return (kept.charCodeAt(kept.length - 1) - 48) % 2 === 0 ? kept : rounded;
}
