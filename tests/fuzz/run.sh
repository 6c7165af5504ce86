#!/usr/bin/env bash
# run.sh - builds the libFuzzer targets with clang (ASan + UBSan) and runs them. Two modes:
#
#   tests/fuzz/run.sh --ci [TARGET]
#       What CI runs; deterministic (same tree -> same result). For each target: replays every
#       seed and every committed crash input in tests/fuzz/regressions/<target>/ (none may
#       crash), then fuzzes with a fixed seed (-seed=1) for a fixed number of runs (RUNS below,
#       sized for ~20 s per target on a 2-core machine), starting from the seeds and the
#       regressions only (new inputs go to a throw-away directory). Nothing in it depends on
#       time, heap addresses (run without ASLR) or randomness (see ciflags). Full libFuzzer
#       logs: $build/fuzz-logs/<target>.log.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET]
#       Exploratory, for bug hunting: a random seed, SECONDS (default 60) per target, all
#       targets unless TARGET is given. The corpus grows across sessions in
#       $build/fuzz-corpus/<target>/.
#
# Targets: fuzz_loader (templates), fuzz_params (--parameters-file), fuzz_plan (saved plans,
# `apply PLAN`), fuzz_state (state files, state hash key, lock records). Seeds: the templates
# of tests/templates/*/*.test for the loader, tests/fuzz/seeds/<target>/ for the others.
# Exit status non-zero when an input crashes; crashing inputs are kept in
# $build/fuzz-artifacts/ (reproduce: $build/<target> FILE; see tests/fuzz/README.md).
# Build directory: $DP_FUZZ_BUILD, default build-fuzz.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${DP_FUZZ_BUILD:-$src/build-fuzz}
all_targets=(fuzz_loader fuzz_params fuzz_plan fuzz_state)

# --ci: libFuzzer runs per target (~20 s each on 2 idle cores; the initial corpus counts).
declare -A RUNS=([fuzz_loader]=250000 [fuzz_params]=30000 [fuzz_plan]=800000 [fuzz_state]=60000)
# --ci: the same mutations every run. Compared values (-use_cmp) would feed in heap addresses,
# random client tokens and timestamps; the corpus is never reloaded behind our back (-reload).
ciflags=(-seed=1 -reload=0 -use_cmp=0 -use_memmem=0)
declare -A MAXLEN=([fuzz_loader]=65536 [fuzz_params]=16384 [fuzz_plan]=16384 [fuzz_state]=16384)
declare -A DICT=([fuzz_loader]=yaml.dict [fuzz_params]=json.dict [fuzz_plan]=json.dict [fuzz_state]=json.dict)

ci=0
if [ "${1:-}" = "--ci" ]; then
  ci=1
  shift
else
  secs=${1:-60}
  case "$secs" in '' | *[!0-9]*) echo "usage: run.sh --ci [TARGET] | run.sh [SECONDS] [TARGET]" >&2; exit 2 ;; esac
  [ $# = 0 ] || shift
fi
[ $# -le 1 ] || { echo "usage: run.sh --ci [TARGET] | run.sh [SECONDS] [TARGET]" >&2; exit 2; }
if [ $# = 1 ]; then targets=("$1"); else targets=("${all_targets[@]}"); fi
for t in "${targets[@]}"; do
  [ -n "${RUNS[$t]:-}" ] || { echo "run.sh: unknown target $t (${all_targets[*]})" >&2; exit 2; }
done

CC=clang cmake -S "$src" -B "$build" -DDP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)" >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The loader's seeds: the template section of every corpus case.
mkdir -p "$tmp/seeds/fuzz_loader"
i=0
for f in "$src"/tests/templates/*/*.test; do
  awk '/^=== /{s=($2=="template")?1:0; next} s' "$f" >"$tmp/seeds/fuzz_loader/seed$i.yaml"
  i=$((i + 1))
done
seeds_of() { if [ "$1" = fuzz_loader ]; then echo "$tmp/seeds/fuzz_loader"; else echo "$src/tests/fuzz/seeds/$1"; fi; }

# --ci: no address randomisation, or compared pointers steer the mutations differently each run.
norandom=
setarch -R true 2>/dev/null && norandom="setarch -R"
logs="$build/fuzz-logs"
mkdir -p "$build/fuzz-artifacts" "$logs"
status=0
for t in "${targets[@]}"; do
  seeds=$(seeds_of "$t")
  regs="$src/tests/fuzz/regressions/$t"
  dirs=("$seeds")
  [ -d "$regs" ] && dirs+=("$regs")
  mkdir -p "$tmp/work/$t"
  common=(-max_len="${MAXLEN[$t]}" -timeout=30 -rss_limit_mb=2048 -dict="$src/tests/fuzz/${DICT[$t]}"
    -artifact_prefix="$build/fuzz-artifacts/$t-")
  start=$(date +%s)
  if [ $ci = 1 ]; then
    # 1. Replay: every seed and regression input, each run once.
    mapfile -t inputs < <(find "${dirs[@]}" -type f ! -name README.md ! -name '.*' | sort)
    if ! (cd "$tmp/work/$t" && "$build/$t" "${inputs[@]}") >"$logs/$t-replay.log" 2>&1; then
      echo "FUZZ $t: a seed or regression input crashes:" >&2
      tail -n 40 "$logs/$t-replay.log" >&2
      status=1
      continue
    fi
    # 2. Deterministic fuzzing: fixed seed, fixed number of runs.
    if ! (cd "$tmp/work/$t" && $norandom "$build/$t" "${ciflags[@]}" -runs="${RUNS[$t]}" "${common[@]}" -print_final_stats=1 \
      "$tmp/work/$t" "${dirs[@]}") >"$logs/$t.log" 2>&1; then
      echo "FUZZ $t: crash with -seed=1 -runs=${RUNS[$t]}:" >&2
      tail -n 60 "$logs/$t.log" >&2
      status=1
      continue
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log")
    echo "FUZZ $t: ${#inputs[@]} inputs replayed, ${execs:-?} runs (-seed=1), $(( $(date +%s) - start ))s, no crash"
  else
    corpus="$build/fuzz-corpus/$t"
    mkdir -p "$corpus"
    echo "FUZZ $t: ${secs}s, random seed, corpus $corpus"
    if ! (cd "$tmp/work/$t" && "$build/$t" -max_total_time="$secs" "${common[@]}" -print_final_stats=1 \
      "$corpus" "${dirs[@]}"); then
      echo "FUZZ $t: crash; input kept in $build/fuzz-artifacts/ (see tests/fuzz/README.md)" >&2
      status=1
    fi
  fi
done
exit $status
