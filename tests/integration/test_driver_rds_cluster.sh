#!/usr/bin/env bash
# test_driver_rds_cluster.sh - AWS::RDS::DBCluster (aurora-postgresql) driver against moto,
# checked with boto3: create (waits creating -> available) -> read = template -> update
# (ApplyImmediately, waits modifying -> available) -> password change -> read; ownership
# refusal, adoption after a lost create answer, throttling in create and delete, list,
# DeletionProtection refusing delete, final snapshot with DeletionPolicy Snapshot.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::RDS::DBCluster
STACK="$UNIQ-stack"
export AWS_ACCESS_KEY_ID="${UNIQ}cl"   # our own caller, so fault rules touch only this test
PASSWORD="Pw-${UNIQ}-secret"

ctl() { curl -sf -X "$1" "$ENDPOINT/moto-api/dmsprov/$2" ${3:+-H 'Content-Type: application/json' -d "$3"}; }
calls() { ctl GET "calls?access_key=$AWS_ACCESS_KEY_ID" | jq -r --arg k "$1" '.calls[$k] // 0'; }
reset_calls() { ctl DELETE "calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }
no_secret() { if grep -q -- "$PASSWORD" "$@"; then fail "the master password appears in $*"; fi; }

read -r SG1 SG2 < <(boto "
ec2 = c('ec2'); r = c('rds')
vpc = ec2.create_vpc(CidrBlock='10.30.0.0/16')['Vpc']['VpcId']
s = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.30.{i}.0/24', AvailabilityZone=z)['Subnet']['SubnetId']
     for i, z in ((1, 'us-east-1a'), (2, 'us-east-1b'))]
r.create_db_subnet_group(DBSubnetGroupName='${UNIQ}-db', DBSubnetGroupDescription='db', SubnetIds=s)
g = [ec2.create_security_group(GroupName=f'${UNIQ}-{n}', Description='db', VpcId=vpc)['GroupId'] for n in ('a', 'b')]
print(*g)")

# ---- create: generated identifier, waits for available, attributes for GetAtt
PROPS="{\"Engine\":\"aurora-postgresql\",\"EngineVersion\":\"15.4\",\"MasterUsername\":\"labadmin\",\"MasterUserPassword\":\"$PASSWORD\",\"DatabaseName\":\"lab\",\"Port\":5432,\"DBSubnetGroupName\":\"${UNIQ}-db\",\"VpcSecurityGroupIds\":[\"$SG1\"],\"StorageEncrypted\":true,\"BackupRetentionPeriod\":3,\"PreferredBackupWindow\":\"03:00-03:30\",\"DeletionProtection\":false,\"CopyTagsToSnapshot\":true,\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]}"
reset_calls
"$RES" $T create --stack "$STACK" --logical Aurora --props "$PROPS" --token tok-1 >"$TMP/create.json" 2>"$TMP/create.err" || fail "create failed: $(cat "$TMP/create.err")"
no_secret "$TMP/create.json" "$TMP/create.err"
ID=$(jq -r .PhysicalId "$TMP/create.json")
case "$ID" in "$(echo "$STACK" | tr 'A-Z' 'a-z')-aurora-"*) ;; *) fail "generated identifier: $ID" ;; esac
[ "${#ID}" -le 63 ] || fail "identifier too long: $ID"
expect_contains "$(cat "$TMP/create.err")" "polls=1"   # saw "creating", then "available"
[ "$(calls rds.DescribeDBClusters)" -ge 2 ] || fail "create did not wait for available"
for a in Endpoint.Address Endpoint.Port ReadEndpoint.Address DBClusterResourceId DBClusterArn; do
  [ -n "$(jq -r --arg a "$a" '.Attributes[$a] // empty' "$TMP/create.json")" ] || fail "attribute $a missing: $(cat "$TMP/create.json")"
done
out=$(boto "
cl = c('rds').describe_db_clusters(DBClusterIdentifier='$ID')['DBClusters'][0]
t = {x['Key']: x['Value'] for x in cl['TagList']}
print(cl['Status'], cl['Engine'], cl['EngineVersion'], cl['MasterUsername'], cl['DatabaseName'], cl['Port'],
      cl['DBSubnetGroup'], [g['VpcSecurityGroupId'] for g in cl['VpcSecurityGroups']] == ['$SG1'],
      cl['StorageEncrypted'], cl['BackupRetentionPeriod'], cl['CopyTagsToSnapshot'], t.get('team'),
      t.get('dmsprov:stack'), t.get('dmsprov:logical-id'), cl['Endpoint'] == '$(jq -r '.Attributes["Endpoint.Address"]' "$TMP/create.json")')")
[ "$out" = "available aurora-postgresql 15.4 labadmin lab 5432 ${UNIQ}-db True True 3 True data $STACK Aurora True" ] || fail "live cluster after create: $out"

# ---- read: every template property but the write-only password, in template form
"$RES" $T read --stack "$STACK" --logical Aurora --id "$ID" >"$TMP/read.json" || fail "read failed"
no_secret "$TMP/read.json"
got=$(jq -S --argjson p "$PROPS" '.Properties | with_entries(select(.key as $k | $p | has($k)))' "$TMP/read.json")
want=$(echo "$PROPS" | jq -S 'del(.MasterUserPassword)')
[ "$got" = "$want" ] || fail "read differs from the template: $got vs $want"
[ "$(jq -r '.Properties | has("MasterUserPassword")' "$TMP/read.json")" = false ] || fail "read returned the password"

# ---- update: in place with ApplyImmediately, then waits until available
PROPS2=$(echo "$PROPS" | jq -c --arg sg "$SG2" 'del(.MasterUserPassword) | .BackupRetentionPeriod = 7 | .VpcSecurityGroupIds = [$sg] | .PreferredMaintenanceWindow = "sun:05:00-sun:05:30" | .Tags = [{"Key":"env","Value":"lab"}]')
reset_calls
"$RES" $T update --stack "$STACK" --logical Aurora --id "$ID" --props "$PROPS2" >"$TMP/update.json" 2>"$TMP/update.err" || fail "update failed: $(cat "$TMP/update.err")"
[ "$(calls rds.ModifyDBCluster)" = 1 ] || fail "expected one ModifyDBCluster, got $(calls rds.ModifyDBCluster)"
expect_contains "$(cat "$TMP/update.err")" "polls=1"  # saw "modifying", then "available"
"$RES" $T read --stack "$STACK" --logical Aurora --id "$ID" >"$TMP/read2.json" || fail "read after update failed"
got=$(jq -S --argjson p "$PROPS2" '.Properties | with_entries(select(.key as $k | $p | has($k)))' "$TMP/read2.json")
[ "$got" = "$(echo "$PROPS2" | jq -S .)" ] || fail "read after update: $got"
out=$(boto "
cl = c('rds').describe_db_clusters(DBClusterIdentifier='$ID')['DBClusters'][0]
print(cl['Status'], cl['BackupRetentionPeriod'], [g['VpcSecurityGroupId'] for g in cl['VpcSecurityGroups']] == ['$SG2'],
      sorted(x['Key'] for x in cl['TagList']))")
[ "$out" = "available 7 True ['dmsprov:logical-id', 'dmsprov:stack', 'env']" ] || fail "live cluster after update: $out"

# ---- password change (the engine passes it when its hash changed): resetting-master-credentials
reset_calls
PROPS3=$(echo "$PROPS2" | jq -c --arg pw "${PASSWORD}2" '.MasterUserPassword = $pw')
"$RES" $T update --stack "$STACK" --logical Aurora --id "$ID" --props "$PROPS3" >"$TMP/pw.json" 2>"$TMP/pw.err" || fail "password update failed"
no_secret "$TMP/pw.json" "$TMP/pw.err"
[ "$(calls rds.ModifyDBCluster)" = 1 ] || fail "password change: expected one ModifyDBCluster"
expect_contains "$(cat "$TMP/pw.err")" "polls=1"
# no change at all: no ModifyDBCluster
reset_calls
"$RES" $T update --stack "$STACK" --logical Aurora --id "$ID" --props "$PROPS2" >/dev/null 2>&1 || fail "no-op update failed"
[ "$(calls rds.ModifyDBCluster)" = 0 ] || fail "a no-op update called ModifyDBCluster"

# ---- ownership: a same-named cluster made outside dmsprov is refused and left untouched
boto "c('rds').create_db_cluster(DBClusterIdentifier='${UNIQ}-foreign', Engine='aurora-postgresql', MasterUsername='x', MasterUserPassword='password123')"
if "$RES" $T create --stack "$STACK" --logical Other --props "{\"DBClusterIdentifier\":\"${UNIQ}-Foreign\",\"Engine\":\"aurora-postgresql\",\"MasterUsername\":\"y\",\"MasterUserPassword\":\"password456\",\"BackupRetentionPeriod\":9}" 2>"$TMP/err"; then
  fail "create over a foreign cluster succeeded"
fi
expect_contains "$(cat "$TMP/err")" "DB cluster ${UNIQ}-foreign exists and is not owned by stack $STACK"
for op in update delete; do
  if "$RES" $T $op --stack "$STACK" --logical Other --id "${UNIQ}-foreign" --props '{"BackupRetentionPeriod":9}' 2>"$TMP/err"; then
    fail "$op of a foreign cluster succeeded"
  fi
  expect_contains "$(cat "$TMP/err")" "not owned by stack"
done
out=$(boto "
cl = c('rds').describe_db_clusters(DBClusterIdentifier='${UNIQ}-foreign')['DBClusters'][0]
print(cl['MasterUsername'], cl['BackupRetentionPeriod'], len(cl.get('TagList', [])))")
[ "$out" = "x 1 0" ] || fail "foreign cluster was modified: $out"

# ---- adoption: CreateDBCluster succeeds but its answer is lost; the client's retry collides
# (DBClusterAlreadyExistsFault) and the driver adopts the cluster its tags say is ours
reset_calls
ctl POST faults "{\"operation\":\"CreateDBCluster\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"throttle\"}" >/dev/null
P4="{\"DBClusterIdentifier\":\"${UNIQ}-Second\",\"Engine\":\"aurora-postgresql\",\"MasterUsername\":\"labadmin\",\"MasterUserPassword\":\"$PASSWORD\",\"DeletionProtection\":true}"
"$RES" $T create --stack "$STACK" --logical Second --props "$P4" >"$TMP/second.json" 2>"$TMP/second.err" || fail "create after a lost answer failed: $(cat "$TMP/second.err")"
SECOND=$(jq -r .PhysicalId "$TMP/second.json")
[ "$SECOND" = "${UNIQ}-second" ] || fail "physical id of a named cluster: $SECOND"
[ "$(calls rds.CreateDBCluster)" = 2 ] || fail "expected the lost create and one retry, got $(calls rds.CreateDBCluster)"
n=$(boto "print(sum(1 for x in c('rds').describe_db_clusters()['DBClusters'] if x['DBClusterIdentifier'] == '$SECOND'))")
[ "$n" = 1 ] || fail "expected one cluster $SECOND, found $n"
# a throttled DescribeDBClusters in the middle of the wait is retried by the client
ctl POST faults "{\"operation\":\"DescribeDBClusters\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\",\"skip\":1}" >/dev/null
"$RES" $T create --stack "$STACK" --logical Second --props "$P4" >/dev/null 2>&1 || fail "repeated create with a throttled describe failed"

# ---- list: both of the stack's clusters, not the foreign one
"$RES" $T list --stack "$STACK" >"$TMP/list" || fail "list failed"
expect_contains "$(cat "$TMP/list")" "Aurora $ID"
expect_contains "$(cat "$TMP/list")" "Second $SECOND"
[ "$(wc -l <"$TMP/list")" -eq 2 ] || fail "list: $(cat "$TMP/list")"

# ---- DeletionProtection: delete fails clearly and the cluster stays
if "$RES" $T delete --stack "$STACK" --logical Second --id "$SECOND" 2>"$TMP/err"; then fail "delete of a protected cluster succeeded"; fi
expect_contains "$(cat "$TMP/err")" "DeletionProtection enabled"
boto "c('rds').describe_db_clusters(DBClusterIdentifier='$SECOND')" >/dev/null || fail "protected cluster is gone"
"$RES" $T update --stack "$STACK" --logical Second --id "$SECOND" --props "$(echo "$P4" | jq -c '.DeletionProtection = false | del(.MasterUserPassword)')" >/dev/null 2>&1 || fail "turning DeletionProtection off failed"

# ---- delete with DeletionPolicy Snapshot (throttled once): final snapshot <id>-final-<time>
ctl POST faults "{\"operation\":\"DeleteDBCluster\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\"}" >/dev/null
"$RES" $T delete --stack "$STACK" --logical Second --id "$SECOND" --policy Snapshot || fail "delete with snapshot failed"
snaps=$(boto "print(' '.join(s['DBClusterSnapshotIdentifier'] for s in c('rds').describe_db_cluster_snapshots(DBClusterIdentifier='$SECOND')['DBClusterSnapshots'] if '-final-' in s['DBClusterSnapshotIdentifier']))")
case "$snaps" in "$SECOND-final-2"[0-9][0-9][0-9]*) ;; *) fail "final snapshot: '$snaps'" ;; esac
[ "$(echo "$snaps" | wc -w)" = 1 ] || fail "expected one final snapshot: $snaps"

# ---- delete (skip final snapshot), gone, idempotent
"$RES" $T delete --stack "$STACK" --logical Aurora --id "$ID" || fail "delete failed"
set +e; "$RES" $T read --stack "$STACK" --logical Aurora --id "$ID" 2>/dev/null; rc=$?; set -e
[ "$rc" = 3 ] || fail "read after delete: exit $rc, expected 3"
"$RES" $T delete --stack "$STACK" --logical Aurora --id "$ID" || fail "second delete is not idempotent"
n=$(boto "print(len(c('rds').describe_db_cluster_snapshots(DBClusterIdentifier='$ID')['DBClusterSnapshots']) and sum(1 for s in c('rds').describe_db_cluster_snapshots(DBClusterIdentifier='$ID')['DBClusterSnapshots'] if '-final-' in s['DBClusterSnapshotIdentifier']))")
[ "$n" = 0 ] || fail "a final snapshot was taken although the policy is Delete"
boto "c('rds').delete_db_cluster(DBClusterIdentifier='${UNIQ}-foreign', SkipFinalSnapshot=True)" >/dev/null
ctl DELETE "faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
echo "ok"
