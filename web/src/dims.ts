/**
 * The tutorial's "核对矩阵的维数" (check the matrix dimensions), for the
 * current network: W[l] (n[l], n[l-1]), b[l] (n[l], 1), Z[l] and A[l]
 * (n[l], m) once vectorized over m examples, dW[l] like W[l], db[l] like b[l].
 */

export interface DimensionRow {
  /** Layer number l, 1..L. */
  layer: number;
  W: [number, number];
  b: [number, number];
  Z: [number, number];
  A: [number, number];
  dW: [number, number];
  db: [number, number];
}

/** One row per layer l = 1..L of `layerDims` = [n[0], ..., n[L]], with m examples. */
export function dimensionRows(layerDims: readonly number[], m: number): DimensionRow[] {
  const rows: DimensionRow[] = [];
  for (let l = 1; l < layerDims.length; l++) {
    const n = layerDims[l], nPrev = layerDims[l - 1];
    rows.push({ layer: l, W: [n, nPrev], b: [n, 1], Z: [n, m], A: [n, m], dW: [n, nPrev], db: [n, 1] });
  }
  return rows;
}

/** `(r, c)`, as NumPy prints a shape. */
export function shape([r, c]: readonly [number, number]): string {
  return `(${r}, ${c})`;
}
