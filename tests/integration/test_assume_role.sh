#!/usr/bin/env bash
# test_assume_role.sh - a profile with role_arn + source_profile assumes the role through STS
# (moto), and the identity dmsprov then uses is the assumed role; --profile beats the
# environment; a missing --profile is one clear line.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
cat >"$TMP/credentials" <<CREDS
[base]
aws_access_key_id = AKIABASE$UNIQ
aws_secret_access_key = basesecret
CREDS
cat >"$TMP/config" <<CONF
[profile lab]
role_arn = arn:aws:iam::123456789012:role/lab-admin
source_profile = base
role_session_name = dmsprov-test
region = eu-west-1
[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loop-a
CONF
export AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials" AWS_CONFIG_FILE="$TMP/config"
out=$(env -u AWS_REGION "$DMSPROV" --profile lab whoami)
expect_contains "$out" "assumed-role/lab-admin/dmsprov-test"
expect_contains "$out" "Region:      eu-west-1"
expect_contains "$out" "Credentials: assumed role"
out=$(AWS_PROFILE=base "$DMSPROV" whoami)
expect_contains "$out" "Credentials: environment"   # the environment beats AWS_PROFILE
out=$("$DMSPROV" --profile base whoami)
expect_contains "$out" "Credentials: profile base"  # --profile beats the environment
if "$DMSPROV" --profile nope whoami 2>"$TMP/err"; then fail "unknown profile accepted"; fi
expect_contains "$(cat "$TMP/err")" 'profile "nope"'
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "one line expected: $(cat "$TMP/err")"
if "$DMSPROV" --profile loop-a whoami 2>"$TMP/err"; then fail "source_profile loop accepted"; fi
expect_contains "$(cat "$TMP/err")" "loop"
echo "assume role: ok"
