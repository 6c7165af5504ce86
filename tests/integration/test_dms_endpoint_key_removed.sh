#!/usr/bin/env bash
# test_dms_endpoint_key_removed.sh - apply / plan level: an S3Settings key removed from the
# template is removed on the endpoint too (plan sees the dropped key, the driver sends the
# structure with ExactSettings), which a merging ModifyEndpoint would keep, and a settings
# structure removed as a whole is reset; then plan is empty. Needs the engine to pass the last
# applied properties (dp_resource_req.applied) and to see nested removals (provisioner/engine/diff.c).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
export AWS_ACCESS_KEY_ID="dmsx$UNIQ"
S="dx${UNIQ}"
STATE="$TMP/state"
dp() { "$DMSPROV" --state "$STATE" "$@"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('dms.$1', 0))"; }

template() { # EXTRA_S3_SETTINGS_LINE [PG_SETTINGS_LINE]
  cat >"$TMP/stack.yaml" <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Src:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointIdentifier: src-${S}
      EndpointType: source
      EngineName: postgres
      ServerName: db.example.com
      Port: 5432
      DatabaseName: app
      Username: dms
${2:-}
  Tgt:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointIdentifier: tgt-${S}
      EndpointType: target
      EngineName: s3
      S3Settings:
        BucketName: bkt-${S}
        ServiceAccessRoleArn: arn:aws:iam::123456789012:role/dms-s3
        DataFormat: parquet
$1
YAML
}
live_pg() { boto "
e = c('dms').describe_endpoints(Filters=[{'Name':'endpoint-id','Values':['src-$S']}])['Endpoints'][0]
print(json.dumps(e.get('PostgreSQLSettings', {}), sort_keys=True))"; }
live_s3() { boto "
e = c('dms').describe_endpoints(Filters=[{'Name':'endpoint-id','Values':['tgt-$S']}])['Endpoints'][0]
print(json.dumps(e.get('S3Settings', {}), sort_keys=True))"; }

template "        BucketFolder: raw" "      PostgreSqlSettings: {SlotName: slot_${S}, HeartbeatEnable: true}"
out=$(dp apply -t "$TMP/stack.yaml" --stack "$S" --auto-approve 2>&1) || fail "first apply: $out"
live=$(live_s3)
expect_contains "$live" '"BucketFolder": "raw"'
expect_contains "$(live_pg)" '"SlotName": "slot_'"$S"'"'

# the key (and the Src settings) removed from the template: plan shows it, apply unsets it
template ""
set +e; out=$(dp plan -t "$TMP/stack.yaml" --stack "$S" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 2 ] || fail "plan after removing S3Settings.BucketFolder: exit $rc, want 2 (changes): $out"
expect_contains "$out" "S3Settings"
out=$(dp apply -t "$TMP/stack.yaml" --stack "$S" --auto-approve 2>&1) || fail "second apply: $out"
[ "$(count ModifyEndpoint)" = 2 ] || fail "expected one ModifyEndpoint per endpoint: $(calls)"
live=$(live_s3)
expect_not_contains "$live" "BucketFolder"
expect_contains "$live" '"BucketName": "bkt-'"$S"'"'
expect_contains "$live" '"DataFormat": "parquet"'
# PostgreSqlSettings removed as a whole: reset (to no settings on moto)
live=$(live_pg)
expect_not_contains "$live" "SlotName"
expect_not_contains "$live" "HeartbeatEnable"
set +e; out=$(dp plan -t "$TMP/stack.yaml" --stack "$S" --detailed-exitcode 2>&1); rc=$?; set -e
[ $rc = 0 ] || fail "plan after the update: exit $rc, want 0 (no changes): $out"

out=$(dp destroy --stack "$S" --auto-approve 2>&1) || fail "destroy: $out"
echo ok
