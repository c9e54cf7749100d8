"""Self-test of the fake E2B: the parts the C provider's test does not reach
(Host-header routing, the fake's own limits, path confinement, control
knobs over HTTP)."""

import http.client
import json
import os
import shutil
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fakes.e2b import FakeE2B  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("bwrap"), reason="the fake's kernels need bubblewrap")


def call(fake, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection(fake.host, fake.port, timeout=timeout)
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def events(raw):
    return [json.loads(line) for line in raw.decode().splitlines() if line.strip()]


@pytest.fixture
def fake():
    with FakeE2B() as f:
        yield f


def create(fake, **extra):
    status, body = call(fake, "POST", "/sandboxes", {"templateID": "code-interpreter-v1", "timeout": 60, **extra},
                        {"X-API-KEY": fake.api_key})
    assert status == 201, body
    return json.loads(body)


def test_host_header_routing_and_state(fake):
    sb = create(fake)
    host = {"Host": f"49999-{sb['sandboxID']}.{sb['domain']}"}
    status, raw = call(fake, "POST", "/execute", {"code": "v = 6 * 7"}, host)
    assert status == 200
    status, raw = call(fake, "POST", "/execute", {"code": "v"}, host)
    evs = events(raw)
    assert evs[0]["type"] == "result" and evs[0]["text"] == "42"
    assert evs[-1] == {"type": "end_of_execution"}
    assert {"type": "number_of_executions", "execution_count": 2} in evs


def test_exec_limit_restarts_kernel(fake):
    sb = create(fake)
    fake.set(exec_limit=1.0)
    path = f"/49999/{sb['sandboxID']}/execute"
    t0 = time.monotonic()
    status, raw = call(fake, "POST", path, {"code": "while True: pass"})
    assert time.monotonic() - t0 < 10
    evs = events(raw)
    assert evs[0]["type"] == "error" and evs[0]["name"] == "TimeoutError"
    status, raw = call(fake, "POST", path, {"code": "print('again')"})
    first = events(raw)[0]
    assert (first["type"], first["text"]) == ("stdout", "again\n")


def test_files_confined_and_readable(fake):
    sb = create(fake)
    boundary = "b0undary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
            f"hello\r\n--{boundary}--\r\n").encode()
    ct = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    base = f"/49983/{sb['sandboxID']}/files"
    status, _ = call(fake, "POST", base + "?path=/etc/passwd&username=user", part, ct)
    assert status == 400
    status, _ = call(fake, "POST", base + "?path=/tmp/../etc/x&username=user", part, ct)
    assert status == 400
    status, body = call(fake, "POST", base + "?path=/tmp/a/b.txt&username=user", part, ct)
    assert status == 200 and json.loads(body) == [{"name": "b.txt", "type": "file", "path": "/tmp/a/b.txt"}]
    status, body = call(fake, "GET", base + "?path=/tmp/a/b.txt")
    assert status == 200 and body == b"hello"
    status, raw = call(fake, "POST", f"/49999/{sb['sandboxID']}/execute",
                       {"code": "open('/tmp/a/b.txt').read()"})
    assert events(raw)[0]["text"] == "hello"


def test_no_network_in_the_sandbox(fake):
    sb = create(fake)
    code = ("import socket\ns = socket.socket()\ns.settimeout(2)\n"
            f"s.connect(('127.0.0.1', {fake.port}))")
    status, raw = call(fake, "POST", f"/49999/{sb['sandboxID']}/execute", {"code": code})
    err = [e for e in events(raw) if e["type"] == "error"]
    assert err and err[0]["name"] in ("ConnectionRefusedError", "OSError", "TimeoutError")


def test_knobs_failures_and_expiry_over_http(fake):
    status, _ = call(fake, "POST", "/_fake/knobs", {"omit_domain": True})
    assert status == 200
    sb = create(fake)
    assert "domain" not in sb
    status, _ = call(fake, "POST", "/_fake/knobs", {"nonsense": 1})
    assert status == 400
    call(fake, "POST", "/_fake/fail", {"op": "get", "status": 503})
    status, _ = call(fake, "GET", f"/sandboxes/{sb['sandboxID']}", headers={"X-API-KEY": fake.api_key})
    assert status == 503
    status, _ = call(fake, "GET", f"/sandboxes/{sb['sandboxID']}", headers={"X-API-KEY": fake.api_key})
    assert status == 200
    call(fake, "POST", f"/_fake/expire/{sb['sandboxID']}")
    status, _ = call(fake, "GET", f"/sandboxes/{sb['sandboxID']}", headers={"X-API-KEY": fake.api_key})
    assert status == 404
    status, _ = call(fake, "POST", f"/49999/{sb['sandboxID']}/execute", {"code": "1"})
    assert status == 502
    status, body = call(fake, "GET", "/_fake/requests")
    paths = [r["path"] for r in json.loads(body)]
    assert "/_fake/knobs" not in paths and f"/sandboxes/{sb['sandboxID']}" in paths


def test_timeout_extension_and_auth(fake):
    sb = create(fake)
    sid = sb["sandboxID"]
    status, _ = call(fake, "POST", f"/sandboxes/{sid}/timeout", {"timeout": 600}, {"X-API-KEY": "wrong"})
    assert status == 401
    status, _ = call(fake, "POST", f"/sandboxes/{sid}/timeout", {"timeout": 600}, {"X-API-KEY": fake.api_key})
    assert status == 204
    assert fake.sandboxes[sid].timeout == 600
    status, _ = call(fake, "DELETE", f"/sandboxes/{sid}", headers={"X-API-KEY": fake.api_key})
    assert status == 204
    status, _ = call(fake, "DELETE", f"/sandboxes/{sid}", headers={"X-API-KEY": fake.api_key})
    assert status == 404
