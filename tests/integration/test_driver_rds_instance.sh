#!/usr/bin/env bash
# test_driver_rds_instance.sh - AWS::RDS::DBInstance (Aurora cluster member) driver against
# moto, checked with boto3: create -> read = template -> update (ApplyImmediately) -> read ->
# delete -> read (gone); ownership refusal, adoption after a lost create answer, throttling in
# the delete, list by stack.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::RDS::DBInstance
STACK="$UNIQ-stack"
export AWS_ACCESS_KEY_ID="${UNIQ}in"   # our own caller, so fault rules touch only this test
CL="${UNIQ}-cluster"

ctl() { curl -sf -X "$1" "$ENDPOINT/moto-api/dmsprov/$2" ${3:+-H 'Content-Type: application/json' -d "$3"}; }
calls() { ctl GET "calls?access_key=$AWS_ACCESS_KEY_ID" | jq -r --arg k "$1" '.calls[$k] // 0'; }
reset_calls() { ctl DELETE "calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }

boto "
ec2 = c('ec2'); r = c('rds')
vpc = ec2.create_vpc(CidrBlock='10.40.0.0/16')['Vpc']['VpcId']
s = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.40.{i}.0/24', AvailabilityZone=z)['Subnet']['SubnetId']
     for i, z in ((1, 'us-east-1a'), (2, 'us-east-1b'))]
r.create_db_subnet_group(DBSubnetGroupName='${UNIQ}-db', DBSubnetGroupDescription='db', SubnetIds=s)
r.create_db_cluster(DBClusterIdentifier='$CL', Engine='aurora-postgresql', EngineVersion='15.4',
                    MasterUsername='labadmin', MasterUserPassword='password123', DBSubnetGroupName='${UNIQ}-db')"

# ---- create: generated identifier, waits for available, attributes for GetAtt
PROPS="{\"DBClusterIdentifier\":\"$CL\",\"DBInstanceClass\":\"db.r6g.large\",\"Engine\":\"aurora-postgresql\",\"PubliclyAccessible\":false,\"DBSubnetGroupName\":\"${UNIQ}-db\",\"PromotionTier\":1,\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]}"
reset_calls
"$RES" $T create --stack "$STACK" --logical Writer --props "$PROPS" --token tok-1 >"$TMP/create.json" 2>"$TMP/create.err" || fail "create failed: $(cat "$TMP/create.err")"
ID=$(jq -r .PhysicalId "$TMP/create.json")
case "$ID" in "$(echo "$STACK" | tr 'A-Z' 'a-z')-writer-"*) ;; *) fail "generated identifier: $ID" ;; esac
[ "$(calls rds.DescribeDBInstances)" -ge 2 ] || fail "create did not check for a same-named instance and wait"
for a in Endpoint.Address Endpoint.Port DbiResourceId DBInstanceArn; do
  [ -n "$(jq -r --arg a "$a" '.Attributes[$a] // empty' "$TMP/create.json")" ] || fail "attribute $a missing: $(cat "$TMP/create.json")"
done
out=$(boto "
i = c('rds').describe_db_instances(DBInstanceIdentifier='$ID')['DBInstances'][0]
t = {x['Key']: x['Value'] for x in i['TagList']}
print(i['DBInstanceStatus'], i['DBClusterIdentifier'], i['DBInstanceClass'], i['Engine'], i['PromotionTier'],
      t.get('team'), t.get('dmsprov:stack'), t.get('dmsprov:logical-id'),
      i['Endpoint']['Address'] == '$(jq -r '.Attributes["Endpoint.Address"]' "$TMP/create.json")',
      i['DbiResourceId'] == '$(jq -r '.Attributes.DbiResourceId' "$TMP/create.json")')
m = [x['DBInstanceIdentifier'] for x in c('rds').describe_db_clusters(DBClusterIdentifier='$CL')['DBClusters'][0]['DBClusterMembers']]
print(m == ['$ID'])")
[ "$out" = "available $CL db.r6g.large aurora-postgresql 1 data $STACK Writer True True
True" ] || fail "live instance after create: $out"

# ---- read: the template's properties in template form
"$RES" $T read --stack "$STACK" --logical Writer --id "$ID" >"$TMP/read.json" || fail "read failed"
got=$(jq -S --argjson p "$PROPS" '.Properties | with_entries(select(.key as $k | $p | has($k)))' "$TMP/read.json")
[ "$got" = "$(echo "$PROPS" | jq -S .)" ] || fail "read differs from the template: $got"

# ---- update: class, promotion tier and tags in place
PROPS2=$(echo "$PROPS" | jq -c '.DBInstanceClass = "db.r6g.xlarge" | .PromotionTier = 2 | .Tags = [{"Key":"env","Value":"lab"}]')
reset_calls
"$RES" $T update --stack "$STACK" --logical Writer --id "$ID" --props "$PROPS2" >/dev/null 2>"$TMP/update.err" || fail "update failed: $(cat "$TMP/update.err")"
[ "$(calls rds.ModifyDBInstance)" = 1 ] || fail "expected one ModifyDBInstance, got $(calls rds.ModifyDBInstance)"
"$RES" $T read --stack "$STACK" --logical Writer --id "$ID" >"$TMP/read2.json" || fail "read after update failed"
got=$(jq -S --argjson p "$PROPS2" '.Properties | with_entries(select(.key as $k | $p | has($k)))' "$TMP/read2.json")
[ "$got" = "$(echo "$PROPS2" | jq -S .)" ] || fail "read after update: $got"
out=$(boto "
i = c('rds').describe_db_instances(DBInstanceIdentifier='$ID')['DBInstances'][0]
print(i['DBInstanceClass'], i['PromotionTier'], sorted(x['Key'] for x in i['TagList']))")
[ "$out" = "db.r6g.xlarge 2 ['dmsprov:logical-id', 'dmsprov:stack', 'env']" ] || fail "live instance after update: $out"
reset_calls
"$RES" $T update --stack "$STACK" --logical Writer --id "$ID" --props "$PROPS2" >/dev/null 2>&1 || fail "no-op update failed"
[ "$(calls rds.ModifyDBInstance)" = 0 ] || fail "a no-op update called ModifyDBInstance"

# ---- ownership: a same-named instance made outside dmsprov is refused and left untouched
boto "c('rds').create_db_instance(DBInstanceIdentifier='${UNIQ}-foreign', DBClusterIdentifier='$CL', DBInstanceClass='db.r6g.large', Engine='aurora-postgresql')"
if "$RES" $T create --stack "$STACK" --logical Other --props "{\"DBInstanceIdentifier\":\"${UNIQ}-foreign\",\"DBClusterIdentifier\":\"$CL\",\"DBInstanceClass\":\"db.r6g.2xlarge\",\"Engine\":\"aurora-postgresql\"}" 2>"$TMP/err"; then
  fail "create over a foreign instance succeeded"
fi
expect_contains "$(cat "$TMP/err")" "DB instance ${UNIQ}-foreign exists and is not owned by stack $STACK"
for op in update delete; do
  if "$RES" $T $op --stack "$STACK" --logical Other --id "${UNIQ}-foreign" --props '{"DBInstanceClass":"db.r6g.2xlarge"}' 2>"$TMP/err"; then
    fail "$op of a foreign instance succeeded"
  fi
  expect_contains "$(cat "$TMP/err")" "not owned by stack"
done
out=$(boto "
i = c('rds').describe_db_instances(DBInstanceIdentifier='${UNIQ}-foreign')['DBInstances'][0]
print(i['DBInstanceStatus'], i['DBInstanceClass'], len(i.get('TagList', [])))")
[ "$out" = "available db.r6g.large 0" ] || fail "foreign instance was modified: $out"

# ---- adoption: CreateDBInstance succeeds but its answer is lost; no second instance
reset_calls
ctl POST faults "{\"operation\":\"CreateDBInstance\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"throttle\"}" >/dev/null
P3="{\"DBInstanceIdentifier\":\"${UNIQ}-Reader\",\"DBClusterIdentifier\":\"$CL\",\"DBInstanceClass\":\"db.r6g.large\",\"Engine\":\"aurora-postgresql\"}"
"$RES" $T create --stack "$STACK" --logical Reader --props "$P3" >"$TMP/reader.json" 2>"$TMP/reader.err" || fail "create after a lost answer failed: $(cat "$TMP/reader.err")"
READER=$(jq -r .PhysicalId "$TMP/reader.json")
[ "$READER" = "${UNIQ}-reader" ] || fail "physical id of a named instance: $READER"
[ "$(calls rds.CreateDBInstance)" = 2 ] || fail "expected the lost create and one retry, got $(calls rds.CreateDBInstance)"
n=$(boto "print(sum(1 for x in c('rds').describe_db_instances()['DBInstances'] if x['DBInstanceIdentifier'] == '$READER'))")
[ "$n" = 1 ] || fail "expected one instance $READER, found $n"

# ---- list
"$RES" $T list --stack "$STACK" >"$TMP/list" || fail "list failed"
expect_contains "$(cat "$TMP/list")" "Writer $ID"
expect_contains "$(cat "$TMP/list")" "Reader $READER"
[ "$(wc -l <"$TMP/list")" -eq 2 ] || fail "list: $(cat "$TMP/list")"

# ---- delete with throttling on DeleteDBInstance: retried, gone, idempotent
reset_calls
ctl POST faults "{\"operation\":\"DeleteDBInstance\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\",\"count\":2}" >/dev/null
"$RES" $T delete --stack "$STACK" --logical Writer --id "$ID" || fail "delete failed"
[ "$(calls rds.DeleteDBInstance)" = 3 ] || fail "expected 3 DeleteDBInstance calls, got $(calls rds.DeleteDBInstance)"
set +e; "$RES" $T read --stack "$STACK" --logical Writer --id "$ID" 2>/dev/null; rc=$?; set -e
[ "$rc" = 3 ] || fail "read after delete: exit $rc, expected 3"
"$RES" $T delete --stack "$STACK" --logical Writer --id "$ID" || fail "second delete is not idempotent"
"$RES" $T delete --stack "$STACK" --logical Reader --id "$READER" --policy Snapshot || fail "delete of the reader failed"
out=$(boto "
r = c('rds')
print(sorted(x['DBInstanceIdentifier'] for x in r.describe_db_clusters(DBClusterIdentifier='$CL')['DBClusters'][0]['DBClusterMembers']))")
[ "$out" = "['${UNIQ}-foreign']" ] || fail "cluster members after delete: $out"
boto "
r = c('rds')
r.delete_db_instance(DBInstanceIdentifier='${UNIQ}-foreign')
r.delete_db_cluster(DBClusterIdentifier='$CL', SkipFinalSnapshot=True)" >/dev/null
ctl DELETE "faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
echo "ok"
