#!/usr/bin/env bash
# test_driver_s3.sh - AWS::S3::Bucket driver against moto, checked independently with boto3:
# create (tags, versioning, encryption, default public access block, lifecycle) -> read ->
# update -> read -> delete (refused while not empty unless emptying is allowed; then every
# version and delete marker goes) -> gone; region-correct create; ownership refusal; adoption;
# throttling retried without duplicates; list.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
RES="$DP_BUILD_DIR/dp_resource"
T=AWS::S3::Bucket
export AWS_ACCESS_KEY_ID="s3$UNIQ" DP_TEST_MAX_BACKOFF=0.05
STACK="st$UNIQ"
U=$(echo "$UNIQ" | tr 'A-Z' 'a-z')
fault() { curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' \
            -d "{\"access_key\":\"$AWS_ACCESS_KEY_ID\",$1}" >/dev/null || fail "could not add fault rule $1"; }
calls() { curl -sf "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['calls'].get('$1', 0))"; }
reset_calls() { curl -sf -X DELETE "$ENDPOINT/moto-api/dmsprov/calls?access_key=$AWS_ACCESS_KEY_ID" >/dev/null; }
py_get() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

b="$U-data"
LC='{"Rules":[{"Id":"logs","Status":"Enabled","Prefix":"logs/","ExpirationInDays":30,"NoncurrentVersionExpiration":{"NoncurrentDays":7},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":3}}]}'
ENC='{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/lab"},"BucketKeyEnabled":true}]}'
props="{\"BucketName\":\"$b\",\"Tags\":[{\"Key\":\"env\",\"Value\":\"lab\"}],\"VersioningConfiguration\":{\"Status\":\"Enabled\"},\"BucketEncryption\":$ENC,\"LifecycleConfiguration\":$LC}"
out=$("$RES" $T create --stack "$STACK" --logical Data --props "$props")
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$b" ] || fail "physical id: $out"
[ "$(py_get 'd["Attributes"]["Arn"]' <<<"$out")" = "arn:aws:s3:::$b" ] || fail "Arn: $out"
[ "$(py_get 'd["Attributes"]["RegionalDomainName"]' <<<"$out")" = "$b.s3.us-east-1.amazonaws.com" ] || fail "RegionalDomainName: $out"
live=$(boto "s=c('s3')
print(sorted((t['Key'], t['Value']) for t in s.get_bucket_tagging(Bucket='$b')['TagSet']))
print(s.get_bucket_versioning(Bucket='$b')['Status'])
r=s.get_bucket_encryption(Bucket='$b')['ServerSideEncryptionConfiguration']['Rules'][0]; print(r['ApplyServerSideEncryptionByDefault'], r.get('BucketKeyEnabled'))
print(s.get_public_access_block(Bucket='$b')['PublicAccessBlockConfiguration'])
l=s.get_bucket_lifecycle_configuration(Bucket='$b')['Rules'][0]; print(l['ID'], l['Status'], l['Expiration'], l['NoncurrentVersionExpiration']['NoncurrentDays'], l['AbortIncompleteMultipartUpload'])")
expect_contains "$live" "[('dmsprov:logical-id', 'Data'), ('dmsprov:stack', '$STACK'), ('env', 'lab')]"
expect_contains "$live" "Enabled"
expect_contains "$live" "{'SSEAlgorithm': 'aws:kms', 'KMSMasterKeyID': 'alias/lab'} True"
expect_contains "$live" "{'BlockPublicAcls': True, 'IgnorePublicAcls': True, 'BlockPublicPolicy': True, 'RestrictPublicBuckets': True}"
expect_contains "$live" "logs Enabled {'Days': 30} 7 {'DaysAfterInitiation': 3}"

# read equals the template (plus the public access block dmsprov sets by default)
out=$("$RES" $T read --stack "$STACK" --logical Data --id "$b")
got=$(py_get 'json.dumps(d["Properties"], sort_keys=True)' <<<"$out")
want=$("$PY" -c "import json,sys; p=json.loads(sys.argv[1]); p['PublicAccessBlockConfiguration']={k: True for k in ['BlockPublicAcls','BlockPublicPolicy','IgnorePublicAcls','RestrictPublicBuckets']}; print(json.dumps(p, sort_keys=True))" "$props")
[ "$got" = "$want" ] || fail "read differs from the template:
 got  $got
 want $want"

# update: versioning suspended, public access opened partly, lifecycle removed, tags changed
"$RES" $T update --stack "$STACK" --logical Data --id "$b" --props "{\"BucketName\":\"$b\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"x\"}],\"VersioningConfiguration\":{\"Status\":\"Suspended\"},\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true}}" >/dev/null
live=$(boto "s=c('s3')
print(sorted(t['Key'] for t in s.get_bucket_tagging(Bucket='$b')['TagSet']), s.get_bucket_versioning(Bucket='$b')['Status'])
print(s.get_public_access_block(Bucket='$b')['PublicAccessBlockConfiguration'])
try:
    s.get_bucket_lifecycle_configuration(Bucket='$b'); print('lifecycle still there')
except s.exceptions.ClientError as e: print(e.response['Error']['Code'])")
expect_contains "$live" "['dmsprov:logical-id', 'dmsprov:stack', 'team'] Suspended"
expect_contains "$live" "{'BlockPublicAcls': True, 'IgnorePublicAcls': True, 'BlockPublicPolicy': False, 'RestrictPublicBuckets': False}"
expect_contains "$live" "NoSuchLifecycleConfiguration"
out=$("$RES" $T read --stack "$STACK" --logical Data --id "$b")
[ "$(py_get '[d["Properties"].get(k) is not None for k in ("LifecycleConfiguration", "Tags", "VersioningConfiguration")]' <<<"$out")" = "[False, True, True]" ] \
  || fail "read after update: $out"

# a non-empty bucket (objects, old versions, delete markers) is not deleted without permission
boto "s=c('s3'); s.put_bucket_versioning(Bucket='$b', VersioningConfiguration={'Status': 'Enabled'})
for i in range(3): s.put_object(Bucket='$b', Key=f'k{i}', Body=b'1')
s.put_object(Bucket='$b', Key='k0', Body=b'2'); s.delete_object(Bucket='$b', Key='k1')"
count_versions() { boto "r=c('s3').list_object_versions(Bucket='$b'); print(len(r.get('Versions', [])), len(r.get('DeleteMarkers', [])))"; }
before=$(count_versions)
[ "$before" != "0 0" ] || fail "test setup: no objects"
if "$RES" $T delete --stack "$STACK" --logical Data --id "$b" >/dev/null 2>"$TMP/err"; then fail "a non-empty bucket was deleted"; fi
expect_contains "$(cat "$TMP/err")" "bucket $b is not empty"
[ "$(count_versions)" = "$before" ] || fail "refused delete touched objects"
"$RES" $T delete --stack "$STACK" --logical Data --id "$b" --empty-buckets || fail "delete with emptying failed"
[ "$(boto "print('$b' in [x['Name'] for x in c('s3').list_buckets()['Buckets']])")" = "False" ] || fail "bucket not deleted"
set +e; "$RES" $T read --stack "$STACK" --logical Data --id "$b" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "read of a deleted bucket should exit 3, got $rc"
"$RES" $T delete --stack "$STACK" --logical Data --id "$b" || fail "deleting twice should succeed"

# generated name (lower case, <= 63), in another region (LocationConstraint), repeated create adopts
out=$(AWS_REGION=eu-west-1 "$RES" $T create --stack "$STACK" --logical LogsBucket --token "t-$UNIQ" --props '{}')
gen=$(py_get 'd["PhysicalId"]' <<<"$out")
case "$gen" in "$(echo "$STACK-LogsBucket" | tr 'A-Z' 'a-z')-"*) ;; *) fail "generated name: $gen" ;; esac
[ ${#gen} -le 63 ] || fail "generated name too long: $gen"
[ "$(boto "print(c('s3').get_bucket_location(Bucket='$gen')['LocationConstraint'])")" = "eu-west-1" ] || fail "bucket not in eu-west-1"
out=$(AWS_REGION=eu-west-1 "$RES" $T create --stack "$STACK" --logical LogsBucket --token "t-$UNIQ" --props '{}')
[ "$(py_get 'd["PhysicalId"]' <<<"$out")" = "$gen" ] || fail "repeated create did not adopt"

# a lost CreateBucket answer (outside us-east-1, where a repeat says BucketAlreadyOwnedByYou)
fault '"service":"s3","operation":"CreateBucket","error":"drop","phase":"after","count":1'
AWS_REGION=eu-west-1 "$RES" $T create --stack "$STACK" --logical Lost --props "{\"BucketName\":\"$U-lost\"}" >/dev/null || fail "create after a lost answer failed"
[ "$(boto "print(c('s3').get_bucket_tagging(Bucket='$U-lost')['TagSet'] != [])")" = "True" ] || fail "adopted bucket has no tags"

# throttling in the middle of create and delete
reset_calls
fault '"service":"s3","operation":"CreateBucket","error":"throttle","count":2'
fault '"service":"s3","operation":"PutPublicAccessBlock","error":"throttle","count":1'
"$RES" $T create --stack "$STACK" --logical Thr --props "{\"BucketName\":\"$U-thr\"}" >/dev/null || fail "throttled create failed"
[ "$(calls s3.CreateBucket)" = "3" ] || fail "expected 3 CreateBucket attempts"
fault '"service":"s3","operation":"DeleteBucket","error":"throttle","count":1'
"$RES" $T delete --stack "$STACK" --logical Thr --id "$U-thr" || fail "throttled delete failed"

# ownership: a same-named bucket made without our tags is refused and left untouched
boto "s=c('s3'); s.create_bucket(Bucket='$U-foreign'); s.put_bucket_tagging(Bucket='$U-foreign', Tagging={'TagSet':[{'Key':'owner','Value':'them'}]})"
if "$RES" $T create --stack "$STACK" --logical F --props "{\"BucketName\":\"$U-foreign\"}" >/dev/null 2>"$TMP/err"; then
  fail "creating over a foreign bucket succeeded"
fi
expect_contains "$(cat "$TMP/err")" "bucket $U-foreign exists and is not owned by stack $STACK"
[ "$(boto "print(c('s3').get_bucket_tagging(Bucket='$U-foreign')['TagSet'])")" = "[{'Key': 'owner', 'Value': 'them'}]" ] || fail "foreign bucket modified"

# unsupported properties are refused, not ignored
if "$RES" $T create --stack "$STACK" --logical W --props "{\"BucketName\":\"$U-web\",\"WebsiteConfiguration\":{}}" >/dev/null 2>"$TMP/err"; then
  fail "an unsupported property was ignored"
fi
expect_contains "$(cat "$TMP/err")" "WebsiteConfiguration is not supported"

# list
out=$("$RES" $T list --stack "$STACK")
expect_contains "$out" "LogsBucket $gen"
expect_contains "$out" "Lost $U-lost"
expect_not_contains "$out" "foreign"
for x in "$gen" "$U-lost"; do "$RES" $T delete --stack "$STACK" --logical X --id "$x" 2>/dev/null; done
echo ok
