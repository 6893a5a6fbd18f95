/**
 * The same fully-connected model in TensorFlow.js (float32, autograd, plain
 * SGD), for the benchmark's comparison rows: [LINEAR -> RELU] × (L-1) ->
 * LINEAR -> SIGMOID with binary cross-entropy, or a softmax output with
 * categorical cross-entropy. Examples are columns, as in dnn.
 *
 * TensorFlow.js's ES modules use extensionless imports that Node cannot load,
 * so bench/run.ts bundles this file with esbuild (CommonJS) and requires it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let wasmPathSet = false;

/** Switches TensorFlow.js to `backend` ('wasm' or 'cpu'); `wasmDir` holds tfjs-backend-wasm's .wasm files. */
export async function useTfBackend(backend: 'wasm' | 'cpu', wasmDir: string): Promise<string> {
  if (backend === 'wasm' && !wasmPathSet) {
    setWasmPaths(wasmDir.endsWith('/') ? wasmDir : wasmDir + '/');
    wasmPathSet = true;
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf.getBackend();
}

export interface TfTrainer {
  step(): void;
  dispose(): void;
}

/**
 * @param X - (n[0], m) inputs, float32 values
 * @param Y - (n[L], m) labels (one-hot for softmax)
 * @param weights - W1..WL as row-major Float32Arrays, (n[l], n[l-1])
 */
export function tfTrainer(X: Float32Array, Y: Float32Array, layersDims: readonly number[], m: number, output: 'sigmoid' | 'softmax', weights: Float32Array[], learningRate: number): TfTrainer {
  const L = layersDims.length - 1;
  const x = tf.tensor2d(X, [layersDims[0], m]);
  const y = tf.tensor2d(Y, [layersDims[L], m]);
  const W = weights.map((w, l) => tf.variable(tf.tensor2d(w, [layersDims[l + 1], layersDims[l]])));
  const b = layersDims.slice(1).map((n) => tf.variable(tf.zeros([n, 1])));
  const optimizer = tf.train.sgd(learningRate);
  const loss = () => {
    let A: tf.Tensor2D = x;
    for (let l = 0; l < L; l++) {
      const Z = tf.add(tf.matMul(W[l], A), b[l]) as tf.Tensor2D;
      A = l < L - 1 ? tf.relu(Z) : output === 'sigmoid' ? tf.sigmoid(Z) : (tf.transpose(tf.softmax(tf.transpose(Z))) as tf.Tensor2D);
    }
    const ce = output === 'sigmoid'
      ? tf.add(tf.mul(y, tf.log(A)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, A))))
      : tf.mul(y, tf.log(A));
    return tf.mul(-1 / m, tf.sum(ce)) as tf.Scalar;
  };
  return {
    step() {
      const cost = optimizer.minimize(loss, true, [...W, ...b]);
      cost?.dataSync();
      cost?.dispose();
    },
    dispose() {
      tf.dispose([x, y, ...W, ...b]);
      optimizer.dispose();
    },
  };
}
