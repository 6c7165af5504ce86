#!/usr/bin/env bash
# test_engine_cycle.sh - the engine end to end on moto with a small stack (S3 + IAM + SSM +
# a Secrets Manager secret from a NoEcho parameter): plan (all adds) -> apply -> plan (no
# changes, exit 0 with --detailed-exitcode, one list per type + one read per resource) ->
# parameter change (update in place) -> create-only change (replace) -> resource removed
# (delete) -> output -> destroy -> nothing left (checked with boto3). Secrets never appear.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="ec${UNIQ}"
STATE="$TMP/state"
SECRET="Pw-${UNIQ}-topsecret"
dp() { "$DMSPROV" --state "$STATE" "$@"; }

write_template() { # $1 = file, $2 = with the SSM parameter (1/0)
  cat >"$1" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
  Suffix: {Type: String}
  Password: {Type: String, NoEcho: true}
Resources:
  DataBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${S}-\${Suffix}"
      Tags: [{Key: env, Value: !Ref Env}]
  AccessRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: dms.amazonaws.com}, Action: "sts:AssumeRole"}]
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: ["s3:GetObject"], Resource: !Sub "\${DataBucket.Arn}/*"}]
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "${S}/db"
      SecretString: !Ref Password
YAML
  if [ "$2" = 1 ]; then cat >>"$1" <<YAML
  BucketParam:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub "/${S}/bucket"
      Type: String
      Value: !Ref DataBucket
      Description: !Sub "data bucket (\${Env})"
YAML
  fi
  cat >>"$1" <<YAML
Outputs:
  Bucket: {Value: !Ref DataBucket}
  RoleArn: {Value: !GetAtt AccessRole.Arn}
YAML
}
T="$TMP/stack.yaml"; T2="$TMP/stack-no-param.yaml"
write_template "$T" 1
write_template "$T2" 0
P=(--stack "$S" --parameter Suffix=one --parameter "Password=$SECRET")

# 1. plan: all adds, exit 2 with --detailed-exitcode
set +e; out=$(dp plan -t "$T" "${P[@]}" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 2 ] || fail "first plan: exit $rc (want 2): $out"
expect_contains "$out" "Plan: 4 to add, 0 to change, 0 to replace, 0 to destroy."
expect_contains "$out" "+ AWS::SecretsManager::Secret DbSecret"
expect_contains "$out" "SecretString: (sensitive)"
expect_not_contains "$out" "$SECRET"

# 2. apply
out=$(dp apply -t "$T" "${P[@]}" --auto-approve 2>&1) || fail "apply: $out"
expect_contains "$out" "Apply complete! Resources: 4 added"
expect_contains "$out" "Bucket = ${S}-one"
expect_not_contains "$out" "$SECRET"
boto "c('s3').head_bucket(Bucket='${S}-one')" || fail "bucket not created"
[ "$(boto "print(c('ssm').get_parameter(Name='/${S}/bucket')['Parameter']['Value'])")" = "${S}-one" ] || fail "parameter value"

# 3. no changes: exit 0, and the reads are one list per type + one read per resource
set +e; out=$(dp plan -t "$T" "${P[@]}" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 0 ] || fail "plan after apply: exit $rc (want 0): $out"
expect_contains "$out" "No changes."
js=$(dp plan -t "$T" "${P[@]}" --json)
echo "$js" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); r=j["live_read"]
assert not j["changes_present"], j
assert r["lists"] == 4 and r["reads"] == 4, r' || fail "no-change plan reads: $js"

# 4. a parameter change: update in place
set +e; out=$(dp plan -t "$T" "${P[@]}" --parameter Env=prod --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 2 ] || fail "plan Env=prod: exit $rc: $out"
expect_contains "$out" "~ AWS::SSM::Parameter BucketParam"
expect_contains "$out" 'Description: "data bucket (dev)" → "data bucket (prod)"'
expect_contains "$out" "Plan: 0 to add, 2 to change, 0 to replace, 0 to destroy."
out=$(dp apply -t "$T" "${P[@]}" --parameter Env=prod --auto-approve 2>&1) || fail "apply Env=prod: $out"
expect_contains "$out" "2 changed"
[ "$(boto "print(c('ssm').describe_parameters(ParameterFilters=[{'Key': 'Name', 'Values': ['/${S}/bucket']}])['Parameters'][0]['Description'])")" = "data bucket (prod)" ] \
  || fail "description not updated"

# 5. a create-only change: the bucket is replaced, its dependents follow
out=$(dp plan -t "$T" "${P[@]}" --parameter Env=prod --parameter Suffix=two 2>&1)
expect_contains "$out" "-/+ AWS::S3::Bucket DataBucket (${S}-one) must be replaced: BucketName"
expect_contains "$out" "Value: \"${S}-one\" → (known after apply)"
expect_contains "$out" "Plan: 0 to add, 2 to change, 1 to replace, 0 to destroy."
out=$(dp apply -t "$T" "${P[@]}" --parameter Env=prod --parameter Suffix=two --auto-approve 2>&1) || fail "apply replace: $out"
expect_contains "$out" "1 replaced"
boto "c('s3').head_bucket(Bucket='${S}-two')" || fail "new bucket missing"
boto "
try:
    c('s3').head_bucket(Bucket='${S}-one'); sys.exit(1)
except c('s3').exceptions.ClientError: pass" || fail "old bucket still there"
[ "$(boto "print(c('ssm').get_parameter(Name='/${S}/bucket')['Parameter']['Value'])")" = "${S}-two" ] || fail "dependent not updated"

# 6. a resource removed from the template: deleted
P2=(--stack "$S" --parameter Env=prod --parameter Suffix=two --parameter "Password=$SECRET")
out=$(dp plan -t "$T2" "${P2[@]}" 2>&1)
expect_contains "$out" "- AWS::SSM::Parameter BucketParam (/${S}/bucket)"
out=$(dp apply -t "$T2" "${P2[@]}" --auto-approve 2>&1) || fail "apply delete: $out"
expect_contains "$out" "1 destroyed"
boto "
try:
    c('ssm').get_parameter(Name='/${S}/bucket'); sys.exit(1)
except c('ssm').exceptions.ParameterNotFound: pass" || fail "parameter still there"
set +e; dp plan -t "$T2" "${P2[@]}" --detailed-exitcode >/dev/null 2>&1; rc=$?; set -e
[ $rc = 0 ] || fail "plan after delete: exit $rc"

# 7. outputs from state; the secret is in no file
[ "$(dp output --stack "$S" Bucket)" = "${S}-two" ] || fail "output Bucket"
dp output --stack "$S" --json | "$PY" -c 'import json,sys; j=json.load(sys.stdin); assert j["RoleArn"].startswith("arn:aws:iam::")' \
  || fail "output --json"
if grep -rq -- "$SECRET" "$STATE"; then fail "the secret is in the state"; fi

# 8. destroy, then nothing is left
set +e; out=$(dp destroy --stack "$S" </dev/null 2>&1); rc=$?; set -e
[ $rc = 1 ] || fail "destroy without a terminal or --auto-approve must refuse"
expect_contains "$out" "--auto-approve"
out=$(dp destroy --stack "$S" --auto-approve 2>&1) || fail "destroy: $out"
expect_contains "$out" "Destroy complete! Resources: 3 destroyed"
boto "
import botocore
s3, iam, sm = c('s3'), c('iam'), c('secretsmanager')
assert not [b for b in s3.list_buckets()['Buckets'] if b['Name'].startswith('${S}')], 'bucket left'
assert not [r for r in iam.list_roles()['Roles'] if r['RoleName'].startswith('${S}')], 'role left'
try:
    d = sm.describe_secret(SecretId='${S}/db')
    assert d.get('DeletedDate'), 'secret left'
except sm.exceptions.ResourceNotFoundException: pass
tagged = c('resourcegroupstaggingapi').get_resources(TagFilters=[{'Key': 'dmsprov:stack', 'Values': ['${S}']}])
left = [m['ResourceARN'] for m in tagged['ResourceTagMappingList'] if ':secret:' not in m['ResourceARN']]
assert not left, left
" || fail "resources left after destroy"
[ ! -e "$STATE/$S.json" ] || fail "state left after destroy"
echo "engine cycle ok"
