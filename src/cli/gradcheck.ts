/**
 * `dnn gradcheck`: the course's gradient check on a small random network:
 * backpropagation's gradient against two-sided finite differences,
 *   difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂),
 * which the course expects below 2e-7.
 */
import { OptionError } from '../errors.ts';
import { RandomState } from '../random.ts';
import { Matrix } from '../matrix.ts';
import type { Activation } from '../kernels/types.ts';
import { initializeParametersDeep } from '../steps/initialize.ts';
import { lModelBackward, lModelForward } from '../steps/model.ts';
import { gradientCheck } from '../steps/gradcheck.ts';
import { Output } from './output.ts';
import { choice, GRADCHECK_FLAGS, layerList, num, parse } from './options.ts';
import { HIDDENS, OUTPUTS } from './network.ts';

/** The course's threshold: "difference < 2e-7" means the backward pass is right. */
export const GRADCHECK_THRESHOLD = 2e-7;

/** Returns the exit code: 0 when the difference is below the threshold, 1 otherwise. */
export function gradcheck(args: string[], output: Output): number {
  const { values, positionals } = parse('gradcheck', args, GRADCHECK_FLAGS);
  if (positionals.length) throw new OptionError(`dnn gradcheck takes no positional arguments, got "${positionals[0]}"`);
  const layers = layerList(values) ?? [4, 5, 3, 1];
  const hidden = choice(values, 'hidden', HIDDENS) ?? 'relu';
  const out = choice(values, 'output', OUTPUTS) ?? 'sigmoid';
  if (out !== 'sigmoid') throw new OptionError(`--output ${out}: gradcheck checks the course's sigmoid output`);
  if (layers[layers.length - 1] !== 1) throw new OptionError(`--layers ends with ${layers[layers.length - 1]}; the sigmoid output has one unit: use --layers ${layers.slice(0, -1).join(',')},1`);
  const m = num(values, 'examples', { min: 1, max: 10000, integer: true, text: 'an integer from 1 to 10000' }) ?? 5;
  const seed = num(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true, text: 'an integer between 0 and 4294967295' }) ?? 1;
  const epsilon = num(values, 'epsilon', { min: 0, exclusiveMin: true, max: 1, text: 'a small positive number, e.g. 1e-7' }) ?? 1e-7;
  const count = layers.slice(1).reduce((n, u, i) => n + u * (layers[i] + 1), 0);
  if (count > 200_000) throw new OptionError(`--layers ${layers.join(',')} has ${count} parameters; the check costs two forward passes per parameter, keep it under 200000`);

  const rng = new RandomState(seed);
  const X = rng.randn(layers[0], m);
  const Y = Matrix.from([1, m], Array.from({ length: m }, () => (rng.random() < 0.5 ? 0 : 1)));
  // Weights scaled by 1 (not 0.01), so activations stay away from relu's kink and the differences are well above rounding.
  const parameters = initializeParametersDeep(layers, { seed, scale: 1 });
  const act = hidden as Activation;
  const [AL, caches] = lModelForward(X, parameters, act);
  const grads = lModelBackward(AL, Y, caches, act);
  const result = gradientCheck(parameters, grads, X, Y, { epsilon, hidden: act });
  const ok = result.difference < GRADCHECK_THRESHOLD;
  output.event('done', { layers, hidden, examples: m, parameters: count, epsilon, difference: result.difference, ok, worst: result.worst });
  output.line(`Gradient check of ${layers.join('-')} (${hidden}, sigmoid), ${m} random examples, ${count} parameters, ε = ${epsilon}`);
  output.line(`difference = ${result.difference}`);
  output.line(ok
    ? 'Your backward propagation works perfectly fine! (difference < 2e-7)'
    : `There is a mistake in the backward propagation! (difference ≥ 2e-7; largest gap at ${result.worst.name}[${result.worst.row}, ${result.worst.col}]: backprop ${result.worst.grad}, finite difference ${result.worst.gradApprox})`);
  return ok ? 0 : 1;
}
