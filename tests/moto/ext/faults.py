"""faults.py - scoped fault injection and per-caller call counts for the moto server.

A rule makes the next `count` matching calls fail, in the failing service's own error format:
  error "throttle": JSON services (DMS, Secrets Manager, SSM, ...) HTTP 400
                    {"__type": "ThrottlingException"}; Query services (RDS, IAM, STS, ...)
                    HTTP 400 <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>;
                    EC2 HTTP 503 RequestLimitExceeded; S3 HTTP 503 <Error><Code>SlowDown</Code>.
  error "internal": HTTP 500 InternalFailure (S3/EC2: InternalError).
  error "drop":     the connection is closed without any response.
  "code"/"status"/"message" override the error code, HTTP status and message.
  phase "before" (default): moto never sees the call (nothing is created);
  phase "after": moto handles the call (state changes) and then the answer is replaced/lost -
  the case in which a retried create must not create a duplicate.
Rules are scoped so parallel tests on the shared server don't disturb each other: a rule
needs "access_key" (the caller's AWS_ACCESS_KEY_ID, taken from the SigV4 credential) and/or
"contains" (a substring of the request path, query or body, e.g. a unique resource name),
unless it says "global": true. "operation" is the API operation name (X-Amz-Target / Action /
for S3 the REST operation such as PutObject, CreateBucket) or "*"; "service" (the SigV4
signing name: dms, rds, s3, ...) narrows it; "skip" lets that many matching calls through
first.
"""
import io
import itertools
import json
import re
import socket
import threading
import uuid
from urllib.parse import parse_qs

_lock = threading.Lock()
_rules = []
_ids = itertools.count(1)
_calls = {}  # access key -> {"service.Operation": count}

_CRED = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
_QUERY_NS = {"rds": "http://rds.amazonaws.com/doc/2014-10-31/",
             "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
             "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


class Call:
    """What the middleware knows about one request."""

    def __init__(self, environ):
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO", "")
        self.query = environ.get("QUERY_STRING", "")
        self.access_key = self.region = self.service = None
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = _CRED.search(auth)
        if not m and "X-Amz-Credential" in self.query:
            cred = parse_qs(self.query).get("X-Amz-Credential", [""])[0]
            m = re.match(r"([^/]+)/[^/]+/([^/]+)/([^/]+)/", cred)
        if m:
            self.access_key, self.region, self.service = m.group(1), m.group(2), m.group(3)
        self.body = self._read_body(environ)
        target = environ.get("HTTP_X_AMZ_TARGET")
        action = None
        if "Action=" in self.query:
            action = parse_qs(self.query).get("Action", [None])[0]
        if action is None and environ.get("CONTENT_TYPE", "").startswith(
                "application/x-www-form-urlencoded"):
            action = parse_qs(self.body).get("Action", [None])[0]
        if self.service == "s3":
            self.protocol, self.operation = "s3", _s3_operation(self, environ)
        elif self.service == "ec2":
            self.protocol, self.operation = "ec2", action or "?"
        elif target:
            self.protocol, self.operation = "json", target.rsplit(".", 1)[-1]
        elif action:
            self.protocol, self.operation = "query", action
        else:
            self.protocol, self.operation = "rest-json", f"{self.method} {self.path}"

    @staticmethod
    def _read_body(environ):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return ""
        if length <= 0 or length > (1 << 20):
            return ""
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)  # moto reads it again
        return raw.decode("utf-8", "replace")


_S3_BUCKET_SUB = ["tagging", "versioning", "policy", "encryption", "publicAccessBlock",
                  "lifecycle", "cors", "acl", "ownershipControls", "notification", "website",
                  "location", "versions", "uploads", "delete"]
_S3_NAMES = {"publicAccessBlock": "PublicAccessBlock", "ownershipControls": "OwnershipControls",
             "acl": "Acl", "cors": "Cors"}


def _s3_operation(call, environ):
    q = parse_qs(call.query, keep_blank_values=True)
    parts = call.path.lstrip("/").split("/", 1)
    bucket, key = parts[0], (parts[1] if len(parts) > 1 else "")
    m = call.method
    if not bucket:
        return "ListBuckets"
    if key:
        if "uploads" in q:
            return "CreateMultipartUpload"
        if "uploadId" in q:
            return {"PUT": "UploadPart", "GET": "ListParts", "DELETE": "AbortMultipartUpload",
                    "POST": "CompleteMultipartUpload"}.get(m, m)
        if "tagging" in q:
            return {"PUT": "PutObjectTagging", "GET": "GetObjectTagging",
                    "DELETE": "DeleteObjectTagging"}.get(m, m)
        if m == "PUT" and environ.get("HTTP_X_AMZ_COPY_SOURCE"):
            return "CopyObject"
        return {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject",
                "DELETE": "DeleteObject"}.get(m, m)
    if m == "POST" and "delete" in q:
        return "DeleteObjects"
    if m == "GET" and q.get("list-type") == ["2"]:
        return "ListObjectsV2"
    for sub in _S3_BUCKET_SUB:
        if sub in q:
            name = _S3_NAMES.get(sub, sub[0].upper() + sub[1:])
            if sub == "location":
                return "GetBucketLocation"
            if sub == "versions":
                return "ListObjectVersions"
            if sub == "uploads":
                return "ListMultipartUploads"
            verb = {"PUT": "Put", "GET": "Get", "DELETE": "Delete"}.get(m, m)
            return f"{verb}Bucket{name}" if sub != "publicAccessBlock" else f"{verb}{name}"
    return {"PUT": "CreateBucket", "GET": "ListObjects", "HEAD": "HeadBucket",
            "DELETE": "DeleteBucket"}.get(m, m)


# ---------------------------------------------------------------- rules


def add_rule(spec):
    """Validates and stores a rule; returns it (with its id)."""
    err = spec.get("error", "throttle")
    if err not in ("throttle", "internal", "drop"):
        raise ValueError("error must be throttle, internal or drop")
    if not spec.get("operation"):
        raise ValueError("operation is required (an API operation name or *)")
    if not (spec.get("access_key") or spec.get("contains") or spec.get("global")):
        raise ValueError("a rule needs access_key and/or contains (or global: true), "
                         "so that it cannot disturb other tests on the shared server")
    if spec.get("phase", "before") not in ("before", "after"):
        raise ValueError("phase must be before or after")
    rule = {"operation": spec["operation"], "service": spec.get("service"),
            "access_key": spec.get("access_key"), "contains": spec.get("contains"),
            "error": err, "count": int(spec.get("count", 1)), "skip": int(spec.get("skip", 0)),
            "phase": spec.get("phase", "before"), "code": spec.get("code"),
            "status": spec.get("status"), "message": spec.get("message"), "hits": 0}
    if rule["count"] < 1 or rule["skip"] < 0:
        raise ValueError("count must be >= 1 and skip >= 0")
    with _lock:
        rule["id"] = f"fault-{next(_ids)}"
        _rules.append(rule)
    return dict(rule)


def list_rules(access_key=None):
    with _lock:
        return [dict(r) for r in _rules if access_key in (None, r["access_key"])]


def remove_rules(rule_id=None, access_key=None, contains=None):
    """Removes the rules that match every given selector; returns how many."""
    if not (rule_id or access_key or contains):
        raise ValueError("give id, access_key or contains")
    with _lock:
        keep = [r for r in _rules if not ((rule_id in (None, r["id"]))
                                          and (access_key in (None, r["access_key"]))
                                          and (contains in (None, r["contains"])))]
        n = len(_rules) - len(keep)
        _rules[:] = keep
    return n


def _matches(rule, call):
    if rule["count"] <= 0:
        return False
    if rule["operation"] not in ("*", call.operation):
        return False
    if rule["service"] and rule["service"] != call.service:
        return False
    if rule["access_key"] and rule["access_key"] != call.access_key:
        return False
    if rule["contains"] and rule["contains"] not in f"{call.path}?{call.query}\n{call.body}":
        return False
    return True


def take(call):
    """Counts the call and returns the rule that fires for it (consuming one count), if any."""
    with _lock:
        per_key = _calls.setdefault(call.access_key or "-", {})
        name = f"{call.service}.{call.operation}"
        per_key[name] = per_key.get(name, 0) + 1
        for rule in _rules:
            if _matches(rule, call):
                if rule["skip"] > 0:
                    rule["skip"] -= 1
                    continue
                rule["count"] -= 1
                rule["hits"] += 1
                return dict(rule)
    return None


def calls(access_key=None):
    with _lock:
        if access_key:
            return dict(_calls.get(access_key, {}))
        return {k: dict(v) for k, v in _calls.items()}


def reset_calls(access_key):
    with _lock:
        _calls.pop(access_key, None)


# ---------------------------------------------------------------- error answers


def _error(rule, call):
    """(HTTP status, headers, body) of the injected error in the service's own format."""
    rid = str(uuid.uuid4())
    throttle = rule["error"] == "throttle"
    proto = call.protocol
    if proto == "s3":
        code, status, msg = (("SlowDown", 503, "Please reduce your request rate.") if throttle
                             else ("InternalError", 500,
                                   "We encountered an internal error. Please try again."))
    elif proto == "ec2":
        code, status, msg = (("RequestLimitExceeded", 503, "Request limit exceeded.") if throttle
                             else ("InternalError", 500, "An internal error has occurred"))
    elif proto == "query":
        code, status, msg = (("Throttling", 400, "Rate exceeded") if throttle
                             else ("InternalFailure", 500, "An internal error has occurred"))
    else:
        code, status, msg = (("ThrottlingException", 400 if proto == "json" else 429,
                              "Rate exceeded") if throttle
                             else ("InternalFailure", 500,
                                   "The request processing has failed because of an unknown "
                                   "error, exception or failure."))
    code = rule.get("code") or code
    status = int(rule.get("status") or status)
    msg = rule.get("message") or msg
    if proto == "s3":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>{msg}</Message><RequestId>{rid}</RequestId>"
                f"<HostId>{rid}</HostId></Error>")
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", rid)]
    elif proto == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                f"<Code>{code}</Code><Message>{msg}</Message></Error></Errors>"
                f"<RequestID>{rid}</RequestID></Response>")
        headers = [("Content-Type", "text/xml")]
    elif proto == "query":
        ns = _QUERY_NS.get(call.service or "")
        kind = "Sender" if status < 500 else "Receiver"
        xmlns = f' xmlns="{ns}"' if ns else ""
        body = (f"<ErrorResponse{xmlns}><Error><Type>{kind}</Type>"
                f"<Code>{code}</Code><Message>{msg}</Message></Error>"
                f"<RequestId>{rid}</RequestId></ErrorResponse>")
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
    else:
        body = json.dumps({"__type": code, "message": msg})
        headers = [("Content-Type", "application/x-amz-json-1.1" if proto == "json"
                    else "application/json"), ("x-amzn-RequestId", rid),
                   ("x-amzn-ErrorType", code)]
    return status, headers, body.encode()


_REASONS = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


def answer(rule, call, environ, start_response):
    """Sends the injected failure (or drops the connection)."""
    if rule["error"] == "drop":
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        # werkzeug's write now fails and it treats the connection as dropped
        start_response("500 Internal Server Error", [("Content-Length", "0")])
        return [b""]
    status, headers, body = _error(rule, call)
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]
