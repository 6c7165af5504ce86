#!/usr/bin/env bash
# test_engine_secret_state.sh - a secret that reaches a resource as a plain property (an SSM
# copy of a NoEcho password) never lands in the state: not in properties, not in attributes
# (the SSM driver reports Value as a GetAtt attribute), only as a keyed hash; and a second plan
# is still empty.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="ss${UNIQ}"
SECRET="Copy-${UNIQ}-classified"
cat >"$TMP/t.yaml" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Password: {Type: String, NoEcho: true}
Resources:
  PasswordCopy:
    Type: AWS::SSM::Parameter
    Properties: {Name: /$S/password, Type: String, Value: !Ref Password}
YAML
dp() { "$DMSPROV" --state "$TMP/state" "$@"; }
dp apply -t "$TMP/t.yaml" --stack "$S" --parameter "Password=$SECRET" --auto-approve >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "apply"; }
expect_not_contains "$(cat "$TMP/out")" "$SECRET"
grep -rq -- "$SECRET" "$TMP/state" && fail "the password is in the state: $(grep -r -- "$SECRET" "$TMP/state")"
grep -q '"Value"' "$TMP/state/$S.json" || fail "expected a hash entry for Value in the state"
dp plan -t "$TMP/t.yaml" --stack "$S" --parameter "Password=$SECRET" --detailed-exitcode >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "second plan not empty"; }
dp plan -t "$TMP/t.yaml" --stack "$S" --parameter "Password=other-$UNIQ" --detailed-exitcode >"$TMP/out" 2>&1 && fail "a changed password must show a change"
expect_contains "$(cat "$TMP/out")" "(sensitive)"
expect_not_contains "$(cat "$TMP/out")" "other-$UNIQ"
dp destroy --stack "$S" --auto-approve >/dev/null
echo "secrets stay out of the state: ok"
