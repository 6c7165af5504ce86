#!/usr/bin/env bash
# test_engine_ops.sh - the engine's safety nets on moto: a failure mid-apply (fault injection)
# then a re-apply that carries on; a saved plan applied as is, and refused after drift; lock
# contention naming the holder; destroy with no local state (found by ownership tags).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
export AWS_ACCESS_KEY_ID="AKOPS${UNIQ}"   # scopes the fault rules and call counts to this test
S="eo${UNIQ}"
STATE="$TMP/state"
dp() { "$DMSPROV" --state "$STATE" "$@"; }
api() { curl -sf -X "$1" "$ENDPOINT/moto-api/dmsprov/$2" ${3:+-d "$3"}; }

T="$TMP/stack.yaml"
cat >"$T" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: ${S}-logs
  First:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/first, Type: String, Value: !Ref Logs}
  Second:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/second, Type: String, Value: !Sub "\${First}-\${Env}"}
Outputs:
  Second: {Value: !GetAtt Second.Value}
YAML

# 1. failure mid-apply: creating Second fails for good (a non-retryable error)
api POST faults "{\"operation\": \"PutParameter\", \"service\": \"ssm\", \"contains\": \"/${S}/second\", \"access_key\": \"$AWS_ACCESS_KEY_ID\",
  \"error\": \"throttle\", \"status\": 400, \"code\": \"ValidationException\", \"message\": \"injected\", \"count\": 5}" >/dev/null
set +e; out=$(dp apply -t "$T" --stack "$S" --auto-approve 2>&1); rc=$?; set -e
[ $rc = 1 ] || fail "apply with a fault: exit $rc: $out"
expect_contains "$out" "AWS::SSM::Parameter Second"
expect_contains "$out" "ValidationException"
expect_contains "$out" "run apply again"
"$PY" -c "import json,sys; r=json.load(open('$STATE/$S.json'))['resources']
assert r['Logs']['status'] == 'complete' and r['First']['status'] == 'complete', r
assert r['Second']['status'] == 'creating' and r['Second']['client_token'], r" || fail "state after the failure"
api DELETE "faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
out=$(dp apply -t "$T" --stack "$S" --auto-approve 2>&1) || fail "re-apply: $out"
expect_contains "$out" "Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy."
expect_contains "$out" "Second = /${S}/first-dev"

# 2. a saved plan applies exactly; after drift it is refused
dp plan -t "$T" --stack "$S" --parameter Env=prod --out "$TMP/p1.json" >/dev/null
out=$(dp apply "$TMP/p1.json" 2>&1) || fail "apply saved plan: $out"
expect_contains "$out" "1 changed"
dp plan -t "$T" --stack "$S" --parameter Env=test --out "$TMP/p2.json" >/dev/null
boto "c('ssm').put_parameter(Name='/${S}/first', Value='changed-behind-our-back', Overwrite=True)"
set +e; out=$(dp apply "$TMP/p2.json" 2>&1); rc=$?; set -e
[ $rc = 1 ] || fail "saved plan after drift: exit $rc: $out"
expect_contains "$out" "the live state changed since the plan was made"
[ "$(boto "print(c('ssm').get_parameter(Name='/${S}/second')['Parameter']['Value'])")" = "/${S}/first-prod" ] \
  || fail "a refused plan changed something"
out=$(dp apply -t "$T" --stack "$S" --parameter Env=prod --auto-approve 2>&1) || fail "repair drift: $out"
expect_contains "$out" "~ AWS::SSM::Parameter First"

# 3. lock contention: another run holds the stack's lock
"$PY" - "$STATE/$S.lock" "$TMP/locked" <<'PY' &
import fcntl, json, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0)
f.write(json.dumps({"holder": "ci@runner-7", "pid": os.getpid(), "operation": "apply",
                    "since": "2030-01-02T03:04:05Z", "id": "0" * 32}))
f.flush()
open(sys.argv[2], "w").close()
time.sleep(60)
PY
holder=$!
for _ in $(seq 1 100); do [ -e "$TMP/locked" ] && break; sleep 0.1; done
set +e; out=$(dp apply -t "$T" --stack "$S" --parameter Env=prod --auto-approve 2>&1); rc=$?; set -e
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
[ $rc = 1 ] || fail "apply under someone else's lock: exit $rc: $out"
expect_contains "$out" "ci@runner-7"
expect_contains "$out" "2030-01-02T03:04:05Z"
out=$(dp apply -t "$T" --stack "$S" --parameter Env=prod --auto-approve 2>&1) || fail "apply after the lock went: $out"
expect_contains "$out" "No changes."

# 4. destroy with no local state and no template: found by ownership tags
out=$("$DMSPROV" --state "$TMP/empty-state" destroy --stack "$S" --auto-approve 2>&1) || fail "destroy without state: $out"
expect_contains "$out" "Destroy complete! Resources: 3 destroyed"
boto "
ssm = c('ssm')
names = [p['Name'] for p in ssm.describe_parameters(ParameterFilters=[{'Key': 'Name', 'Option': 'BeginsWith', 'Values': ['/${S}/']}])['Parameters']]
assert not names, names
assert not [b for b in c('s3').list_buckets()['Buckets'] if b['Name'].startswith('${S}')]
" || fail "resources left"
out=$("$DMSPROV" --state "$TMP/empty-state" destroy --stack "$S" --auto-approve 2>&1)
expect_contains "$out" "Nothing to destroy"
echo "engine ops ok"
