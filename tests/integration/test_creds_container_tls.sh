#!/usr/bin/env bash
# test_creds_container_tls.sh - an https AWS_CONTAINER_CREDENTIALS_FULL_URI is verified with the
# client's CA configuration (AWS_CA_BUNDLE, --ca-bundle, profile ca_bundle): a local TLS server
# with a throwaway self-signed certificate works only when that certificate is trusted.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_CA_BUNDLE
export AWS_EC2_METADATA_DISABLED=true
command -v openssl >/dev/null || fail "the openssl command is needed"

# a self-signed certificate for 127.0.0.1, and one more that is not trusted by it
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null \
  || fail "openssl req failed"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other" -keyout "$TMP/other-key.pem" \
  -out "$TMP/other.pem" 2>/dev/null || fail "openssl req failed"

# the container credentials endpoint over TLS: prints its port, answers GET /creds
cat >"$TMP/server.py" <<'PY'
import http.server, json, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/creds" or self.headers.get("Authorization") != "tls-token":
            self.send_response(403); self.end_headers(); return
        body = json.dumps({"AccessKeyId": "ASIATLSCONTAINER", "SecretAccessKey": "tls-container-secret",
                           "Token": "tls-session-token", "Expiration": "2099-01-01T00:00:00Z"}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY
"$PY" "$TMP/server.py" "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port")
[ -n "$PORT" ] || fail "the TLS server did not start"
export AWS_CONTAINER_CREDENTIALS_FULL_URI="https://127.0.0.1:$PORT/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=tls-token

# the server answers only with its certificate trusted (the fixture itself is sound)
curl -sf --cacert "$TMP/cert.pem" -H "Authorization: tls-token" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" >/dev/null \
  || fail "the TLS server does not answer"

# 1. no CA bundle: the self-signed certificate is refused, with a hint
if out=$("$DMSPROV" whoami 2>&1); then fail "untrusted certificate accepted: $out"; fi
expect_contains "$out" "container credentials"
expect_contains "$out" "AWS_CA_BUNDLE"
[ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] || fail "expected one error line: $out"
expect_not_contains "$out" "tls-container-secret"

# 2. a CA bundle that does not hold its certificate: refused, naming the bundle
if out=$(AWS_CA_BUNDLE="$TMP/other.pem" "$DMSPROV" whoami 2>&1); then fail "wrong CA bundle accepted: $out"; fi
expect_contains "$out" "not trusted by the CA bundle $TMP/other.pem"

# 3. AWS_CA_BUNDLE, --ca-bundle and the profile's ca_bundle each make it work
out=$(AWS_CA_BUNDLE="$TMP/cert.pem" "$DMSPROV" whoami 2>&1) || fail "AWS_CA_BUNDLE: $out"
expect_contains "$out" "Credentials: container credentials"
expect_not_contains "$out" "tls-container-secret"
out=$("$DMSPROV" --ca-bundle "$TMP/cert.pem" whoami 2>&1) || fail "--ca-bundle: $out"
expect_contains "$out" "Credentials: container credentials"
printf '[default]\nca_bundle = %s\n' "$TMP/cert.pem" >"$TMP/config"
out=$(AWS_CONFIG_FILE="$TMP/config" "$DMSPROV" whoami 2>&1) || fail "profile ca_bundle: $out"
expect_contains "$out" "Credentials: container credentials"

# 4. plain http stays refused for a host that is not loopback
if out=$(AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.10/creds" "$DMSPROV" whoami 2>&1); then
  fail "http to a remote host accepted: $out"
fi
expect_contains "$out" "must use https or a loopback host"
echo ok
