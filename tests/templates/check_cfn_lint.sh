#!/usr/bin/env bash
# check_cfn_lint.sh - the good corpus cases marked "cfn-lint" in their === options section
# must also pass cfn-lint (no errors), so dmsprov and cfn-lint agree on them. Exit 77 when
# cfn-lint is not installed.
set -uo pipefail
src=${DP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
lint=$(command -v cfn-lint) || { echo "cfn-lint not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0 n=0
for f in "$src"/tests/templates/good/*.test; do
  awk '/^=== /{s=($2=="options")?1:0; next} s' "$f" | grep -qx 'cfn-lint' || continue
  n=$((n + 1))
  name=$(basename "$f" .test)
  awk '/^=== /{s=($2=="template")?1:0; next} s' "$f" > "$tmp/$name.yaml"
  out=$("$lint" "$tmp/$name.yaml" 2>&1); rc=$?
  if (( rc & 3 )); then echo "FAIL cfn-lint on $name:"; echo "$out"; bad=1; fi
done
echo "$n case(s) checked with cfn-lint"
exit $bad
