/**
 * Writing a training plot: SVG as drawn by ./svg.ts, or PNG rasterized from
 * that SVG with resvg (loaded only when a PNG is asked for). The file is
 * written atomically: on any failure no partial plot is left.
 */
import { extname } from 'node:path';
import { OptionError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { renderPlotSvg, type PlotOptions, type Series } from './svg.ts';

export { renderPlotSvg, niceTicks, type PlotOptions, type Series } from './svg.ts';

export const PLOT_FORMATS = ['.svg', '.png'] as const;

/** Throws an OptionError unless `path` ends in .svg or .png. */
export function checkPlotPath(path: string): 'svg' | 'png' {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext.slice(1) as 'svg' | 'png';
  throw new OptionError(`--plot ${path}: unknown plot format "${ext || 'no extension'}"; use a file name ending in .svg or .png`);
}

/** The plot as PNG bytes (2× the SVG's size, for sharp text). */
export async function svgToPng(svg: string, width = 1600): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

export async function writePlot(path: string, series: readonly Series[], options: PlotOptions): Promise<void> {
  const format = checkPlotPath(path);
  const svg = renderPlotSvg(series, options);
  writeFileAtomic(path, [format === 'svg' ? svg : await svgToPng(svg)]);
}
