/**
 * dnn's browser-safe API (re-exports only): everything but the file loaders
 * (model files are made and read as bytes here).
 * Bundlers building for the browser import this entry (`dnn/browser`); it
 * pulls in no Node built-in and no HDF5 reader. test/browser-entry.test.ts
 * walks its imports to keep it so.
 */
export { Matrix, formatShape, assertFinite, type DType, type FloatArray } from './matrix.ts';
export { formatMatrix, type Printable } from './format.ts';
export { ShapeError, DataError, OptionError, DivergenceError } from './errors.ts';
export { RandomState, random } from './random.ts';
export { Arena, type Parameters, type Grads } from './parameters.ts';

// Compute interface
export type { Kernels, Activation, Epilogue } from './kernels/types.ts';
export { ACTIVATIONS } from './kernels/types.ts';
export { createRefKernels, refKernels } from './kernels/ref/index.ts';
export { getKernels, useKernels, kernelsFor, configureKernels, type KernelChoice } from './kernels/index.ts';
export { createWasmKernels, type WasmKernels, type WasmKernelOptions } from './kernels/wasm/index.ts';
export { WasmRuntime, wasmSimdSupported, wasmRelaxedSupported, sharedMemorySupported } from './kernels/wasm/runtime.ts';
export { pairwiseSum } from './kernels/pairwise.ts';

// The course's step functions, 1:1
export { sigmoid, sigmoidBackward, relu, reluBackward, type ActivationCache } from './steps/activations.ts';
export {
  initializeParameters,
  initializeParametersDeep,
  appInitializeParameters,
  appInitializeParametersDeep,
  allocateParameters,
  type InitOptions,
} from './steps/initialize.ts';
export {
  linearForward,
  linearBackward,
  linearActivationForward,
  linearActivationBackward,
  type LinearCache,
  type LayerCache,
} from './steps/linear.ts';
export { lModelForward, lModelBackward, computeCost, updateParameters } from './steps/model.ts';
export { twoLayerModel, lLayerModel, predict, printMislabeledImages, type TrainOptions, type TrainResult, type Prediction, type Mislabeled } from './steps/app.ts';
export { gradientCheck, gradientCheckParameters, type GradientCheckResult, type CheckedParameter } from './steps/gradcheck.ts';

// The practical Model API
export * from './model/index.ts';

// Datasets made in memory
export {
  loadPlanarDataset,
  makeCircles,
  makeXor,
  makeGaussians,
  makeSpiral,
  trainTestSplit,
  type PlanarData,
  type PlanarOptions,
  type TrainTestSplit,
} from './io/planar.ts';

// Model files as bytes (reading and writing files needs Node: readModelFile, writeModelFile)
export {
  parseModelFile,
  modelFileBytes,
  MODEL_FORMAT_VERSION,
  PARAMETER_LAYOUT,
  type ModelHeader,
  type ModelFile,
} from './io/modelformat.ts';

// Training plots as SVG (the PNG writer needs Node)
export { renderPlotSvg, type Series, type PlotOptions } from './plot/svg.ts';
