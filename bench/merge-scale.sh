#!/usr/bin/env bash
# How train-many and merge scale (docs/scaling.md): N synthetic monthly series (default 10 000) of 240 values as a
# wide CSV, one unsharded `gpurnn train-many --out` (timed), its outputs cut into S shard results (default 1 000,
# each with its rows and its models, as `--shard i/S` writes them), then `gpurnn merge` of them (timed) and the
# merged metrics.csv compared with the unsharded one. Needs python3; writes only under a fresh temporary folder.
#   bash bench/merge-scale.sh [SERIES] [SHARDS]
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-10000} shards=${2:-1000}
work=$(mktemp -d /tmp/gpurnn-merge-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release src/Cli -v q -nologo > "$work/build.log" || { cat "$work/build.log"; exit 1; }
gpurnn=(dotnet src/Cli/bin/Release/net10.0/gpurnn.dll)

python3 - "$series" "$work/wide.csv" <<'PY'
import math, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(5)
months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(240)]
cols = []
for s in range(n):
    level, trend, amp, phase, noise = 50 + 100 * random.random(), random.random() - 0.3, 5 + 30 * random.random(), 6.28 * random.random(), 1 + 5 * random.random()
    cols.append([level + trend * t + amp * math.sin(2 * math.pi * t / 12 + phase) + noise * (random.random() + random.random() - 1) for t in range(240)])
with open(path, "w") as f:
    f.write("month," + ",".join(f"s{s:05d}" for s in range(n)) + "\n")
    for t in range(240):
        f.write(months[t] + "," + ",".join(f"{cols[s][t]:.4f}" for s in range(n)) + "\n")
PY
echo "data: $series series of 240 values, $(du -h "$work/wide.csv" | cut -f1)"

start=$(date +%s%N)
"${gpurnn[@]}" train-many --data "$work/wide.csv" --out "$work/whole" | tail -3
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "train-many --out, whole command: $((ms / 1000)).$(printf %03d $((ms % 1000))) s"

# The unsharded run's rows and models cut as --shard i/S would have written them (contiguous slices, header line).
python3 - "$work/whole" "$work/shards" "$shards" <<'PY'
import os, sys, zipfile
whole, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
lines = open(f"{whole}/metrics.csv").read().split("\n")
header, rows = lines[0], [l for l in lines[1:] if l]
bundle = zipfile.ZipFile(f"{whole}/models.zip")
names = bundle.namelist()
for i in range(n):
    a, b = i * len(rows) // n, (i + 1) * len(rows) // n
    with open(f"{out}/shard-{i}-of-{n}.csv", "w") as f:
        f.write(f"# gpurnn-shard/1 kind=train-many shard={i}/{n} run=0123456789abcdef rows={b - a}\n{header}\n")
        f.writelines(r + "\n" for r in rows[a:b])
    with zipfile.ZipFile(f"{out}/shard-{i}-of-{n}.models.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name in names[a:b]:
            z.writestr(name, bundle.read(name))
PY

/usr/bin/time -f "merge of $shards shards: %e s wall, %M KB" "${gpurnn[@]}" merge "$work/shards"
cmp "$work/shards/metrics.csv" "$work/whole/metrics.csv" && echo "merged metrics.csv = unsharded metrics.csv: identical"
