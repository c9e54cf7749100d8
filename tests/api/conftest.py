"""API test harness: runs the real `tali` binary against SQLite and PostgreSQL.

Every test that uses the `server` fixture (or `server_factory`, or `backend`)
runs twice: once on a fresh SQLite file, once on a fresh PostgreSQL database.
PostgreSQL is never skipped silently: either TALI_TEST_PG_URL points at a
server (tests/with-postgres exports it), or this file starts a throw-away
cluster itself; if neither works the PostgreSQL half of the suite errors.

Environment:
  TALI_BIN           absolute path of the binary (default: <repo>/build/tali)
  TALI_TEST_PG_URL   postgresql://user@host:port/db of a server we may create
                     databases on (optional)
"""

import os
import pathlib
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # tests/: `from fakes.base import ...`
import helpers  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]

# Settings every test server gets unless a test overrides them.
TEST_SETTINGS = {
    "HOST": "127.0.0.1",
    "FRONTEND_URL": "http://localhost:5173",
    "CORS_EXTRA_ORIGINS": " https://extra.example.com , ,https://two.example.com",
    "SECRET_KEY": "test-secret-key-for-the-api-suite",
    "TALI_TEST_HOOKS": "1",
    "TRUST_X_FORWARDED_FOR": "true",
    "BCRYPT_ROUNDS": "4",
    "LOG_LEVEL": "info",
    "RUN_WORKER": "true",
}

# Variables copied from the outer environment (nothing else leaks in).
PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


def tali_bin():
    path = os.environ.get("TALI_BIN")
    if not path:
        candidates = [REPO / "build" / "tali", REPO / "build" / "src" / "tali"]
        path = str(next((c for c in candidates if c.exists()), candidates[0]))
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(f"tali binary not found or not executable: {path} (set TALI_BIN)", pytrace=False)
    return path


def base_env():
    env = {k: os.environ[k] for k in PASSTHROUGH if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    return env


def tail(path, n=60):
    try:
        lines = pathlib.Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return f"<no log at {path}>"
    return "\n".join(lines[-n:])


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

class PgCluster:
    """A server we may create databases on: TALI_TEST_PG_URL, or our own."""

    def __init__(self):
        self.url = os.environ.get("TALI_TEST_PG_URL")
        self.own = None
        self.lock = threading.Lock()
        self.counter = 0

    def ensure(self):
        with self.lock:
            if self.url:
                return
            self.url = self._start_own()

    def _start_own(self):
        for tool in ("initdb", "pg_ctl"):
            if not _which_pg(tool):
                raise RuntimeError(f"PostgreSQL tests need {tool}; install postgresql (scripts/install-deps)")
        root = tempfile.mkdtemp(prefix="tali-pg-")
        run_as = {}
        if os.geteuid() == 0:
            if subprocess.run(["id", "talitest"], capture_output=True).returncode != 0:
                r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                    "talitest"], capture_output=True, text=True)
                if r.returncode != 0 and subprocess.run(["id", "talitest"], capture_output=True).returncode != 0:
                    raise RuntimeError("cannot create user talitest for PostgreSQL: " + r.stderr)
            import pwd
            pw = pwd.getpwnam("talitest")
            os.chown(root, pw.pw_uid, pw.pw_gid)
            run_as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        os.chmod(root, 0o755)
        data = os.path.join(root, "data")
        port = helpers.free_port()
        env = base_env()
        r = subprocess.run([_which_pg("initdb"), "-D", data, "-U", "talitest", "--auth=trust", "-E", "UTF8",
                            "--no-sync", "--locale=C"], capture_output=True, text=True, env=env, cwd=root, **run_as)
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " \
               f"-c full_page_writes=off -c max_connections=200"
        r = subprocess.run([_which_pg("pg_ctl"), "-D", data, "-l", os.path.join(root, "pg.log"), "-o", opts,
                            "-w", "-t", "60", "start"], capture_output=True, text=True, env=env, cwd=root, **run_as)
        if r.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed:\n{r.stdout}\n{r.stderr}\n{tail(os.path.join(root, 'pg.log'))}")
        self.own = (root, data, run_as)
        return f"postgresql://talitest@127.0.0.1:{port}/postgres"

    def psql(self, sql, dbname=None):
        url = self.url if dbname is None else _with_db(self.url, dbname)
        r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-c", sql],
                           capture_output=True, text=True, env=base_env(), timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {r.stderr}")
        return r.stdout

    def new_database(self):
        self.ensure()
        with self.lock:
            self.counter += 1
            name = f"tali_api_{os.getpid()}_{self.counter}_{secrets.token_hex(3)}"
        self.psql(f'CREATE DATABASE "{name}"')
        return name, _with_db(self.url, name)

    def drop_database(self, name):
        try:
            self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as e:  # teardown: report, don't mask the real failure
            print(f"warning: could not drop {name}: {e}", file=sys.stderr)

    def stop(self):
        if self.own:
            root, data, run_as = self.own
            subprocess.run([_which_pg("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                           capture_output=True, env=base_env(), cwd=root, **run_as)
            subprocess.run(["rm", "-rf", root])
            self.own = None


def _which_pg(tool):
    import shutil
    found = shutil.which(tool)
    if found:
        return found
    for d in sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / tool).exists():
            return str(d / tool)
    return None


def _with_db(url, dbname):
    m = re.match(r"^(postgres(?:ql)?://[^/]*)(/[^?]*)?(\?.*)?$", url)
    if not m:
        raise RuntimeError(f"cannot parse TALI_TEST_PG_URL {url!r}")
    return f"{m.group(1)}/{dbname}{m.group(3) or ''}"


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = PgCluster()
    yield cluster
    cluster.stop()


# --------------------------------------------------------------------------
# Database back ends
# --------------------------------------------------------------------------

class Backend:
    """Hands out fresh, empty databases of one kind."""

    def __init__(self, kind, tmpdir, pg):
        self.kind = kind
        self.tmpdir = tmpdir
        self.pg = pg
        self.n = 0
        self.created = []

    def new_database_url(self):
        self.n += 1
        if self.kind == "sqlite":
            path = os.path.join(self.tmpdir, f"tali-{self.n}.db")
            return f"sqlite:///{path}"
        name, url = self.pg.new_database()
        self.created.append(name)
        return url

    def cleanup(self):
        for name in self.created:
            self.pg.drop_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request, pg_cluster, tmp_path_factory):
    tmpdir = str(tmp_path_factory.mktemp(f"db-{request.param}"))
    if request.param == "postgres":
        try:
            pg_cluster.ensure()
        except Exception as e:
            pytest.fail(f"PostgreSQL is required and could not be provided: {e}", pytrace=False)
    b = Backend(request.param, tmpdir, pg_cluster)
    yield b
    b.cleanup()


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------

class TaliServer:
    """A running `tali serve` plus a small HTTP client for it."""

    def __init__(self, kind, env, workdir, name):
        self.kind = kind
        self.env = env
        self.workdir = workdir
        self.name = name
        self.port = int(env["PORT"]) if env["PORT"].isdigit() else 0
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = os.path.join(workdir, f"{name}.stdout.log")
        self.stderr_path = os.path.join(workdir, f"{name}.stderr.log")
        self.proc = None
        self.session = requests.Session()

    # ---- process ----
    def start(self, timeout=30):
        binary = tali_bin()
        r = subprocess.run([binary, "migrate"], env=self.env, cwd=self.workdir, capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            pytest.fail(f"`tali migrate` failed ({self.kind}, rc={r.returncode}):\n{r.stdout}\n{r.stderr}",
                        pytrace=False)
        out = open(self.stdout_path, "wb")
        err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([binary, "serve"], env=self.env, cwd=self.workdir, stdout=out, stderr=err,
                                     stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"`tali serve` exited with {self.proc.returncode} during start-up ({self.kind}):\n"
                            f"{self.log_tail()}", pytrace=False)
            try:
                resp = requests.get(self.base_url + "/health", timeout=2)
                if resp.status_code == 200:
                    return self
                last = f"status {resp.status_code}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"`tali serve` did not answer /health within {timeout}s ({last}):\n{self.log_tail()}",
                    pytrace=False)

    def stop(self, timeout=10):
        """SIGTERM and wait; returns the exit code (None if it had to be killed)."""
        self.session.close()
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop_and_check(self):
        rc = self.stop()
        assert rc == 0, (f"tali serve ({self.kind}) did not shut down cleanly on SIGTERM within 10 s "
                         f"(exit code {rc}):\n{self.log_tail()}")

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    # ---- logs ----
    def stdout_text(self):
        return pathlib.Path(self.stdout_path).read_text(errors="replace")

    def stderr_text(self):
        return pathlib.Path(self.stderr_path).read_text(errors="replace")

    def log_tail(self, n=60):
        return (f"--- {self.name} stdout (tail) ---\n{tail(self.stdout_path, n)}\n"
                f"--- {self.name} stderr (tail) ---\n{tail(self.stderr_path, n)}")

    def wait_for_log(self, predicate, timeout=3.0):
        """Polls stdout for a JSON line satisfying predicate(dict); returns it or None."""
        deadline = time.monotonic() + timeout
        while True:
            for obj in helpers.json_lines(self.stdout_text()):
                if predicate(obj):
                    return obj
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)

    # ---- HTTP ----
    def url(self, path):
        return self.base_url + path

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 30)
        kw.setdefault("allow_redirects", False)
        return self.session.request(method, self.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)

    def raw(self, data, timeout=10):
        """Sends raw bytes on a fresh connection; returns everything received until close."""
        return helpers.raw_http(self.port, data, timeout=timeout)


_live_servers = []


def _make_server(backend, tmp_root, name, overrides=None, drop=()):
    env = base_env()
    env.update(TEST_SETTINGS)
    env["DATABASE_URL"] = backend.new_database_url()
    env["PORT"] = str(helpers.free_port())
    for k in drop:
        env.pop(k, None)
    env.update(overrides or {})
    workdir = tempfile.mkdtemp(prefix=f"{name}-", dir=tmp_root)
    return TaliServer(backend.kind, env, workdir, name)


@pytest.fixture(scope="session")
def server(backend, tmp_path_factory):
    """The shared server of one back end (development mode, test hooks on)."""
    root = str(tmp_path_factory.mktemp(f"server-{backend.kind}"))
    srv = _make_server(backend, root, f"tali-{backend.kind}")
    _live_servers.append(srv)
    srv.start()
    yield srv
    _live_servers.remove(srv)
    srv.stop_and_check()


class ServerFactory:
    def __init__(self, backend, root):
        self.backend = backend
        self.root = root
        self.started = []

    def start(self, overrides=None, drop=()):
        """Starts an extra server with TEST_SETTINGS + overrides (minus `drop`)."""
        srv = _make_server(self.backend, self.root, f"extra-{self.backend.kind}-{len(self.started)}",
                           overrides, drop)
        self.started.append(srv)
        _live_servers.append(srv)
        return srv.start()

    def run_expect_exit(self, overrides=None, drop=(), args=("serve",), timeout=10):
        """Runs `tali <args>` expecting it to exit by itself; returns (rc, stdout+stderr)."""
        srv = _make_server(self.backend, self.root, f"exit-{self.backend.kind}-{len(self.started)}",
                           overrides, drop)
        try:
            r = subprocess.run([tali_bin(), *args], env=srv.env, cwd=srv.workdir, capture_output=True, text=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            pytest.fail(f"`tali {' '.join(args)}` kept running for {timeout}s; expected it to refuse to start.\n{out}",
                        pytrace=False)
        return r.returncode, r.stdout + r.stderr

    def stop_all(self):
        errors = []
        for srv in self.started:
            if srv in _live_servers:
                _live_servers.remove(srv)
            rc = srv.stop()
            if rc != 0:
                errors.append(f"{srv.name}: exit code {rc}\n{srv.log_tail()}")
        return errors


@pytest.fixture
def server_factory(backend, tmp_path_factory):
    """Starts extra servers with custom settings (production mode, limits, ...)."""
    factory = ServerFactory(backend, str(tmp_path_factory.mktemp(f"extra-{backend.kind}")))
    yield factory
    errors = factory.stop_all()
    assert not errors, "extra server(s) did not shut down cleanly:\n" + "\n".join(errors)


@pytest.fixture
def client_ip():
    """A client address no other test uses (sent as X-Forwarded-For)."""
    return helpers.unique_ip()


@pytest.fixture
def ip_headers(client_ip):
    return {"X-Forwarded-For": client_ip}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        servers = []
        srv = item.funcargs.get("server") if hasattr(item, "funcargs") else None
        if srv is not None:
            servers.append(srv)
        fac = item.funcargs.get("server_factory") if hasattr(item, "funcargs") else None
        if fac is not None:
            servers.extend(fac.started)
        for s in servers:
            rep.sections.append((f"tali server {s.name}", s.log_tail(40)))
