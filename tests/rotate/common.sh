# common.sh - shared steps of the rotation integration tests (sourced after lib.sh).
# rot_setup HOST PORT [--task]: the stack's resources on moto + a minimal state; sets STACK,
# STATE, TPL, SECRET (name), IDS (JSON of physical ids), OLD_PW (the initial password).
# The DMS calls of dmsprov go through record_proxy.py so tests can see endpoint passwords'
# digests in $TMP/modify-endpoint.log.
TPL="$DP_SOURCE_DIR/tests/rotate/stack.yaml"
STATE="$TMP/state"
STACK="rot-$UNIQ"
SECRET="$UNIQ/db-master"
OLD_PW="Init!al-${UNIQ}-pw"
# A per-test access key: the moto extension counts calls per key (GET /moto-api/dmsprov/calls).
export AWS_ACCESS_KEY_ID="AKROT${UNIQ}"

rot_setup() {
  printf '%s' "$OLD_PW" >"$TMP/pw"
  IDS=$("$PY" "$DP_SOURCE_DIR/tests/rotate/setup.py" "$ENDPOINT" "$UNIQ" "$STATE" "$STACK" "$1" "$2" "$TMP/pw" ${3:-})
  "$PY" "$DP_SOURCE_DIR/tests/rotate/record_proxy.py" "$ENDPOINT" "$TMP/proxy.port" "$TMP/modify-endpoint.log" &
  PROXY_PID=$!
  trap 'kill "$PROXY_PID" 2>/dev/null; [ -f "$TMP/pg/base" ] && bash "$DP_SOURCE_DIR/tests/helpers/pg_stop.sh" "$TMP/pg"; rm -rf "$TMP"' EXIT
  for _ in $(seq 1 100); do [ -f "$TMP/proxy.port" ] && break; sleep 0.05; done
  export AWS_ENDPOINT_URL_DMS="http://127.0.0.1:$(cat "$TMP/proxy.port")"
  : >"$TMP/modify-endpoint.log"
}
rotate() { "$DMSPROV" --state "$STATE" rotate --stack "$STACK" --template "$TPL" "$@"; }
id_of() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$IDS" "$1"; }
# stages: "AWSCURRENT=<id> AWSPREVIOUS=<id> AWSPENDING=<id>" (sorted; labels absent are left out)
stages() { boto "
d = c('secretsmanager').describe_secret(SecretId='$SECRET')['VersionIdsToStages']
print(' '.join(sorted(f'{s}={v}' for v, ss in d.items() for s in ss)))"; }
nversions() { boto "print(len(c('secretsmanager').describe_secret(SecretId='$SECRET')['VersionIdsToStages']))"; }
secret_pw() { boto "print(json.loads(c('secretsmanager').get_secret_value(SecretId='$SECRET', VersionStage='$1')['SecretString'])['password'])"; }
ssm_value() { boto "print(c('ssm').get_parameter(Name='/$UNIQ/db/password')['Parameter']['Value'])"; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
last_token() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['rotations'][-1]['token'])" "$STATE/$STACK.json"; }
last_status() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['rotations'][-1]['status'])" "$STATE/$STACK.json"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID"; }
reset_calls() { curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }
call_count() { calls | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get(sys.argv[1], 0))" "$1"; }
# no_leak: no password seen so far (SEEN_PW) appears in any of LEAK_FILES
no_leak() {
  local pw f
  for f in "${LEAK_FILES[@]}"; do
    for pw in "${SEEN_PW[@]}"; do
      [ -n "$pw" ] || continue
      if grep -qF -- "$pw" "$f"; then fail "a password appears in $f"; fi
    done
  done
}
SEEN_PW=("$OLD_PW")
LEAK_FILES=()
# PostgreSQL (tests/helpers/pg_start.sh): pg_up starts it with labadmin/$OLD_PW (skips the
# test with 77 when PostgreSQL 15 is not available); pg_login PW succeeds when PW logs in.
pg_up() {
  printf '%s' "$OLD_PW" >"$TMP/pw"
  local rc=0
  bash "$DP_SOURCE_DIR/tests/helpers/pg_start.sh" "$TMP/pg" labadmin "$TMP/pw" >/dev/null || rc=$?
  [ "$rc" = 0 ] || { [ "$rc" = 77 ] && echo "SKIP: PostgreSQL 15 not available"; exit "$rc"; }
  PGPORT_T=$(cat "$TMP/pg/port")
  PG_LOG="$(cat "$TMP/pg/base")/server.log"
}
pg_login() { PGPASSWORD="$1" PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$PGPORT_T" -U labadmin -d postgres -tAc 'select 1' >/dev/null 2>&1; }
