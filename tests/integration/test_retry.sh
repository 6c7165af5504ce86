#!/usr/bin/env bash
# test_retry.sh - the standard retry mode against injected faults (tests/moto/ext/faults.py):
# throttling and 5xx are retried and succeed, each protocol's own throttling format is
# recognised, a lost answer after a create is retried, AWS_MAX_ATTEMPTS bounds the attempts,
# and non-retryable errors are not retried.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
CALL="$DP_BUILD_DIR/dp_call"
export AWS_ACCESS_KEY_ID="retry$UNIQ"   # fault rules below are scoped to this caller
export DP_TEST_MAX_BACKOFF=0.05        # keep the test fast: the backoff shape is unit-tested
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
            -d "{\"access_key\":\"$AWS_ACCESS_KEY_ID\",$1}" >/dev/null || fail "could not add fault rule $1"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
clear_faults() { curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }

# JSON protocol (SSM): two throttles, then success on the third attempt.
fault '"service":"ssm","operation":"PutParameter","error":"throttle","count":2'
out=$("$CALL" json ssm PutParameter "{\"Name\":\"/$UNIQ/a\",\"Value\":\"1\",\"Type\":\"String\"}")
expect_contains "$out" '"Version":	1'
expect_contains "$out" "requests: 3"

# Query protocol (RDS): Throttling in the ErrorResponse form, then success.
fault '"service":"rds","operation":"DescribeDBClusters","error":"throttle","count":1'
out=$("$CALL" query rds DescribeDBClusters)
expect_contains "$out" "requests: 2"

# REST-XML (S3): SlowDown 503, then success.
bucket=$(echo "retry-$UNIQ" | tr 'A-Z' 'a-z')
fault '"service":"s3","operation":"CreateBucket","error":"throttle","count":1'
out=$("$CALL" s3 PUT "$bucket")
expect_contains "$out" "requests: 2"

# A dropped connection after the server handled a create: the retry must not make a second
# resource. SSM PutParameter without Overwrite would then fail with ParameterAlreadyExists,
# which shows the first attempt did its work and the error is reported clearly.
fault '"service":"ssm","operation":"PutParameter","error":"drop","phase":"after","count":1'
if "$CALL" json ssm PutParameter "{\"Name\":\"/$UNIQ/b\",\"Value\":\"1\",\"Type\":\"String\"}" >"$TMP/out" 2>"$TMP/err"; then
  fail "a repeated non-idempotent create should surface ParameterAlreadyExists"
fi
expect_contains "$(cat "$TMP/err")" "ParameterAlreadyExists"
n=$(boto "print(len(c('ssm').get_parameters_by_path(Path='/$UNIQ')['Parameters']))")
[ "$n" = 2 ] || fail "expected 2 parameters, found $n"

# 500 InternalFailure on DMS (JSON) is retried too.
fault '"service":"dms","operation":"DescribeReplicationInstances","error":"internal","count":2'
out=$("$CALL" json dms DescribeReplicationInstances)
expect_contains "$out" "requests: 3"

# AWS_MAX_ATTEMPTS bounds the attempts, and the last error is reported as one line.
fault '"service":"ssm","operation":"GetParameter","error":"throttle","count":5'
if AWS_MAX_ATTEMPTS=2 "$CALL" json ssm GetParameter "{\"Name\":\"/$UNIQ/a\"}" >"$TMP/out" 2>"$TMP/err"; then
  fail "GetParameter should fail after 2 throttled attempts"
fi
expect_contains "$(cat "$TMP/err")" "error: ssm GetParameter: ThrottlingException"
expect_contains "$(cat "$TMP/out")" "requests: 2"
clear_faults

# Non-retryable errors are not retried.
if "$CALL" json ssm GetParameter "{\"Name\":\"/$UNIQ/missing\"}" >"$TMP/out" 2>"$TMP/err"; then fail "missing parameter found"; fi
expect_contains "$(cat "$TMP/err")" "ParameterNotFound"
expect_contains "$(cat "$TMP/out")" "requests: 1"
# A bad AWS_MAX_ATTEMPTS is a clear configuration error.
if AWS_MAX_ATTEMPTS=zero "$DMSPROV" whoami 2>"$TMP/err"; then fail "AWS_MAX_ATTEMPTS=zero accepted"; fi
expect_contains "$(cat "$TMP/err")" "AWS_MAX_ATTEMPTS must be a whole number"


# Clock skew: with the local clock 15 minutes behind, a RequestTimeTooSkewed answer (whose Date
# header is the server's real time) makes the client correct its clock and retry at once.
fault '"service":"ssm","operation":"GetParameter","error":"throttle","code":"RequestTimeTooSkewed","status":403,"count":1'
DP_TEST_CLOCK_OFFSET=-900 "$CALL" json ssm GetParameter "{\"Name\":\"/$UNIQ/a\"}" >"$TMP/out" 2>"$TMP/err" \
  || fail "the skew was not corrected: $(cat "$TMP/err")"
expect_contains "$(cat "$TMP/out")" "requests: 2"
# Without a real skew the same answer is not retried (nothing to correct).
fault '"service":"ssm","operation":"GetParameter","error":"throttle","code":"RequestTimeTooSkewed","status":403,"count":1'
if "$CALL" json ssm GetParameter "{\"Name\":\"/$UNIQ/a\"}" >"$TMP/out" 2>"$TMP/err"; then fail "skew error without skew was retried"; fi
expect_contains "$(cat "$TMP/err")" "RequestTimeTooSkewed"
clear_faults
echo "clock skew: ok"
