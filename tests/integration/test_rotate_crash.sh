#!/usr/bin/env bash
# test_rotate_crash.sh - the process is killed right after each of the four steps
# (DMSPROV_TEST_CRASH_AFTER=create|set|test|finish: _exit(137), no cleanup) and a second run
# completes the same rotation (same version, no extra versions). With the sql method on a real
# PostgreSQL 15 server the database password is checked at every crash point: before finish it
# matches AWSCURRENT or AWSPENDING; after finish it matches AWSCURRENT (never neither).
# The api method is crashed the same way on moto (set is not repeated once done).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
source "$DP_SOURCE_DIR/tests/rotate/common.sh"
pg_up
trap '[ -f "$TMP/pg/base" ] && bash "$DP_SOURCE_DIR/tests/helpers/pg_stop.sh" "$TMP/pg"; rm -rf "$TMP"' EXIT
rot_setup 127.0.0.1 "$PGPORT_T"

version_of() { boto "d=c('secretsmanager').describe_secret(SecretId='$SECRET')['VersionIdsToStages']; print(([v for v,s in d.items() if '$1' in s] or [''])[0])"; }
pw_if() { [ -n "$(version_of "$1")" ] && secret_pw "$1" || true; }

check_converged() { # $1 = the crashed run's token, $2 = the previous AWSCURRENT version
  [ "$(last_status)" = complete ] || fail "after $step: state not complete"
  [ "$(last_token)" = "$1" ] || fail "after $step: the second run used another token"
  [ "$(stages)" = "AWSCURRENT=$1 AWSPREVIOUS=$2" ] || fail "after $step: stages $(stages)"
  [ "$(ssm_value)" = "$(secret_pw AWSCURRENT)" ] || fail "after $step: SSM copy not updated"
  grep -q "$(sha "$(secret_pw AWSCURRENT)")" "$TMP/modify-endpoint.log" || fail "after $step: endpoint not updated"
}

n=1
for method in sql api; do
  if [ $method = api ]; then
    # the api method changes moto's cluster, not the real server: point the secret at a port
    # where nothing listens (the login test is then skipped) with a new AWSCURRENT version
    boto "sm=c('secretsmanager'); d=json.loads(sm.get_secret_value(SecretId='$SECRET', VersionStage='AWSCURRENT')['SecretString']); d['port']=9; sm.put_secret_value(SecretId='$SECRET', SecretString=json.dumps(d), VersionStages=['AWSCURRENT'])"
    n=$((n + 1))
  fi
  for step in create set test finish; do
    prev=$(version_of AWSCURRENT)
    rc=0
    DMSPROV_TEST_CRASH_AFTER=$step rotate --method $method >"$TMP/crash.out" 2>&1 || rc=$?
    [ "$rc" = 137 ] || { cat "$TMP/crash.out" >&2; fail "$method/$step: exit $rc, expected the crash (137)"; }
    token=$(last_token)
    [ "$(last_status)" = in_progress ] || fail "$method/$step: the token was not stored before the crash"
    cur=$(secret_pw AWSCURRENT); pend=$(pw_if AWSPENDING)
    SEEN_PW+=("$cur" "$pend")
    if [ $method = sql ]; then
      if [ $step = finish ]; then
        pg_login "$cur" || fail "sql/$step: after finish the database does not take AWSCURRENT"
      else
        pg_login "$cur" || { [ -n "$pend" ] && pg_login "$pend"; } || fail "sql/$step: the database takes neither AWSCURRENT nor AWSPENDING"
      fi
    fi
    [ $step = finish ] && [ "$(version_of AWSCURRENT)" != "$token" ] && fail "$method/finish: crash after finish but AWSCURRENT not moved"
    rotate --method $method >"$TMP/resume.out" 2>&1 || { cat "$TMP/resume.out" >&2; fail "$method/$step: the second run failed"; }
    expect_contains "$(cat "$TMP/resume.out")" "resuming the interrupted rotation"
    n=$((n + 1))
    [ "$(nversions)" = "$n" ] || fail "$method/$step: $(nversions) versions, expected $n (a duplicate version?)"
    check_converged "$token" "$prev"
    if [ $method = sql ]; then
      pg_login "$(secret_pw AWSCURRENT)" || fail "sql/$step: the new password does not log in"
      if pg_login "$(secret_pw AWSPREVIOUS)"; then fail "sql/$step: the old password still logs in"; fi
    fi
    if [ $method = api ] && [ $step != create ]; then
      expect_contains "$(cat "$TMP/resume.out")" "$([ $step = finish ] && echo "already AWSCURRENT" || echo "set: already done")"
    fi
    cat "$TMP/crash.out" "$TMP/resume.out" >>"$TMP/all.out"
    echo "crash after $method/$step: converged"
  done
done
# api: ModifyDBCluster once per rotation, never repeated by a resumed run
[ "$(call_count rds.ModifyDBCluster)" = 4 ] || fail "ModifyDBCluster calls: $(calls)"
LEAK_FILES=("$TMP/all.out" "$STATE/$STACK.json")
SEEN_PW+=("$(secret_pw AWSCURRENT)")
no_leak
echo "ok"
