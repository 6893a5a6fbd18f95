/**
 * Child process of bench/run.ts: the full cat training with the course's
 * step functions (lLayerModel, float64, default kernels) — wall time and
 * peak RSS — then the same training with Model.fit, and a heap-stability
 * check: 1000 Model.fit iterations, JS heap and WebAssembly memory measured
 * after a forced GC at iteration 100 and at the end.
 *
 * Usage: node --expose-gc --import tsx bench/cat-train.ts <iterations> <heapIterations>
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configureKernels, getKernels, kernelsFor, lLayerModel, Matrix, Model } from '../src/index.ts';
import type { WasmKernels } from '../src/kernels/wasm/index.ts';
import { CAT_DIR } from '../test/helpers.ts';

/**
 * The training set from the raw uint8 copy (train_set_x.u8, labels.json), flattened
 * and scaled as the course does: X[:, j] = image j / 255. The HDF5 reader would add
 * its own WebAssembly heap (several hundred MB of RSS) to the process measured here.
 */
function loadRawCat(): { trainX: Matrix; trainY: Matrix } {
  const raw = readFileSync(join(CAT_DIR, 'train_set_x.u8'));
  const labels = JSON.parse(readFileSync(join(CAT_DIR, 'labels.json'), 'utf8')).train_set_y as number[];
  const m = labels.length, n = raw.length / m;
  const X = new Float64Array(n * m);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) X[i * m + j] = raw[j * n + i] / 255;
  return { trainX: new Matrix(n, m, X), trainY: new Matrix(1, m, Float64Array.from(labels)) };
}

const baselineRss = process.memoryUsage().rss;
const iterations = Number(process.argv[2] ?? 2500);
const heapIterations = Number(process.argv[3] ?? 1000);
const gc = (globalThis as any).gc as (() => void) | undefined;

configureKernels({ threads: process.env.DNN_THREADS ? Number(process.env.DNN_THREADS) : undefined });
const { trainX, trainY } = loadRawCat();
const t0 = performance.now();
const { costs } = lLayerModel(trainX, trainY, [12288, 20, 7, 5, 1], { learningRate: 0.0075, numIterations: iterations });
const seconds = (performance.now() - t0) / 1000;
const rssAfterTraining = process.resourceUsage().maxRSS * 1024;

// The same training through the Model (no dA0, workspaces made once).
const k = kernelsFor('float64');
const runtime = (k as WasmKernels<Float64Array>).runtime;
const layers = [{ units: 20, activation: 'relu' }, { units: 7, activation: 'relu' }, { units: 5, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] as const;
const fitOptions = { batchSize: trainX.cols, optimizer: 'gd', learningRate: 0.0075, shuffle: false } as const;
const t1 = performance.now();
new Model({ inputSize: 12288, layers: [...layers], seed: 1 }).fit(trainX, trainY, { ...fitOptions, iterations });
const modelSeconds = (performance.now() - t1) / 1000;

// Heap stability: no allocation per iteration once the workspaces exist.
const sample = () => {
  gc?.();
  return { heapUsed: process.memoryUsage().heapUsed, wasmBytes: runtime?.bytesInUse() ?? 0, wasmMemory: runtime?.memory.buffer.byteLength ?? 0 };
};
let at100 = sample();
new Model({ inputSize: 12288, layers: [...layers], seed: 1 }).fit(trainX, trainY, {
  ...fitOptions, iterations: heapIterations,
  onIteration: ({ iteration }) => { if (iteration === Math.min(100, heapIterations) - 1) at100 = sample(); },
});
const atEnd = sample();

// What the training needs: X, parameters and gradients, activations, Z, dA, dZ (float64).
const dims = [12288, 20, 7, 5, 1], m = 209;
let params = 0, acts = 0;
for (let l = 1; l < dims.length; l++) { params += dims[l] * (dims[l - 1] + 1); acts += dims[l] * m; }
const needed = 8 * (dims[0] * m + 2 * params + 4 * acts + dims[0] * m /* dA1, the step functions' dA0 */);

console.log(JSON.stringify({
  kernels: getKernels().name, iterations, seconds, modelSeconds, firstCost: costs[0],
  peakRss: rssAfterTraining, baselineRss, neededBytes: needed, gcExposed: !!gc,
  heap: { iterations: heapIterations, at100, atEnd },
}));
runtime?.shutdown();
