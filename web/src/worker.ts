/**
 * The training worker: holds the data and the trainer, trains in short
 * chunks while playing (so pause and step messages are heard between
 * chunks and the page never waits on the math), and after each chunk sends
 * a snapshot of the costs, accuracies, weights and the activation pictures.
 */
import { Matrix } from '../../src/browser.ts';
import type { PlaygroundConfig } from './config.ts';
import { gridPoints, makeData } from './data.ts';
import type { FromWorker, SnapshotMessage, ToWorker } from './protocol.ts';
import { createTrainer, type PlaygroundTrainer } from './trainer.ts';

/** Milliseconds of training between two snapshots while playing. */
const CHUNK_MS = 30;

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };

let config: PlaygroundConfig | undefined;
let generation = 0;
let control = 0;
let grids = { boundary: 48, neuron: 20 };
let state: { trainer: PlaygroundTrainer; trainX: Matrix; trainY: Matrix; testX: Matrix; testY: Matrix; boundaryX: Matrix; neuronX: Matrix } | undefined;
let playing = false;
let scheduled = false;
let perCall = 1;

scope.onmessage = (e) => {
  try {
    handle(e.data);
  } catch (err) {
    playing = false;
    scope.postMessage({ type: 'error', generation, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};

function handle(msg: ToWorker): void {
  control = msg.control;
  switch (msg.type) {
    case 'init':
      config = msg.config;
      generation = msg.generation;
      grids = { boundary: msg.boundaryGrid, neuron: msg.neuronGrid };
      reset();
      break;
    case 'reset':
      reset();
      break;
    case 'play':
      playing = true;
      schedule();
      break;
    case 'pause':
      playing = false;
      send(0);
      break;
    case 'step':
      if (!state) return;
      playing = false;
      state.trainer.train(msg.count);
      send(0);
      break;
  }
}

function reset(): void {
  if (!config) return;
  const wasPlaying = playing;
  playing = false;
  state?.trainer.release();
  state = undefined;
  const data = makeData(config.data, config.train.seed);
  const trainer = createTrainer(data.trainX, data.trainY, config.hidden, config.train);
  const g = grids.boundary, n = grids.neuron;
  state = {
    trainer,
    trainX: data.trainX,
    trainY: data.trainY,
    testX: data.testX,
    testY: data.testY,
    boundaryX: new Matrix(2, g * g, gridPoints(data.extent, g)),
    neuronX: new Matrix(2, n * n, gridPoints(data.extent, n)),
  };
  perCall = 1;
  scope.postMessage({
    type: 'data',
    generation,
    trainX: Float32Array.from(data.trainX.data),
    trainY: Float32Array.from(data.trainY.data),
    testX: Float32Array.from(data.testX.data),
    testY: Float32Array.from(data.testY.data),
    extent: data.extent,
    layerDims: [...trainer.layerDims],
  });
  send(0);
  if (wasPlaying) {
    playing = true;
    schedule();
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(chunk, 0);
}

/** Trains for about CHUNK_MS, in calls of `perCall` updates sized to take about a millisecond each. */
function chunk(): void {
  scheduled = false;
  if (!playing || !state) return;
  try {
    const start = performance.now();
    let done = 0;
    while (performance.now() - start < CHUNK_MS) {
      const t0 = performance.now();
      state.trainer.train(perCall);
      done += perCall;
      const ms = performance.now() - t0;
      perCall = Math.max(1, Math.min(1000, Math.round(ms > 0 ? perCall / ms : perCall * 2)));
    }
    send(done / ((performance.now() - start) / 1000));
  } catch (err) {
    playing = false;
    scope.postMessage({ type: 'error', generation, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    return;
  }
  schedule();
}

function send(rate: number): void {
  if (!state) return;
  const { trainer } = state;
  const train = trainer.evaluate(state.trainX, state.trainY);
  const test = trainer.evaluate(state.testX, state.testY);
  // A diverged network (a batch's cost, or the training cost, NaN or Infinity) stops by itself; the page says why.
  const diverged = trainer.diverged || !Number.isFinite(train.cost);
  if (diverged) playing = false;
  const boundaryA = trainer.activations(state.boundaryX);
  const neurons = trainer.activations(state.neuronX).map((A) => Float32Array.from(A.data));
  const boundary = Float32Array.from(boundaryA[boundaryA.length - 1].data);
  const weights = trainer.weights().map((W) => ({ rows: W.rows, cols: W.cols, data: Float32Array.from(W.data) }));
  const msg: SnapshotMessage = { type: 'snapshot', generation, control, iteration: trainer.iteration, playing, diverged, train, test, boundary, neurons, weights, rate };
  scope.postMessage(msg, [boundary.buffer, ...neurons.map((a) => a.buffer), ...weights.map((w) => w.data.buffer)]);
}
