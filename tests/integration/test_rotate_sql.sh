#!/usr/bin/env bash
# test_rotate_sql.sh - `dmsprov rotate --method sql` against a real PostgreSQL 15 server
# (tests/helpers/pg_start.sh): after the rotation the new password logs in and the old one
# does not; the SSM copy and the DMS endpoint hold the new value; no password in the output,
# the state or the server's log.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
source "$DP_SOURCE_DIR/tests/rotate/common.sh"
pg_up
trap '[ -f "$TMP/pg/base" ] && bash "$DP_SOURCE_DIR/tests/helpers/pg_stop.sh" "$TMP/pg"; rm -rf "$TMP"' EXIT
rot_setup 127.0.0.1 "$PGPORT_T"
pg_login "$OLD_PW" || fail "the initial password does not log in"

rotate --method sql >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err" >&2; fail "rotate --method sql failed"; }
cat "$TMP/out"
out=$(cat "$TMP/out")
expect_contains "$out" "set: ALTER ROLE labadmin PASSWORD (logged in with AWSCURRENT)"
expect_contains "$out" "test: login with the pending password succeeded"
NEW_PW=$(secret_pw AWSCURRENT)
SEEN_PW+=("$NEW_PW")
[ "$NEW_PW" != "$OLD_PW" ] || fail "the password did not change"
pg_login "$NEW_PW" || fail "the new password does not log in"
if pg_login "$OLD_PW"; then fail "the old password still logs in"; fi
[ "$(secret_pw AWSPREVIOUS)" = "$OLD_PW" ] || fail "AWSPREVIOUS is not the old password"
[ "$(stages)" = "AWSCURRENT=$(last_token) AWSPREVIOUS=$(boto "print([v for v,s in c('secretsmanager').describe_secret(SecretId='$SECRET')['VersionIdsToStages'].items() if 'AWSPREVIOUS' in s][0])")" ] || fail "stages: $(stages)"
# the sql method does not touch the cluster through the API
[ "$(call_count rds.ModifyDBCluster)" = 0 ] || fail "sql method called ModifyDBCluster"
[ "$(ssm_value)" = "$NEW_PW" ] || fail "the SSM copy does not hold the new password"
[ "$(cat "$TMP/modify-endpoint.log")" = "$(id_of SourceEndpoint) $(sha "$NEW_PW")" ] || fail "ModifyEndpoint: $(cat "$TMP/modify-endpoint.log")"
LEAK_FILES=("$TMP/out" "$TMP/err" "$STATE/$STACK.json" "$PG_LOG")
no_leak

# a second rotation logs in with the (now) current password
rotate --method sql >"$TMP/out2" 2>&1 || { cat "$TMP/out2" >&2; fail "second rotation failed"; }
NEW2=$(secret_pw AWSCURRENT)
SEEN_PW+=("$NEW2")
pg_login "$NEW2" || fail "the second new password does not log in"
if pg_login "$NEW_PW"; then fail "the first rotation's password still logs in"; fi
LEAK_FILES+=("$TMP/out2")
no_leak

# the database refuses both AWSCURRENT and AWSPREVIOUS: the run fails before finish, AWSCURRENT stays
runuser -u postgres -- psql -h "$(cat "$TMP/pg/base")/sock" -p "$PGPORT_T" -U postgres -d postgres -qc \
  "ALTER ROLE labadmin PASSWORD 'Somebody-else-1'" >/dev/null
before=$(stages)
if rotate --method sql >"$TMP/out3" 2>&1; then fail "rotation succeeded without a working login"; fi
expect_contains "$(cat "$TMP/out3")" "neither AWSCURRENT nor AWSPREVIOUS logs in"
expect_contains "$(stages)" "${before%% *}"   # AWSCURRENT unchanged
echo "ok"
