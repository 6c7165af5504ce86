#!/usr/bin/env bash
# valgrind.sh - runs the drivers/ unit tests under valgrind (memcheck, full leak check).
#
#   tests/valgrind.sh BUILD_DIR [CTEST_REGEX]
#
# BUILD_DIR must be a non-sanitizer build (ASan and valgrind do not mix). The test list,
# commands, arguments, environment and working directories come from CTest itself
# (ctest --show-only=json-v1), so every case runs exactly as CTest would run it.
# CTEST_REGEX defaults to the unit tests that exercise drivers/, then (appended) those of
# provisioner/ and templates/: unit.engine_*, state, rotate_*, task_*, template_* and the
# template corpus cases templates.good.* / templates.bad.*. Exit status: 0 when every
# case passes with no valgrind error, 1 otherwise (the failing cases are listed).
set -u
build=${1:?usage: tests/valgrind.sh BUILD_DIR [CTEST_REGEX]}
regex=${2:-'^(unit\.(endpoint|retry|protocols|pager|num|cli_options|driver_table|config|creds|creds_assume|creds_remote|sigv4_s3|password|rds_common|dms_settings|parsers_fuzz)|sigv4\.|unit\.(engine_[a-z_]+|state|rotate_[a-z_]+|task_[a-z_]+|template_[a-z_]+)$|templates\.(good|bad)\.)'}

for tool in valgrind ctest jq; do
    command -v "$tool" >/dev/null || { echo "valgrind.sh: $tool not found" >&2; exit 2; }
done
if grep -qs '^DP_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "valgrind.sh: $build is a sanitizer build; use a plain (Debug) build" >&2
    exit 2
fi

logdir=$(mktemp -d "${TMPDIR:-/tmp}/dp-valgrind.XXXXXX")
# One JSON object per test: name, command (array), cwd, environment (array of K=V).
tests=$(ctest --test-dir "$build" --show-only=json-v1 -R "$regex" | jq -c '
  .tests[] | {name, command,
    cwd: ((.properties // []) | map(select(.name == "WORKING_DIRECTORY")) | .[0].value // "."),
    env: ((.properties // []) | map(select(.name == "ENVIRONMENT")) | .[0].value // [])}')
if [ -z "$tests" ]; then
    echo "valgrind.sh: no CTest case matches $regex in $build" >&2
    exit 2
fi

total=0
failed=()
while IFS= read -r t; do
    name=$(jq -r .name <<<"$t")
    mapfile -t cmd < <(jq -r '.command[]' <<<"$t")
    mapfile -t envs < <(jq -r '.env[]' <<<"$t")
    cwd=$(jq -r .cwd <<<"$t")
    log="$logdir/$name.log"
    total=$((total + 1))
    # --error-exitcode makes any memcheck error (leak included) a failure; 99 tells it apart
    # from the test's own failing exit status.
    if (cd "$cwd" && env "${envs[@]}" valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
            --track-origins=yes "${cmd[@]}") >"$log" 2>&1; then
        :
    else
        failed+=("$name (exit $?, log $log)")
    fi
done <<<"$tests"

echo "valgrind: $total cases, ${#failed[@]} failed (logs in $logdir)"
for f in "${failed[@]}"; do
    echo "  FAIL $f"
done
[ ${#failed[@]} -eq 0 ]
