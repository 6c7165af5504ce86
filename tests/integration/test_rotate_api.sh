#!/usr/bin/env bash
# test_rotate_api.sh - `dmsprov rotate` with the api method on moto: secret stages, the
# cluster modified, the SSM copy and the DMS endpoint updated (its running task paused and
# resumed), the reader endpoint left alone, rotation history + tag, --if-due, --dry-run,
# --print-cron, and no password in output, logs or state.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
source "$DP_SOURCE_DIR/tests/rotate/common.sh"
rot_setup 127.0.0.1 9 --task   # port 9: nothing listens, so the login test is skipped
V0=$(stages)
expect_contains "$V0" "AWSCURRENT="

# --dry-run: names the secret and every dependent, changes nothing
out=$(rotate --dry-run)
expect_contains "$out" "would rotate secret DbSecret"
expect_contains "$out" "DB cluster (master password) DbCluster ($UNIQ-db)"
expect_contains "$out" "SSM parameter (copy) PasswordCopy (/$UNIQ/db/password)"
expect_contains "$out" "DMS endpoint (Password) SourceEndpoint"
expect_contains "$out" "DMS endpoint (reads the secret; nothing to do) SecretEndpoint"
[ "$(stages)" = "$V0" ] || fail "--dry-run changed the secret"
[ "$(nversions)" = 1 ] || fail "--dry-run added a version"

# the rotation (with --debug: its log must not show the password either)
reset_calls
rotate --debug >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err" >&2; fail "rotate failed"; }
cat "$TMP/out"
out=$(cat "$TMP/out")
TOKEN=$(last_token)
[ "$(last_status)" = complete ] || fail "state does not record the rotation as complete"
OLDV=${V0#AWSCURRENT=}
[ "$(stages)" = "AWSCURRENT=$TOKEN AWSPREVIOUS=$OLDV" ] || fail "stages after rotation: $(stages)"
NEW_PW=$(secret_pw AWSCURRENT)
SEEN_PW+=("$NEW_PW")
[ "$(secret_pw AWSPREVIOUS)" = "$OLD_PW" ] || fail "AWSPREVIOUS is not the old password"
[ "$NEW_PW" != "$OLD_PW" ] || fail "the password did not change"
# password rules: the template's PasswordLength 24, RDS's exclusions
[ "${#NEW_PW}" = 24 ] || fail "password length ${#NEW_PW}, expected 24"
case "$NEW_PW" in *[/@\"\ ]*) fail "password holds a character RDS refuses" ;; esac
# the secret keeps its other keys
boto "d=json.loads(c('secretsmanager').get_secret_value(SecretId='$SECRET', VersionStage='AWSCURRENT')['SecretString']); assert d['username']=='labadmin' and d['host']=='127.0.0.1' and d['port']==9 and d['dbname']=='postgres', d.keys()"
expect_contains "$out" "test: login test skipped: database 127.0.0.1:9 not reachable"
# cluster: one ModifyDBCluster, available again
[ "$(call_count rds.ModifyDBCluster)" = 1 ] || fail "ModifyDBCluster calls: $(calls)"
boto "assert c('rds').describe_db_clusters(DBClusterIdentifier='$UNIQ-db')['DBClusters'][0]['Status']=='available'"
# SSM copy
[ "$(ssm_value)" = "$NEW_PW" ] || fail "the SSM copy does not hold the new password"
# DMS: only the Password endpoint is modified, with the new password; its task paused + resumed
SRC=$(id_of SourceEndpoint)
[ "$(cat "$TMP/modify-endpoint.log")" = "$SRC $(sha "$NEW_PW")" ] || fail "ModifyEndpoint calls: $(cat "$TMP/modify-endpoint.log")"
[ "$(call_count dms.StopReplicationTask)" = 1 ] || fail "StopReplicationTask calls: $(calls)"
[ "$(call_count dms.StartReplicationTask)" = 1 ] || fail "StartReplicationTask calls: $(calls)"
boto "
import time
arn='$(id_of Task)'
for _ in range(50):
    st=c('dms').describe_replication_tasks(Filters=[{'Name':'replication-task-arn','Values':[arn]}])['ReplicationTasks'][0]['Status']
    if st=='running': break
    time.sleep(0.1)
assert st=='running', st"
expect_contains "$out" "paused 1 replication task"
expect_contains "$out" "SecretEndpoint reads the secret itself"
# rotation time on the secret
boto "t={x['Key']:x['Value'] for x in c('secretsmanager').describe_secret(SecretId='$SECRET')['Tags']}; assert 'dmsprov:last-rotated' in t, t"
# no password in stdout, stderr (debug log) or state
LEAK_FILES=("$TMP/out" "$TMP/err" "$STATE/$STACK.json")
no_leak

# --if-due right after: not due -> exit 0, silent, nothing changes
out=$(rotate --if-due 2>&1) || fail "--if-due failed: $out"
[ -z "$out" ] || fail "--if-due printed: $out"
[ "$(nversions)" = 2 ] || fail "--if-due rotated although not due"
# last rotation 8 days ago (state and tag): due under rate(7 days)
"$PY" - "$STATE/$STACK.json" <<'PY'
import json, sys
p = sys.argv[1]; s = json.load(open(p))
s["rotations"][-1]["finished"] = "2020-01-01T00:00:00Z"
json.dump(s, open(p, "w"))
PY
boto "c('secretsmanager').tag_resource(SecretId='$SECRET', Tags=[{'Key':'dmsprov:last-rotated','Value':'2020-01-01T00:00:00Z'}])"
rotate --if-due >"$TMP/out2" || fail "--if-due rotation failed"
expect_contains "$(cat "$TMP/out2")" "rotated DbSecret"
[ "$(stages)" = "AWSCURRENT=$(last_token) AWSPREVIOUS=$TOKEN" ] || fail "stages after the second rotation: $(stages)"
[ "$(secret_pw AWSPREVIOUS)" = "$NEW_PW" ] || fail "AWSPREVIOUS is not the first rotation's password"

# --print-cron: a crontab line and a systemd timer + service, running --if-due
out=$("$DMSPROV" --state "$STATE" rotate --stack "$STACK" --template "$TPL" --print-cron)
expect_contains "$out" "rotate --stack $STACK --template $TPL --if-due"
expect_contains "$out" "[Timer]"
expect_contains "$out" "OnCalendar="
expect_contains "$out" "[Service]"
expect_contains "$out" "ExecStart="
"$PY" -c "import re,sys; l=[x for x in sys.argv[1].splitlines() if x and not x.startswith('#')][0]; assert re.match(r'^\d+ \* \* \* \* ', l), l" "$out"

# usage errors
if rotate --method ftp 2>"$TMP/err"; then fail "--method ftp accepted"; fi
expect_contains "$(cat "$TMP/err")" "--method must be api or sql"
if "$DMSPROV" rotate 2>"$TMP/err"; then fail "rotate without --stack accepted"; fi
expect_contains "$(cat "$TMP/err")" "--stack NAME is required"
echo "ok"
