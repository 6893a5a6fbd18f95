/**
 * The networks the `dnn` command trains, saves and loads: `Model`s (the
 * practical API), made from flags or from a model file's header.
 *
 * Legend: X (n[0], m) examples as columns; Y (1, m) labels (class indices for
 * softmax); the parameters are one arena W1, b1, ..., WL, bL (the model
 * file's layout).
 */
import type { DType, FloatArray } from '../matrix.ts';
import type { Kernels } from '../kernels/types.ts';
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
export const DTYPES: readonly DType[] = ['float64', 'float32'];

export interface NetSpec {
  inputSize: number;
  layers: LayerHeader[];
  dtype: DType;
  init: Init;
  seed: number;
}

/** The spec fields of a model file header. */
export type SpecFields = Pick<ModelHeader, 'inputSize' | 'layers' | 'dtype' | 'init' | 'seed' | 'loss' | 'parameterShapes' | 'parameterCount'>;

/** A new network with freshly initialised parameters. */
export function createModel(spec: NetSpec): Model<DType> {
  return new Model<DType>({ inputSize: spec.inputSize, layers: spec.layers as LayerSpec[], init: spec.init, seed: spec.seed, dtype: spec.dtype });
}

/** The network a model file holds, in the file's dtype, with its parameters. */
export function modelFromFile(header: ModelHeader, weights: ArrayLike<number>, kernels: Kernels<FloatArray>): Model<DType> {
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
  return Model.fromSpec<DType>(spec, weights, { kernels });
}

/** The model file header fields that describe the network (everything but the values). */
export function specFields(model: Model<DType>): SpecFields {
  const { inputSize, layers, dtype, init, seed, loss, parameterShapes, parameterCount } = model.toSpec();
  return { inputSize, layers, dtype, init, ...(seed !== undefined && { seed }), loss, parameterShapes, parameterCount };
}
