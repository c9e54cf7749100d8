"""A fake Resend API (POST /emails) for the e-mail adapter's tests.

Run in-process:  fake = FakeResend(); fake.start(); ... fake.stop()
It records every request (headers + JSON body) and answers like Resend:
200 {"id": "..."} by default; `fail_next(n, status)` makes the next n
calls fail with Resend's error shape.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with fake.lock:
            fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            failing = fake._failures > 0
            if failing:
                fake._failures -= 1
            status = fake._fail_status
        if self.path != "/emails":
            self._send(404, {"statusCode": 404, "message": "Not found", "name": "not_found"})
        elif self.headers.get("Authorization") != f"Bearer {fake.api_key}":
            self._send(401, {"statusCode": 401, "message": "API key is invalid", "name": "validation_error"})
        elif failing:
            self._send(status, {"statusCode": status, "message": "Internal failure", "name": "internal_server_error"})
        else:
            self._send(200, {"id": str(uuid.uuid4())})

    def _send(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeResend:
    def __init__(self, api_key="re_test_key"):
        self.api_key = api_key
        self.requests = []
        self.lock = threading.Lock()
        self._failures = 0
        self._fail_status = 500
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, n, status=500):
        with self.lock:
            self._failures = n
            self._fail_status = status

    def emails(self):
        with self.lock:
            return [r["body"] for r in self.requests if r["path"] == "/emails"]
