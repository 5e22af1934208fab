#!/usr/bin/env python3
"""The tutorial as one PyTorch script, start to finish: the peer for timing the whole `gpurnn train` process.

Reads the sunspots CSV, MinMax to [0, 1] over the whole series, split = floor(n * 0.8), non-overlapping windows of
12 (the tutorial's get_XY), SimpleRNN(3, tanh) + Dense(1, tanh) as nn.RNN + nn.Linear, MSE, Adam (lr 0.001), batch 1,
shuffled, 20 epochs; prints train/test RMSE and writes the plot with the red line at the split, as `gpurnn train`
does. Time it as a whole process:
    farm-bench --vs 'dotnet src/Cli/bin/Release/net10.0/gpurnn.dll train --plot /tmp/g.png' -- \
        /usr/bin/python3 bench/pytorch_tutorial.py --plot /tmp/t.png
"""
import argparse
import csv
import math
import os

import torch
from torch import nn

SUNSPOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "monthly-sunspots.csv")


def windows(series, steps=12):
    targets = list(range(steps, len(series), steps))
    x = torch.tensor([series[t - steps:t] for t in targets], dtype=torch.float32).unsqueeze(-1)
    y = torch.tensor([[series[t]] for t in targets], dtype=torch.float32)
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=SUNSPOTS)
    parser.add_argument("--plot", default="forecast-pytorch.png")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch's threads (1 is its best for this model here)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    with open(args.data, newline="") as f:
        values = [float(row[1]) for row in list(csv.reader(f))[1:]]
    lo, hi = min(values), max(values)
    scaled = [(v - lo) / (hi - lo) for v in values]
    split = math.floor(len(scaled) * 0.8)
    train_x, train_y = windows(scaled[:split])
    test_x, test_y = windows(scaled[split:])

    rnn = nn.RNN(1, 3, nonlinearity="tanh", batch_first=True)
    dense = nn.Linear(3, 1)
    model = lambda x: torch.tanh(dense(rnn(x)[0][:, -1, :]))
    optimizer = torch.optim.Adam(list(rnn.parameters()) + list(dense.parameters()), lr=0.001)
    loss_fn = nn.MSELoss()
    for _ in range(20):
        for i in torch.randperm(len(train_x)).tolist():
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[i:i + 1]), train_y[i:i + 1])
            loss.backward()
            optimizer.step()

    with torch.no_grad():
        train_p, test_p = model(train_x), model(test_x)
    rmse = lambda p, y: math.sqrt(float(((p - y) ** 2).mean()))
    print(f"Train RMSE: {rmse(train_p, train_y):.5f}  Test RMSE: {rmse(test_p, test_y):.5f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    actual = torch.cat([train_y, test_y]).squeeze(-1).tolist()
    predicted = torch.cat([train_p, test_p]).squeeze(-1).tolist()
    plt.figure(figsize=(9, 4.5))
    plt.plot(actual, label="actual")
    plt.plot(predicted, label="predicted")
    plt.axvline(len(train_y), color="red")
    plt.legend()
    plt.xlabel("window")
    plt.ylabel("scaled sunspots")
    plt.savefig(args.plot, dpi=100)


if __name__ == "__main__":
    main()
