/**
 * Training curves drawn as SVG by dnn itself: the cost (left axis) and, when
 * measured, the accuracy (right axis, 0 to 1) against the iteration or epoch.
 * Each curve is one `<polyline data-series="NAME">` with one point per
 * recorded value, so the file can be checked as well as looked at.
 */

export interface Series {
  /** Legend text, e.g. "cost" or "test accuracy". */
  name: string;
  /** (x, y) points in order of x. */
  points: readonly (readonly [number, number])[];
  /** Which y axis: 'left' (cost) or 'right' (accuracy, 0 to 1). */
  axis: 'left' | 'right';
  color?: string;
  dashed?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];
const FONT = "font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\"";

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): { ticks: number[]; lo: number; hi: number; step: number } {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((s) => s * mag >= raw) ?? 10) * mag;
  const start = Math.floor(lo / step + 1e-9) * step, end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, lo: start, hi: end, step };
}

function label(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (String(step / 10 ** Math.floor(Math.log10(step))).includes('.') ? 1 : 0));
  return Math.abs(v) >= 1e5 ? v.toExponential(1) : v.toFixed(Math.min(decimals, 6));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The whole SVG document. */
export function renderPlotSvg(series: readonly Series[], options: PlotOptions): string {
  const W = options.width ?? 800, H = options.height ?? 480;
  const hasRight = series.some((s) => s.axis === 'right' && s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const xt = niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1, 7);
  const leftYs = series.filter((s) => s.axis === 'left').flatMap((s) => s.points.map((p) => p[1]));
  const yt = niceTicks(Math.min(0, ...leftYs), leftYs.length ? Math.max(...leftYs) : 1, 6);
  // Room for the widest cost tick (13 px digits are at most ~0.62 em wide) and, left of it, the rotated axis title.
  const tickWidth = Math.max(...yt.ticks.map((t) => label(t, yt.step).length)) * 13 * 0.62;
  const m = { left: Math.max(78, Math.ceil(tickWidth + 8 + 42)), right: hasRight ? 78 : 30, top: 70, bottom: 62 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const rt = { ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], lo: 0, hi: 1, step: 0.2 };
  const X = (x: number) => m.left + ((x - xt.lo) / (xt.hi - xt.lo)) * pw;
  const Y = (y: number, t: { lo: number; hi: number }) => m.top + ph - ((y - t.lo) / (t.hi - t.lo)) * ph;
  const f = (v: number) => Number(v.toFixed(2));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="13">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${esc(options.title)}</text>`);
  // Grid and ticks.
  out.push('<g stroke="#e3e3e3" stroke-width="1">');
  for (const t of xt.ticks) out.push(`<line x1="${f(X(t))}" y1="${m.top}" x2="${f(X(t))}" y2="${m.top + ph}"/>`);
  for (const t of yt.ticks) out.push(`<line x1="${m.left}" y1="${f(Y(t, yt))}" x2="${m.left + pw}" y2="${f(Y(t, yt))}"/>`);
  out.push('</g>');
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333" stroke-width="1"/>`);
  out.push('<g fill="#333">');
  for (const t of xt.ticks) out.push(`<text x="${f(X(t))}" y="${m.top + ph + 20}" text-anchor="middle">${label(t, xt.step)}</text>`);
  for (const t of yt.ticks) out.push(`<text x="${m.left - 8}" y="${f(Y(t, yt) + 4)}" text-anchor="end">${label(t, yt.step)}</text>`);
  if (hasRight) for (const t of rt.ticks) out.push(`<text x="${m.left + pw + 8}" y="${f(Y(t, rt) + 4)}">${t.toFixed(1)}</text>`);
  out.push('</g>');
  out.push(`<text x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle" font-size="14">${esc(options.xLabel)}</text>`);
  out.push(`<text transform="translate(22 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14">${esc(options.leftLabel)}</text>`);
  if (hasRight) out.push(`<text transform="translate(${W - 20} ${m.top + ph / 2}) rotate(90)" text-anchor="middle" font-size="14">${esc(options.rightLabel ?? 'accuracy')}</text>`);
  // Curves.
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const t = s.axis === 'left' ? yt : rt;
    const pts = s.points.map(([x, y]) => `${f(X(x))},${f(Y(y, t))}`).join(' ');
    out.push(`<polyline data-series="${esc(s.name)}" data-points="${s.points.length}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round" points="${pts}"/>`);
    if (s.points.length === 1) out.push(`<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="3" fill="${color}"/>`);
  });
  // Legend, one row between the title and the plot, right-aligned, so it never hides a curve.
  const widths = series.map((s) => 44 + s.name.length * 7.5);
  let lx = m.left + pw - widths.reduce((a, b) => a + b, 0);
  out.push('<g>');
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const y = m.top - 12;
    out.push(`<line x1="${f(lx)}" y1="${y - 4}" x2="${f(lx + 26)}" y2="${y - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${f(lx + 32)}" y="${y}">${esc(s.name)}</text>`);
    lx += widths[i];
  });
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}
