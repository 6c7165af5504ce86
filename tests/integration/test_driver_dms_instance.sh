#!/usr/bin/env bash
# test_driver_dms_instance.sh - AWS::DMS::ReplicationInstance driver against moto: create (waits
# available) -> read -> modify (waits) -> read -> delete (waits gone) -> read, checked with
# boto3; lost create answer adopted, ownership refusal, throttling mid-delete, list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
T=AWS::DMS::ReplicationInstance
DPR="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="dmsri$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('dms.$1', 0))"; }
trap 'curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null || true; rm -rf "$TMP"' EXIT
STACK="st$UNIQ"
GROUP="grp-$UNIQ"
read -r SG1 SG2 < <(boto "
e = c('ec2'); v = e.create_vpc(CidrBlock='10.21.0.0/16')['Vpc']['VpcId']
ids = [e.create_subnet(VpcId=v, CidrBlock=f'10.21.{i}.0/24', AvailabilityZone=az)['Subnet']['SubnetId']
       for i, az in enumerate(['us-east-1a', 'us-east-1b'])]
c('dms').create_replication_subnet_group(ReplicationSubnetGroupIdentifier='$GROUP', ReplicationSubnetGroupDescription='g', SubnetIds=ids)
sgs = [e.create_security_group(GroupName=f'$UNIQ-{i}', Description='d', VpcId=v)['GroupId'] for i in (1, 2)]
print(*sgs)")
NAME="Ri-$UNIQ"
LOWER=$(echo "$NAME" | tr 'A-Z' 'a-z')
props() { printf '{"ReplicationInstanceIdentifier":"%s","ReplicationInstanceClass":"%s","AllocatedStorage":%s,"EngineVersion":"3.5.3","MultiAZ":%s,"PubliclyAccessible":false,"ReplicationSubnetGroupIdentifier":"%s","VpcSecurityGroupIds":%s,"Tags":[{"Key":"team","Value":"%s"}]}' "$NAME" "$1" "$2" "$3" "$GROUP" "$4" "$5"; }
P1=$(props dms.t3.micro 50 false "[\"$SG1\"]" a)
P2=$(props dms.t3.small 100 true "[\"$SG1\",\"$SG2\"]" b)
same_as_template() { # MODEL_JSON TEMPLATE_JSON
  "$PY" -c "
import json,sys; m=json.loads(sys.argv[1]); want=json.loads(sys.argv[2])
assert m['Properties'] == want, (m['Properties'], want)" "$1" "$2"
}

# --- create; the answer of CreateReplicationInstance is lost once after moto made it
fault "{\"operation\":\"CreateReplicationInstance\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"throttle\"}"
out=$("$DPR" $T create --stack "$STACK" --logical Rep --props "$P1" 2>"$TMP/err") || fail "create failed: $(cat "$TMP/err")"
arn=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
expect_contains "$arn" "arn:aws:dms:us-east-1:"
[ "$(count CreateReplicationInstance)" = 2 ] || fail "expected one retried create: $(calls)"
echo "$out" | "$PY" -c "
import json,sys; m=json.load(sys.stdin); a=m['Attributes']
assert a['Id'] == m['PhysicalId'] and a['ReplicationInstancePrivateIpAddresses'], a" || fail "attributes: $out"
boto "
d = c('dms'); rs = d.describe_replication_instances(Filters=[{'Name':'replication-instance-id','Values':['$LOWER']}])['ReplicationInstances']
assert len(rs) == 1, rs
r = rs[0]; assert r['ReplicationInstanceArn'] == '$arn' and r['ReplicationInstanceStatus'] == 'available', r
assert r['ReplicationInstanceClass'] == 'dms.t3.micro' and r['AllocatedStorage'] == 50 and r['ReplicationSubnetGroup']['ReplicationSubnetGroupIdentifier'] == '$GROUP', r
tags = {t['Key']: t['Value'] for t in d.list_tags_for_resource(ResourceArn='$arn')['TagList']}
assert tags == {'team':'a','dmsprov:stack':'$STACK','dmsprov:logical-id':'Rep'}, tags" || fail "live instance differs"

out=$("$DPR" $T read --stack "$STACK" --logical Rep --id "$arn" --props "$P1") || fail "read failed"
same_as_template "$out" "$P1" || fail "read differs from template"
# a repeated create (same token) adopts the same instance
out=$("$DPR" $T create --stack "$STACK" --logical Rep --props "$P1") || fail "re-create did not adopt"
expect_contains "$out" "\"PhysicalId\":	\"$arn\""

# --- update: class, storage, Multi-AZ, security groups, tags; waits until applied
out=$("$DPR" $T update --stack "$STACK" --logical Rep --id "$arn" --props "$P2") || fail "update failed: $out"
out=$("$DPR" $T read --stack "$STACK" --logical Rep --id "$arn" --props "$P2") || fail "read failed"
same_as_template "$out" "$P2" || fail "read after update differs"
boto "
r = c('dms').describe_replication_instances(Filters=[{'Name':'replication-instance-arn','Values':['$arn']}])['ReplicationInstances'][0]
assert r['ReplicationInstanceClass'] == 'dms.t3.small' and r['AllocatedStorage'] == 100 and r['MultiAZ'] is True, r
assert not r.get('PendingModifiedValues'), r
assert sorted(g['VpcSecurityGroupId'] for g in r['VpcSecurityGroups']) == sorted(['$SG1','$SG2']), r" || fail "live instance not updated"

# --- list
out=$("$DPR" $T list --stack "$STACK") || fail "list failed"
[ "$out" = "Rep $arn" ] || fail "list: got '$out'"

# --- ownership refusal: someone else's instance with the wanted name stays untouched
boto "c('dms').create_replication_instance(ReplicationInstanceIdentifier='foreign-$UNIQ', ReplicationInstanceClass='dms.t3.micro')"
if out=$("$DPR" $T create --stack "$STACK" --logical Other --props "{\"ReplicationInstanceIdentifier\":\"foreign-$UNIQ\",\"ReplicationInstanceClass\":\"dms.t3.large\"}" 2>&1); then
  fail "create over a foreign instance succeeded"
fi
expect_contains "$out" "not owned by stack $STACK"
boto "
d = c('dms'); r = d.describe_replication_instances(Filters=[{'Name':'replication-instance-id','Values':['foreign-$UNIQ']}])['ReplicationInstances'][0]
assert r['ReplicationInstanceClass'] == 'dms.t3.micro', r
assert d.list_tags_for_resource(ResourceArn=r['ReplicationInstanceArn'])['TagList'] == []" || fail "foreign instance touched"

# --- delete, throttled once: retried; waits until gone; idempotent
fault "{\"operation\":\"DeleteReplicationInstance\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\"}"
"$DPR" $T delete --stack "$STACK" --logical Rep --id "$arn" >/dev/null 2>"$TMP/err" || fail "delete failed: $(cat "$TMP/err")"
[ "$(count DeleteReplicationInstance)" = 2 ] || fail "expected one retried delete: $(calls)"
boto "
d = c('dms')
try:
    rs = d.describe_replication_instances(Filters=[{'Name':'replication-instance-arn','Values':['$arn']}])['ReplicationInstances']
except d.exceptions.ResourceNotFoundFault:
    rs = []
assert rs == [], rs" || fail "instance still there after delete"
"$DPR" $T delete --stack "$STACK" --logical Rep --id "$arn" >/dev/null 2>&1 || fail "second delete not idempotent"
set +e
"$DPR" $T read --stack "$STACK" --logical Rep --id "$arn" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 3 ] || fail "read after delete: exit $rc, want 3"
echo ok
