#!/usr/bin/env bash
# test_task_ops.sh - `dmsprov task start|stop|status|wait` against moto with the DMS task model:
# every exit path of wait (0 reached, 1 failed / unreachable, 3 timeout), start types, CDC
# flags refused locally, stop, status (table and --json), --stack resolution through the state
# and through ownership tags, and refusals naming the state (modifying, moving, deleting: from a
# stub DMS endpoint, because moto's task leaves those states on the describe that would show them).
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
D=$DMSPROV
FAST=(--interval 100ms --timeout 60s)

fx() { task_fixture "$@"; }

INFRA=$(fx infra "$UNIQ")
T1="$UNIQ-cdc"
A1=$(fx task "$T1" "$INFRA" full-load-and-cdc)

# ---- wait --until ready (creating -> ready), status of a task that never ran
run $D task wait "$T1" --until ready "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Task $T1 is ready"
run $D task status "$T1"
expect_rc 0
expect_contains "$out" "Status:              ready"
expect_contains "$out" "No table statistics"

# ---- refusals on a ready task, each naming the state
run $D task stop "$T1"
expect_rc 1
expect_contains "$out" "cannot stop task $T1: it is ready"
run $D task wait "$T1" --until running "${FAST[@]}"
expect_rc 1
expect_contains "$out" "is ready; it will not become running"
run $D task start "$T1" --type resume-processing
expect_rc 1
expect_contains "$out" "it never ran"
run $D task recover "$T1" --resume
expect_rc 1
expect_contains "$out" "it is ready, not failed"

# ---- mutually exclusive and bad flags: refused before any call (usage error 64)
run $D task start "$T1" --cdc-start-time 2024-03-08T12:12:12 --cdc-start-position "checkpoint:V1#1"
expect_rc 64
expect_contains "$out" "mutually exclusive"
run $D task recover "$T1" --resume --replace
expect_rc 64
expect_contains "$out" "mutually exclusive"
run $D task wait "$T1" --until running --timeout 5 minutes
expect_rc 64
run $D task wait "$T1" --until sideways
expect_rc 64
run $D task stop "$T1" --type reload-target
expect_rc 64
expect_contains "$out" "--type does not apply to task stop"
[ "$(fx get "$A1" Status)" = ready ] || fail "a refused command changed the task"

# ---- start (never ran -> start-replication) and wait until running
run $D task start "$T1" --wait "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Starting task $T1 (start-replication)"
expect_contains "$out" "Task $T1 is running"
expect_contains "$out" "tables"  # plain progress lines (not a terminal)
run $D task start "$T1"
expect_rc 1
expect_contains "$out" "cannot start task $T1: it is running"

# ---- full load completes while CDC keeps running
run $D task wait "$A1" --until full-load-complete "${FAST[@]}"
expect_rc 0
expect_contains "$out" "full load 100%"
run $D task status "$T1"
expect_rc 0
expect_contains "$out" "Full load:           100%"
expect_contains "$out" "Tables:              3 loaded, 0 loading, 0 queued, 0 errored"
expect_contains "$out" "TABLE        STATE            FULL-LOAD ROWS  INSERTS  UPDATES  DELETES  DDLS  VALIDATION"
expect_contains "$out" "public.emp1  Table completed"
expect_contains "$out" "public.dept  Table completed"
run $D task status "$T1" --json
expect_rc 0
echo "$out" | "$PY" -c "
import json, sys
d = json.load(sys.stdin)
assert d['Status'] == 'running', d
assert sorted(t['TableName'] for t in d['Tables']) == ['dept', 'emp1', 'emp2'], d['Tables']
assert all(t['TableState'] == 'Table completed' and t['FullLoadRows'] > 0 for t in d['Tables']), d['Tables']
assert d['RecoveryCheckpoint'].startswith('checkpoint:'), d
" || fail "status --json: $out"

# ---- timeout: a running CDC task does not stop by itself -> exit 3
run $D task wait "$T1" --until stopped --timeout 1s --interval 200ms
expect_rc 3
expect_contains "$out" "timed out after"
expect_contains "$out" "(it is running)"

# ---- stop --wait, then start again: resume-processing by default
run $D task stop "$T1" --wait "${FAST[@]}"
expect_rc 0
expect_contains "$out" "Task $T1 is stopped"
[ "$(fx get "$A1" StopReason)" = "Stop Reason NORMAL" ] || fail "stop reason"
run $D task stop "$T1"
expect_rc 0
expect_contains "$out" "already stopped"
run $D task wait "$T1" --until running "${FAST[@]}"
expect_rc 1
expect_contains "$out" "is stopped (Stop Reason NORMAL); it will not become running"
run $D task wait "$T1" --until full-load-complete "${FAST[@]}"
expect_rc 0  # it was complete before the stop
run $D task start "$T1" --wait --json "${FAST[@]}"
expect_rc 0
echo "$out" | grep -q '"Status":[[:space:]]*"running"' || fail "start --json: $out"
run $D task stop "$T1" --wait "${FAST[@]}"
expect_rc 0
run $D task start "$T1" --type reload-target --cdc-stop-position "server_time:2030-01-01T00:00:00" --wait "${FAST[@]}"
expect_rc 0
expect_contains "$out" "(reload-target)"
[ "$(fx get "$A1" CdcStopPosition)" = "server_time:2030-01-01T00:00:00" ] || fail "CdcStopPosition not sent"

# ---- the task fails while being waited for -> exit 1 with the failure message
curl -sf -X POST "$ENDPOINT/moto-api/dmsprov/dms/fail-task" \
  -d "{\"task_arn\": \"$A1\", \"message\": \"bad CSV row in s3://lab/in/2.csv\", \"when\": \"running\"}" >/dev/null
run $D task wait "$T1" --until stopped "${FAST[@]}"
expect_rc 1
expect_contains "$out" "task $T1 failed: bad CSV row in s3://lab/in/2.csv"
run $D task status "$T1"
expect_contains "$out" "Last failure:        bad CSV row in s3://lab/in/2.csv"
expect_contains "$out" "Table error"

# ---- a full-load task: running -> stopped (FULL_LOAD_ONLY_FINISHED); start with a CDC start time
T2="$UNIQ-fl"
A2=$(fx task "$T2" "$INFRA" full-load)
run $D task wait "$A2" --until ready "${FAST[@]}"
expect_rc 0
run $D task start "$A2" --cdc-start-time 2024-03-08T12:12:12Z "${FAST[@]}"
expect_rc 0
run $D task wait "$A2" --until full-load-complete "${FAST[@]}"
expect_rc 0
run $D task wait "$A2" --until stopped "${FAST[@]}"
expect_rc 0
[ "$(fx get "$A2" StopReason)" = "Stop Reason FULL_LOAD_ONLY_FINISHED" ] || fail "full load stop reason"
run $D task recover "$A2" --replace
expect_rc 1
expect_contains "$out" "full-load task has no change data capture"

# ---- a cdc task has no full load to wait for
T3="$UNIQ-only"
A3=$(fx task "$T3" "$INFRA" cdc "$UNIQ-stack" CdcTask)
run $D task wait "$T3" --until full-load-complete "${FAST[@]}"
expect_rc 1
expect_contains "$out" "is a cdc task: it has no full load"

# ---- --stack: the state's physical id, else the ownership tags
mkdir -p "$TMP/state"
run $D --state "$TMP/state" task status CdcTask --stack "$UNIQ-stack"
expect_rc 0
expect_contains "$out" "Task:                $T3 ($A3)"
cat >"$TMP/state/$UNIQ-stack.json" <<JSON
{"version": 1, "stack": "$UNIQ-stack", "serial": 1, "resources": {
  "Loader": {"type": "AWS::DMS::ReplicationTask", "physical_id": "$A2", "status": "complete"},
  "Bucket": {"type": "AWS::S3::Bucket", "physical_id": "$UNIQ-bucket", "status": "complete"}}}
JSON
run $D --state "$TMP/state" task status Loader --stack "$UNIQ-stack"
expect_rc 0
expect_contains "$out" "Task:                $T2 ($A2)"
run $D --state "$TMP/state" task status Bucket --stack "$UNIQ-stack"
expect_rc 1
expect_contains "$out" "is a AWS::S3::Bucket, not a replication task"
run $D --state "$TMP/state" task status Nope --stack "$UNIQ-stack"
expect_rc 1
expect_contains "$out" "has no replication task Nope"
run $D task status "$UNIQ-missing"
expect_rc 1
expect_contains "$out" "no replication task $UNIQ-missing"

# ---- refusals in the states moto's task model leaves at once: a stub DMS endpoint that
# describes a task in the state its identifier names and records any other call
cat >"$TMP/stub.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
calls = open(sys.argv[2], 'a')
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))) or b'{}')
        op = self.headers.get('X-Amz-Target', '').split('.')[-1]
        if op == 'DescribeReplicationTasks':
            ident = body['Filters'][0]['Values'][0].split(':')[-1]
            out = {'ReplicationTasks': [{'ReplicationTaskIdentifier': ident, 'Status': ident,
                   'ReplicationTaskArn': 'arn:aws:dms:us-east-1:123456789012:task:' + ident,
                   'MigrationType': 'cdc', 'ReplicationTaskStartDate': 1700000000,
                   'RecoveryCheckpoint': 'checkpoint:V1#9'}]}
        else:
            calls.write(op + '\n'); calls.flush()
            out = {}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/x-amz-json-1.1')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
srv = ThreadingHTTPServer(('127.0.0.1', 0), H)
open(sys.argv[1], 'w').write(str(srv.server_address[1]))
srv.serve_forever()
PY
: >"$TMP/stub.calls"
"$PY" "$TMP/stub.py" "$TMP/stub.port" "$TMP/stub.calls" &
STUB=$!
trap 'kill $STUB 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/stub.port" ] && break; sleep 0.1; done
S="http://127.0.0.1:$(cat "$TMP/stub.port")"
for st in modifying moving deleting; do
  run $D --endpoint-url "$S" task start "$st"
  expect_rc 1
  expect_contains "$out" "cannot start task $st: it is $st"
  run $D --endpoint-url "$S" task stop "$st"
  expect_rc 1
  expect_contains "$out" "cannot stop task $st: it is $st"
  run $D --endpoint-url "$S" task recover "$st" --replace
  expect_rc 1
  expect_contains "$out" "cannot replace task $st: it is $st"
  run $D --endpoint-url "$S" task recover "$st" --reload public.emp1
  expect_rc 1
  expect_contains "$out" "it is $st"
done
run $D --endpoint-url "$S" task wait deleting --until running --interval 100ms
expect_rc 1
expect_contains "$out" "is deleting"
[ ! -s "$TMP/stub.calls" ] || fail "a refused command still called: $(cat "$TMP/stub.calls")"
echo "task ops: ok"
