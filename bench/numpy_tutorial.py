"""The tutorial's NumPy code, written out as the tutorial has it (Course 1
week 4: the step-by-step functions and the application's L_layer_model
loop), plus a softmax output for the MNIST-size row, driven by bench/run.ts.

Protocol: one command per line on stdin, one JSON line on stdout.
  setup_cat <dtype>            load ../shared/data cat pixels (raw uint8), init as the application
  setup_mnist <dtype>          random (784, 1024) inputs, 10 classes, [784, 256, 128, 10]
  iterate <n> [warm_ms]        untimed iterations for warm_ms milliseconds, then n
                               timed ones; returns the seconds of each
  gemm <M> <N> <K> <tA> <tB> <dtype> <n> [warm_ms]   the same for products
                               (at least one untimed product)
  train <iterations>           full training from a fresh init; returns the wall time
Threads: OPENBLAS_NUM_THREADS in the environment (set by run.ts).
"""
import json
import os
import sys
import time

import numpy as np


def sigmoid(Z):
    A = 1/(1+np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0,Z)
    cache = Z
    return A, cache


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True) # just converting dz to a correct object.
    # When z <= 0, you should set dz to 0 as well.
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1/(1+np.exp(-Z))
    dZ = dA * s * (1-s)
    return dZ


def initialize_parameters_deep(layer_dims):
    # The application's version (dnn_app_utils): seed 1, / sqrt(n[l-1]).
    np.random.seed(1)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l-1]) / np.sqrt(layer_dims[l-1])
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    Z = np.dot(W,A)+b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    elif activation == "softmax":
        Z, linear_cache = linear_forward(A_prev, W, b)
        E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        A, activation_cache = E / np.sum(E, axis=0, keepdims=True), Z
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters, output="sigmoid"):
    caches = []
    A = X
    L = len(parameters) // 2
    for i in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W'+str(i)], parameters['b'+str(i)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W'+str(L)], parameters['b'+str(L)], output)
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1/m*np.sum(Y*np.log(AL)+(1-Y)*np.log(1-AL))
    cost = np.squeeze(cost)
    return cost


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(W.T, dZ)
    dW = 1/m*np.dot(dZ, A_prev.T)
    db = 1/m*np.sum(dZ,axis=1,keepdims=True)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ,linear_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ,linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches, output="sigmoid"):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    current_cache = caches[L - 1]
    if output == "softmax":
        # softmax + categorical cross-entropy: dZ = AL - Y, then the linear step.
        grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(AL - Y, current_cache[0])
    else:
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, current_cache, activation="sigmoid")
    for i in reversed(range(L - 1)):
        current_cache = caches[i]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(i + 2)], current_cache, activation="relu")
        grads["dA" + str(i + 1)] = dA_prev_temp
        grads["dW" + str(i + 1)] = dW_temp
        grads["db" + str(i + 1)] = db_temp
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for i in range(1,L+1):
        parameters['W'+str(i)] = parameters['W'+str(i)] - learning_rate* grads["dW"+str(i)]
        parameters['b'+str(i)] = parameters['b'+str(i)] - learning_rate* grads["db"+str(i)]
    return parameters


class State:
    X = Y = parameters = None
    layers_dims = None
    output = "sigmoid"
    dtype = np.float64


def load_cat(dtype, split='train'):
    here = os.path.dirname(os.path.abspath(__file__))
    d = os.path.join(here, '..', '..', 'shared', 'data', 'catvnoncat')
    labels = json.load(open(os.path.join(d, 'labels.json')))
    y = np.array(labels[f'{split}_set_y'], dtype=dtype).reshape(1, -1)
    x = np.fromfile(os.path.join(d, f'{split}_set_x.u8'), dtype=np.uint8).reshape(y.shape[1], -1)
    return (x.T / 255.).astype(dtype), y


def cast(parameters, dtype):
    return {k: v.astype(dtype) for k, v in parameters.items()}


def one_iteration(s):
    AL, caches = L_model_forward(s.X, s.parameters, s.output)
    if s.output == "sigmoid":
        compute_cost(AL, s.Y)
    grads = L_model_backward(AL, s.Y, caches, s.output)
    s.parameters = update_parameters(s.parameters, grads, 0.0075)


def warm_up(f, ms):
    """Runs f untimed until ms milliseconds have passed: after an idle pause
    the first runs on this machine are up to 4x slower than the next ones."""
    t0 = time.perf_counter()
    while (time.perf_counter() - t0) * 1000 < ms:
        f()


def openblas_kernel():
    """The kernel family OpenBLAS chose (e.g. 'Haswell', 'SkylakeX'), read from
    the library NumPy loaded; None when NumPy's BLAS is not an OpenBLAS found here."""
    import ctypes
    import glob
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, 'numpy.libs')
    for path in glob.glob(os.path.join(libs, '*openblas*.so*')):
        lib = ctypes.CDLL(path)
        for name in ('scipy_openblas_get_corename64_', 'scipy_openblas_get_corename', 'openblas_get_corename'):
            f = getattr(lib, name, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                return f().decode()
    return None


def main():
    s = State()
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        out = {}
        if cmd[0] == 'setup_cat':
            s.dtype = np.dtype(cmd[1]).type
            s.X, s.Y = load_cat(s.dtype)
            s.layers_dims, s.output = [12288, 20, 7, 5, 1], "sigmoid"
            s.parameters = cast(initialize_parameters_deep(s.layers_dims), s.dtype)
        elif cmd[0] == 'setup_mnist':
            s.dtype = np.dtype(cmd[1]).type
            rng = np.random.RandomState(0)
            s.X = rng.rand(784, 1024).astype(s.dtype)
            s.Y = np.eye(10, dtype=s.dtype)[:, rng.randint(0, 10, 1024)]
            s.layers_dims, s.output = [784, 256, 128, 10], "softmax"
            s.parameters = cast(initialize_parameters_deep(s.layers_dims), s.dtype)
        elif cmd[0] == 'iterate':
            warm_up(lambda: one_iteration(s), float(cmd[2]) if len(cmd) > 2 else 0)
            times = []
            for _ in range(int(cmd[1])):
                t0 = time.perf_counter()
                one_iteration(s)
                times.append(time.perf_counter() - t0)
            out['times'] = times
        elif cmd[0] == 'gemm':
            M, N, K, tA, tB, dt, n = int(cmd[1]), int(cmd[2]), int(cmd[3]), cmd[4] == '1', cmd[5] == '1', np.dtype(cmd[6]).type, int(cmd[7])
            rng = np.random.RandomState(1)
            A = rng.rand(K, M).astype(dt) if tA else rng.rand(M, K).astype(dt)
            B = rng.rand(N, K).astype(dt) if tB else rng.rand(K, N).astype(dt)
            opA = A.T if tA else A
            opB = B.T if tB else B
            np.dot(opA, opB)
            warm_up(lambda: np.dot(opA, opB), float(cmd[8]) if len(cmd) > 8 else 0)
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                np.dot(opA, opB)
                times.append(time.perf_counter() - t0)
            out['times'] = times
        elif cmd[0] == 'train':
            s.parameters = cast(initialize_parameters_deep(s.layers_dims), s.dtype)
            t0 = time.perf_counter()
            for _ in range(int(cmd[1])):
                one_iteration(s)
            out['seconds'] = time.perf_counter() - t0
        elif cmd[0] == 'info':
            out['numpy'] = np.__version__
            out['openblas'] = openblas_kernel()
            out['threads'] = os.environ.get('OPENBLAS_NUM_THREADS')
        print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
