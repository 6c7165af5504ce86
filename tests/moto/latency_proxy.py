#!/usr/bin/env python3
"""latency_proxy.py - loopback HTTP forwarder to moto that adds a fixed latency and counts calls.

Usage: latency_proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--latency-ms 50]
                        [--port-file FILE]
Every request is forwarded unchanged (method, path, headers, body) to the upstream moto
server after sleeping --latency-ms, so benchmarks see AWS-like round trips. Calls are counted
per operation: the X-Amz-Target operation (JSON services), the Action parameter (Query
services), else "METHOD /first-path-segment" (REST, e.g. S3). GET /__proxy/counts answers the
counts as JSON ({"total": N, "calls": {"dms.CreateEndpoint": 1, ...}, "in_flight": N}, the
last being calls not yet answered by the upstream), DELETE resets the counts;
SIGINT/SIGTERM print the counts to stdout and exit. The listening port is printed (and written
to --port-file) once the proxy is ready. SigV4 signatures stay valid: the Host header is passed
through and the path/query are not re-encoded.
"""
import argparse
import http.client
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_counts = {}
_in_flight = [0]  # calls received and not yet answered by the upstream (or dropped)
_lock = threading.Lock()
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
        "upgrade"}


def _operation(handler, body):
    auth = handler.headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    service = m.group(1) if m else "?"
    target = handler.headers.get("X-Amz-Target")
    if target:
        return f"{service}.{target.rsplit('.', 1)[-1]}"
    query = urlsplit(handler.path).query
    action = parse_qs(query).get("Action")
    if not action and handler.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return f"{service}.{action[0]}"
    first = urlsplit(handler.path).path.split("/")[1:2]
    return f"{service}.{handler.command} /{first[0] if first else ''}"


def counts():
    with _lock:
        return {"total": sum(_counts.values()), "calls": dict(sorted(_counts.items())),
                "in_flight": _in_flight[0]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port)
    latency = 0.05

    def log_message(self, fmt, *args):  # quiet: benchmarks read the counts instead
        pass

    def _reply(self, status, data, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _forward(self):
        if self.path.startswith("/__proxy/counts"):
            if self.command == "DELETE":
                with _lock:
                    _counts.clear()
            return self._reply(200, json.dumps(counts()).encode())
        body = self._body()
        op = _operation(self, body)
        with _lock:
            _counts[op] = _counts.get(op, 0) + 1
            _in_flight[0] += 1
        try:
            time.sleep(self.latency)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            headers["Content-Length"] = str(len(body))
            conn = http.client.HTTPConnection(*self.upstream, timeout=120)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                # upstream dropped the connection (e.g. fault injection): drop ours too
                self.close_connection = True
                return
            finally:
                conn.close()
        finally:
            # the upstream has handled the call: a client killed meanwhile changes nothing
            with _lock:
                _in_flight[0] -= 1
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in _HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _forward


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    ap.add_argument("--port", type=int, default=0, help="listening port (0: any free port)")
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--port-file", help="write the listening port here when ready")
    args = ap.parse_args(argv)
    up = urlsplit(args.upstream)
    if up.scheme != "http" or not up.hostname:
        ap.error("--upstream must be an http:// URL")
    Handler.upstream = (up.hostname, up.port or 80)
    Handler.latency = args.latency_ms / 1000.0
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]

    def stop(signum, frame):
        print(json.dumps(counts()), flush=True)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(f"{port}\n")
    print(f"latency proxy on http://127.0.0.1:{port} -> {args.upstream} "
          f"(+{args.latency_ms:g} ms)", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
