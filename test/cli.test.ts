/**
 * The `dnn` command, run as a user runs it: a child process of bin/dnn.mjs.
 * Checks the JSON Lines of a training run, the save / evaluate / predict
 * round trip, the plot file, and that every bad input ends with one line on
 * stderr, exit code 2, no stack trace and no file written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { blobsCsv, dnn, events, tempDir, threeClassCsv, write } from './cli-helpers.ts';
import { OptionError, RandomState } from '../src/index.ts';
import { tooLarge } from '../src/cli/train.ts';
import { modelFileChunks, readModelFile, type ModelHeader } from '../src/io/modelfile.ts';
import { ROOT } from './cli-helpers.ts';

const tmp = tempDir();
after(() => tmp.remove());

// A training run that works, shared by the round-trip tests.
const SMALL = ['--layers', '2,4,1', '--init', 'lecun', '--seed', '1', '--lr', '0.5', '--iterations', '30', '--print-every', '10'];
let csv: string;

before(() => {
  csv = write(tmp.dir, 'blobs.csv', blobsCsv(60, 0));
});

describe('dnn --version and --help', () => {
  test('--version prints the package version', () => {
    const r = dnn(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('--help lists every command; a command\'s --help lists its flags', () => {
    const r = dnn(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['train', 'evaluate', 'predict', 'gradcheck', 'info']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    const t = dnn(['train', '--help']);
    assert.equal(t.code, 0);
    for (const f of ['--data', '--test', '--split', '--layers', '--hidden', '--output', '--init', '--seed', '--lr', '--iterations', '--epochs', '--batch-size', '--optimizer', '--l2', '--keep-prob', '--print-every', '--out', '--plot', '--json', '--debug', '--x-key', '--y-key', '--label']) {
      assert.ok(t.stdout.includes(f + ' ') || t.stdout.includes(f + '\n'), `train --help lacks ${f}`);
    }
  });
});

describe('dnn train --json', () => {
  let run: ReturnType<typeof dnn>;
  let lines: Record<string, any>[];
  const model = () => join(tmp.dir, 'small.dnn');
  const plot = () => join(tmp.dir, 'small.svg');

  before(() => {
    run = dnn(['train', '--data', csv, '--split', '0.25', ...SMALL, '--out', model(), '--plot', plot(), '--json']);
    lines = events(run.stdout);
  });

  test('every stdout line is a JSON event, in order start, progress..., saved, plot, done', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const names = lines.map((e) => e.event);
    assert.equal(names[0], 'start');
    assert.deepEqual(names.slice(-3), ['saved', 'plot', 'done']);
    const progress = lines.filter((e) => e.event === 'progress');
    assert.deepEqual(progress.map((e) => e.iteration), [0, 10, 20, 29]);
    assert.ok(progress.every((e) => Number.isFinite(e.cost) && e.cost > 0));
    assert.ok(progress[3].cost < progress[0].cost, 'the cost goes down');
    assert.deepEqual(names.slice(1, -3), progress.map(() => 'progress'));
  });

  test('start and done describe the run', () => {
    const start = lines[0], done = lines[lines.length - 1];
    assert.equal(start.train_examples, 45);
    assert.equal(start.test_examples, 15);
    assert.deepEqual(start.layers, [2, 4, 1]);
    assert.equal(start.output, 'sigmoid');
    assert.equal(done.model, model());
    assert.equal(done.plot, plot());
    // The course's accuracy, np.sum((p == y) / m), may round a little above 1.
    assert.ok(done.train_accuracy > 0.8 && done.train_accuracy <= 1 + 1e-12, `train accuracy ${done.train_accuracy}`);
    assert.ok(done.test_accuracy >= 0 && done.test_accuracy <= 1);
  });

  test('the plot is an SVG with one point per recorded cost', () => {
    const svg = readFileSync(plot(), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    const line = /<polyline data-series="cost" data-points="(\d+)"[^>]* points="([^"]*)"/.exec(svg);
    assert.ok(line, 'a cost polyline');
    const points = line[2].split(' ');
    assert.equal(points.length, 4, 'iterations 0, 10, 20, 29');
    assert.equal(Number(line[1]), 4);
    assert.ok(points.every((p) => /^-?[\d.]+,-?[\d.]+$/.test(p)));
    for (const label of ['iteration', 'cost']) assert.ok(svg.includes(`>${label}</text>`), `axis label ${label}`);
  });

  test('evaluate reproduces the final test metrics bit for bit from the saved file', () => {
    const done = lines[lines.length - 1];
    const r = dnn(['evaluate', model(), '--data', csv, '--split', '0.25', '--seed', '1', '--json']);
    // --seed is not an evaluate flag: the split uses the default seed 1, the same as training.
    assert.equal(r.code, 2);
    const e = dnn(['evaluate', model(), '--data', csv, '--split', '0.25', '--json']);
    assert.equal(e.code, 0, e.stderr);
    const [result] = events(e.stdout);
    assert.equal(result.event, 'done');
    assert.equal(result.examples, 15);
    assert.equal(result.accuracy, done.test_accuracy);
    assert.equal(result.cost, done.test_cost);
  });

  test('predict writes one prediction per line, identical on every load; --probabilities writes CSV', () => {
    const a = dnn(['predict', model(), '--data', csv]);
    assert.equal(a.code, 0, a.stderr);
    const labels = a.stdout.trim().split('\n');
    assert.equal(labels.length, 60);
    assert.ok(labels.every((l) => l === '0' || l === '1'));
    const p = dnn(['predict', model(), '--data', csv, '--probabilities', '--out', join(tmp.dir, 'pred.csv')]);
    assert.equal(p.code, 0, p.stderr);
    const rows = readFileSync(join(tmp.dir, 'pred.csv'), 'utf8').trim().split('\n');
    assert.equal(rows[0], 'prediction,p1');
    assert.equal(rows.length, 61);
    rows.slice(1).forEach((row, j) => {
      const [label, prob] = row.split(',').map(Number);
      assert.equal(label, prob > 0.5 ? 1 : 0);
      assert.equal(String(label), labels[j]);
    });
    // A CSV without the label column is prediction input too.
    const unlabeled = write(tmp.dir, 'unlabeled.csv', readFileSync(csv, 'utf8').split('\n').map((l) => l.split(',').slice(0, 2).join(',')).join('\n'));
    const u = dnn(['predict', model(), '--data', unlabeled]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout, a.stdout);
  });

  test('evaluate without --data on a model of other features names the data it was trained on', () => {
    const r = dnn(['evaluate', model()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dnn: mnist: has 784 features per example but the model's first layer takes 2 \(n\[0\]\); use data with 2 features, e\.g\. the model's training data: --data \S*blobs\.csv\n$/);
  });

  test('evaluate: a label the model cannot output names the example, counting from 1', () => {
    const bad = write(tmp.dir, 'label-2.csv', 'x1,x2,label\n1,1,1\n-1,-1,0\n2,2,2\n');
    const r = dnn(['evaluate', model(), '--data', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dnn: \S*label-2\.csv: label 2 of example 3 of 3 \(counting from 1\) does not fit the model's sigmoid output \(labels 0 to 1\)\n$/);
  });

  test('predict on data with a test part predicts those examples and says so', () => {
    const r = dnn(['predict', model(), '--data', csv, '--split', '0.25']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 15);
    assert.match(r.stderr, /^dnn predict: one line for each of the 15 test examples of \S*blobs\.csv \(the data's test part\), in order\n$/);
    const all = dnn(['predict', model(), '--data', csv]);
    assert.equal(all.stderr, '', 'all examples: nothing to say');
    const o = dnn(['predict', model(), '--data', csv, '--split', '0.25', '--out', join(tmp.dir, 'split-pred.txt'), '--text']);
    assert.equal(o.code, 0, o.stderr);
    assert.match(o.stdout, /Predictions for the 15 test examples of \S*blobs\.csv written to \S*split-pred\.txt/);
    const j = dnn(['predict', model(), '--data', csv, '--split', '0.25', '--json']);
    const done = events(j.stdout).at(-1)!;
    assert.deepEqual([done.event, done.examples, done.part], ['done', 15, 'test']);
  });

  test('a CSV without its label column: predict takes it even for a one-feature model; evaluate says labels are missing', () => {
    const labeled = write(tmp.dir, 'one-feature.csv', 'x,label\n1,1\n2,1\n-1,0\n-2,0\n0.5,1\n');
    const unlabeled = write(tmp.dir, 'one-feature-unlabeled.csv', 'x\n1\n2\n-1\n-2\n0.5\n');
    const path = join(tmp.dir, 'one-feature.dnn');
    assert.equal(dnn(['train', '--data', labeled, '--layers', '1,2,1', '--iterations', '10', '--out', path]).code, 0);
    const a = dnn(['predict', path, '--data', labeled]), b = dnn(['predict', path, '--data', unlabeled]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.trim().split('\n').length, 5);
    assert.equal(b.stdout, a.stdout);
    const e = dnn(['evaluate', model(), '--data', write(tmp.dir, 'no-label.csv', 'x1,x2\n1,2\n3,4\n')]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /^dnn: \S*no-label\.csv: has 2 columns \(x1, x2\), as many as the model's features, and no label column; evaluate needs the labels \(predict does not\)\n$/);
  });

  test('predict --help says what predict does with stdout: plain predictions unless --json', () => {
    const help = dnn(['predict', '--help']).stdout;
    const json = help.split('\n').find((l) => l.trimStart().startsWith('--json'));
    assert.ok(json && !json.includes('one object per event (the default when stdout is not a terminal)') && json.includes('plain lines without --json'), json);
    assert.match(dnn(['--help']).stdout, /dnn predict writes to stdout stay plain lines without --json/);
    assert.match(dnn(['evaluate', '--help']).stdout, /--json +JSON Lines on stdout, one object per event \(the default when stdout is not a terminal\)/);
  });

  test('predict piped into a file: a failure leaves stdout empty (no JSON among the predictions)', () => {
    const r = dnn(['predict', model(), '--data', join(tmp.dir, 'missing.csv')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^dnn: .*missing\.csv: file not found\n$/);
    // With --json the error event is still there.
    const j = dnn(['predict', model(), '--data', join(tmp.dir, 'missing.csv'), '--json']);
    assert.equal(events(j.stdout).at(-1)!.event, 'error');
  });

  test('an output file that is an input file is refused before anything is overwritten', () => {
    const data = write(tmp.dir, 'precious.csv', blobsCsv(20, 7));
    const before = readFileSync(data);
    const t = dnn(['train', '--data', data, ...SMALL, '--out', data]);
    assert.equal(t.code, 2, t.stderr);
    assert.match(t.stderr, /^dnn: --out \S*precious\.csv is the --data file; writing there would destroy it\n$/);
    assert.deepEqual(readFileSync(data), before);
    const p = dnn(['predict', model(), '--data', data, '--out', model()]);
    assert.equal(p.code, 2, p.stderr);
    assert.match(p.stderr, /^dnn: --out \S*small\.dnn is the model file; writing there would destroy it\n$/);
    assert.equal(dnn(['info', model()]).code, 0, 'the model is intact');
  });

  test('CSV columns in another order than training are an error, not silently swapped features', () => {
    const swapped = write(tmp.dir, 'swapped.csv', readFileSync(csv, 'utf8').split('\n').map((l) => (l ? l.split(',') : [])).map((c) => (c.length ? [c[1], c[0], c[2]].join(',') : '')).join('\n'));
    const t = dnn(['train', '--data', csv, '--test', swapped, ...SMALL]);
    assert.equal(t.code, 2, t.stderr);
    assert.match(t.stderr, /^dnn: \S*swapped\.csv: its feature columns are x2, x1 but the training data's are x1, x2; use the same columns in the same order\n$/);
    for (const command of ['evaluate', 'predict']) {
      const r = dnn([command, model(), '--data', swapped]);
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /swapped\.csv: its feature columns are x2, x1 but the model's are x1, x2/);
    }
  });

  test('info shows the header', () => {
    const r = dnn(['info', model(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [h] = events(r.stdout);
    assert.equal(h.format, 'dnn-model');
    assert.equal(h.inputSize, 2);
    assert.deepEqual(h.layers.map((l: any) => l.units), [4, 1]);
    assert.equal(h.parameterCount, 4 * 3 + 5);
    assert.equal(h.training.learningRate, 0.5);
    assert.equal(typeof h.metrics.test_accuracy, 'number');
    const t = dnn(['info', model(), '--text']);
    assert.match(t.stdout, /layers\s+2-4-1/);
    assert.deepEqual(h.features, ['x1', 'x2']);
    assert.match(t.stdout, /^features\s+x1, x2$/m, 'the CSV columns evaluate and predict require');
  });

  test('a model file with one flipped byte is rejected, wherever the byte is', () => {
    const good = readFileSync(model());
    const H = good.readUInt32LE(12);
    const places = { signature: 1, version: 8, 'header length': 13, header: 16 + Math.floor(H / 2), parameters: 16 + H + 5, checksum: good.length - 3 };
    for (const [where, at] of Object.entries(places)) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x10;
      const path = write(tmp.dir, `flipped-${where.replace(' ', '-')}.dnn`, bad);
      const r = dnn(['evaluate', path, '--data', csv]);
      assert.equal(r.code, 2, `${where}: ${r.stderr}`);
      assert.match(r.stderr, /^dnn: .*(not a dnn model file|corrupted|version|truncated)/, where);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${where}: one line`);
    }
  });

  test('a header with a valid checksum but fields the network rejects names the file; no crash', () => {
    const { header, weights } = readModelFile(model());
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['init', { init: 'bogus' }, /init is "bogus"/],
      ['seed', { seed: -5 }, /seed is -5/],
      ['loss', { loss: 'hinge' }, /loss is "hinge"/],
      ['classes', { classes: 'cat,dog' }, /classes is "cat,dog"; it must be a list of class names/],
      ['classes-count', { classes: ['a', 'b', 'c'] }, /classes has 3 names but the sigmoid output has 2 classes/],
    ];
    for (const [name, change, message] of cases) {
      const path = write(tmp.dir, `header-${name}.dnn`, Buffer.concat([...modelFileChunks({ ...header, ...change } as ModelHeader, weights)]));
      for (const command of ['evaluate', 'predict', 'info']) {
        const r = dnn([command, path, '--data', csv].slice(0, command === 'info' ? 2 : 4));
        assert.equal(r.code, 2, `${name}, ${command}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^dnn: \\S*header-${name}\\.dnn: invalid model header: .*${message.source}`), `${name}, ${command}`);
        assert.equal(r.stderr.trim().split('\n').length, 1);
      }
    }
  });

  test('a bad DNN_KERNELS or DNN_THREADS is named as such, not blamed on a good model file', () => {
    for (const [name, value, message] of [['DNN_KERNELS', 'bogus', 'DNN_KERNELS is "bogus"'], ['DNN_THREADS', '0', 'DNN_THREADS is "0"']]) {
      for (const command of ['evaluate', 'predict', 'info']) {
        const r = dnn([command, model(), '--data', csv].slice(0, command === 'info' ? 2 : 4), ROOT, { [name]: value });
        assert.equal(r.code, 2, `${name}, ${command}: ${r.stderr}`);
        assert.ok(r.stderr.startsWith(`dnn: ${message};`), `${name}, ${command}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /invalid model header/, `${name}, ${command}`);
      }
    }
  });

  test('truncated, wrong-version and non-model files get their own message', () => {
    const good = readFileSync(model());
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, good.length - 40), /truncated model file/],
      ['half', good.subarray(0, 20), /truncated model file/],
      ['version', (() => { const b = Buffer.from(good); b.writeUInt32LE(7, 8); return b; })(), /format version 7; this dnn reads version 1/],
      ['csv', Buffer.from('x1,x2,label\n1,2,0\n'), /not a dnn model file/],
      ['empty', Buffer.alloc(0), /not a dnn model file/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = write(tmp.dir, `bad-${name}.dnn`, bytes);
      const r = dnn(['info', path]);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, message, name);
    }
    const missing = dnn(['info', join(tmp.dir, 'nope.dnn')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /model file not found/);
  });
});

describe('bad input: one line on stderr, exit code 2, no stack trace, no file written', () => {
  /** Runs train with --out and --plot in a fresh directory and checks the failure contract. */
  function fails(args: string[], message: RegExp, code = 2) {
    const out = tempDir();
    try {
      const files = ['--out', join(out.dir, 'm.dnn'), ...(args.includes('--plot') ? [] : ['--plot', join(out.dir, 'p.png')])];
      const r = dnn(['train', ...args, ...files], out.dir);
      assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
      assert.match(lines[0], /^dnn: /);
      assert.match(lines[0], message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(out.files(), [], 'no file written');
      for (const l of r.stdout.split('\n').filter(Boolean)) JSON.parse(l);
      return lines[0];
    } finally {
      out.remove();
    }
  }

  test('missing data file', () => {
    fails(['--data', join(tmp.dir, 'missing.csv')], /missing\.csv: file not found/);
  });

  test('unknown data format', () => {
    const path = write(tmp.dir, 'data.txt', '1 2 3\n');
    fails(['--data', path], /data\.txt: unknown data format "\.txt"; --data takes/);
  });

  test('HDF5 file without the expected keys', async () => {
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const path = join(tmp.dir, 'other-keys.h5');
    const f = new h5.File(path, 'w');
    f.create_dataset({ name: 'features', data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] });
    f.create_dataset({ name: 'labels', data: new Float64Array([0, 1, 1]), shape: [3] });
    f.close();
    fails(['--data', path, ...SMALL], /other-keys\.h5: has no dataset "train_set_x" \(it has: features, labels\); name the right one with --x-key/);
    // With the keys named, the same file trains.
    const ok = dnn(['train', '--data', path, '--x-key', 'features', '--y-key', 'labels', ...SMALL, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(events(ok.stdout)[0].train_examples, 3);
  });

  test('a truncated HDF5 file is one line naming the file, not HDF5\'s error stack', async () => {
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const whole = join(tmp.dir, 'whole.h5');
    const f = new h5.File(whole, 'w');
    f.create_dataset({ name: 'train_set_x', data: new Float64Array(4000).fill(0.5), shape: [1000, 4] });
    f.create_dataset({ name: 'train_set_y', data: new Float64Array(1000), shape: [1000] });
    f.close();
    const bytes = readFileSync(whole);
    const path = write(tmp.dir, 'truncated.h5', bytes.subarray(0, bytes.length - 4096));
    fails(['--data', path, '--layers', '4,1', '--iterations', '1'], /truncated\.h5: cannot be read as HDF5 \(truncated file: eof = \d+/);
  });

  test('CSV with a non-numeric cell names the line and the column', () => {
    const text = blobsCsv(10, 1).split('\n');
    text[4] = text[4].replace(/^[^,]+/, 'abc');
    const path = write(tmp.dir, 'text-cell.csv', text.join('\n'));
    fails(['--data', path, ...SMALL], /text-cell\.csv: line 5 \(example 4\), column "x1": "abc" is not a number/);
  });

  test('CSV errors name the file\'s line when empty lines come before it', () => {
    const path = write(tmp.dir, 'gaps.csv', 'x1,x2,label\n\n1,2,0\n\n\n3,abc,1\n');
    fails(['--data', path, ...SMALL], /gaps\.csv: line 6 \(example 2\), column "x2": "abc" is not a number/);
  });

  test('CSV numbers are decimal: hexadecimal, binary or octal cells are not numbers', () => {
    const text = blobsCsv(10, 1).split('\n');
    text[3] = text[3].replace(/^[^,]+/, '0x10');
    fails(['--data', write(tmp.dir, 'hex.csv', text.join('\n')), ...SMALL], /hex\.csv: line 4 \(example 3\), column "x1": "0x10" is not a number/);
    // Labels too: "0b1" is a class name, not the number 1.
    const labels = 'x1,x2,label\n1,2,0\n3,4,0b1\n5,6,1\n';
    const r = dnn(['train', '--data', write(tmp.dir, 'bin-label.csv', labels), '--layers', '2,3', '--iterations', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(events(r.stdout)[0].output, 'softmax');
    // A NaN among numeric labels is a bad number, not a class named "NaN".
    fails(['--data', write(tmp.dir, 'nan-label.csv', 'x1,x2,label\n1,2,0\n3,4,NaN\n5,6,1\n'), ...SMALL], /nan-label\.csv: line 3 \(example 2\), column "label": "NaN" is not a finite number/);
  });

  test('a CSV separated by semicolons says so', () => {
    fails(['--data', write(tmp.dir, 'semicolons.csv', 'x1;x2;label\n1;2;0\n3;4;1\n'), ...SMALL], /semicolons\.csv: has only the label column "x1;x2;label"; .*looks separated by ";", but dnn reads comma-separated values/);
  });

  test('a UTF-16 or gzip-compressed CSV is named as such, not printed as a garbled header', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x1,x2,label\n1,2,0\n', 'utf16le')]);
    fails(['--data', write(tmp.dir, 'utf16.csv', utf16), ...SMALL], /utf16\.csv: is not a UTF-8 text file \(it holds NUL bytes: UTF-16 or binary\); save it as UTF-8 CSV$/);
    fails(['--data', write(tmp.dir, 'packed.csv', gzipSync('x1,x2,label\n1,2,0\n')), ...SMALL], /packed\.csv: is gzip-compressed; decompress it first/);
  });

  test('NaN or Infinity in the data', () => {
    const text = blobsCsv(10, 2).split('\n');
    text[3] = text[3].replace(/,[^,]+,/, ',NaN,');
    fails(['--data', write(tmp.dir, 'nan.csv', text.join('\n')), ...SMALL], /nan\.csv: line 4 \(example 3\), column "x2": "NaN" is not a finite number/);
    text[3] = text[3].replace('NaN', 'Infinity');
    fails(['--data', write(tmp.dir, 'inf.csv', text.join('\n')), ...SMALL], /inf\.csv: line 4 \(example 3\), column "x2": "Infinity" is not a finite number/);
  });

  test('a --test file with other features than --data is rejected before training, naming it', () => {
    const other = write(tmp.dir, 'three-features.csv', 'a,b,c,label\n1,2,3,0\n4,5,6,1\n');
    const line = fails(['--data', csv, '--test', other, ...SMALL], /three-features\.csv: the test examples have 3 features but the training examples .*blobs\.csv.* have 2/);
    assert.doesNotMatch(line, /Model/);
    const model = join(tmp.dir, 'for-test-features.dnn');
    assert.equal(dnn(['train', '--data', csv, ...SMALL, '--out', model]).code, 0);
    const e = dnn(['evaluate', model, '--data', csv, '--test', other]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /^dnn: .*three-features\.csv: the test examples have 3 features/);
  });

  test('a huge integer label is not taken for a million classes', () => {
    const text = blobsCsv(40, 5).split('\n');
    text[7] = text[7].replace(/,[01]$/, ',1000000');
    const path = write(tmp.dir, 'huge-label.csv', text.join('\n'));
    fails(['--data', path, ...SMALL], /huge-label\.csv: labels go up to 1000000, so a softmax output would need 1000001 classes, but only 3 distinct labels appear among 40 examples \(0, 1, 1000000\); .*--output linear/);
  });

  test('labels that do not fit the output: three classes with --output sigmoid', () => {
    const path = write(tmp.dir, 'three.csv', threeClassCsv(30));
    fails(['--data', path, '--layers', '2,4,1', '--output', 'sigmoid', '--iterations', '5'], /labels have 3 distinct values \(0, 1, 2\) but --output sigmoid needs labels 0 and 1; use --output softmax --layers 2,4,3/);
  });

  test('first layer size not equal to the number of features says both and the right --layers', () => {
    fails(['--data', csv, '--layers', '5,4,1', '--iterations', '5'], /--layers starts with 5 but .*blobs\.csv has 2 features per example; .*use --layers 2,4,1/);
  });

  test('last layer size not equal to the number of classes', () => {
    const path = write(tmp.dir, 'three-b.csv', threeClassCsv(30, 1));
    fails(['--data', path, '--layers', '2,4,5', '--output', 'softmax', '--iterations', '5'], /--layers ends with 5 but the labels have 3 classes \(0 to 2\); .*use --layers 2,4,3/);
  });

  test('unknown flag', () => {
    fails(['--data', csv, '--learning-rate', '0.1'], /unknown flag --learning-rate for "dnn train"/);
    fails(['--data', csv, '--epoch', '3'], /unknown flag --epoch .*did you mean --epochs\?/);
  });

  test('negative learning rate', () => {
    fails(['--data', csv, '--lr', '-0.1'], /--lr is -0\.1; it must be a positive number/);
  });

  test('other bad values name the flag and what it takes', () => {
    fails(['--data', csv, '--iterations', '2.5'], /--iterations is 2\.5; it must be a positive integer/);
    fails(['--data', csv, '--optimizer', 'sgd'], /--optimizer is "sgd"; it must be one of gd, momentum, rmsprop, adam/);
    fails(['--data', csv, '--plot', 'curve.jpg'], /--plot curve\.jpg: unknown plot format "\.jpg"/);
    fails(['--data', csv, '--layers', '2,0,1'], /--layers is "2,0,1"; it must be at least two positive integers/);
    fails(['--data', csv, '--iterations', '5', '--epochs', '2'], /--iterations and --epochs both given/);
    fails(['--data', csv, '--plot', join(tmp.dir, 'no-such-dir', 'p.svg')], /--plot .*p\.svg: directory .*no-such-dir does not exist/);
  });

  test('a flag given twice, a flag where a value belongs and an empty layer size are errors, not guesses', () => {
    fails(['--data', csv, ...SMALL, '--lr', '0.2'], /--lr is given twice \(0\.5, then 0\.2\); give it once/);
    fails(['--data', csv, '--lr', '--iterations', '5'], /--lr needs a value, but the next argument is the flag --iterations/);
    fails(['--data', csv, '--layers', '2,,1', '--iterations', '5'], /--layers is "2,,1"; it must be at least two positive integers separated by commas/);
    fails(['--data', csv, '--layers', '2,4,1,', '--iterations', '5'], /--layers is "2,4,1,"/);
    fails(['--data', csv, ...SMALL, '--json', '--text'], /--json and --text both given; choose one/);
  });

  test('a data flag that does not apply to the format is an error, not ignored', () => {
    fails(['--data', csv, ...SMALL, '--x-key', 'features'], /--x-key does not apply to \S*blobs\.csv: it names arrays in HDF5 files and \.npz archives/);
    fails(['--data', csv, ...SMALL, '--layout', 'columns'], /--layout does not apply to \S*blobs\.csv: it orients \.npz archives and directories of \.npy files/);
    fails(['--label', 'digit', '--epochs', '1'], /--label does not apply to mnist: it names the label column of CSV files/);
  });

  test('numbers in flags are decimal; dropout and a hidden activation need hidden layers', () => {
    fails(['--data', csv, '--layers', '2,4,1', '--iterations', '0x10'], /--iterations is 0x10; it must be a positive integer/);
    fails(['--data', csv, '--layers', '2,4,1', '--iterations', '5', '--lr', '0b1'], /--lr is 0b1; it must be a positive number/);
    fails(['--data', csv, '--layers', '2,1', '--iterations', '5', '--keep-prob', '0.5'], /--keep-prob 0\.5: --layers 2,1 has no hidden layer; dropout applies to hidden units/);
    fails(['--data', csv, '--layers', '2,1', '--iterations', '5', '--hidden', 'tanh'], /--hidden tanh: --layers 2,1 has no hidden layer/);
  });

  test('parameters that fit but a training that does not: the error says what training adds, and other errors pass through', () => {
    // What model.fit throws when the gradients and Adam's state of 784-400000-10 do not fit beside its parameters.
    const grow = () => { throw new RangeError('WasmRuntime: cannot grow WebAssembly memory by 2508800000 bytes of scratch'); };
    assert.throws(() => tooLarge([784, 400000, 10], 'float64', grow, true), (e: Error) => e instanceof OptionError
      && /^--layers 784,400000,10: the 318000010 parameters \(3 GB in float64\) fit, but not what training adds to them: their gradients, the optimizer's state \(adam keeps two more copies, momentum and rmsprop one\) and the activations \(WasmRuntime: cannot grow WebAssembly memory by 2508800000 bytes of scratch\); use smaller layers, a smaller --batch-size or another --optimizer$/.test(e.message));
    assert.throws(() => tooLarge([784, 400000, 10], 'float32', grow), /--layers 784,400000,10: 318000010 parameters \(1 GB in float32\) do not fit in memory/);
    const other = new RangeError('Invalid time value');
    assert.throws(() => tooLarge([2, 1], 'float64', () => { throw other; }, true), (e: unknown) => e === other);
  });

  test('layers too large for memory are a flag error naming the parameter count, and the only output (no plan before it)', () => {
    const args = ['--data', csv, '--layers', '2,100000,100000,1', '--iterations', '1'];
    const message = /^dnn: --layers 2,100000,100000,1: 10000500001 parameters \(80 GB in float64\) do not fit in memory \(.*\); use smaller layers$/;
    fails(args, message);
    const text = dnn(['train', ...args, '--text'], tmp.dir);
    assert.equal(text.code, 2);
    assert.equal(text.stdout, '', 'no plan lines on stdout');
    assert.match(text.stderr.replace(/\n$/, ''), message, 'the error alone on stderr');
    const json = dnn(['train', ...args, '--json'], tmp.dir);
    assert.equal(json.code, 2);
    const all = events(json.stdout);
    assert.deepEqual(all.map((e) => e.event), ['error'], 'one error event, no start event');
    assert.match(all[0].message, /10000500001 parameters/);
    assert.equal(all[0].code, 2);
  });

  test('--debug adds the stack trace', () => {
    const r = dnn(['train', '--data', join(tmp.dir, 'missing.csv'), '--debug']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dnn: .*file not found\n/);
    assert.match(r.stderr, /\n\s+at /);
  });

  test('a cost that becomes NaN stops training and suggests a lower learning rate', () => {
    const big = blobsCsv(40, 3).split('\n').map((l, i) => (i === 0 || l === '' ? l : l.split(',').map((v, k) => (k < 2 ? String(Number(v) * 1000) : v)).join(','))).join('\n');
    const path = write(tmp.dir, 'big.csv', big);
    fails(['--data', path, '--layers', '2,4,1', '--init', 'lecun', '--lr', '1000', '--iterations', '50'], /cost became (NaN|Infinity|-Infinity) at iteration \d+.*lower learning rate than --lr 1000/, 3);
  });
});

describe('softmax, linear and mini-batch training', () => {
  test('three classes: softmax by epochs with Adam; epoch events carry the test accuracy; predict writes class probabilities', () => {
    const path = write(tmp.dir, 'three-train.csv', threeClassCsv(120, 4));
    const model = join(tmp.dir, 'three.dnn'), plot = join(tmp.dir, 'three.svg');
    const r = dnn(['train', '--data', path, '--split', '0.25', '--layers', '2,16,3', '--epochs', '4', '--batch-size', '16', '--lr', '0.01', '--out', model, '--plot', plot, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = events(r.stdout);
    assert.equal(lines[0].output, 'softmax');
    assert.equal(lines[0].optimizer, 'adam');
    const epochs = lines.filter((e) => e.event === 'epoch');
    assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4]);
    assert.ok(epochs.every((e) => e.test_accuracy >= 0 && e.test_accuracy <= 1));
    // Each epoch's events come before its epoch event: progress iterations rise, epoch numbers never go back.
    const order = lines.filter((e) => e.event === 'progress' || e.event === 'epoch').map((e) => (e.event === 'epoch' ? e.epoch + 0.5 : e.epoch));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    const done = lines[lines.length - 1];
    assert.ok(done.train_accuracy > 0.7, `train accuracy ${done.train_accuracy}`);
    const plotEvent = lines.find((e) => e.event === 'plot')!;
    const svg = readFileSync(plot, 'utf8');
    const points = /data-series="cost \(per batch\)" data-points="(\d+)"[^>]* points="([^"]*)"/.exec(svg)!;
    assert.equal(points[2].split(' ').length, plotEvent.points);
    assert.equal(lines.filter((e) => e.event === 'progress').length, plotEvent.points);
    assert.match(svg, /data-series="test accuracy" data-points="4"/);
    const p = dnn(['predict', model, '--data', path, '--probabilities']);
    assert.equal(p.code, 0, p.stderr);
    const rows = p.stdout.trim().split('\n');
    assert.equal(rows[0], 'prediction,p0,p1,p2');
    for (const row of rows.slice(1)) {
      const [label, ...probs] = row.split(',').map(Number);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-12);
      assert.equal(label, probs.indexOf(Math.max(...probs)));
    }
    const e = dnn(['evaluate', model, '--data', path, '--split', '0.25']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(events(e.stdout)[0].accuracy, done.test_accuracy);
  });

  test('--text: the plan line counts in words that agree with the numbers (1 epoch, 1 batch, 1 iteration)', () => {
    const plan = (args: string[]) => dnn(['train', '--data', csv, '--layers', '2,4,1', ...args, '--text']).stdout.split('\n')[1];
    assert.match(plan(['--epochs', '1', '--batch-size', '60']), /, 1 epoch of 1 batch of 60,/);
    assert.match(plan(['--epochs', '2', '--batch-size', '20']), /, 2 epochs of 3 batches of 20,/);
    assert.match(plan(['--iterations', '1']), /, 1 iteration,/);
  });

  test('continuous targets: linear output, no accuracy', () => {
    const lines = ['x1,x2,y'];
    for (let j = 0; j < 40; j++) lines.push(`${j / 40},${(j % 7) / 7},${j / 40 + 2 * ((j % 7) / 7)}`);
    const path = write(tmp.dir, 'regression.csv', lines.join('\n'));
    const r = dnn(['train', '--data', path, '--layers', '2,8,1', '--iterations', '200', '--lr', '0.05', '--optimizer', 'adam', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const ev = events(r.stdout);
    assert.equal(ev[0].output, 'linear');
    const done = ev[ev.length - 1];
    assert.equal(done.train_accuracy, null);
    assert.ok(done.train_cost < ev.find((e) => e.event === 'progress')!.cost, 'the mean squared error goes down');
  });
});

describe('other commands', () => {
  test('gradcheck passes on the default network and reports the difference', () => {
    const r = dnn(['gradcheck', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [e] = events(r.stdout);
    assert.ok(e.difference < 2e-7 && e.difference > 0, `difference ${e.difference}`);
    assert.equal(e.ok, true);
  });

  test('gradcheck --help: the usage names every flag, and the defaults are gradcheck\'s own', () => {
    const help = dnn(['gradcheck', '--help']).stdout;
    const usage = help.split('\n')[0];
    for (const flag of ['--layers', '--hidden', '--output', '--examples', '--seed', '--epsilon']) assert.ok(usage.includes(`[${flag} `), `usage lacks ${flag}: ${usage}`);
    assert.doesNotMatch(help, /from the labels/, 'gradcheck draws its labels; the output does not come from them');
    assert.match(help, /--output ACT +output: sigmoid \(default\)/);
    const softmax = events(dnn(['gradcheck', '--output', 'softmax', '--json']).stdout)[0];
    assert.deepEqual(softmax.layers, [4, 5, 3, 3]);
    assert.match(help, /--layers N0,\.\.\.,NL +layer sizes \(default 4,5,3,1; 4,5,3,3 with --output softmax\)/);
  });

  test('gradcheck refuses --hidden on a network without a hidden layer', () => {
    const r = dnn(['gradcheck', '--layers', '4,1', '--hidden', 'tanh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hidden tanh: --layers 4,1 has no hidden layer; add one, e\.g\. --layers 4,5,1/);
    assert.equal(dnn(['gradcheck', '--layers', '4,3,1', '--hidden', 'tanh']).code, 0);
  });

  test('an unknown command or a missing model argument is exit code 2', () => {
    const r = dnn(['fit']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "fit"; the commands are train, evaluate, predict, gradcheck, info/);
    const e = dnn(['evaluate']);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /dnn evaluate needs a model file/);
  });
});

describe('the command line before a command', () => {
  test('an unknown command ends stdout with an error event in JSON mode, like any other failure', () => {
    const r = dnn(['fit', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(events(r.stdout), [{ event: 'error', message: 'unknown command "fit"; the commands are train, evaluate, predict, gradcheck, info (see dnn --help)', code: 2 }]);
  });

  test('no command: the usage goes to stderr, exit code 2, stdout stays empty', () => {
    const r = dnn([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^dnn \S+: .*\n\nUsage: dnn <command> \[options\]/);
  });

  test('dnn help COMMAND shows the command\'s help', () => {
    const r = dnn(['help', 'train']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: dnn train /);
    assert.match(r.stdout, /--batch-size N/);
  });
});

describe('--dtype and --threads', () => {
  test('--dtype float32 trains in float32, saves float32 weights and evaluates them as saved', () => {
    const path = join(tmp.dir, 'small32.dnn');
    const r = dnn(['train', '--data', csv, '--split', '0.25', ...SMALL, '--dtype', 'float32', '--out', path, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const done = events(r.stdout).at(-1)!;
    const bytes = readFileSync(path);
    const info = events(dnn(['info', path, '--json']).stdout)[0];
    assert.equal(info.dtype, 'float32');
    // 2-4-1: 17 parameters of 4 bytes, then the 32-byte checksum.
    assert.equal(info.parameterCount, 17);
    const headerLength = bytes.readUInt32LE(12);
    assert.equal(bytes.length, 16 + headerLength + 17 * 4 + 32);
    const e = events(dnn(['evaluate', path, '--data', csv, '--split', '0.25', '--json']).stdout)[0];
    assert.equal(e.cost, done.test_cost, 'the float32 model scores the same after loading');
    assert.equal(e.accuracy, done.test_accuracy);
    // The same run in float64 agrees to float32 precision, but not bit for bit.
    const d64 = events(dnn(['train', '--data', csv, '--split', '0.25', ...SMALL, '--json']).stdout).at(-1)!;
    assert.ok(Math.abs(d64.train_cost - done.train_cost) < 1e-5 * d64.train_cost, `float64 ${d64.train_cost} vs float32 ${done.train_cost}`);
    assert.notEqual(d64.train_cost, done.train_cost);
  });

  test('values beyond float32\'s range are a data error for a float32 model, not a NaN cost', () => {
    const path = write(tmp.dir, 'beyond-float32.csv', 'x1,x2,label\n1,0,1\n-1,0,0\n2,1e39,1\n-2,1,0\n');
    const r = dnn(['train', '--data', path, ...SMALL, '--dtype', 'float32']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^dnn: \S*beyond-float32\.csv: X has 1e\+39 at example 2, feature 1, beyond float32's range \(±3\.4e\+38\); use --dtype float64\n$/);
    const model = join(tmp.dir, 'range32.dnn');
    assert.equal(dnn(['train', '--data', csv, ...SMALL, '--dtype', 'float32', '--out', model]).code, 0);
    for (const command of ['evaluate', 'predict']) {
      const e = dnn([command, model, '--data', path]);
      assert.equal(e.code, 2, `${command}: ${e.stdout}`);
      assert.match(e.stderr, /beyond-float32\.csv: X has 1e\+39 at example 2, feature 1, beyond float32's range .*this model is float32/);
    }
  });

  test('--threads changes nothing in the results', () => {
    // MNIST in batches of 1000: products large enough to be split between threads.
    const run = (threads: string) => {
      const r = dnn(['train', '--epochs', '1', '--batch-size', '1000', '--threads', threads, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return events(r.stdout).at(-1)!;
    };
    const one = run('1'), three = run('3');
    assert.equal(one.train_cost, three.train_cost);
    assert.equal(one.test_cost, three.test_cost);
    assert.equal(one.test_accuracy, three.test_accuracy);
  });

  test('bad values are exit code 2 with the allowed values', () => {
    const d = dnn(['train', '--dtype', 'float16']);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /--dtype is "float16"; it must be one of float64, float32/);
    const t = dnn(['evaluate', 'm.dnn', '--threads', '0']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--threads is 0; it must be a whole number of threads from 1 to 64/);
    // More threads than the pool has workers for, or a product's chunk table can split for, are an error.
    const many = dnn(['train', '--epochs', '1', '--threads', '256']);
    assert.equal(many.code, 2, many.stderr);
    assert.match(many.stderr, /^dnn: --threads is 256; it must be a whole number of threads from 1 to 64\n$/);
  });
});

describe('class names in CSV labels keep the training data\'s numbering', () => {
  // cat/dog by the sign of x1; dogs.csv holds only dogs, which alone would be numbered 0.
  const animals = (m: number, seed: number, only?: 'cat' | 'dog') => {
    const rng = new RandomState(seed);
    const lines = ['x1,x2,animal'];
    for (let j = 0; j < m; j++) {
      let a = rng.standardNormal();
      const b = rng.standardNormal();
      if (only) a = only === 'dog' ? Math.abs(a) + 0.5 : -Math.abs(a) - 0.5;
      lines.push(`${a},${b},${a > 0 ? 'dog' : 'cat'}`);
    }
    return lines.join('\n') + '\n';
  };
  let model: string, dogs: string, train: string;
  before(() => {
    train = write(tmp.dir, 'animals.csv', animals(100, 5));
    dogs = write(tmp.dir, 'dogs.csv', animals(20, 6, 'dog'));
    model = join(tmp.dir, 'animals.dnn');
    const r = dnn(['train', '--data', train, '--layers', '2,4,1', '--lr', '0.5', '--iterations', '200', '--out', model, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(events(r.stdout).at(-1)!.train_accuracy > 0.95);
  });

  test('evaluate and predict read the names with the model\'s classes', () => {
    const e = dnn(['evaluate', model, '--data', dogs, '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(events(e.stdout)[0].correct, 20);
    const p = dnn(['predict', model, '--data', dogs]);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual([...new Set(p.stdout.trim().split('\n'))], ['1']);
  });

  test('--test reads the names with the training data\'s classes', () => {
    const r = dnn(['train', '--data', train, '--test', dogs, '--layers', '2,4,1', '--lr', '0.5', '--iterations', '200', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Math.abs(events(r.stdout).at(-1)!.test_accuracy - 1) < 1e-12);
  });

  test('a class the model does not know is an error naming the line and the classes', () => {
    const path = write(tmp.dir, 'horse.csv', 'x1,x2,animal\n-1,0,cat\n1,0,horse\n');
    const r = dnn(['evaluate', model, '--data', path]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^dnn: .*horse\.csv: line 3 \(example 2\), column "animal": "horse" is not one of the model's classes \(cat, dog\)\n$/);
  });
});
