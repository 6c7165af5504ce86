#!/usr/bin/env bash
# test_engine_lab.sh - the training lab (examples/lab-20.1) end to end on moto: VPC made with
# boto3 EC2, plan (all adds) -> apply -> plan (no changes, exit 0 with --detailed-exitcode)
# -> an in-place change (replication instance class) -> destroy -> nothing left of the stack.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
S="lab${UNIQ}"
STUDENT="s${UNIQ: -8}"
STATE="$TMP/state"
LAB="$DP_SOURCE_DIR/examples/lab-20.1/template.yaml"
dp() { "$DMSPROV" --state "$STATE" "$@"; }

read -r SUBNETS SG < <(boto "
ec2 = c('ec2')
vpc = ec2.create_vpc(CidrBlock='10.42.0.0/16')['Vpc']['VpcId']
subs = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.42.{i}.0/24', AvailabilityZone=f'us-east-1{z}')['Subnet']['SubnetId']
        for i, z in ((1, 'a'), (2, 'b'))]
sg = ec2.create_security_group(GroupName='${S}', Description='lab', VpcId=vpc)['GroupId']
print(','.join(subs), sg)")
P=(--stack "$S" --parameters-file "$DP_SOURCE_DIR/examples/lab-20.1/parameters.json"
   --parameter "StudentId=$STUDENT" --parameter "SubnetIds=$SUBNETS" --parameter "SecurityGroupIds=$SG")

set +e; out=$(dp plan -t "$LAB" "${P[@]}" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 2 ] || fail "first plan: exit $rc: $out"
expect_contains "$out" "+ AWS::DMS::ReplicationTask FeedTask5"
expect_contains "$out" "to add, 0 to change, 0 to replace, 0 to destroy."

out=$(dp apply -t "$LAB" "${P[@]}" --auto-approve 2>&1) || fail "apply: $out"
expect_contains "$out" "Apply complete!"
n=$(boto "
d = c('dms')
tasks = [t for t in d.describe_replication_tasks()['ReplicationTasks'] if '-$STUDENT-' in t['ReplicationTaskIdentifier']]
assert all(t['MigrationType'] == 'full-load-and-cdc' for t in tasks)
print(len(tasks))")
[ "$n" = 5 ] || fail "expected 5 replication tasks, found $n"
pw=$(boto "
import json
sm = c('secretsmanager')
arn = [s['ARN'] for s in sm.list_secrets()['SecretList'] if '/$STUDENT/' in s['Name']][0]
print(json.loads(sm.get_secret_value(SecretId=arn, VersionStage='AWSCURRENT')['SecretString'])['password'])")
[ ${#pw} -ge 16 ] || fail "no generated password"
if grep -rqF -- "$pw" "$STATE"; then fail "the master password is in the state"; fi
expect_not_contains "$out" "$pw"

set +e; out=$(dp plan -t "$LAB" "${P[@]}" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 0 ] || fail "plan after apply: exit $rc (want 0, no changes): $out"
expect_contains "$out" "No changes."

out=$(dp apply -t "$LAB" "${P[@]}" --parameter ReplicationInstanceClass=dms.t3.large --auto-approve 2>&1) \
  || fail "apply instance class: $out"
expect_contains "$out" "~ AWS::DMS::ReplicationInstance LabInstance1"
expect_contains "$out" "0 replaced"

out=$(dp destroy --stack "$S" --auto-approve 2>&1) || fail "destroy: $out"
expect_contains "$out" "Destroy complete!"
boto "
left = [m['ResourceARN'] for m in c('resourcegroupstaggingapi').get_resources(
    TagFilters=[{'Key': 'dmsprov:stack', 'Values': ['$S']}])['ResourceTagMappingList'] if ':secret:' not in m['ResourceARN']]
assert not left, left
d = c('dms')
assert not [t for t in d.describe_replication_tasks()['ReplicationTasks'] if '-$STUDENT-' in t['ReplicationTaskIdentifier']]
assert not [i for i in d.describe_replication_instances()['ReplicationInstances'] if '-$STUDENT-' in i['ReplicationInstanceIdentifier']]
assert not [x for x in c('rds').describe_db_clusters()['DBClusters'] if '-$STUDENT-' in x['DBClusterIdentifier']]
" || fail "lab resources left after destroy"
echo "engine lab ok"
