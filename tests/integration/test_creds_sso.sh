#!/usr/bin/env bash
# test_creds_sso.sh - IAM Identity Center profiles against the extension's SSO portal
# (tests/moto/ext/sso.py): both profile forms with a token cached as `aws sso login` leaves it,
# the credentials really are the portal's (moto's GetCallerIdentity names the SSO role), fetched
# once per run; expired / unknown / missing tokens and a missing setting are one clear line;
# an SSO profile as source_profile of a role; AWS_ENDPOINT_URL_SSO; --debug shows no secret.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_REGION
export HOME="$TMP/home"
mkdir -p "$HOME/.aws/sso/cache"

ACCOUNT=111122223333
TOKEN="aoa-$UNIQ-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"       # registered, valid
LEGACY_TOKEN="aoa-legacy-$UNIQ-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
UNKNOWN_TOKEN="aoa-unknown-$UNIQ"                                      # never registered
REVOKED_TOKEN="aoa-revoked-$UNIQ"                                      # the portal says expired
SESSION="corp-$UNIQ"
START="https://$UNIQ.awsapps.com/start"

cat >"$HOME/.aws/config" <<CONF
[profile sso-new]
sso_session = $SESSION
sso_account_id = $ACCOUNT
sso_role_name = LabAdmin
region = eu-west-1

[sso-session $SESSION]
sso_start_url = $START
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile sso-legacy]
sso_start_url = https://legacy-$UNIQ.awsapps.com/start
sso_region = us-east-2
sso_account_id = $ACCOUNT
sso_role_name = ReadOnly
region = us-east-2

[profile sso-expired]
sso_start_url = https://expired-$UNIQ.awsapps.com/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = LabAdmin
region = us-east-1

[profile sso-unknown]
sso_start_url = https://unknown-$UNIQ.awsapps.com/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = LabAdmin
region = us-east-1

[profile sso-revoked]
sso_start_url = https://revoked-$UNIQ.awsapps.com/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = LabAdmin
region = us-east-1

[profile sso-nocache]
sso_start_url = https://nocache-$UNIQ.awsapps.com/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = LabAdmin
region = us-east-1

[profile sso-norole]
sso_session = $SESSION
sso_account_id = $ACCOUNT
region = eu-west-1

[profile sso-notassigned]
sso_session = $SESSION
sso_account_id = $ACCOUNT
sso_role_name = NotAssigned
region = eu-west-1

[profile lab-role]
role_arn = arn:aws:iam::$ACCOUNT:role/lab-admin
source_profile = sso-new
role_session_name = dmsprov-sso-chain
region = eu-west-1
CONF

# The cache file names, from botocore itself (SSOTokenLoader: SHA-1 of the session name, or of
# the start URL for the legacy form).
cache_file() { # cache_file START_URL [SESSION]
  "$PY" -c "import sys; from botocore.utils import SSOTokenLoader
print(SSOTokenLoader()._generate_cache_key(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))" "$@"
}
write_token() { # write_token FILE_KEY TOKEN EXPIRES_AT
  cat >"$HOME/.aws/sso/cache/$1.json" <<JSON
{"startUrl": "$START", "region": "eu-west-1", "accessToken": "$2", "expiresAt": "$3",
 "clientId": "client-$UNIQ", "clientSecret": "client-secret-$UNIQ", "refreshToken": "refresh-$UNIQ"}
JSON
}
in_hours() { date -u -d "$1 hour" +%Y-%m-%dT%H:%M:%SZ; }
control() { # control METHOD QUERY [BODY]
  curl -sf -X "$1" "$ENDPOINT/moto-api/dmsprov/sso/tokens$2" ${3:+-H 'Content-Type: application/json' -d "$3"}
}
register() { # register TOKEN ROLE [EXPIRED] [THROTTLE]
  control POST "" "{\"token\": \"$1\", \"account_id\": \"$ACCOUNT\", \"role_name\": \"$2\", \
\"expired\": ${3:-false}, \"throttle\": ${4:-0}}" >/dev/null || fail "cannot register token for $2"
}
field() { "$PY" -c "import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
calls() { control GET "?token=$1" | field 'd["calls"]'; }
trap 'for t in "$TOKEN" "$LEGACY_TOKEN" "$REVOKED_TOKEN"; do control DELETE "?token=$t" >/dev/null 2>&1 || true; done; rm -rf "$TMP"' EXIT

register "$TOKEN" LabAdmin
register "$LEGACY_TOKEN" ReadOnly
register "$REVOKED_TOKEN" LabAdmin true
write_token "$(cache_file "$START" "$SESSION")" "$TOKEN" "$(in_hours +8)"
# fractional seconds and +00:00, as other SDKs write expiresAt
write_token "$(cache_file "https://legacy-$UNIQ.awsapps.com/start")" "$LEGACY_TOKEN" \
  "$(date -u -d '+8 hour' +%Y-%m-%dT%H:%M:%S.123456+00:00)"
write_token "$(cache_file "https://expired-$UNIQ.awsapps.com/start")" "$TOKEN" "$(in_hours -1)"
write_token "$(cache_file "https://unknown-$UNIQ.awsapps.com/start")" "$UNKNOWN_TOKEN" "$(in_hours +8)"
write_token "$(cache_file "https://revoked-$UNIQ.awsapps.com/start")" "$REVOKED_TOKEN" "$(in_hours +8)"

# 1. form (a): sso_session + [sso-session]; the identity is the SSO role's, in its account, and
#    the portal is asked once although whoami fetches credentials twice (in-memory cache).
run "$DMSPROV" --profile sso-new whoami
expect_rc 0
expect_contains "$out" "Account:     $ACCOUNT"
expect_contains "$out" "assumed-role/AWSReservedSSO_LabAdmin_"
expect_contains "$out" "Credentials: SSO role LabAdmin in account $ACCOUNT via profile sso-new"
[ "$(calls "$TOKEN")" = 1 ] || fail "portal calls for one run: $(calls "$TOKEN"), expected 1"

# 2. form (b): legacy sso_start_url in the profile; also through AWS_PROFILE
run env AWS_PROFILE=sso-legacy "$DMSPROV" whoami
expect_rc 0
expect_contains "$out" "assumed-role/AWSReservedSSO_ReadOnly_"
expect_contains "$out" "Region:      us-east-2"

# 3. tokens the CLI would refuse: one line, exit 1, "aws sso login --profile NAME"
for p in sso-expired sso-unknown sso-revoked sso-nocache; do
  run "$DMSPROV" --profile "$p" whoami
  expect_rc 1
  expect_contains "$out" "profile \"$p\": the SSO session has expired or is missing: run \"aws sso login --profile $p\""
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$p: one line expected: $out"
  expect_not_contains "$out" "aoa-"
done
# an expired cached token is refused locally, without asking the portal
[ "$(calls "$TOKEN")" = 1 ] || fail "the expired cached token reached the portal"
[ "$(calls "$REVOKED_TOKEN")" = 1 ] || fail "the revoked token did not reach the portal"

# 4. a missing setting, and a role the token has no access to
run "$DMSPROV" --profile sso-norole whoami
expect_rc 1
expect_contains "$out" "profile \"sso-norole\" uses IAM Identity Center (SSO) but is missing sso_role_name"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "one line expected: $out"
run "$DMSPROV" --profile sso-notassigned whoami
expect_rc 1
expect_contains "$out" "SSO GetRoleCredentials for role NotAssigned in account $ACCOUNT"
expect_contains "$out" "ResourceNotFoundException: No access (HTTP 404)"

# 5. an SSO profile as the source_profile of a role profile
run "$DMSPROV" --profile lab-role whoami
expect_rc 0
expect_contains "$out" "arn:aws:sts::$ACCOUNT:assumed-role/lab-admin/dmsprov-sso-chain"
expect_contains "$out" "Credentials: assumed role arn:aws:iam::$ACCOUNT:role/lab-admin via profile lab-role"

# 6. AWS_ENDPOINT_URL_SSO beats AWS_ENDPOINT_URL for the portal (and only for it)
run env AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ENDPOINT_URL_SSO="$ENDPOINT" \
  "$DMSPROV" --endpoint-url "$ENDPOINT" --profile sso-new whoami
expect_rc 0
expect_contains "$out" "AWSReservedSSO_LabAdmin_"
run env AWS_ENDPOINT_URL_SSO=http://127.0.0.1:9 "$DMSPROV" --profile sso-new whoami
expect_rc 1
expect_contains "$out" "profile \"sso-new\": SSO GetRoleCredentials (AWS_ENDPOINT_URL_SSO)"

# 7. throttling is retried (TooManyRequestsException twice, then the credentials)
register "$TOKEN" LabAdmin false 2
before=$(calls "$TOKEN")
run "$DMSPROV" --profile sso-new whoami
expect_rc 0
[ "$(calls "$TOKEN")" = $((before + 3)) ] || fail "expected 3 portal calls (2 throttled), got $(( $(calls "$TOKEN") - before ))"

# 8. --debug: the bearer header and the answer are redacted; no token or secret anywhere
run "$DMSPROV" --debug --profile sso-new whoami
expect_rc 0
issued=$(control GET "?token=$TOKEN")
akid=$(printf '%s' "$issued" | field 'd["last_issued"]["access_key_id"]')
secret=$(printf '%s' "$issued" | field 'd["last_issued"]["secret_access_key"]')
[ -n "$secret" ] && [ -n "$akid" ] || fail "the portal issued nothing"
expect_contains "$out" "x-amz-sso_bearer_token: ***"
expect_contains "$out" "GET $ENDPOINT/federation/credentials?role_name=LabAdmin&account_id=$ACCOUNT"
expect_contains "$out" "\"accessKeyId\": \"$akid\""        # the portal's key is the one in use
expect_contains "$out" "\"secretAccessKey\": \"***\""
case "$out" in *"$TOKEN"* | *"$secret"* | *"refresh-$UNIQ"* | *"client-secret-$UNIQ"*)
  fail "--debug output shows the SSO token or a secret" ;; esac
# the signed STS call uses the portal's key: moto's identity for that key is the SSO role
expect_contains "$out" "assumed-role/AWSReservedSSO_LabAdmin_"
echo "sso credentials: ok"
