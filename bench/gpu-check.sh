#!/usr/bin/env bash
# What a lent GPU machine should check, in one call that fits its short lease (about 15 minutes, the machine's
# start included): every step runs under `timeout` with the limit stated beside it (they sum to at most 330 s, so
# the script ends within 6 minutes), writes its log to $OUT as it runs, and a one-line verdict per step closes it.
# The machine has no .NET (see ../shared/gpu/README.md):
#   here, first:        ../shared/gpu/pack src/Cli tests bench
#   then, device tool:  run  carry=[".gpu"]  command="bash bench/gpu-check.sh"
# Order: the GPU and driver (one second, and it explains everything after it), the CUDA-only measurements (PyTorch's
# cuDNN first so that the kernels' table can show it beside them), the CUDA test fixtures (only the accelerator and
# ILGPU contract classes: the CPU machine runs the rest), then compute-sanitizer where the machine has it.
# Without a GPU (or without .gpu/) each step fails fast with its reason and the script still ends with the summary.
set -u
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: .gpu/run starts each program in its own folder
python=${PYTHON:-python3}
started=$SECONDS
verdicts=()

# Limits in seconds; the sum is checked below so that adding a step cannot silently break the lease.
# Taken on the H200 (2026-11-29): unpack 4 s, torch 16-19 s, bench 51 s (70 s with simd), kernels (quick) ~15 s, tests 39-49 s.
limit_gpu=10 limit_unpack=15 limit_devices=15 limit_torch=35 limit_bench=80 limit_kernels=45 limit_train=25 limit_tests=70
limit_racecheck=15 limit_memcheck=15 # each took 3 s
total=$((limit_gpu + limit_unpack + limit_devices + limit_torch + limit_bench + limit_kernels + limit_train + limit_tests + limit_racecheck + limit_memcheck))
echo "gpu-check: logs in $out; step limits sum to ${total}s"
[ "$total" -le 330 ] || { echo "gpu-check: the limits sum to ${total}s, over the 330 s budget" >&2; exit 2; }
[ -f .gpu/run ] || echo "gpu-check: no .gpu/run here (pack first: ../shared/gpu/pack src/Cli tests bench, and carry .gpu): the .NET steps will fail"

# note NAME VERDICT: one summary line, also appended to $out/summary.txt at once (a cut-short run keeps what it had).
note() {
  verdicts+=("$(printf '%-10s %s' "$1" "$2")")
  printf '%-10s %s\n' "$1" "$2" >> "$out/summary.txt"
}

# step NAME LIMIT COMMAND...: runs COMMAND under timeout (TERM, then KILL 2 s later, so 9 steps stay under 6 min)
# with its output in $out/NAME.txt, shows the log's last lines, and notes ok / failed / timed out and its time.
step() {
  local name=$1 limit=$2; shift 2
  echo "== $name (limit ${limit}s): $*"
  local start=$SECONDS rc verdict
  timeout -k 2 "$limit" "$@" > "$out/$name.txt" 2>&1
  rc=$?
  case $rc in
    0) verdict="ok$(grep -o 'Total: [0-9]*, Errors: [0-9]*, Failed: [0-9]*, Skipped: [0-9]*' "$out/$name.txt" | tail -1 | sed 's/^/: /')" ;;
    124 | 137) verdict="timed out after ${limit}s" ;;
    *) verdict="failed (exit $rc): $(grep -v '^[[:space:]]*$' "$out/$name.txt" | tail -1 | cut -c1-160)" ;;
  esac
  tail -n "${TAIL_LINES:-12}" "$out/$name.txt"
  note "$name" "$verdict ($((SECONDS - start))s)"
  return $rc
}

# skip NAME WHY: a step that cannot run here, noted as failed (on the GPU machine each of these is a finding).
skip() {
  echo "== $1: not run: $2"
  note "$1" "failed: not run: $2"
}

step gpu "$limit_gpu" nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
step unpack "$limit_unpack" bash .gpu/run --list # the first .gpu/run unpacks the runtime: kept out of the timed steps
step devices "$limit_devices" bash .gpu/run gpurnn devices
cuda=$(grep -m1 '^cuda ' "$out/devices.txt" 2>/dev/null)
reason=$(echo "${cuda:-cuda gpurnn devices did not run}" | sed 's/^cuda *//')
if [ -n "$cuda" ] && [[ $cuda != *"no CUDA device"* ]]; then no_cuda=; else no_cuda="no usable CUDA device: $reason"; fi

step torch "$limit_torch" "$python" bench/pytorch_compare.py --device cuda --threads 1 --quick --json "$out/torch-cuda.json"
peer=(); [ -s "$out/torch-cuda.json" ] && peer=(--peer "$out/torch-cuda.json")
# simd too: the GPU machine's 16 cores are the only many-core CPU these sessions see (the SIMD engine's scaling).
TAIL_LINES=40 step bench "$limit_bench" bash .gpu/run GpuRnn.Bench --table --quick --engines simd,cuda --json "$out/bench-cuda.json" "${peer[@]}"
# Every kernel variant validated against the scalar engine, then timed: what KernelPlan's choices rest on.
TAIL_LINES=25 step kernels "$limit_kernels" bash .gpu/run GpuRnn.Bench --kernels --quick --accelerator cuda
step train "$limit_train" bash .gpu/run gpurnn train --accelerator cuda --plot "$out/forecast-cuda.png"

# -longRunning names any test still running after 20 s, so a timed-out run says where it hung.
if [ -z "$no_cuda" ]; then
  TAIL_LINES=20 step tests "$limit_tests" bash .gpu/run GpuRnn.Tests -noColor -noLogo -longRunning 20 -xml "$out/tests.xml" \
    -class 'GpuRnn.Tests.Accelerators.*' -class 'GpuRnn.Tests.Engines.Ilgpu*'
else
  skip tests "$no_cuda"
fi

sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
small=(bash .gpu/run gpurnn train --accelerator cuda --epochs 1 --batch-size 16 --no-plot --no-baseline)
for tool in racecheck memcheck; do
  limit_var=limit_$tool
  if [ -z "$sanitizer" ]; then
    echo "== $tool: compute-sanitizer not found (PATH, /usr/local/cuda*/bin): not run"
    note "$tool" "not run: no compute-sanitizer on this machine"
  elif [ -n "$no_cuda" ]; then
    skip "$tool" "$no_cuda"
  else
    # --error-exitcode: a hazard or memory error fails the step even though the training itself succeeds.
    step "$tool" "${!limit_var}" "$sanitizer" --tool "$tool" --target-processes all --error-exitcode 3 --print-limit 20 "${small[@]}"
  fi
done

echo
echo "== summary ($((SECONDS - started))s; logs in $out)"
printf '%s\n' "${verdicts[@]}"
! grep -qE '^[^ ]+ +(failed|timed out)' "$out/summary.txt"
