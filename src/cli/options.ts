/**
 * The `dnn` command's flags: one table, parsed with node:util parseArgs and
 * checked here, where options enter (a bad value is an OptionError naming the
 * flag, the value and what it takes). Commands read typed values from here
 * and never look at raw strings.
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OptionError } from '../errors.ts';
import { MAX_THREADS } from '../kernels/index.ts';

export type FlagType = 'string' | 'boolean';

export interface Flag {
  type: FlagType;
  /** Placeholder for the value in --help, e.g. 'N' or 'FILE'. */
  value?: string;
  help: string;
  short?: string;
}

/** Flags every command takes. */
export const COMMON_FLAGS: Record<string, Flag> = {
  json: { type: 'boolean', help: 'JSON Lines on stdout, one object per event (the default when stdout is not a terminal)' },
  text: { type: 'boolean', help: 'human-readable output even when stdout is not a terminal' },
  debug: { type: 'boolean', help: 'print the stack trace of an error' },
  help: { type: 'boolean', short: 'h', help: 'show help for the command' },
};

/** Flags that say which data to read. */
export const DATA_FLAGS: Record<string, Flag> = {
  data: { type: 'string', value: 'PATH', help: 'mnist (built-in, default), a directory (train_*.h5 + test_*.h5, or X.npy + Y.npy), .h5, .csv or .npz' },
  test: { type: 'string', value: 'PATH', help: 'separate test examples, same format as --data' },
  split: { type: 'string', value: 'F', help: 'hold out fraction F of the examples for testing (seeded shuffle)' },
  'x-key': { type: 'string', value: 'NAME', help: 'HDF5 dataset / .npz array of the examples (default train_set_x / X)' },
  'y-key': { type: 'string', value: 'NAME', help: 'HDF5 dataset / .npz array of the labels (default train_set_y / Y)' },
  label: { type: 'string', value: 'NAME', help: 'CSV label column (default: the last column)' },
  layout: { type: 'string', value: 'rows|columns', help: '.npy/.npz orientation: one example per row (m, n_x), default, or per column (n_x, m)' },
};

export const TRAIN_FLAGS: Record<string, Flag> = {
  ...DATA_FLAGS,
  layers: { type: 'string', value: 'N0,N1,...,NL', help: 'layer sizes n[0]..n[L]; default n_x,128,64,classes' },
  hidden: { type: 'string', value: 'ACT', help: 'hidden activation: relu (default), leakyRelu, tanh, sigmoid' },
  output: { type: 'string', value: 'ACT', help: 'output: sigmoid (0/1 labels), softmax (classes), linear (regression); default from the labels' },
  init: { type: 'string', value: 'NAME', help: 'initialisation: he (default), lecun (the course\'s /sqrt(n[l-1])), xavier, small (·0.01)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 1)' },
  lr: { type: 'string', value: 'ALPHA', help: 'learning rate (default 0.001 for adam/rmsprop, 0.0075 for gd, 0.01 for momentum)' },
  iterations: { type: 'string', value: 'N', help: 'N gradient steps; without --batch-size each uses all examples and the default optimizer is gd (the course)' },
  epochs: { type: 'string', value: 'N', help: 'N passes over the data in mini-batches (default 5, with adam and --batch-size 64)' },
  'batch-size': { type: 'string', value: 'N', help: 'examples per gradient step (default 64 with --epochs, all with --iterations)' },
  optimizer: { type: 'string', value: 'NAME', help: 'gd, momentum, rmsprop or adam (default gd with --iterations and no --batch-size, as the course; else adam)' },
  l2: { type: 'string', value: 'LAMBDA', help: 'L2 regularisation strength λ (default 0)' },
  'keep-prob': { type: 'string', value: 'P', help: 'dropout keep probability of hidden units (default 1: no dropout)' },
  'print-every': { type: 'string', value: 'N', help: 'report the cost every N iterations (default 100 with --iterations, each epoch with --epochs)' },
  out: { type: 'string', value: 'FILE', help: 'save the trained model there (.dnn)' },
  plot: { type: 'string', value: 'FILE', help: 'draw the cost (and accuracy) curve to FILE.svg or FILE.png' },
  dtype: { type: 'string', value: 'TYPE', help: 'float64 (default; the course\'s numbers) or float32 (about twice as fast); saved in the model file' },
  threads: { type: 'string', value: 'N', help: 'threads for large products, this one included (default: the machine\'s cores)' },
};

export const EVALUATE_FLAGS: Record<string, Flag> = { ...DATA_FLAGS, threads: TRAIN_FLAGS.threads };

export const PREDICT_FLAGS: Record<string, Flag> = {
  ...DATA_FLAGS,
  out: { type: 'string', value: 'FILE', help: 'write predictions there instead of stdout' },
  probabilities: { type: 'boolean', help: 'CSV with the predicted label and the output probabilities' },
  threads: TRAIN_FLAGS.threads,
  // Predictions written to stdout stay plain lines when it is not a terminal; only --json makes them events.
  json: { type: 'boolean', help: 'JSON Lines on stdout, predictions too (predictions to stdout are plain lines without --json; with --out, JSON is the default when stdout is not a terminal)' },
};

export const GRADCHECK_FLAGS: Record<string, Flag> = {
  layers: { type: 'string', value: 'N0,...,NL', help: 'layer sizes (default 4,5,3,1; 4,5,3,3 with --output softmax)' },
  hidden: TRAIN_FLAGS.hidden,
  output: { type: 'string', value: 'ACT', help: 'output: sigmoid (default), softmax or linear; random labels to match' },
  examples: { type: 'string', value: 'M', help: 'number of random examples (default 5)' },
  seed: TRAIN_FLAGS.seed,
  epsilon: { type: 'string', value: 'E', help: 'finite-difference step ε (default 1e-7)' },
};

export const INFO_FLAGS: Record<string, Flag> = {};

/** Parses `args` for a command's flags plus the common ones; unknown flags are an OptionError. */
export function parse(command: string, args: string[], flags: Record<string, Flag>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const all = { ...flags, ...COMMON_FLAGS };
  const options = Object.fromEntries(Object.entries(all).map(([name, f]) => [name, { type: f.type, ...(f.short && { short: f.short }) }]));
  // parseArgs refuses "--lr -0.1" as ambiguous; join negative numbers to their flag so the value's own check can explain.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name && all[name]?.type === 'string' && i + 1 < args.length && /^-(\d|\.\d|inf)/i.test(args[i + 1])) {
      joined.push(`${a}=${args[++i]}`);
    } else joined.push(a);
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[]; tokens: { kind: string; name?: string; value?: string }[] };
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true, tokens: true }) as typeof parsed;
  } catch (e) {
    const err = e as Error & { code?: string };
    const ambiguous = /Option '(?:-\w, )?(--[^']+)' argument is ambiguous/.exec(err.message);
    if (ambiguous) {
      const next = joined[joined.indexOf(ambiguous[1]) + 1];
      throw new OptionError(`${ambiguous[1]} needs a value, but the next argument is the flag ${next} (see dnn ${command} --help)`);
    }
    const unknown = /Unknown option '([^']+)'/.exec(err.message);
    if (unknown) {
      const near = suggest(unknown[1].replace(/^-+/, ''), Object.keys(all));
      throw new OptionError(`unknown flag ${unknown[1]} for "dnn ${command}"${near ? `; did you mean --${near}?` : ''} (see dnn ${command} --help)`);
    }
    const missing = /Option '(-\S+)[^']*' argument missing/.exec(err.message);
    if (missing) throw new OptionError(`${missing[1].replace(/^(-\w), /, '')} needs a value (see dnn ${command} --help)`);
    const boolWithValue = /Option '(-\S+)' does not take an argument/.exec(err.message);
    if (boolWithValue) throw new OptionError(`${boolWithValue[1].replace(/^(-\w), /, '')} takes no value (see dnn ${command} --help)`);
    throw new OptionError(err.message.split('\n')[0]);
  }
  // parseArgs keeps the last of repeated values; a repeated value flag is more likely a slip than a choice.
  const given = new Map<string, string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || t.name === undefined || t.value === undefined) continue;
    const before = given.get(t.name);
    if (before !== undefined) throw new OptionError(`--${t.name} is given twice (${before}, then ${t.value}); give it once`);
    given.set(t.name, t.value);
  }
  if (parsed.values.json && parsed.values.text) throw new OptionError('--json and --text both given; choose one');
  return { values: parsed.values, positionals: parsed.positionals };
}

function suggest(name: string, names: string[]): string | undefined {
  let best: string | undefined, bestD = 3;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestD) (bestD = d), (best = n);
  }
  return best;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return dp[a.length][b.length];
}

// Typed readers: each names the flag and the rule when the value breaks it.

export function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new OptionError(`--${name} needs a value`);
  return v;
}

export function num(values: Record<string, unknown>, name: string, rule: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; text: string }): number | undefined {
  const s = str(values, name);
  if (s === undefined) return undefined;
  // Decimal only: Number() would also take "0x10", "0b1" and "0o7".
  const v = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(s) ? Number(s) : NaN;
  const ok = Number.isFinite(v)
    && (!rule.integer || Number.isInteger(v))
    && (rule.min === undefined || (rule.exclusiveMin ? v > rule.min : v >= rule.min))
    && (rule.max === undefined || v <= rule.max);
  if (!ok) throw new OptionError(`--${name} is ${s}; it must be ${rule.text}`);
  return v;
}

export function choice<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const s = str(values, name);
  if (s === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
  if (!found) throw new OptionError(`--${name} is "${s}"; it must be one of ${allowed.join(', ')}`);
  return found;
}

/**
 * Refuses an output path that names one of the inputs (after symlinks): `train --out data.csv` or
 * `predict m.dnn --out m.dnn` would replace the very file being read.
 * @param inputs - [what, path]: e.g. ['the --data file', 'data.csv']
 */
export function notAnInput(flag: string, out: string | undefined, inputs: [string, string | undefined][]): void {
  if (out === undefined) return;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const target = real(out);
  for (const [what, path] of inputs) {
    if (path !== undefined && existsSync(path) && real(path) === target) throw new OptionError(`${flag} ${out} is ${what}; writing there would destroy it`);
  }
}

/** --threads N: threads for large products (the caller's included); the machine's cores by default. */
export function threadsFlag(values: Record<string, unknown>): number | undefined {
  return num(values, 'threads', { min: 1, max: MAX_THREADS, integer: true, text: `a whole number of threads from 1 to ${MAX_THREADS}` });
}

/** "784,128,64,10" -> [784, 128, 64, 10]: at least two positive integers. */
export function layerList(values: Record<string, unknown>, name = 'layers'): number[] | undefined {
  const s = str(values, name);
  if (s === undefined) return undefined;
  // Commas (or spaces) between sizes; an empty size ("2,,1", "2,4,1,") is a slip, not a layer to drop.
  const parts = s.trim().split(/\s*,\s*|\s+/);
  const dims = parts.map((p) => (p === '' ? NaN : Number(p)));
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new OptionError(`--${name} is "${s}"; it must be at least two positive integers separated by commas, n[0],n[1],...,n[L], e.g. 784,128,64,10`);
  }
  return dims;
}

/** The help text of one command: usage line, description and its flags in a table. */
export function helpText(usage: string, description: string, flags: Record<string, Flag>): string {
  // A command may word a common flag its own way (predict: its stdout is plain lines by default).
  const merged = { ...flags, ...COMMON_FLAGS };
  for (const [name, f] of Object.entries(flags)) merged[name] = f;
  const rows = Object.entries(merged).map(([name, f]) => [`${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`, f.help]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return `Usage: ${usage}\n\n${description}\n\nOptions:\n${rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`).join('\n')}\n`;
}
