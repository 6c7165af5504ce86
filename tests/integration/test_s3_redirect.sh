#!/usr/bin/env bash
# test_s3_redirect.sh - S3's region redirect: a bucket in eu-west-1 reached from us-east-1 answers
# 301 with x-amz-bucket-region; the client re-signs for that region and follows it once.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
"$PY" "$DP_SOURCE_DIR/tests/helpers/fake_s3_region.py" --log "$TMP/log" >"$TMP/port" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$(head -1 "$TMP/port")"
out=$("$DP_BUILD_DIR/dp_call" s3-list far-bucket - 10)
expect_contains "$out" "hello.csv"
expect_contains "$out" "requests: 2"
[ "$(sed -n 1p "$TMP/log")" = "GET /far-bucket?list-type=2&max-keys=10 us-east-1" ] || fail "first request: $(sed -n 1p "$TMP/log")"
[ "$(sed -n 2p "$TMP/log")" = "GET /far-bucket?list-type=2&max-keys=10 eu-west-1" ] || fail "redirected request: $(sed -n 2p "$TMP/log")"
echo "s3 redirect: ok"
