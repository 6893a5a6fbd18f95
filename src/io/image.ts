/**
 * A picture of one's own as one example column, as the cat application's
 * last cell makes it:
 *
 *   image = np.array(Image.open(fname).resize((num_px, num_px)))
 *   image = image / 255.
 *   image = image.reshape((1, num_px * num_px * 3)).T
 *
 * The file (PNG, JPEG, GIF or WebP) is decoded and scaled by resvg, the
 * renderer dnn already uses for its plots: drawn into a num_px × num_px
 * picture, stretched as PIL's `resize` stretches it. resvg smooths
 * differently from PIL's resampling, so the pixels of a resized picture
 * can differ from the course's by a few levels; a picture already
 * num_px × num_px comes through unchanged. Transparent parts count as black.
 */
import { readFileSync } from 'node:fs';
import { DataError, ShapeError } from '../errors.ts';
import { Matrix } from '../matrix.ts';

const FORMATS: [mime: string, test: (b: Uint8Array) => boolean][] = [
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38],
  ['image/webp', (b) => String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'],
];

/**
 * Reads a picture as the course's (num_px · num_px · 3, 1) column: pixels
 * row by row, each pixel's red, green and blue, divided by 255, the order
 * of `loadCatData`'s columns (`X_orig.reshape(m, -1).T / 255`).
 * @param path - a PNG, JPEG, GIF or WebP file
 * @param numPx - side of the square the picture is resized to (64 for the cat data)
 * @returns (numPx · numPx · 3, 1) column of values in [0, 1]
 */
export async function loadImage(path: string, numPx = 64): Promise<Matrix> {
  if (!Number.isInteger(numPx) || numPx < 1 || numPx > 4096) {
    throw new ShapeError(`loadImage: numPx is ${numPx}; it must be an integer from 1 to 4096 (64 for the cat data)`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const mime = FORMATS.find(([, test]) => test(bytes))?.[0];
  if (!mime) throw new DataError(`${path}: not a PNG, JPEG, GIF or WebP picture`);
  const { Resvg } = await import('@resvg/resvg-js');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${numPx}" height="${numPx}">` +
    `<image width="${numPx}" height="${numPx}" preserveAspectRatio="none" href="data:${mime};base64,${bytes.toString('base64')}"/></svg>`;
  const rendered = new Resvg(svg).render();
  const rgba = rendered.pixels;
  if (rendered.width !== numPx || rendered.height !== numPx || rgba.length !== numPx * numPx * 4) {
    throw new DataError(`${path}: rendered as ${rendered.width}×${rendered.height} instead of ${numPx}×${numPx}`);
  }
  let opaque = false;
  for (let p = 3; p < rgba.length && !opaque; p += 4) opaque = rgba[p] !== 0;
  if (!opaque) throw new DataError(`${path}: the ${mime.slice(6).toUpperCase()} data could not be decoded (or the picture is fully transparent)`);
  const X = Matrix.zeros(numPx * numPx * 3, 1);
  for (let p = 0; p < numPx * numPx; p++) {
    for (let ch = 0; ch < 3; ch++) X.data[p * 3 + ch] = rgba[p * 4 + ch] / 255;
  }
  return X;
}
