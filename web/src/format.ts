/** How the page writes the numbers it shows. */

/**
 * A cost or accuracy with `digits` decimals. A value that is not finite (a
 * diverged network's cost, an accuracy of outputs that overflowed) shows as
 * a dash: the status line says why, and "NaN" or "Infinity" explains nothing.
 */
export function formatMetric(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
