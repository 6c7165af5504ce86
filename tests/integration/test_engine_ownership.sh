#!/usr/bin/env bash
# test_engine_ownership.sh - a resource with the template's name that the stack does not own:
# plan refuses with one line that names it and says how to adopt it; once tagged as the message
# says, the plan manages it (showing how it differs from the template) and apply brings it in
# line; a resource owned by another stack is never taken over.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="ow${UNIQ}"
STATE="$TMP/state"
dp() { "$DMSPROV" --state "$STATE" --no-color "$@"; }
T="$TMP/stack.yaml"
cat >"$T" <<YAML
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties: {Name: /${S}/setting, Type: String, Value: from-template}
YAML
boto "c('ssm').put_parameter(Name='/$S/setting', Type='String', Value='made-by-hand')"

run dp plan -t "$T" --stack "$S"
expect_rc 1
expect_contains "$out" "AWS::SSM::Parameter Setting: \"/$S/setting\" already exists and is not owned by stack $S"
expect_contains "$out" "tag it dmsprov:stack=$S and dmsprov:logical-id=<logical id>"
[ "$(echo "$out" | grep -c '^dmsprov: error:')" = 1 ] || fail "expected one error line: $out"

# owned by another stack: still refused
boto "c('ssm').add_tags_to_resource(ResourceType='Parameter', ResourceId='/$S/setting',
    Tags=[{'Key': 'dmsprov:stack', 'Value': 'someone-else'}, {'Key': 'dmsprov:logical-id', 'Value': 'Setting'}])"
run dp plan -t "$T" --stack "$S"
expect_rc 1
expect_contains "$out" "not owned by stack $S"

# tagged for this stack as the message says: managed, the difference shown, then applied
boto "c('ssm').add_tags_to_resource(ResourceType='Parameter', ResourceId='/$S/setting',
    Tags=[{'Key': 'dmsprov:stack', 'Value': '$S'}, {'Key': 'dmsprov:logical-id', 'Value': 'Setting'}])"
run dp plan -t "$T" --stack "$S" --detailed-exitcode
expect_rc 2
expect_contains "$out" "~ AWS::SSM::Parameter Setting"
expect_contains "$out" "Value: \"made-by-hand\" → \"from-template\""
run dp apply -t "$T" --stack "$S" --auto-approve
expect_rc 0
[ "$(boto "print(c('ssm').get_parameter(Name='/$S/setting')['Parameter']['Value'])")" = from-template ] \
  || fail "the adopted parameter was not brought in line"
run dp plan -t "$T" --stack "$S" --detailed-exitcode
expect_rc 0
run dp destroy --stack "$S" --auto-approve
expect_rc 0
echo ok
