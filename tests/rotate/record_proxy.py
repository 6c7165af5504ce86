"""record_proxy.py - a loopback forwarder to moto that records which password each DMS
ModifyEndpoint call carried, as a SHA-256 digest (the password itself is never written).

usage: record_proxy.py UPSTREAM PORT_FILE RECORD_FILE
Every request is forwarded unchanged; for ModifyEndpoint a line "<EndpointArn> <sha256 hex of
Password>" is appended to RECORD_FILE. moto cannot show an endpoint's password (DMS never
returns it), so this is how the tests see that the endpoint got the new value.
With ROT_REWRITE_RDS_FILE set and that file holding "HOST:PORT", DescribeDBClusters answers
carry that writer Endpoint and Port (moto's endpoints resolve nowhere), so that a test can
point a cluster at a local PostgreSQL.
"""
import hashlib
import http.client
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

UP = urlsplit(sys.argv[1])
RECORD = sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if (self.headers.get("X-Amz-Target") or "").endswith(".ModifyEndpoint"):
            req = json.loads(body or b"{}")
            if "Password" in req:
                with open(RECORD, "a") as f:
                    f.write(f"{req.get('EndpointArn')} {hashlib.sha256(req['Password'].encode()).hexdigest()}\n")
        conn = http.client.HTTPConnection(UP.hostname, UP.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        data = self._rewrite_rds(body, data)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def _rewrite_rds(body, data):
        path = os.environ.get("ROT_REWRITE_RDS_FILE")
        if not path or not os.path.exists(path) or b"Action=DescribeDBClusters" not in body:
            return data
        host, port = open(path).read().strip().rsplit(":", 1)
        text = data.decode()
        text = re.sub(r"<Endpoint>[^<]*</Endpoint>", f"<Endpoint>{host}</Endpoint>", text)
        text = re.sub(r"<Port>[0-9]*</Port>", f"<Port>{port}</Port>", text)
        return text.encode()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
