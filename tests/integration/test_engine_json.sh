#!/usr/bin/env bash
# test_engine_json.sh - `apply --json` and `destroy --json` for programs: refused without
# --auto-approve (64); the plan and progress on stderr and one JSON document on stdout (summary,
# outputs with secrets masked); an operation that fails gives {"applied": false, "error"} and
# exit 1; destroy reports what it deleted, also when nothing is left.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
export AWS_ACCESS_KEY_ID="AKJS${UNIQ}"   # scopes the fault rule to this test
S="js${UNIQ}"
STATE="$TMP/state"
T="$TMP/stack.yaml"
cat >"$T" <<YAML
Parameters:
  Token: {Type: String, NoEcho: true, Default: "tok-${UNIQ}-secret"}
Resources:
  First:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/first, Type: String, Value: one}
  Second:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/second, Type: String, Value: !GetAtt First.Value}
Outputs:
  SecondName: {Value: !Ref Second}
  Token: {Value: !Ref Token}
YAML
dp() { "$DMSPROV" --state "$STATE" --no-color "$@"; }

run dp apply -t "$T" --stack "$S" --json
expect_rc 64
expect_contains "$out" "--json needs --auto-approve"

dp apply -t "$T" --stack "$S" --json --auto-approve >"$TMP/out" 2>"$TMP/err" || fail "apply --json: $(cat "$TMP/err")"
expect_contains "$(cat "$TMP/err")" "Plan: 2 to add"
expect_contains "$(cat "$TMP/err")" "Apply complete!"
expect_not_contains "$(cat "$TMP/out")" "Plan:"
expect_not_contains "$(cat "$TMP/out" "$TMP/err")" "tok-${UNIQ}-secret"
"$PY" -c "import json, sys; j = json.load(open('$TMP/out'))
assert j['stack'] == '$S' and j['applied'] is True, j
assert j['summary'] == {'added': 2, 'changed': 0, 'replaced': 0, 'destroyed': 0}, j
assert j['outputs']['SecondName'] == '/$S/second' and j['outputs']['Token'] == '(sensitive)', j
assert j['elapsed_s'] >= 0, j" || fail "apply --json document: $(cat "$TMP/out")"

# an operation that fails for good
sed -i 's/Value: one}/Value: two}/' "$T"
curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "{\"operation\": \"PutParameter\",
  \"service\": \"ssm\", \"access_key\": \"$AWS_ACCESS_KEY_ID\", \"error\": \"throttle\", \"status\": 400,
  \"code\": \"ValidationException\", \"message\": \"injected\", \"count\": 5}" >/dev/null
set +e; dp apply -t "$T" --stack "$S" --json --auto-approve >"$TMP/out" 2>"$TMP/err"; rc=$?; set -e
curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
[ "$rc" = 1 ] || fail "failing apply --json: exit $rc: $(cat "$TMP/out" "$TMP/err")"
"$PY" -c "import json; j = json.load(open('$TMP/out'))
assert j['applied'] is False and 'AWS::SSM::Parameter First' in j['error'] and 'ValidationException' in j['error'], j" \
  || fail "failure document: $(cat "$TMP/out")"
expect_contains "$(cat "$TMP/err")" "dmsprov: error:"

# destroy --json: refused without --auto-approve; the result document; nothing left to destroy
run dp destroy --stack "$S" --json
expect_rc 64
dp destroy --stack "$S" --json --auto-approve >"$TMP/out" 2>"$TMP/err" || fail "destroy --json: $(cat "$TMP/err")"
expect_contains "$(cat "$TMP/err")" "Destroy complete!"
"$PY" -c "import json; j = json.load(open('$TMP/out'))
assert j['stack'] == '$S' and j['destroyed'] is True and j['deleted'] == 2 and j['kept'] == 0, j" \
  || fail "destroy --json document: $(cat "$TMP/out")"
dp destroy --stack "$S" --json --auto-approve >"$TMP/out" 2>"$TMP/err" || fail "second destroy: $(cat "$TMP/err")"
"$PY" -c "import json; j = json.load(open('$TMP/out')); assert j['destroyed'] is True and j['deleted'] == 0, j" \
  || fail "destroy --json with nothing left: $(cat "$TMP/out")"
echo ok
