#!/usr/bin/env bash
# test_creds_process_limits.sh - dmsprov with a credential_process that hangs (stopped after
# DMSPROV_CREDENTIAL_PROCESS_TIMEOUT, one error line), one that prints too much (refused, never
# echoed) and one that works (its stderr reaches the user, its stdout never does).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_DISABLED=true
printf '#!/bin/sh\necho "hanging helper says hi" >&2\nsleep 300\n' >"$TMP/hang.sh"
printf '#!/bin/sh\nyes proc-leak-secret\n' >"$TMP/chatty.sh"
printf '#!/bin/sh\necho "helper diagnostics" >&2\necho %s\n' \
  "'{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCOK\", \"SecretAccessKey\": \"proc-ok-secret\"}'" >"$TMP/ok.sh"
chmod +x "$TMP"/*.sh
printf '[profile hang]\ncredential_process = %s\n[profile chatty]\ncredential_process = %s\n[profile ok]\ncredential_process = %s\n' \
  "$TMP/hang.sh" "$TMP/chatty.sh" "$TMP/ok.sh" >"$TMP/config"
export AWS_CONFIG_FILE="$TMP/config"

start=$SECONDS
if out=$(DMSPROV_CREDENTIAL_PROCESS_TIMEOUT=1 "$DMSPROV" --profile hang whoami 2>"$TMP/err"); then fail "hung helper accepted"; fi
[ $((SECONDS - start)) -lt 15 ] || fail "the timeout did not stop the helper in time"
err=$(cat "$TMP/err")
expect_contains "$err" "hanging helper says hi"
expect_contains "$err" "credential_process of profile hang did not finish within 1 s"
[ "$(grep -c 'dmsprov: error' "$TMP/err")" = 1 ] || fail "expected one error line: $err"
pgrep -f "$TMP/hang.sh" >/dev/null && fail "the helper survived its timeout"

if out=$("$DMSPROV" --profile chatty whoami 2>&1); then fail "endless output accepted"; fi
expect_contains "$out" "credential_process of profile chatty printed more than 65536 bytes"
expect_not_contains "$out" "proc-leak-secret"

if out=$(DMSPROV_CREDENTIAL_PROCESS_TIMEOUT=later "$DMSPROV" --profile ok whoami 2>&1); then fail "bad timeout accepted"; fi
expect_contains "$out" "DMSPROV_CREDENTIAL_PROCESS_TIMEOUT must be a whole number of seconds"

out=$("$DMSPROV" --profile ok whoami 2>"$TMP/err") || fail "working helper: $(cat "$TMP/err")"
expect_contains "$out" "Credentials: credential_process of profile ok"
expect_contains "$(cat "$TMP/err")" "helper diagnostics"
expect_not_contains "$out$(cat "$TMP/err")" "proc-ok-secret"
echo ok
