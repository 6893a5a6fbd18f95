/**
 * `dnn gradcheck`: the course's gradient check on a small random network:
 * backpropagation's gradient against two-sided finite differences,
 *   difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂),
 * which the course expects below 2e-7.
 */
import { OptionError } from '../errors.ts';
import { RandomState } from '../random.ts';
import { Matrix } from '../matrix.ts';
import { gradientCheckModel, Model } from '../model/index.ts';
import { Output } from './output.ts';
import { choice, GRADCHECK_FLAGS, layerList, num, parse } from './options.ts';
import { HIDDENS, OUTPUTS } from './network.ts';

/** The course's threshold: "difference < 2e-7" means the backward pass is right. */
export const GRADCHECK_THRESHOLD = 2e-7;

/** Returns the exit code: 0 when the difference is below the threshold, 1 otherwise. */
export function gradcheck(args: string[], output: Output): number {
  const { values, positionals } = parse('gradcheck', args, GRADCHECK_FLAGS);
  if (positionals.length) throw new OptionError(`dnn gradcheck takes no positional arguments, got "${positionals[0]}"`);
  const out = choice(values, 'output', OUTPUTS) ?? 'sigmoid';
  const layers = layerList(values) ?? (out === 'softmax' ? [4, 5, 3, 3] : [4, 5, 3, 1]);
  const hidden = choice(values, 'hidden', HIDDENS) ?? 'relu';
  if (values.hidden !== undefined && layers.length < 3) throw new OptionError(`--hidden ${values.hidden}: --layers ${layers.join(',')} has no hidden layer; add one, e.g. --layers ${layers[0]},5,${layers[layers.length - 1]}`);
  const units = layers[layers.length - 1];
  if (out !== 'softmax' && units !== 1) throw new OptionError(`--layers ends with ${units}; the ${out} output here has one unit: use --layers ${layers.slice(0, -1).join(',')},1`);
  if (out === 'softmax' && units < 2) throw new OptionError(`--layers ends with ${units}; a softmax output needs a unit per class (at least 2)`);
  const m = num(values, 'examples', { min: 1, max: 10000, integer: true, text: 'an integer from 1 to 10000' }) ?? 5;
  const seed = num(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true, text: 'an integer between 0 and 4294967295' }) ?? 1;
  const epsilon = num(values, 'epsilon', { min: 0, exclusiveMin: true, max: 1, text: 'a small positive number, e.g. 1e-7' }) ?? 1e-7;
  const count = layers.slice(1).reduce((n, u, i) => n + u * (layers[i] + 1), 0);
  if (count > 200_000) throw new OptionError(`--layers ${layers.join(',')} has ${count} parameters; the check costs two forward passes per parameter, keep it under 200000`);

  const rng = new RandomState(seed);
  const X = rng.randn(layers[0], m);
  const Y = Matrix.from([1, m], Array.from({ length: m }, () => (out === 'linear' ? rng.standardNormal() : rng.interval(out === 'softmax' ? units - 1 : 1))));
  const model = new Model({ inputSize: layers[0], layers: layers.slice(1).map((u, i) => ({ units: u, activation: i === layers.length - 2 ? out : hidden })), init: 'xavier', seed });
  // Random biases too: with zero biases a unit whose inputs are all zero sits exactly on relu's kink at 0,
  // where the one-sided derivative backprop uses and the two-sided difference disagree.
  for (let l = 1; l <= model.depth; l++) rng.fillNormal(model.b(l).data);
  const result = gradientCheckModel(model, X, Y, { epsilon });
  const ok = result.difference < GRADCHECK_THRESHOLD;
  output.event('done', { layers, hidden, output: out, examples: m, parameters: count, epsilon, difference: result.difference, ok, worst: result.worst });
  output.line(`Gradient check of ${layers.join('-')} (${hidden}, ${out}), ${m} random examples, ${count} parameters, ε = ${epsilon}`);
  output.line(`difference = ${result.difference}`);
  output.line(ok
    ? 'Your backward propagation works perfectly fine! (difference < 2e-7)'
    : `There is a mistake in the backward propagation! (difference ≥ 2e-7; largest gap at ${result.worst.name}[${result.worst.row}, ${result.worst.col}]: backprop ${result.worst.grad}, finite difference ${result.worst.gradApprox})`);
  return ok ? 0 : 1;
}
