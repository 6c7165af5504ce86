#!/usr/bin/env bash
# demo_lab.sh HERE WORK PYTHON - the lab part of the demo (called by demo.sh with moto running).
set -euo pipefail
here=$1 work=$2 py=$3
call() { "$here/build/dp_call" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "a round of real calls through the client core (DMS JSON, RDS Query, S3 REST-XML)"
call json dms DescribeReplicationInstances | tail -1
call query rds DescribeDBClusters | tail -1
call s3 PUT demo-bucket-1 >/dev/null && call s3 PUT demo-bucket-1 hello.txt - "hello" >/dev/null
call s3-list demo-bucket-1 - 10
"$py" -m awscli --endpoint-url "$AWS_ENDPOINT_URL" s3 ls s3://demo-bucket-1
