#!/usr/bin/env bash
# test_engine_foreach.sh - a stack written with Fn::ForEach (one bucket + one SSM parameter per
# student of a list parameter) on moto: apply creates one copy per element, checked with boto3;
# the plan right after is empty; adding a student adds only that student's resources; removing
# one deletes only its resources; destroy leaves nothing.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="fe${UNIQ}"
STATE="$TMP/state"
dp() { "$DMSPROV" --state "$STATE" "$@"; }

T="$TMP/stack.yaml"
cat >"$T" <<YAML
Transform: AWS::LanguageExtensions
Parameters:
  Students: {Type: CommaDelimitedList, Default: "ana,bo-b"}
Resources:
  Fn::ForEach::PerStudent:
    - Student
    - !Ref Students
    - Bucket&{Student}:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "${S}-\${Student}"
          Tags: [{Key: student, Value: !Ref Student}]
      Param&{Student}:
        Type: AWS::SSM::Parameter
        Properties:
          Name: !Sub "/${S}/\${Student}/bucket"
          Type: String
          Value: !Ref
            Fn::Sub: Bucket&{Student}
Outputs:
  Fn::ForEach::Out:
    - Student
    - !Ref Students
    - Bucket&{Student}: {Value: !GetAtt [!Sub "Bucket&{Student}", Arn]}
YAML

run dp apply -t "$T" --stack "$S" --auto-approve
expect_rc 0
expect_contains "$out" "Plan: 4 to add, 0 to change, 0 to replace, 0 to destroy."
expect_contains "$out" "Bucketbob = arn:aws:s3:::${S}-bo-b"
boto "
s3, ssm = c('s3'), c('ssm')
for st in ('ana', 'bo-b'):
    tags = {t['Key']: t['Value'] for t in s3.get_bucket_tagging(Bucket='$S-' + st)['TagSet']}
    assert tags['student'] == st, tags
    assert ssm.get_parameter(Name='/$S/%s/bucket' % st)['Parameter']['Value'] == '$S-' + st
" || fail "resources made by the loop"
run dp plan -t "$T" --stack "$S" --detailed-exitcode
expect_rc 0

# one more student: only its two resources
run dp apply -t "$T" --stack "$S" --parameter Students=ana,bo-b,cy --auto-approve
expect_rc 0
expect_contains "$out" "Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy."
expect_contains "$out" "+ AWS::SSM::Parameter Paramcy"
# one student less: only its two resources go
run dp apply -t "$T" --stack "$S" --parameter Students=ana,cy --auto-approve
expect_rc 0
expect_contains "$out" "Plan: 0 to add, 0 to change, 0 to replace, 2 to destroy."
boto "
s3 = c('s3')
names = {b['Name'] for b in s3.list_buckets()['Buckets'] if b['Name'].startswith('$S-')}
assert names == {'$S-ana', '$S-cy'}, names
" || fail "after removing a student"
run dp plan -t "$T" --stack "$S" --parameter Students=ana,cy --detailed-exitcode
expect_rc 0

run dp destroy --stack "$S" --auto-approve
expect_rc 0
boto "
s3, ssm = c('s3'), c('ssm')
assert not [b for b in s3.list_buckets()['Buckets'] if b['Name'].startswith('$S-')]
assert not ssm.get_parameters_by_path(Path='/$S', Recursive=True)['Parameters']
" || fail "destroy left resources"
echo ok
