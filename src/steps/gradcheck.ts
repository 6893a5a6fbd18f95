/**
 * Gradient checking, as the course teaches it: nudge every parameter θ_i by
 * ±ε, take the two-sided difference (J(θ+ε) − J(θ−ε)) / 2ε as the
 * approximate gradient, and compare it with backpropagation's gradient by
 *   difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂).
 * Below 1e-7 the backward pass is right; above 1e-3 it is almost surely wrong.
 */
import { ShapeError } from '../errors.ts';
import type { FloatArray, Matrix } from '../matrix.ts';
import type { Activation } from '../kernels/types.ts';
import { layerEntries, type Grads, type Parameters } from '../parameters.ts';
import { expectSameShape } from './checks.ts';
import { computeCost, layerCount, lModelForward } from './model.ts';

export interface GradientCheckResult {
  /** ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂) */
  difference: number;
  /** Backpropagation's gradient, all parameters in order. */
  grad: Float64Array;
  /** The two-sided finite differences, same order. */
  gradApprox: Float64Array;
  /** Where |grad − gradapprox| is largest: the parameter's name and position. */
  worst: { name: string; row: number; col: number; grad: number; gradApprox: number };
}

/** A parameter to nudge and its gradient from backpropagation. */
export interface CheckedParameter {
  name: string;
  value: Matrix<FloatArray>;
  grad: Matrix<FloatArray>;
}

/**
 * The general check: nudges every element of every `value` in place (and
 * restores it), calling `cost()` twice per element.
 * @param epsilon - ε, 1e-7 as in the course
 */
export function gradientCheckParameters(entries: readonly CheckedParameter[], cost: () => number, epsilon = 1e-7): GradientCheckResult {
  const total = entries.reduce((n, e) => n + e.value.size, 0);
  const grad = new Float64Array(total);
  const gradApprox = new Float64Array(total);
  let i = 0;
  let worst = { name: '', row: 0, col: 0, grad: 0, gradApprox: 0 };
  let worstGap = -1;
  for (const { name, value, grad: g } of entries) {
    const theta = value.data;
    for (let k = 0; k < theta.length; k++, i++) {
      const saved = theta[k];
      theta[k] = saved + epsilon;
      const plus = cost();
      theta[k] = saved - epsilon;
      const minus = cost();
      theta[k] = saved;
      grad[i] = g.data[k];
      gradApprox[i] = (plus - minus) / (2 * epsilon);
      const gap = Math.abs(grad[i] - gradApprox[i]);
      if (gap > worstGap) {
        worstGap = gap;
        worst = { name, row: Math.floor(k / value.cols), col: k % value.cols, grad: grad[i], gradApprox: gradApprox[i] };
      }
    }
  }
  let num = 0, gn = 0, an = 0;
  for (let j = 0; j < total; j++) {
    num += (grad[j] - gradApprox[j]) ** 2;
    gn += grad[j] ** 2;
    an += gradApprox[j] ** 2;
  }
  const denominator = Math.sqrt(gn) + Math.sqrt(an);
  return { difference: denominator === 0 ? 0 : Math.sqrt(num) / denominator, grad, gradApprox, worst };
}

/**
 * The course's `gradient_check_n` for the L-layer model: checks `gradients`
 * (dW1, db1, ..., from `lModelBackward`) against finite differences of
 * `computeCost(lModelForward(X, parameters))`.
 * @param parameters - W1, b1, ..., WL, bL (nudged and restored)
 * @param gradients - dW1, db1, ..., dWL, dbL
 * @param X - (n[0], m) inputs
 * @param Y - (1, m) labels
 */
export function gradientCheck(
  parameters: Parameters,
  gradients: Grads,
  X: Matrix,
  Y: Matrix,
  options: { epsilon?: number; hidden?: Activation } = {},
): GradientCheckResult {
  const fn = 'gradientCheck';
  const L = layerCount(fn, parameters);
  const values = layerEntries(parameters, L);
  const grads = layerEntries(gradients, L, 'dW', 'db');
  const entries: CheckedParameter[] = values.map((value, i) => {
    const name = (i % 2 === 0 ? 'W' : 'b') + (Math.floor(i / 2) + 1);
    expectSameShape(fn, ['d' + name, grads[i]!], [name, value!]);
    return { name, value: value!, grad: grads[i]! };
  });
  if (Y.cols !== X.cols) throw new ShapeError(`${fn}: Y is ${Y.shapeString()} but X is ${X.shapeString()}; Y must be (1, m) = (1, ${X.cols})`);
  return gradientCheckParameters(entries, () => computeCost(lModelForward(X, parameters, options.hidden)[0], Y), options.epsilon);
}
