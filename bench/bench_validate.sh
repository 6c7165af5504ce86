#!/usr/bin/env bash
# bench_validate.sh - times `dmsprov validate` on a generated template (default 5,000
# resources) and prints wall time and peak RSS. Goal on the reference machine: < 1 s, < 64 MB.
# Usage: bench/bench_validate.sh [N] [path/to/dmsprov]   (default binary: build/dmsprov)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-5000}
bin=${2:-${DMSPROV:-$here/../build/dmsprov}}
[ -x "$bin" ] || { echo "bench_validate: no dmsprov binary at $bin (pass its path)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_template.py" "$n" > "$tmp/bench.yaml"
size=$(wc -c < "$tmp/bench.yaml")
# Wall time and peak RSS of the child, from the kernel's accounting (getrusage via Python:
# /usr/bin/time is not always installed).
python3 - "$bin" "$tmp/bench.yaml" "$n" "$size" <<'PY'
import os, resource, subprocess, sys, time
binary, path, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0 = time.monotonic()
p = subprocess.run([binary, "validate", "-t", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"template: {n} resources, {size / 1048576:.2f} MiB")
print(f"validate exit status: {p.returncode} ({(p.stdout or p.stderr).strip().splitlines()[-1] if (p.stdout or p.stderr).strip() else ''})")
print(f"wall time: {wall:.3f} s")
print(f"peak RSS: {rss_kb / 1024:.1f} MiB")
ok = p.returncode == 0 and wall < 1.0 and rss_kb < 64 * 1024
print("goal (< 1 s, < 64 MiB):", "met" if ok else "NOT met")
sys.exit(0 if p.returncode == 0 else 1)
PY
