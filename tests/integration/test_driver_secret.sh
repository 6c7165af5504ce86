#!/usr/bin/env bash
# test_driver_secret.sh - AWS::SecretsManager::Secret and ::RotationSchedule drivers against
# moto, checked independently with boto3: a generated secret (local CSPRNG, template + key)
# never printed; create -> read -> update (PutSecretValue only on change) -> delete -> gone;
# ownership refusal; adoption on a repeated create; throttling retried without duplicates;
# list; the rotation schedule recorded as tags on the secret and removed on delete.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::SecretsManager::Secret
RS=AWS::SecretsManager::RotationSchedule
export AWS_ACCESS_KEY_ID="sec$UNIQ" DP_TEST_MAX_BACKOFF=0.05
STACK="st$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
            -d "{\"access_key\":\"$AWS_ACCESS_KEY_ID\",$1}" >/dev/null || fail "could not add fault rule $1"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('$1', 0))"; }
reset_calls() { curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }
py_get() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# generated secret: {"username": "admin", "password": <20 chars, no excluded characters>}
gen='{"SecretStringTemplate":"{\"username\":\"admin\"}","GenerateStringKey":"password","PasswordLength":20,"ExcludeCharacters":"\"@/\\\\"}'
out=$("$RES" $T create --stack "$STACK" --logical Db --token "tok1-$UNIQ" \
        --props "{\"Description\":\"db creds\",\"GenerateSecretString\":$gen,\"Tags\":[{\"Key\":\"env\",\"Value\":\"lab\"}]}" 2>"$TMP/err")
arn=$(py_get 'd["PhysicalId"]' <<<"$out")
case "$arn" in arn:aws:secretsmanager:us-east-1:*:secret:"$STACK-Db-"*) ;; *) fail "physical id should be the ARN of a generated name: $arn" ;; esac
[ "$(py_get 'd["Attributes"]["Id"]' <<<"$out")" = "$arn" ] || fail "Id attribute: $out"
value=$(boto "print(c('secretsmanager').get_secret_value(SecretId='$arn', VersionStage='AWSCURRENT')['SecretString'])")
pwd=$("$PY" -c "import json,sys; d=json.loads(sys.argv[1]); assert d['username']=='admin' and len(d)==2; p=d['password']; assert len(p)==20 and not set(p) & set('\"@/\\\\'), p; print(p)" "$value") \
  || fail "generated secret has the wrong shape"
expect_not_contains "$out$(cat "$TMP/err")" "$pwd"
live=$(boto "d=c('secretsmanager').describe_secret(SecretId='$arn'); print(d['Description'], sorted((t['Key'], t['Value']) for t in d['Tags']))")
expect_contains "$live" "db creds"
expect_contains "$live" "('dmsprov:stack', '$STACK')"
expect_contains "$live" "('env', 'lab')"

# read: template form, no secret value
out=$("$RES" $T read --stack "$STACK" --logical Db --id "$arn")
expect_not_contains "$out" "$pwd"
props=$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")
name=$(py_get 'd["Properties"]["Name"]' <<<"$out")
[ "$props" = "{\"Description\": \"db creds\", \"Name\": \"$name\", \"Tags\": [{\"Key\": \"env\", \"Value\": \"lab\"}]}" ] || fail "read: $props"

# repeated create with the same token adopts (no second secret, value kept)
out=$("$RES" $T create --stack "$STACK" --logical Db --token "tok1-$UNIQ" --props "{\"Description\":\"db creds\",\"GenerateSecretString\":$gen}")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$arn" ] || fail "repeated create did not adopt"
[ "$(boto "print(c('secretsmanager').get_secret_value(SecretId='$arn', VersionStage='AWSCURRENT')['SecretString'])")" = "$value" ] \
  || fail "adoption must not regenerate the value"

# update: description changed, SecretString given -> one new version; same again -> none
reset_calls
"$RES" $T update --stack "$STACK" --logical Db --id "$arn" --props '{"Description":"new","SecretString":"{\"username\":\"admin\",\"password\":\"Fixed-1\"}"}' >/dev/null
[ "$(calls secretsmanager.PutSecretValue)" = "1" ] || fail "expected one PutSecretValue"
"$RES" $T update --stack "$STACK" --logical Db --id "$arn" --props '{"Description":"new","SecretString":"{\"username\":\"admin\",\"password\":\"Fixed-1\"}"}' >/dev/null
[ "$(calls secretsmanager.PutSecretValue)" = "1" ] || fail "an unchanged SecretString must not put a new version"
live=$(boto "s=c('secretsmanager'); d=s.describe_secret(SecretId='$arn'); print(d['Description'], s.get_secret_value(SecretId='$arn', VersionStage='AWSCURRENT')['SecretString'], sorted(t['Key'] for t in d['Tags']))")
[ "$live" = "new {\"username\":\"admin\",\"password\":\"Fixed-1\"} ['dmsprov:logical-id', 'dmsprov:stack']" ] || fail "after update: $live"
out=$("$RES" $T read --stack "$STACK" --logical Db --id "$arn")
expect_not_contains "$out" "Fixed-1"
[ "$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")" = "{\"Description\": \"new\", \"Name\": \"$name\"}" ] || fail "read after update: $out"

# rotation schedule: recorded as tags on the secret, updated, listed, removed
out=$("$RES" $RS create --stack "$STACK" --logical Rot --props "{\"SecretId\":\"$arn\",\"RotationRules\":{\"ScheduleExpression\":\"cron(0 4 * * ? *)\",\"Duration\":\"2h\"}}")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$arn" ] || fail "rotation schedule physical id: $out"
[ "$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")" = "{\"RotationRules\": {\"Duration\": \"2h\", \"ScheduleExpression\": \"cron(0 4 * * ? *)\"}, \"SecretId\": \"$arn\"}" ] \
  || fail "rotation read-back: $out"
tags=$(boto "import base64
d=c('secretsmanager').describe_secret(SecretId='$arn'); t={x['Key']: x['Value'] for x in d['Tags']}
v=t['dmsprov:rotation-schedule']; print(base64.b64decode(v[4:]).decode() if v.startswith('b64:') else v, t['dmsprov:rotation-type'], t['dmsprov:rotation-logical-id'], 'RotationEnabled' in d and d['RotationEnabled'])")
[ "$tags" = "cron(0 4 * * ? *) dmsprov Rot False" ] || fail "rotation tags: $tags"
out=$("$RES" $RS update --stack "$STACK" --logical Rot --id "$arn" --props "{\"SecretId\":\"$arn\",\"RotationRules\":{\"AutomaticallyAfterDays\":7}}")
expect_contains "$out" '"AutomaticallyAfterDays":	7'
expect_not_contains "$out" "Duration"
[ "$("$RES" $RS list --stack "$STACK")" = "Rot $arn" ] || fail "rotation list"
# a second schedule on the same secret (another logical id) is refused
if "$RES" $RS create --stack "$STACK" --logical Rot2 --props "{\"SecretId\":\"$arn\",\"RotationRules\":{\"AutomaticallyAfterDays\":3}}" >/dev/null 2>"$TMP/err"; then
  fail "a second rotation schedule on one secret was accepted"
fi
expect_contains "$(cat "$TMP/err")" "already has a rotation schedule"
"$RES" $RS delete --stack "$STACK" --logical Rot --id "$arn"
[ "$(boto "print(sorted(t['Key'] for t in c('secretsmanager').describe_secret(SecretId='$arn')['Tags']))")" = "['dmsprov:logical-id', 'dmsprov:stack']" ] \
  || fail "rotation tags left behind"
set +e; "$RES" $RS read --stack "$STACK" --logical Rot --id "$arn" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "read of a removed schedule should exit 3, got $rc"

# ownership: a same-named secret made without our tags is refused and left untouched
foreign="$UNIQ-foreign"
boto "c('secretsmanager').create_secret(Name='$foreign', SecretString='theirs')"
if "$RES" $T create --stack "$STACK" --logical F --props "{\"Name\":\"$foreign\",\"SecretString\":\"ours\"}" >/dev/null 2>"$TMP/err"; then
  fail "creating over a foreign secret succeeded"
fi
expect_contains "$(cat "$TMP/err")" "secret $foreign exists and is not owned by stack $STACK"
[ "$(boto "print(c('secretsmanager').get_secret_value(SecretId='$foreign', VersionStage='AWSCURRENT')['SecretString'])")" = "theirs" ] \
  || fail "foreign secret modified"

# throttling in the middle of create and delete: retried, one secret
reset_calls
fault '"service":"secretsmanager","operation":"CreateSecret","error":"throttle","count":2'
out=$("$RES" $T create --stack "$STACK" --logical Thr --props "{\"Name\":\"$UNIQ-thr\",\"SecretString\":\"x\"}") || fail "throttled create failed"
thr=$(py_get 'd["PhysicalId"]' <<<"$out")
[ "$(calls secretsmanager.CreateSecret)" = "3" ] || fail "expected 3 CreateSecret attempts"
[ "$(boto "print(len(c('secretsmanager').list_secrets(Filters=[{'Key':'name','Values':['$UNIQ-thr']}])['SecretList']))")" = "1" ] \
  || fail "throttled create made duplicates"
# a lost answer: CreateSecret handled, then the connection dropped; the retry adopts
fault '"service":"secretsmanager","operation":"CreateSecret","error":"drop","phase":"after","count":1'
out=$("$RES" $T create --stack "$STACK" --logical Lost --props "{\"Name\":\"$UNIQ-lost\",\"SecretString\":\"y\"}") || fail "create after a lost answer failed"
lost=$(py_get 'd["PhysicalId"]' <<<"$out")

# list finds the stack's secrets only
out=$("$RES" $T list --stack "$STACK")
expect_contains "$out" "Db $arn"
expect_contains "$out" "Thr $thr"
expect_contains "$out" "Lost $lost"
expect_not_contains "$out" "$foreign"

fault '"service":"secretsmanager","operation":"DeleteSecret","error":"throttle","count":1'
"$RES" $T delete --stack "$STACK" --logical Thr --id "$thr" || fail "throttled delete failed"
[ "$(boto "print(len(c('secretsmanager').list_secrets(Filters=[{'Key':'name','Values':['$UNIQ-thr']}])['SecretList']))")" = "0" ] \
  || fail "secret not deleted"

# delete (force, no recovery window) -> gone; again is fine; read exits 3
"$RES" $T delete --stack "$STACK" --logical Db --id "$arn"
boto "
try:
    c('secretsmanager').describe_secret(SecretId='$arn'); print('still there'); sys.exit(1)
except c('secretsmanager').exceptions.ResourceNotFoundException: pass" || fail "secret not force-deleted"
set +e; "$RES" $T read --stack "$STACK" --logical Db --id "$arn" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "read of a deleted secret should exit 3, got $rc"
"$RES" $T delete --stack "$STACK" --logical Db --id "$arn" || fail "deleting twice should succeed"
# DeletionPolicy Snapshot keeps a recovery window
"$RES" $T delete --stack "$STACK" --logical Lost --id "$lost" --policy Snapshot
[ "$(boto "print('DeletedDate' in c('secretsmanager').describe_secret(SecretId='$lost'))")" = "True" ] || fail "Snapshot should keep a recovery window"
echo ok
