#!/usr/bin/env python3
"""fake_metadata.py - a loopback stand-in for EC2 IMDSv2 and the container credentials endpoint.

Prints the port it listens on (127.0.0.1, picked by the OS) on the first line of stdout.
  PUT /latest/api/token                          needs X-aws-ec2-metadata-token-ttl-seconds
  GET /latest/meta-data/iam/security-credentials/[ROLE]  needs X-aws-ec2-metadata-token (else 401)
  /norole/latest/...                             the same, for an instance without a role (404)
  GET /container/creds                           needs Authorization: <--container-token> (else 401)
Exits when its parent goes away or after --lifetime seconds, so a crashed test leaves nothing.
"""
import argparse
import datetime
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE = "lab-role"
IMDS_TOKEN = secrets.token_hex(16)
CREDS_PREFIX = "/latest/meta-data/iam/security-credentials/"


def expiration(hours=6):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(BaseHTTPRequestHandler):
    container_token = ""

    def log_message(self, fmt, *args):  # quiet: the test output stays readable
        pass

    def reply(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def split_norole(self):
        if self.path.startswith("/norole/"):
            return True, self.path[len("/norole"):]
        return False, self.path

    def do_PUT(self):
        _, path = self.split_norole()
        if path != "/latest/api/token":
            return self.reply(404, "not found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.reply(400, "missing or invalid X-aws-ec2-metadata-token-ttl-seconds")
        self.reply(200, IMDS_TOKEN)

    def do_GET(self):
        if self.path == "/container/creds":
            if self.headers.get("Authorization") != self.container_token:
                return self.reply(401, "unauthorized")
            return self.reply(200, json.dumps({
                "AccessKeyId": "ASIACONTAINEREXAMPLE", "SecretAccessKey": "container-secret-key",
                "Token": "container-session-token", "Expiration": expiration(),
                "RoleArn": "arn:aws:iam::123456789012:role/task"}), "application/json")
        norole, path = self.split_norole()
        if not path.startswith(CREDS_PREFIX):
            return self.reply(404, "not found")
        if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
            return self.reply(401, "")  # IMDSv2 only: no token, no answer
        rest = path[len(CREDS_PREFIX):]
        if norole:
            return self.reply(404, "not found")
        if rest == "":
            return self.reply(200, ROLE)
        if rest == ROLE:
            return self.reply(200, json.dumps({
                "Code": "Success", "LastUpdated": expiration(0), "Type": "AWS-HMAC",
                "AccessKeyId": "ASIAIMDSEXAMPLE", "SecretAccessKey": "imds-secret-key",
                "Token": "imds-session-token", "Expiration": expiration()}), "application/json")
        return self.reply(404, "not found")


def watchdog(parent, lifetime):
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--container-token", default="container-auth-token")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    Handler.container_token = args.container_token
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=watchdog, args=(os.getppid(), args.lifetime), daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
