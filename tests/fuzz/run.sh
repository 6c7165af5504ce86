#!/usr/bin/env bash
# run.sh - builds the libFuzzer targets with clang and fuzzes the template loader for a
# bounded time. Usage: tests/fuzz/run.sh [SECONDS] (default 60). Seeds: the templates of the
# corpus under tests/templates/. Exit status non-zero when the fuzzer finds a crash; the
# crashing input is kept in $build/fuzz-artifacts/ (reproduce: $build/fuzz_loader FILE).
set -euo pipefail
secs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${DP_FUZZ_BUILD:-$src/build-fuzz}
CC=clang cmake -S "$src" -B "$build" -DDP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_loader -j"$(nproc)" >/dev/null
seeds=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$seeds" "$work"' EXIT
i=0
for f in "$src"/tests/templates/*/*.test; do
  awk '/^=== /{s=($2=="template")?1:0; next} s' "$f" > "$seeds/seed$i.yaml"
  i=$((i + 1))
done
mkdir -p "$build/fuzz-artifacts"
cd "$work"
"$build/fuzz_loader" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
  -artifact_prefix="$build/fuzz-artifacts/" \
  -dict="$src/tests/fuzz/yaml.dict" -print_final_stats=1 "$work" "$seeds"
