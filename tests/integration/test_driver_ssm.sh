#!/usr/bin/env bash
# test_driver_ssm.sh - AWS::SSM::Parameter driver against moto, checked independently with
# boto3: create -> read -> update -> read -> delete -> read (gone); SecureString values never
# read back; ownership refusal; adoption after a lost create answer; throttling retried; list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::SSM::Parameter
export AWS_ACCESS_KEY_ID="ssm$UNIQ" DP_TEST_MAX_BACKOFF=0.05
STACK="st$UNIQ"
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
            -d "{\"access_key\":\"$AWS_ACCESS_KEY_ID\",$1}" >/dev/null || fail "could not add fault rule $1"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
py_get() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# create with an explicit name
name="/$UNIQ/app/url"
out=$("$RES" $T create --stack "$STACK" --logical Url --props "{\"Name\":\"$name\",\"Type\":\"String\",\"Value\":\"http://a\",\"Description\":\"the url\",\"Tags\":{\"team\":\"data\"}}")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$name" ] || fail "physical id: $out"
[ "$(py_get 'd["Attributes"]["Value"]' <<<"$out")" = "http://a" ] || fail "Value attribute: $out"
live=$(boto "s=c('ssm'); p=s.get_parameter(Name='$name')['Parameter']; t=s.list_tags_for_resource(ResourceType='Parameter', ResourceId='$name')['TagList']
m=s.describe_parameters(ParameterFilters=[{'Key':'Name','Values':['$name']}])['Parameters'][0]
print(p['Type'], p['Value'], m.get('Description'), sorted((x['Key'], x['Value']) for x in t))")
expect_contains "$live" "String http://a the url"
expect_contains "$live" "('dmsprov:logical-id', 'Url')"
expect_contains "$live" "('dmsprov:stack', '$STACK')"
expect_contains "$live" "('team', 'data')"

# read equals the template properties (tags as a map, ownership tags hidden)
out=$("$RES" $T read --stack "$STACK" --logical Url --id "$name")
props=$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")
[ "$props" = "{\"Description\": \"the url\", \"Name\": \"$name\", \"Tags\": {\"team\": \"data\"}, \"Type\": \"String\", \"Value\": \"http://a\"}" ] \
  || fail "read differs from the template: $props"

# update: value, description removed, tags changed
"$RES" $T update --stack "$STACK" --logical Url --id "$name" --props "{\"Name\":\"$name\",\"Type\":\"StringList\",\"Value\":\"a,b\",\"Tags\":{\"owner\":\"me\"}}" >/dev/null
live=$(boto "s=c('ssm'); p=s.get_parameter(Name='$name')['Parameter']; t=s.list_tags_for_resource(ResourceType='Parameter', ResourceId='$name')['TagList']
print(p['Type'], p['Value'], p['Version'], sorted(x['Key'] for x in t))")
expect_contains "$live" "StringList a,b 2 ['dmsprov:logical-id', 'dmsprov:stack', 'owner']"
out=$("$RES" $T read --stack "$STACK" --logical Url --id "$name")
props=$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")
[ "$props" = "{\"Name\": \"$name\", \"Tags\": {\"owner\": \"me\"}, \"Type\": \"StringList\", \"Value\": \"a,b\"}" ] || fail "read after update: $props"

# SecureString (dmsprov extension), generated name: the value is never read back
out=$("$RES" $T create --stack "$STACK" --logical Pw --token "tok-$UNIQ" --props '{"Type":"SecureString","Value":"s3cr3t-Value"}')
expect_not_contains "$out" "s3cr3t-Value"
pw=$(py_get 'd["PhysicalId"]' <<<"$out")
case "$pw" in "$STACK-Pw-"*) ;; *) fail "generated name should be <stack>-<logical>-<suffix>: $pw" ;; esac
[ "$(boto "print(c('ssm').get_parameter(Name='$pw', WithDecryption=True)['Parameter']['Value'])")" = "s3cr3t-Value" ] || fail "SecureString value not stored"
out=$("$RES" $T read --stack "$STACK" --logical Pw --id "$pw")
expect_not_contains "$out" "s3cr3t-Value"
expect_contains "$out" '"Type":	"SecureString"'

# the same create again (same token): adopts, no second parameter, no error
out2=$("$RES" $T create --stack "$STACK" --logical Pw --token "tok-$UNIQ" --props '{"Type":"SecureString","Value":"s3cr3t-Value"}')
[ "$(py_get 'd["PhysicalId"]' <<<"$out2")" = "$pw" ] || fail "a repeated create must adopt $pw: $out2"

# a lost answer: PutParameter handled, then the connection dropped; the retry adopts
fault '"service":"ssm","operation":"PutParameter","error":"drop","phase":"after","count":1'
lost="/$UNIQ/lost"
"$RES" $T create --stack "$STACK" --logical Lost --props "{\"Name\":\"$lost\",\"Type\":\"String\",\"Value\":\"v\"}" >/dev/null \
  || fail "create after a lost answer failed"
live=$(boto "s=c('ssm'); print(s.get_parameter(Name='$lost')['Parameter']['Value'], sorted(t['Key'] for t in s.list_tags_for_resource(ResourceType='Parameter', ResourceId='$lost')['TagList']))")
[ "$live" = "v ['dmsprov:logical-id', 'dmsprov:stack']" ] || fail "lost-answer create: $live"

# throttling in the middle of create and delete is retried, without duplicates
curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null
fault '"service":"ssm","operation":"PutParameter","error":"throttle","count":2'
thr="/$UNIQ/throttled"
"$RES" $T create --stack "$STACK" --logical Thr --props "{\"Name\":\"$thr\",\"Type\":\"String\",\"Value\":\"v\"}" >/dev/null || fail "throttled create failed"
[ "$(calls | py_get 'd["calls"].get("ssm.PutParameter")')" = "3" ] || fail "expected 3 PutParameter attempts: $(calls)"
[ "$(boto "print(c('ssm').get_parameter(Name='$thr')['Parameter']['Version'])")" = "1" ] || fail "throttled create wrote twice"
fault '"service":"ssm","operation":"DeleteParameter","error":"throttle","count":1'
"$RES" $T delete --stack "$STACK" --logical Thr --id "$thr" || fail "throttled delete failed"

# ownership: a same-named parameter made without our tags is refused and left untouched
foreign="/$UNIQ/foreign"
boto "c('ssm').put_parameter(Name='$foreign', Value='theirs', Type='String')"
if "$RES" $T create --stack "$STACK" --logical Foreign --props "{\"Name\":\"$foreign\",\"Type\":\"String\",\"Value\":\"ours\"}" >"$TMP/out" 2>"$TMP/err"; then
  fail "creating over a foreign parameter succeeded"
fi
expect_contains "$(cat "$TMP/err")" "$foreign exists and is not owned by stack $STACK"
[ "$(boto "print(c('ssm').get_parameter(Name='$foreign')['Parameter']['Value'])")" = "theirs" ] || fail "foreign parameter modified"

# list finds this stack's parameters (and nothing of the foreign one)
out=$("$RES" $T list --stack "$STACK")
expect_contains "$out" "Url $name"
expect_contains "$out" "Pw $pw"
expect_contains "$out" "Lost $lost"
expect_not_contains "$out" "$foreign"

# delete, gone, delete again is fine
"$RES" $T delete --stack "$STACK" --logical Url --id "$name"
[ "$(boto "print(len(c('ssm').get_parameters(Names=['$name'])['Parameters']))")" = "0" ] || fail "parameter still there"
set +e
"$RES" $T read --stack "$STACK" --logical Url --id "$name" >/dev/null 2>&1
[ $? -eq 3 ] || fail "read of a deleted parameter should exit 3"
set -e
"$RES" $T delete --stack "$STACK" --logical Url --id "$name" || fail "deleting twice should succeed"
for id in "$pw" "$lost"; do "$RES" $T delete --stack "$STACK" --logical X --id "$id" 2>/dev/null; done
echo "ok"
