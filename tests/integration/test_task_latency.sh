#!/usr/bin/env bash
# test_task_latency.sh - `dmsprov task status` shows CDC latency from CloudWatch (AWS/DMS
# CDCLatencySource / CDCLatencyTarget, dimensions ReplicationInstanceIdentifier +
# ReplicationTaskIdentifier = the ARN's resource id): the newest 1-minute average of this task
# only, "no data" before DMS published any, nothing for full-load tasks or stopped tasks, and a
# note (not a failure) when CloudWatch refuses. moto's DMS publishes no metrics itself, so the
# test puts the data points DMS would publish with boto3.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
D=$DMSPROV
FAST=(--interval 100ms --timeout 60s)
fx() { task_fixture "$@"; }

INFRA=$(fx infra "$UNIQ")
T1="$UNIQ-cdc"
A1=$(fx task "$T1" "$INFRA" full-load-and-cdc)
T2="$UNIQ-fl"
fx task "$T2" "$INFRA" full-load >/dev/null
RID=${A1##*:}

# ---- a CDC task that never ran: no latency line (nothing is current)
run $D task status "$T1"
expect_rc 0
expect_not_contains "$out" "CDC latency"

run $D task start "$T1" --wait "${FAST[@]}"
expect_rc 0

# ---- running, but DMS has published nothing yet
run $D task status "$T1"
expect_rc 0
expect_contains "$out" "CDC latency:         no CloudWatch data in the last 15 minutes"

# ---- data points: an older and a newer one for this task, and a noisy neighbour
boto "
import datetime
cw = c('cloudwatch')
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
def put(task, name, value, minutes_ago, instance='$UNIQ-ri'):
    cw.put_metric_data(Namespace='AWS/DMS', MetricData=[{'MetricName': name, 'Value': value, 'Unit': 'Seconds',
        'Timestamp': now - datetime.timedelta(minutes=minutes_ago),
        'Dimensions': [{'Name': 'ReplicationInstanceIdentifier', 'Value': instance},
                       {'Name': 'ReplicationTaskIdentifier', 'Value': task}]}])
put('$RID', 'CDCLatencySource', 40, 6)
put('$RID', 'CDCLatencyTarget', 90, 6)
put('$RID', 'CDCLatencySource', 4, 2)
put('$RID', 'CDCLatencyTarget', 7, 2)
put('OTHERTASK', 'CDCLatencySource', 999, 1)
put('$RID', 'CDCLatencyTarget', 555, 1, instance='another-ri')
put('$RID', 'CDCLatencySource', 777, 30)   # outside the 15-minute window
"
run $D task status "$T1"
expect_rc 0
expect_contains "$out" "CDC latency:         source 4s, target 7s (CloudWatch, 1-minute average at "
run $D task status "$A1" --json
expect_rc 0
echo "$out" | "$PY" -c "
import json, sys
j = json.load(sys.stdin)
l = j['CdcLatency']
assert l['source_seconds'] == 4 and l['target_seconds'] == 7, l
assert l['at'].endswith('Z'), l
" || fail "status --json latency: $out"

# ---- metrics published under the task's identifier (not its resource id) are found too
T3="$UNIQ-cdc2"
fx task "$T3" "$INFRA" cdc >/dev/null
run $D task start "$T3" --wait "${FAST[@]}"
expect_rc 0
boto "
import datetime
c('cloudwatch').put_metric_data(Namespace='AWS/DMS', MetricData=[{'MetricName': 'CDCLatencySource', 'Value': 12,
    'Timestamp': datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1),
    'Dimensions': [{'Name': 'ReplicationInstanceIdentifier', 'Value': '$UNIQ-ri'},
                   {'Name': 'ReplicationTaskIdentifier', 'Value': '$T3'}]}])
"
run $D task status "$T3"
expect_rc 0
expect_contains "$out" "CDC latency:         source 12s, target - (CloudWatch"

# ---- CloudWatch refuses: a note on the line, the command still succeeds
export AWS_ACCESS_KEY_ID="$UNIQ"
curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/faults" -H 'Content-Type: application/json' -d "{\"access_key\": \"$UNIQ\",
  \"operation\": \"GetMetricData\", \"service\": \"monitoring\", \"status\": 403, \"code\": \"AccessDenied\",
  \"message\": \"User is not authorized to perform: cloudwatch:GetMetricData\", \"count\": 1}" >/dev/null
run $D task status "$T1"
expect_rc 0
expect_contains "$out" "CDC latency:         not available (cloudwatch:GetMetricData: "
expect_contains "$out" "AccessDenied"
expect_contains "$out" "Status:              running"
export AWS_ACCESS_KEY_ID=testing

# ---- a full-load task shows no latency, even running
run $D task start "$T2" --wait "${FAST[@]}"
expect_rc 0
run $D task status "$T2" --json
expect_rc 0
expect_not_contains "$out" "CdcLatency"

# ---- stopped: no current figure
run $D task stop "$T1" --wait "${FAST[@]}"
expect_rc 0
run $D task status "$T1"
expect_rc 0
expect_not_contains "$out" "CDC latency"
echo "ok"
