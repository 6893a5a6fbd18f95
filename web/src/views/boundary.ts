/**
 * The decision boundary: the network's output probability A[L] over the
 * input plane as a heatmap (orange towards 0, blue towards 1, white at 0.5),
 * with the training points (filled) and the test points (ringed) on top.
 */
import type { Extent } from '../protocol.ts';
import { CLASS_COLORS, drawGrid, fit } from './canvas.ts';

export interface Points {
  /** (2, m) row-major */
  X: Float32Array;
  /** (1, m) labels */
  Y: Float32Array;
}

export function drawBoundary(canvas: HTMLCanvasElement, probabilities: Float32Array | undefined, g: number, extent: Extent, train: Points, test: Points): void {
  const { ctx, width, height } = fit(canvas);
  ctx.clearRect(0, 0, width, height);
  if (probabilities) drawGrid(ctx, probabilities, g, (p) => 2 * p - 1, 0, 0, width, height, 0.55);
  else {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
  }
  const px = (x: number) => ((x - extent.x1[0]) / (extent.x1[1] - extent.x1[0])) * width;
  const py = (y: number) => ((extent.x2[1] - y) / (extent.x2[1] - extent.x2[0])) * height;
  const r = Math.max(2, Math.min(4, width / 110));
  const draw = (points: Points, filled: boolean) => {
    const m = points.Y.length;
    for (let j = 0; j < m; j++) {
      const colour = CLASS_COLORS[points.Y[j] > 0.5 ? 1 : 0];
      ctx.beginPath();
      ctx.arc(px(points.X[j]), py(points.X[m + j]), r, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#fff';
        ctx.stroke();
      } else {
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }
  };
  draw(train, true);
  draw(test, false);
  // Axes through the origin when it is inside the picture.
  ctx.strokeStyle = 'rgba(0,0,0,0.15)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (extent.x1[0] < 0 && extent.x1[1] > 0) { ctx.moveTo(px(0), 0); ctx.lineTo(px(0), height); }
  if (extent.x2[0] < 0 && extent.x2[1] > 0) { ctx.moveTo(0, py(0)); ctx.lineTo(width, py(0)); }
  ctx.stroke();
}
