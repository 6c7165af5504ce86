"""dms_tasks.py - DMS replication task lifecycle, table statistics and task operations.

moto 5.2.1 creates tasks in "creating" forever, jumps start straight to "running", stop
straight to "stopped", deletes at once, reports fixed statistics (100% loaded) and has no
ModifyReplicationTask, MoveReplicationTask, DescribeTableStatistics or ReloadTables. Here:
- create -> "creating" -> "ready";
- start -> "starting" -> "running"; full-load tasks then -> "stopped" with StopReason
  "Stop Reason FULL_LOAD_ONLY_FINISHED"; CDC tasks stay "running";
- stop -> "stopping" -> "stopped" ("Stop Reason NORMAL"); delete -> "deleting" -> gone;
- modify -> "modifying" -> back to the previous state; move -> "moving" -> previous state
  on the new instance;
- ReplicationTaskStats and per-table statistics come from one table model: tables are
  taken from the selection rules of TableMappings (a "%" wildcard stands for two tables,
  NAME with % replaced by "1" and "2"; the control API can set the tables), every describe of
  a running task (DescribeReplicationTasks or DescribeTableStatistics) loads one more table
  ("Before load" -> "Full load" -> "Table completed"), then CDC counters grow;
- the control API (control.py) makes a task fail: status "failed", LastFailureMessage,
  RecoveryCheckpoint, StopReason "Stop Reason FATAL_ERROR", one table in "Table error".
Step timing is moto's state manager, model "dms::replicationtask" (see lifecycle.py).
"""
import json
import secrets
import string
import threading
import zlib

from moto.dms import models as dm
from moto.dms.responses import DatabaseMigrationServiceResponse as R
from moto.dms.utils import filter_tasks

from . import lifecycle
from .common import DmsFault, bad_state, body, compact, epoch, invalid, not_found, now, page
from .dms_resources import _live, purge

B = dm.DatabaseMigrationServiceBackend
Task = dm.FakeReplicationTask
_lock = threading.RLock()
_checkpoint_seq = [26]


def _task_next(task, status):
    if status == "creating":
        return "ready"
    if status in ("modifying", "moving"):
        return task._return_status
    if status == "starting":
        return "running"
    if status == "running":
        if getattr(task, "_fail_armed", None):
            return "failed"
        if task.migration_type == "full-load":
            return "stopped"
        return None
    if status == "stopping":
        return "stopped"
    if status == "deleting":
        return "deleted"
    return None


def _task_entered(task, old, new):
    t = now()
    if old == "moving":
        task.replication_instance_arn = task._move_target
        task._move_target = None
    elif new == "running":
        if task.migration_type != "cdc" and task._full_load_start is None:
            task._full_load_start = t
        _observe(task)
    elif new == "stopped" and old == "running":  # full load finished on its own
        _finish_full_load(task)
        task.stop_date = t
        task._stop_reason = "Stop Reason FULL_LOAD_ONLY_FINISHED"
    elif new == "stopped" and old == "stopping":
        task.stop_date = t
        task._stop_reason = "Stop Reason NORMAL"
        task._checkpoint = _checkpoint(task)
    elif new == "failed":
        fail_now(task, **task._fail_armed)


lifecycle.install(Task, "dms::replicationtask", _task_next, _task_entered)

# ---------------------------------------------------------------- table model


def _rows(schema, table):
    return 1000 + zlib.crc32(f"{schema}.{table}".encode()) % 9000


def tables_from_mappings(mappings):
    """(schema, table) pairs named by the include rules of a TableMappings document."""
    try:
        rules = json.loads(mappings or "{}").get("rules", [])
    except (ValueError, AttributeError):
        return []
    names, excluded = [], set()
    for rule in rules:
        if rule.get("rule-type") != "selection":
            continue
        loc = rule.get("object-locator", {})
        schema, table = loc.get("schema-name", "%"), loc.get("table-name", "%")
        if rule.get("rule-action") == "exclude":
            excluded.add((schema, table))
            continue
        for i in ("1", "2") if "%" in schema + table else ("",):
            pair = (schema.replace("%", i), table.replace("%", i))
            if pair not in names:
                names.append(pair)
    return [p for p in names if p not in excluded]


def _new_table(schema, table, rows=None):
    return {"SchemaName": schema, "TableName": table, "_rows": rows or _rows(schema, table),
            "TableState": "Before load", "FullLoadRows": 0, "Inserts": 0, "Deletes": 0,
            "Updates": 0, "Ddls": 0, "FullLoadReloaded": False, "FullLoadErrorRows": 0}


def set_tables(task, tables):
    """Replaces the task's table list (control API): [{"schema","table","rows"}]."""
    with _lock:
        task._custom_tables = [(t["schema"], t["table"], t.get("rows")) for t in tables]
        _reset_tables(task)


def _reset_tables(task):
    if getattr(task, "_custom_tables", None):
        spec = task._custom_tables
    else:
        spec = [(s, t, None) for s, t in tables_from_mappings(task.table_mappings)]
    task._tables = [_new_table(s, t, r) for s, t, r in spec]


def _load_step(tbl, t):
    """Moves one table one step of its full load; True if it did something."""
    if tbl["TableState"] in ("Full load", "Table is being reloaded"):
        tbl.update(TableState="Table completed", FullLoadRows=tbl["_rows"], FullLoadEndTime=t)
        return True
    if tbl["TableState"] == "Before load":
        tbl.update(TableState="Full load", FullLoadRows=tbl["_rows"] // 2, FullLoadStartTime=t)
        return True
    return False


def _observe(task):
    """One observation of a running task: the full load advances a table, then CDC grows."""
    with _lock:
        if task.__dict__.get("_status") != "running":
            return
        t = now()
        if task.migration_type == "cdc":
            for tbl in task._tables:
                if tbl["TableState"] == "Before load":
                    tbl.update(TableState="Table completed")
        loading = [x for x in task._tables if x["TableState"] in ("Full load", "Table is being reloaded")]
        queued = [x for x in task._tables if x["TableState"] == "Before load"]
        if loading or queued:
            for tbl in loading[:1] or queued[:1]:
                _load_step(tbl, t)
                tbl["LastUpdateTime"] = t
            if loading and queued:
                _load_step(queued[0], t)
        if not [x for x in task._tables if x["TableState"] in
                ("Before load", "Full load", "Table is being reloaded")]:
            if task.migration_type != "cdc" and task._full_load_finish is None:
                task._full_load_finish = t
            if task.migration_type != "full-load":
                for tbl in task._tables:
                    if tbl["TableState"] == "Table completed":
                        tbl["Inserts"] += 3
                        tbl["Updates"] += 2
                        tbl["Deletes"] += 1
                        tbl["LastUpdateTime"] = t
                task._checkpoint = _checkpoint(task)


def _finish_full_load(task):
    t = now()
    for tbl in task._tables:
        while _load_step(tbl, t):
            pass
        tbl["LastUpdateTime"] = t
    if task._full_load_finish is None:
        task._full_load_finish = t


def _checkpoint(task):
    _checkpoint_seq[0] += 1
    lsn = zlib.crc32(f"{task.arn}{_checkpoint_seq[0]}".encode())
    return f"checkpoint:V1#{_checkpoint_seq[0]}#{lsn >> 16:08X}/{lsn:08X}:0#0#0#*#0#{_checkpoint_seq[0] * 7}"


def fail_now(task, message=None, table=None):
    """Puts a task into "failed" the way DMS reports a fatal table error."""
    with _lock:
        t = now()
        if task.start_date is None:
            task.start_date = t
        target = None
        for tbl in task._tables:
            if table and f"{tbl['SchemaName']}.{tbl['TableName']}" == table:
                target = tbl
        if target is None and task._tables:
            unfinished = [x for x in task._tables if x["TableState"] != "Table completed"]
            target = (unfinished or task._tables)[0]
        if target is not None:
            target.update(TableState="Table error", FullLoadErrorRows=1, LastUpdateTime=t)
            name = f"{target['SchemaName']}.{target['TableName']}"
        else:
            name = "(no table)"
        task._fail_armed = None
        task._status = "failed"
        task.stop_date = t
        task._stop_reason = "Stop Reason FATAL_ERROR"
        task._last_failure = message or (
            f"Last Error Task error notification received from subtask 0, thread 0 "
            f"[reptask/replicationtask.c:2883] [1020455] Table error on '{name}'; "
            f"Stop Reason FATAL_ERROR Error Level FATAL")
        task._checkpoint = _checkpoint(task)


def arm_failure(task, message=None, table=None):
    """The task fails at its next lifecycle step out of "running" (control API, when=running)."""
    task._fail_armed = {"message": message, "table": table}


# ---------------------------------------------------------------- task model


_orig_task_init = Task.__init__


def _task_init(self, *args, **kwargs):
    _orig_task_init(self, *args, **kwargs)
    # AWS task ARNs end in a random resource id, not the identifier (moto uses the identifier),
    # so an identifier can be reused while an old task of that name is still being deleted.
    self.arn = self.arn.rsplit(":", 1)[0] + ":" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(26))
    self._return_status = "ready"
    self._move_target = None
    self._stop_reason = None
    self._last_failure = None
    self._checkpoint = None
    self._fail_armed = None
    self._ever_started = False
    self._fresh_start = None
    self._full_load_start = None
    self._full_load_finish = None
    self._cdc = {}
    self._custom_tables = None
    _reset_tables(self)


def _stats(self):
    tables = self._tables
    loaded = sum(1 for x in tables if x["TableState"] == "Table completed")
    loading = sum(1 for x in tables if x["TableState"] in ("Full load", "Table is being reloaded"))
    queued = sum(1 for x in tables if x["TableState"] == "Before load")
    errored = sum(1 for x in tables if x["TableState"] == "Table error")
    if not self._ever_started:
        pct = 0
    elif tables:
        pct = loaded * 100 // len(tables)
    else:
        pct = 100 if self._full_load_finish else 0
    elapsed = 0
    if self.start_date is not None:
        end = self.stop_date if self.stop_date and self.stop_date >= self.start_date else now()
        elapsed = int((end - self.start_date).total_seconds() * 1000)
    return compact({
        "FullLoadProgressPercent": pct, "ElapsedTimeMillis": elapsed,
        "TablesLoaded": loaded, "TablesLoading": loading, "TablesQueued": queued if self._ever_started else 0,
        "TablesErrored": errored, "FreshStartDate": epoch(self._fresh_start),
        "StartDate": epoch(self.start_date), "StopDate": epoch(self.stop_date),
        "FullLoadStartDate": epoch(self._full_load_start),
        "FullLoadFinishDate": epoch(self._full_load_finish),
    })


def _task_to_dict(self, without_settings=False):
    status = self.status
    d = {
        "ReplicationTaskIdentifier": self.id,
        "SourceEndpointArn": self.source_endpoint_arn,
        "TargetEndpointArn": self.target_endpoint_arn,
        "ReplicationInstanceArn": self.replication_instance_arn,
        "MigrationType": self.migration_type,
        "TableMappings": None if without_settings else self.table_mappings,
        "ReplicationTaskSettings": None if without_settings else self.replication_task_settings,
        "Status": status,
        "LastFailureMessage": self._last_failure,
        "StopReason": self._stop_reason if status in ("stopped", "failed") else None,
        "ReplicationTaskCreationDate": epoch(self.creation_date),
        "ReplicationTaskStartDate": epoch(self.start_date),
        "RecoveryCheckpoint": self._checkpoint,
        "ReplicationTaskArn": self.arn,
        "ReplicationTaskStats": _stats(self),
        "TargetReplicationInstanceArn": self._move_target if status == "moving" else None,
        "CdcStartPosition": getattr(self, "_cdc", {}).get("CdcStartPosition"),
        "CdcStopPosition": getattr(self, "_cdc", {}).get("CdcStopPosition"),
        "TaskData": getattr(self, "_task_data", None),
    }
    return compact(d)


def _advance_task(self):
    lifecycle_advance(self)
    _observe(self)


Task.__init__ = _task_init
Task.to_dict = _task_to_dict
lifecycle_advance = Task.advance
Task.advance = _advance_task

# ---------------------------------------------------------------- backend operations

_MIGRATION_TYPES = ("full-load", "cdc", "full-load-and-cdc")


def _task(self, arn):
    purge(self)
    task = self.replication_tasks.get(arn or "")
    if task is None or task.status == "deleted":
        raise not_found("Replication task could not be found.")
    return task


_orig_create_task = B.create_replication_task


def create_replication_task(self, replication_task_identifier, source_endpoint_arn,
                            target_endpoint_arn, replication_instance_arn, migration_type,
                            table_mappings, replication_task_settings, tags=None):
    purge(self)
    if migration_type not in _MIGRATION_TYPES:
        raise invalid(f"MigrationType must be one of {', '.join(_MIGRATION_TYPES)}")
    if any(t.id == replication_task_identifier for t in self.replication_tasks.values()):
        raise DmsFault("ResourceAlreadyExistsFault",
                       "The resource you are attempting to create already exists.")
    if replication_instance_arn not in self.replication_instances:
        raise not_found("Replication instance could not be found.")
    for arn in (source_endpoint_arn, target_endpoint_arn):
        self.endpoint_by_arn(arn)
    try:
        json.loads(table_mappings or "")
    except ValueError:
        raise invalid("TableMappings is not valid JSON")
    return _orig_create_task(self, replication_task_identifier, source_endpoint_arn,
                             target_endpoint_arn, replication_instance_arn, migration_type,
                             table_mappings, replication_task_settings, tags)


def start_replication_task(self, arn, start_type, cdc=None):
    task = _task(self, arn)
    status = task.status
    if status not in ("ready", "stopped", "failed"):
        raise bad_state(f"Replication task {task.id} is in state {status}; it can be started "
                        "only when ready, stopped or failed")
    if start_type not in ("start-replication", "resume-processing", "reload-target"):
        raise invalid("StartReplicationTaskType must be start-replication, "
                      "resume-processing or reload-target")
    if start_type == "resume-processing" and not task._ever_started:
        raise bad_state("resume-processing is only available for previously executed tasks")
    t = now()
    with _lock:
        if start_type != "resume-processing":
            _reset_tables(task)
            task._fresh_start = t
            task._full_load_start = None
            task._full_load_finish = None
        else:
            for tbl in task._tables:
                if tbl["TableState"] in ("Full load", "Table error", "Table is being reloaded"):
                    tbl.update(TableState="Before load", FullLoadRows=0, FullLoadErrorRows=0)
        task._ever_started = True
        task.start_date = t
        task.stop_date = None
        task._stop_reason = None
        task._last_failure = None
        task._cdc.update(cdc or {})
        task.status = "starting"
    return task


def stop_replication_task(self, arn):
    task = _task(self, arn)
    if task.status != "running":
        raise bad_state(f"Replication task {task.id} is not running (it is {task.status})")
    task.status = "stopping"
    return task


def delete_replication_task(self, arn):
    task = _task(self, arn)
    if task.status in ("starting", "running", "stopping", "modifying", "moving", "deleting"):
        raise bad_state(f"Replication task {task.id} cannot be deleted while {task.status}")
    task.status = "deleting"
    return task


_TASK_FILTERS = ("replication-task-arn", "replication-task-id", "migration-type",
                 "endpoint-arn", "replication-instance-arn")


def describe_replication_tasks(self, filters, max_records=None):
    purge(self)
    for f in filters or []:
        if f.get("Name") not in _TASK_FILTERS:
            raise invalid(f"Invalid filter name: {f.get('Name')}")
    found = filter_tasks(list(self.replication_tasks.values()), filters or [])
    for task in found:
        task.advance()
    found = _live(found)
    if filters and not found:
        raise not_found("No Tasks found matching provided filters")
    return found


def _settled(task, verb):
    status = task.status
    if status not in ("ready", "stopped", "failed"):
        raise bad_state(f"Replication task {task.id} cannot be {verb} while {status}")
    return status


def modify_replication_task(self, p):
    """Changes a task that is not running; it shows "modifying", then its previous state."""
    task = _task(self, p.get("ReplicationTaskArn"))
    previous = _settled(task, "modified")
    new_id = p.get("ReplicationTaskIdentifier")
    if new_id and new_id != task.id:
        if any(t.id == new_id for t in self.replication_tasks.values()):
            raise DmsFault("ResourceAlreadyExistsFault", f"Replication task {new_id} already exists")
        task.id = new_id  # the ARN does not change, as on AWS
    if "MigrationType" in p:
        if p["MigrationType"] not in _MIGRATION_TYPES:
            raise invalid(f"MigrationType must be one of {', '.join(_MIGRATION_TYPES)}")
        task.migration_type = p["MigrationType"]
    if "TableMappings" in p:
        try:
            json.loads(p["TableMappings"])
        except ValueError:
            raise invalid("TableMappings is not valid JSON")
        task.table_mappings = p["TableMappings"]
        if not task._ever_started:
            _reset_tables(task)
    if "ReplicationTaskSettings" in p:
        task.replication_task_settings = p["ReplicationTaskSettings"]
    for key in ("CdcStartPosition", "CdcStopPosition", "CdcStartTime"):
        if key in p:
            task._cdc[key] = p[key]
    if "TaskData" in p:
        task._task_data = p["TaskData"]
    task._return_status = previous
    task.status = "modifying"
    return task


def move_replication_task(self, arn, target_arn):
    """Moves a task to another replication instance: "moving", then its previous state."""
    task = _task(self, arn)
    previous = _settled(task, "moved")
    target = self.replication_instances.get(target_arn or "")
    if target is None or target.status == "deleted":
        raise not_found("Target replication instance could not be found.")
    if target.status != "available":
        raise bad_state(f"Target replication instance is {target.status}, not available")
    if target_arn == task.replication_instance_arn:
        raise invalid("The task already runs on that replication instance")
    task._return_status = previous
    task._move_target = target_arn
    task.status = "moving"
    return task


def table_statistics(self, arn, filters):
    task = _task(self, arn)
    if not task._ever_started:
        return task, []
    # the answer shows the tables as they are; this observation moves them afterwards
    snapshot = [dict(t) for t in task._tables]
    _observe(task)
    names = {"schema-name": "SchemaName", "table-name": "TableName", "table-state": "TableState"}
    rows = snapshot
    for f in filters or []:
        key = names.get(f.get("Name"))
        if key is None:
            raise invalid(f"Invalid filter name: {f.get('Name')}")
        rows = [r for r in rows if r[key] in f.get("Values", [])]
    return task, rows


def reload_tables(self, arn, tables, option):
    task = _task(self, arn)
    if task.status != "running":
        raise bad_state(f"Replication task {task.id} is not running (it is {task.status})")
    if option not in (None, "data-reload", "validate-only"):
        raise invalid("ReloadOption must be data-reload or validate-only")
    if not tables:
        raise invalid("TablesToReload must name at least one table")
    with _lock:
        for want in tables:
            for tbl in task._tables:
                if (tbl["SchemaName"], tbl["TableName"]) == (want.get("SchemaName"), want.get("TableName")):
                    if option != "validate-only":
                        tbl.update(TableState="Table is being reloaded", FullLoadRows=0,
                                   FullLoadReloaded=True, FullLoadErrorRows=0)
    return task


B.create_replication_task = create_replication_task
B.start_replication_task = start_replication_task
B.stop_replication_task = stop_replication_task
B.delete_replication_task = delete_replication_task
B.describe_replication_tasks = describe_replication_tasks
B.modify_replication_task = modify_replication_task
B.move_replication_task = move_replication_task
B.table_statistics = table_statistics
B.reload_tables = reload_tables

# ---------------------------------------------------------------- responses


def _out(task):
    return json.dumps({"ReplicationTask": task.to_dict()})


def _r_start(self):
    p = body(self)
    cdc = {k: p[k] for k in ("CdcStartPosition", "CdcStopPosition", "CdcStartTime") if k in p}
    return _out(self.dms_backend.start_replication_task(
        p.get("ReplicationTaskArn"), p.get("StartReplicationTaskType"), cdc))


def _r_stop(self):
    return _out(self.dms_backend.stop_replication_task(body(self).get("ReplicationTaskArn")))


def _r_delete(self):
    return _out(self.dms_backend.delete_replication_task(body(self).get("ReplicationTaskArn")))


def _r_describe(self):
    p = body(self)
    found = self.dms_backend.describe_replication_tasks(p.get("Filters", []))
    chunk, nxt = page(found, p.get("Marker"), p.get("MaxRecords"))
    ws = bool(p.get("WithoutSettings"))
    return json.dumps(compact({"ReplicationTasks": [t.to_dict(ws) for t in chunk], "Marker": nxt}))


def _r_modify(self):
    return _out(self.dms_backend.modify_replication_task(body(self)))


def _r_move(self):
    p = body(self)
    return _out(self.dms_backend.move_replication_task(p.get("ReplicationTaskArn"),
                                                       p.get("TargetReplicationInstanceArn")))


def _table_dict(row):
    d = {k: v for k, v in row.items() if not k.startswith("_")}
    for k in ("FullLoadStartTime", "FullLoadEndTime", "LastUpdateTime"):
        d[k] = epoch(d.get(k))
    d.update(AppliedInserts=row["Inserts"], AppliedUpdates=row["Updates"],
             AppliedDeletes=row["Deletes"], AppliedDdls=row["Ddls"],
             FullLoadCondtnlChkFailedRows=0, ValidationState="Not enabled",
             ValidationPendingRecords=0, ValidationFailedRecords=0,
             ValidationSuspendedRecords=0)
    return compact(d)


def _r_table_statistics(self):
    p = body(self)
    task, rows = self.dms_backend.table_statistics(p.get("ReplicationTaskArn"), p.get("Filters"))
    chunk, nxt = page(rows, p.get("Marker"), p.get("MaxRecords"), hi=500)
    return json.dumps(compact({"ReplicationTaskArn": task.arn,
                               "TableStatistics": [_table_dict(r) for r in chunk],
                               "Marker": nxt}))


def _r_reload_tables(self):
    p = body(self)
    task = self.dms_backend.reload_tables(p.get("ReplicationTaskArn"), p.get("TablesToReload"),
                                          p.get("ReloadOption"))
    return json.dumps({"ReplicationTaskArn": task.arn})


R.start_replication_task = _r_start
R.stop_replication_task = _r_stop
R.delete_replication_task = _r_delete
R.describe_replication_tasks = _r_describe
R.modify_replication_task = _r_modify
R.move_replication_task = _r_move
R.describe_table_statistics = _r_table_statistics
R.reload_tables = _r_reload_tables


# CreateReplicationTask: moto ignores CdcStartTime, CdcStartPosition, CdcStopPosition and
# TaskData (its docstring says so). AWS keeps them and DescribeReplicationTasks returns
# CdcStartPosition / CdcStopPosition / TaskData (botocore ReplicationTask shape); a task made to
# replace a failed one starts its CDC at the old RecoveryCheckpoint through exactly this field.
# CdcStartTime and CdcStartPosition are mutually exclusive, as on AWS.
_orig_r_create = R.create_replication_task


def _r_create(self):
    p = body(self)
    if p.get("CdcStartTime") is not None and p.get("CdcStartPosition"):
        raise invalid("CdcStartTime and CdcStartPosition are mutually exclusive")
    out = json.loads(_orig_r_create(self))
    task = self.dms_backend.replication_tasks.get(out["ReplicationTask"]["ReplicationTaskArn"])
    if task is not None:
        task._cdc.update({k: p[k] for k in ("CdcStartPosition", "CdcStopPosition", "CdcStartTime")
                          if p.get(k) is not None})
        if p.get("TaskData") is not None:
            task._task_data = p["TaskData"]
        out = json.loads(_out(task))
    return json.dumps(out)


R.create_replication_task = _r_create
