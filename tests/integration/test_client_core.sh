#!/usr/bin/env bash
# test_client_core.sh - real calls through the client core against moto: one per protocol
# (DMS JSON, RDS Query, S3 REST-XML path style), pagination of each kind, AWS errors rendered as
# one clear line, whoami, and the environment's endpoint/region/credential settings.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
CALL="$DP_BUILD_DIR/dp_call"

# whoami: account, ARN, region and the endpoint used.
out=$("$DMSPROV" whoami)
expect_contains "$out" "Account:     123456789012"
expect_contains "$out" "Region:      us-east-1"
expect_contains "$out" "Endpoint:    $ENDPOINT (AWS_ENDPOINT_URL)"
expect_contains "$out" "Credentials: environment"
out=$("$DMSPROV" --region eu-west-2 whoami --json)
expect_contains "$out" '"Region":	"eu-west-2"'
# The per-service variable wins over AWS_ENDPOINT_URL (a dead port proves which one was used).
if AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 "$DMSPROV" whoami >"$TMP/out" 2>"$TMP/err"; then fail "whoami used the wrong endpoint"; fi
expect_contains "$(cat "$TMP/err")" "127.0.0.1:9"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "connection failure should be one line: $(cat "$TMP/err")"

# No credentials anywhere: one line naming where dmsprov looked.
if env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED=true HOME="$TMP" \
     "$DMSPROV" whoami >"$TMP/out" 2>"$TMP/err"; then fail "whoami without credentials succeeded"; fi
expect_contains "$(cat "$TMP/err")" "no AWS credentials"
expect_contains "$(cat "$TMP/err")" "AWS_ACCESS_KEY_ID"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "missing credentials should be one line: $(cat "$TMP/err")"
# No region: one line saying how to set it.
if env -u AWS_REGION -u AWS_DEFAULT_REGION "$DMSPROV" whoami 2>"$TMP/err"; then fail "whoami without region succeeded"; fi
expect_contains "$(cat "$TMP/err")" "no AWS region configured"

# DMS (JSON 1.1): 21 endpoints, found two pages at a time with Marker pagination (MaxRecords
# is 20..100 on AWS, and the moto extension pages like AWS).
ids=""
for i in $(seq 1 21); do
  "$CALL" json dms CreateEndpoint "{\"EndpointIdentifier\":\"$UNIQ-ep$i\",\"EndpointType\":\"target\",\"EngineName\":\"s3\",\"S3Settings\":{\"BucketName\":\"b$i\",\"ServiceAccessRoleArn\":\"arn:aws:iam::123456789012:role/r\"}}" >/dev/null
  ids="$ids${ids:+,}\"$UNIQ-ep$i\""
done
out=$("$CALL" json-pages dms DescribeEndpoints Marker "{\"MaxRecords\":20,\"Filters\":[{\"Name\":\"endpoint-id\",\"Values\":[$ids]}]}")
expect_contains "$out" "pages: 2"
for i in 1 2 20 21; do expect_contains "$out" "\"$UNIQ-ep$i\""; done
# An AWS error comes back as one clear line with service, operation, code and message.
if "$CALL" json dms DeleteEndpoint '{"EndpointArn":"arn:aws:dms:us-east-1:123456789012:endpoint:NOPE"}' >"$TMP/out" 2>"$TMP/err"; then
  fail "deleting a missing endpoint succeeded"
fi
expect_contains "$(cat "$TMP/err")" "error: dms DeleteEndpoint: ResourceNotFoundFault: Endpoint could not be found. (HTTP 400, request id"

# SSM (JSON 1.1, NextToken pagination).
for i in 1 2 3; do
  "$CALL" json ssm PutParameter "{\"Name\":\"/$UNIQ/p$i\",\"Value\":\"v$i\",\"Type\":\"String\"}" >/dev/null
done
out=$("$CALL" json-pages ssm GetParametersByPath NextToken "{\"Path\":\"/$UNIQ\",\"MaxResults\":1}")
# One parameter per page (moto answers a last, empty page after the third token).
[ "$(grep -c '^page' <<<"$out")" -ge 3 ] || fail "expected at least 3 pages: $out"
expect_contains "$out" "/$UNIQ/p1"
expect_contains "$out" "/$UNIQ/p3"

# RDS (Query): a subnet group, then errors in the ErrorResponse form.
subnet=$(boto "ec2=c('ec2'); v=ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']['VpcId']
print(ec2.create_subnet(VpcId=v, CidrBlock='10.9.1.0/24', AvailabilityZone='us-east-1a')['Subnet']['SubnetId'])")
"$CALL" query rds CreateDBSubnetGroup DBSubnetGroupName=$UNIQ-sng DBSubnetGroupDescription=lab \
   SubnetIds.SubnetIdentifier.1=$subnet >"$TMP/out" || fail "CreateDBSubnetGroup failed: $(cat "$TMP/out")"
out=$("$CALL" query rds DescribeDBSubnetGroups DBSubnetGroupName=$UNIQ-sng)
expect_contains "$out" "<DBSubnetGroupName>$UNIQ-sng</DBSubnetGroupName>"
if "$CALL" query rds DescribeDBClusters DBClusterIdentifier=$UNIQ-missing >"$TMP/out" 2>"$TMP/err"; then fail "missing cluster found"; fi
expect_contains "$(cat "$TMP/err")" "error: rds DescribeDBClusters: DBClusterNotFoundFault"
# IAM (Query, global endpoint): Marker + IsTruncated pagination.
for i in 1 2 3; do
  "$CALL" query iam CreateRole RoleName=$UNIQ-r$i Path=/$UNIQ/ \
     AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"dms.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
done
out=$("$CALL" query-pages iam ListRoles PathPrefix=/$UNIQ/ MaxItems=2)
expect_contains "$out" "pages: 2"
expect_contains "$out" "$UNIQ-r3"

# S3 (REST-XML, path style on a custom endpoint): create, put, list with paging, delete.
bucket=$(echo "$UNIQ-bucket" | tr 'A-Z' 'a-z')
"$CALL" s3 PUT "$bucket" >/dev/null
for i in 1 2 3 4 5; do "$CALL" s3 PUT "$bucket" "dir/key $i.csv" - "id,name" >/dev/null; done
out=$("$CALL" s3-list "$bucket" dir/ 2)
expect_contains "$out" "dir/key 5.csv"
expect_contains "$out" "pages: 3"
out=$("$CALL" s3 GET "$bucket" "dir/key 1.csv")
expect_contains "$out" "id,name"
boto "print(sorted(b['Name'] for b in c('s3').list_buckets()['Buckets']))" | grep -q "$bucket" || fail "boto3 does not see $bucket"
if "$CALL" s3 DELETE "$bucket" >"$TMP/out" 2>"$TMP/err"; then fail "deleting a non-empty bucket succeeded"; fi
expect_contains "$(cat "$TMP/err")" "BucketNotEmpty"
for i in 1 2 3 4 5; do "$CALL" s3 DELETE "$bucket" "dir/key $i.csv" >/dev/null; done
"$CALL" s3 DELETE "$bucket" >/dev/null
boto "print([b['Name'] for b in c('s3').list_buckets()['Buckets']])" | grep -q "$bucket" && fail "bucket still there"

# --debug logs requests but never the Authorization header's value or secrets.
"$DMSPROV" --debug whoami 2>"$TMP/debug" >/dev/null
expect_contains "$(cat "$TMP/debug")" "Authorization: ***"
expect_not_contains "$(cat "$TMP/debug")" "Signature="
echo "client core: ok"
