#!/usr/bin/env bash
# test_rotate_login.sh - where `dmsprov rotate` logs in when the secret has no host (the lab's
# case: the cluster takes its password from the secret, so the secret cannot hold the
# cluster's endpoint): the live writer endpoint of that DB cluster (DescribeDBClusters), else
# the SSM parameters marked Metadata {"dmsprov:login": "host"|"port"|"dbname"}. Against a real
# PostgreSQL 15; moto's cluster endpoint is pointed at it by tests/rotate/record_proxy.py.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
source "$DP_SOURCE_DIR/tests/rotate/common.sh"
pg_up
trap '[ -f "$TMP/pg/base" ] && bash "$DP_SOURCE_DIR/tests/helpers/pg_stop.sh" "$TMP/pg"; rm -rf "$TMP"' EXIT
export ROT_REWRITE_RDS_FILE="$TMP/rds-rewrite"
rot_setup - 9 # the secret: no host, port 9 (nothing listens there)
export AWS_ENDPOINT_URL_RDS=$AWS_ENDPOINT_URL_DMS # RDS through the proxy too
boto "d=json.loads(c('secretsmanager').get_secret_value(SecretId='$SECRET')['SecretString']); assert 'host' not in d, d"
pg_login "$OLD_PW" || fail "the initial password does not log in"

# 1. sql: host and port from the cluster's live endpoint (the secret's port 9 is not used)
echo "127.0.0.1:$PGPORT_T" >"$ROT_REWRITE_RDS_FILE"
rotate --method sql >"$TMP/out1" 2>&1 || { cat "$TMP/out1" >&2; fail "rotate --method sql (cluster endpoint) failed"; }
cat "$TMP/out1"
out=$(cat "$TMP/out1")
expect_contains "$out" "login: 127.0.0.1:$PGPORT_T, database postgres (host from the endpoint of DB cluster DbCluster ($UNIQ-db))"
expect_contains "$out" "set: ALTER ROLE labadmin PASSWORD (logged in with AWSCURRENT)"
expect_contains "$out" "test: login with the pending password succeeded"
PW1=$(secret_pw AWSCURRENT)
SEEN_PW+=("$PW1")
pg_login "$PW1" || fail "the new password does not log in"
if pg_login "$OLD_PW"; then fail "the old password still logs in"; fi
[ "$(call_count rds.DescribeDBClusters)" -ge 1 ] || fail "the cluster's endpoint was not read: $(calls)"

# 2. api: the login test goes to moto's endpoint of the cluster (resolves nowhere: skipped)
rm -f "$ROT_REWRITE_RDS_FILE"
EP=$(boto "print(c('rds').describe_db_clusters(DBClusterIdentifier='$UNIQ-db')['DBClusters'][0]['Endpoint'])")
PORT=$(boto "print(c('rds').describe_db_clusters(DBClusterIdentifier='$UNIQ-db')['DBClusters'][0]['Port'])")
rotate >"$TMP/out2" 2>&1 || { cat "$TMP/out2" >&2; fail "rotate (api) failed"; }
cat "$TMP/out2"
out=$(cat "$TMP/out2")
expect_contains "$out" "login: $EP:$PORT, database postgres (host from the endpoint of DB cluster DbCluster"
expect_contains "$out" "test: login test skipped: database $EP:$PORT not reachable"
expect_not_contains "$out" "the secret has no host"
PW2=$(secret_pw AWSCURRENT)
SEEN_PW+=("$PW2")

# 3. sql, a template without the cluster: host and port from the SSM parameters marked
#    dmsprov:login (the database still has PW1: AWSCURRENT is refused, AWSPREVIOUS logs in)
boto "
s = c('ssm')
s.put_parameter(Name='/$UNIQ/db/host', Value='127.0.0.1', Type='String')
s.put_parameter(Name='/$UNIQ/db/port', Value='$PGPORT_T', Type='String')"
"$PY" - "$TPL" "$TMP/ssm.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
keep = text.split("  DbCluster:")[0]   # the secret and its schedule
keep += """  PasswordCopy:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /rotate-test/db/password
      Type: String
      Value: !Sub "{{resolve:secretsmanager:${DbSecret}:SecretString:password}}"
  DbHostParam:
    Type: AWS::SSM::Parameter
    Metadata: {"dmsprov:login": host}
    Properties: {Name: /rotate-test/db/host, Type: String, Value: 127.0.0.1}
  DbPortParam:
    Type: AWS::SSM::Parameter
    Metadata: {"dmsprov:login": port}
    Properties: {Name: /rotate-test/db/port, Type: String, Value: "5432"}
"""
open(sys.argv[2], "w").write(keep)
PY
sed -i "s|rotate-test|$UNIQ|g" "$TMP/ssm.yaml"
"$DMSPROV" validate -t "$TMP/ssm.yaml" >/dev/null || fail "the SSM-marked template does not validate"
"$DMSPROV" --state "$STATE" rotate --stack "$STACK" --template "$TMP/ssm.yaml" --method sql >"$TMP/out3" 2>&1 ||
  { cat "$TMP/out3" >&2; fail "rotate --method sql (SSM markers) failed"; }
cat "$TMP/out3"
out=$(cat "$TMP/out3")
expect_contains "$out" "login: 127.0.0.1:$PGPORT_T, database postgres (host from SSM parameter DbHostParam (/$UNIQ/db/host))"
expect_contains "$out" "set: ALTER ROLE labadmin PASSWORD (logged in with AWSPREVIOUS)"
expect_contains "$out" "test: login with the pending password succeeded"
PW3=$(secret_pw AWSCURRENT)
SEEN_PW+=("$PW3")
pg_login "$PW3" || fail "the third password does not log in"
if pg_login "$PW1"; then fail "the first rotation's password still logs in"; fi
[ "$(ssm_value)" = "$PW3" ] || fail "the SSM copy does not hold the new password"

# 4. sql with nowhere to log in: a clear error, AWSCURRENT unchanged
grep -v -e 'dmsprov:login' "$TMP/ssm.yaml" >"$TMP/none.yaml"
before=$(stages)
if "$DMSPROV" --state "$STATE" rotate --stack "$STACK" --template "$TMP/none.yaml" --method sql >"$TMP/out4" 2>&1; then
  fail "rotate --method sql succeeded without a database host"
fi
expect_contains "$(cat "$TMP/out4")" "no database host"
expect_contains "$(stages)" "${before%% *}"

LEAK_FILES=("$TMP/out1" "$TMP/out2" "$TMP/out3" "$TMP/out4" "$STATE/$STACK.json" "$PG_LOG")
no_leak
echo "ok"
