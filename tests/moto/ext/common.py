"""common.py - small helpers shared by the extension modules (errors, timestamps, paging)."""
import json
from datetime import datetime, timezone

from moto.core.exceptions import JsonRESTError


class DmsFault(JsonRESTError):
    """A DMS error in the service's JSON format (HTTP 400, "__type" = fault name)."""

    code = 400

    def __init__(self, fault, message):
        super().__init__(fault, message)


def not_found(message):
    return DmsFault("ResourceNotFoundFault", message)


def bad_state(message):
    return DmsFault("InvalidResourceStateFault", message)


def invalid(message):
    # Not in botocore's model, but it is what DMS answers for malformed parameters.
    return DmsFault("InvalidParameterValueException", message)


def epoch(value):
    """The JSON protocol's timestamp format (seconds since the epoch, as a number)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return round(value.timestamp(), 3)


def now():
    return datetime.now(timezone.utc)


def compact(d):
    """Drops None members: AWS omits absent members instead of sending null."""
    return {k: v for k, v in d.items() if v is not None}


def body(resp):
    """The JSON request body of a moto BaseResponse (empty dict for an empty body)."""
    raw = resp.body
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    return json.loads(raw) if raw else {}


def page(items, marker, max_records, default=100, lo=20, hi=100):
    """Marker/MaxRecords paging with DMS's bounds; returns (items, next_marker)."""
    if max_records is None:
        max_records = default
    try:
        max_records = int(max_records)
    except (TypeError, ValueError):
        raise invalid("MaxRecords must be an integer")
    if max_records < lo or max_records > hi:
        raise invalid(f"The parameter MaxRecords must be between {lo} and {hi}")
    start = 0
    if marker:
        try:
            start = int(str(marker).split(":", 1)[1])
        except (IndexError, ValueError):
            raise invalid("Invalid Marker")
    chunk = items[start:start + max_records]
    nxt = f"offset:{start + max_records}" if start + max_records < len(items) else None
    return chunk, nxt
