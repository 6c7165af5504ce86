#!/usr/bin/env bash
# test_driver_dms_task.sh - AWS::DMS::ReplicationTask driver against moto: create (waits ready)
# -> read -> modify -> read; update of a running task (stop, modify, resume); a stopped task is
# not resumed; ReplicationInstanceArn change moves the task (same ARN); delete of a running task
# (stop, delete, wait gone) -> read; lost create answer adopted, ownership refusal, list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
T=AWS::DMS::ReplicationTask
DPR="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="dmstk$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('dms.$1', 0))"; }
trap 'curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null || true; rm -rf "$TMP"' EXIT
STACK="st$UNIQ"
read -r RI1 RI2 SRC TGT < <(boto "
d = c('dms')
ri = [d.create_replication_instance(ReplicationInstanceIdentifier=f'ri{i}-$UNIQ', ReplicationInstanceClass='dms.t3.micro')['ReplicationInstance']['ReplicationInstanceArn'] for i in (1, 2)]
for arn in ri:  # let them become available
    d.describe_replication_instances(Filters=[{'Name':'replication-instance-arn','Values':[arn]}])
s = d.create_endpoint(EndpointIdentifier='src-$UNIQ', EndpointType='source', EngineName='postgres', ServerName='db', Port=5432, DatabaseName='app', Username='u', Password='p')['Endpoint']['EndpointArn']
t = d.create_endpoint(EndpointIdentifier='tgt-$UNIQ', EndpointType='target', EngineName='s3', S3Settings={'BucketName':'b'})['Endpoint']['EndpointArn']
print(*ri, s, t)")
MAP1='{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"1","object-locator":{"schema-name":"public","table-name":"%"},"rule-action":"include"}]}'
MAP2='{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"1","object-locator":{"schema-name":"sales","table-name":"%"},"rule-action":"include"}]}'
SET1='{"TargetMetadata":{"SupportLobs":true,"LobChunkSize":64},"Logging":{"EnableLogging":true}}'
SET2='{"TargetMetadata":{"SupportLobs":true,"LobChunkSize":32},"Logging":{"EnableLogging":true}}'
canon() { "$PY" -c "import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True, separators=(',',':')))" "$1"; }
props() { # TYPE MAP SETTINGS INSTANCE TAG
  printf '{"ReplicationTaskIdentifier":"task-%s","MigrationType":"%s","SourceEndpointArn":"%s","TargetEndpointArn":"%s","ReplicationInstanceArn":"%s","TableMappings":%s,"ReplicationTaskSettings":%s,"Tags":[{"Key":"v","Value":"%s"}]}' \
    "$UNIQ" "$1" "$SRC" "$TGT" "$4" "$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$(canon "$2")")" \
    "$("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$(canon "$3")")" "$5"
}
P1=$(props cdc "$MAP1" "$SET1" "$RI1" a)
P2=$(props cdc "$MAP2" "$SET2" "$RI1" b)
P3=$(props cdc "$MAP1" "$SET2" "$RI1" c)
P4=$(props cdc "$MAP1" "$SET2" "$RI2" c)
same_as_template() {
  "$PY" -c "
import json,sys; m=json.loads(sys.argv[1]); want=json.loads(sys.argv[2])
assert m['Properties'] == want, (m['Properties'], want)" "$1" "$2"
}
status() { boto "print(c('dms').describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$1']}])['ReplicationTasks'][0]['Status'])"; }

# --- create, CreateReplicationTask answer lost once after moto made it: adopted, waits ready
fault "{\"operation\":\"CreateReplicationTask\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"throttle\"}"
out=$("$DPR" $T create --stack "$STACK" --logical Task --props "$P1" 2>"$TMP/err") || fail "create failed: $(cat "$TMP/err")"
[ "$(count CreateReplicationTask)" = 2 ] || fail "expected one retried create: $(calls)"
arn=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
expect_contains "$arn" ":task:"
[ "$(status "$arn")" = ready ] || fail "task not ready after create"
boto "
d = c('dms'); ts = d.describe_replication_tasks(Filters=[{'Name':'replication-task-id','Values':['task-$UNIQ']}])['ReplicationTasks']
assert len(ts) == 1 and ts[0]['MigrationType'] == 'cdc' and json.loads(ts[0]['ReplicationTaskSettings'])['TargetMetadata']['LobChunkSize'] == 64, ts
tags = {t['Key']: t['Value'] for t in d.list_tags_for_resource(ResourceArn='$arn')['TagList']}
assert tags == {'v':'a','dmsprov:stack':'$STACK','dmsprov:logical-id':'Task'}, tags" || fail "live task differs"
out=$("$DPR" $T read --stack "$STACK" --logical Task --id "$arn" --props "$P1") || fail "read failed"
same_as_template "$out" "$P1" || fail "read differs from template"

# --- settings the template did not set (server-side defaults, read-only log group) are ignored
boto "
d = c('dms'); full = {'TargetMetadata':{'SupportLobs':True,'LobChunkSize':64,'LobMaxSize':32,'FullLobMode':False},
  'Logging':{'EnableLogging':True,'CloudWatchLogGroup':'dms-tasks-x','CloudWatchLogStream':'dms-task-y','LogComponents':[{'Id':'SOURCE_UNLOAD','Severity':'LOGGER_SEVERITY_DEFAULT'}]},
  'FullLoadSettings':{'MaxFullLoadSubTasks':8}}
d.modify_replication_task(ReplicationTaskArn='$arn', ReplicationTaskSettings=json.dumps(full))
d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$arn']}])"
out=$("$DPR" $T read --stack "$STACK" --logical Task --id "$arn" --props "$P1") || fail "read failed"
same_as_template "$out" "$P1" || fail "server-side defaults leak into the read"
n_mod=$(count ModifyReplicationTask)
"$DPR" $T update --stack "$STACK" --logical Task --id "$arn" --props "$P1" >/dev/null || fail "no-op update failed"
[ "$(count ModifyReplicationTask)" = "$n_mod" ] || fail "a no-change update modified the task"

# --- update of a task that is not running: modify, no start
out=$("$DPR" $T update --stack "$STACK" --logical Task --id "$arn" --props "$P2") || fail "update failed: $out"
[ "$(count StartReplicationTask)" = 0 ] || fail "a ready task must not be started by update"
out=$("$DPR" $T read --stack "$STACK" --logical Task --id "$arn" --props "$P2") || fail "read failed"
same_as_template "$out" "$P2" || fail "read after update differs"
[ "$(status "$arn")" = ready ] || fail "task should still be ready"

# --- update of a running task: stop, wait, modify, wait, resume
boto "c('dms').start_replication_task(ReplicationTaskArn='$arn', StartReplicationTaskType='start-replication')"
[ "$(status "$arn")" = running ] || fail "task did not start"
out=$("$DPR" $T update --stack "$STACK" --logical Task --id "$arn" --props "$P3") || fail "running update failed: $out"
[ "$(count StopReplicationTask)" = 1 ] && [ "$(count StartReplicationTask)" = 2 ] || fail "expected stop + resume: $(calls)"
[ "$(status "$arn")" = running ] || fail "task not running again after update"
boto "
t = c('dms').describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$arn']}])['ReplicationTasks'][0]
assert json.loads(t['TableMappings'])['rules'][0]['object-locator']['schema-name'] == 'public', t" || fail "mappings not modified"

# --- changing the replication instance moves the task (no replacement: same ARN); it was
# running, so it is resumed afterwards
out=$("$DPR" $T update --stack "$STACK" --logical Task --id "$arn" --props "$P4") || fail "move failed: $out"
[ "$(count MoveReplicationTask)" = 1 ] || fail "expected MoveReplicationTask: $(calls)"
out=$("$DPR" $T read --stack "$STACK" --logical Task --id "$arn" --props "$P4") || fail "read failed"
same_as_template "$out" "$P4" || fail "read after move differs"
[ "$(status "$arn")" = running ] || fail "moved task not resumed"

# --- MigrationType change is refused by update (the engine replaces instead)
if out=$("$DPR" $T update --stack "$STACK" --logical Task --id "$arn" --props "$(props full-load "$MAP1" "$SET2" "$RI2" c)" 2>&1); then
  fail "MigrationType change updated in place"
fi
expect_contains "$out" "replaces the task"

# --- list
out=$("$DPR" $T list --stack "$STACK") || fail "list failed"
[ "$out" = "Task $arn" ] || fail "list: got '$out'"

# --- ownership refusal
boto "c('dms').create_replication_task(ReplicationTaskIdentifier='foreign-$UNIQ', SourceEndpointArn='$SRC', TargetEndpointArn='$TGT', ReplicationInstanceArn='$RI1', MigrationType='full-load', TableMappings='$MAP1')"
if out=$("$DPR" $T create --stack "$STACK" --logical Other --props "$(props cdc "$MAP2" "$SET1" "$RI1" x | sed "s/task-$UNIQ/foreign-$UNIQ/")" 2>&1); then
  fail "create over a foreign task succeeded"
fi
expect_contains "$out" "not owned by stack $STACK"
boto "
d = c('dms'); t = d.describe_replication_tasks(Filters=[{'Name':'replication-task-id','Values':['foreign-$UNIQ']}])['ReplicationTasks'][0]
assert t['MigrationType'] == 'full-load' and d.list_tags_for_resource(ResourceArn=t['ReplicationTaskArn'])['TagList'] == [], t" || fail "foreign task touched"

# --- delete the running task: stop, delete (throttled once), wait gone; idempotent
fault "{\"operation\":\"DeleteReplicationTask\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\"}"
"$DPR" $T delete --stack "$STACK" --logical Task --id "$arn" >/dev/null 2>"$TMP/err" || fail "delete failed: $(cat "$TMP/err")"
[ "$(count DeleteReplicationTask)" = 2 ] || fail "expected one retried delete: $(calls)"
"$DPR" $T delete --stack "$STACK" --logical Task --id "$arn" >/dev/null 2>&1 || fail "second delete not idempotent"
set +e
"$DPR" $T read --stack "$STACK" --logical Task --id "$arn" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 3 ] || fail "read after delete: exit $rc, want 3"
boto "
d = c('dms')
try:
    ts = d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$arn']}])['ReplicationTasks']
except d.exceptions.ResourceNotFoundFault:
    ts = []
assert ts == [], ts" || fail "task still there"
echo ok
