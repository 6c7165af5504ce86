#!/usr/bin/env bash
# test_dms_endpoint_exact_settings.sh - driver level: an endpoint update that carries a settings
# structure sends it with ExactSettings, so keys set outside the template (or dropped from it)
# are unset on the endpoint; an update without settings changes leaves settings alone.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
T=AWS::DMS::Endpoint
DPR="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="dmsxs$UNIQ"
STACK="sx$UNIQ"
props() { # BUCKET_FOLDER SERVER_NAME
  printf '{"EndpointIdentifier":"tgt-%s","EndpointType":"target","EngineName":"s3","ServerName":"%s","S3Settings":{"BucketName":"bkt-%s","BucketFolder":"%s","ServiceAccessRoleArn":"arn:aws:iam::123456789012:role/dms-s3"}}' \
    "$UNIQ" "$2" "$UNIQ" "$1"
}
live_s3() { boto "
e = c('dms').describe_endpoints(Filters=[{'Name':'endpoint-arn','Values':['$1']}])['Endpoints'][0]
print(json.dumps(e.get('S3Settings', {}), sort_keys=True))"; }
out=$("$DPR" $T create --stack "$STACK" --logical Tgt --props "$(props raw s3.example.com)") || fail "create: $out"
arn=$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['PhysicalId'])")

# a key set outside the template (a merging ModifyEndpoint, as the console or CLI does)
boto "c('dms').modify_endpoint(EndpointArn='$arn', S3Settings={'CompressionType': 'GZIP'})"
expect_contains "$(live_s3 "$arn")" '"CompressionType": "GZIP"'

# an update that changes nothing in S3Settings does not send it: the extra key stays
DP_DEBUG=1 "$DPR" $T update --stack "$STACK" --logical Tgt --id "$arn" --props "$(props raw s3b.example.com)" \
  >"$TMP/out" 2>"$TMP/log" || fail "update (server name): $(cat "$TMP/out" "$TMP/log")"
expect_not_contains "$(cat "$TMP/log")" "ExactSettings"
expect_contains "$(live_s3 "$arn")" '"CompressionType": "GZIP"'

# an update of S3Settings sends the whole structure exactly: the extra key is gone
DP_DEBUG=1 "$DPR" $T update --stack "$STACK" --logical Tgt --id "$arn" --props "$(props curated s3b.example.com)" \
  >"$TMP/out" 2>"$TMP/log" || fail "update (S3Settings): $(cat "$TMP/out" "$TMP/log")"
grep -q '"ExactSettings":[[:space:]]*true' "$TMP/log" || fail "ModifyEndpoint without ExactSettings: $(grep -i modifyendpoint -A3 "$TMP/log")"
live=$(live_s3 "$arn")
expect_not_contains "$live" "CompressionType"
expect_contains "$live" '"BucketFolder": "curated"'
expect_contains "$live" '"BucketName": "bkt-'"$UNIQ"'"'
out=$("$DPR" $T read --stack "$STACK" --logical Tgt --id "$arn" --props "$(props curated s3b.example.com)") || fail "read: $out"
echo "$out" | "$PY" -c "
import json,sys; s=json.load(sys.stdin)['Properties']['S3Settings']
assert s['BucketFolder'] == 'curated' and 'CompressionType' not in s, s" || fail "read after update"

"$DPR" $T delete --stack "$STACK" --logical Tgt --id "$arn" >/dev/null || fail "delete"
echo ok
