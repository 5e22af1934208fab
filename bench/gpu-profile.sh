#!/usr/bin/env bash
# The second call of a lent GPU's lease, after bench/gpu-check.sh: where the time goes, to pick kernels by measurement.
# Each step under `timeout` (limits sum to 555 s), its log written to $OUT as it runs; run it as gpu-check.sh says
# (../shared/gpu/pack src/Cli tests bench here, then the device tool with carry=[".gpu"]).
#   devices    what each ILGPU kind offers (an OpenCL device that cannot build our kernels says why)
#   tutorial   the whole `gpurnn train` process on auto, simd and cuda, 3 runs each (wall seconds): auto must be fastest
#   kernels    bench --kernels --quick: every kernel variant validated against the scalar engine, then timed
#   table      PyTorch cuDNN, then bench --table --quick on simd and cuda beside it (side by side, one run)
#   nsys       per-kernel GPU time of w3 (where Nsight Systems is installed)
#   ncu        Nsight Compute on w3's step kernels (where installed; the H200 machine has it): throughput, stalls,
#              uncoalesced sectors, as details text (ncu --import) beside the report: what led to 2026-11-30's kernel changes
#   tests      the whole suite, with the GPU present
set -u
if [ "${1:-}" = --tutorial ]; then
  for accelerator in auto simd cuda; do
    for run in 1 2 3; do
      t0=$EPOCHREALTIME
      bash .gpu/run gpurnn train --accelerator "$accelerator" --plot "${TMPDIR:-/tmp}/tutorial-$accelerator.png" --no-baseline > /dev/null || echo "$accelerator failed"
      awk -v a="$accelerator" -v r="$run" -v t0="$t0" -v t1="$EPOCHREALTIME" 'BEGIN { printf "%s run %s: %.3f s\n", a, r, t1 - t0 }'
    done
  done
  exit 0
fi
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gpu-profile.XXXXXX")}
mkdir -p "$out" && out=$(cd "$out" && pwd)
step() { # step NAME LIMIT COMMAND...
  local name=$1 limit=$2; shift 2
  echo "== $name (limit ${limit}s)"
  local start=$SECONDS
  timeout -k 2 "$limit" "$@" > "$out/$name.txt" 2>&1
  local rc=$?
  tail -n "${TAIL_LINES:-15}" "$out/$name.txt"
  printf '%-9s exit %s (%ss)\n' "$name" "$rc" "$((SECONDS - start))" >> "$out/summary.txt"
}
step devices 20 bash .gpu/run gpurnn devices
step tutorial 60 bash "$0" --tutorial
TAIL_LINES=30 step kernels 90 bash .gpu/run GpuRnn.Bench --kernels --quick --accelerator cuda,opencl
step torch 40 python3 bench/pytorch_compare.py --device cuda --threads 1 --quick --json "$out/torch-cuda.json"
TAIL_LINES=30 step table 90 bash .gpu/run GpuRnn.Bench --table --quick --engines simd,cuda --peer "$out/torch-cuda.json"
nsys=$(command -v nsys || ls /usr/local/cuda*/bin/nsys /opt/nvidia/nsight-systems/*/bin/nsys 2>/dev/null | head -1)
if [ -n "$nsys" ]; then
  TAIL_LINES=40 step nsys 45 "$nsys" profile --stats=true --force-overwrite true -o "$out/w3" \
    bash .gpu/run GpuRnn.Bench --table --quick --engines cuda --only w3
else
  echo "nsys: not installed" >> "$out/summary.txt"
fi
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
if [ -n "$ncu" ]; then
  step ncu 60 "$ncu" --target-processes all --launch-skip 30 --launch-count 3 --set full -o "$out/w3" \
    bash .gpu/run GpuRnn.Bench --kernels --quick --accelerator cuda --only w3
  "$ncu" --import "$out/w3.ncu-rep" --page details > "$out/ncu-details.txt" 2>&1 || true
else
  echo "ncu: not installed" >> "$out/summary.txt"
fi
# The whole suite with a GPU present (gpu-check runs only the accelerator classes): what `auto` and every CLI test do
# when CUDA is here. Tests that need the .NET SDK skip, saying so.
TAIL_LINES=8 step tests 150 bash .gpu/run GpuRnn.Tests -noColor -noLogo -xml "$out/tests.xml"
cat "$out/summary.txt"
