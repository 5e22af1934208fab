#!/usr/bin/env bash
# ptxas's view of every ILGPU kernel for an H100/H200 (sm_90), with no GPU: registers, spills, shared memory, stack,
# and how many SASS instructions the innermost loops spend per FFMA.
#   bench/ptxas-report.sh [OUTDIR]        (default bench/ptxas; CI does not run it)
# Writes OUTDIR/report.tsv (read by bench/PtxasReport.cs) and OUTDIR/report.md, and keeps what they were made from:
# OUTDIR/ptx (from `GpuRnn.Bench --ptx`), OUTDIR/cubin, OUTDIR/sass, OUTDIR/log (ptxas -v).
# ptxas comes from PATH, else from $CUDA_TOOLKIT_CACHE (default /tmp/cuda-toolkit-11.8), else Debian's non-free
# nvidia-cuda-toolkit .deb is downloaded (not installed: its compiler dependencies are not needed) and unpacked there.
set -euo pipefail
shopt -s nullglob
root=$(cd "$(dirname "$0")/.." && pwd)
# OUTDIR is taken relative to where the script was called from, before moving to the repository root.
out=${1:-$root/bench/ptxas}
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$root"
cache=${CUDA_TOOLKIT_CACHE:-/tmp/cuda-toolkit-11.8}
fail() { echo "ptxas-report: $*" >&2; exit 1; }

# The Debian mirror and suite this machine already uses (deb822 .sources or one-line .list), so the extra source
# points where the others do; the security and -updates suites do not carry the toolkit.
debian_source() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ { u = $2 } /^Suites:/ { s = $2 } /^Signed-By:/ { k = $2 }
         /^$/ { if (u ~ /\/debian\/?$/ && !done) { print u, s, k; done = 1 } u = s = k = "" }
         END { if (u ~ /\/debian\/?$/ && !done) print u, s, k }' "$f"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" { sub(/\[[^]]*\]/, ""); $0 = $0; if ($2 ~ /\/debian\/?$/) print $2, $3, "" }'
}

fetch_toolkit() {
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "cannot fetch the CUDA toolkit: needs apt-get and dpkg-deb (Debian); or put ptxas and cuobjdump on PATH"
  local uri suite key
  read -r uri suite key < <(debian_source | head -1) || true
  [ -n "${uri:-}" ] || { uri=http://deb.debian.org/debian; suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}"); }
  [ -n "${suite:-}" ] || fail "cannot fetch the CUDA toolkit: no Debian suite found in /etc/apt"
  tmp=$(mktemp -d)
  # A private source list, package lists and cache: the system's apt configuration and state are left as they were,
  # and nothing but this one package ever comes from non-free. All of it goes when the script ends, however it ends.
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
  echo "deb ${key:+[signed-by=$key] }$uri $suite non-free" > "$tmp/sources.list"
  local apt=(-q -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/nonexistent
             -o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache" -o APT::Sandbox::User=root)
  echo "fetching nvidia-cuda-toolkit from $uri $suite non-free (about 84 MB) into $cache"
  apt-get "${apt[@]}" update > "$tmp/update.log" 2>&1 || fail "cannot fetch the CUDA toolkit: apt-get update of $uri $suite non-free failed ($(tail -1 "$tmp/update.log"))"
  # apt-get update succeeds with only warnings when the mirror cannot be reached; its first warning is then the cause.
  (cd "$tmp" && apt-get "${apt[@]}" download nvidia-cuda-toolkit > download.log 2>&1) \
    || fail "cannot fetch the CUDA toolkit from $uri $suite non-free: $(grep -m1 -E '^(W|E):' "$tmp/update.log" || tail -1 "$tmp/download.log")"
  # Unpacked beside the download and moved in whole, so an interrupted run never leaves a half toolkit in the cache.
  dpkg-deb -x "$tmp"/nvidia-cuda-toolkit_*.deb "$tmp/toolkit" || fail "cannot unpack the CUDA toolkit"
  if [ -e "$cache" ]; then cp -a "$tmp/toolkit/." "$cache/"; else mkdir -p "$(dirname "$cache")" && mv "$tmp/toolkit" "$cache"; fi \
    || fail "cannot put the CUDA toolkit into $cache"
}

if command -v ptxas >/dev/null && command -v cuobjdump >/dev/null; then
  ptxas=$(command -v ptxas) cuobjdump=$(command -v cuobjdump)
else
  ptxas=$cache/usr/bin/ptxas cuobjdump=$cache/usr/bin/cuobjdump
  [ -x "$ptxas" ] && [ -x "$cuobjdump" ] || fetch_toolkit
fi
# Both are linked against libc alone in 11.8; this catches a toolkit that needs more than the machine has.
"$ptxas" --version > /dev/null 2>&1 || fail "ptxas does not run: $("$ptxas" --version 2>&1 | head -1)"
"$cuobjdump" --version > /dev/null 2>&1 || fail "cuobjdump does not run: $("$cuobjdump" --version 2>&1 | head -1)"
version=$("$ptxas" --version | sed -n 's/.*release \([0-9.]*\), \(V[0-9.]*\).*/\1 (\2)/p')

# The bench is rebuilt when missing or older than a kernel or bench source, so the report never judges stale PTX.
bench=bench/bin/Release/net10.0/GpuRnn.Bench.dll
if [ ! -f "$bench" ] || [ -n "$(find src/Kernels bench -name '*.cs' -newer "$bench" -not -path '*/obj/*' | head -1)" ]; then
  echo "building the bench"
  dotnet build -c Release bench/GpuRnn.Bench.csproj > /dev/null || fail "the bench does not build (dotnet build -c Release bench/GpuRnn.Bench.csproj)"
fi

# Kernels come and go: start from empty folders so a removed kernel leaves no row behind.
rm -rf "$out/ptx" "$out/cubin" "$out/sass" "$out/log"
mkdir -p "$out/ptx" "$out/cubin" "$out/sass" "$out/log"
status=0
# A kernel that does not compile is named by the export; the others are still reported, and the exit code says so.
dotnet "$bench" --ptx "$out/ptx" || status=1
for ptx in "$out"/ptx/*.ptx; do
  kernel=$(basename "$ptx" .ptx)
  if "$ptxas" -arch=sm_90 -v -o "$out/cubin/$kernel.cubin" "$ptx" > "$out/log/$kernel.log" 2>&1; then
    # Without its SASS a kernel's row would be half empty: it is left out, as a kernel ptxas rejects is.
    "$cuobjdump" -sass "$out/cubin/$kernel.cubin" > "$out/sass/$kernel.sass" \
      || { echo "cuobjdump failed on $kernel" >&2; rm "$out/log/$kernel.log"; status=1; }
  else
    echo "ptxas failed on $kernel: $(grep -m1 -i error "$out/log/$kernel.log" || true)" >&2
    status=1
  fi
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- src/Kernels 2>/dev/null)" ] || commit="$commit + uncommitted kernel changes"
python3 bench/ptxas_report.py "$out" "ptxas $version, -arch=sm_90, $(date -u +%Y-%m-%d), commit $commit"
echo "wrote $out/report.tsv and $out/report.md"
exit $status
