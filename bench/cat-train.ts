/**
 * Child process of bench/run.ts: the full cat training, timed, with its peak
 * RSS, in a process of its own (bundled by esbuild and run by plain Node, as
 * an installed dnn runs from dist/, so tsx is not part of what is measured).
 *
 *   cat-train <mode> <iterations> [heapIterations]
 *   mode "model": Model.fit, full batch gradient descent (no dA0, workspaces
 *     made once), then a heap-stability check: heapIterations more
 *     iterations, JS heap and WebAssembly memory after a forced GC at
 *     iteration 100 and at the end.
 *   mode "steps": the course's lLayerModel (its step functions, each
 *     iteration's matrices allocated and released; no dA0, which it does not read).
 *
 * The training set is read from the raw uint8 copy (train_set_x.u8,
 * labels.json) an image at a time straight into the kernels' memory, flattened and scaled as
 * the course does (X[:, j] = image j / 255): the HDF5 reader would add its
 * own WebAssembly heap to the process, and a JS copy of X would count twice.
 * Prints one JSON line.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
// Only what the training needs (not the file readers, plots and their dependencies).
import { configureKernels, getKernels, kernelsFor } from '../src/kernels/index.ts';
import { Matrix } from '../src/matrix.ts';
import { Model } from '../src/model/model.ts';
import { lLayerModel } from '../src/steps/app.ts';
import type { WasmKernels } from '../src/kernels/wasm/index.ts';

/**
 * Peak resident set size of this process. Linux's VmHWM is this program's own;
 * getrusage's maxRSS (the fallback) also counts the parent's pages this
 * process was forked with before it started Node, which made a child of a
 * large benchmark process look larger than it is.
 */
function peakResidentBytes(): number {
  return statusBytes('VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

/** A field of Linux's /proc/self/status in bytes (undefined elsewhere). */
function statusBytes(field: string): number | undefined {
  if (!existsSync('/proc/self/status')) return undefined;
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : undefined;
}

const baselineRss = process.memoryUsage().rss;
// The resident set splits into file pages (Node's executable, shared with every
// Node process) and anonymous pages, the process's own: heaps, compiled code,
// WebAssembly memory, worker isolates.
const baselineAnon = statusBytes('RssAnon');
const [mode, iterationsArg, heapArg, dataDir] = process.argv.slice(2);
const iterations = Number(iterationsArg ?? 2500);
const heapIterations = Number(heapArg ?? 1000);
const gc = (globalThis as any).gc as (() => void) | undefined;

configureKernels({ threads: process.env.DNN_THREADS ? Number(process.env.DNN_THREADS) : undefined });
const k = kernelsFor('float64');
const runtime = (k as WasmKernels<Float64Array>).runtime;

const labels = JSON.parse(readFileSync(join(dataDir, 'labels.json'), 'utf8')).train_set_y as number[];
const m = labels.length, n = 64 * 64 * 3;
const X = k.matrix(n, m);
// One image at a time, so the file's 2.5 MB never sit in memory beside X.
const image = new Uint8Array(n);
const fd = openSync(join(dataDir, 'train_set_x.u8'), 'r');
try {
  const bytes = fstatSync(fd).size;
  if (bytes !== n * m) throw new Error(`bench/cat-train.ts: train_set_x.u8 holds ${bytes} bytes, expected ${m} images of ${n}`);
  for (let j = 0; j < m; j++) {
    readSync(fd, image, 0, n, j * n);
    for (let i = 0; i < n; i++) X.data[i * m + j] = image[i] / 255;
  }
} finally {
  closeSync(fd);
}
const Y = new Matrix(1, m, Float64Array.from(labels));
const dims = [12288, 20, 7, 5, 1];

// What the training needs, in float64: X, parameters and their gradients, and
// per layer Z, A, dZ and dA (m columns each).
let params = 0, acts = 0;
for (let l = 1; l < dims.length; l++) { params += dims[l] * (dims[l - 1] + 1); acts += dims[l] * m; }
const neededBytes = 8 * (n * m + 2 * params + 4 * acts);

const layers = [{ units: 20, activation: 'relu' }, { units: 7, activation: 'relu' }, { units: 5, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] as const;
const fitOptions = { batchSize: m, optimizer: 'gd', learningRate: 0.0075, shuffle: false } as const;

const t0 = performance.now();
const firstCost = mode === 'steps'
  ? lLayerModel(X, Y, dims, { learningRate: 0.0075, numIterations: iterations }).costs[0]
  : new Model({ inputSize: n, layers: [...layers], init: 'lecun', seed: 1 }).fit(X, Y, { ...fitOptions, iterations }).costs[0];
const seconds = (performance.now() - t0) / 1000;
const peakRss = peakResidentBytes();
// The process's own pages after training: WebAssembly memory never shrinks, but V8's heaps may
// have given pages back since the peak, so this is not a peak.
const endAnon = statusBytes('RssAnon');
// Everything the training placed in kernel memory at its peak: X, parameters,
// gradients, activations and the workspaces (packing buffers, scratch).
const kernelHighWater = runtime?.highWaterBytes() ?? 0;

// Heap stability: no allocation per iteration once the workspaces exist. After
// a forced collection at iteration 100, the JS heap's growth by the end, before
// the next forced collection, is what the iterations allocated, as long as no
// collection ran in between (counted by a gc observer).
let heap: object | undefined;
if (mode === 'model' && heapIterations > 0) {
  const collections: number[] = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) collections.push(e.startTime); });
  observer.observe({ entryTypes: ['gc'] });
  const sample = () => {
    const heapBeforeGc = process.memoryUsage().heapUsed, gcStart = performance.now();
    gc?.();
    return { gcStart, gcEnd: performance.now(), heapBeforeGc, heapUsed: process.memoryUsage().heapUsed, wasmBytes: runtime?.bytesInUse() ?? 0, wasmMemory: runtime?.memory.buffer.byteLength ?? 0 };
  };
  const first = Math.min(100, heapIterations);
  let at100 = sample();
  let atEnd = at100;
  // Both samples inside the training (fit gives its workspaces back when it returns).
  new Model({ inputSize: n, layers: [...layers], seed: 1 }).fit(X, Y, {
    ...fitOptions, iterations: heapIterations,
    onIteration: ({ iteration }) => {
      if (iteration === first - 1) at100 = sample();
      if (iteration === heapIterations - 1) atEnd = sample();
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 10)); // the observer reports after the synchronous loop
  observer.disconnect();
  const between = collections.filter((t) => t > at100.gcEnd && t < atEnd.gcStart).length;
  heap = {
    iterations: heapIterations, at100, atEnd, measured: heapIterations - first,
    collections: between, grownBytes: atEnd.heapBeforeGc - at100.heapUsed,
  };
}

console.log(JSON.stringify({ mode, kernels: getKernels().name, threads: runtime?.threads ?? 1, iterations, seconds, firstCost, peakRss, baselineRss, baselineAnon, endAnon, xBytes: X.data.byteLength, neededBytes, kernelHighWater, gcExposed: !!gc, heap }));
runtime?.shutdown();
