/**
 * loadImage: a picture of one's own as the course's (num_px·num_px·3, 1)
 * column, in loadCatData's pixel order, and clear errors for what it cannot read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { DataError, loadImage, RandomState, ShapeError } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'dnn-image-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An n×n PNG whose pixel (r, c) is rgb(pixel(r, c)), each pixel drawn `zoom`×`zoom`. */
function png(n: number, pixel: (r: number, c: number) => number[], zoom = 1): Buffer {
  let rects = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      rects += `<rect x="${c * zoom}" y="${r * zoom}" width="${zoom}" height="${zoom}" fill="rgb(${pixel(r, c).join(',')})" shape-rendering="crispEdges"/>`;
    }
  }
  const size = n * zoom;
  return new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${rects}</svg>`).render().asPng();
}

const rng = new RandomState(5);
const pixels = Array.from({ length: 16 }, () => Array.from({ length: 16 }, () => [0, 1, 2].map(() => rng.interval(255))));

describe('loadImage', () => {
  it('gives pixels row by row, red, green, blue, divided by 255', async () => {
    const file = join(scratch, 'pixels.png');
    writeFileSync(file, png(16, (r, c) => pixels[r][c]));
    const X = await loadImage(file, 16);
    assert.deepEqual(X.shape, [16 * 16 * 3, 1]);
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++) {
        for (let ch = 0; ch < 3; ch++) assert.equal(X.data[(r * 16 + c) * 3 + ch], pixels[r][c][ch] / 255, `pixel (${r}, ${c}) channel ${ch}`);
      }
    }
  });

  it('resizes a larger picture to num_px × num_px', async () => {
    // smooth colours, so a resampled pixel stays near its block's colour
    const smooth = (r: number, c: number) => [r * 16, c * 16, 128];
    const file = join(scratch, 'large.png');
    writeFileSync(file, png(16, smooth, 4));
    const X = await loadImage(file, 16);
    let worst = 0;
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++) {
        const want = smooth(r, c);
        for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(X.data[(r * 16 + c) * 3 + ch] * 255 - want[ch]));
      }
    }
    assert.ok(worst <= 16, `largest difference ${worst} levels`);
  });

  it('names the file it cannot read', async () => {
    await assert.rejects(loadImage(join(scratch, 'missing.jpg')), (e: unknown) => e instanceof DataError && e.message === `${join(scratch, 'missing.jpg')}: cannot be read (ENOENT)`);
    const text = join(scratch, 'notes.jpg');
    writeFileSync(text, 'not a picture');
    await assert.rejects(loadImage(text), (e: unknown) => e instanceof DataError && e.message === `${text}: not a PNG, JPEG, GIF or WebP picture`);
    const broken = join(scratch, 'broken.jpg');
    writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]));
    await assert.rejects(loadImage(broken), (e: unknown) => e instanceof DataError && e.message.startsWith(`${broken}: the JPEG data could not be decoded`));
    await assert.rejects(loadImage(broken, 0), ShapeError);
  });
});
