#!/usr/bin/env bash
# Everything a lent GPU machine should check, in one call (the machine has no .NET: see ../shared/gpu/README.md).
#   here, first:        ../shared/gpu/pack src/Cli tests bench
#   then, device tool:  run  carry=[".gpu"]  command="bash bench/gpu-check.sh"
# Logs go to $OUT (they come back); the last lines of each step are echoed.
set -u
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
step() { echo "== $1"; }

step "GPU";      nvidia-smi -L 2>&1 | tee "$out/nvidia-smi.txt"
step "devices";  bash .gpu/run gpurnn devices 2>&1 | tee "$out/devices.txt"
step "tests (CUDA fixtures run here)"
bash .gpu/run GpuRnn.Tests -noColor -noLogo > "$out/tests.txt" 2>&1; echo "exit $?"; grep -E "FAIL|TEST EXECUTION SUMMARY|Total:" "$out/tests.txt" | tail -20
step "tutorial on CUDA, with the scalar baseline"
bash .gpu/run gpurnn train --accelerator cuda --plot "$out/forecast-cuda.png" 2>&1 | tee "$out/train-cuda.txt" | tail -8
step "sweep on CUDA"
bash .gpu/run gpurnn sweep --accelerator cuda --csv "$out/sweep-cuda.csv" 2>&1 | tee "$out/sweep-cuda.txt" | head -6
step "PyTorch on CUDA (cuDNN), then the engines, one table"
python3 bench/pytorch_compare.py --device cuda --threads 1 --quick --json "$out/torch-cuda.json" 2> "$out/torch-cuda.txt" || tail -5 "$out/torch-cuda.txt"
peer=(); [ -s "$out/torch-cuda.json" ] && peer=(--peer "$out/torch-cuda.json")
bash .gpu/run GpuRnn.Bench --table --quick "${peer[@]}" 2>&1 | tee "$out/bench.txt" | tail -30
