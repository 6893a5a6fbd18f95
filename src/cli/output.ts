/**
 * What the `dnn` command prints. Two modes:
 * - text (stdout is a terminal, or --text): course-style lines, a live
 *   progress bar redrawn in place on a terminal, and a summary table;
 * - JSON Lines (stdout is not a terminal, or --json): one JSON object per
 *   event, `{"event":"start",...}`, `{"event":"progress",...}`, ...,
 *   `{"event":"done",...}`, and nothing else on stdout.
 * Errors always go to stderr as one line.
 */

export interface ProgressState {
  /** Iterations done so far and in total (gradient steps). */
  iteration: number;
  iterations: number;
  /** Epoch in progress (1-based) and total, when training by epochs. */
  epoch?: number;
  epochs?: number;
  cost?: number;
  accuracy?: number;
  /** Examples processed per second. */
  rate?: number;
  /** Seconds left, estimated. */
  eta?: number;
}

export class Output {
  readonly json: boolean;
  private readonly tty: boolean;
  private barShown = false;
  private lastDraw = 0;

  constructor(options: { json?: boolean; text?: boolean }, private readonly stdout: NodeJS.WriteStream = process.stdout) {
    this.tty = Boolean(stdout.isTTY);
    this.json = options.json ? true : options.text ? false : !this.tty;
  }

  /** A JSON Lines event (JSON mode only). Numbers that are not finite become null. */
  event(name: string, fields: Record<string, unknown>): void {
    if (!this.json) return;
    this.stdout.write(JSON.stringify({ event: name, ...fields }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  }

  /** A line of text (text mode only), printed above the progress bar. */
  line(text: string): void {
    if (this.json) return;
    this.clearBar();
    this.stdout.write(text + '\n');
  }

  /** Redraws the progress bar (text mode on a terminal only), at most 10 times a second unless `force`. */
  progress(p: ProgressState, force = false): void {
    if (this.json || !this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(40, Math.min(this.stdout.columns ?? 100, 140));
    const where = p.epochs ? `epoch ${p.epoch}/${p.epochs}` : `iteration ${p.iteration}/${p.iterations}`;
    const stats = [
      p.cost !== undefined ? `cost ${fmt(p.cost, 4)}` : '',
      p.accuracy !== undefined ? `acc ${fmt(p.accuracy, 4)}` : '',
      p.rate !== undefined ? `${Math.round(p.rate).toLocaleString('en-US')} ex/s` : '',
      p.eta !== undefined ? `ETA ${duration(p.eta)}` : '',
    ].filter(Boolean).join('  ');
    const barWidth = Math.max(10, width - where.length - stats.length - 12);
    const frac = p.iterations > 0 ? Math.min(1, p.iteration / p.iterations) : 1;
    const filled = Math.round(frac * barWidth);
    const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
    this.stdout.write(`\r\x1b[2K${where} ${bar} ${String(Math.floor(frac * 100)).padStart(3)}%  ${stats}`);
    this.barShown = true;
  }

  clearBar(): void {
    if (this.barShown) {
      this.stdout.write('\r\x1b[2K');
      this.barShown = false;
    }
  }

  /** A table with a header row, columns aligned (text mode only). */
  table(rows: (string | number | undefined)[][]): void {
    if (this.json) return;
    const cells = rows.map((r) => r.map((c) => (c === undefined ? '' : typeof c === 'number' ? fmt(c, 4) : c)));
    const widths = cells[0].map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
    const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('   ').trimEnd();
    this.line(line(cells[0]));
    this.line(widths.map((w) => '─'.repeat(w)).join('   '));
    for (const r of cells.slice(1)) this.line(line(r));
  }
}

/** A number with `digits` decimals, or its exponent form when tiny/huge. */
/** `n` and the word, plural unless n is 1: "1 epoch", "30 epochs". */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

export function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 10 ** -digits || Math.abs(v) >= 1e7)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** 75 -> "1m15s", 4.2 -> "4.2s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds - 60 * m);
  return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
