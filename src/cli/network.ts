/**
 * The network the `dnn` command trains, saves and loads, behind the few
 * operations the command needs (create, fit, predict, cost, parameters).
 *
 * Legend: X (n[0], m) examples as columns; Y (1, m) labels; the parameters
 * are one arena W1, b1, ..., WL, bL (the model file's layout).
 */
import { OptionError } from '../errors.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { Activation } from '../kernels/types.ts';
import { Arena, layerEntries, type Parameters } from '../parameters.ts';
import { appInitializeParametersDeep, initializeParametersDeep, allocateParameters } from '../steps/initialize.ts';
import { computeCost, lModelBackward, lModelForward, updateParameters } from '../steps/model.ts';
import type { LayerHeader, ModelHeader } from '../io/modelfile.ts';

export type Output = 'sigmoid' | 'softmax' | 'linear';
export type Hidden = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid';
export type Init = 'he' | 'lecun' | 'xavier' | 'small';
export type Optimizer = 'gd' | 'momentum' | 'rmsprop' | 'adam';

export const OUTPUTS: readonly Output[] = ['sigmoid', 'softmax', 'linear'];
export const HIDDENS: readonly Hidden[] = ['relu', 'leakyRelu', 'tanh', 'sigmoid'];
export const INITS: readonly Init[] = ['he', 'lecun', 'xavier', 'small'];
export const OPTIMIZERS: readonly Optimizer[] = ['gd', 'momentum', 'rmsprop', 'adam'];

export interface NetSpec {
  inputSize: number;
  layers: LayerHeader[];
  dtype: DType;
  init: Init;
  seed: number;
}

export interface FitOptions {
  /** Gradient steps; with `batchSize` undefined each uses every example. */
  iterations?: number;
  epochs?: number;
  batchSize?: number;
  optimizer: Optimizer;
  learningRate: number;
  l2: number;
  keepProb: number;
  seed: number;
  /** Evaluated after every epoch (its accuracy is reported to onEpoch). */
  validation?: { X: Matrix; Y: Matrix };
  /** After every gradient step, with the cost of that step's forward pass (before the update). */
  onIteration(iteration: number, cost: number, examples: number, accuracy?: number): void;
  /** After every epoch (1-based), with the mean cost of its steps and the validation accuracy. */
  onEpoch?(epoch: number, cost: number, validationAccuracy?: number): void;
}

export interface Net {
  /** [n[0], ..., n[L]] */
  readonly layerDims: readonly number[];
  /** The parameters W1, b1, ..., WL, bL in one array (a view, not a copy). */
  weights(): FloatArray;
  fit(X: Matrix, Y: Matrix, options: FitOptions): void;
  /** (n[L], m) outputs: probabilities for sigmoid/softmax, values for linear. */
  predict(X: Matrix): Matrix<FloatArray>;
  /** The loss of the output layer on (X, Y). */
  cost(X: Matrix, Y: Matrix): number;
  /** The serializable description a model file's header is built on (everything but the values). */
  toSpec(): SpecFields;
}

/** The spec fields of a model file header. */
export type SpecFields = Pick<ModelHeader, 'inputSize' | 'layers' | 'dtype' | 'init' | 'seed' | 'loss' | 'parameterShapes' | 'parameterCount'>;

/** A new network with freshly initialised parameters. */
export function createNet(spec: NetSpec): Net {
  return new StepsNet(spec, true);
}

/** Training stopped because the cost stopped being a finite number. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** A network with the given parameters (from a model file). */
export function netWithWeights(header: ModelHeader, weights: FloatArray): Net {
  const spec: NetSpec = { inputSize: header.inputSize, layers: header.layers, dtype: header.dtype, init: header.init as Init, seed: header.seed ?? 1 };
  const net = new StepsNet(spec, false);
  net.weights().set(weights);
  return net;
}

/**
 * The course's L-layer network run by the step functions: hidden layers of
 * one activation, a sigmoid output, gradient descent on all examples.
 */
class StepsNet implements Net {
  readonly layerDims: number[];
  private readonly parameters: Parameters;
  private readonly hidden: Activation;

  constructor(readonly spec: NetSpec, initialise: boolean) {
    this.layerDims = [spec.inputSize, ...spec.layers.map((l) => l.units)];
    const L = spec.layers.length;
    const out = spec.layers[L - 1].activation;
    const hidden = new Set(spec.layers.slice(0, -1).map((l) => l.activation));
    if (out !== 'sigmoid') throw new OptionError(`--output ${out} is not available in this build; use --output sigmoid`);
    if (hidden.size > 1) throw new OptionError('all hidden layers must share one activation');
    this.hidden = ([...hidden][0] ?? 'relu') as Activation;
    if (spec.dtype !== 'float64') throw new OptionError(`dtype ${spec.dtype} is not available in this build; use float64`);
    if (!initialise) this.parameters = allocateParameters(this.layerDims);
    else if (spec.init === 'lecun') this.parameters = appInitializeParametersDeep(this.layerDims, { seed: spec.seed });
    else if (spec.init === 'small') this.parameters = initializeParametersDeep(this.layerDims, { seed: spec.seed });
    else throw new OptionError(`--init ${spec.init} is not available in this build; use lecun or small`);
  }

  weights(): FloatArray {
    return Arena.of(layerEntries(this.parameters, this.spec.layers.length))!.data;
  }

  fit(X: Matrix, Y: Matrix, o: FitOptions): void {
    if (o.optimizer !== 'gd') throw new OptionError(`--optimizer ${o.optimizer} is not available in this build; use gd`);
    if (o.batchSize !== undefined && o.batchSize < X.cols) throw new OptionError('--batch-size is not available in this build; every step uses all examples');
    if (o.l2 !== 0 || o.keepProb !== 1) throw new OptionError('--l2 and --keep-prob are not available in this build');
    const iterations = o.iterations ?? o.epochs ?? 0;
    for (let i = 0; i < iterations; i++) {
      const [AL, caches] = lModelForward(X, this.parameters, this.hidden);
      const cost = computeCost(AL, Y);
      if (!Number.isFinite(cost)) throw new DivergedError(`the cost became ${cost} at iteration ${i}`);
      o.onIteration(i, cost, X.cols);
      const grads = lModelBackward(AL, Y, caches, this.hidden);
      updateParameters(this.parameters, grads, o.learningRate);
      if (o.epochs !== undefined) o.onEpoch?.(i + 1, cost);
    }
  }

  predict(X: Matrix): Matrix {
    return lModelForward(X, this.parameters, this.hidden)[0];
  }

  cost(X: Matrix, Y: Matrix): number {
    return computeCost(this.predict(X), Y);
  }

  toSpec(): SpecFields {
    const { inputSize, layers, dtype, init, seed } = this.spec;
    return { inputSize, layers, dtype, init, seed, loss: 'binaryCrossEntropy', parameterShapes: Arena.layerShapes(this.layerDims), parameterCount: this.weights().length };
  }
}
