/**
 * The course's L-layer training written directly on the compute interface, so
 * any implementation and dtype can run it (the float32 check of the cat trace,
 * the benchmark). Same math as src/steps lLayerModel: (1)-(2) forward with
 * bias and activation fused into the product, cross-entropy cost, (7)-(9)
 * backward without the unused dA0, gradient descent as one axpy over the
 * parameter arena. Workspaces are allocated once.
 *
 * Legend: X (n[0], m), W[l] (n[l], n[l-1]), b[l] (n[l], 1), A[l], Z[l] (n[l], m).
 */
import { Arena, pairwiseSum, random, appInitializeParametersDeep, type FloatArray, type Kernels, type Matrix } from '../src/index.ts';

export interface KernelTrainer {
  /** One iteration (forward, cost, backward, update); returns the cost before the update. */
  step(): number;
  /** Gives every workspace back to the kernels. */
  release(): void;
}

export function lLayerTrainer<T extends FloatArray>(k: Kernels<T>, X: Matrix, Y: Matrix, layersDims: readonly number[], learningRate: number): KernelTrainer {
  const L = layersDims.length - 1, m = X.cols;
  random.seed(1);
  const init = appInitializeParametersDeep(layersDims);
  const params = new Arena<T>(Arena.layerShapes(layersDims), k);
  const grads = params.twin(k);
  for (let l = 1; l <= L; l++) {
    params.entries[2 * (l - 1)].data.set(init['W' + l].data);
    params.entries[2 * (l - 1) + 1].data.set(init['b' + l].data);
  }
  const Xk = k.matrix(X.rows, X.cols);
  Xk.data.set(X.data);
  const Z: Matrix<T>[] = [], A: Matrix<T>[] = [Xk], dA: Matrix<T>[] = [], dZ: Matrix<T>[] = [];
  for (let l = 1; l <= L; l++) {
    Z[l] = k.matrix(layersDims[l], m);
    A[l] = k.matrix(layersDims[l], m);
    dA[l] = k.matrix(layersDims[l], m);
    dZ[l] = k.matrix(layersDims[l], m);
  }
  const terms = new Float64Array(m);
  const y = Y.data;
  return {
    step() {
      for (let l = 1; l <= L; l++) {
        const W = params.entries[2 * (l - 1)], b = params.entries[2 * (l - 1) + 1];
        k.gemm(false, false, 1, W, A[l - 1], Z[l], { bias: b, activation: l < L ? 'relu' : 'sigmoid', out: A[l] }); // (1), (2)
      }
      const a = A[L].data;
      for (let j = 0; j < m; j++) terms[j] = y[j] * Math.log(a[j]) + (1 - y[j]) * Math.log(1 - a[j]);
      const cost = (-1 / m) * pairwiseSum(terms);
      const d = dA[L].data;
      for (let j = 0; j < m; j++) d[j] = -(y[j] / a[j] - (1 - y[j]) / (1 - a[j]));
      for (let l = L; l >= 1; l--) {
        k.activationBackward(l < L ? 'relu' : 'sigmoid', dA[l], Z[l], dZ[l]); // (7)
        k.gemm(false, true, 1 / m, dZ[l], A[l - 1], grads.entries[2 * (l - 1)]); // (8)
        k.rowSum(dZ[l], 1 / m, grads.entries[2 * (l - 1) + 1]); // (9)
        if (l > 1) k.gemm(true, false, 1, params.entries[2 * (l - 1)], dZ[l], dA[l - 1]); // (10)
      }
      k.axpy(-learningRate, grads.data, params.data);
      return cost;
    },
    release() {
      for (const M of [Xk, ...Z.slice(1), ...A.slice(1), ...dA.slice(1), ...dZ.slice(1), params.storage, grads.storage]) k.release(M);
    },
  };
}

/** Trains for `iterations` and returns every cost. */
export function trainLLayerWithKernels<T extends FloatArray>(k: Kernels<T>, X: Matrix, Y: Matrix, layersDims: readonly number[], learningRate: number, iterations: number): number[] {
  const trainer = lLayerTrainer(k, X, Y, layersDims, learningRate);
  const costs: number[] = [];
  for (let i = 0; i < iterations; i++) costs.push(trainer.step());
  trainer.release();
  return costs;
}
