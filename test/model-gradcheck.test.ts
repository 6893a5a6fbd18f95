/**
 * Gradient checking of the Model's backward pass (the foundation's
 * gradientCheckParameters under gradientCheckModel): every hidden activation
 * with every output activation and its loss, with and without the L2 term,
 * below MODEL_TOLERANCE.gradientCheck. A deliberately wrong backward fails it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  gradientCheckModel,
  HIDDEN_ACTIVATIONS,
  Matrix,
  Model,
  OptionError,
  RandomState,
  refKernels,
  type Activation,
  type Kernels,
  type LayerActivation,
  type LayerSpec,
  type DType,
} from '../src/index.ts';
import { MODEL_TOLERANCE } from './model-helpers.ts';

const OUTPUTS = [
  { activation: 'sigmoid', units: 1, loss: 'binary cross-entropy' },
  { activation: 'sigmoid', units: 2, loss: 'binary cross-entropy, two labels per example' },
  { activation: 'softmax', units: 3, loss: 'categorical cross-entropy' },
  { activation: 'linear', units: 2, loss: 'mean squared error' },
] as const;

function problem(hidden: Activation, output: (typeof OUTPUTS)[number], seed: number, kernels?: Kernels<Float64Array>) {
  const rng = new RandomState(seed);
  const m = 6;
  const X = rng.randn(4, m);
  let Y: Matrix;
  if (output.activation === 'softmax') Y = Matrix.from([1, m], Array.from(rng.rand(1, m).data, (u) => Math.floor(u * output.units)));
  else if (output.activation === 'sigmoid') Y = Matrix.from([output.units, m], Array.from(rng.rand(output.units, m).data, (u) => (u < 0.5 ? 1 : 0)));
  else Y = rng.randn(output.units, m);
  // slope only beside leakyRelu, as LayerSpec's type allows it
  const hiddenLayer = (units: number): LayerSpec => (hidden === 'leakyRelu' ? { units, activation: hidden, slope: 0.1 } : { units, activation: hidden });
  const model = new Model({
    inputSize: 4,
    layers: [
      hiddenLayer(5),
      hiddenLayer(3),
      { units: output.units, activation: output.activation as LayerActivation },
    ],
    init: 'xavier',
    seed,
    ...(kernels ? { kernels } : {}),
  });
  // Non-zero biases, so every b[l] matters.
  for (let l = 1; l <= 3; l++) model.b(l).data.set(rng.randn(model.b(l).rows, 1).data.map((v) => 0.2 * v));
  return { model, X, Y };
}

describe('gradientCheckModel: every activation × loss, with and without L2', () => {
  let seed = 100;
  for (const output of OUTPUTS) {
    for (const hidden of HIDDEN_ACTIVATIONS) {
      for (const l2 of [0, 0.7]) {
        const s = seed++;
        it(`${hidden} hidden, ${output.activation} output (${output.loss})${l2 ? `, L2 λ = ${l2}` : ''}`, () => {
          const { model, X, Y } = problem(hidden, output, s);
          const before = Float64Array.from(model.parameters.data);
          const result = gradientCheckModel(model, X, Y, { l2 });
          assert.ok(result.difference < MODEL_TOLERANCE.gradientCheck, `difference ${result.difference}; worst ${JSON.stringify(result.worst)}`);
          assert.equal(result.grad.length, model.parameters.data.length, 'every parameter was nudged');
          assert.deepEqual(model.parameters.data, before, 'parameters restored');
        });
      }
    }
  }

  it('fails for a wrong backward (tanh′ off by 1%)', () => {
    const wrong: Kernels<Float64Array> = {
      ...refKernels,
      activationBackward(activation, dA, Z, dZ, slope) {
        refKernels.activationBackward(activation, dA, Z, dZ, slope);
        if (activation === 'tanh') for (let i = 0; i < dZ.data.length; i++) dZ.data[i] *= 1.01;
      },
    };
    const { model, X, Y } = problem('tanh', OUTPUTS[0], 7, wrong);
    const result = gradientCheckModel(model, X, Y);
    assert.ok(result.difference > 1e-4, `difference ${result.difference} should show the error`);
    assert.match(result.worst.name, /^[Wb][12]$/, 'the error is in the hidden layers');
  });

  it('fails when the L2 gradient term is missing', () => {
    const { model, X, Y } = problem('relu', OUTPUTS[0], 8);
    const J = model.cost(X, Y, { l2: 0.7 });
    const grads = model.gradients(X, Y).gradients; // without the L2 term
    let worst = 0;
    const eps = 1e-7, p = model.parameters.data;
    for (let i = 0; i < p.length; i++) {
      const saved = p[i];
      p[i] = saved + eps;
      const plus = model.cost(X, Y, { l2: 0.7 });
      p[i] = saved - eps;
      const minus = model.cost(X, Y, { l2: 0.7 });
      p[i] = saved;
      worst = Math.max(worst, Math.abs((plus - minus) / (2 * eps) - grads.data[i]));
    }
    assert.ok(Number.isFinite(J) && worst > 1e-3, `the L2 term's gradient must show: ${worst}`);
  });

  it('needs float64, which it checks at run time: a model of a dtype known only then (fromSpec) type-checks', () => {
    const model = new Model({ inputSize: 2, layers: [{ units: 1, activation: 'sigmoid' }], dtype: 'float32', seed: 1 });
    // @ts-expect-error a float32 model, known when compiling
    assert.throws(() => gradientCheckModel(model, Matrix.zeros(2, 3), Matrix.zeros(1, 3)), OptionError);
    assert.throws(() => gradientCheckModel(model as Model<DType>, Matrix.zeros(2, 3), Matrix.zeros(1, 3)), OptionError);
    const rebuilt = Model.fromSpec({ ...model.toSpec(), dtype: 'float64' });
    assert.ok(gradientCheckModel(rebuilt, Matrix.from([2, 3], [1, 2, 3, 4, 5, 6]), Matrix.from([1, 3], [0, 1, 1])).difference < 1e-7);
  });
});
