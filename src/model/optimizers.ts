/**
 * Optimizers and learning-rate decay, as the course defines them (Improving
 * Deep Neural Networks, week 2). Parameters θ, their gradients dθ and every
 * moment live in arenas with one layout (W1, b1, ..., WL, bL), so a step is
 * one kernel call over whole arrays.
 *
 *   gd        θ = θ − α·dθ
 *   momentum  v = β·v + (1 − β)·dθ;                        θ = θ − α·v
 *   rmsprop   s = β·s + (1 − β)·dθ²;                       θ = θ − α·dθ / (√s + ε)
 *   adam      v = β1·v + (1 − β1)·dθ;  v̂ = v / (1 − β1^t)
 *             s = β2·s + (1 − β2)·dθ²; ŝ = s / (1 − β2^t); θ = θ − α·v̂ / (√ŝ + ε)
 *
 * Adam's t counts the updates (mini-batches) made in a `fit`, starting at 1,
 * as the course's `t = t + 1` before each update. v and s start at zero.
 */
import { OptionError } from '../errors.ts';
import type { FusedOptimizer, Kernels } from '../kernels/types.ts';
import type { FloatArray } from '../matrix.ts';
import type { Arena } from '../parameters.ts';

export type OptimizerName = 'gd' | 'momentum' | 'rmsprop' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['gd', 'momentum', 'rmsprop', 'adam'];

/** An optimizer by name (course defaults) or with its hyperparameters. */
export type OptimizerOption =
  | OptimizerName
  | { type: 'gd' }
  | { type: 'momentum'; beta?: number }
  | { type: 'rmsprop'; beta?: number; epsilon?: number }
  | { type: 'adam'; beta1?: number; beta2?: number; epsilon?: number };

/** An optimizer with every hyperparameter resolved. */
export type OptimizerConfig =
  | { type: 'gd' }
  | { type: 'momentum'; beta: number }
  | { type: 'rmsprop'; beta: number; epsilon: number }
  | { type: 'adam'; beta1: number; beta2: number; epsilon: number };

/** The course's defaults: β = 0.9 for momentum and RMSprop; β1 = 0.9, β2 = 0.999, ε = 1e-8 for Adam. */
export const OPTIMIZER_DEFAULTS = {
  momentum: { beta: 0.9 },
  rmsprop: { beta: 0.9, epsilon: 1e-8 },
  adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
} as const;

/** Checks an optimizer option and fills in the defaults. */
export function resolveOptimizer(fn: string, option: unknown = 'gd'): OptimizerConfig {
  const spec = typeof option === 'string' ? { type: option } : option;
  const type = spec !== null && typeof spec === 'object' ? (spec as { type?: unknown }).type : undefined;
  if (!OPTIMIZERS.includes(type as OptimizerName)) {
    throw new OptionError(`${fn}: optimizer is ${JSON.stringify(option)}; use one of ${OPTIMIZERS.map((o) => `"${o}"`).join(', ')}, or an object such as { type: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }`);
  }
  const o = spec as Record<string, unknown>;
  const known = { gd: [], momentum: ['beta'], rmsprop: ['beta', 'epsilon'], adam: ['beta1', 'beta2', 'epsilon'] }[type as OptimizerName];
  for (const key of Object.keys(o)) {
    if (key !== 'type' && !(known as string[]).includes(key)) {
      throw new OptionError(`${fn}: optimizer ${type} has no option "${key}"; it takes ${known.length ? known.join(', ') : 'none'}`);
    }
  }
  const beta = (name: string, fallback: number) => {
    const v = o[name] ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new OptionError(`${fn}: optimizer ${type} ${name} is ${String(v)}; it must be a number in [0, 1)`);
    return v;
  };
  const epsilon = (fallback: number) => {
    const v = o.epsilon ?? fallback;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new OptionError(`${fn}: optimizer ${type} epsilon is ${String(v)}; it must be a small positive number such as 1e-8`);
    return v;
  };
  switch (type as OptimizerName) {
    case 'gd':
      return { type: 'gd' };
    case 'momentum':
      return { type: 'momentum', beta: beta('beta', OPTIMIZER_DEFAULTS.momentum.beta) };
    case 'rmsprop':
      return { type: 'rmsprop', beta: beta('beta', OPTIMIZER_DEFAULTS.rmsprop.beta), epsilon: epsilon(OPTIMIZER_DEFAULTS.rmsprop.epsilon) };
    case 'adam':
      return {
        type: 'adam',
        beta1: beta('beta1', OPTIMIZER_DEFAULTS.adam.beta1),
        beta2: beta('beta2', OPTIMIZER_DEFAULTS.adam.beta2),
        epsilon: epsilon(OPTIMIZER_DEFAULTS.adam.epsilon),
      };
  }
}

/**
 * An optimizer's state for one arena of parameters: the moments v and s (twin
 * arenas, allocated once) and Adam's step count t.
 */
export class Optimizer<T extends FloatArray = FloatArray> {
  readonly config: OptimizerConfig;
  /** First moment (momentum, Adam), the layout of the parameters. */
  readonly v?: Arena<T>;
  /** Second moment (RMSprop, Adam). */
  readonly s?: Arena<T>;
  /** Updates made so far (Adam's t after the last update). */
  t = 0;
  private readonly kernels: Kernels<T>;

  constructor(config: OptimizerConfig, parameters: Arena<T>, kernels: Kernels<T>) {
    this.config = config;
    this.kernels = kernels;
    if (config.type === 'momentum' || config.type === 'adam') this.v = parameters.twin(kernels);
    if (config.type === 'rmsprop' || config.type === 'adam') this.s = parameters.twin(kernels);
  }

  /** Gives the moments' memory back to the kernels; the optimizer makes no more steps. */
  release(): void {
    if (this.v) this.kernels.release(this.v.storage);
    if (this.s) this.kernels.release(this.s.storage);
  }

  /**
   * One update of every parameter, in place.
   * @param learningRate - α for this update
   * @param gradients - dθ, the layout of `parameters`
   * @param parameters - θ
   */
  step(learningRate: number, gradients: Arena<T>, parameters: Arena<T>, from = 0): void {
    const k = this.kernels, c = this.config;
    // Element by element: the parameters from `from` on are updated as in a step over all of them.
    const g = this.tail(0, gradients.data, from), p = this.tail(1, parameters.data, from);
    this.t++;
    switch (c.type) {
      case 'gd':
        k.axpy(-learningRate, g, p);
        return;
      case 'momentum':
        k.momentumUpdate(learningRate, c.beta, g, this.tail(2, this.v!.data, from), p);
        return;
      case 'rmsprop':
        k.rmspropUpdate(learningRate, c.beta, c.epsilon, g, this.tail(3, this.s!.data, from), p);
        return;
      case 'adam':
        k.adamUpdate(learningRate, c.beta1, c.beta2, c.epsilon, this.t, g, this.tail(2, this.v!.data, from), this.tail(3, this.s!.data, from), p);
        return;
    }
  }

  /** The views `step` updates from an element on (gradients, parameters, v, s), made again only when an array or the element changes. */
  private readonly tails: { of: T; from: number; view: T }[] = [];

  /** a from element `from` on (a itself for 0); `role` names the array among the views kept. */
  private tail(role: number, a: T, from: number): T {
    if (from === 0) return a;
    const t = this.tails[role];
    if (t && t.of === a && t.from === from) return t.view;
    const view = a.subarray(from) as T;
    this.tails[role] = { of: a, from, view };
    return view;
  }

  /**
   * The scalars of the update `step` just made, for the first layer's fused
   * step (`FirstLayerStep.hyper`, as the kernels' update calls take them);
   * returns the optimizer's code.
   */
  fusedScalars(learningRate: number, hyper: Float64Array): FusedOptimizer {
    const c = this.config;
    switch (c.type) {
      case 'gd':
        hyper[0] = -learningRate;
        return 0;
      case 'momentum':
        hyper[0] = learningRate; hyper[1] = c.beta; hyper[2] = 1 - c.beta;
        return 1;
      case 'rmsprop':
        hyper[0] = learningRate; hyper[1] = c.beta; hyper[2] = 1 - c.beta; hyper[3] = c.epsilon;
        return 2;
      case 'adam':
        hyper[0] = learningRate; hyper[1] = c.beta1; hyper[2] = 1 - c.beta1; hyper[3] = c.beta2; hyper[4] = 1 - c.beta2;
        hyper[5] = c.epsilon; hyper[6] = 1 - Math.pow(c.beta1, this.t); hyper[7] = 1 - Math.pow(c.beta2, this.t);
        return 3;
    }
  }
}

/**
 * Learning-rate decay, applied per epoch (epoch numbers start at 0, where
 * the rate is α0):
 *   inverseTime  α = α0 / (1 + rate · ⌊epoch / interval⌋)   the course's update_lr
 *                                                           (interval 1) and schedule_lr_decay
 *   exponential  α = rate^epoch · α0                        e.g. 0.95^epoch · α0 in the lecture
 */
export type Decay = { type: 'inverseTime'; rate: number; interval?: number } | { type: 'exponential'; rate: number };

/** The learning rate of an epoch. */
export function learningRateAt(learningRate0: number, decay: Decay | undefined, epoch: number): number {
  if (!decay) return learningRate0;
  if (decay.type === 'inverseTime') return learningRate0 / (1 + decay.rate * Math.floor(epoch / (decay.interval ?? 1)));
  return Math.pow(decay.rate, epoch) * learningRate0;
}

export function checkDecay(fn: string, decay: unknown): Decay | undefined {
  if (decay === undefined) return undefined;
  const d = decay as Record<string, unknown>;
  const usage = '{ type: "inverseTime", rate, interval? } or { type: "exponential", rate }';
  if (d === null || typeof d !== 'object' || (d.type !== 'inverseTime' && d.type !== 'exponential')) {
    throw new OptionError(`${fn}: decay is ${JSON.stringify(decay)}; use ${usage}`);
  }
  for (const key of Object.keys(d)) {
    if (!['type', 'rate', ...(d.type === 'inverseTime' ? ['interval'] : [])].includes(key)) {
      throw new OptionError(`${fn}: decay ${d.type} has no option "${key}"; use ${usage}`);
    }
  }
  const rate = d.rate;
  if (d.type === 'inverseTime') {
    if (typeof rate !== 'number' || !(rate >= 0) || !Number.isFinite(rate)) throw new OptionError(`${fn}: decay rate is ${String(rate)}; inverseTime needs a rate ≥ 0`);
    const interval = d.interval ?? 1;
    if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) {
      throw new OptionError(`${fn}: decay interval is ${String(interval)}; it must be a positive integer number of epochs`);
    }
    return { type: 'inverseTime', rate, interval };
  }
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) throw new OptionError(`${fn}: decay rate is ${String(rate)}; exponential needs a rate in (0, 1], e.g. 0.95`);
  return { type: 'exponential', rate };
}
