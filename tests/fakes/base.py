"""A small fake HTTP server for tests: loopback only, Python stdlib only.

Later fakes (Anthropic, E2B, Resend, Stripe, Workable) build on FakeServer:

    from fakes.base import FakeServer, Reply

    class FakeAnthropic(FakeServer):
        def setup_routes(self):
            self.route("POST", r"/v1/messages", self.messages)

        def messages(self, req):
            return Reply.json(200, {"content": [{"type": "text", "text": "hi"}]})

    with FakeAnthropic() as fake:          # started on a free port in a thread
        env["ANTHROPIC_BASE_URL"] = fake.url
        ...
        assert fake.requests[0].json["model"] == "claude-3-haiku-20240307"

Scripted replies take precedence over routes: `fake.script("POST", "/v1/messages",
Reply.json(529, {...}))` answers the next matching request once (a queue per
method+path pattern), which is how tests inject failures and slow answers
(`Reply(..., delay=2.0)`).  Unmatched requests get 404 JSON and are recorded.

As a separate process: `python3 -m fakes.anthropic` style modules call
`run_main(FakeX)`, which prints `PORT=<n>` on stdout (flushed) and serves until
SIGTERM/SIGINT.
"""

import json
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request the fake received."""
    method: str
    path: str                   # without the query string
    query: dict                 # name -> [values]
    headers: dict               # lower-cased name -> value
    body: bytes
    match: object = None        # the re.Match of the route pattern, if any

    @property
    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0          # seconds to wait before answering
    chunks: list = None         # if set, sent with chunked encoding (SSE, streaming)
    chunk_delay: float = 0.0
    drop: bool = False          # close the connection without answering

    @staticmethod
    def json(status, obj, headers=None, delay=0.0):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return Reply(status, json.dumps(obj).encode(), h, delay)

    @staticmethod
    def text(status, text, content_type="text/plain; charset=utf-8", headers=None, delay=0.0):
        h = {"Content-Type": content_type}
        h.update(headers or {})
        return Reply(status, text.encode(), h, delay)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tali-fake/1"

    def _handle(self):
        fake = self.server.fake
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(length) if length else b""
        req = Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                      {k.lower(): v for k, v in self.headers.items()}, body)
        reply = fake._dispatch(req)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        if reply.chunks is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in reply.chunks:
                data = chunk.encode() if isinstance(chunk, str) else chunk
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                if reply.chunk_delay:
                    time.sleep(reply.chunk_delay)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

    def _read_chunked(self):
        out = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def log_message(self, fmt, *args):  # quiet; tests read fake.requests instead
        if self.server.fake.verbose:
            sys.stderr.write("fake %s: %s\n" % (type(self.server.fake).__name__, fmt % args))


class FakeServer:
    """A threaded fake HTTP server on 127.0.0.1 and a free port."""

    def __init__(self, host="127.0.0.1", port=0, verbose=False):
        self.host = host
        self.port = port
        self.verbose = verbose
        self.requests = []
        self._routes = []       # (method, compiled pattern, handler)
        self._scripts = []      # (method, compiled pattern, [Reply, ...])
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None
        self.setup_routes()

    # ---- for subclasses and tests ----
    def setup_routes(self):
        """Override: register routes with self.route(...)."""

    def route(self, method, pattern, handler):
        """handler(Request) -> Reply.  pattern is a regex matched against the whole path."""
        self._routes.append((method.upper(), re.compile(pattern + r"\Z"), handler))

    def script(self, method, pattern, *replies):
        """Queues replies for the next matching requests (first match wins, each used once)."""
        with self._lock:
            self._scripts.append((method.upper(), re.compile(pattern + r"\Z"), list(replies)))

    def clear(self):
        with self._lock:
            self.requests.clear()
            self._scripts.clear()

    def requests_to(self, method, pattern):
        rx = re.compile(pattern + r"\Z")
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and rx.match(r.path)]

    def wait_for_requests(self, n, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= n:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"expected {n} requests, got {len(self.requests)}")

    # ---- lifecycle ----
    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        self._httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- internals ----
    def _dispatch(self, req):
        with self._lock:
            self.requests.append(req)
            for i, (method, rx, replies) in enumerate(self._scripts):
                m = rx.match(req.path)
                if method == req.method and m and replies:
                    req.match = m
                    reply = replies.pop(0)
                    if not replies:
                        del self._scripts[i]
                    return reply
        for method, rx, handler in self._routes:
            m = rx.match(req.path)
            if method == req.method and m:
                req.match = m
                try:
                    return handler(req)
                except Exception as e:  # a bug in a fake must be visible, not a hang
                    return Reply.json(500, {"fake_error": repr(e)})
        return Reply.json(404, {"error": "fake: no route", "method": req.method, "path": req.path})


def run_main(cls, argv=None):
    """Runs cls as a process: prints PORT=<n>, serves until SIGTERM/SIGINT."""
    import argparse
    ap = argparse.ArgumentParser(description=f"{cls.__name__} fake server")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    fake = cls(port=args.port, verbose=args.verbose).start()
    print(f"PORT={fake.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    fake.stop()


def start_subprocess(module, extra_args=(), env=None, timeout=10):
    """Starts `python3 -m <module>` (run from tests/) and returns (Popen, port)."""
    import os
    import subprocess
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, "-m", module, *extra_args], cwd=tests_dir, env=env,
                            stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("PORT="):
            return proc, int(line.strip().split("=", 1)[1])
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"fake {module} did not report its port")
