#!/usr/bin/env python3
"""What `gpurnn train --features ... --target ... --no-shuffle --init-weights W` computes, rewritten from Keras's
definitions in NumPy (float64), for tests/NumpyReferenceTests.cs to compare against: every column scaled to [0, 1]
by its own MinMax scaler fitted on the whole CSV; the training part is the first floor(n * split) rows; a window is
T rows of every input column and its target the target column's value in the row after it, the targets T, T + stride,
... (the tutorial's get_XY); SimpleRNN (h_0 = 0, h_t = f(x_t Wx + h_{t-1} Wh + bh)) and Dense (o = g(h_T Wy + by));
MSE averaged over the batch and the outputs; batches in order; Adam in Keras's form (the bias corrections folded into
the step size). Usage: simple_rnn_adam.py CASE.json; prints the trained weights as a get_weights() JSON list.
"""
import csv
import json
import sys

import numpy as np

# Each activation with its derivative written in terms of its output.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda y: 1.0 - y * y),
    "sigmoid": (lambda a: 1.0 / (1.0 + np.exp(-a)), lambda y: y * (1.0 - y)),
    "relu": (lambda a: np.maximum(a, 0.0), lambda y: (y > 0).astype(float)),
    "linear": (lambda a: a, np.ones_like),
}


def scaled_columns(path, names):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = []
    for name in names:
        v = np.array([float(r[name]) for r in rows])
        span = v.max() - v.min()
        columns.append((v - v.min()) / (span if span > 0 else 1.0))
    return np.stack(columns, axis=1)


def windows(case):
    x_all = scaled_columns(case["csv"], case["features"])
    y_all = scaled_columns(case["csv"], [case["target"]])
    split = int(np.floor(len(x_all) * case["split"]))
    steps = case["time_steps"]
    targets = np.arange(steps, split, case["stride"])
    x = np.stack([x_all[i - steps:i] for i in targets])
    return x, y_all[targets]


def gradients(w, x, y, f, df, g, dg):
    wx, wh, bh, wy, by = w
    batch, steps, _ = x.shape
    hs = [np.zeros((batch, wh.shape[0]))]
    for t in range(steps):
        hs.append(f(x[:, t] @ wx + hs[-1] @ wh + bh))
    o = g(hs[-1] @ wy + by)
    dz = 2.0 * (o - y) / (batch * o.shape[1]) * dg(o)
    grads = [np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(bh), hs[-1].T @ dz, dz.sum(axis=0)]
    dh = dz @ wy.T
    for t in reversed(range(steps)):
        da = dh * df(hs[t + 1])
        grads[0] += x[:, t].T @ da
        grads[1] += hs[t].T @ da
        grads[2] += da.sum(axis=0)
        dh = da @ wh.T
    return grads


def train(case):
    with open(case["weights"]) as f:
        w = [np.array(t, dtype=float) for t in json.load(f)]
    x, y = windows(case)
    f, df = ACTIVATIONS[case["hidden_activation"]]
    g, dg = ACTIVATIONS[case["output_activation"]]
    lr, beta1, beta2, epsilon = case["learning_rate"], 0.9, 0.999, 1e-7
    m = [np.zeros_like(t) for t in w]
    v = [np.zeros_like(t) for t in w]
    iteration = 0
    for _ in range(case["epochs"]):
        for start in range(0, len(x), case["batch_size"]):
            grads = gradients(w, x[start:start + case["batch_size"]], y[start:start + case["batch_size"]], f, df, g, dg)
            iteration += 1
            alpha = lr * np.sqrt(1.0 - beta2 ** iteration) / (1.0 - beta1 ** iteration)
            for k, gk in enumerate(grads):
                m[k] = beta1 * m[k] + (1.0 - beta1) * gk
                v[k] = beta2 * v[k] + (1.0 - beta2) * gk * gk
                w[k] = w[k] - alpha * m[k] / (np.sqrt(v[k]) + epsilon)
    return w


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        case = json.load(f)
    print(json.dumps([t.tolist() for t in train(case)]))
