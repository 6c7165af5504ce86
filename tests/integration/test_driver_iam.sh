#!/usr/bin/env bash
# test_driver_iam.sh - AWS::IAM::Role driver against moto, checked independently with boto3:
# create (trust policy, inline and managed policies, tags) -> read (canonical JSON, though IAM
# answers URL-encoded) -> update -> read -> delete (policies first) -> gone; ownership
# refusal; adoption after a lost answer; throttling retried without duplicates; list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::IAM::Role
export AWS_ACCESS_KEY_ID="iam$UNIQ" DP_TEST_MAX_BACKOFF=0.05
STACK="st$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
            -d "{\"access_key\":\"$AWS_ACCESS_KEY_ID\",$1}" >/dev/null || fail "could not add fault rule $1"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('$1', 0))"; }
reset_calls() { curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }
py_get() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"dms.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
TRUST_C='{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"dms.amazonaws.com"}}],"Version":"2012-10-17"}'
S3POL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}'
S3POL_C='{"Statement":[{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::b/*"}],"Version":"2012-10-17"}'
mp1=$(boto "print(c('iam').create_policy(PolicyName='$UNIQ-mp1', PolicyDocument='''$S3POL''')['Policy']['Arn'])")
mp2=$(boto "print(c('iam').create_policy(PolicyName='$UNIQ-mp2', PolicyDocument='''$S3POL''')['Policy']['Arn'])")

role="$UNIQ-dms-s3"
out=$("$RES" $T create --stack "$STACK" --logical S3Role --props "{\"RoleName\":\"$role\",\"Path\":\"/lab/\",\"Description\":\"s3 access\",\"MaxSessionDuration\":7200,
  \"AssumeRolePolicyDocument\":$TRUST,\"Policies\":[{\"PolicyName\":\"s3\",\"PolicyDocument\":$S3POL}],\"ManagedPolicyArns\":[\"$mp1\"],\"Tags\":[{\"Key\":\"env\",\"Value\":\"lab\"}]}")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$role" ] || fail "physical id: $out"
[ "$(py_get 'd["Attributes"]["Arn"]' <<<"$out")" = "arn:aws:iam::123456789012:role/lab/$role" ] || fail "Arn: $out"
[ -n "$(py_get 'd["Attributes"]["RoleId"]' <<<"$out")" ] || fail "RoleId: $out"
live=$(boto "i=c('iam'); r=i.get_role(RoleName='$role')['Role']
print(r['Path'], r['Description'], r['MaxSessionDuration'], json.dumps(r['AssumeRolePolicyDocument'], sort_keys=True, separators=(',',':')))
print(i.list_role_policies(RoleName='$role')['PolicyNames'], [p['PolicyArn'] for p in i.list_attached_role_policies(RoleName='$role')['AttachedPolicies']])
print(sorted((t['Key'], t['Value']) for t in i.list_role_tags(RoleName='$role')['Tags']))")
expect_contains "$live" "/lab/ s3 access 7200 $TRUST_C"
expect_contains "$live" "['s3'] ['$mp1']"
expect_contains "$live" "[('dmsprov:logical-id', 'S3Role'), ('dmsprov:stack', '$STACK'), ('env', 'lab')]"

# read: template form, policy documents as canonical JSON text
out=$("$RES" $T read --stack "$STACK" --logical S3Role --id "$role")
want=$("$PY" -c "import json,sys; print(json.dumps({'RoleName':'$role','Path':'/lab/','Description':'s3 access','MaxSessionDuration':7200,
  'AssumeRolePolicyDocument':sys.argv[1],'Policies':[{'PolicyName':'s3','PolicyDocument':sys.argv[2]}],'ManagedPolicyArns':['$mp1'],
  'Tags':[{'Key':'env','Value':'lab'}]}, sort_keys=True))" "$TRUST_C" "$S3POL_C")
[ "$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")" = "$want" ] || fail "read differs: $out"

# update: no description, default duration, inline policy replaced, managed swapped, tags changed
reset_calls
"$RES" $T update --stack "$STACK" --logical S3Role --id "$role" --props "{\"RoleName\":\"$role\",\"Path\":\"/lab/\",\"AssumeRolePolicyDocument\":$TRUST,
  \"Policies\":[{\"PolicyName\":\"s3b\",\"PolicyDocument\":$S3POL}],\"ManagedPolicyArns\":[\"$mp2\"],\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]}" >/dev/null
[ "$(calls iam.UpdateAssumeRolePolicy)" = "0" ] || fail "an unchanged trust policy must not be rewritten"
live=$(boto "i=c('iam'); r=i.get_role(RoleName='$role')['Role']
print(r.get('Description',''), r['MaxSessionDuration'], i.list_role_policies(RoleName='$role')['PolicyNames'], [p['PolicyArn'] for p in i.list_attached_role_policies(RoleName='$role')['AttachedPolicies']], sorted(t['Key'] for t in i.list_role_tags(RoleName='$role')['Tags']))")
[ "$live" = " 3600 ['s3b'] ['$mp2'] ['dmsprov:logical-id', 'dmsprov:stack', 'team']" ] || fail "after update: $live"
out=$("$RES" $T read --stack "$STACK" --logical S3Role --id "$role")
[ "$(py_get 'sorted(d["Properties"])' <<<"$out")" = "['AssumeRolePolicyDocument', 'ManagedPolicyArns', 'Path', 'Policies', 'RoleName', 'Tags']" ] || fail "read after update: $out"

# generated name, repeated create with the same token adopts
out=$("$RES" $T create --stack "$STACK" --logical Vpc --token "t-$UNIQ" --props "{\"AssumeRolePolicyDocument\":$TRUST}")
gen=$(py_get 'd["PhysicalId"]' <<<"$out")
case "$gen" in "$STACK-Vpc-"*) [ ${#gen} -le 64 ] || fail "name too long: $gen" ;; *) fail "generated name: $gen" ;; esac
out=$("$RES" $T create --stack "$STACK" --logical Vpc --token "t-$UNIQ" --props "{\"AssumeRolePolicyDocument\":$TRUST}")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$gen" ] || fail "repeated create did not adopt"

# a lost answer to CreateRole: the retry adopts; one role
fault '"service":"iam","operation":"CreateRole","error":"drop","phase":"after","count":1'
"$RES" $T create --stack "$STACK" --logical Lost --props "{\"RoleName\":\"$UNIQ-lost\",\"AssumeRolePolicyDocument\":$TRUST}" >/dev/null || fail "create after a lost answer failed"
# throttling during create and delete
reset_calls
fault '"service":"iam","operation":"CreateRole","error":"throttle","count":2'
fault '"service":"iam","operation":"PutRolePolicy","error":"throttle","count":1'
"$RES" $T create --stack "$STACK" --logical Thr --props "{\"RoleName\":\"$UNIQ-thr\",\"AssumeRolePolicyDocument\":$TRUST,\"Policies\":[{\"PolicyName\":\"p\",\"PolicyDocument\":$S3POL}]}" >/dev/null \
  || fail "throttled create failed"
[ "$(calls iam.CreateRole)" = "3" ] || fail "expected 3 CreateRole attempts"
[ "$(boto "print(c('iam').list_role_policies(RoleName='$UNIQ-thr')['PolicyNames'])")" = "['p']" ] || fail "inline policy missing"
fault '"service":"iam","operation":"DeleteRole","error":"throttle","count":1'
"$RES" $T delete --stack "$STACK" --logical Thr --id "$UNIQ-thr" || fail "throttled delete failed"

# ownership: a same-named role without our tags is refused and left untouched
boto "c('iam').create_role(RoleName='$UNIQ-foreign', AssumeRolePolicyDocument='''$TRUST''', Description='theirs')"
if "$RES" $T create --stack "$STACK" --logical F --props "{\"RoleName\":\"$UNIQ-foreign\",\"AssumeRolePolicyDocument\":$TRUST}" >/dev/null 2>"$TMP/err"; then
  fail "creating over a foreign role succeeded"
fi
expect_contains "$(cat "$TMP/err")" "IAM role $UNIQ-foreign exists and is not owned by stack $STACK"
[ "$(boto "print(c('iam').get_role(RoleName='$UNIQ-foreign')['Role']['Description'])")" = "theirs" ] || fail "foreign role modified"

# list (own listing: IAM is not in the tagging API)
out=$("$RES" $T list --stack "$STACK")
expect_contains "$out" "S3Role $role"
expect_contains "$out" "Vpc $gen"
expect_contains "$out" "Lost $UNIQ-lost"
expect_not_contains "$out" "foreign"
expect_not_contains "$out" "$UNIQ-thr"

# delete detaches and deletes policies first; gone; again is fine
"$RES" $T delete --stack "$STACK" --logical S3Role --id "$role"
boto "
try:
    c('iam').get_role(RoleName='$role'); sys.exit(1)
except c('iam').exceptions.NoSuchEntityException: pass" || fail "role not deleted"
[ "$(boto "print(c('iam').get_policy(PolicyArn='$mp2')['Policy']['AttachmentCount'])")" = "0" ] || fail "managed policy still attached"
set +e; "$RES" $T read --stack "$STACK" --logical S3Role --id "$role" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "read of a deleted role should exit 3, got $rc"
"$RES" $T delete --stack "$STACK" --logical S3Role --id "$role" || fail "deleting twice should succeed"
for r in "$gen" "$UNIQ-lost"; do "$RES" $T delete --stack "$STACK" --logical X --id "$r" 2>/dev/null; done
echo ok
