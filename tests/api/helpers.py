"""Small helpers shared by the API tests (no fixtures here; see conftest.py)."""

import io
import itertools
import json
import os
import random
import re
import socket
import threading
import zlib

# api-contract §1.8: on every response produced by routing (not preflight, not 429).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=63072000; includeSubDomains"

# api-contract §1.7
CORS_ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_ALLOW_HEADERS = ("Accept, Accept-Language, Authorization, Content-Language, Content-Type, "
                      "X-Assessment-Token, X-Requested-With")
ALLOWED_ORIGIN = "http://localhost:5173"
DISALLOWED_ORIGIN = "https://evil.example.org"

RATE_LIMIT_DETAIL = "Too many requests. Please try again later."

PROCESS_TIME_RE = re.compile(r"^\d+\.\d$")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_ip_lock = threading.Lock()
_ip_counter = itertools.count(1)
_ip_base = random.Random(os.getpid()).randrange(1, 200)


def unique_ip():
    """A documentation-range-like address unique within this test process."""
    with _ip_lock:
        n = next(_ip_counter)
    return f"10.{_ip_base}.{(n >> 8) & 255}.{n & 255}"


def json_lines(text):
    """Yields each line of text that parses as a JSON object."""
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            yield obj


def raw_http(port, data, timeout=10, source=None):
    """Sends raw bytes to 127.0.0.1:port (from the loopback address source,
    when given); returns all bytes until the peer closes."""
    if isinstance(data, str):
        data = data.encode()
    chunks = []
    src = (source, 0) if source else None
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=src) as s:
        s.sendall(data)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw):
    """(status, headers dict lower-cased, body bytes) of one raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def assert_security_headers(resp, hsts=False):
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, f"{name}: {resp.headers.get(name)!r} (status {resp.status_code})"
    if hsts:
        assert resp.headers.get("Strict-Transport-Security") == HSTS
    else:
        assert "Strict-Transport-Security" not in resp.headers


def assert_no_security_headers(resp):
    for name in list(SECURITY_HEADERS) + ["Strict-Transport-Security"]:
        assert name not in resp.headers, f"unexpected {name} on {resp.status_code} response"


def assert_json_detail(resp, status, detail):
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:500]}"
    assert resp.headers.get("Content-Type") == "application/json", resp.headers.get("Content-Type")
    assert resp.json() == {"detail": detail}


def assert_process_time(resp):
    value = resp.headers.get("X-Process-Time-Ms")
    assert value is not None, "X-Process-Time-Ms missing"
    assert PROCESS_TIME_RE.match(value), f"X-Process-Time-Ms not '<ms>.<d>': {value!r}"
    assert float(value) >= 0


def vary_has_origin(resp):
    return any(v.strip().lower() == "origin" for v in resp.headers.get("Vary", "").split(","))


def inflating_pdf(mib):
    """A PDF of a few hundred KiB whose one page's content stream inflates
    to mib MiB of drawing operators (no text)."""
    unit = b"1 0 0 1 0 0 cm\n" * 4096
    c = zlib.compressobj(9)
    stream = b"".join(c.compress(unit) for _ in range(mib * 1024 * 1024 // len(unit))) + c.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
