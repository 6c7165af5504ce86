#!/usr/bin/env bash
# test_task_recover.sh - `dmsprov task recover` against moto with the DMS task model: the failure
# and tables in error shown, --resume, --reload TABLE (only those tables), --replace for a stack
# applied by dmsprov (the recovery checkpoint carried into the new task's CdcStartPosition, the
# old task deleted only after the new one runs, the state naming the new task, an empty plan),
# and a replacement that cannot start (the old task is kept, the state untouched).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
D=$DMSPROV
FAST=(--interval 100ms --timeout 60s)
fx() { task_fixture "$@"; }
fail_task() { # ARN TABLE
  curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/dms/fail-task" -d "{\"task_arn\": \"$1\", \"table\": \"$2\"}" >/dev/null
}
json_get() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

INFRA=$(fx infra "$UNIQ")

# ---- resume and reload on a failed full-load-and-cdc task
T1="$UNIQ-flc"
A1=$(fx task "$T1" "$INFRA" full-load-and-cdc)
run $D task start "$T1" --wait "${FAST[@]}"
expect_rc 0
run $D task recover "$T1" --resume
expect_rc 1
expect_contains "$out" "cannot resume task $T1: it is running, not failed"
fail_task "$A1" public.emp2
run $D task recover "$T1"
expect_rc 0
expect_contains "$out" "Task $T1 is failed"
expect_contains "$out" "Last failure: "
expect_contains "$out" "Table error on 'public.emp2'"
expect_contains "$out" "Recovery checkpoint: checkpoint:V1#"
expect_contains "$out" "Tables in error:
  public.emp2 (Table error)"
expect_not_contains "$out" "public.emp1 (Table error)"
[ "$(fx get "$A1" Status)" = failed ] || fail "recover without a route changed the task"

run $D task recover "$T1" --resume "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Task $T1 resumed and running"
[ "$(fx get "$A1" Status)" = running ] || fail "not running after --resume"

fail_task "$A1" public.emp2
run $D task recover "$T1" --reload public.nope "${FAST[@]}"
expect_rc 1
expect_contains "$out" "task $T1 has no table public.nope"
[ "$(fx get "$A1" Status)" = failed ] || fail "a refused reload changed the task"
run $D task recover "$T1" --reload public.emp2 "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Task $T1 is reloading 1 table"
fx tables "$A1" >"$TMP/tables.json"
[ "$(json_get "$TMP/tables.json" "d['public.emp2']['reloaded']")" = True ] || fail "emp2 not reloaded: $(cat "$TMP/tables.json")"
[ "$(json_get "$TMP/tables.json" "d['public.emp1']['reloaded']")" = False ] || fail "emp1 reloaded too: $(cat "$TMP/tables.json")"
[ "$(json_get "$TMP/tables.json" "d['public.emp2']['state']")" = "Table is being reloaded" ] || fail "emp2 state"
run $D task recover "$T1" --replace
expect_rc 1
expect_contains "$out" "cannot replace task $T1: it is running"

# ---- --replace on a stack applied by dmsprov, then an empty plan
STACK="$UNIQ-st"
mkdir -p "$TMP/state"
cat >"$TMP/lab.yaml" <<'YAML'
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  InstanceArn: {Type: String}
  SourceArn: {Type: String}
  TargetArn: {Type: String}
Resources:
  CdcTask:
    Type: AWS::DMS::ReplicationTask
    Properties:
      MigrationType: cdc
      ReplicationInstanceArn: !Ref InstanceArn
      SourceEndpointArn: !Ref SourceArn
      TargetEndpointArn: !Ref TargetArn
      TableMappings: '{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"1","rule-action":"include","object-locator":{"schema-name":"public","table-name":"emp%"}}]}'
      ReplicationTaskSettings: '{"TargetMetadata":{"SupportLobs":true}}'
      Tags: [{Key: team, Value: lab}]
Outputs:
  TaskArn:
    Value: !Ref CdcTask
YAML
echo "$INFRA" >"$TMP/infra.json"
PARAMS=(--parameter "InstanceArn=$(json_get "$TMP/infra.json" "d['instance']")"
        --parameter "SourceArn=$(json_get "$TMP/infra.json" "d['source']")"
        --parameter "TargetArn=$(json_get "$TMP/infra.json" "d['target']")")
run $D --state "$TMP/state" apply -t "$TMP/lab.yaml" --stack "$STACK" "${PARAMS[@]}" --auto-approve
expect_rc 0
OLD=$(json_get "$TMP/state/$STACK.json" "d['resources']['CdcTask']['physical_id']")
case "$OLD" in arn:aws:dms:*:task:*) ;; *) fail "unexpected physical id $OLD" ;; esac
SERIAL=$(json_get "$TMP/state/$STACK.json" "d['serial']")
run $D --state "$TMP/state" task start CdcTask --stack "$STACK" --wait "${FAST[@]}"
expect_rc 0
fail_task "$OLD" public.emp1
CHECKPOINT=$(fx get "$OLD" RecoveryCheckpoint)
case "$CHECKPOINT" in checkpoint:*) ;; *) fail "no checkpoint on the failed task: $CHECKPOINT" ;; esac
MAPPINGS=$(fx get "$OLD" TableMappings)
run $D --state "$TMP/state" task recover CdcTask --stack "$STACK" --replace "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Tables in error:
  public.emp1 (Table error)"
expect_contains "$out" "is running from the recovery checkpoint"
NEW=$(json_get "$TMP/state/$STACK.json" "d['resources']['CdcTask']['physical_id']")
[ "$NEW" != "$OLD" ] || fail "the state still names the old task"
[ "$(json_get "$TMP/state/$STACK.json" "d['outputs']['TaskArn']")" = "$NEW" ] || fail "output not repointed"
[ "$(json_get "$TMP/state/$STACK.json" "d['serial']")" -gt "$SERIAL" ] || fail "serial not bumped"
expect_contains "$out" "State of stack $STACK now names $NEW"
# the order: the new task ran before the old one was deleted
case "$out" in *"$(fx get "$NEW" ReplicationTaskIdentifier): running"*"Deleting the old task"*) ;;
  *) fail "the old task was deleted before the new one ran: $out" ;; esac
[ "$(fx get "$NEW" Status)" = running ] || fail "replacement not running"
[ "$(fx get "$NEW" CdcStartPosition)" = "$CHECKPOINT" ] || fail "CdcStartPosition is not the old checkpoint $CHECKPOINT"
[ "$(fx get "$NEW" MigrationType)" = cdc ] || fail "migration type changed"
[ "$(fx get "$NEW" TableMappings)" = "$MAPPINGS" ] || fail "table mappings changed"
[ "$(fx exists "$OLD")" = no ] || fail "the old task still exists"
fx tags "$NEW" >"$TMP/tags.json"
[ "$(json_get "$TMP/tags.json" "d.get('dmsprov:stack')")" = "$STACK" ] || fail "ownership tags: $(cat "$TMP/tags.json")"
[ "$(json_get "$TMP/tags.json" "d.get('dmsprov:logical-id')")" = CdcTask ] || fail "logical id tag"
[ "$(json_get "$TMP/tags.json" "d.get('team')")" = lab ] || fail "template tags not carried"
run $D --state "$TMP/state" plan -t "$TMP/lab.yaml" --stack "$STACK" "${PARAMS[@]}" --detailed-exitcode
[ "$rc" = 0 ] || fail "plan after the replacement is not empty (exit $rc): $out"
run $D --state "$TMP/state" task status CdcTask --stack "$STACK"
expect_rc 0
expect_contains "$out" "($NEW)"
expect_contains "$out" "CDC start position:  $CHECKPOINT"

# ---- the same with a pinned ReplicationTaskIdentifier: the old task is renamed out of the way,
# the replacement keeps the template's identifier, and the next plan is empty
STACK2="$UNIQ-pin"
PINNED="$UNIQ-pinned"
sed "s/      MigrationType: cdc/      ReplicationTaskIdentifier: $PINNED\n      MigrationType: cdc/" "$TMP/lab.yaml" >"$TMP/pinned.yaml"
run $D --state "$TMP/state" apply -t "$TMP/pinned.yaml" --stack "$STACK2" "${PARAMS[@]}" --auto-approve
expect_rc 0
OLD2=$(json_get "$TMP/state/$STACK2.json" "d['resources']['CdcTask']['physical_id']")
run $D --state "$TMP/state" task start CdcTask --stack "$STACK2" --wait "${FAST[@]}"
expect_rc 0
fail_task "$OLD2" public.emp1
run $D --state "$TMP/state" task recover CdcTask --stack "$STACK2" --replace "${FAST[@]}"
expect_rc 0
NEW2=$(json_get "$TMP/state/$STACK2.json" "d['resources']['CdcTask']['physical_id']")
[ "$NEW2" != "$OLD2" ] || fail "pinned: the state still names the old task"
[ "$(fx get "$NEW2" ReplicationTaskIdentifier)" = "$PINNED" ] || fail "pinned: the replacement lost the identifier"
[ "$(fx exists "$OLD2")" = no ] || fail "pinned: the old task still exists"
run $D --state "$TMP/state" plan -t "$TMP/pinned.yaml" --stack "$STACK2" "${PARAMS[@]}" --detailed-exitcode
[ "$rc" = 0 ] || fail "pinned: plan after the replacement is not empty (exit $rc): $out"

# ---- a replacement that cannot start: the old task stays, the state is untouched
export AWS_ACCESS_KEY_ID="AKIA${UNIQ^^}"
T3="$UNIQ-keep"
A3=$(fx task "$T3" "$INFRA" cdc "$UNIQ-other" KeepTask)
run $D task start "$A3" --wait "${FAST[@]}"
expect_rc 0
fail_task "$A3" public.dept
curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -d "{\"operation\": \"StartReplicationTask\",
  \"access_key\": \"$AWS_ACCESS_KEY_ID\", \"error\": \"internal\", \"count\": 10}" >/dev/null
cat >"$TMP/state/$UNIQ-other.json" <<JSON
{"version": 1, "stack": "$UNIQ-other", "serial": 1,
 "resources": {"KeepTask": {"type": "AWS::DMS::ReplicationTask", "physical_id": "$A3", "status": "complete"}}}
JSON
run $D --state "$TMP/state" task recover "$A3" --replace "${FAST[@]}"
curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
expect_rc 1
expect_contains "$out" "starting the replacement task"
expect_contains "$out" "the replacement was deleted and the old task kept as $T3 ($A3)"
[ "$(fx exists "$A3")" = yes ] || fail "the old task was deleted although its replacement never ran"
[ "$(fx get "$A3" Status)" = failed ] || fail "old task state"
[ "$(fx get "$A3" ReplicationTaskIdentifier)" = "$T3" ] || fail "the old task did not get its name back"
[ "$(json_get "$TMP/state/$UNIQ-other.json" "d['resources']['KeepTask']['physical_id']")" = "$A3" ] || fail "state changed"
[ "$(fx tags "$A3" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("dmsprov:stack"))')" = "$UNIQ-other" ] \
  || fail "the old task lost its ownership tags"
# the replacement is gone: no second task claims the logical id (resolved by tags, not state)
rm "$TMP/state/$UNIQ-other.json"
run $D --state "$TMP/state" task status KeepTask --stack "$UNIQ-other"
expect_rc 0
expect_contains "$out" "($A3)"
echo "task recover: ok"
