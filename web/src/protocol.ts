/**
 * Messages between the page and the training worker. Matrices travel as
 * row-major Float32Arrays (the pictures need no more precision); costs and
 * accuracies as numbers.
 */
import type { PlaygroundConfig } from './config.ts';

/** The input plane the pictures cover: [x1 min, x1 max] × [x2 min, x2 max]. */
export interface Extent {
  x1: [number, number];
  x2: [number, number];
}

export type ToWorker =
  /** Rebuild data and network; `generation` comes back on every later message, so the page can drop messages about an older configuration. */
  | { type: 'init'; generation: number; control: number; config: PlaygroundConfig; boundaryGrid: number; neuronGrid: number }
  | { type: 'play'; control: number }
  | { type: 'pause'; control: number }
  | { type: 'step'; control: number; count: number }
  | { type: 'reset'; control: number };

/** The dataset, sent once after each init: columns are examples. */
export interface DataMessage {
  type: 'data';
  generation: number;
  /** 2 × m_train, row-major (x1 row then x2 row) */
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  testY: Float32Array;
  extent: Extent;
  layerDims: number[];
}

/** The state of training, sent after every chunk of updates. */
export interface SnapshotMessage {
  type: 'snapshot';
  generation: number;
  iteration: number;
  playing: boolean;
  /** The number of the last control message (init, play, pause, step, reset) the worker had handled: the page trusts `playing` only from a snapshot that has seen its latest one. */
  control: number;
  /** Training stopped because the cost is no longer finite (the learning rate is too large). */
  diverged: boolean;
  train: { cost: number; accuracy: number };
  test: { cost: number; accuracy: number };
  /** Output probability A[L] over a boundaryGrid × boundaryGrid grid of the plane, row 0 at the top (largest x2). */
  boundary: Float32Array;
  /** For every layer l = 1..L, A[l] (n[l], g²) over a neuronGrid × neuronGrid grid, row-major. */
  neurons: Float32Array[];
  /** W[1..L], row-major, with their shapes. */
  weights: { rows: number; cols: number; data: Float32Array }[];
  /** Updates per second over the last chunk, when playing. */
  rate: number;
}

export interface ErrorMessage {
  type: 'error';
  generation: number;
  message: string;
}

export type FromWorker = DataMessage | SnapshotMessage | ErrorMessage;
