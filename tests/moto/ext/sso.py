"""sso.py - a small IAM Identity Center portal (SSO GetRoleCredentials), which moto lacks.

The portal (service id "SSO", botocore data/sso/2019-06-10, rest-json, no SigV4):
  GET /federation/credentials?role_name=R&account_id=A   header x-amz-sso_bearer_token: T
    200 {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
                             "expiration": epoch milliseconds}}
    401 UnauthorizedException    token unknown, expired, or missing
    404 ResourceNotFoundException the token has no such account/role assignment
    429 TooManyRequestsException  while the token's "throttle" count lasts (control API)
    400 InvalidRequestException  role_name / account_id missing, or the request is signed
                                 (the model says noAuth: a signed call is a client bug)
  Errors carry the header x-amzn-ErrorType and {"message": ...}, as the portal answers.
  It is routed by path, whatever the Host (clients use AWS_ENDPOINT_URL[_SSO]).

The credentials are a real moto STS AssumeRole of
arn:aws:iam::A:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_R_<hash>, so moto knows
them: GetCallerIdentity answers account A and
arn:aws:sts::A:assumed-role/AWSReservedSSO_R_<hash>/<session>, as for a real SSO login.

Control API (JSON):
  POST   /moto-api/dmsprov/sso/tokens {"token", "account_id", "role_name", "expired"?: false,
                                       "throttle"?: 0}
         registers the token (what `aws sso login` obtains) with one assignment; posting the
         same token again adds an assignment ("expired" applies to the token); "throttle": N
         makes the next N GetRoleCredentials calls with it answer 429 (retry tests)
  DELETE /moto-api/dmsprov/sso/tokens?token=T   forgets the token
  GET    /moto-api/dmsprov/sso/tokens?token=T   {"token", "expired", "assignments", "calls",
         "last_issued": {"access_key_id", "secret_access_key"} or null} (the last credentials
         handed out, so a test can check they never show up in a client's output)
Tokens are test-chosen random strings, so parallel tests do not interfere.
"""
import hashlib
import json
import re
import threading
from urllib.parse import parse_qs

PORTAL_PATH = "/federation/credentials"
CONTROL_PATH = "/moto-api/dmsprov/sso/tokens"
BEARER_HEADER = "x-amz-sso_bearer_token"
# Our own environ key, set only from the exact header name (a hyphenated look-alike such as
# "x-amz-sso-bearer-token" would become HTTP_X_AMZ_SSO_BEARER_TOKEN and must not count).
BEARER_ENV = "dmsprov.sso_bearer_token"
SESSION_SECONDS = 3600

_lock = threading.Lock()
_tokens = {}  # token -> {"expired", "assignments": set((account, role)), "calls", "throttle"}


def handles(environ):
    path = environ.get("PATH_INFO", "")
    return path == PORTAL_PATH or path.rstrip("/") == CONTROL_PATH


def handle(environ, start_response):
    if environ.get("PATH_INFO", "") == PORTAL_PATH:
        status, headers, out = _portal(environ)
    else:
        status, headers, out = _control(environ)
    data = json.dumps(out).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))] + headers)
    return [data]


def _error(status, code, message):
    return status, [("x-amzn-ErrorType", code)], {"message": message}


def _role_arn(account, role):
    # Identity Center names the role it creates after the permission set plus a hash.
    suffix = hashlib.sha1(f"{account}/{role}".encode()).hexdigest()[:16]
    return f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{role}_{suffix}"


def _portal(environ):
    if environ.get("REQUEST_METHOD") != "GET":
        return _error("405 Method Not Allowed", "InvalidRequestException",
                      "GetRoleCredentials is GET /federation/credentials")
    if environ.get("HTTP_AUTHORIZATION") or environ.get("HTTP_X_AMZ_DATE"):
        return _error("400 Bad Request", "InvalidRequestException",
                      "GetRoleCredentials is not signed (auth: smithy.api#noAuth)")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    role = query.get("role_name", [""])[0]
    account = query.get("account_id", [""])[0]
    if not role or not account:
        return _error("400 Bad Request", "InvalidRequestException",
                      "role_name and account_id are required")
    token = environ.get(BEARER_ENV, "")
    with _lock:
        entry = _tokens.get(token) if token else None
        if entry is not None:
            entry["calls"] += 1
        if entry is None or entry["expired"]:
            return _error("401 Unauthorized", "UnauthorizedException",
                          "Session token not found or invalid")
        if entry["throttle"] > 0:
            entry["throttle"] -= 1
            return _error("429 Too Many Requests", "TooManyRequestsException", "Too many requests")
        if (account, role) not in entry["assignments"]:
            return _error("404 Not Found", "ResourceNotFoundException", "No access")
    from moto.sts.models import sts_backends

    assumed = sts_backends[account]["aws"].assume_role(
        region_name="us-east-1", role_session_name="dmsprov-sso-user",
        role_arn=_role_arn(account, role), policy=None, duration=SESSION_SECONDS,
        external_id=None)
    expiration_ms = int(assumed.expiration.timestamp() * 1000)
    with _lock:
        entry["last_issued"] = {"access_key_id": assumed.access_key_id,
                                "secret_access_key": assumed.secret_access_key}
    return "200 OK", [], {"roleCredentials": {
        "accessKeyId": assumed.access_key_id,
        "secretAccessKey": assumed.secret_access_key,
        "sessionToken": assumed.session_token,
        "expiration": expiration_ms,
    }}


class _Bad(Exception):
    pass


def _register(req):
    token, account, role = req.get("token"), req.get("account_id"), req.get("role_name")
    if not isinstance(token, str) or not token:
        raise _Bad("token must be a non-empty string")
    if not isinstance(account, str) or not re.fullmatch(r"\d{12}", account):
        raise _Bad("account_id must be 12 digits")
    if not isinstance(role, str) or not re.fullmatch(r"[\w+=,.@-]{1,32}", role):
        raise _Bad("role_name must be a permission set name")
    expired = req.get("expired", False)
    if not isinstance(expired, bool):
        raise _Bad("expired must be true or false")
    throttle = req.get("throttle", 0)
    if not isinstance(throttle, int) or isinstance(throttle, bool) or throttle < 0:
        raise _Bad("throttle must be a count")
    with _lock:
        entry = _tokens.setdefault(token, {"expired": False, "assignments": set(), "calls": 0,
                                           "throttle": 0, "last_issued": None})
        entry["expired"] = expired
        entry["throttle"] = throttle
        entry["assignments"].add((account, role))
        return _describe(token, entry)


def _describe(token, entry):
    return {"token": token, "expired": entry["expired"], "calls": entry["calls"],
            "last_issued": entry["last_issued"],
            "assignments": [{"account_id": a, "role_name": r} for a, r in sorted(entry["assignments"])]}


def _control(environ):
    method = environ.get("REQUEST_METHOD", "GET")
    token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [None])[0]
    try:
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length > 0 else b""
            req = json.loads(raw) if raw.strip() else {}
            if not isinstance(req, dict):
                raise _Bad("the body must be a JSON object")
            return "200 OK", [], _register(req)
        if method in ("GET", "DELETE"):
            if not token:
                raise _Bad("token= is required")
            with _lock:
                entry = _tokens.pop(token, None) if method == "DELETE" else _tokens.get(token)
                if entry is None:
                    raise _Bad("no such token registered")
                return "200 OK", [], _describe(token, entry)
        raise _Bad(f"unknown control call {method} {CONTROL_PATH}")
    except (_Bad, ValueError) as e:
        return "400 Bad Request", [], {"error": str(e)}


def install():
    """Lets the bearer header through: werkzeug's dev server drops every header whose name has
    an underscore (against spoofing), and the portal's header has one."""
    from werkzeug.serving import WSGIRequestHandler

    if getattr(WSGIRequestHandler, "_dmsprov_sso", False):
        return
    base = WSGIRequestHandler.make_environ

    def make_environ(self):
        environ = base(self)
        value = self.headers.get(BEARER_HEADER)
        if value is not None:
            environ[BEARER_ENV] = value.replace("\r\n", "")
        return environ

    WSGIRequestHandler.make_environ = make_environ
    WSGIRequestHandler._dmsprov_sso = True
