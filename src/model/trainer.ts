/**
 * Resumable training: a Model's training loop one update at a time.
 *
 * Legend: X (n[0], m) and Y (n[L], m), examples as columns; a batch is
 * (n[0], mb) and (n[L], mb).
 *
 * An epoch is one pass over the m examples in mini-batches of `batchSize`,
 * made as the course's random_mini_batches makes them: the columns in the
 * order of a NumPy-compatible `permutation(m)`, cut into ⌊m / batchSize⌋
 * full batches and one smaller last batch when batchSize does not divide m.
 * Without `batchSize` every update uses the whole, unshuffled data set (the
 * course's gradient descent). An iteration (a `step`) is one update: forward,
 * cost, backward, optimizer step; its cost is the batch's cost before the
 * update, as the course records it.
 *
 * Randomness: at the start of epoch e the training generator is seeded with
 * `seed + e` (`np.random.seed(seed + e)`), then draws the epoch's permutation
 * (when shuffling), then, for each batch in order, the dropout masks of the
 * hidden layers in layer order (only layers with keepProb < 1). A NumPy
 * script that does the same gets the same batches and masks.
 *
 * A Trainer is made once and keeps everything between steps: the workspaces
 * for the full and the last batch size (with the gathered batches), its copy
 * of X stored one example per row when it gathers batches, the permutation,
 * the training generator, the gradient arena and the optimizer with its
 * moments and Adam's t. So any sequence of `step()` calls makes the
 * same updates as one `fit` over as many iterations, and nothing is
 * allocated per step but the small event it returns. `release()` gives all
 * of it back to the kernels when the training is over.
 *
 * Bit for bit, except where full-batch gradient descent or momentum on more
 * features than examples takes the Gram form (the `gram` option, gram.ts):
 * fit and `run` then compute each next Z1 from XᵀX, which `step()`, not
 * knowing that another update follows, does not; the two agree to rounding.
 * Plain gradient descent (without L2) in that form also holds W1's updates
 * back as one product over X every `RESYNC` updates; the model makes them
 * whenever it is read (`Model.parameters`), and the run's last update and
 * `release()` make them in any case. With `gram: false` they agree bit for bit.
 */
import { DivergenceError, OptionError } from '../errors.ts';
import type { FirstLayerStep } from '../kernels/types.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { Arena } from '../parameters.ts';
import { RandomState } from '../random.ts';
import { defersWeights, GramFirstLayer, gramPays, hasGramForm } from './gram.ts';
import { countLabels } from './losses.ts';
import type { ArrayOf, Model } from './model.ts';
import { backward, correct, cost, exampleRows, forward, gatherColumns, gatherRows, Workspace, type DropoutPlan } from './network.ts';
import { checkKeepProb, checkL2 } from './options.ts';
import { checkDecay, learningRateAt, Optimizer, resolveOptimizer, type Decay, type OptimizerConfig, type OptimizerOption } from './optimizers.ts';

/** The options of every update, shared by `Model.trainer` and `Model.fit`. */
export interface TrainerOptions {
  /** Examples per update; without it, the whole data set (gradient descent, no shuffling). */
  batchSize?: number;
  /** Shuffle the columns every epoch (default true when `batchSize` is given). */
  shuffle?: boolean;
  /** "gd" (default), "momentum", "rmsprop", "adam", or an object with hyperparameters. */
  optimizer?: OptimizerOption;
  /** α, a positive number (0.0075 in the course's cat application). */
  learningRate: number;
  /** Learning-rate decay per epoch (inverse-time or exponential). */
  decay?: Decay;
  /** λ of the L2 regularization (the course's `lambd`), ≥ 0. */
  l2?: number;
  /** Inverted dropout: keep probability of every hidden layer, or one per hidden layer, in (0, 1]. */
  keepProb?: number | readonly number[];
  /** Seed of the shuffling and the dropout masks (default 0); epoch e uses seed + e. */
  seed?: number;
  /**
   * Full-batch gradient descent or momentum on more features than examples
   * (m ≤ n[0] / 2): compute each next Z1 from the Gram matrix XᵀX (m, m),
   * without a second pass over X (gram.ts), where it pays for the updates
   * that follow (default true). The results equal those of W1·X to rounding,
   * not bit for bit; false computes W1·X every update.
   */
  gram?: boolean;
}

/** The names of `TrainerOptions`, for the unknown-option checks. */
export const TRAINER_OPTIONS: readonly (keyof TrainerOptions)[] = ['batchSize', 'shuffle', 'optimizer', 'learningRate', 'decay', 'l2', 'keepProb', 'seed', 'gram'];

/** What one update did. */
export interface IterationEvent {
  /** Updates made before this one (0 for the first). */
  iteration: number;
  epoch: number;
  /** Batch within the epoch. */
  batch: number;
  batchSize: number;
  /** The batch's cost before the update (with the L2 term, with dropout). */
  cost: number;
  /** The batch's accuracy before the update (classification outputs). */
  accuracy?: number;
  learningRate: number;
}

/** `TrainerOptions` checked, with every default filled in, for m examples. */
export interface TrainingPlan {
  /** Examples per full batch (at most m). */
  batchSize: number;
  /** Batches per epoch, ⌈m / batchSize⌉. */
  batches: number;
  shuffle: boolean;
  optimizer: OptimizerConfig;
  learningRate: number;
  decay?: Decay;
  l2: number;
  /** keep_prob of each hidden layer. */
  keep: number[];
  seed: number;
  /** Whether full-batch updates may use the Gram form. */
  gram: boolean;
}

/** Whether a plan trains on batches gathered from the data set (shuffled, or several per epoch) rather than on X as it is. */
function gathersBatches(plan: TrainingPlan): boolean {
  return plan.shuffle || plan.batches > 1;
}

/**
 * Checks the per-update options (not their names: the caller knows which
 * others it accepts) for m examples and a model of L layers.
 */
export function resolveTrainerOptions(fn: string, options: TrainerOptions, m: number, L: number): TrainingPlan {
  const { learningRate, batchSize } = options;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new OptionError(`${fn}: learningRate is ${String(learningRate)}; it must be a positive finite number (0.0075 in the course's cat application)`);
  }
  if (batchSize !== undefined && (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)) {
    throw new OptionError(`${fn}: batchSize is ${String(batchSize)}; it must be a positive integer`);
  }
  const size = batchSize === undefined ? m : Math.min(batchSize, m);
  const shuffle = options.shuffle ?? batchSize !== undefined;
  if (typeof shuffle !== 'boolean') throw new OptionError(`${fn}: shuffle is ${String(options.shuffle)}; use true or false`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new OptionError(`${fn}: seed is ${seed}; it must be an integer between 0 and 2**32 - 1`);
  const gram = options.gram ?? true;
  if (typeof gram !== 'boolean') throw new OptionError(`${fn}: gram is ${String(options.gram)}; use true (the default) or false`);
  const plan: TrainingPlan = {
    batchSize: size,
    batches: Math.ceil(m / size),
    shuffle,
    optimizer: resolveOptimizer(fn, options.optimizer),
    learningRate,
    l2: checkL2(fn, options.l2),
    keep: checkKeepProb(fn, options.keepProb, L),
    seed,
    gram,
  };
  const decay = checkDecay(fn, options.decay);
  if (decay) plan.decay = decay;
  return plan;
}

/**
 * A model's training on (X, Y), one update per `step()`, resumable at any
 * point: what `Model.fit` runs, without fit's epochs, validation and
 * callbacks. Made by `model.trainer(X, Y, options)`.
 *
 * Counters: `iteration` updates made; `epoch` the epoch the next step
 * belongs to (the epochs completed); `epochEnded` whether the last step was
 * its epoch's last batch. The next step then starts epoch `epoch`: its
 * learning rate (decay), the generator seeded with seed + epoch, the
 * permutation.
 *
 * The trainer copies Y (prepared: one-hot for softmax) when it is made, and
 * X too (one example per row) when it gathers batches or X is not a matrix
 * of the model's kernels in its dtype: changing X or Y afterwards changes
 * nothing, except X when the whole set is trained on in order straight from
 * the caller's kernel matrix, which each step then reads. It updates
 * `model.parameters` in place and leaves `model.info` alone (fit records
 * what it did there).
 *
 * @example
 * const trainer = model.trainer(X, Y, { batchSize: 64, optimizer: 'adam', learningRate: 0.01 });
 * while (trainer.epoch < 10) trainer.step();
 * // model's parameters are those of model.fit(X, Y, { batchSize: 64, optimizer: 'adam', learningRate: 0.01, epochs: 10 })
 */
export class Trainer<D extends DType = 'float64'> {
  readonly model: Model<D>;
  /** The checked options: batch size and batches per epoch, optimizer, learning rate, decay, L2, keep probabilities, seed. */
  readonly plan: Readonly<TrainingPlan>;
  /** The optimizer and its state (moments v, s and Adam's t), kept from step to step. */
  readonly optimizer: Optimizer<ArrayOf<D>>;
  /** m, the number of training examples. */
  readonly examples: number;

  private readonly fn: string;
  /** (n[0], m) inputs, trained on as they are (full batches in order); undefined when batches are gathered. */
  private readonly X?: Matrix<ArrayOf<D>>;
  /** The inputs one example per row, (m, n[0]) row-major, to gather batches from (when shuffling or cutting the set). */
  private readonly rows?: ArrayOf<D>;
  private readonly Y: Matrix<ArrayOf<D>>;
  /** Whether `X` is the trainer's own copy (given back by `release`) rather than the caller's matrix. */
  private readonly ownsX: boolean;
  private released = false;
  private readonly full: Workspace<ArrayOf<D>>;
  private readonly last: Workspace<ArrayOf<D>>;
  /** The epoch's order of the columns (the identity without shuffling). */
  private readonly perm: Uint32Array;
  private readonly rng?: RandomState;
  private readonly dropout?: DropoutPlan;
  /** dW1, db1, ..., dWL, dbL of the last step. */
  private readonly grads: Arena<ArrayOf<D>>;
  private readonly hasAccuracy: boolean;
  /**
   * The first layer's fused step (full-batch training on X as it is, with
   * kernels that have one): made by the first update that can use it; null
   * when there is none.
   */
  private fused?: FirstLayerStep<ArrayOf<D>> | null;
  /**
   * The first layer's Gram form (full-batch gradient descent or momentum on
   * more features than examples): made by the first update whose following
   * updates pay for it, its G computed again for each run of updates (fit,
   * `run`: X may change between them); null when the plan or the shapes have none.
   */
  private gram?: GramFirstLayer<ArrayOf<D>> | null;
  /** The first layer's sums of the next forward pass, made by the last update for the one right after it. */
  private ahead?: Pick<FirstLayerStep<ArrayOf<D>>, 'forward'>;
  /** What the model calls to make W1's updates that the Gram form holds back, when it is read between updates. */
  private readonly settler = { settle: () => this.settleFirstLayer() };

  private t = 0;
  private e = 0;
  /** The batch of the next step within its epoch; 0 = the next step starts epoch `e`. */
  private b = 0;
  private lr: number;
  private costSum = 0;
  private seen = 0;
  private hits = 0;
  private judged = 0;

  /**
   * Use `model.trainer(X, Y, options)`, which checks its arguments; this
   * constructor trusts them.
   * @param X - (n[0], m) inputs, checked, any float matrix: when the plan gathers
   *   batches the trainer keeps its own copy, one example per row; else X in the
   *   model's dtype and kernel memory (itself when it is, `Model.inKernelMemory`)
   * @param Y - (n[L], m) labels, checked and prepared (one-hot for softmax): a
   *   matrix of the kernels that the trainer owns from now on (`release` gives it back)
   * @param fn - the name errors begin with
   */
  constructor(model: Model<D>, X: Matrix<FloatArray>, Y: Matrix<ArrayOf<D>>, plan: TrainingPlan, fn = 'Model.trainer') {
    this.model = model;
    this.plan = plan;
    this.fn = fn;
    this.Y = Y;
    const m = X.cols;
    this.examples = m;
    // Everything a step touches, made once.
    const gather = gathersBatches(plan);
    if (gather) this.rows = exampleRows(X, model.dtype === 'float32' ? Float32Array : Float64Array) as ArrayOf<D>;
    else this.X = model.inKernelMemory(X);
    this.ownsX = this.X !== undefined && this.X !== X;
    const workspace = { training: true, keep: plan.keep, gather };
    this.full = new Workspace(model, plan.batchSize, workspace);
    const rest = m % plan.batchSize;
    this.last = rest > 0 ? new Workspace(model, rest, workspace) : this.full;
    this.perm = new Uint32Array(m);
    for (let j = 0; j < m; j++) this.perm[j] = j;
    const useDropout = plan.keep.some((p) => p < 1);
    if (plan.shuffle || useDropout) this.rng = new RandomState(0);
    if (useDropout) this.dropout = { keep: plan.keep, rng: this.rng! };
    this.grads = model.parameters.twin(model.kernels);
    this.optimizer = new Optimizer(plan.optimizer, model.parameters, model.kernels);
    this.hasAccuracy = countLabels(model.loss, 1, 1) > 0;
    this.lr = plan.learningRate;
  }

  /** Updates made so far. */
  get iteration(): number {
    return this.t;
  }

  /** The epoch the next step belongs to: the number of epochs completed. */
  get epoch(): number {
    return this.e;
  }

  /** Whether the last step was the last batch of its epoch (false before the first step). */
  get epochEnded(): boolean {
    return this.b === 0 && this.t > 0;
  }

  /** Whether the next step is the last batch of its epoch. */
  get endsEpoch(): boolean {
    return this.b + 1 >= this.plan.batches;
  }

  /** Batches per epoch, ⌈m / batchSize⌉. */
  get batchesPerEpoch(): number {
    return this.plan.batches;
  }

  /**
   * The mean cost of the current epoch's batches so far (of the epoch just
   * ended, after its last step), weighted by their sizes: the course's
   * cost_total / m. NaN before the first step.
   */
  get epochCost(): number {
    return this.costSum / this.seen;
  }

  /** The fraction of the current epoch's predictions that were right, each made before its batch's update (classification outputs). */
  get epochAccuracy(): number | undefined {
    return this.hasAccuracy ? this.hits / this.judged : undefined;
  }

  /**
   * One update on the next mini-batch, starting a new epoch first when the
   * last one ended. Throws a DivergenceError (an OptionError), before
   * updating anything, when the batch's cost is not finite (the parameters
   * diverged).
   */
  step(): IterationEvent {
    return this.update(0);
  }

  /**
   * `step()`, told how many updates follow right after this one, with
   * nothing in between that changes the parameters or X (fit's loop, `run`).
   * Full-batch training then makes the next update's first product ahead:
   * from the Gram matrix (`gram`, gradient descent and momentum, where the
   * following updates pay for it; equal to rounding), or else in the same
   * pass over X as the first layer's weight gradient and update (see
   * `FirstLayerStep`; bit for bit).
   * @internal
   */
  update(following: number): IterationEvent {
    if (this.released) throw new OptionError(`${this.fn}: this trainer was released and has no buffers left to train with; make a new one with model.trainer(X, Y, options)`);
    if (this.model.isReleased) throw new OptionError(`${this.fn}: the model was released and its parameters given back; this trainer cannot update them`);
    const p = this.plan, model = this.model, m = this.examples;
    // W1 may lack updates held back (gram.ts); this update reads the parameters without making them unless it must.
    if (model.pendingUpdate === this.settler) model.pendingUpdate = undefined;
    if (this.b === 0) this.startEpoch();
    const t = this.t, epoch = this.e, batch = this.b, lr = this.lr;
    const start = batch * p.batchSize;
    const ws = start + p.batchSize <= m ? this.full : this.last;
    const mb = ws.m;
    let A0 = this.X!, Yb = this.Y;
    if (this.rows) {
      // The course's shuffled_X[:, k·size : (k+1)·size], shuffled_Y likewise.
      gatherRows(this.rows, this.perm, start, ws.X!);
      gatherColumns(this.Y, this.perm, start, ws.Y!);
      A0 = ws.X!;
      Yb = ws.Y!;
    }
    const first = this.ahead;
    this.ahead = undefined;
    if (!first) {
      this.settleFirstLayer();
      this.gram?.invalidate();
    }
    forward(model, ws, A0, this.dropout, first);
    const J = cost(model, ws, Yb, p.l2);
    if (!Number.isFinite(J)) {
      this.settleFirstLayer();
      // Before the first update the learning rate has done nothing yet: the data is too large for the network.
      const why = t === 0
        ? 'before any update: the data overflows the network (scale X, e.g. X / 255, and the labels of a linear output)'
        : `the parameters diverged, so learningRate ${lr} is probably too large: try a smaller learningRate`;
      throw new DivergenceError(`${this.fn}: the cost became ${J} at iteration ${t} (epoch ${epoch})${t === 0 ? ', ' : '; '}${why}`, { cost: J, iteration: t, learningRate: lr });
    }
    const right = this.hasAccuracy ? correct(model, ws, Yb) : 0;
    const total = countLabels(model.loss, ws.output.rows, mb);
    const gram = following > 0 && !this.rows ? this.gramForm(following) : undefined;
    const fused = following > 0 && !this.rows && !gram ? this.firstLayerStep() : undefined;
    // Gradient descent in the Gram form holds W1's update back and needs no dW1.
    const deferred = gram?.defer === true;
    if (!deferred) this.settleFirstLayer();
    backward(model, ws, A0, Yb, this.grads, p.l2, this.dropout, fused !== undefined || deferred);
    if (deferred) {
      const W1 = model.parameters.entries[0];
      this.optimizer.step(lr, this.grads, model.parameters, W1.data.length);
      gram!.advanceDeferred(1 / mb, ws.dZ[0], lr, W1, this.grads.entries[0]);
      this.ahead = gram;
      if (gram!.pending) model.pendingUpdate = this.settler;
    } else if (fused) {
      // Every parameter but W1 as usual, then W1 with its gradient and the next Z1's sums.
      const W1 = model.parameters.entries[0];
      this.optimizer.step(lr, this.grads, model.parameters, W1.data.length);
      const code = this.optimizer.fusedScalars(lr, fused.hyper);
      fused.step(1 / mb, ws.dZ[0], this.grads.entries[0], p.l2 > 0 ? p.l2 / mb : 0, code, this.optimizer.v?.entries[0].data, this.optimizer.s?.entries[0].data);
      this.ahead = fused;
    } else {
      this.optimizer.step(lr, this.grads, model.parameters);
      if (gram) {
        // The next Z1's sums from this update's, through G.
        gram.advance(1 / mb, ws.dZ[0], p.l2 > 0 ? p.l2 / mb : 0, lr, p.optimizer, model.parameters.entries[0], this.optimizer.v?.entries[0]);
        this.ahead = gram;
      }
    }
    this.costSum += J * mb;
    this.seen += mb;
    this.hits += right;
    this.judged += total;
    this.t = t + 1;
    if (batch + 1 < p.batches) {
      this.b = batch + 1;
    } else {
      this.b = 0;
      this.e = epoch + 1;
    }
    // One object literal per shape: adding accuracy afterwards would grow the object.
    return this.hasAccuracy
      ? { iteration: t, epoch, batch, batchSize: mb, cost: J, accuracy: right / total, learningRate: lr }
      : { iteration: t, epoch, batch, batchSize: mb, cost: J, learningRate: lr };
  }

  /**
   * `count` steps in a row (count ≥ 0).
   * @returns the last step's event, undefined for count 0
   */
  run(count: number): IterationEvent | undefined {
    if (!Number.isInteger(count) || count < 0) throw new OptionError(`${this.fn}: run(count) got ${String(count)}; count must be an integer ≥ 0 (the number of updates)`);
    let event: IterationEvent | undefined;
    for (let i = 0; i < count; i++) event = this.update(count - i - 1);
    return event;
  }

  /**
   * The first layer's Gram form, with G computed for this run of updates
   * when the following ones pay for it (undefined when there is none, or it
   * does not pay). Its buffers are made once.
   */
  private gramForm(following: number): GramFirstLayer<ArrayOf<D>> | undefined {
    const dims = this.model.layerDims, m = this.examples;
    if (this.gram === undefined && !(this.plan.gram && hasGramForm(this.plan.optimizer, dims[0], m))) this.gram = null;
    if (this.gram === null) return undefined;
    if (!this.gram?.ready) {
      if (!gramPays(dims[0], dims[1], m, following)) return undefined;
      this.gram ??= new GramFirstLayer(this.model.kernels, this.X!, dims[1], this.plan.optimizer.type === 'momentum', defersWeights(this.plan.optimizer, this.plan.l2));
      this.gram.prepare();
    }
    return this.gram;
  }

  /**
   * W1 with every update made: the Gram form's updates held back, if any
   * (nothing once the model is released).
   */
  private settleFirstLayer(): void {
    const model = this.model;
    if (model.pendingUpdate === this.settler) model.pendingUpdate = undefined;
    if (this.gram?.pending && !model.isReleased) this.gram.settle(model.parameters.entries[0], this.grads.entries[0]);
  }

  /** The first layer's fused step, made once (undefined when these kernels or shapes have none). */
  private firstLayerStep(): FirstLayerStep<ArrayOf<D>> | undefined {
    if (this.fused === undefined) {
      const k = this.model.kernels;
      this.fused = k.firstLayerStep?.(this.model.parameters.entries[0], this.X!) ?? null;
    }
    return this.fused ?? undefined;
  }

  /**
   * Gives the kernels back every buffer the trainer made (workspaces,
   * gradients, the optimizer's moments, its copies of X and Y); the model
   * keeps its parameters. Kernel memory otherwise returns only when the
   * garbage collector finds the trainer, which a loop that makes trainers
   * (or calls fit, which releases its own) may not let it do. A released
   * trainer makes no more steps; releasing twice does nothing.
   */
  release(): void {
    if (this.released) return;
    this.settleFirstLayer();
    this.released = true;
    const k = this.model.kernels;
    this.full.release(k);
    if (this.last !== this.full) this.last.release(k);
    if (this.ownsX) k.release(this.X!);
    k.release(this.Y);
    k.release(this.grads.storage);
    this.optimizer.release();
    this.fused?.release();
    this.gram?.release();
  }

  /** Epoch e begins: its learning rate, the generator seeded with seed + e, the permutation. */
  private startEpoch(): void {
    const p = this.plan, e = this.e;
    this.lr = learningRateAt(p.learningRate, p.decay, e);
    if (this.rng) this.rng.seed((p.seed + e) % 0x100000000);
    if (p.shuffle) this.rng!.permutationInto(this.perm);
    this.costSum = 0;
    this.seen = 0;
    this.hits = 0;
    this.judged = 0;
  }
}
