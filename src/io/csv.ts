/**
 * CSV datasets: a header line naming the columns, one example per line, one
 * label column (by default the last). Parsed with csv-parse (quotes, CRLF,
 * BOM) and converted once into the column layout:
 *   X (n_x, m): column j holds the features of example j + 1, the (j + 1)-th line after the header (empty lines skipped)
 *   Y (1, m):   the label of every example
 * Labels that are all numbers are kept as numbers; otherwise they are class
 * names, numbered 0, 1, ... in sorted order (the names are kept as `classes`),
 * or, for test examples and a saved model's input, by the index of each name
 * in the classes the network was trained with.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError, OptionError } from '../errors.ts';
import { Matrix } from '../matrix.ts';
import type { Split } from './dataset.ts';

export interface CsvOptions {
  /** Name of the label column; the last column when absent. `null`: no label column (prediction input). */
  label?: string | null;
  /**
   * Class names whose numbering the labels must follow (the training data's, a
   * saved model's); `from` names them in errors, e.g. "the model's classes".
   */
  classes?: { names: readonly string[]; from: string };
}

export interface CsvTable extends Split {
  /** Feature column names, in X's row order. */
  features: string[];
  /** Class names when the labels are not numbers. */
  classes?: string[];
  /** True when the file had a label column. */
  labeled: boolean;
}

export function loadCsv(path: string, options: CsvOptions = {}): CsvTable {
  // A misspelt option (labelColumn) would otherwise train on the last column as the label.
  for (const key of Object.keys(options ?? {})) {
    if (key !== 'label' && key !== 'classes') throw new OptionError(`loadCsv: unknown option "${key}"; the options are label, classes`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  // Text CSV has no NUL bytes; UTF-16 and compressed files do (their "header" would be printed as garbage).
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new DataError(`${path}: is gzip-compressed; decompress it first (gunzip)`);
  if (bytes.includes(0)) throw new DataError(`${path}: is not a UTF-8 text file (it holds NUL bytes: UTF-16 or binary); save it as UTF-8 CSV`);
  const text = bytes.toString('utf8');
  let rows: string[][];
  // The line of each record in the file: empty lines are skipped, so record j is not always line j + 1.
  let lines: number[];
  try {
    const records = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = records.map((r) => r.record);
    // info.lines is where the record ends: its only line, unless a quoted field spans lines.
    lines = records.map((r) => r.info.lines);
  } catch (e) {
    throw new DataError(`${path}: not a well-formed CSV file (${(e as Error).message})`, { cause: e });
  }
  if (rows.length === 0) throw new DataError(`${path}: is empty; a CSV dataset needs a header line and one line per example`);
  const header = rows[0];
  if (rows.length < 2) throw new DataError(`${path}: has a header (${header.join(', ')}) but no examples`);
  let labelCol = -1;
  if (options.label !== null) {
    labelCol = options.label === undefined ? header.length - 1 : header.indexOf(options.label);
    if (labelCol < 0) throw new DataError(`${path}: has no column "${options.label}" for --label (columns: ${header.join(', ')})`);
  }
  const featureCols = header.map((_, i) => i).filter((i) => i !== labelCol);
  if (featureCols.length === 0) {
    // One column whose name holds ';' or a tab: most likely a file written with another separator.
    const separator = header.length === 1 ? [';', '\t', '|'].find((c) => header[0].includes(c)) : undefined;
    const hint = separator ? `; its header "${header[0]}" looks separated by ${separator === '\t' ? 'tabs' : `"${separator}"`}, but dnn reads comma-separated values` : '';
    throw new DataError(`${path}: has only the label column "${header[labelCol]}"; it needs at least one feature column${hint}`);
  }
  const m = rows.length - 1;
  const n = featureCols.length;
  const lineOf = (j: number) => `line ${lines[j + 1]} (example ${j + 1})`;
  const X = Matrix.zeros(n, m);
  const rawLabels: string[] = [];
  for (let j = 0; j < m; j++) {
    const row = rows[j + 1];
    const where = lineOf(j);
    for (let k = 0; k < n; k++) {
      const cell = row[featureCols[k]];
      X.data[k * m + j] = number(path, where, header[featureCols[k]], cell);
    }
    if (labelCol >= 0) rawLabels.push(row[labelCol]);
  }
  const Y = Matrix.zeros(1, m);
  let classes: string[] | undefined;
  if (labelCol >= 0) {
    // NaN/Infinity among numbers are bad numbers (an error below), not a class named "NaN".
    const numeric = rawLabels.every((v) => DECIMAL.test(v) || NOT_FINITE.test(v));
    if (numeric) {
      for (let j = 0; j < m; j++) Y.data[j] = number(path, lineOf(j), header[labelCol], rawLabels[j]);
    } else {
      const empty = rawLabels.findIndex((v) => v === '');
      if (empty >= 0) throw new DataError(`${path}: ${lineOf(empty)}, column "${header[labelCol]}": the label is empty`);
      // The numbering of known classes wins: a file holding only "dog" must not renumber it 0.
      classes = options.classes ? [...options.classes.names] : [...new Set(rawLabels)].sort();
      const index = new Map(classes.map((c, i) => [c, i]));
      for (let j = 0; j < m; j++) {
        const k = index.get(rawLabels[j]);
        if (k === undefined) {
          throw new DataError(`${path}: ${lineOf(j)}, column "${header[labelCol]}": ${JSON.stringify(rawLabels[j])} is not one of ${options.classes!.from} (${classes.join(', ')})`);
        }
        Y.data[j] = k;
      }
    }
  }
  return { X, Y, features: featureCols.map((i) => header[i]), labeled: labelCol >= 0, ...(classes && { classes }) };
}

/** The column names on a CSV file's header line; undefined when it cannot be read or parsed (loadCsv then says why). */
export function csvColumns(path: string): string[] | undefined {
  try {
    return (parse(readFileSync(path, 'utf8'), { bom: true, trim: true, skip_empty_lines: true, to: 1 }) as string[][])[0];
  } catch {
    return undefined;
  }
}

/** A decimal number, as NumPy's loadtxt reads one: "0x10", "0b1", "1_000" are not numbers (Number() would take the first two). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function number(path: string, where: string, column: string, cell: string | undefined): number {
  const v = cell !== undefined && DECIMAL.test(cell) ? Number(cell) : NaN;
  if (Number.isFinite(v)) return v;
  const shown = cell === undefined || cell === '' ? 'an empty cell' : JSON.stringify(cell);
  // "NaN", "inf" and 1e999 are numbers, but not finite ones; "abc" and "0x10" are not numbers.
  const rule = shown !== 'an empty cell' && !DECIMAL.test(cell!) && !NOT_FINITE.test(cell!) ? 'is not a number' : 'is not a finite number; data must be finite numbers';
  throw new DataError(`${path}: ${where}, column "${column}": ${shown} ${rule}`);
}
