#!/usr/bin/env bash
# test_engine_s3_state.sh - the engine with its state in S3 (--state s3://bucket/prefix), as teams
# and CI runners use it: apply, a no-change plan from a second "machine" (no local files), the
# state object checked with boto3 (no secret in it), lock contention naming the holder, output,
# destroy, and the state object gone.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="s3st${UNIQ}"
bucket=$(echo "state-$UNIQ" | tr 'A-Z' 'a-z')
boto "c('s3').create_bucket(Bucket='$bucket')"
LOC="s3://$bucket/teams/lab"
SECRET="S3state-${UNIQ}-hush"
cat >"$TMP/stack.yaml" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Password: {Type: String, NoEcho: true}
Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties: {Name: /$S/greeting, Type: String, Value: hello}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: $S/db, SecretString: !Ref Password}
Outputs:
  ParamName: {Value: !Ref Param}
YAML
dp() { (cd "$1" && shift && "$DMSPROV" --state "$LOC" "$@"); }
mkdir -p "$TMP/a" "$TMP/b"
dp "$TMP/a" apply -t "$TMP/stack.yaml" --stack "$S" --parameter "Password=$SECRET" --auto-approve >"$TMP/apply.out" 2>&1 \
  || { cat "$TMP/apply.out"; fail "apply with S3 state"; }
expect_not_contains "$(cat "$TMP/apply.out")" "$SECRET"
[ -z "$(ls -A "$TMP/a")" ] || fail "S3 state must not leave local files: $(ls -A "$TMP/a")"

# A second working directory (another machine) sees the same state: no changes.
dp "$TMP/b" plan -t "$TMP/stack.yaml" --stack "$S" --parameter "Password=$SECRET" --detailed-exitcode >"$TMP/plan.out" 2>&1 \
  || { cat "$TMP/plan.out"; fail "plan from another directory should show no changes"; }
out=$(dp "$TMP/b" output --stack "$S")
expect_contains "$out" "/$S/greeting"

# The state object is in S3, and holds no secret.
keys=$(boto "print(' '.join(o['Key'] for o in c('s3').list_objects_v2(Bucket='$bucket').get('Contents', [])))")
expect_contains "$keys" "teams/lab/$S.json"
body=$(boto "print(c('s3').get_object(Bucket='$bucket', Key='teams/lab/$S.json')['Body'].read().decode())")
expect_contains "$body" "\"physical_id\""
expect_not_contains "$body" "$SECRET"

# A lock held by another run (a lock object written as a crashed run would leave it) stops apply
# with a message naming the holder; --break-lock takes it over.
boto "import json; c('s3').put_object(Bucket='$bucket', Key='teams/lab/$S.lock', Body=json.dumps({'holder':'ci@runner-7','pid':4242,'operation':'apply','since':'2026-11-22T10:00:00Z','id':'x'}))"
if dp "$TMP/b" apply -t "$TMP/stack.yaml" --stack "$S" --parameter "Password=$SECRET" --auto-approve >"$TMP/out" 2>"$TMP/err"; then
  fail "apply ran while the stack was locked"
fi
expect_contains "$(cat "$TMP/err")" "ci@runner-7"
expect_contains "$(cat "$TMP/err")" "--break-lock"
dp "$TMP/b" destroy --stack "$S" --auto-approve --break-lock >"$TMP/destroy.out" 2>&1 || { cat "$TMP/destroy.out"; fail "destroy"; }
left=$(boto "print(len(c('ssm').describe_parameters(ParameterFilters=[{'Key':'Name','Values':['/$S/greeting']}])['Parameters']))")
[ "$left" = 0 ] || fail "the SSM parameter is still there"
keys=$(boto "print(' '.join(o['Key'] for o in c('s3').list_objects_v2(Bucket='$bucket').get('Contents', [])))")
expect_not_contains "$keys" "$S.lock"
echo "engine with S3 state: ok"
