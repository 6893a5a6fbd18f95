/** The live cost curve: train (solid) and test (dashed) cost against the iteration. */
import { fit } from './canvas.ts';

export interface CostPoint {
  iteration: number;
  train: number;
  test: number;
}

export function drawCost(canvas: HTMLCanvasElement, history: readonly CostPoint[]): void {
  const { ctx, width, height } = fit(canvas);
  ctx.clearRect(0, 0, width, height);
  const left = 40, right = 8, top = 8, bottom = 20;
  const w = width - left - right, h = height - top - bottom;
  const finite = history.flatMap((p) => [p.train, p.test]).filter(Number.isFinite);
  const maxCost = Math.max(0.1, ...finite);
  const maxIt = Math.max(1, history.length ? history[history.length - 1].iteration : 1);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#59636e';
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + h);
  ctx.lineTo(left + w, top + h);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(maxCost.toFixed(2), left - 4, top);
  ctx.fillText('0', left - 4, top + h);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(String(maxIt), left + w, top + h + 4);
  ctx.textAlign = 'left';
  ctx.fillText('0', left, top + h + 4);
  const x = (it: number) => left + (it / maxIt) * w;
  const y = (c: number) => top + h - (Math.min(c, maxCost) / maxCost) * h;
  const line = (key: 'train' | 'test', colour: string, dash: number[]) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    let started = false;
    for (const p of history) {
      const c = p[key];
      if (!Number.isFinite(c)) { started = false; continue; }
      if (started) ctx.lineTo(x(p.iteration), y(c));
      else { ctx.moveTo(x(p.iteration), y(c)); started = true; }
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line('test', '#8c959f', [5, 4]);
  line('train', '#1f2328', []);
}
