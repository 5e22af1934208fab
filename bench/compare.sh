#!/usr/bin/env bash
# PyTorch vs this project's engines on the same workloads, as one Markdown table, best with best.
#   bench/compare.sh                                  full run
#   bench/compare.sh --quick                          fewer windows and repeats (a few minutes on 2 cores)
#   bench/compare.sh [--quick] [--only w1,w2] [--engines simd,scalar]
# PyTorch comes from Debian (apt-get install -y python3-torch) and runs under /usr/bin/python3. With Debian's
# reference BLAS it is 5-10x slower than with OpenBLAS, so OpenBLAS is installed first when missing (as root; else
# the script says how). The two sides run interleaved, PyTorch, engines, PyTorch, engines, so that a noisy spell
# on a shared machine hits both; the table compares the best of each side's two runs (min time per epoch).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=() only=() engines=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=(--quick); shift ;;
        --only) only=(--only "$2"); shift 2 ;;
        --engines) engines=(--engines "$2"); shift 2 ;;
        *) echo "usage: bench/compare.sh [--quick] [--only w1,w2] [--engines simd,scalar]" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release bench >/dev/null
bench() { dotnet run -c Release --project bench --no-build -- --table "${quick[@]}" "${only[@]}" "${engines[@]}" "$@"; }

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "PyTorch not found for /usr/bin/python3 (apt-get install -y python3-torch): engines only." >&2
    bench
    exit 0
fi

# Which BLAS PyTorch loads: Debian's BLAS alternatives point libblas.so.3 at OpenBLAS once it is installed.
blas=$(/usr/bin/python3 bench/pytorch_compare.py --blas)
if [[ "$blas" == reference* ]]; then
    triplet=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu")')
    if dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'ok installed'; then
        echo "PyTorch loads the reference BLAS although OpenBLAS is installed: the BLAS alternative was set by hand" >&2
        echo "  (update-alternatives --display libblas.so.3-$triplet; as root: update-alternatives --auto libblas.so.3-$triplet)." >&2
        echo "  Going on with the reference BLAS: PyTorch will be 5-10x slower than it can be." >&2
    elif [[ $(id -u) -eq 0 ]]; then
        echo "PyTorch loads Debian's reference BLAS (5-10x slower than OpenBLAS): installing libopenblas0-pthread." >&2
        if (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libopenblas0-pthread) >"$work/apt.log" 2>&1; then
            blas=$(/usr/bin/python3 bench/pytorch_compare.py --blas)
        else
            tail -5 "$work/apt.log" >&2
            echo "  Could not install OpenBLAS: going on with the reference BLAS." >&2
        fi
    else
        echo "PyTorch loads Debian's reference BLAS (5-10x slower than OpenBLAS); as root: apt-get install -y libopenblas0-pthread." >&2
        echo "  Going on with the reference BLAS." >&2
    fi
fi
echo "PyTorch's BLAS: $blas" >&2

# The peer at its best: OpenBLAS's AVX-512 (SkylakeX) kernels where the CPU has AVX-512, whatever OPENBLAS_CORETYPE the
# environment forces (this machine sets Haswell, which measured w3 at 3.5 k windows/s against 11.2 k with SkylakeX).
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=SkylakeX; fi
torch() { /usr/bin/python3 bench/pytorch_compare.py "${quick[@]}" "${only[@]}" --json "$1"; }
echo "== 1/4 PyTorch" >&2
torch "$work/torch1.json"
echo "== 2/4 engines" >&2
bench --no-extras --json "$work/ours1.json" >/dev/null
echo "== 3/4 PyTorch" >&2
torch "$work/torch2.json"
echo "== 4/4 engines; the table compares PyTorch's best of runs 1 and 3 with the engines' best of runs 2 and 4" >&2
bench --best-of "$work/ours1.json" --peer "$work/torch1.json" --peer "$work/torch2.json"
