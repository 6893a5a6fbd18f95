/**
 * The network as nodes and edges. Each node is a small heatmap of that
 * unit's activation over the input plane (the inputs show x1 and x2
 * themselves); each edge is a weight W[l][i, k], blue when positive, orange
 * when negative, thicker and darker when larger in magnitude.
 */
import type { HiddenActivation } from '../config.ts';
import { drawGrid, fit } from './canvas.ts';

export interface NetworkPicture {
  /** [n[0], ..., n[L]] */
  layerDims: readonly number[];
  /** Activation of layers 1..L (the last is sigmoid). */
  activations: readonly (HiddenActivation | 'sigmoid')[];
  /** Grid size of the neuron heatmaps. */
  grid: number;
  /** x1 and x2 over the grid, each g² values. */
  inputs: [Float64Array, Float64Array];
  /** A[l] (n[l], g²) for l = 1..L, when a snapshot has come. */
  neurons?: Float32Array[];
  /** W[l] (n[l], n[l-1]) for l = 1..L. */
  weights?: { rows: number; cols: number; data: Float32Array }[];
  /** Names of the columns: input, layer l, output. */
  labels: string[];
}

export function drawNetwork(canvas: HTMLCanvasElement, pic: NetworkPicture): void {
  const { ctx, width, height } = fit(canvas);
  ctx.clearRect(0, 0, width, height);
  const dims = pic.layerDims;
  const L = dims.length - 1;
  const top = 30, bottom = 8;
  const maxUnits = Math.max(...dims);
  const colW = width / (L + 1);
  const size = Math.max(10, Math.min(44, colW * 0.42, (height - top - bottom) / maxUnits - 6));
  const gap = Math.min(14, Math.max(3, (height - top - bottom - maxUnits * size) / Math.max(1, maxUnits)));
  const cx = (l: number) => colW * (l + 0.5);
  const cy = (l: number, i: number) => {
    const total = dims[l] * size + (dims[l] - 1) * gap;
    return top + (height - top - bottom - total) / 2 + i * (size + gap) + size / 2;
  };

  // Edges under the nodes.
  if (pic.weights) {
    let maxAbs = 1e-9;
    for (const W of pic.weights) maxAbs = Math.max(maxAbs, maxAbsOf(W.data));
    for (let l = 1; l <= L; l++) {
      const W = pic.weights[l - 1];
      for (let i = 0; i < W.rows; i++) {
        for (let k = 0; k < W.cols; k++) {
          const w = W.data[i * W.cols + k];
          const style = edgeStyle(w, maxAbs);
          ctx.strokeStyle = style.colour;
          ctx.lineWidth = style.width;
          ctx.beginPath();
          ctx.moveTo(cx(l - 1) + size / 2, cy(l - 1, k));
          ctx.lineTo(cx(l) - size / 2, cy(l, i));
          ctx.stroke();
        }
      }
    }
  }

  // Nodes: heatmaps of each unit's activation over the plane.
  const g = pic.grid, g2 = g * g;
  for (let l = 0; l <= L; l++) {
    for (let i = 0; i < dims[l]; i++) {
      const x = cx(l) - size / 2, y = cy(l, i) - size / 2;
      let values: ArrayLike<number> | undefined;
      let toUnit: (v: number) => number = (v) => v;
      if (l === 0) {
        values = pic.inputs[i];
        const scale = maxAbsOf(values);
        toUnit = (v) => v / scale;
      } else if (pic.neurons) {
        values = pic.neurons[l - 1].subarray(i * g2, (i + 1) * g2);
        toUnit = unitScale(pic.activations[l - 1], values);
      }
      if (values) drawGrid(ctx, values, g, toUnit, x, y, size, size, 0.85);
      else {
        ctx.fillStyle = '#f6f8fa';
        ctx.fillRect(x, y, size, size);
      }
      ctx.strokeStyle = '#57606a';
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, size - 1, size - 1);
    }
  }

  ctx.fillStyle = '#1f2328';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let l = 0; l <= L; l++) ctx.fillText(pic.labels[l] ?? '', cx(l), 4, colW - 4);
  ctx.fillStyle = '#59636e';
  for (let l = 0; l <= L; l++) ctx.fillText(`n[${l}] = ${dims[l]}`, cx(l), 16, colW - 4);
}

/** Maps an activation's values to [-1, 1]: bounded ones by their range, unbounded ones by their largest magnitude. */
function unitScale(activation: HiddenActivation | 'sigmoid', values: ArrayLike<number>): (v: number) => number {
  switch (activation) {
    case 'sigmoid':
      return (v) => 2 * v - 1;
    case 'tanh':
      return (v) => v;
    default: {
      const scale = maxAbsOf(values);
      return (v) => v / scale;
    }
  }
}

/**
 * The line for weight w when the largest finite |weight| is `maxAbs`. A
 * diverged network's weights may be ±Infinity (drawn at full strength) or
 * NaN (grey): a canvas ignores a colour or width with NaN in it and would
 * draw the edge with whatever the previous one left.
 */
export function edgeStyle(w: number, maxAbs: number): { colour: string; width: number } {
  if (w !== w) return { colour: 'rgba(87,96,106,0.5)', width: 0.5 };
  const s = Math.min(1, Math.abs(w) / maxAbs);
  return { colour: w >= 0 ? `rgba(25,103,210,${0.15 + 0.75 * s})` : `rgba(232,113,10,${0.15 + 0.75 * s})`, width: 0.5 + 5 * s };
}

/** The largest finite |value| (at least 1e-9, so it can divide). */
export function maxAbsOf(values: ArrayLike<number>): number {
  let m = 1e-9;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (a > m && a !== Infinity) m = a;
  }
  return m;
}
