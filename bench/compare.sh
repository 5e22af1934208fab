#!/usr/bin/env bash
# PyTorch vs this project's engines on the same workloads, in one run, as one Markdown table.
#   bench/compare.sh            full run
#   bench/compare.sh --quick    fewer windows and repeats (a few minutes on 2 cores)
# PyTorch comes from Debian (apt-get install -y python3-torch) and runs under /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
[[ "${1:-}" == "--quick" ]] && quick=(--quick)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release bench >/dev/null
peer=()
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 bench/pytorch_compare.py "${quick[@]}" --json "$work/torch.json"
    peer=(--peer "$work/torch.json")
else
    echo "PyTorch not found for /usr/bin/python3 (apt-get install -y python3-torch): engines only." >&2
fi
dotnet run -c Release --project bench --no-build -- --table "${quick[@]}" "${peer[@]}"
