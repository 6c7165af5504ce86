#!/usr/bin/env bash
# test_schema_faithful.sh - the compiled resource schemas match cfn-lint's CloudFormation
# schemas (plus dmsprov's overlay), and templates/schema_data.c is freshly generated.
# Needs no AWS endpoint; skips (77) when the Python at hand has no cfn-lint.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"

DUMP="$DP_BUILD_DIR/test_schema_dump"
[ -x "$DUMP" ] || fail "missing $DUMP (build the test_schema_dump target)"
set +e
"$PY" "$DP_SOURCE_DIR/tests/schema/check_schemas.py" "$DUMP" "$DP_SOURCE_DIR"
rc=$?
set -e
exit $rc
