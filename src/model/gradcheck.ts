/**
 * Gradient checking of a Model, with the foundation's `gradientCheckParameters`:
 * every W[l], b[l] nudged by ±ε, the two-sided difference of the Model's cost
 * (its loss, plus the L2 term when l2 > 0) against backpropagation's gradient,
 *   difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂).
 * Dropout stays off: a mask drawn per evaluation would make J(θ ± ε) two
 * different functions.
 */
import { OptionError } from '../errors.ts';
import type { DType, FloatArray, Matrix } from '../matrix.ts';
import type { Arena } from '../parameters.ts';
import { gradientCheckParameters, type CheckedParameter, type GradientCheckResult } from '../steps/gradcheck.ts';
import type { Model } from './model.ts';
import { backward, cost, forward, Workspace } from './network.ts';
import { checkL2, checkOptionKeys } from './options.ts';

/** Rejects a model known to be float32 when the code is compiled; one whose dtype is known only at run time (Model<DType>) is checked then. */
type FiniteDifferencesDType<D extends DType> = D extends 'float32' ? { readonly dtype: 'float64' } : unknown;

/**
 * Checks `model`'s backward pass on (X, Y) at its current parameters (nudged and restored).
 * @param X - (n[0], m) inputs
 * @param Y - (n[L], m) labels, or (1, m) class indices for softmax
 * @param options.l2 - λ of the L2 term (0 by default)
 * @param options.epsilon - ε, 1e-7 as in the course
 */
export function gradientCheckModel<D extends DType>(checked: Model<D> & FiniteDifferencesDType<D>, X: Matrix<FloatArray>, Y: Matrix<FloatArray>, options: { l2?: number; epsilon?: number } = {}): GradientCheckResult {
  const fn = 'gradientCheckModel';
  // Any Model type-checks (Model.fromSpec's is Model<DType>); its dtype is checked here.
  if (checked.dtype !== 'float64') throw new OptionError(`${fn}: the model's dtype is ${checked.dtype}; finite differences with ε = 1e-7 need float64`);
  const model = checked as unknown as Model<'float64'>;
  const l2 = checkL2(fn, checkOptionKeys(fn, options, ['l2', 'epsilon']).l2);
  const k = model.kernels;
  const input = model.input(fn, X);
  let labels: Matrix<Float64Array> | undefined, ws: Workspace<Float64Array> | undefined, grads: Arena<Float64Array> | undefined;
  try {
    labels = model.labels(fn, Y, input.cols);
    const workspace = (ws = new Workspace(model, input.cols, { training: true }));
    const gradients = (grads = model.parameters.twin(k));
    const Y1 = labels;
    forward(model, workspace, input);
    backward(model, workspace, input, Y1, gradients, l2);
    const entries: CheckedParameter[] = model.parameters.entries.map((value, i) => ({
      name: (i % 2 === 0 ? 'W' : 'b') + (Math.floor(i / 2) + 1),
      value,
      grad: gradients.entries[i],
    }));
    const J = () => {
      forward(model, workspace, input);
      return cost(model, workspace, Y1, l2);
    };
    return gradientCheckParameters(entries, J, options.epsilon);
  } finally {
    // Kernel memory is given back here, not left to the garbage collector.
    ws?.release(k);
    if (grads) k.release(grads.storage);
    if (labels) k.release(labels);
    model.releaseCopy(input, X);
  }
}
