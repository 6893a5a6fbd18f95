/** Canvas helpers shared by the pictures. */

/** Sizes the canvas's pixels to its CSS box at the device's pixel ratio; returns a context drawing in CSS pixels. */
export function fit(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, canvas.clientWidth);
  const height = Math.max(1, canvas.clientHeight);
  const pw = Math.round(width * ratio), ph = Math.round(height * ratio);
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser gave no 2D canvas context');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

const CLASS0: [number, number, number] = [232, 113, 10];
const CLASS1: [number, number, number] = [25, 103, 210];

/** A diverging colour for t in [-1, 1]: orange (class 0, negative) through white to blue (class 1, positive). */
export function diverging(t: number, out: Uint8ClampedArray, at: number, strength = 0.75): void {
  const v = t !== t ? 0 : Math.max(-1, Math.min(1, t));
  const c = v < 0 ? CLASS0 : CLASS1;
  const w = Math.abs(v) * strength;
  out[at] = 255 + (c[0] - 255) * w;
  out[at + 1] = 255 + (c[1] - 255) * w;
  out[at + 2] = 255 + (c[2] - 255) * w;
  out[at + 3] = 255;
}

export const CLASS_COLORS = ['rgb(232,113,10)', 'rgb(25,103,210)'] as const;

/**
 * Draws a g × g grid of values (row 0 at the top) into (x, y, size, size),
 * each value mapped to [-1, 1] by `toUnit` and coloured by `diverging`.
 */
export function drawGrid(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, g: number, toUnit: (v: number) => number, x: number, y: number, w: number, h: number, strength?: number): void {
  const image = new ImageData(g, g);
  for (let k = 0; k < g * g; k++) diverging(toUnit(values[k]), image.data, 4 * k, strength);
  const off = scratch(g);
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(off, x, y, w, h);
}

const scratchCanvases = new Map<number, HTMLCanvasElement>();
function scratch(g: number): HTMLCanvasElement {
  let c = scratchCanvases.get(g);
  if (!c) {
    c = document.createElement('canvas');
    c.width = g;
    c.height = g;
    scratchCanvases.set(g, c);
  }
  return c;
}
