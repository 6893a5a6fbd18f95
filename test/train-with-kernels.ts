/**
 * The course's L-layer training written directly on the compute interface, so
 * any implementation and dtype can run it (the float32 check of the cat trace,
 * the benchmark). Same math as src/steps lLayerModel: (1)-(2) forward with
 * bias and activation fused into the product, cross-entropy cost, (7)-(10)
 * backward without the unused dA0, gradient descent as one axpy over the
 * parameter arena. The output layer's cost and dZ are computed in the forms
 * that keep float32 accurate (see `step`). Workspaces are allocated once.
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

/**
 * @param X - (n[0], m) inputs
 * @param Y - (n[L], m) labels: 0/1 for a sigmoid output, one-hot columns for softmax
 * @param output - 'sigmoid' (the course; binary cross-entropy) or 'softmax' (categorical cross-entropy)
 */
export function lLayerTrainer<T extends FloatArray>(k: Kernels<T>, X: Matrix, Y: Matrix, layersDims: readonly number[], learningRate: number, output: 'sigmoid' | 'softmax' = 'sigmoid'): KernelTrainer {
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
  /** (7)-(10) from dZ[L] down, then the update. */
  const backward = () => {
    for (let l = L; l >= 1; l--) {
      if (l < L) k.activationBackward('relu', dA[l], Z[l], dZ[l]); // (7)
      k.gemm(false, true, 1 / m, dZ[l], A[l - 1], grads.entries[2 * (l - 1)]); // (8)
      k.rowSum(dZ[l], 1 / m, grads.entries[2 * (l - 1) + 1]); // (9)
      if (l > 1) k.gemm(true, false, 1, params.entries[2 * (l - 1)], dZ[l], dA[l - 1]); // (10)
    }
    k.axpy(-learningRate, grads.data, params.data);
  };
  const y = Y.data;
  return {
    step() {
      for (let l = 1; l <= L; l++) {
        const W = params.entries[2 * (l - 1)], b = params.entries[2 * (l - 1) + 1];
        if (l < L || output === 'sigmoid') k.gemm(false, false, 1, W, A[l - 1], Z[l], { bias: b, activation: l < L ? 'relu' : 'sigmoid', out: A[l] }); // (1), (2)
        else {
          k.gemm(false, false, 1, W, A[l - 1], Z[l], { bias: b });
          k.softmaxColumns(Z[l], A[l]);
        }
      }
      if (output === 'softmax') {
        // J = −1/m · Σ y·log(a); dZ[L] = A[L] − Y.
        const a = A[L].data, dz = dZ[L].data, n = a.length;
        let s = 0;
        for (let i = 0; i < n; i++) {
          if (y[i] !== 0) s += y[i] * Math.log(a[i]);
          dz[i] = a[i] - y[i];
        }
        backward();
        return (-1 / m) * s;
      }
      // The cost from Z[L] rather than from AL = σ(Z[L]): in float32, 1 − AL loses
      // every digit once AL is within 6e-8 of 1, and the gradient with it;
      // log σ(z) = −log(1 + e^(−z)) and log(1 − σ(z)) = log σ(−z) lose nothing.
      const a = A[L].data, z = Z[L].data;
      for (let j = 0; j < m; j++) terms[j] = y[j] * logSigmoid(z[j]) + (1 - y[j]) * logSigmoid(-z[j]);
      const cost = (-1 / m) * pairwiseSum(terms);
      // dZ[L] = dAL · σ'(Z[L]) = AL − Y, the same number without 1/(1 − AL).
      const dz = dZ[L].data;
      for (let j = 0; j < m; j++) dz[j] = a[j] - y[j];
      backward();
      return cost;
    },
    release() {
      for (const M of [Xk, ...Z.slice(1), ...A.slice(1), ...dA.slice(1), ...dZ.slice(1), params.storage, grads.storage]) k.release(M);
    },
  };
}

function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** Trains for `iterations` and returns every cost. */
export function trainLLayerWithKernels<T extends FloatArray>(k: Kernels<T>, X: Matrix, Y: Matrix, layersDims: readonly number[], learningRate: number, iterations: number): number[] {
  const trainer = lLayerTrainer(k, X, Y, layersDims, learningRate);
  const costs: number[] = [];
  for (let i = 0; i < iterations; i++) costs.push(trainer.step());
  trainer.release();
  return costs;
}
