/**
 * The course's cat / non-cat data: 209 training and 50 test images of
 * 64×64×3 pixels, labels 1 (cat) and 0 (non-cat).
 */
import { join } from 'node:path';
import type { Matrix } from '../matrix.ts';
import { DataError } from '../errors.ts';
import { loadH5Dataset } from './h5.ts';

export interface CatData {
  /** (12288, 209) training images, pixels / 255, one image per column. */
  trainX: Matrix;
  /** (1, 209) training labels. */
  trainY: Matrix;
  /** (12288, 50) test images. */
  testX: Matrix;
  /** (1, 50) test labels. */
  testY: Matrix;
  /** ["non-cat", "cat"] */
  classes: string[];
  /** [64, 64, 3]: one picture's (num_px, num_px, 3), `train_x_orig.shape[1:]`; num_px = imageShape[0]. */
  imageShape: number[];
}

/**
 * Loads `train_catvnoncat.h5` and `test_catvnoncat.h5` from `dir`, flattened
 * and scaled as the course's application does.
 * @param dir - the directory of the two files; `datasets`, relative to the
 *   working directory, as the course's `load_data()` reads them, by default
 */
export async function loadCatData(dir = 'datasets'): Promise<CatData> {
  if (typeof dir !== 'string') throw new DataError(`loadCatData: dir is ${String(dir)}; give the directory holding train_catvnoncat.h5 and test_catvnoncat.h5`);
  const train = await loadH5Dataset(join(dir, 'train_catvnoncat.h5'), { xKey: 'train_set_x', yKey: 'train_set_y', classesKey: 'list_classes' });
  const test = await loadH5Dataset(join(dir, 'test_catvnoncat.h5'), { xKey: 'test_set_x', yKey: 'test_set_y', classesKey: 'list_classes' });
  return { trainX: train.X, trainY: train.Y, testX: test.X, testY: test.Y, classes: test.classes ?? train.classes ?? ['non-cat', 'cat'], imageShape: train.exampleShape.slice() };
}
