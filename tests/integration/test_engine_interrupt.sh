#!/usr/bin/env bash
# test_engine_interrupt.sh - Ctrl-C (SIGINT) during `dmsprov apply` on moto: no new operation
# starts, the one in flight finishes, the state is written and consistent with AWS, the exit
# status is 1 with ONE error line; the next apply carries on. A chain of four SSM parameters
# (each needs the previous one) behind a latency proxy, so that each create takes a while.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="ei${UNIQ}"
STATE="$TMP/state"
start_latency_proxy 150
export AWS_ENDPOINT_URL=$PROXY
dp() { "$DMSPROV" --state "$STATE" --no-color "$@"; }

T="$TMP/chain.yaml"
cat >"$T" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  P1:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/p1, Type: String, Value: one}
  P2:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/p2, Type: String, Value: !GetAtt P1.Value}
  P3:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/p3, Type: String, Value: !GetAtt P2.Value}
  P4:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/p4, Type: String, Value: !GetAtt P3.Value}
YAML

# Background jobs of a script start with SIGINT ignored (and dmsprov keeps it so) unless job
# control is on.
set -m
# Ctrl-C as soon as P1 is complete (P2 is then starting or in flight; P3 and P4 are not).
"$DMSPROV" --state "$STATE" --no-color apply -t "$T" --stack "$S" --auto-approve >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1 600); do grep -q 'P1: creation complete' "$TMP/out" 2>/dev/null && break; sleep 0.05; done
grep -q 'P1: creation complete' "$TMP/out" || { kill $pid; fail "P1 never completed: $(cat "$TMP/out" "$TMP/err")"; }
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 1 ] || fail "interrupted apply: exit $rc (expected 1): $(cat "$TMP/out" "$TMP/err")"
errs=$(grep -c '^dmsprov: error:' "$TMP/err" || true)
[ "$errs" = 1 ] || fail "expected exactly one error line, got $errs: $(cat "$TMP/err")"
err=$(grep '^dmsprov: error:' "$TMP/err")
expect_contains "$err" "dmsprov: error: interrupted: "
expect_contains "$err" "not started"
expect_contains "$err" "run apply again to continue"
expect_contains "$(cat "$TMP/err")" "no new operation starts; waiting for those in flight"
grep -q 'P4: creating' "$TMP/out" && fail "P4 started after the interrupt: $(cat "$TMP/out")"

# The state is valid JSON and agrees with AWS: every parameter that exists is recorded as
# complete with its id, P3 and P4 do not exist.
"$PY" - "$STATE/$S.json" "$ENDPOINT" "$S" <<'PY' || fail "state after the interrupt: $(cat "$STATE/$S.json")"
import json, sys, boto3
state, endpoint, s = sys.argv[1:]
res = json.load(open(state))["resources"]
ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1")
names = {p["Name"] for p in ssm.describe_parameters(ParameterFilters=[
    {"Key": "Name", "Option": "BeginsWith", "Values": [f"/{s}/"]}])["Parameters"]}
assert f"/{s}/p1" in names and f"/{s}/p3" not in names and f"/{s}/p4" not in names, names
for n in names:
    lid = "P" + n.rsplit("p", 1)[1]
    assert res[lid]["status"] == "complete" and res[lid]["physical_id"] == n, (lid, res.get(lid))
print(len(names))
PY
done=$("$PY" -c "import json; r=json.load(open('$STATE/$S.json'))['resources']; print(sum(v.get('status')=='complete' for v in r.values()))")

# The next apply creates the rest, and then nothing is left to do.
out=$(dp apply -t "$T" --stack "$S" --auto-approve 2>&1) || fail "re-apply: $out"
expect_contains "$out" "Plan: $((4 - done)) to add, 0 to change, 0 to replace, 0 to destroy."
[ "$(boto "print(c('ssm').get_parameter(Name='/${S}/p4')['Parameter']['Value'])")" = one ] || fail "P4 after re-apply"
out=$(dp plan -t "$T" --stack "$S" --detailed-exitcode 2>&1) || fail "plan after re-apply: $out"

# Ctrl-C during destroy: same contract (one line, exit 1), and destroy again finishes.
"$DMSPROV" --state "$STATE" --no-color destroy --stack "$S" --auto-approve >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1 600); do grep -q 'P4: destruction complete' "$TMP/out" 2>/dev/null && break; sleep 0.05; done
kill -INT $pid 2>/dev/null || true
set +e; wait $pid; rc=$?; set -e
if [ $rc != 0 ]; then
    [ $rc = 1 ] || fail "interrupted destroy: exit $rc: $(cat "$TMP/out" "$TMP/err")"
    [ "$(grep -c '^dmsprov: error:' "$TMP/err")" = 1 ] || fail "destroy: one error line: $(cat "$TMP/err")"
    expect_contains "$(cat "$TMP/err")" "run destroy again to finish"
fi
out=$(dp destroy --stack "$S" --auto-approve 2>&1) || fail "destroy again: $out"
[ "$(boto "print(len(c('ssm').describe_parameters(ParameterFilters=[{'Key':'Name','Option':'BeginsWith','Values':['/${S}/']}])['Parameters']))")" = 0 ] \
    || fail "parameters left after destroy"
echo "ok: interrupted apply and destroy"
