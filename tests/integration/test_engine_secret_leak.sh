#!/usr/bin/env bash
# test_engine_secret_leak.sh - a NoEcho password appears nowhere dmsprov writes, across a whole
# cycle with --debug: validate, plan, plan --json, plan --out (the saved plan file), apply of
# the saved plan, a no-change plan, output / output --json, an update that changes the
# password, a rejected value (error message), destroy. Every stdout/stderr, the state directory
# and the saved plans are searched for the value; the secret really reached AWS (checked with
# boto3) and the debug log really has request lines, so the search is not vacuous.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="sl${UNIQ}"
PW="Pw-${UNIQ}-TopSecret"
PW2="Pw2-${UNIQ}-AlsoSecret"
BAD="bad ${UNIQ} NotAllowed"
STATE="$TMP/state"
LOG="$TMP/logs"
mkdir -p "$LOG"
T="$TMP/t.yaml"
cat >"$T" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Password:
    Type: String
    NoEcho: true
    MinLength: 8
    AllowedPattern: "[A-Za-z0-9-]+"
    ConstraintDescription: letters, digits and dashes
Resources:
  Login:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: ${S}-login
      SecretString: !Sub '{"username":"admin","password":"\${Password}"}'
  Copy:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/pw, Type: String, Value: !Ref Password}
  Source:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointIdentifier: ${S}-src
      EndpointType: source
      EngineName: postgres
      ServerName: db.example.internal
      Port: 5432
      DatabaseName: lab
      Username: admin
      Password: !Ref Password
Outputs:
  Pw: {Value: !Ref Password}
  SecretArn: {Value: !Ref Login}
YAML
n=0
# run EXPECTED_RC ARGS... - dmsprov --debug with stdout/stderr kept in $LOG
run() {
    local want=$1 rc=0; shift
    n=$((n + 1))
    "$DMSPROV" --debug --no-color --state "$STATE" "$@" >"$LOG/$n.out" 2>"$LOG/$n.err" || rc=$?
    if [ -d "$STATE" ]; then cp -r "$STATE" "$LOG/state.$n"; fi   # destroy removes the state: keep each version
    [ "$rc" = "$want" ] || fail "dmsprov $* exited $rc (expected $want): $(cat "$LOG/$n.out" "$LOG/$n.err")"
}
run 0 validate -t "$T" --parameter "Password=$PW"
run 2 plan -t "$T" --stack "$S" --parameter "Password=$PW" --detailed-exitcode
run 0 plan -t "$T" --stack "$S" --parameter "Password=$PW" --json
"$PY" -c "import json,sys; json.load(open(sys.argv[1]))" "$LOG/$n.out" || fail "plan --json is not JSON"
run 0 plan -t "$T" --stack "$S" --parameter "Password=$PW" --out "$TMP/saved.plan"
[ -s "$TMP/saved.plan" ] || fail "no saved plan"
run 0 apply "$TMP/saved.plan" --parameter "Password=$PW"
grep -q '^debug: > POST' "$LOG/$n.err" || fail "--debug logged no request lines: $(head -c 2000 "$LOG/$n.err")"
run 0 plan -t "$T" --stack "$S" --parameter "Password=$PW" --detailed-exitcode
run 0 output --stack "$S"
expect_contains "$(cat "$LOG/$n.out")" "(sensitive)"
run 0 output --stack "$S" --json
run 0 output --stack "$S" Pw
# a changed password: plan (text, JSON, saved) and apply show it only as sensitive
run 2 plan -t "$T" --stack "$S" --parameter "Password=$PW2" --detailed-exitcode
expect_contains "$(cat "$LOG/$n.out")" "(sensitive)"
run 0 plan -t "$T" --stack "$S" --parameter "Password=$PW2" --json
run 0 plan -t "$T" --stack "$S" --parameter "Password=$PW2" --out "$TMP/saved2.plan"
run 0 apply -t "$T" --stack "$S" --parameter "Password=$PW2" --auto-approve
[ "$(boto "print(c('ssm').get_parameter(Name='/${S}/pw')['Parameter']['Value'])")" = "$PW2" ] \
    || fail "the new password did not reach AWS (the search below would prove nothing)"
boto "import json; assert json.loads(c('secretsmanager').get_secret_value(SecretId='${S}-login')['SecretString'])['password'] == '$PW2'" \
    || fail "the secret was not updated"
# a value the constraints refuse: the error names the parameter, not the value
run 1 plan -t "$T" --stack "$S" --parameter "Password=$BAD"
expect_contains "$(cat "$LOG/$n.err")" "Password"
run 0 destroy --stack "$S" --auto-approve

# The values did reach AWS (so their absence below means something).
got=$(boto "print(c('ssm').get_parameter(Name='/${S}/pw')['Parameter']['Value'])" 2>/dev/null || echo deleted)
[ "$got" = deleted ] || fail "the SSM parameter survived destroy"
grep -q 'CreateEndpoint\|PutParameter\|CreateSecret' "$LOG"/*.err || fail "debug log has no create calls"

# the search itself finds what is there (the stack name is everywhere)
grep -rqF -- "$S" "$LOG" "$TMP/saved.plan" || fail "the search finds nothing at all"
ls "$LOG"/state.*/"$S.json" >/dev/null 2>&1 || fail "no state was kept to search"
for v in "$PW" "$PW2" "$BAD"; do
    if hits=$(grep -rlF -- "$v" "$LOG" "$STATE" "$TMP/saved.plan" "$TMP/saved2.plan" 2>/dev/null); then
        fail "secret value leaked into: $hits: $(grep -rhF -- "$v" $hits | head -3)"
    fi
done
echo "ok: no secret in $n runs' output, debug log, state or saved plans"
