#!/usr/bin/python3
"""PyTorch peer for the GpuRnn benchmarks: the same workloads (nn.RNN tanh + Linear + tanh, MSE, Adam, same
sizes and batch sizes), one training epoch and the forward pass alone, at each thread count asked for.

Writes windows/s per workload and thread count as JSON for `gpurnn` bench's --table --peer, which prints the
combined table (FLOPs are counted there, in FlopCount, not here), with what ran them: the BLAS library PyTorch
loaded (Debian's reference BLAS is 5-10x slower than OpenBLAS), its configuration and thread counts. Each thread
count sets both torch.set_num_threads and, for OpenBLAS, the BLAS's own pool (which otherwise uses every core).
Run through bench/compare.sh; `--blas` prints the BLAS kind and library alone.
"""
import argparse
import ctypes
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


def run(name, threads, quick, repeats, device, blas):
    steps, hidden, batch, windows, quick_windows = WORKLOADS[name]
    torch.set_num_threads(threads)
    blas_threads = blas.set_threads(threads)
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
    return {"workload": name, "threads": threads, "blas_threads": blas_threads, "windows": count,
            "train_windows_per_s": count / train, "forward_windows_per_s": count / fwd}


class Blas:
    """The BLAS library PyTorch actually loaded (Debian's libblas.so.3 is the slow reference BLAS unless OpenBLAS is
    installed: its BLAS alternatives then switch to OpenBLAS), and, for OpenBLAS, its configuration and threads."""

    def __init__(self):
        torch.randn(64, 64) @ torch.randn(64, 64)  # make sure the BLAS is loaded
        self.openblas = None
        try:
            with open("/proc/self/maps") as maps:
                libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
        except OSError:
            libs = []
        self.path = ", ".join(libs) or "unknown"
        # The library whose sgemm_ PyTorch calls. Several BLAS libraries can be mapped at once (OpenCV and
        # LAPACK pull in OpenBLAS even when libblas.so.3 is the reference BLAS), so ask the dynamic linker.
        self.library = gemm_library() or next((lib for lib in libs if "/libblas" in lib), None) or self.path
        name = os.path.basename(self.library)
        if "openblas" in self.library:
            self.kind = "openblas"
        elif "mkl" in name:
            self.kind = "mkl"
        elif "/blas/libblas" in self.library:
            self.kind = "reference"  # Debian's netlib build under /usr/lib/<triplet>/blas/
        else:
            self.kind = "other" if libs else "unknown"
        if self.kind == "openblas":
            # OpenBLAS's own .so (libblas.so.3 under openblas-*/ is OpenBLAS itself): for its threads and configuration.
            own = next((lib for lib in libs if os.path.basename(lib).startswith("libopenblas")), self.library)
            try:
                self.openblas = ctypes.CDLL(own)  # the copy already loaded
                self.openblas.openblas_get_config.restype = ctypes.c_char_p
                self.openblas.openblas_get_corename.restype = ctypes.c_char_p
            except (OSError, AttributeError):
                self.openblas = None
        self.default_threads = self.openblas.openblas_get_num_threads() if self.openblas else None

    def set_threads(self, threads):
        """Sets OpenBLAS's own thread pool to `threads`; returns the BLAS's thread count (None when it has no pool we know)."""
        if not self.openblas:
            return None
        self.openblas.openblas_set_num_threads(threads)
        return self.openblas.openblas_get_num_threads()

    def describe(self):
        return {"blas": self.library, "blas_loaded": self.path, "blas_kind": self.kind,
                "blas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
                "blas_config": self.openblas.openblas_get_config().decode() if self.openblas else None,
                "blas_core": self.openblas.openblas_get_corename().decode() if self.openblas else None,
                "blas_threads_default": self.default_threads}


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def gemm_library():
    """The file defining the sgemm_ that libtorch_cpu binds to: dlsym on its handle searches it and its
    dependencies in load order, as the binding of its own references does; dladdr names the file."""
    try:
        with open("/proc/self/maps") as maps:
            torch_cpu = next(line.split()[-1] for line in maps if "libtorch_cpu" in line)
        address = ctypes.cast(ctypes.CDLL(torch_cpu).sgemm_, ctypes.c_void_p)
        libc = ctypes.CDLL(None)
        libc.dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
        info = _DlInfo()
        if libc.dladdr(address, ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    except (OSError, AttributeError, StopIteration):
        pass
    return None


def cpu_capability():
    """The vector ISA PyTorch's own (non-BLAS) CPU kernels use: AVX2, AVX512, ..."""
    get = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", None)
    if get:
        return get()
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def all_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer windows and repeats")
    cores = all_cores()
    parser.add_argument("--threads", default=",".join(str(t) for t in sorted({1, cores})),
                        help=f"thread counts to try, best is compared (default: 1 and all cores, {cores})")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda to compare against cuDNN on a GPU")
    parser.add_argument("--blas", action="store_true", help="print the BLAS kind (openblas, reference, mkl, other) and library, and exit")
    args = parser.parse_args()
    blas = Blas()
    if args.blas:
        print(blas.kind, blas.library)
        return
    device = torch.device(args.device)
    info = blas.describe()
    if device.type == "cuda":
        # cuDNN may use TF32 by default (cudnn.allow_tf32 is True; matmul's is False since PyTorch 1.12): it rounds
        # the matmuls' inputs to 10 mantissa bits, which the float32 engines compared here never do. Both set, so
        # the comparison is float32 with float32 whatever this PyTorch's defaults are.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        info["tf32"] = False
        print(f"  {torch.cuda.get_device_name(device)}: cuDNN {torch.backends.cudnn.version()}, TF32 off (float32 matmuls)", file=sys.stderr)
    print(f"  pytorch {torch.__version__}, BLAS: {blas.kind} {blas.library}"
          + (f" ({info['blas_core']}, {blas.default_threads} threads by default)" if blas.openblas else ""), file=sys.stderr)
    if blas.kind == "reference":
        print("  warning: Debian's reference BLAS is 5-10x slower than OpenBLAS (apt-get install -y libopenblas0-pthread)", file=sys.stderr)
    results = []
    for name in args.only.split(","):
        for threads in (int(t) for t in args.threads.split(",")):
            repeats = 5 if name == "tutorial" else (3 if args.quick else 5)
            r = run(name, threads, args.quick, repeats, device, blas)
            results.append(r)
            print(f"  pytorch {name} {threads} thread(s)"
                  + (f" (BLAS {r['blas_threads']})" if r["blas_threads"] is not None else "")
                  + f": {r['train_windows_per_s']:,.0f} windows/s train, {r['forward_windows_per_s']:,.0f} forward", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            version = torch.__version__ + (f" on {torch.cuda.get_device_name(device)}" if device.type == "cuda" else "")
            json.dump({"torch": version, "device": device.type, **info, "cpu_capability": cpu_capability(),
                       "cores": all_cores(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
