/**
 * The practical Model: layers of units and activations, trained by `fit`,
 * or one update at a time by a `Trainer` (`model.trainer`).
 *
 * Legend: examples are columns. X (n[0], m); Y (n[L], m), or (1, m) class
 * indices for a softmax output; W[l] (n[l], n[l-1]), b[l] (n[l], 1).
 *
 * A Model runs on the same compute interface and activation pairs as the
 * course's step functions (network.ts); its parameters are one arena
 * W1, b1, ..., WL, bL, so `fromSpec(toSpec(), parameters.data)` rebuilds it
 * exactly and a model file is a header plus one array.
 */
import { DataError, OptionError, ShapeError } from '../errors.ts';
import { kernelsFor } from '../kernels/index.ts';
import type { Kernels } from '../kernels/types.ts';
import { assertFinite, assertFloat32Range, Matrix, type DType, type FloatArray } from '../matrix.ts';
import { Arena } from '../parameters.ts';
import { random, RandomState } from '../random.ts';
import { expectMatrix } from '../steps/checks.ts';
import { checkSlope, DEFAULT_SLOPE, HIDDEN_ACTIVATIONS, LAYER_ACTIVATIONS, OUTPUT_ACTIVATIONS, type Layer, type LayerActivation, type LayerDescription, type LayerSpec } from './activations.ts';
import { fit, FIT_ONLY_OPTIONS, type FitHistory, type FitOptions } from './fit.ts';
import { checkInit, initializeArena, type InitName } from './initializers.ts';
import { argmaxColumn, lossFor, prepareLabels, type Loss } from './losses.ts';
import { backward, cost, evaluation, forward, Workspace, type DropoutPlan, type Evaluation, type Network } from './network.ts';
import { checkKeepProb, checkL2, checkOptionKeys } from './options.ts';
import { resolveTrainerOptions, Trainer, TRAINER_OPTIONS, type TrainerOptions } from './trainer.ts';

/** The typed array of a dtype. */
export type ArrayOf<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

export interface ModelOptions<D extends DType = DType> {
  /** n[0], the number of features of an example (X's rows). */
  inputSize: number;
  /** Layers 1 .. L; hidden layers use relu, leakyRelu, tanh, sigmoid or linear; the output sigmoid, softmax or linear. */
  layers: readonly LayerSpec[];
  /** Weight initializer (default "he"). `lecun` with seed 1 is the cat application's. */
  init?: InitName;
  /** Seeds the generator the weights are drawn from (`np.random.seed(seed)`); without it, the global `random`. */
  seed?: number;
  /** Storage and arithmetic of parameters and activations: "float64" (default, NumPy's numbers) or "float32". */
  dtype?: D;
  /** The compute implementation; `kernelsFor(dtype)` by default. Its dtype must be the model's. */
  kernels?: Kernels<ArrayOf<D>>;
}

export type { Evaluation };

/** The keys of `ModelOptions`, for the unknown-option check. */
const MODEL_OPTIONS: readonly (keyof ModelOptions)[] = ['inputSize', 'layers', 'init', 'seed', 'dtype', 'kernels'];

/** A serializable description of a Model: everything but the parameter values. */
export interface ModelSpec {
  /** n[0] */
  inputSize: number;
  layers: LayerSpec[];
  dtype: DType;
  init: InitName;
  seed?: number;
  /** The loss that follows from the output activation (informational). */
  loss: Loss;
  /** Shapes of W1, b1, ..., WL, bL in the order of the parameter array. */
  parameterShapes: [number, number][];
  /** Total number of parameter values, the length of `parameters.data`. */
  parameterCount: number;
  /** Free-form: how the model was trained (fit fills it in). */
  training?: Record<string, unknown>;
  /** Free-form: final metrics (fit fills in cost, accuracy, validation). */
  metrics?: Record<string, unknown>;
}

/**
 * What `Model.fromSpec` reads: a `ModelSpec`, or a model file's header
 * (`readModelFile(path).header`). Only inputSize and layers are required;
 * dtype and init default as in `new Model`, and loss, parameterShapes and
 * parameterCount are checked against the layers when present.
 */
export type ModelSpecInput<D extends DType = DType> = {
  inputSize: number;
  /** Layers as `toSpec()` or a model file gives them; each is checked as `new Model` checks its layers. */
  layers: readonly LayerDescription[];
  dtype?: D;
} & Partial<Pick<ModelSpec, 'init' | 'seed' | 'loss' | 'parameterShapes' | 'parameterCount' | 'training' | 'metrics'>>;

export class Model<D extends DType = 'float64'> implements Network<ArrayOf<D>> {
  readonly inputSize: number;
  readonly layers: readonly Layer[];
  /** [n[0], n[1], ..., n[L]] */
  readonly layerDims: readonly number[];
  readonly dtype: D;
  readonly kernels: Kernels<ArrayOf<D>>;
  readonly init: InitName;
  readonly seed?: number;
  /** The loss of the output activation: sigmoid → binary cross-entropy, softmax → categorical, linear → mean squared error. */
  readonly loss: Loss;
  /** W1, b1, ..., WL, bL: `parameters` without making a pending update. */
  private readonly arena: Arena<ArrayOf<D>>;
  /**
   * An update of the parameters that a trainer holds back (full-batch
   * gradient descent's W1, gram.ts), made by the next read of `parameters`.
   * @internal set and taken back by the trainer
   */
  pendingUpdate?: { settle(): void };
  /** Free-form training description and metrics, carried into `toSpec()`; `fit` updates them. */
  info: { training?: Record<string, unknown>; metrics?: Record<string, unknown> } = {};
  /** The inference workspace of the last predict/evaluate, reused when m repeats. */
  private inference?: Workspace<ArrayOf<D>>;
  private released = false;

  constructor(options: ModelOptions<D>) {
    const fn = 'Model';
    if (options === null || typeof options !== 'object') throw new OptionError(`${fn}: options must be an object { inputSize, layers, init?, seed?, dtype? }`);
    checkOptionKeys(fn, options, MODEL_OPTIONS);
    const { inputSize, layers } = options;
    if (!Number.isInteger(inputSize) || inputSize < 1) throw new OptionError(`${fn}: inputSize is ${String(inputSize)}; it must be a positive integer, n[0] (the rows of X)`);
    this.layers = checkLayers(fn, layers);
    this.inputSize = inputSize;
    this.layerDims = [inputSize, ...this.layers.map((l) => l.units)];
    this.dtype = (options.dtype ?? 'float64') as D;
    if (this.dtype !== 'float64' && this.dtype !== 'float32') throw new OptionError(`${fn}: dtype is ${JSON.stringify(options.dtype)}; use "float64" or "float32"`);
    this.kernels = options.kernels ?? (kernelsFor(this.dtype) as Kernels<ArrayOf<D>>);
    if (this.kernels === null || typeof this.kernels !== 'object' || typeof this.kernels.gemm !== 'function' || typeof this.kernels.matrix !== 'function') {
      throw new OptionError(`${fn}: kernels is ${this.kernels === null ? 'null' : typeof this.kernels === 'object' ? 'an object without gemm and matrix' : typeof this.kernels}; pass kernelsFor("${this.dtype}"), createWasmKernels("${this.dtype}") or createRefKernels("${this.dtype}")`);
    }
    if (this.kernels.dtype !== this.dtype) throw new OptionError(`${fn}: kernels ${this.kernels.name} compute in ${this.kernels.dtype} but dtype is ${this.dtype}; pass kernelsFor("${this.dtype}") or matching kernels`);
    this.init = checkInit(fn, options.init ?? 'he');
    if (options.seed !== undefined) {
      if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) throw new OptionError(`${fn}: seed is ${options.seed}; it must be an integer between 0 and 2**32 - 1`);
      this.seed = options.seed;
    }
    this.loss = lossFor(this.layers[this.layers.length - 1].activation);
    this.arena = new Arena(Arena.layerShapes(this.layerDims), this.kernels);
    initializeArena(this.init, this.layerDims, this.arena, this.seed === undefined ? random : new RandomState(this.seed));
  }

  /**
   * W1, b1, ..., WL, bL as views of one array. Every read of the parameters
   * (this, W(l), b(l), predict, saving...) sees every update made so far:
   * full-batch gradient descent may hold the first layer's update back
   * between its iterations, and reading the parameters makes it. Views taken
   * before training are views of the same memory, but read them after reading
   * the model (e.g. `model.parameters`) to see what fit's callbacks would.
   */
  get parameters(): Arena<ArrayOf<D>> {
    const pending = this.pendingUpdate;
    if (pending) {
      this.pendingUpdate = undefined;
      pending.settle();
    }
    return this.arena;
  }

  /**
   * Gives the kernels back the model's memory: its parameters and its
   * inference workspace. Kernel memory otherwise returns only when the
   * garbage collector finds the model, which a loop that makes models never
   * lets it do. The model (and any view of its parameters, W(l), b(l),
   * `parameters`) is not used afterwards: its methods throw. Releasing
   * twice does nothing; trainers of the model are released separately.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.inference?.release(this.kernels);
    this.inference = undefined;
    this.pendingUpdate = undefined;
    this.kernels.release(this.arena.storage);
  }

  /** Whether `release()` was called. */
  get isReleased(): boolean {
    return this.released;
  }

  /** L, the number of layers with parameters. */
  get depth(): number {
    return this.layers.length;
  }

  /** W[l], a view into the parameters, l = 1 .. L. */
  W(l: number): Matrix<ArrayOf<D>> {
    return this.parameters.entries[2 * (this.checkLayerIndex('W', l) - 1)];
  }

  /** b[l], a view into the parameters, l = 1 .. L. */
  b(l: number): Matrix<ArrayOf<D>> {
    return this.parameters.entries[2 * (this.checkLayerIndex('b', l) - 1) + 1];
  }

  /** The course's parameter dictionary { W1, b1, ..., WL, bL } (views, not copies). */
  parameterDict(): Record<string, Matrix<ArrayOf<D>>> {
    const dict: Record<string, Matrix<ArrayOf<D>>> = {};
    for (let l = 1; l <= this.depth; l++) {
      dict['W' + l] = this.W(l);
      dict['b' + l] = this.b(l);
    }
    return dict;
  }

  /**
   * Trains the model in place; see `FitOptions`. Returns the costs of every
   * iteration and the metrics of every epoch.
   *
   * Each call is a new training run that starts from the current parameters:
   * new optimizer moments (Adam's t counts from 1 again), the learning-rate
   * decay from epoch 0, and the batches and dropout masks of epoch 0, 1, ...
   * drawn from `seed` again, so a second fit with the same seed repeats the
   * first one's batches. `model.info` (and `toSpec().training`) describes
   * the last run only. To continue one run, keep a `trainer` and step it.
   * @param X - (n[0], m) training inputs
   * @param Y - (n[L], m) labels, or (1, m) class indices for softmax
   */
  fit(X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: FitOptions): FitHistory {
    return fit(this, X, Y, options);
  }

  /**
   * A resumable training on (X, Y): `trainer.step()` makes one update (the
   * next mini-batch, as `fit` makes it), and the trainer keeps the
   * optimizer's state, the epoch's order and every workspace between steps.
   * `n` steps make exactly the updates of `fit` with `iterations: n` and the
   * same options. Options and data are checked here, once.
   * @param X - (n[0], m) training inputs
   * @param Y - (n[L], m) labels, or (1, m) class indices for softmax
   */
  trainer(X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: TrainerOptions): Trainer<D> {
    const fn = 'Model.trainer';
    this.checkInput(fn, X);
    if (options === null || typeof options !== 'object') throw new OptionError(`${fn}: options must be an object with at least learningRate`);
    for (const key of Object.keys(options)) {
      if (!(TRAINER_OPTIONS as readonly string[]).includes(key)) {
        const fitOnly = (FIT_ONLY_OPTIONS as readonly string[]).includes(key) ? ` ("${key}" is an option of fit; a trainer makes one update per step())` : '';
        throw new OptionError(`${fn}: unknown option "${key}"${fitOnly}; the options are ${TRAINER_OPTIONS.join(', ')}`);
      }
    }
    const plan = resolveTrainerOptions(fn, options, X.cols, this.depth);
    return new Trainer(this, X, this.labels(fn, Y, X.cols), plan, fn);
  }

  /**
   * Forward propagation: the output A[L] for every example.
   * @param X - (n[0], m) inputs
   * @returns (n[L], m) probabilities (sigmoid, softmax) or values (linear)
   */
  predict(X: Matrix<FloatArray>): Matrix<ArrayOf<D>> {
    return this.outputOf('Model.predict', X);
  }

  /** A[L] for X (a copy), as `predict` gives it; `fn` names the caller in errors. */
  private outputOf(fn: string, X: Matrix<FloatArray>): Matrix<ArrayOf<D>> {
    const input = this.input(fn, X);
    try {
      return this.forwardPass(fn, input).output.clone();
    } finally {
      this.releaseCopy(input, X);
    }
  }

  /**
   * Forward propagation of `input` into the inference workspace. X is finite
   * (checked where it entered), so an output that is not is an overflow of
   * the forward pass, inputs too large for the parameters: an error, not an
   * answer.
   */
  private forwardPass(fn: string, input: Matrix<ArrayOf<D>>): Workspace<ArrayOf<D>> {
    const ws = this.inferenceWorkspace(input.cols);
    forward(this, ws, input);
    const A = ws.output, a = A.data;
    for (let k = 0; k < a.length; k++) {
      if (a[k] - a[k] !== 0) {
        const i = Math.floor(k / A.cols);
        throw new DataError(`${fn}: the output A[${this.depth}] is ${a[k]} at row ${i}, column ${k - i * A.cols}: the forward pass overflowed, X is too large for the parameters (or they diverged in training); scale X, e.g. X / 255, as the model was trained`);
      }
    }
    return ws;
  }

  /**
   * Class labels: (1, m) of 0/1 for a one-unit sigmoid output (probability
   * above 0.5, as the course's `predict`), (1, m) class indices for softmax
   * (the most probable class), (n[L], m) of 0/1 for a multi-unit sigmoid.
   * @param X - (n[0], m) inputs
   */
  classify(X: Matrix<FloatArray>): Matrix {
    const fn = 'Model.classify';
    if (this.loss === 'meanSquaredError') throw new OptionError(`${fn}: the output layer is linear (regression) and has no classes; use predict`);
    const A = this.outputOf(fn, X);
    const n = A.rows, m = A.cols;
    if (this.loss === 'categoricalCrossEntropy') {
      const labels = Matrix.zeros(1, m);
      for (let j = 0; j < m; j++) labels.data[j] = argmaxColumn(A.data, n, m, j);
      return labels;
    }
    const labels = Matrix.zeros(n, m);
    for (let i = 0; i < n * m; i++) labels.data[i] = A.data[i] > 0.5 ? 1 : 0;
    return labels;
  }

  /**
   * The cost (without L2), the accuracy and, for classes, the confusion matrix on (X, Y).
   * @param X - (n[0], m) inputs
   * @param Y - (n[L], m) labels, or (1, m) class indices for softmax
   */
  evaluate(X: Matrix<FloatArray>, Y: Matrix<FloatArray>): Evaluation {
    const fn = 'Model.evaluate';
    return this.withData(fn, X, Y, (input, labels) => evaluation(this, this.forwardPass(fn, input), labels));
  }

  /**
   * The cost J on (X, Y) with the current parameters (no dropout), with the
   * L2 term when `l2` > 0: what `fit` minimizes and the gradient check differentiates.
   */
  cost(X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: { l2?: number } = {}): number {
    const fn = 'Model.cost';
    const l2 = checkL2(fn, checkOptionKeys(fn, options, ['l2']).l2);
    return this.withData(fn, X, Y, (input, labels) => cost(this, this.forwardPass(fn, input), labels, l2));
  }

  /**
   * One forward and backward pass on (X, Y), as one iteration of `fit` makes
   * it before its update: the cost and the gradients dW1, db1, ..., dWL, dbL
   * (an arena with the parameters' layout). With `keepProb` < 1 the dropout
   * masks are drawn from `rng` (layer order, `rand` < keepProb).
   * The returned gradients, activations and masks are kernel matrices made
   * for this call, the caller's from then on (`model.kernels.release(M)`
   * gives one back early, `gradients.storage` all the gradients at once);
   * everything else the call made it gives back itself.
   */
  gradients(X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: { l2?: number; keepProb?: number | readonly number[]; rng?: RandomState } = {}): {
    cost: number;
    gradients: Arena<ArrayOf<D>>;
    /** Z[l], A[l] (after dropout) and D[l] of the forward pass, keyed "Z1", "A1", "D1", ... */
    cache: Record<string, Matrix<ArrayOf<D>>>;
  } {
    const fn = 'Model.gradients';
    checkOptionKeys(fn, options, ['l2', 'keepProb', 'rng']);
    const l2 = checkL2(fn, options.l2);
    const keep = checkKeepProb(fn, options.keepProb, this.depth);
    const dropout: DropoutPlan | undefined = keep.some((p) => p < 1) ? { keep, rng: options.rng ?? random } : undefined;
    const { ws, grads, J } = this.withData(fn, X, Y, (input, labels) => {
      const ws = new Workspace(this, input.cols, { training: true, keep });
      const grads = this.parameters.twin(this.kernels);
      forward(this, ws, input, dropout);
      const J = cost(this, ws, labels, l2);
      backward(this, ws, input, labels, grads, l2, dropout);
      // What is not returned: the backward pass's dZ and dA.
      for (const M of [...ws.dZ, ...ws.dA]) this.kernels.release(M);
      return { ws, grads, J };
    });
    const cache: Record<string, Matrix<ArrayOf<D>>> = {};
    for (let l = 1; l <= this.depth; l++) {
      cache['Z' + l] = ws.Z[l - 1];
      cache['A' + l] = ws.A[l - 1];
      const Dl = ws.D[l - 1];
      if (Dl) cache['D' + l] = Dl;
    }
    return { cost: J, gradients: grads, cache };
  }

  /** The description a model file stores beside the parameter values (`parameters.data`). */
  toSpec(): ModelSpec {
    const spec: ModelSpec = {
      inputSize: this.inputSize,
      layers: this.layers.map(({ units, activation, slope }) => (activation === 'leakyRelu' ? { units, activation, slope } : { units, activation })),
      dtype: this.dtype,
      init: this.init,
      loss: this.loss,
      parameterShapes: this.parameters.entries.map((e) => [e.rows, e.cols] as [number, number]),
      parameterCount: this.parameters.data.length,
    };
    if (this.seed !== undefined) spec.seed = this.seed;
    if (this.info.training) spec.training = structuredClone(this.info.training);
    if (this.info.metrics) spec.metrics = structuredClone(this.info.metrics);
    return spec;
  }

  /**
   * Rebuilds a model from `toSpec()` (or a model file's header, as
   * `readModelFile` returns it with the values) and its parameter values
   * (W1, b1, ..., WL, bL row-major, as `parameters.data`). Without values,
   * the model is initialized as the spec says (init, seed).
   */
  static fromSpec<D extends DType = DType>(spec: ModelSpecInput<D>, parameterValues?: ArrayLike<number>, options: { kernels?: Kernels<ArrayOf<D>> } = {}): Model<D> {
    const fn = 'Model.fromSpec';
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      const what = spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec;
      throw new OptionError(`${fn}: spec is ${what}; it must be an object as Model.toSpec() returns it (or a model file's header)`);
    }
    // An object that is no model's description at all (another JSON file): say so, not that one field is bad.
    const missing = (['inputSize', 'layers'] as const).filter((key) => !(key in spec));
    if (missing.length) {
      const fields = Object.keys(spec);
      throw new OptionError(`${fn}: spec has no ${missing.join(' and no ')}, so it does not describe a model (its fields: ${fields.length ? fields.slice(0, 8).join(', ') + (fields.length > 8 ? ', ...' : '') : 'none'}); give what Model.toSpec() returns (or a model file's header)`);
    }
    checkOptionKeys(fn, options, ['kernels']);
    // The layers are checked here first, so that their errors name fromSpec.
    checkLayers(fn, spec.layers);
    if (parameterValues !== undefined) checkValuesType(fn, parameterValues);
    const model = new Model<D>({
      inputSize: spec.inputSize,
      layers: spec.layers as readonly LayerSpec[],
      init: spec.init,
      ...(spec.dtype !== undefined ? { dtype: spec.dtype } : {}),
      ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
      ...(options.kernels ? { kernels: options.kernels } : {}),
    });
    try {
      Model.loadSpec(fn, model, spec, parameterValues);
    } catch (e) {
      // The model never reaches the caller, who could not release it: give its kernel memory back now.
      model.release();
      throw e;
    }
    return model;
  }

  /** fromSpec's checks of the spec against the model made from it, then the values copied in. */
  private static loadSpec<D extends DType>(fn: string, model: Model<D>, spec: ModelSpecInput<D>, parameterValues: ArrayLike<number> | undefined): void {
    if (spec.loss !== undefined && spec.loss !== model.loss) {
      throw new OptionError(`${fn}: spec.loss is ${JSON.stringify(spec.loss)} but its output layer (${model.layers[model.depth - 1].activation}) uses ${model.loss}`);
    }
    const count = model.parameters.data.length;
    if (spec.parameterCount !== undefined && spec.parameterCount !== count) {
      throw new ShapeError(`${fn}: spec.parameterCount is ${spec.parameterCount} but layers ${JSON.stringify(model.layerDims)} have ${count} parameters`);
    }
    if (spec.parameterShapes !== undefined) {
      const shapes = model.parameters.entries.map((e) => [e.rows, e.cols]);
      if (JSON.stringify(spec.parameterShapes) !== JSON.stringify(shapes)) {
        throw new ShapeError(`${fn}: spec.parameterShapes is ${JSON.stringify(spec.parameterShapes)} but the layers give ${JSON.stringify(shapes)}`);
      }
    }
    if (parameterValues !== undefined) {
      if (parameterValues.length !== count) {
        const size = model.parameters.data.BYTES_PER_ELEMENT;
        const bytes = parameterValues instanceof Uint8Array && parameterValues.length === count * size
          ? `; these look like the parameters' ${parameterValues.length} bytes: view them as new ${model.parameters.data.constructor.name}(bytes.buffer, bytes.byteOffset, ${count})`
          : '';
        throw new ShapeError(`${fn}: ${parameterValues.length} parameter values for layers ${JSON.stringify(model.layerDims)}, which have ${count} (W1, b1, ..., W${model.depth}, b${model.depth})${bytes}`);
      }
      const data = model.parameters.data;
      for (let i = 0; i < count; i++) {
        const v = parameterValues[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`${fn}: parameter value ${i} is ${String(v)}; parameters must be finite numbers`);
        data[i] = v;
        if (!Number.isFinite(data[i])) throw new DataError(`${fn}: parameter value ${i} is ${v}, beyond float32's range (±3.4e38) of a float32 model; load it with dtype "float64"`);
      }
    }
    if (spec.training) model.info.training = structuredClone(spec.training);
    if (spec.metrics) model.info.metrics = structuredClone(spec.metrics);
  }

  /** X checked against n[0] and for NaN/Infinity, in the model's dtype and the kernels' memory (converted once if needed; give a copy back with `releaseCopy`). */
  input(fn: string, X: Matrix<FloatArray>): Matrix<ArrayOf<D>> {
    this.checkInput(fn, X);
    return this.inKernelMemory(X);
  }

  /** X in the model's dtype and the kernels' memory: X itself when it is, else a copy (the caller's to give back, `releaseCopy`). */
  inKernelMemory(X: Matrix<FloatArray>): Matrix<ArrayOf<D>> {
    // Used in place when the kernels can; else copied once into their memory.
    if (X.dtype === this.dtype && (this.kernels.owns?.(X as Matrix<ArrayOf<D>>) ?? true)) return X as Matrix<ArrayOf<D>>;
    const converted = this.kernels.matrix(X.rows, X.cols);
    converted.data.set(X.data);
    return converted;
  }

  /**
   * `body` on X and Y as the kernels take them (`input`, `labels`), then the
   * copies given back: kernel memory returns by itself only when the garbage
   * collector finds it, which a loop of calls never lets it do.
   */
  private withData<R>(fn: string, X: Matrix<FloatArray>, Y: Matrix<FloatArray>, body: (input: Matrix<ArrayOf<D>>, labels: Matrix<ArrayOf<D>>) => R): R {
    const input = this.input(fn, X);
    let labels: Matrix<ArrayOf<D>> | undefined;
    try {
      labels = this.labels(fn, Y, input.cols);
      return body(input, labels);
    } finally {
      if (labels) this.kernels.release(labels);
      this.releaseCopy(input, X);
    }
  }

  /** Gives back `input` to the kernels when it is a copy of X (`input`, `inKernelMemory`), not X itself. */
  releaseCopy(input: Matrix<ArrayOf<D>>, X: Matrix<FloatArray>): void {
    if (input !== X) this.kernels.release(input);
  }

  /** Checks X against n[0], for at least one example and for NaN/Infinity (what `input` checks, without converting). */
  checkInput(fn: string, X: Matrix<FloatArray>): void {
    if (this.released) throw new OptionError(`${fn}: this model was released and its parameters given back; make the model again (Model.fromSpec(spec, values) rebuilds a saved one)`);
    expectMatrix(fn, 'X', X);
    if (X.rows !== this.inputSize) {
      const hint = X.cols === this.inputSize ? ' (examples are columns: transpose X)' : '';
      throw new ShapeError(`${fn}: X is ${X.shapeString()} but the model's inputSize is ${this.inputSize}; X must be (n[0], m) = (${this.inputSize}, m)${hint}`);
    }
    if (X.cols < 1) throw new ShapeError(`${fn}: X is ${X.shapeString()}; it needs at least one example (column)`);
    assertFinite(X, `${fn}: X`);
    if (this.dtype === 'float32') assertFloat32Range(X, `${fn}: X`);
  }

  /** Y checked against the output layer and m, as (n[L], m) in the model's dtype: always a new kernel matrix, the caller's to release. */
  labels(fn: string, Y: Matrix<FloatArray>, m: number): Matrix<ArrayOf<D>> {
    expectMatrix(fn, 'Y', Y);
    return prepareLabels(`${fn}: Y`, this.loss, this.layerDims[this.depth], Y, m, this.kernels);
  }

  private inferenceWorkspace(m: number): Workspace<ArrayOf<D>> {
    if (this.inference?.m !== m) {
      this.inference?.release(this.kernels);
      this.inference = undefined;
      this.inference = new Workspace(this, m);
    }
    return this.inference;
  }

  private checkLayerIndex(what: string, l: number): number {
    if (!Number.isInteger(l) || l < 1 || l > this.depth) throw new OptionError(`Model.${what}: layer ${l} does not exist; layers are 1..${this.depth}`);
    return l;
  }
}

/** fromSpec's parameter values are numbers in an array or typed array, not raw bytes in an ArrayBuffer. */
function checkValuesType(fn: string, values: unknown): void {
  if (values instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && values instanceof SharedArrayBuffer)) {
    throw new OptionError(`${fn}: the parameter values are an ArrayBuffer of ${values.byteLength} bytes; give numbers: new Float64Array(buffer) (a float32 model's: new Float32Array(buffer))`);
  }
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new OptionError(`${fn}: the parameter values are ${values === null ? 'null' : typeof values}; give W1, b1, ..., WL, bL as an array or typed array of numbers (parameters.data)`);
  }
}

/**
 * Every layer of `new Model` or `Model.fromSpec`, before anything is made:
 * each error names the layer (layers[i]) and its field.
 */
function checkLayers(fn: string, layers: unknown): Layer[] {
  if (!Array.isArray(layers) || layers.length === 0) throw new OptionError(`${fn}: layers is ${JSON.stringify(layers)}; give at least the output layer, e.g. [{ units: 1, activation: "sigmoid" }]`);
  return layers.map((layer: LayerDescription, i) => checkLayer(fn, layer, i, layers.length));
}

function checkLayer(fn: string, layer: LayerDescription, i: number, count: number): Layer {
  const name = `layers[${i}]`;
  if (layer === null || typeof layer !== 'object') throw new OptionError(`${fn}: ${name} is ${JSON.stringify(layer)}; a layer is { units, activation, slope? }`);
  for (const key of Object.keys(layer)) {
    if (key !== 'units' && key !== 'activation' && key !== 'slope') throw new OptionError(`${fn}: ${name} has an unknown option "${key}"; a layer is { units, activation, slope? }`);
  }
  const { units, activation } = layer;
  if (!Number.isInteger(units) || units < 1) throw new OptionError(`${fn}: ${name}.units is ${String(units)}; it must be a positive integer`);
  if (!LAYER_ACTIVATIONS.includes(activation)) {
    throw new OptionError(`${fn}: ${name}.activation is ${JSON.stringify(activation)}; use one of ${LAYER_ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`);
  }
  const output = i === count - 1;
  if (output && !OUTPUT_ACTIVATIONS.includes(activation)) {
    throw new OptionError(`${fn}: ${name}.activation is "${activation}" but it is the output layer; the output activation must be one of ${OUTPUT_ACTIVATIONS.map((a) => `"${a}"`).join(', ')} (it chooses the loss)`);
  }
  if (!output && !(HIDDEN_ACTIVATIONS as readonly LayerActivation[]).includes(activation)) {
    throw new OptionError(`${fn}: ${name}.activation is "${activation}" in a hidden layer; softmax is only for the output layer. Hidden layers use ${HIDDEN_ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`);
  }
  if (activation === 'softmax' && units < 2) {
    throw new OptionError(`${fn}: ${name} is softmax with ${units} unit; softmax needs one unit per class (at least 2). For two classes use { units: 1, activation: "sigmoid" } or softmax with 2 units`);
  }
  if (layer.slope !== undefined && activation !== 'leakyRelu') throw new OptionError(`${fn}: ${name}.slope is ${String(layer.slope)} but ${name}.activation is "${activation}"; slope is only for "leakyRelu"`);
  const slope = activation === 'leakyRelu' ? checkSlope(`${fn}: ${name}`, layer.slope ?? DEFAULT_SLOPE) : 0;
  return { units, activation, slope };
}
