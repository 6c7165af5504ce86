#!/usr/bin/env bash
# check_examples.sh - every template under examples/ must pass `dmsprov validate` and
# cfn-lint (no cfn-lint errors; warnings are shown). Exit 77 (skipped) when there is none.
set -uo pipefail
src=${DP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DMSPROV:?run through ctest (DMSPROV)}
lint=$(command -v cfn-lint || true)
mapfile -t files < <(find "$src/examples" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) 2>/dev/null \
  | grep -v -e '/params' -e 'parameters' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no templates under examples/"; exit 77; }
bad=0
for f in "${files[@]}"; do
  if ! out=$("$bin" validate -t "$f" 2>&1); then
    echo "FAIL dmsprov validate $f:"; echo "$out"; bad=1
  fi
  if [ -n "$lint" ]; then
    out=$("$lint" "$f" 2>&1); rc=$?
    if (( rc & 2 )) || (( rc & 1 )); then echo "FAIL cfn-lint $f:"; echo "$out"; bad=1
    elif [ -n "$out" ]; then echo "cfn-lint notes for $f:"; echo "$out"; fi
  fi
done
exit $bad
