#!/usr/bin/env bash
# bench_foreach.sh - times `dmsprov validate` on a template whose resources all come from one
# Fn::ForEach over a list parameter (default 5,000 elements -> 10,000 resources: a bucket and
# an SSM parameter per element) and prints wall time and peak RSS. Goal: < 1 s, < 64 MiB.
# Usage: bench/bench_foreach.sh [N] [path/to/dmsprov]   (default binary: build/dmsprov)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-5000}
bin=${2:-${DMSPROV:-$here/../build/dmsprov}}
[ -x "$bin" ] || { echo "bench_foreach: no dmsprov binary at $bin (pass its path)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$n" > "$tmp/foreach.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("Transform: AWS::LanguageExtensions")
print("Parameters:")
print('  Students: {Type: CommaDelimitedList, Default: "%s"}' % ",".join("s%05d" % i for i in range(n)))
print("""Resources:
  Fn::ForEach::PerStudent:
    - S
    - !Ref Students
    - Bucket${S}:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "lab-${S}"
          Tags: [{Key: student, Value: !Ref S}]
      Param${S}:
        Type: AWS::SSM::Parameter
        Properties: {Type: String, Value: !Ref {Fn::Sub: "Bucket${S}"}}""")
PY
python3 - "$bin" "$tmp/foreach.yaml" "$n" <<'PY'
import resource, subprocess, sys, time
binary, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.monotonic()
p = subprocess.run([binary, "validate", "-t", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
out = (p.stdout or p.stderr).strip().splitlines()
print(f"template: Fn::ForEach over {n} elements -> {2 * n} resources")
print(f"validate exit status: {p.returncode} ({out[-1] if out else ''})")
print(f"wall time: {wall:.3f} s")
print(f"peak RSS: {rss_kb / 1024:.1f} MiB")
print("goal (< 1 s, < 64 MiB):", "met" if p.returncode == 0 and wall < 1.0 and rss_kb < 64 * 1024 else "NOT met")
sys.exit(0 if p.returncode == 0 else 1)
PY
