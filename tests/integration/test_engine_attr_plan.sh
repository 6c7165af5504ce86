#!/usr/bin/env bash
# test_engine_attr_plan.sh - a GetAtt of a resource that this plan updates is "(known after
# apply)" when the attribute mirrors a changed property, apply passes the new value on, and the
# next plan is empty.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="at${UNIQ}"
cat >"$TMP/t.yaml" <<YAML
Parameters:
  Setting: {Type: String, Default: dev}
Resources:
  Source:
    Type: AWS::SSM::Parameter
    Properties: {Name: /$S/setting, Type: String, Value: !Sub "value-\${Setting}"}
  Copy:
    Type: AWS::SSM::Parameter
    Properties: {Name: /$S/copy, Type: String, Value: !GetAtt Source.Value}
YAML
dp() { "$DMSPROV" --state "$TMP/state" "$@"; }
dp apply -t "$TMP/t.yaml" --stack "$S" --auto-approve >/dev/null
out=$(dp plan -t "$TMP/t.yaml" --stack "$S" --parameter Setting=prod)
expect_contains "$out" '~ Value: "value-dev" → "value-prod"'
expect_contains "$out" '~ Value: "value-dev" → (known after apply)'
dp apply -t "$TMP/t.yaml" --stack "$S" --parameter Setting=prod --auto-approve >/dev/null
v=$(boto "print(c('ssm').get_parameter(Name='/$S/copy')['Parameter']['Value'])")
[ "$v" = value-prod ] || fail "the copy holds $v"
dp plan -t "$TMP/t.yaml" --stack "$S" --parameter Setting=prod --detailed-exitcode >/dev/null || fail "plan after apply not empty"
dp destroy --stack "$S" --auto-approve >/dev/null
echo "attributes of updated resources: ok"
