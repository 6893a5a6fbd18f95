/**
 * The practical Model API: layers, losses, initializers, optimizers, the
 * training loop and its checks (re-exports only).
 */
export { Model, type ModelOptions, type ModelSpec, type ModelSpecInput, type ArrayOf, type Evaluation } from './model.ts';
export type { FitOptions, FitLength, FitSettings, FitHistory, EpochEvent, CallbackResult } from './fit.ts';
export { Trainer, type TrainerOptions, type TrainingPlan, type IterationEvent } from './trainer.ts';
export {
  tanh,
  tanhBackward,
  leakyRelu,
  leakyReluBackward,
  softmax,
  layerForward,
  layerBackward,
  LAYER_ACTIVATIONS,
  HIDDEN_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  type LayerActivation,
  type LayerSpec,
  type LeakyReluLayerSpec,
  type PlainLayerSpec,
  type LayerDescription,
  type Layer,
} from './activations.ts';
export { lossFor, outputCost, softplus, type Loss } from './losses.ts';
export { INITIALIZERS, type InitName } from './initializers.ts';
export { OPTIMIZERS, OPTIMIZER_DEFAULTS, Optimizer, learningRateAt, type OptimizerName, type OptimizerOption, type OptimizerConfig, type Decay } from './optimizers.ts';
export { randomMiniBatches } from './minibatch.ts';
export { gradientCheckModel } from './gradcheck.ts';
