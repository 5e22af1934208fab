#!/usr/bin/python3
"""PyTorch peer for the GpuRnn benchmarks: the same workloads (nn.RNN tanh + Linear + tanh, MSE, Adam, same
sizes and batch sizes), one training epoch and the forward pass alone, at each thread count asked for.

Writes windows/s per workload and thread count as JSON for `gpurnn` bench's --table --peer, which prints the
combined table (FLOPs are counted there, in FlopCount, not here). Run through bench/compare.sh.
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SUNSPOTS = os.path.join(HERE, "..", "src", "Training", "Data", "monthly-sunspots.csv")

# name: (steps, hidden, batch, windows, quick windows); w3 is timed on fewer windows (reported per window) because
# one full epoch takes minutes here at every thread count.
WORKLOADS = {
    "tutorial": (12, 3, 1, 187, 187),
    "w1": (12, 3, 1024, 100_000, 50_000),
    "w2": (12, 32, 1024, 100_000, 20_480),
    "w3": (48, 128, 1024, 10_240, 4_096),
}


class Elman(nn.Module):
    """SimpleRNN(hidden, tanh) + Dense(1, tanh), as the tutorial's Keras model."""

    def __init__(self, hidden):
        super().__init__()
        self.rnn = nn.RNN(1, hidden, nonlinearity="tanh", batch_first=True)
        self.dense = nn.Linear(hidden, 1)

    def forward(self, x):
        states, _ = self.rnn(x)
        return torch.tanh(self.dense(states[:, -1, :]))


def tutorial_windows():
    """The tutorial's data: MinMax over the whole series, 80 % split, non-overlapping windows of 12 (get_XY)."""
    with open(SUNSPOTS, newline="") as f:
        values = [float(row[1]) for row in list(csv.reader(f))[1:]]
    lo, hi = min(values), max(values)
    scaled = [(v - lo) / (hi - lo) for v in values]
    train = scaled[: math.floor(len(scaled) * 0.8)]
    targets = list(range(12, len(train), 12))
    x = torch.tensor([train[t - 12:t] for t in targets], dtype=torch.float32).unsqueeze(-1)
    y = torch.tensor([[train[t]] for t in targets], dtype=torch.float32)
    return x, y


def synthetic_windows(count, steps, seed=42):
    """Values do not change the work done; uniform [0, 1) windows keep the setup fast."""
    g = torch.Generator().manual_seed(seed)
    return torch.rand(count, steps, 1, generator=g), torch.rand(count, 1, generator=g)


def median_seconds(repeats, body, device):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        if device.type == "cuda":
            torch.cuda.synchronize()  # kernels run asynchronously: time until they have finished
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(name, threads, quick, repeats, device):
    steps, hidden, batch, windows, quick_windows = WORKLOADS[name]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x, y = tutorial_windows() if name == "tutorial" else synthetic_windows(quick_windows if quick else windows, steps)
    count = x.shape[0]
    x, y = x.to(device), y.to(device)
    model = Elman(hidden).to(device)  # on CUDA, nn.RNN runs cuDNN's RNN
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.MSELoss()
    order = torch.randperm(count, generator=torch.Generator().manual_seed(3)).to(device)
    batches = [(x[order[s:s + batch]], y[order[s:s + batch]]) for s in range(0, count, batch)]

    def epoch():
        for bx, by in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(bx), by)
            loss.backward()
            optimizer.step()

    def forward():
        with torch.no_grad():
            for bx, by in batches:
                loss_fn(model(bx), by)

    epoch()  # warm-up
    train = median_seconds(repeats, epoch, device)
    forward()
    fwd = median_seconds(repeats, forward, device)
    return {"workload": name, "threads": threads, "windows": count,
            "train_windows_per_s": count / train, "forward_windows_per_s": count / fwd}


def loaded_blas():
    """The BLAS library PyTorch actually loaded (Debian's libblas.so.3 is the slow reference BLAS unless OpenBLAS is installed)."""
    torch.randn(64, 64) @ torch.randn(64, 64)  # make sure the BLAS is loaded
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
        return ", ".join(libs) or "none found"
    except OSError:
        return "unknown (no /proc/self/maps)"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer windows and repeats")
    parser.add_argument("--threads", default="1,2", help="thread counts to try (best is compared)")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda to compare against cuDNN on a GPU")
    args = parser.parse_args()
    device = torch.device(args.device)
    blas = loaded_blas()
    print(f"  pytorch {torch.__version__}, BLAS: {blas}", file=sys.stderr)
    results = []
    for name in args.only.split(","):
        for threads in (int(t) for t in args.threads.split(",")):
            repeats = 5 if name == "tutorial" else (3 if args.quick else 5)
            r = run(name, threads, args.quick, repeats, device)
            results.append(r)
            print(f"  pytorch {name} {threads} thread(s): {r['train_windows_per_s']:,.0f} windows/s train, "
                  f"{r['forward_windows_per_s']:,.0f} forward", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            version = torch.__version__ + (f" on {torch.cuda.get_device_name(device)}" if device.type == "cuda" else "")
            json.dump({"torch": version, "blas": blas, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
