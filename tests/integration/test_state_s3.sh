#!/usr/bin/env bash
# test_state_s3.sh - the S3 state backend against moto: atomic state objects with serials and no
# secrets, the keyed-hash key object, locks by If-None-Match (412 -> a clear message naming the
# holder), --break-lock, a lock left by a dead run, racing lockers, and ownership on unlock.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
TOOL="$DP_BUILD_DIR/dp_state_tool"
[ -x "$TOOL" ] || fail "missing $TOOL"
bucket=$(echo "$UNIQ-state" | tr 'A-Z_' 'a-z-')
boto "c('s3').create_bucket(Bucket='$bucket')"
LOC="s3://$bucket/teams/ci/"
SECRET='Sup3r-Secret-Value!'
# obj KEY - prints the object's body, or MISSING
obj() { boto "
try: print(c('s3').get_object(Bucket='$bucket', Key='$1')['Body'].read().decode())
except c('s3').exceptions.NoSuchKey: print('MISSING')"; }

# Nothing yet: no state, and the location is described as the object it will be.
[ "$("$TOOL" "$LOC" read lab)" = none ] || fail "expected no state"
[ "$("$TOOL" "$LOC" describe lab)" = "s3://$bucket/teams/ci/lab.json" ] || fail "describe: $("$TOOL" "$LOC" describe lab)"

# A missing bucket is an error, not an empty state.
if "$TOOL" "s3://$bucket-missing/p" read lab >"$TMP/out" 2>"$TMP/err"; then fail "read from a missing bucket succeeded"; fi
expect_contains "$(cat "$TMP/err")" "NoSuchBucket"

# Keyed hash: the key object is created once at <prefix>/.key; the same store gives the same
# hash in every run, another prefix another one; it is HMAC-SHA256 under that key.
h1=$("$TOOL" "$LOC" hash "$SECRET")
h2=$("$TOOL" "$LOC" hash "$SECRET")
h3=$("$TOOL" "s3://$bucket/other" hash "$SECRET")
[[ "$h1" =~ ^[0-9a-f]{64}$ ]] || fail "hash is not 64 hex digits: $h1"
[ "$h1" = "$h2" ] || fail "hash not stable across runs: $h1 vs $h2"
[ "$h1" != "$h3" ] || fail "two stores gave the same hash"
check=$(boto "import hmac, hashlib
k=c('s3').get_object(Bucket='$bucket', Key='teams/ci/.key')['Body'].read().decode().strip()
print(hmac.new(bytes.fromhex(k), b'$SECRET', hashlib.sha256).hexdigest())")
[ "$check" = "$h1" ] || fail "hash is not HMAC-SHA256 under teams/ci/.key"

# Writes: serial bumps, the stored object is the document, a whole object at a time.
doc="{\"template_hash\":\"t1\",\"parameters\":{\"Env\":\"lab\"},\"resources\":{\"Db\":{\"type\":\"AWS::RDS::DBCluster\",\"physical_id\":\"db-1\",\"secret_hashes\":{\"MasterUserPassword\":\"$h1\"}}},\"outputs\":{}}"
out=$("$TOOL" "$LOC" write lab "$doc")
[ "$out" = "serial 1" ] || fail "first write: $out"
out=$("$TOOL" "$LOC" write lab "$("$TOOL" "$LOC" read lab)")
[ "$out" = "serial 2" ] || fail "second write: $out"
boto "import json
o=c('s3').get_object(Bucket='$bucket', Key='teams/ci/lab.json')
body=o['Body'].read().decode()
d=json.loads(body)
assert d['serial']==2 and d['version']==1 and d['stack']=='lab', d
assert d['resources']['Db']['secret_hashes']['MasterUserPassword']=='$h1', d
assert d['resources']['Db']['physical_id']=='db-1', d
assert '$SECRET' not in body and 'dp:secret' not in body
assert o['ContentType']=='application/json', o['ContentType']" || fail "state object content"

# A secret value is refused before anything is sent; the object keeps serial 2.
if "$TOOL" "$LOC" write lab "{\"serial\":2,\"resources\":{\"Db\":{\"properties\":{\"MasterUserPassword\":{\"dp:secret\":\"$SECRET\"}}}}}" \
     >"$TMP/out" 2>"$TMP/err"; then fail "a state with a secret was written"; fi
expect_contains "$(cat "$TMP/err")" "refusing to write state for stack \"lab\""
expect_contains "$(cat "$TMP/err")" "resources.Db.properties.MasterUserPassword"
expect_not_contains "$(cat "$TMP/err")" "$SECRET"
expect_contains "$(obj teams/ci/lab.json)" '"serial":	2'

# A run that died holding the lock leaves the lock object with its record.
out=$("$TOOL" "$LOC" lock lab apply --crash)
[ "$out" = locked ] || fail "lock: $out"
read -r pid since holder op < <(boto "import json
d=json.loads(c('s3').get_object(Bucket='$bucket', Key='teams/ci/lab.lock')['Body'].read())
print(d['pid'], d['since'], d['holder'], d['operation'])")
[[ "$since" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] || fail "since is not ISO 8601 UTC: $since"
[ "$holder" = "$(id -un)@$(hostname)" ] || fail "holder: $holder"
[ "$op" = apply ] || fail "operation: $op"

# Another run: PutObject If-None-Match: * answers 412, shown as one clear line.
if "$TOOL" "$LOC" lock lab plan >"$TMP/out" 2>"$TMP/err"; then fail "second lock succeeded"; fi
expect_contains "$(cat "$TMP/err")" "stack \"lab\" is locked by $holder (pid $pid, apply) since $since; wait for it to finish or, if that run is gone, rerun with --break-lock"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "contention should be one line: $(cat "$TMP/err")"
expect_contains "$(obj teams/ci/lab.lock)" "\"pid\":$pid,"
# Other stacks are independent; a normal run removes its lock object when done.
[ "$("$TOOL" "$LOC" lock other apply)" = locked ] || fail "lock of another stack"
[ "$(obj teams/ci/other.lock)" = MISSING ] || fail "other.lock left behind"

# --break-lock overrides the dead run's lock, says whose, and cleans up after itself.
out=$("$TOOL" "$LOC" lock lab destroy --break 2>"$TMP/err")
[ "$out" = locked ] || fail "break-lock: $out $(cat "$TMP/err")"
expect_contains "$(cat "$TMP/err")" "overriding the lock (stack \"lab\" is locked by $holder (pid $pid, apply) since $since)"
[ "$(obj teams/ci/lab.lock)" = MISSING ] || fail "lock left behind after break-lock run"

# Racing runs: exactly one of them gets the lock (held long enough that a run started late on
# a loaded machine still finds it held).
for i in 1 2 3 4 5 6; do
  "$TOOL" "$LOC" lock race apply --hold 8 >"$TMP/race$i.out" 2>"$TMP/race$i.err" &
done
wait || true
winners=$(cat "$TMP"/race*.out | grep -c '^locked$' || true)
[ "$winners" -eq 1 ] || fail "expected one winner, got $winners: $(cat "$TMP"/race*.err)"
[ "$(grep -l 'is locked by' "$TMP"/race*.err | wc -l)" -eq 5 ] || fail "losers: $(cat "$TMP"/race*.err)"
[ "$(obj teams/ci/race.lock)" = MISSING ] || fail "race.lock left behind"

# The lock PutObject succeeds but its answer is lost (HTTP 500 after moto handled it): the
# retry gets 412, and the run recognises its own record (the nonce id) instead of blaming itself.
curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
  -d "{\"service\":\"s3\",\"operation\":\"PutObject\",\"contains\":\"$bucket/teams/ci/lost.lock\",\"error\":\"internal\",\"phase\":\"after\",\"count\":1}" \
  >/dev/null || fail "could not set the fault rule"
out=$("$TOOL" "$LOC" lock lost apply 2>"$TMP/err") || fail "lock after a lost answer: $(cat "$TMP/err")"
[ "$out" = locked ] || fail "lock after a lost answer: $out"
curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?contains=$bucket/teams/ci/lost.lock" >/dev/null || true
[ "$(obj teams/ci/lost.lock)" = MISSING ] || fail "lost.lock left behind"

# A run whose lock was broken meanwhile does not delete the new holder's lock on exit.
"$TOOL" "$LOC" lock lab apply --hold 8 >"$TMP/a.out" 2>"$TMP/a.err" &
apid=$!
for _ in $(seq 1 50); do [ "$(obj teams/ci/lab.lock)" != MISSING ] && break; sleep 0.1; done
"$TOOL" "$LOC" lock lab destroy --break --crash >/dev/null 2>&1 || fail "break-lock while held"
bpid=$(boto "import json
print(json.loads(c('s3').get_object(Bucket='$bucket', Key='teams/ci/lab.lock')['Body'].read())['pid'])")
wait "$apid" || fail "first holder failed: $(cat "$TMP/a.err")"
expect_contains "$(cat "$TMP/a.err")" "taken over"
expect_contains "$(obj teams/ci/lab.lock)" "\"pid\":$bpid,"

# Delete removes the state object (a missing one is fine).
"$TOOL" "$LOC" delete lab
"$TOOL" "$LOC" delete lab
[ "$("$TOOL" "$LOC" read lab)" = none ] || fail "state still readable after delete"
[ "$(obj teams/ci/lab.json)" = MISSING ] || fail "state object still there"

# No object in the bucket ever held the secret value.
boto "s3=c('s3')
for o in s3.list_objects_v2(Bucket='$bucket').get('Contents', []):
    assert b'$SECRET' not in s3.get_object(Bucket='$bucket', Key=o['Key'])['Body'].read(), o['Key']" || fail "a secret reached S3"
echo "state s3: ok"
