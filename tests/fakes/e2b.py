"""A fake E2B (control API + per-sandbox envd and code-interpreter) for the
e2b sandbox provider's tests.  Speaks the wire protocol of
platform-integrations §3.3 and really runs the code.

Run in-process:

    from fakes.e2b import FakeE2B
    with FakeE2B() as fake:
        env["E2B_API_URL"] = fake.url
        env["E2B_API_KEY"] = fake.api_key
        env["E2B_SANDBOX_URL"] = fake.sandbox_url_template
        ...
        fake.expire(sandbox_id)                 # GET -> 404, sandbox ports -> 502
        fake.fail("execute", 502)               # next execute answers 502 once
        fake.set(stream_delay=0.5, omit_domain=True)

or as a process (`python3 -m fakes.e2b`, prints PORT=<n>; the API key is
$FAKE_E2B_API_KEY or "e2b_test_key"), driven over HTTP by the same knobs:

    POST /_fake/knobs   {"stream_delay": s, "omit_domain": bool, "domain": str,
                         "exec_limit": s}                       persistent
    POST /_fake/fail    {"op": "create"|"get"|"delete"|"timeout"|"execute"|"files",
                         "status": n, "count": k, "body": any}  next k calls of op
    POST /_fake/expire/{id}                                     the sandbox dies
    GET  /_fake/requests   every request received (not /_fake/ ones)
    GET  /_fake/sandboxes  {id: {"alive", "timeout", "end_at", "template"}}
    POST /_fake/reset      forget requests, failures and knobs

Routes (one port serves everything):
- control API: POST /sandboxes, GET/DELETE /sandboxes/{id},
  POST /sandboxes/{id}/timeout; all need `X-API-KEY`.
- sandbox ports, as `/{port}/{sandboxID}/...` (the template
  `{url}/{port}/{sandbox_id}`), or by Host header `<port>-<id>.<domain>`:
  49999 POST /execute (streamed NDJSON), 49983 POST /files?path=&username=
  (multipart, part `file`), GET /files?path=, GET /health.

Each sandbox has a persistent Python interpreter (kernel state survives
between executes) inside bubblewrap: no network, read-only /usr, its own
directory as /tmp and /home/user (the cwd), rlimits, and a per-execute
wall-clock limit (`exec_limit`, default 60 s; the kernel is restarted when
it is exceeded or the client goes away mid-stream).
"""

import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

from fakes.base import FakeServer, Reply, run_main

PYTHON = "/usr/bin/python3"  # the Debian interpreter, which has pytest
ENVD_VERSION = "0.1.5"

# The kernel: reads one JSON request per line on stdin, answers with NDJSON
# events on a private copy of fd 1; the user's fd 0/1/2 point at /dev/null so
# stray writes (os.system, subprocesses) cannot corrupt the protocol.
KERNEL = r'''
import ast, io, json, os, resource, sys, time, traceback
proto = os.fdopen(os.dup(1), "w", buffering=1)
inp = os.fdopen(os.dup(0), "r")
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
for lim, val in ((resource.RLIMIT_AS, 1 << 31), (resource.RLIMIT_FSIZE, 64 << 20),
                 (resource.RLIMIT_NOFILE, 256)):
    try:
        resource.setrlimit(lim, (val, val))
    except (ValueError, OSError):
        pass

def emit(obj):
    proto.write(json.dumps(obj) + "\n")
    proto.flush()

class Stream(io.TextIOBase):
    """Buffers writes like ipykernel: one chunk per flush, flushed at the
    end of the cell or when a line completes 0.2 s after the last flush."""
    def __init__(self, name):
        self.kind, self.buf, self.t = name, [], time.monotonic()
    def writable(self):
        return True
    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        self.buf.append(s)
        if s.endswith("\n") and time.monotonic() - self.t > 0.2:
            self.flush()
        return len(s)
    def flush(self):
        if self.buf:
            text, self.buf = "".join(self.buf), []
            emit({"type": self.kind, "text": text, "timestamp": int(time.time() * 1e6)})
        self.t = time.monotonic()

out, err = Stream("stdout"), Stream("stderr")
ns = {"__name__": "__main__", "__builtins__": __builtins__}
FORMATS = ("html", "markdown", "svg", "png", "jpeg", "pdf", "latex", "json", "javascript", "data", "chart")
count = 0
for line in inp:
    code = json.loads(line)["code"]
    count += 1
    out.t = err.t = time.monotonic()
    sys.stdout, sys.stderr = out, err
    try:
        tree = ast.parse(code, "<cell>", "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, "<cell>", "exec"), ns)
        if last is not None:
            value = eval(compile(last, "<cell>", "eval"), ns)
            if value is not None:
                ns["_"] = value
                out.flush(); err.flush()
                text = repr(value)
                if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                    text = text[1:-1]
                ev = {"type": "result", "text": text, "is_main_result": True, "extra": None}
                ev.update({f: None for f in FORMATS})
                emit(ev)
    except BaseException as e:
        out.flush(); err.flush()
        emit({"type": "error", "name": type(e).__name__, "value": str(e),
              "traceback": "".join(traceback.format_exception(type(e), e, e.__traceback__))})
    finally:
        out.flush(); err.flush()
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    emit({"type": "number_of_executions", "execution_count": count})
    emit({"type": "end_of_execution"})
'''


def _bwrap_args(root):
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr"]
    for d in ("bin", "sbin", "lib", "lib32", "lib64"):
        p = "/" + d
        if os.path.islink(p):
            args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            args += ["--ro-bind", p, p]
    args += ["--bind", os.path.join(root, "tmp"), "/tmp",
             "--tmpfs", "/home", "--bind", os.path.join(root, "home"), "/home/user",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/home/user",
             "--clearenv", "--setenv", "HOME", "/home/user", "--setenv", "PATH", "/usr/bin:/bin",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1"]
    return args


class _Spawner:
    """Starts processes from one long-lived thread: bwrap's --die-with-parent
    fires when the thread that forked it ends, and request threads end after
    each request."""

    def __init__(self):
        self.jobs = queue.Queue()
        threading.Thread(target=self._loop, name="fake-e2b-spawner", daemon=True).start()

    def _loop(self):
        while True:
            argv, done = self.jobs.get()
            try:
                done.put(subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8"))
            except OSError as e:
                done.put(e)

    def popen(self, argv):
        done = queue.Queue()
        self.jobs.put((argv, done))
        proc = done.get()
        if isinstance(proc, OSError):
            raise proc
        return proc


_spawner = None
_spawner_lock = threading.Lock()


def _popen(argv):
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = _Spawner()
    return _spawner.popen(argv)


class Kernel:
    """One persistent interpreter in bubblewrap."""

    def __init__(self, root):
        self.proc = _popen(_bwrap_args(root) + [PYTHON, "-u", "-c", KERNEL])
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class Sandbox:
    def __init__(self, base, template, timeout, metadata):
        self.id = "i" + uuid.uuid4().hex[:19]
        self.client_id = uuid.uuid4().hex[:8]
        self.template = template
        self.metadata = metadata
        self.started = time.time()
        self.end_at = self.started + timeout
        self.timeout = timeout
        self.killed = False
        self.root = os.path.join(base, self.id)
        os.makedirs(os.path.join(self.root, "tmp"))
        os.makedirs(os.path.join(self.root, "home"))
        self.lock = threading.Lock()   # one execution at a time, as a kernel
        self.kernel = None

    def alive(self):
        return not self.killed and time.time() < self.end_at

    def release(self):
        self.killed = True
        if self.kernel:
            self.kernel.kill()
            self.kernel = None
        shutil.rmtree(self.root, ignore_errors=True)

    def host_path(self, path):
        """Where a sandbox path lives on the host, or None when outside
        /tmp and /home/user (or escaping them)."""
        if not path.startswith("/"):
            path = "/home/user/" + path
        norm = os.path.normpath(path)
        for prefix, sub in (("/tmp", "tmp"), ("/home/user", "home")):
            if norm == prefix or norm.startswith(prefix + "/"):
                rest = norm[len(prefix):].lstrip("/")
                return os.path.join(self.root, sub, rest) if rest else None
        return None


def _error(status, message):
    return Reply.json(status, {"code": status, "message": message})


def _parse_multipart(content_type, body):
    """[(name, filename, bytes)] of a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        return None
    delim = b"--" + m.group(1).encode()
    parts = []
    for chunk in body.split(delim)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            return None
        if data.endswith(b"\r\n"):
            data = data[:-2]
        disp = re.search(rb'content-disposition:[^\r\n]*', head, re.I)
        name = re.search(rb'\bname="([^"]*)"', disp.group(0)) if disp else None
        fname = re.search(rb'filename="([^"]*)"', disp.group(0)) if disp else None
        parts.append((name.group(1).decode() if name else None,
                      fname.group(1).decode() if fname else None, data))
    return parts


class FakeE2B(FakeServer):
    HOST_RX = re.compile(r"^(\d+)-([A-Za-z0-9]+)\.")

    def __init__(self, api_key=None, domain="e2b.local", **kw):
        self.api_key = api_key or os.environ.get("FAKE_E2B_API_KEY", "e2b_test_key")
        self.default_domain = domain
        self.base = tempfile.mkdtemp(prefix="fake-e2b-")
        self.sandboxes = {}
        self._state = threading.Lock()
        self._reset_knobs()
        super().__init__(**kw)

    def _reset_knobs(self):
        self.knobs = {"stream_delay": 0.0, "omit_domain": False, "domain": self.default_domain,
                      "exec_limit": 60.0}
        self.failures = {}  # op -> [(status, body), ...]

    # ---- for tests ----
    @property
    def sandbox_url_template(self):
        return self.url + "/{port}/{sandbox_id}"

    def set(self, **knobs):
        unknown = set(knobs) - set(self.knobs)
        if unknown:
            raise KeyError(f"unknown knobs {sorted(unknown)}")
        self.knobs.update(knobs)

    def fail(self, op, status, count=1, body=None):
        with self._state:
            self.failures.setdefault(op, []).extend([(status, body)] * count)

    def expire(self, sandbox_id):
        sb = self.sandboxes.get(sandbox_id)
        if sb:
            sb.end_at = time.time() - 1
            sb.release()

    def api_requests(self):
        return [r for r in list(self.requests) if not r.path.startswith("/_fake/")]

    def stop(self):
        super().stop()
        for sb in list(self.sandboxes.values()):
            sb.release()
        shutil.rmtree(self.base, ignore_errors=True)

    # ---- routing ----
    def setup_routes(self):
        self.route("POST", r"/sandboxes", self.create)
        self.route("GET", r"/sandboxes/([^/]+)", self.get)
        self.route("DELETE", r"/sandboxes/([^/]+)", self.delete)
        self.route("POST", r"/sandboxes/([^/]+)/timeout", self.set_timeout)
        self.route("POST", r"/49999/([^/]+)/execute", self.execute)
        self.route("POST", r"/49983/([^/]+)/files", self.write_files)
        self.route("GET", r"/49983/([^/]+)/files", self.read_file)
        self.route("GET", r"/49983/([^/]+)/health", self.health)
        self.route("POST", r"/_fake/knobs", self._knobs)
        self.route("POST", r"/_fake/fail", self._fail)
        self.route("POST", r"/_fake/expire/([^/]+)", self._expire)
        self.route("POST", r"/_fake/reset", self._reset)
        self.route("GET", r"/_fake/requests", self._requests)
        self.route("GET", r"/_fake/sandboxes", self._sandboxes)

    def _dispatch(self, req):
        m = self.HOST_RX.match(req.header("host", ""))
        if m:
            req.path = f"/{m.group(1)}/{m.group(2)}{req.path}"
        return super()._dispatch(req)

    def _take_failure(self, op):
        with self._state:
            q = self.failures.get(op)
            if q:
                status, body = q.pop(0)
                if body is None:
                    body = {"code": status, "message": f"fake {op} failure"}
                return Reply.json(status, body)
        return None

    def _authorised(self, req):
        return req.header("x-api-key") == self.api_key

    def _live(self, sandbox_id):
        sb = self.sandboxes.get(sandbox_id)
        return sb if sb and sb.alive() else None

    # ---- control API ----
    def create(self, req):
        if not self._authorised(req):
            return _error(401, "Invalid API key")
        failed = self._take_failure("create")
        if failed:
            return failed
        body = req.json
        if not isinstance(body, dict) or not isinstance(body.get("templateID"), str):
            return _error(400, "templateID is required")
        timeout = body.get("timeout", 15)
        if not isinstance(timeout, int) or timeout <= 0 or timeout > 86400:
            return _error(400, "timeout must be between 1 and 86400 seconds")
        sb = Sandbox(self.base, body["templateID"], timeout, body.get("metadata") or {})
        with self._state:
            self.sandboxes[sb.id] = sb
        out = {"templateID": sb.template, "sandboxID": sb.id, "clientID": sb.client_id,
               "envdVersion": ENVD_VERSION, "alias": sb.template}
        if not self.knobs["omit_domain"]:
            out["domain"] = self.knobs["domain"]
        return Reply.json(201, out)

    def get(self, req):
        if not self._authorised(req):
            return _error(401, "Invalid API key")
        failed = self._take_failure("get")
        if failed:
            return failed
        sb = self._live(req.match.group(1))
        if not sb:
            return _error(404, f"sandbox \"{req.match.group(1)}\" doesn't exist or you don't have access to it")
        out = {"templateID": sb.template, "sandboxID": sb.id, "clientID": sb.client_id,
               "alias": sb.template, "startedAt": _iso(sb.started), "endAt": _iso(sb.end_at),
               "cpuCount": 2, "memoryMB": 512, "state": "running", "envdVersion": ENVD_VERSION,
               "metadata": sb.metadata}
        if not self.knobs["omit_domain"]:
            out["domain"] = self.knobs["domain"]
        return Reply.json(200, out)

    def delete(self, req):
        if not self._authorised(req):
            return _error(401, "Invalid API key")
        failed = self._take_failure("delete")
        if failed:
            return failed
        sb = self._live(req.match.group(1))
        if not sb:
            return _error(404, f"sandbox \"{req.match.group(1)}\" not found")
        sb.release()
        return Reply(204)

    def set_timeout(self, req):
        if not self._authorised(req):
            return _error(401, "Invalid API key")
        failed = self._take_failure("timeout")
        if failed:
            return failed
        sb = self._live(req.match.group(1))
        if not sb:
            return _error(404, f"sandbox \"{req.match.group(1)}\" not found")
        body = req.json
        timeout = body.get("timeout") if isinstance(body, dict) else None
        if not isinstance(timeout, int) or timeout <= 0 or timeout > 86400:
            return _error(400, "timeout must be between 1 and 86400 seconds")
        sb.timeout = timeout
        sb.end_at = time.time() + timeout
        return Reply(204)

    # ---- sandbox ports ----
    def _sandbox_or_502(self, req):
        sb = self._live(req.match.group(1))
        if not sb:
            return None, Reply.text(502, "The sandbox was not found")
        return sb, None

    def execute(self, req):
        failed = self._take_failure("execute")
        if failed:
            return failed
        sb, bad = self._sandbox_or_502(req)
        if bad:
            return bad
        body = req.json
        if not isinstance(body, dict) or not isinstance(body.get("code"), str):
            return Reply.json(422, {"detail": "code is required"})
        return Reply(200, headers={"Content-Type": "application/x-ndjson"},
                     chunks=self._run(sb, body["code"]), chunk_delay=self.knobs["stream_delay"])

    def _run(self, sb, code):
        """Yields the NDJSON lines of one execution."""
        limit = float(self.knobs["exec_limit"])
        with sb.lock:
            finished = False
            try:
                if sb.kernel is None or not sb.kernel.alive():
                    sb.kernel = Kernel(sb.root)
                kernel = sb.kernel
                kernel.proc.stdin.write(json.dumps({"code": code}) + "\n")
                kernel.proc.stdin.flush()
                deadline = time.monotonic() + limit
                while True:
                    try:
                        line = kernel.lines.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        line = json.dumps({"type": "error", "name": "TimeoutError",
                                           "value": f"execution exceeded {limit:g} s (fake limit)",
                                           "traceback": ""}) + "\n"
                        yield line
                        yield json.dumps({"type": "end_of_execution"}) + "\n"
                        return
                    if line is None:
                        yield json.dumps({"type": "unexpected_end_of_execution"}) + "\n"
                        return
                    yield line
                    if json.loads(line).get("type") == "end_of_execution":
                        finished = True
                        return
            except (BrokenPipeError, OSError):
                yield json.dumps({"type": "unexpected_end_of_execution"}) + "\n"
            finally:
                if not finished and sb.kernel is not None:
                    sb.kernel.kill()   # its remaining output must not leak into the next run
                    sb.kernel = None

    def write_files(self, req):
        failed = self._take_failure("files")
        if failed:
            return failed
        sb, bad = self._sandbox_or_502(req)
        if bad:
            return bad
        path = (req.query.get("path") or [""])[0]
        if (req.query.get("username") or [""])[0] != "user":
            return _error(400, "username must be user")
        parts = _parse_multipart(req.header("content-type"), req.body)
        if not parts:
            return _error(400, "expected multipart/form-data with a file part")
        written = []
        for name, filename, data in parts:
            if name != "file":
                continue
            target_path = path or filename or ""
            host = sb.host_path(target_path)
            if not host:
                return _error(400, f"path {target_path!r} is outside /tmp and /home/user in the fake")
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "wb") as f:
                f.write(data)
            written.append({"name": os.path.basename(host), "type": "file",
                            "path": os.path.normpath(target_path if target_path.startswith("/")
                                                     else "/home/user/" + target_path)})
        if not written:
            return _error(400, "no part named file")
        return Reply.json(200, written)

    def read_file(self, req):
        sb, bad = self._sandbox_or_502(req)
        if bad:
            return bad
        host = sb.host_path((req.query.get("path") or [""])[0])
        if not host or not os.path.isfile(host):
            return _error(404, "file not found")
        with open(host, "rb") as f:
            return Reply(200, f.read(), {"Content-Type": "application/octet-stream"})

    def health(self, req):
        sb, bad = self._sandbox_or_502(req)
        return bad or Reply(204)

    # ---- test control ----
    def _knobs(self, req):
        try:
            self.set(**(req.json or {}))
        except (KeyError, TypeError) as e:
            return Reply.json(400, {"error": str(e)})
        return Reply.json(200, self.knobs)

    def _fail(self, req):
        b = req.json or {}
        self.fail(b.get("op"), int(b.get("status", 500)), int(b.get("count", 1)), b.get("body"))
        return Reply.json(200, {"ok": True})

    def _expire(self, req):
        self.expire(req.match.group(1))
        return Reply.json(200, {"ok": True})

    def _reset(self, req):
        with self._state:
            self._reset_knobs()
        with self._lock:
            self.requests.clear()
        return Reply.json(200, {"ok": True})

    def _requests(self, req):
        out = []
        for r in self.api_requests():
            out.append({"method": r.method, "path": r.path, "query": r.query, "headers": r.headers,
                        "json": r.json if "json" in r.header("content-type", "") else None,
                        "body": r.body[:65536].decode("utf-8", errors="replace")})
        return Reply.json(200, out)

    def _sandboxes(self, req):
        return Reply.json(200, {sid: {"alive": sb.alive(), "timeout": sb.timeout, "end_at": sb.end_at,
                                      "template": sb.template, "metadata": sb.metadata}
                                for sid, sb in list(self.sandboxes.items())})


def _iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + "Z"


if __name__ == "__main__":
    run_main(FakeE2B)
