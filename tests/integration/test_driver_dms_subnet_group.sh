#!/usr/bin/env bash
# test_driver_dms_subnet_group.sh - AWS::DMS::ReplicationSubnetGroup driver against moto:
# create -> read -> update -> read -> delete -> read (gone), checked with boto3; adoption after
# a lost answer, ownership refusal, throttling mid-create/delete, list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
T=AWS::DMS::ReplicationSubnetGroup
DPR="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="dmssg$UNIQ" # scopes this test's fault rules and call counts
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('dms.$1', 0))"; }
trap 'curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null || true; rm -rf "$TMP"' EXIT

read -r SA SB SC < <(boto "
e = c('ec2'); v = e.create_vpc(CidrBlock='10.20.0.0/16')['Vpc']['VpcId']
ids = [e.create_subnet(VpcId=v, CidrBlock=f'10.20.{i}.0/24', AvailabilityZone=az)['Subnet']['SubnetId']
       for i, az in enumerate(['us-east-1a', 'us-east-1b', 'us-east-1c'])]
print(*ids)")
STACK="st$UNIQ"
NAME="Grp-$UNIQ" # mixed case: DMS stores it lower-cased
LOWER=$(echo "$NAME" | tr 'A-Z' 'a-z')
props() { printf '{"ReplicationSubnetGroupIdentifier":"%s","ReplicationSubnetGroupDescription":"%s","SubnetIds":%s,"Tags":[{"Key":"team","Value":"%s"}]}' "$NAME" "$1" "$2" "$3"; }
P1=$(props "first" "[\"$SA\",\"$SB\"]" "a")
P2=$(props "second" "[\"$SB\",\"$SC\"]" "b")

# --- create, with the CreateReplicationSubnetGroup answer lost once (moto did create it):
# the client retries, gets ResourceAlreadyExistsFault, and the driver adopts its own group.
fault "{\"operation\":\"CreateReplicationSubnetGroup\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"internal\"}"
out=$("$DPR" $T create --stack "$STACK" --logical Subnets --props "$P1") || fail "create failed: $out"
id=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
[ "$id" = "$LOWER" ] || fail "PhysicalId should be the lower-cased identifier, got $id"
[ "$(count CreateReplicationSubnetGroup)" = 2 ] || fail "expected a retried create: $(calls)"
boto "
d = c('dms'); gs = d.describe_replication_subnet_groups(Filters=[{'Name':'replication-subnet-group-id','Values':['$LOWER']}])['ReplicationSubnetGroups']
assert len(gs) == 1, gs
g = gs[0]; assert g['ReplicationSubnetGroupDescription'] == 'first', g
assert sorted(s['SubnetIdentifier'] for s in g['Subnets']) == sorted(['$SA','$SB']), g
tags = {t['Key']: t['Value'] for t in d.list_tags_for_resource(ResourceArn='arn:aws:dms:us-east-1:123456789012:subgrp:$LOWER')['TagList']}
assert tags == {'team':'a','dmsprov:stack':'$STACK','dmsprov:logical-id':'Subnets'}, tags" || fail "live group differs after create"

# --- read equals the template (template spelling of the identifier kept)
out=$("$DPR" $T read --stack "$STACK" --logical Subnets --id "$id" --props "$P1") || fail "read failed"
echo "$out" | "$PY" -c "
import json,sys; m=json.load(sys.stdin); want=json.loads(sys.argv[1])
assert m['Properties'] == want, (m['Properties'], want)
assert m['Attributes']['Arn'].endswith(':subgrp:$LOWER'), m" "$P1" || fail "read differs from template"

# --- a second create with the same token adopts (retried create after a lost answer)
out=$("$DPR" $T create --stack "$STACK" --logical Subnets --props "$P1") || fail "re-create did not adopt: $out"
expect_contains "$out" "\"PhysicalId\":	\"$LOWER\""

# --- update: description, subnets, tags
out=$("$DPR" $T update --stack "$STACK" --logical Subnets --id "$id" --props "$P2") || fail "update failed: $out"
out=$("$DPR" $T read --stack "$STACK" --logical Subnets --id "$id" --props "$P2") || fail "read failed"
echo "$out" | "$PY" -c "
import json,sys; m=json.load(sys.stdin); want=json.loads(sys.argv[1])
assert m['Properties'] == want, (m['Properties'], want)" "$P2" || fail "read after update differs"
boto "
d = c('dms'); g = d.describe_replication_subnet_groups(Filters=[{'Name':'replication-subnet-group-id','Values':['$LOWER']}])['ReplicationSubnetGroups'][0]
assert g['ReplicationSubnetGroupDescription'] == 'second' and sorted(s['SubnetIdentifier'] for s in g['Subnets']) == sorted(['$SB','$SC']), g" \
  || fail "live group not updated"

# --- list finds it by the stack's ownership tag
out=$("$DPR" $T list --stack "$STACK") || fail "list failed"
[ "$out" = "Subnets $LOWER" ] || fail "list: got '$out'"
out=$("$DPR" $T list --stack "other$UNIQ") || fail "list failed"
[ -z "$out" ] || fail "list of another stack found: $out"
# a group deleted by someone else between Describe and ListTagsForResource (the batch answers
# ResourceNotFoundFault) does not fail the listing: the groups are asked one by one
fault "{\"operation\":\"ListTagsForResource\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\",\"code\":\"ResourceNotFoundFault\",\"status\":400,\"count\":1}"
out=$("$DPR" $T list --stack "$STACK") || fail "list failed after a concurrent delete"
[ "$out" = "Subnets $LOWER" ] || fail "list after a concurrent delete: got '$out'"

# --- ownership: a same-named group made by someone else is refused and left untouched
boto "c('dms').create_replication_subnet_group(ReplicationSubnetGroupIdentifier='foreign-$UNIQ', ReplicationSubnetGroupDescription='theirs', SubnetIds=['$SA','$SB'])"
if out=$("$DPR" $T create --stack "$STACK" --logical Other --props "{\"ReplicationSubnetGroupIdentifier\":\"foreign-$UNIQ\",\"ReplicationSubnetGroupDescription\":\"mine\",\"SubnetIds\":[\"$SA\",\"$SC\"]}" 2>&1); then
  fail "create over a foreign group succeeded: $out"
fi
expect_contains "$out" "not owned by stack $STACK"
expect_contains "$out" "foreign-$UNIQ"
boto "
d = c('dms'); g = d.describe_replication_subnet_groups(Filters=[{'Name':'replication-subnet-group-id','Values':['foreign-$UNIQ']}])['ReplicationSubnetGroups'][0]
assert g['ReplicationSubnetGroupDescription'] == 'theirs', g
assert d.list_tags_for_resource(ResourceArn='arn:aws:dms:us-east-1:123456789012:subgrp:foreign-$UNIQ')['TagList'] == []" || fail "foreign group was touched"
# generated names are lower-case <stack>-<logical>-<suffix>
out=$("$DPR" $T create --stack "$STACK" --logical GenName --token tok1 --props "{\"ReplicationSubnetGroupDescription\":\"gen\",\"SubnetIds\":[\"$SA\",\"$SB\"]}") || fail "generated create failed"
gen=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
case "$gen" in "$(echo "$STACK-genname-" | tr 'A-Z' 'a-z')"*) ;; *) fail "generated name $gen" ;; esac
[ "$gen" = "$(echo "$gen" | tr 'A-Z' 'a-z')" ] || fail "generated name not lower-case: $gen"
"$DPR" $T delete --stack "$STACK" --logical GenName --id "$gen" >/dev/null || fail "delete generated failed"

# --- delete with a throttle in the middle: retried, then gone; a second delete is a no-op
fault "{\"operation\":\"DeleteReplicationSubnetGroup\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\"}"
"$DPR" $T delete --stack "$STACK" --logical Subnets --id "$id" >/dev/null || fail "delete failed"
"$DPR" $T delete --stack "$STACK" --logical Subnets --id "$id" >/dev/null || fail "second delete not idempotent"
set +e
"$DPR" $T read --stack "$STACK" --logical Subnets --id "$id" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 3 ] || fail "read after delete: exit $rc, want 3"
boto "
d = c('dms')
try:
    gs = d.describe_replication_subnet_groups(Filters=[{'Name':'replication-subnet-group-id','Values':['$LOWER']}])['ReplicationSubnetGroups']
except d.exceptions.ResourceNotFoundFault:
    gs = []
assert gs == [], gs" || fail "group still there"
echo "ok"
