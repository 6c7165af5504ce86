#!/usr/bin/env python3
"""fake_s3_region.py - a loopback S3 stand-in whose one bucket lives in eu-west-1.

Prints its port on the first line of stdout. A request signed for another region (the region
in the SigV4 credential scope) gets what S3 answers then: HTTP 301 PermanentRedirect with an
x-amz-bucket-region header; a request signed for eu-west-1 gets 200 and a small ListObjectsV2
answer. Every request is appended to the file given by --log as "METHOD PATH REGION".
"""
import argparse
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOME = "eu-west-1"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        m = re.search(r"Credential=[^/]+/\d+/([^/]+)/s3/", self.headers.get("Authorization", ""))
        region = m.group(1) if m else "-"
        with open(self.server.log, "a") as f:
            f.write(f"GET {self.path} {region}\n")
        if region != HOME:
            body = (b"<?xml version=\"1.0\"?><Error><Code>PermanentRedirect</Code><Message>The bucket "
                    b"you are attempting to access must be addressed using the specified endpoint."
                    b"</Message></Error>")
            self.send_response(301)
            self.send_header("x-amz-bucket-region", HOME)
        else:
            body = (b"<?xml version=\"1.0\"?><ListBucketResult><Name>far-bucket</Name>"
                    b"<IsTruncated>false</IsTruncated><Contents><Key>hello.csv</Key></Contents>"
                    b"</ListBucketResult>")
            self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.log = args.log
    print(srv.server_address[1], flush=True)
    sys.stdout.close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
