"""Self-test of the fake server base."""

import json
import os
import signal
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fakes.base import FakeServer, Reply  # noqa: E402


class Echo(FakeServer):
    def setup_routes(self):
        self.route("POST", r"/v1/echo/(\d+)", lambda req: Reply.json(201, {"id": int(req.match.group(1)),
                                                                           "got": req.json}))


def call(url, data=None, method=None):
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_routes_scripts_and_recording():
    with Echo() as fake:
        status, body = call(fake.url + "/v1/echo/7", b'{"a":1}')
        assert status == 201 and json.loads(body) == {"id": 7, "got": {"a": 1}}
        fake.script("POST", r"/v1/echo/\d+", Reply.json(529, {"error": "overloaded"}))
        assert call(fake.url + "/v1/echo/8", b"{}")[0] == 529
        assert call(fake.url + "/v1/echo/9", b"{}")[0] == 201   # script used once
        assert call(fake.url + "/nope")[0] == 404
        assert [r.path for r in fake.requests] == ["/v1/echo/7", "/v1/echo/8", "/v1/echo/9", "/nope"]
        assert fake.requests[0].header("Content-Type") == "application/json"
        assert len(fake.requests_to("POST", r"/v1/echo/\d+")) == 3


def test_delay():
    with FakeServer() as fake:
        fake.script("GET", r"/slow", Reply.text(200, "ok", delay=0.3))
        t = time.monotonic()
        assert call(fake.url + "/slow") == (200, b"ok")
        assert time.monotonic() - t >= 0.3


def test_subprocess_mode(tmp_path):
    from fakes.base import start_subprocess
    proc, port = start_subprocess("fakes.base_selftest_main")
    try:
        assert call(f"http://127.0.0.1:{port}/anything")[0] == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
