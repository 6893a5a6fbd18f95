/**
 * loadCatData: the course's images flattened and scaled exactly as the
 * application does (checked by the sha256 of the float64 bytes NumPy made),
 * and clear errors for a missing or malformed file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, loadCatData, loadH5Dataset } from '../src/index.ts';
import { CAT_DIR, catDataOrSkipReason, readVectors, sha256F64 } from './helpers.ts';

const skip = catDataOrSkipReason();
const scratch = mkdtempSync(join(tmpdir(), 'dnn-cat-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadCatData', { skip }, () => {
  it('matches the application: X = X_orig.reshape(m, -1).T / 255', async () => {
    const { data } = readVectors('cat_trace.json');
    const d = await loadCatData(CAT_DIR);
    assert.deepEqual(d.trainX.shape, data.train_x.shape);
    assert.deepEqual(d.testX.shape, data.test_x.shape);
    assert.deepEqual(d.trainY.shape, [1, 209]);
    assert.deepEqual(d.testY.shape, [1, 50]);
    assert.deepEqual(d.classes, data.classes);
    assert.deepEqual(d.imageShape, data.train_set_x_orig.shape.slice(1), 'imageShape is train_x_orig.shape[1:]');
    assert.deepEqual(Array.from({ length: 8 }, (_, k) => d.trainX.get(k, 0)), data.train_x.first8_of_column0);
    assert.equal(await sha256F64(d.trainX.data), data.train_x.sha256_f64le, 'train X bit-identical to NumPy');
    assert.equal(await sha256F64(d.testX.data), data.test_x.sha256_f64le, 'test X bit-identical to NumPy');
    assert.deepEqual(Array.from(d.trainY.data), data.train_y_labels);
    assert.deepEqual(Array.from(d.testY.data), data.test_y_labels);
  });

  it("reads datasets/ by default, as the course's load_data()", async () => {
    const cwd = process.cwd();
    process.chdir(scratch);
    try {
      await assert.rejects(loadCatData(), (e: unknown) => e instanceof DataError && e.message === `${join('datasets', 'train_catvnoncat.h5')}: file not found`);
    } finally {
      process.chdir(cwd);
    }
    await assert.rejects(loadCatData(7 as never), (e: unknown) => e instanceof DataError && e.message.startsWith('loadCatData: dir is 7;'));
  });

  it('a directory without the files names the missing file', async () => {
    await assert.rejects(loadCatData(scratch), (e: unknown) => e instanceof DataError && e.message === `${join(scratch, 'train_catvnoncat.h5')}: file not found`);
  });

  it('a file that is not HDF5 says so', async () => {
    writeFileSync(join(scratch, 'train_catvnoncat.h5'), 'x,y\n1,2\n');
    await assert.rejects(loadCatData(scratch), /train_catvnoncat\.h5: not an HDF5 file \(no HDF5 signature at its start\)/);
  });

  it('an HDF5 file without the expected dataset names the key and what the file has', async () => {
    copyFileSync(join(CAT_DIR, 'test_catvnoncat.h5'), join(scratch, 'train_catvnoncat.h5'));
    await assert.rejects(loadCatData(scratch), /train_catvnoncat\.h5: has no dataset "train_set_x" \(it has: list_classes, test_set_x, test_set_y\)/);
  });

  it('labels that do not match the images are rejected', async () => {
    await assert.rejects(
      loadH5Dataset(join(CAT_DIR, 'train_catvnoncat.h5'), { xKey: 'train_set_x', yKey: 'list_classes' }),
      /"list_classes" has 2 labels but "train_set_x" has 209 examples/,
    );
  });
});
