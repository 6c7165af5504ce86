#!/usr/bin/env bash
# test_rotate_plan.sh - after `dmsprov rotate`, `dmsprov plan` shows no change for the password:
# the template refers to the secret (dynamic reference), so the rotated value is what the
# template asks for, and rotate renews the state's keyed hashes of the dependents' secret
# properties (DbCluster.MasterUserPassword, PasswordCopy.Value, SourceEndpoint.Password) in the
# write that records the rotation. Also after a run killed right after finish (the next run
# completes it), and no password lands in the state or the output.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
TPL="$TMP/stack.yaml"
sed -e "s|rotate-test|$UNIQ|g" "$DP_SOURCE_DIR/tests/rotate/stack.yaml" >"$TPL"
STATE="$TMP/state"
STACK="rotplan-$UNIQ"
SF="$STATE/$STACK.json"
dp() { "$DMSPROV" --state "$STATE" "$@"; }
# hashes: "Logical.Prop=<hex> …" of every secret_hashes entry in the state (sorted)
hashes() { "$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
print(' '.join(sorted(f'{l}.{p}={h}' for l, r in s['resources'].items() for p, h in (r.get('secret_hashes') or {}).items())))" "$SF"; }
hash_of() { "$PY" -c "
import json, sys
print(json.load(open(sys.argv[1]))['resources'][sys.argv[2]]['secret_hashes'][sys.argv[3]])" "$SF" "$1" "$2"; }
secret_pw() { boto "print(json.loads(c('secretsmanager').get_secret_value(SecretId='$UNIQ/db-master', VersionStage='$1')['SecretString'])['password'])"; }
plan_clean() { # plan_clean LABEL: exit 0 and no password property in the plan
  local rc=0
  dp plan -t "$TPL" --stack "$STACK" --detailed-exitcode >"$TMP/plan.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$TMP/plan.out" >&2; fail "$1: plan shows changes (exit $rc)"; }
  expect_not_contains "$(cat "$TMP/plan.out")" "Password"
  expect_not_contains "$(cat "$TMP/plan.out")" "Value"
}

dp apply -t "$TPL" --stack "$STACK" --auto-approve </dev/null >"$TMP/apply.out" 2>&1 ||
  { cat "$TMP/apply.out" >&2; fail "apply of the rotation test stack failed"; }
plan_clean "right after apply"
H0=$(hashes)
for k in DbCluster.MasterUserPassword PasswordCopy.Value SourceEndpoint.Password; do
  expect_contains "$H0" "$k="
done
OLD_PW=$(secret_pw AWSCURRENT)

# 1. a rotation: every dependent's hash renewed, the rest untouched, the plan clean
before=$(boto "print(c('secretsmanager').describe_secret(SecretId='$UNIQ/db-master')['VersionIdsToStages'])")
dp rotate --stack "$STACK" --template "$TPL" >"$TMP/rotate.out" 2>&1 || { cat "$TMP/rotate.out" >&2; fail "rotate failed"; }
cat "$TMP/rotate.out"
after=$(boto "print(c('secretsmanager').describe_secret(SecretId='$UNIQ/db-master')['VersionIdsToStages'])")
[ "$before" != "$after" ] || fail "rotate did not add a version"
expect_contains "$(cat "$TMP/rotate.out")" "secret hashes of DbCluster.MasterUserPassword, PasswordCopy.Value, SourceEndpoint.Password renewed"
H1=$(hashes)
for k in DbCluster.MasterUserPassword PasswordCopy.Value SourceEndpoint.Password; do
  [ "$(hash_of "${k%%.*}" "${k#*.}")" != "$(echo "$H0" | tr ' ' '\n' | sed -n "s/^$k=//p")" ] || fail "$k: hash not renewed"
done
# the three dependents now carry one same hash (same resolved value); nothing else changed
[ "$(hash_of DbCluster MasterUserPassword)" = "$(hash_of PasswordCopy Value)" ] || fail "cluster and copy hashes differ"
[ "$(hash_of DbCluster MasterUserPassword)" = "$(hash_of SourceEndpoint Password)" ] || fail "cluster and endpoint hashes differ"
other0=$(echo "$H0" | tr ' ' '\n' | grep -v -e '^DbCluster.MasterUserPassword=' -e '^PasswordCopy.Value=' -e '^SourceEndpoint.Password=' || true)
other1=$(echo "$H1" | tr ' ' '\n' | grep -v -e '^DbCluster.MasterUserPassword=' -e '^PasswordCopy.Value=' -e '^SourceEndpoint.Password=' || true)
[ "$other0" = "$other1" ] || fail "other secret hashes changed: $other0 -> $other1"
"$PY" -c "import json,sys; r=json.load(open(sys.argv[1]))['rotations'][-1]; assert r['status']=='complete', r" "$SF"
plan_clean "after the rotation"
NEW_PW=$(secret_pw AWSCURRENT)
[ "$NEW_PW" != "$OLD_PW" ] || fail "the password did not change"
# exactly the store's keyed hash of the new password (what apply would have stored)
[ "$(hash_of DbCluster MasterUserPassword)" = "$("$DP_BUILD_DIR/dp_state_tool" "$STATE" hash "$NEW_PW")" ] ||
  fail "the renewed hash is not the keyed hash of the new password"

# 2. killed right after finish (before the state write): the next run completes the rotation
#    and renews the hashes then
H1=$(hashes)
rc=0
DMSPROV_TEST_CRASH_AFTER=finish dp rotate --stack "$STACK" --template "$TPL" >"$TMP/crash.out" 2>&1 || rc=$?
[ "$rc" = 137 ] || { cat "$TMP/crash.out" >&2; fail "crash run exited $rc"; }
[ "$(hashes)" = "$H1" ] || fail "the killed run wrote hashes before recording the rotation"
rc=0
dp plan -t "$TPL" --stack "$STACK" --detailed-exitcode >"$TMP/plan-crash.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "plan after a half-recorded rotation should show the stale hashes (exit $rc)"
dp rotate --stack "$STACK" --template "$TPL" >"$TMP/resume.out" 2>&1 || { cat "$TMP/resume.out" >&2; fail "resume failed"; }
expect_contains "$(cat "$TMP/resume.out")" "resuming the interrupted rotation"
expect_contains "$(cat "$TMP/resume.out")" "renewed"
plan_clean "after the resumed rotation"
NEW2=$(secret_pw AWSCURRENT)

# 3. no password in the state or in any output
for f in "$SF" "$TMP"/*.out; do
  for pw in "$OLD_PW" "$NEW_PW" "$NEW2"; do
    if grep -qF -- "$pw" "$f"; then fail "a password appears in $f"; fi
  done
done
dp destroy --stack "$STACK" -t "$TPL" --auto-approve >"$TMP/destroy.log" 2>&1 || { cat "$TMP/destroy.log" >&2; fail "destroy failed"; }
echo "ok"
