#!/usr/bin/env bash
# test_engine_replace_resume.sh - a replacement whose run dies after AWS made the new copy but
# before dmsprov recorded it (kill -9 while the create call is in flight through a slow
# loopback proxy, which still delivers it to moto):
# the next apply adopts that copy instead of deleting it and making another, for a fixed name
# (SSM parameter whose Name changed) and for generated ones (an Aurora cluster whose
# DatabaseName, create-only, changed; a DMS replication instance whose PubliclyAccessible did:
# the token kept in the state names the copy again, and DMS copies are read to compare their
# identifiers). The old resources go, nothing else is left, and the plan afterwards is empty.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
export AWS_ACCESS_KEY_ID="AKRR${UNIQ}"   # scopes the fault rules to this test
S="rr${UNIQ}"
STATE="$TMP/state"
dp() { "$DMSPROV" --state "$STATE" --no-color "$@"; }
start_latency_proxy 1500
count() { curl -sf "$PROXY/__proxy/counts" | jq -r --arg k "$1" '.calls[$k] // 0'; }
# crash_during OPERATION ARGS... : apply through the proxy, kill -9 once OPERATION is in flight
# (the proxy then still delivers it), and wait until the proxy is idle again.
crash_during() {
  local op=$1; shift
  curl -sf -X DELETE "$PROXY/__proxy/counts" >/dev/null
  AWS_ENDPOINT_URL=$PROXY "$DMSPROV" --state "$STATE" --no-color apply "$@" --auto-approve >"$TMP/crash.out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do [ "$(count "$op")" -ge 1 ] && break; sleep 0.05; done
  [ "$(count "$op")" -ge 1 ] || { kill -9 $pid; fail "$op never started: $(cat "$TMP/crash.out")"; }
  kill -9 $pid
  wait $pid 2>/dev/null || true
  # the proxy still forwards the call after its 1.5 s: wait until moto has handled it
  for _ in $(seq 1 300); do [ "$(curl -sf "$PROXY/__proxy/counts" | jq -r .in_flight)" = 0 ] && break; sleep 0.1; done
  [ "$(curl -sf "$PROXY/__proxy/counts" | jq -r .in_flight)" = 0 ] || fail "the proxy still has calls in flight"
}

T="$TMP/stack.yaml"
cat >"$T" <<YAML
Parameters:
  Name: {Type: String, Default: one}
  Db: {Type: String, Default: first}
  Public: {Type: String, Default: "false", AllowedValues: ["true", "false"]}
  Password: {Type: String, NoEcho: true, Default: "Pw-${UNIQ}-x1"}
Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties: {Name: !Sub "/${S}/\${Name}", Type: String, Value: v}
  Aurora:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      EngineVersion: "15.4"
      MasterUsername: labadmin
      MasterUserPassword: !Ref Password
      DatabaseName: !Ref Db
  Rep:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      ReplicationInstanceClass: dms.t3.micro
      AllocatedStorage: 20
      PubliclyAccessible: !Ref Public
YAML
instances() { boto "
d = c('dms')
ids = []
for i in d.describe_replication_instances()['ReplicationInstances']:
    tags = {t['Key']: t['Value'] for t in d.list_tags_for_resource(ResourceArn=i['ReplicationInstanceArn'])['TagList']}
    if tags.get('dmsprov:stack') == '$S':
        ids.append(i['ReplicationInstanceIdentifier'])
print(' '.join(sorted(ids)))"; }
clusters() { boto "
r = c('rds')
ids = sorted(cl['DBClusterIdentifier'] for cl in r.describe_db_clusters()['DBClusters']
             if {t['Key']: t['Value'] for t in cl.get('TagList', [])}.get('dmsprov:stack') == '$S')
print(' '.join(ids))"; }

run dp apply -t "$T" --stack "$S" --auto-approve
expect_rc 0
OLD=$(clusters)
[ -n "$OLD" ] || fail "no cluster after the first apply"
OLDREP=$(instances)
[ -n "$OLDREP" ] || fail "no replication instance after the first apply"

# ---- a fixed name: killed while the SSM parameter /S/two is being created
crash_during ssm.PutParameter -t "$T" --stack "$S" --parameter Name=two
boto "
names = sorted(p['Name'] for p in c('ssm').get_parameters_by_path(Path='/$S')['Parameters'])
assert names == ['/$S/one', '/$S/two'], names
" || fail "the killed run did not leave both parameters: $(cat "$TMP/crash.out")"
"$PY" -c "import json; r = json.load(open('$STATE/$S.json'))['resources']
assert r['Param']['physical_id'] == '/$S/one' and r['Param'].get('replacement_token'), r['Param']" \
  || fail "state after the killed replacement: $(cat "$STATE/$S.json")"
run dp plan -t "$T" --stack "$S" --parameter Name=two
expect_rc 0
expect_contains "$out" "Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy."

# ---- a generated name: killed while the new cluster is being created
crash_during rds.CreateDBCluster -t "$T" --stack "$S" --parameter Name=two --parameter Db=second
BOTH=$(clusters)
set -- $BOTH
[ $# = 2 ] || fail "expected the old and the new cluster after the killed run, got: $BOTH"
NEW=$([ "$1" = "$OLD" ] && echo "$2" || echo "$1")
"$PY" -c "import json; r = json.load(open('$STATE/$S.json'))['resources']
assert r['Aurora']['physical_id'] == '$OLD' and r['Aurora'].get('replacement_token'), r['Aurora']" \
  || fail "state after the killed cluster replacement: $(cat "$STATE/$S.json")"

# ---- a generated DMS name: killed while the new replication instance is being created
crash_during dms.CreateReplicationInstance -t "$T" --stack "$S" --parameter Name=two --parameter Db=second \
  --parameter Public=true
BOTH=$(instances)
set -- $BOTH
[ $# = 2 ] || fail "expected the old and the new replication instance after the killed run, got: $BOTH"
NEWREP=$([ "$1" = "$OLDREP" ] && echo "$2" || echo "$1")
"$PY" -c "import json; r = json.load(open('$STATE/$S.json'))['resources']
assert r['Rep'].get('replacement_token'), r['Rep']" || fail "state after the killed instance replacement"

# ---- the plan adopts the new cluster: replaced, nothing destroyed, no third cluster
run dp plan -t "$T" --stack "$S" --parameter Name=two --parameter Db=second --parameter Public=true
expect_rc 0
expect_contains "$out" "to replace, 0 to destroy."
run dp apply -t "$T" --stack "$S" --parameter Name=two --parameter Db=second --parameter Public=true --auto-approve
expect_rc 0
boto "
names = [p['Name'] for p in c('ssm').get_parameters_by_path(Path='/$S')['Parameters']]
assert names == ['/$S/two'], names
" || fail "SSM parameters after the resumed replacements"
[ "$(clusters)" = "$NEW" ] || fail "expected only the adopted cluster $NEW, got: $(clusters) (old $OLD)"
boto "
cl = c('rds').describe_db_clusters(DBClusterIdentifier='$NEW')['DBClusters'][0]
assert cl['DatabaseName'] == 'second', cl['DatabaseName']
" || fail "the adopted cluster"
"$PY" -c "import json; r = json.load(open('$STATE/$S.json'))['resources']
assert 'replacement_token' not in r['Aurora'] and r['Aurora']['physical_id'] == '$NEW', r" \
  || fail "state after the resumed replacement: $(cat "$STATE/$S.json")"
run dp plan -t "$T" --stack "$S" --parameter Name=two --parameter Db=second --parameter Public=true --detailed-exitcode
expect_rc 0

run dp destroy --stack "$S" --auto-approve
expect_rc 0
[ -z "$(clusters)" ] || fail "destroy left clusters: $(clusters)"
[ -z "$(instances)" ] || fail "destroy left replication instances: $(instances)"
echo ok
