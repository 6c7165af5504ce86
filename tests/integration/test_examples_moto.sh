#!/usr/bin/env bash
# test_examples_moto.sh - every runnable example goes through dmsprov's whole cycle on the shared
# moto server (examples/run-on-moto.sh: validate, plan, apply, boto3 checks, no-change plan,
# output, destroy, nothing left).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
export DMSPROV DP_PYTHON="$PY"
"$DP_SOURCE_DIR/examples/run-on-moto.sh" postgres-to-s3 >"$TMP/pg.log" 2>&1 || { cat "$TMP/pg.log"; fail "postgres-to-s3"; }
"$DP_SOURCE_DIR/examples/run-on-moto.sh" --rotate lab-20.1 >"$TMP/lab.log" 2>&1 || { cat "$TMP/lab.log"; fail "lab-20.1"; }
echo "examples: ok"
