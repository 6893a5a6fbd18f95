/**
 * The network the `dnn` command trains, saves and loads: a `Model` (the
 * practical API), behind the few operations the command needs.
 *
 * Legend: X (n[0], m) examples as columns; Y (1, m) labels (class indices for
 * softmax); the parameters are one arena W1, b1, ..., WL, bL (the model
 * file's layout).
 */
import { OptionError } from '../errors.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import { lossFor, Model, type InitName, type LayerActivation, type LayerSpec, type Loss, type ModelSpec } from '../model/index.ts';
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

/** The spec fields of a model file header. */
export type SpecFields = Pick<ModelHeader, 'inputSize' | 'layers' | 'dtype' | 'init' | 'seed' | 'loss' | 'parameterShapes' | 'parameterCount'>;

export interface Net {
  /** [n[0], ..., n[L]] */
  readonly layerDims: readonly number[];
  /** The parameters W1, b1, ..., WL, bL in one array (a view, not a copy). */
  weights(): FloatArray;
  fit(X: Matrix, Y: Matrix, options: FitOptions): void;
  /** (n[L], m) outputs: probabilities for sigmoid/softmax, values for linear. */
  predict(X: Matrix): Matrix<FloatArray>;
  /** The loss of the output layer on (X, Y), without regularisation. */
  cost(X: Matrix, Y: Matrix): number;
  /** The serializable description a model file's header is built on (everything but the values). */
  toSpec(): SpecFields;
}

/** Training stopped because the cost stopped being a finite number. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** A new network with freshly initialised parameters. */
export function createNet(spec: NetSpec): Net {
  if (spec.dtype !== 'float64') throw new OptionError(`dtype ${spec.dtype}: the dnn command trains float64 models`);
  return new ModelNet(new Model({ inputSize: spec.inputSize, layers: spec.layers as LayerSpec[], init: spec.init, seed: spec.seed, dtype: 'float64' }));
}

/** A network with the given parameters (from a model file). */
export function netWithWeights(header: ModelHeader, weights: FloatArray): Net {
  const spec: ModelSpec = {
    inputSize: header.inputSize,
    layers: header.layers as LayerSpec[],
    dtype: header.dtype,
    init: header.init as InitName,
    ...(header.seed !== undefined && { seed: header.seed }),
    loss: (header.loss ?? lossFor(header.layers[header.layers.length - 1].activation as LayerActivation)) as Loss,
    parameterShapes: header.parameterShapes ?? [],
    parameterCount: header.parameterCount,
  };
  if (!header.parameterShapes) delete (spec as Partial<ModelSpec>).parameterShapes;
  // Model files of either dtype are used in float64 (exact for float32 values).
  return new ModelNet(Model.fromSpec<'float64'>({ ...spec, dtype: 'float64' }, weights));
}

class ModelNet implements Net {
  constructor(private readonly model: Model<'float64'>) {}

  get layerDims(): readonly number[] {
    return this.model.layerDims;
  }

  weights(): FloatArray {
    return this.model.parameters.data;
  }

  fit(X: Matrix, Y: Matrix, o: FitOptions): void {
    const hidden = this.model.depth > 1;
    try {
      this.model.fit(X, Y, {
        ...(o.epochs !== undefined ? { epochs: o.epochs } : { iterations: o.iterations }),
        ...(o.batchSize !== undefined && { batchSize: o.batchSize }),
        optimizer: o.optimizer,
        learningRate: o.learningRate,
        l2: o.l2,
        ...(hidden && o.keepProb < 1 && { keepProb: o.keepProb }),
        seed: o.seed,
        ...(o.validation && { validation: o.validation }),
        onIteration: (e) => o.onIteration(e.iteration, e.cost, e.batchSize, e.accuracy),
        onEpoch: (e) => o.onEpoch?.(e.epoch + 1, e.cost, e.validationAccuracy),
      });
    } catch (e) {
      if (e instanceof OptionError && /cost became/.test(e.message)) throw new DivergedError(e.message);
      throw e;
    }
  }

  predict(X: Matrix): Matrix<FloatArray> {
    return this.model.predict(X);
  }

  cost(X: Matrix, Y: Matrix): number {
    return this.model.evaluate(X, Y).cost;
  }

  toSpec(): SpecFields {
    const { inputSize, layers, dtype, init, seed, loss, parameterShapes, parameterCount } = this.model.toSpec();
    return { inputSize, layers, dtype, init, ...(seed !== undefined && { seed }), loss, parameterShapes, parameterCount };
  }
}
