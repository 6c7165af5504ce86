"""control.py - the test control API under /moto-api/dmsprov/ and the WSGI middleware.

Endpoints (JSON in, JSON out; errors answer HTTP 400 {"error": "..."}):
  GET    /moto-api/dmsprov/                  this list
  POST   /moto-api/dmsprov/faults            add a fault rule (see faults.py) -> the rule
  GET    /moto-api/dmsprov/faults[?access_key=K]   rules with "count" left and "hits"
  DELETE /moto-api/dmsprov/faults?id=I|access_key=K|contains=S   remove rules
  GET    /moto-api/dmsprov/calls?access_key=K      {"service.Operation": count} of that caller
  DELETE /moto-api/dmsprov/calls?access_key=K      reset that caller's counts
  POST   /moto-api/dmsprov/dms/fail-task     {"task_arn", "message"?, "table"? ("schema.table"),
                                              "when"?: "now" (default) | "running"}
         "now": the task is "failed" at once; "running": it fails at its next lifecycle step
         while running (start it, and the waiter sees starting -> running -> failed).
  POST   /moto-api/dmsprov/dms/task-tables   {"task_arn", "tables": [{"schema", "table",
                                              "rows"?}]} - the tables the task loads.
Everything is scoped by ARN or access key, so parallel tests on one server don't interfere.
"""
import json
from urllib.parse import parse_qs

from moto.dms.models import dms_backends

from . import dms_tasks, faults

PREFIX = "/moto-api/dmsprov"


class ControlError(Exception):
    pass


def _task(arn):
    parts = (arn or "").split(":")
    if len(parts) < 7 or parts[2] != "dms" or parts[5] != "task":
        raise ControlError("task_arn must be a DMS replication task ARN")
    backend = dms_backends[parts[4]][parts[3]]
    task = backend.replication_tasks.get(arn)
    if task is None:
        raise ControlError(f"no replication task {arn}")
    return task


def _fail_task(req):
    task = _task(req.get("task_arn"))
    when = req.get("when", "now")
    if task.status in ("deleting", "deleted", "creating"):
        raise ControlError(f"task is {task.status}")
    if when == "now":
        dms_tasks.fail_now(task, req.get("message"), req.get("table"))
    elif when == "running":
        dms_tasks.arm_failure(task, req.get("message"), req.get("table"))
    else:
        raise ControlError("when must be now or running")
    return {"task_arn": task.arn, "status": task.status}


def _task_tables(req):
    task = _task(req.get("task_arn"))
    tables = req.get("tables")
    if not isinstance(tables, list) or not all(
            isinstance(t, dict) and t.get("schema") and t.get("table") for t in tables):
        raise ControlError("tables must be a list of {schema, table, rows?}")
    if task.status in ("starting", "running", "stopping"):
        raise ControlError("set the tables before the task starts")
    dms_tasks.set_tables(task, tables)
    return {"task_arn": task.arn, "tables": len(tables)}


def _route(method, path, query, req):
    one = lambda k: query.get(k, [None])[0]  # noqa: E731
    if path in ("", "/"):
        return {"endpoints": [line.strip() for line in __doc__.splitlines()
                              if line.strip().startswith(("GET", "POST", "DELETE"))]}
    if path == "/faults":
        if method == "POST":
            return faults.add_rule(req)
        if method == "GET":
            return {"faults": faults.list_rules(one("access_key"))}
        if method == "DELETE":
            return {"removed": faults.remove_rules(one("id"), one("access_key"), one("contains"))}
    if path == "/calls":
        key = one("access_key")
        if method == "GET":
            return {"access_key": key, "calls": faults.calls(key)}
        if method == "DELETE" and key:
            faults.reset_calls(key)
            return {"access_key": key, "calls": {}}
    if path == "/dms/fail-task" and method == "POST":
        return _fail_task(req)
    if path == "/dms/task-tables" and method == "POST":
        return _task_tables(req)
    raise ControlError(f"unknown control call {method} {PREFIX}{path}")


def handle(environ, start_response):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")[len(PREFIX):]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        req = json.loads(raw) if raw.strip() else {}
        out, status = _route(method, path.rstrip("/") if path != "/" else path, query, req), "200 OK"
    except (ControlError, ValueError) as e:
        out, status = {"error": str(e)}, "400 Bad Request"
    data = json.dumps(out).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]


def middleware(app, environ, start_response):
    """Runs in front of moto's dispatcher: control API, call counting, fault injection."""
    if environ.get("PATH_INFO", "").startswith(PREFIX):
        return handle(environ, start_response)
    if environ.get("PATH_INFO", "").startswith("/moto-api"):
        return app(environ, start_response)
    call = faults.Call(environ)
    rule = faults.take(call)
    if rule is None:
        return app(environ, start_response)
    if rule["phase"] == "after":
        result = app(environ, lambda *a, **k: (lambda data: None))
        try:
            for _ in result:  # let moto finish the call; its answer is discarded
                pass
        finally:
            if hasattr(result, "close"):
                result.close()
    return faults.answer(rule, call, environ, start_response)
