# lib.sh - shared helpers for integration tests (sourced, not run).
# Gives: $ENDPOINT (the fixture's moto), $PY (Python with boto3), fresh AWS_* settings, and
# fail/expect helpers. Tests must use unique resource names (the moto server is shared).
set -euo pipefail
: "${MOTO_STATE_DIR:?run through ctest (the moto fixture sets MOTO_STATE_DIR)}"
ENDPOINT=$(cat "$MOTO_STATE_DIR/endpoint")
PY=$(cat "$MOTO_STATE_DIR/python")
export AWS_ENDPOINT_URL=$ENDPOINT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE || true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
UNIQ="t$$$RANDOM"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_contains HAYSTACK NEEDLE
expect_contains() { case "$1" in *"$2"*) ;; *) fail "expected output to contain '$2', got: $1" ;; esac; }
expect_not_contains() { case "$1" in *"$2"*) fail "output must not contain '$2': $1" ;; esac; }
# boto CODE - runs Python with boto3 pointed at moto; prints what the code prints.
boto() { "$PY" -c "import boto3, json, sys
def c(s): return boto3.client(s, endpoint_url='$ENDPOINT', region_name='us-east-1')
$1"; }
# run CMD... : sets $out (stdout+stderr) and $rc without tripping set -e; expect_rc N checks $rc.
run() { set +e; out=$("$@" 2>&1); rc=$?; set -e; }
expect_rc() { [ "$rc" = "$1" ] || fail "expected exit $1, got $rc: $out"; }
# task_fixture ARGS... : tests/helpers/task_fixture.py against this moto (DMS task tests).
task_fixture() { "$PY" "$DP_SOURCE_DIR/tests/helpers/task_fixture.py" "$ENDPOINT" "$@"; }
# start_latency_proxy MS : tests/moto/latency_proxy.py in front of this moto, adding MS ms to
# every call; sets $PROXY (its URL); stopped when the test exits.
start_latency_proxy() {
  "$PY" "$DP_SOURCE_DIR/tests/moto/latency_proxy.py" --upstream "$ENDPOINT" --latency-ms "$1" \
      --port-file "$TMP/proxy.port" >"$TMP/proxy.log" 2>&1 &
  PROXY_PID=$!
  trap 'kill $PROXY_PID 2>/dev/null; wait $PROXY_PID 2>/dev/null; rm -rf "$TMP"' EXIT
  for _ in $(seq 1 100); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
  [ -s "$TMP/proxy.port" ] || fail "latency proxy did not start: $(cat "$TMP/proxy.log")"
  PROXY="http://127.0.0.1:$(cat "$TMP/proxy.port")"
}
