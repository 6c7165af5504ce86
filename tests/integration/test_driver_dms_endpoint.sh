#!/usr/bin/env bash
# test_driver_dms_endpoint.sh - AWS::DMS::Endpoint driver against moto: postgres source (password,
# PostgreSqlSettings with Secrets Manager) and s3 target (S3Settings): create (waits active) ->
# read -> update -> read -> delete -> read, checked with boto3; the password is never read back;
# a running task on a modified endpoint is paused and resumed; ownership, throttling, list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
T=AWS::DMS::Endpoint
DPR="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="dmsep$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('dms.$1', 0))"; }
trap 'curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null || true; rm -rf "$TMP"' EXIT
STACK="st$UNIQ"
PW="Pw-$UNIQ-secret"
same_as_template() { # MODEL_JSON TEMPLATE_JSON (template minus the password)
  "$PY" -c "
import json,sys; m=json.loads(sys.argv[1]); want=json.loads(sys.argv[2]); want.pop('Password', None)
assert m['Properties'] == want, (m['Properties'], want)" "$1" "$2"
}
SRC1=$(printf '{"EndpointIdentifier":"src-%s","EndpointType":"source","EngineName":"postgres","ServerName":"db1.example.com","Port":5432,"DatabaseName":"app","Username":"dms","Password":"%s","SslMode":"require","ExtraConnectionAttributes":"heartbeatEnable=true","PostgreSqlSettings":{"SlotName":"dms_slot","HeartbeatFrequency":5},"Tags":[{"Key":"side","Value":"src"}]}' "$UNIQ" "$PW")
SRC2=$(printf '{"EndpointIdentifier":"src-%s","EndpointType":"source","EngineName":"aurora-postgresql","ServerName":"db2.example.com","Port":5433,"DatabaseName":"app2","Username":"dms2","Password":"%s","SslMode":"verify-full","PostgreSqlSettings":{"SlotName":"slot2","SecretsManagerSecretId":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf","SecretsManagerAccessRoleArn":"arn:aws:iam::123456789012:role/dms-secrets"},"Tags":[{"Key":"side","Value":"source"}]}' "$UNIQ" "$PW")
TGT1=$(printf '{"EndpointIdentifier":"tgt-%s","EndpointType":"target","EngineName":"s3","S3Settings":{"BucketName":"bkt-%s","BucketFolder":"raw","ServiceAccessRoleArn":"arn:aws:iam::123456789012:role/dms-s3","DataFormat":"parquet"}}' "$UNIQ" "$UNIQ")
TGT2=$(printf '{"EndpointIdentifier":"tgt-%s","EndpointType":"target","EngineName":"s3","S3Settings":{"BucketName":"bkt-%s","BucketFolder":"curated","ServiceAccessRoleArn":"arn:aws:iam::123456789012:role/dms-s3","DataFormat":"parquet"}}' "$UNIQ" "$UNIQ")

# --- create the source, its CreateEndpoint answer lost once after moto made it
fault "{\"operation\":\"CreateEndpoint\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"phase\":\"after\",\"error\":\"internal\"}"
out=$("$DPR" $T create --stack "$STACK" --logical Src --props "$SRC1" 2>"$TMP/err") || fail "create failed: $(cat "$TMP/err")"
expect_not_contains "$out$(cat "$TMP/err")" "$PW"
[ "$(count CreateEndpoint)" = 2 ] || fail "expected one retried create: $(calls)"
src=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
expect_contains "$src" ":endpoint:"
boto "
d = c('dms'); es = d.describe_endpoints(Filters=[{'Name':'endpoint-id','Values':['src-$UNIQ']}])['Endpoints']
assert len(es) == 1 and es[0]['EndpointArn'] == '$src' and es[0]['Status'] == 'active', es
e = es[0]; assert e['ServerName'] == 'db1.example.com' and e['Port'] == 5432 and e['PostgreSQLSettings']['SlotName'] == 'dms_slot', e
tags = {t['Key']: t['Value'] for t in d.list_tags_for_resource(ResourceArn='$src')['TagList']}
assert tags == {'side':'src','dmsprov:stack':'$STACK','dmsprov:logical-id':'Src'}, tags" || fail "live source differs"
out=$("$DPR" $T read --stack "$STACK" --logical Src --id "$src" --props "$SRC1") || fail "read failed"
expect_not_contains "$out" "$PW"
expect_not_contains "$out" "Password"
same_as_template "$out" "$SRC1" || fail "read differs from template"
echo "$out" | "$PY" -c "
import json,sys; a=json.load(sys.stdin)['Attributes']; assert a['Id'] == '$src' and a['Arn'] == '$src' and 'ExternalId' not in a or a['ExternalId'], a" || fail "attributes"

out=$("$DPR" $T create --stack "$STACK" --logical Tgt --props "$TGT1") || fail "create target failed: $out"
tgt=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")
out=$("$DPR" $T read --stack "$STACK" --logical Tgt --id "$tgt" --props "$TGT1") || fail "read failed"
same_as_template "$out" "$TGT1" || fail "target read differs"

# --- a running task uses both endpoints: an update stops it, modifies, resumes it
read -r TASK < <(boto "
d = c('dms')
ri = d.create_replication_instance(ReplicationInstanceIdentifier='ri-$UNIQ', ReplicationInstanceClass='dms.t3.micro')['ReplicationInstance']['ReplicationInstanceArn']
t = d.create_replication_task(ReplicationTaskIdentifier='task-$UNIQ', SourceEndpointArn='$src', TargetEndpointArn='$tgt', ReplicationInstanceArn=ri,
    MigrationType='cdc', TableMappings=json.dumps({'rules':[{'rule-type':'selection','rule-id':'1','rule-name':'1','object-locator':{'schema-name':'public','table-name':'%'},'rule-action':'include'}]}))['ReplicationTask']['ReplicationTaskArn']
import time
for _ in range(50):
    s = d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':[t]}])['ReplicationTasks'][0]['Status']
    if s == 'ready': break
d.start_replication_task(ReplicationTaskArn=t, StartReplicationTaskType='start-replication')
for _ in range(50):
    s = d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':[t]}])['ReplicationTasks'][0]['Status']
    if s == 'running': break
assert s == 'running', s
print(t)")
out=$("$DPR" $T update --stack "$STACK" --logical Src --id "$src" --props "$SRC2" 2>"$TMP/err") || fail "update failed: $(cat "$TMP/err")"
expect_not_contains "$out$(cat "$TMP/err")" "$PW"
[ "$(count StopReplicationTask)" = 1 ] && [ "$(count StartReplicationTask)" = 2 ] && [ "$(count ModifyEndpoint)" = 1 ] \
  || fail "expected stop, modify, resume (boto started it once): $(calls)"
boto "
d = c('dms'); t = d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$TASK']}])['ReplicationTasks'][0]
assert t['Status'] in ('running', 'starting'), t['Status']" || fail "task not resumed"
out=$("$DPR" $T read --stack "$STACK" --logical Src --id "$src" --props "$SRC2") || fail "read failed"
same_as_template "$out" "$SRC2" || fail "read after update differs"
boto "
e = c('dms').describe_endpoints(Filters=[{'Name':'endpoint-arn','Values':['$src']}])['Endpoints'][0]
assert e['EngineName'] == 'aurora-postgresql' and e['ServerName'] == 'db2.example.com' and e['Port'] == 5433, e
assert e['PostgreSQLSettings']['SecretsManagerSecretId'].endswith('db-AbCdEf') and e['PostgreSQLSettings']['SecretsManagerAccessRoleArn'].endswith('dms-secrets'), e" \
  || fail "live source not updated"
out=$("$DPR" $T update --stack "$STACK" --logical Tgt --id "$tgt" --props "$TGT2") || fail "target update failed: $out"
out=$("$DPR" $T read --stack "$STACK" --logical Tgt --id "$tgt" --props "$TGT2") || fail "read failed"
same_as_template "$out" "$TGT2" || fail "target read after update differs"

# --- list
out=$("$DPR" $T list --stack "$STACK" | sort) || fail "list failed"
[ "$out" = "$(printf 'Src %s\nTgt %s' "$src" "$tgt" | sort)" ] || fail "list: got '$out'"

# --- ownership refusal
boto "c('dms').create_endpoint(EndpointIdentifier='foreign-$UNIQ', EndpointType='source', EngineName='postgres', ServerName='theirs')"
if out=$("$DPR" $T create --stack "$STACK" --logical Other --props "{\"EndpointIdentifier\":\"foreign-$UNIQ\",\"EndpointType\":\"source\",\"EngineName\":\"postgres\",\"ServerName\":\"mine\"}" 2>&1); then
  fail "create over a foreign endpoint succeeded"
fi
expect_contains "$out" "not owned by stack $STACK"
boto "
d = c('dms'); e = d.describe_endpoints(Filters=[{'Name':'endpoint-id','Values':['foreign-$UNIQ']}])['Endpoints'][0]
assert e['ServerName'] == 'theirs' and d.list_tags_for_resource(ResourceArn=e['EndpointArn'])['TagList'] == [], e" || fail "foreign endpoint touched"

# --- delete (throttled once), waits until gone, idempotent
boto "
d = c('dms'); d.stop_replication_task(ReplicationTaskArn='$TASK')
for _ in range(50):
    if d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$TASK']}])['ReplicationTasks'][0]['Status'] == 'stopped': break
d.delete_replication_task(ReplicationTaskArn='$TASK')
for _ in range(50):
    try: d.describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':['$TASK']}])
    except d.exceptions.ResourceNotFoundFault: break"
fault "{\"operation\":\"DeleteEndpoint\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\"}"
for id in "$src" "$tgt"; do
  "$DPR" $T delete --stack "$STACK" --logical X --id "$id" >/dev/null 2>"$TMP/err" || fail "delete failed: $(cat "$TMP/err")"
  "$DPR" $T delete --stack "$STACK" --logical X --id "$id" >/dev/null 2>&1 || fail "second delete not idempotent"
  set +e
  "$DPR" $T read --stack "$STACK" --logical X --id "$id" >/dev/null 2>&1
  rc=$?
  set -e
  [ $rc = 3 ] || fail "read after delete: exit $rc, want 3"
done
[ "$(count DeleteEndpoint)" -ge 3 ] || fail "expected a retried delete: $(calls)"
boto "
d = c('dms')
for arn in ('$src', '$tgt'):
    try:
        es = d.describe_endpoints(Filters=[{'Name':'endpoint-arn','Values':[arn]}])['Endpoints']
    except d.exceptions.ResourceNotFoundFault:
        es = []
    assert es == [], es" || fail "endpoint still there"
echo ok
