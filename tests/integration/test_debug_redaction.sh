#!/usr/bin/env bash
# test_debug_redaction.sh - secrets never reach --debug output or error messages.
# With DP_DEBUG=1 (the tools' --debug), drives calls that carry secrets and checks the request
# and answer log lines are there, redacted, and contain none of the values:
#  SSM PutParameter Value (SecureString), Secrets Manager SecretString (sent and read back),
#  DMS CreateEndpoint Password, RDS CreateDBCluster / ModifyDBCluster MasterUserPassword,
#  the secret access key and session token. Then a service error that echoes the value sent
#  (a ValidationException injected by moto) must reach the user with the value scrubbed.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
CALL="$DP_BUILD_DIR/dp_call"
RES="$DP_BUILD_DIR/dp_resource"
export AWS_ACCESS_KEY_ID="AKIARED$UNIQ"
export AWS_SECRET_ACCESS_KEY="SecretKey-$UNIQ-zz"
export AWS_SESSION_TOKEN="SessTok-$UNIQ-zz"
export DP_DEBUG=1
trap 'curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/faults?access_key=$AWS_ACCESS_KEY_ID" >/dev/null || true; rm -rf "$TMP"' EXIT
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }

SSM_V="SsmVal-$UNIQ-1"
SEC_V="SecVal-$UNIQ-2"
DMS_PW="DmsPw-$UNIQ-3"
RDS_PW="RdsPw-$UNIQ-4"
RDS_PW2="RdsPw-$UNIQ-5"
ALL=("$SSM_V" "$SEC_V" "$DMS_PW" "$RDS_PW" "$RDS_PW2" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN")
# no_secrets FILE... - none of the secret values in any of the files
no_secrets() {
    for s in "${ALL[@]}"; do
        if grep -qF -- "$s" "$@"; then fail "secret $s leaked into $*: $(grep -F -- "$s" "$@" | head -3)"; fi
    done
}
# logged FILE PATTERN - the debug log has this (so the test really looked at request lines)
logged() { grep -qE -- "$2" "$1" || fail "no debug line matching $2 in $1: $(head -c 2000 "$1")"; }

# ---- SSM SecureString through the raw client and through the driver
"$CALL" json ssm PutParameter "{\"Name\":\"/red/$UNIQ/a\",\"Type\":\"SecureString\",\"Value\":\"$SSM_V\"}" \
    >"$TMP/ssm.out" 2>"$TMP/ssm.err" || fail "PutParameter: $(cat "$TMP/ssm.err")"
logged "$TMP/ssm.err" '^debug: > POST '
logged "$TMP/ssm.err" '"Value":"\*\*\*"'
logged "$TMP/ssm.err" 'X-Amz-Security-Token: \*\*\*'
logged "$TMP/ssm.err" 'Authorization: \*\*\*'
"$CALL" json ssm GetParameter "{\"Name\":\"/red/$UNIQ/a\",\"WithDecryption\":true}" \
    >"$TMP/ssmget.out" 2>"$TMP/ssmget.err" || fail "GetParameter: $(cat "$TMP/ssmget.err")"
grep -qF "$SSM_V" "$TMP/ssmget.out" || fail "GetParameter did not answer the value (the test would prove nothing)"
logged "$TMP/ssmget.err" '^debug: < HTTP 200'
logged "$TMP/ssmget.err" '"Value": ?"\*\*\*"'
no_secrets "$TMP/ssm.err" "$TMP/ssmget.err"

"$RES" AWS::SSM::Parameter create --stack "r$UNIQ" --logical P \
    --props "{\"Name\":\"/red/$UNIQ/b\",\"Type\":\"String\",\"Value\":\"$SSM_V\"}" >"$TMP/ssmres.out" 2>"$TMP/ssmres.err" \
    || fail "SSM driver create: $(cat "$TMP/ssmres.err")"
logged "$TMP/ssmres.err" 'AmazonSSM.PutParameter'
no_secrets "$TMP/ssmres.err"

# ---- Secrets Manager: the driver sends SecretString; GetSecretValue answers it
"$RES" AWS::SecretsManager::Secret create --stack "r$UNIQ" --logical S \
    --props "{\"Name\":\"red-$UNIQ\",\"SecretString\":\"{\\\"password\\\":\\\"$SEC_V\\\"}\"}" >"$TMP/sec.out" 2>"$TMP/sec.err" \
    || fail "secret driver create: $(cat "$TMP/sec.err")"
logged "$TMP/sec.err" '"SecretString":"\*\*\*"'
"$CALL" json secretsmanager GetSecretValue "{\"SecretId\":\"red-$UNIQ\"}" >"$TMP/gsv.out" 2>"$TMP/gsv.err" \
    || fail "GetSecretValue: $(cat "$TMP/gsv.err")"
grep -qF "$SEC_V" "$TMP/gsv.out" || fail "GetSecretValue did not answer the value"
logged "$TMP/gsv.err" '"SecretString": ?"\*\*\*"'
no_secrets "$TMP/sec.out" "$TMP/sec.err" "$TMP/gsv.err"

# ---- DMS endpoint password (driver)
"$RES" AWS::DMS::Endpoint create --stack "r$UNIQ" --logical E \
    --props "{\"EndpointIdentifier\":\"red-$UNIQ\",\"EndpointType\":\"source\",\"EngineName\":\"postgres\",\"ServerName\":\"db.example.com\",\"Port\":5432,\"DatabaseName\":\"app\",\"Username\":\"dms\",\"Password\":\"$DMS_PW\"}" \
    >"$TMP/dms.out" 2>"$TMP/dms.err" || fail "DMS endpoint create: $(cat "$TMP/dms.err")"
logged "$TMP/dms.err" 'AmazonDMSv20160101.CreateEndpoint'
logged "$TMP/dms.err" '"Password":"\*\*\*"'
no_secrets "$TMP/dms.out" "$TMP/dms.err"

# ---- RDS master password, query protocol (form body), create and modify
"$CALL" query rds CreateDBCluster "DBClusterIdentifier=red-$UNIQ" Engine=aurora-postgresql MasterUsername=lab \
    "MasterUserPassword=$RDS_PW" >"$TMP/rds.out" 2>"$TMP/rds.err" || fail "CreateDBCluster: $(cat "$TMP/rds.err")"
logged "$TMP/rds.err" 'MasterUserPassword=\*\*\*'
"$CALL" query rds ModifyDBCluster "DBClusterIdentifier=red-$UNIQ" "MasterUserPassword=$RDS_PW2" ApplyImmediately=true \
    >"$TMP/rds2.out" 2>"$TMP/rds2.err" || fail "ModifyDBCluster: $(cat "$TMP/rds2.err")"
logged "$TMP/rds2.err" 'MasterUserPassword=\*\*\*&'
no_secrets "$TMP/rds.err" "$TMP/rds2.err"

# ---- a service error echoing the value sent: scrubbed before it reaches the user
fault "{\"operation\":\"PutParameter\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\",\"code\":\"ValidationException\",\"status\":400,\"message\":\"Value '$SSM_V' at 'value' failed to satisfy constraint\",\"count\":1}"
if "$RES" AWS::SSM::Parameter create --stack "r$UNIQ" --logical Q \
    --props "{\"Name\":\"/red/$UNIQ/c\",\"Type\":\"SecureString\",\"Value\":\"$SSM_V\"}" >"$TMP/val.out" 2>"$TMP/val.err"; then
    fail "create succeeded although a ValidationException was injected"
fi
grep -q "ValidationException" "$TMP/val.err" || fail "expected the injected ValidationException: $(cat "$TMP/val.err")"
grep -qF "Value '***' at 'value'" "$TMP/val.err" || fail "the echoed value was not scrubbed: $(grep error: "$TMP/val.err")"
no_secrets "$TMP/val.out" "$TMP/val.err"

fault "{\"operation\":\"CreateEndpoint\",\"access_key\":\"$AWS_ACCESS_KEY_ID\",\"error\":\"throttle\",\"code\":\"InvalidParameterValueException\",\"status\":400,\"message\":\"bad password $DMS_PW for user dms\",\"count\":1}"
if "$RES" AWS::DMS::Endpoint create --stack "r$UNIQ" --logical F \
    --props "{\"EndpointIdentifier\":\"red2-$UNIQ\",\"EndpointType\":\"source\",\"EngineName\":\"postgres\",\"ServerName\":\"db.example.com\",\"Port\":5432,\"DatabaseName\":\"app\",\"Username\":\"dms\",\"Password\":\"$DMS_PW\"}" \
    >"$TMP/val2.out" 2>"$TMP/val2.err"; then
    fail "endpoint create succeeded although an error was injected"
fi
grep -qF "bad password *** for user dms" "$TMP/val2.err" || fail "DMS password not scrubbed: $(grep error: "$TMP/val2.err")"
no_secrets "$TMP/val2.out" "$TMP/val2.err"

# ---- clean up (best effort; names are unique)
"$RES" AWS::DMS::Endpoint delete --stack "r$UNIQ" --logical E --id "$(jq -r .PhysicalId "$TMP/dms.out")" >/dev/null 2>&1 || true
"$RES" AWS::SecretsManager::Secret delete --stack "r$UNIQ" --logical S --id "$(jq -r .PhysicalId "$TMP/sec.out")" >/dev/null 2>&1 || true
echo "ok"
