/**
 * What the learner sets: the data, the network and the training options.
 * Plain data, so it can be sent to the training worker as it is.
 */

export const DATASETS = ['flower', 'circles', 'xor', 'gaussians', 'spiral'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Activations a hidden layer may have (the output layer is sigmoid: binary classification). */
export const HIDDEN_ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'linear'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

export const OPTIMIZERS = ['gd', 'momentum', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface HiddenLayer {
  units: number;
  activation: HiddenActivation;
}

export interface DataConfig {
  dataset: DatasetName;
  /** The generator's noise (for the flower, the course's 0.2 on angle and radius). */
  noise: number;
  /** Share of the m examples held out for the test set. */
  testFraction: number;
}

export interface TrainConfig {
  learningRate: number;
  optimizer: OptimizerName;
  /** Examples per update; 0 means the whole training set (batch gradient descent, as the course). */
  batchSize: number;
  /** L2 regularization strength λ. */
  l2: number;
  /** Seeds the weights' initialization and the mini-batch shuffling. */
  seed: number;
}

export interface PlaygroundConfig {
  data: DataConfig;
  hidden: HiddenLayer[];
  train: TrainConfig;
}

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_UNITS = 16;
/** Examples every dataset has (the course's flower: 400). */
export const EXAMPLES = 400;

/** The default noise of each generator (see src/io/planar.ts). */
export const DEFAULT_NOISE: Record<DatasetName, number> = {
  flower: 0.2,
  circles: 0.1,
  xor: 0.3,
  gaussians: 1,
  spiral: 0.15,
};

/** The course's week-3 planar network: one hidden layer of 4 tanh units, learning rate 1.2. */
export function defaultConfig(): PlaygroundConfig {
  return {
    data: { dataset: 'flower', noise: DEFAULT_NOISE.flower, testFraction: 0.3 },
    hidden: [{ units: 4, activation: 'tanh' }],
    train: { learningRate: 1.2, optimizer: 'gd', batchSize: 0, l2: 0, seed: 1 },
  };
}

/** m, the training examples of `data`: what trainTestSplit leaves after holding out round(EXAMPLES · testFraction). */
export function trainExamples(data: DataConfig): number {
  return EXAMPLES - Math.round(EXAMPLES * data.testFraction);
}

/** [n[0], n[1], ..., n[L]]: 2 inputs, the hidden layers, 1 sigmoid output. */
export function layerDims(hidden: readonly HiddenLayer[]): number[] {
  return [2, ...hidden.map((h) => h.units), 1];
}
