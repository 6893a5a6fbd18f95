/**
 * The step functions in a loop of the caller's own, as the course writes
 * L_layer_model: every matrix a call returns is the caller's to keep or drop,
 * so kernel (WebAssembly) memory, which only the garbage collector could give
 * back and which a loop never lets it reach, must not grow with the
 * iterations. On the cat data such a loop filled the 4 GB memory in about 180
 * of the course's 2500 iterations and stopped with a RangeError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeCost,
  createWasmKernels,
  gradientCheck,
  initializeParametersDeep,
  leakyRelu,
  linearActivationBackward,
  linearActivationForward,
  lLayerModel,
  lModelBackward,
  lModelForward,
  Matrix,
  predict,
  RandomState,
  relu,
  reluBackward,
  sigmoid,
  softmax,
  tanh,
  twoLayerModel,
  appInitializeParametersDeep,
  random,
  updateParameters,
  useKernels,
  type WasmKernels,
} from '../src/index.ts';

/** Runs `body` with the step functions on wasm kernels of their own, whose bytesInUse counts only what the steps keep. */
function onOwnKernels(body: (k: WasmKernels<Float64Array>) => void): void {
  const k = createWasmKernels('float64', { threads: 1 });
  const previous = useKernels(k);
  try {
    body(k);
  } finally {
    useKernels(previous);
  }
}

function data(n: number, m: number, seed: number) {
  const rng = new RandomState(seed);
  const X = rng.randn(n, m);
  const Y = Matrix.zeros(1, m);
  for (let j = 0; j < m; j++) Y.data[j] = X.get(0, j) + X.get(1, j) > 0 ? 1 : 0;
  return { X, Y };
}

describe('the step functions in a loop of the caller', () => {
  it("the course's L_layer_model loop keeps kernel memory flat over 40 iterations", () => {
    onOwnKernels((k) => {
      const { X, Y } = data(30, 25, 1);
      const inUse = k.runtime.bytesInUse();
      let parameters = initializeParametersDeep([30, 7, 5, 1], { scale: 0.3 });
      const costs: number[] = [];
      for (let i = 0; i < 40; i++) {
        const [AL, caches] = lModelForward(X, parameters);
        costs.push(computeCost(AL, Y));
        const grads = lModelBackward(AL, Y, caches);
        parameters = updateParameters(parameters, grads, 0.1);
      }
      assert.ok(costs[39] < costs[0], 'it trains');
      assert.equal(k.runtime.bytesInUse(), inUse);
    });
  });

  it('every other step function, 20 times over, keeps none of what it returns in kernel memory', () => {
    onOwnKernels((k) => {
      const { X, Y } = data(6, 9, 2);
      const inUse = k.runtime.bytesInUse();
      for (let i = 0; i < 20; i++) {
        const p = initializeParametersDeep([6, 4, 1], { scale: 0.5 });
        const [A1, cache1] = linearActivationForward(X, p.W1, p.b1, 'tanh');
        linearActivationBackward(A1, cache1, 'tanh');
        reluBackward(relu(A1)[0], A1);
        sigmoid(A1);
        tanh(A1);
        leakyRelu(A1);
        softmax(A1);
        predict(X, Y, p);
        const [AL, caches] = lModelForward(X, p);
        gradientCheck(p, lModelBackward(AL, Y, caches), X, Y);
      }
      assert.equal(k.runtime.bytesInUse(), inUse);
    });
  });

  it('twoLayerModel and lLayerModel compute in kernel memory and give all of it back, the parameters included', () => {
    onOwnKernels((k) => {
      const { X, Y } = data(5, 12, 3);
      const inUse = k.runtime.bytesInUse();
      for (let i = 0; i < 5; i++) {
        const two = twoLayerModel(X, Y, [5, 4, 1], { numIterations: 20, learningRate: 0.1 });
        const deep = lLayerModel(X, Y, [5, 4, 3, 1], { numIterations: 20, learningRate: 0.1 });
        for (const M of [...Object.values(two.parameters), ...Object.values(deep.parameters)]) assert.equal(k.owns!(M), false);
      }
      assert.equal(k.runtime.bytesInUse(), inUse);
    });
  });

  it("twoLayerModel and lLayerModel leave out the course's dA0 (X's size), and train to the parameters of the course's own loop, bit for bit", () => {
    onOwnKernels((k) => {
      const { X, Y } = data(6, 10, 4);
      // The products that give a gradient with respect to X: Wᵀ·dZ with X's shape.
      let inputGradients = 0, products = 0;
      const counting: WasmKernels<Float64Array> = Object.create(k);
      counting.gemm = (transA, transB, alpha, A, B, C, epilogue) => {
        products++;
        if (transA && C.rows === X.rows && C.cols === X.cols) inputGradients++;
        return k.gemm(transA, transB, alpha, A, B, C, epilogue);
      };
      const previous = useKernels(counting);
      try {
        // The course's L_layer_model, written with the step functions: its lModelBackward forms dA1 (X's shape).
        random.seed(1);
        let parameters = appInitializeParametersDeep([6, 4, 3, 1]);
        const costs: number[] = [];
        for (let i = 0; i < 15; i++) {
          const [AL, caches] = lModelForward(X, parameters);
          costs.push(computeCost(AL, Y));
          const grads = lModelBackward(AL, Y, caches);
          assert.equal(grads.dA1.rows, X.rows);
          parameters = updateParameters(parameters, grads, 0.1);
        }
        assert.equal(inputGradients, 15, 'lModelBackward still returns dA1');
        inputGradients = products = 0;
        const deep = lLayerModel(X, Y, [6, 4, 3, 1], { numIterations: 15, learningRate: 0.1, onIteration: (i, c) => assert.ok(Object.is(c, costs[i]), `cost ${i}`) });
        assert.equal(inputGradients, 0, 'lLayerModel computes no dA for X');
        assert.equal(products, 15 * (3 + 2 + 2 + 1), 'each iteration: 3 forward products, dW and dA_prev for layers 3 and 2, dW for layer 1');
        for (const key of Object.keys(parameters)) assert.deepEqual(deep.parameters[key].data, parameters[key].data, key);
        inputGradients = 0;
        twoLayerModel(X, Y, [6, 4, 1], { numIterations: 5, learningRate: 0.1 });
        assert.equal(inputGradients, 0, 'twoLayerModel computes no dA0');
      } finally {
        useKernels(previous);
      }
    });
  });

  it('lLayerModel reads an X that lives in kernel memory in place: no second copy, X left as it was', () => {
    onOwnKernels((k) => {
      const { X, Y } = data(300, 50, 5);
      const Xk = k.matrix(X.rows, X.cols);
      Xk.data.set(X.data);
      const reach = k.runtime.highWaterBytes();
      const inPlace = lLayerModel(Xk, Y, [300, 4, 3, 1], { numIterations: 10, learningRate: 0.1 });
      const grown = k.runtime.highWaterBytes() - reach;
      assert.ok(grown < Xk.data.byteLength, `training took ${grown} bytes more kernel memory, X is ${Xk.data.byteLength}`);
      assert.equal(k.owns!(Xk), true);
      assert.deepEqual(Xk.data, X.data);
      const copied = lLayerModel(X, Y, [300, 4, 3, 1], { numIterations: 10, learningRate: 0.1 });
      for (const key of Object.keys(copied.parameters)) assert.deepEqual(inPlace.parameters[key].data, copied.parameters[key].data, key);
      k.release(Xk);
    });
  });
});
