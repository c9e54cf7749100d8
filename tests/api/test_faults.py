"""Faults: what a user sees when the server or what it stands on fails, and
that nothing is lost or left half-written (issue 13).

- SIGKILL in the middle of a burst of concurrent writes (candidates,
  assessments, submits), on SQLite and PostgreSQL: after a restart on the
  same database every write answered 2xx is there, no row is half-written,
  and the SQLite file passes PRAGMA integrity_check.
- PostgreSQL stopped and started under a running server (a throw-away
  cluster of this test's own, so the suite's shared one is never touched):
  503 {"detail": "Database unavailable"} while it is down, then the same
  process recovers.
- A full disk (a small tmpfs holding the SQLite file and the uploads):
  writes get 503 with a JSON detail, reads keep working, /health reports
  the database as unable to write, and the file is intact.
- Every 5xx is JSON with a `detail` and leaves an ERROR log line carrying
  the request id: a handler that sets no response, one that answers plain
  text, and an exhausted connection pool.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

import conftest
import helpers
import test_auth as acct
from test_assessments import BASE, FIXED, create, make_task, recruiter, start, tok, upload_cv

CANDIDATES = "/api/v1/candidates/"
DB_DOWN = "Database unavailable"
DB_FULL = "Insufficient storage: the database cannot save data right now"
FILE_FULL = "Insufficient storage: the server cannot save the file right now"


def json_detail(r, status):
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Content-Type") == "application/json", r.headers.get("Content-Type")
    body = r.json()
    assert list(body) == ["detail"] and isinstance(body["detail"], str) and body["detail"], body
    return body["detail"]


def error_line(srv, rid, status, timeout=10.0):
    return srv.wait_for_log(lambda o: o.get("request_id") == rid and o.get("level") == "ERROR"
                            and o.get("status") == status, timeout=timeout)


def sqlite_path(srv):
    url = srv.env["DATABASE_URL"]
    assert url.startswith("sqlite:///"), url
    return url[len("sqlite:///"):]


def integrity(path):
    con = sqlite3.connect(path, timeout=30)
    try:
        return [row[0] for row in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def all_items(srv, h, path):
    """Every item of a paged list route (limit/offset, {"items", "total"})."""
    out, offset = [], 0
    while True:
        page = srv.get(f"{path}?limit=100&offset={offset}", headers=h)
        assert page.status_code == 200, page.text
        body = page.json()
        out += body["items"]
        if len(body["items"]) < 100:
            assert len(out) == body["total"], (len(out), body["total"])
            return out
        offset += 100


class _OneDatabase:
    """A stand-in for conftest's Backend that hands out one given URL."""

    def __init__(self, kind, url):
        self.kind = kind
        self.url = url

    def new_database_url(self):
        return self.url


@pytest.fixture
def solo(tmp_path):
    """Starts servers on a database URL of the test's choosing; all are
    stopped (exit 0 checked) at the end."""
    started = []

    def start(kind, url, overrides=None):
        srv = conftest._make_server(_OneDatabase(kind, url), str(tmp_path), f"solo-{kind}-{len(started)}",
                                    overrides)
        started.append(srv)
        return srv.start()

    yield start
    bad = []
    for srv in started:
        rc = srv.stop()
        if rc != 0:
            bad.append(f"{srv.name}: exit code {rc}\n{srv.log_tail()}")
    assert not bad, "server(s) did not shut down cleanly:\n" + "\n".join(bad)


# --------------------------------------------------------------------------
# 5xx answers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/__test__/no-response", "/__test__/plain-500"])
def test_every_5xx_is_json_with_a_logged_request_id(server, path):
    rid = "fault-" + uuid.uuid4().hex
    r = server.get(path, headers={"X-Request-Id": rid})
    assert json_detail(r, 500) == "Internal Server Error"
    assert r.headers.get("X-Request-Id") == rid
    helpers.assert_security_headers(r)
    line = error_line(server, rid, 500)
    assert line is not None, f"no ERROR line with request_id {rid}:\n{server.log_tail()}"
    assert line["detail"] == "Internal Server Error" and line["path"] == path


def test_exhausted_pool_is_a_json_503_and_recovers(server_factory):
    # two connections and a 1 s wait for one; two holders take both
    srv = server_factory.start({"WORKER_THREADS": "2", "DB_POOL_TIMEOUT": "1"})
    _, token, _ = acct.new_account(srv)
    me = "/api/v1/auth/me"
    assert srv.get(me, headers=acct.auth(token)).status_code == 200

    hold_ms = 10000
    held = []

    def hold():
        held.append(requests.get(srv.url(f"/__test__/hold-db?ms={hold_ms}"), timeout=60))

    threads = [threading.Thread(target=hold, daemon=True) for _ in range(2)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    # /health cannot get a connection either once the holders have both:
    # it says so after the pool's wait, which is how we know the pool is empty
    while True:
        h = srv.get("/health").json()
        if h["database"] is False:
            break
        assert time.monotonic() - t0 < hold_ms / 1000 / 2, "the holders never took both connections"
    assert h["status"] == "degraded"
    rid = "pool-" + uuid.uuid4().hex
    r = srv.get(me, headers={**acct.auth(token), "X-Request-Id": rid})
    still_held = time.monotonic() - t0 < hold_ms / 1000
    assert still_held, "the hold ended before the probe; the machine is too slow for this check"
    assert json_detail(r, 503) == DB_DOWN
    assert error_line(srv, rid, 503) is not None, srv.log_tail()
    for t in threads:
        t.join(timeout=60)
    assert [r.status_code for r in held] == [200, 200], [r.text for r in held]
    # the connections came back to the pool
    assert srv.get(me, headers=acct.auth(token)).status_code == 200
    assert srv.get("/health").json()["database"] is True


# --------------------------------------------------------------------------
# SIGKILL during a write burst
# --------------------------------------------------------------------------

def _consistent(a):
    """Problems of an assessment row that would mean a half-written submit."""
    events = [e.get("event") for e in (a.get("timeline") or [])]
    done = "Submitted assessment" in events
    if a["status"] == "completed":
        missing = [k for k in ("completed_at", "score", "final_score", "scored_at", "tests_total", "test_results")
                   if a.get(k) is None]
        return ([f"completed without {missing}"] if missing else []) + ([] if done else ["completed, no timeline"])
    stored = [k for k in ("completed_at", "score", "final_score", "scored_at") if a.get(k) is not None]
    return ([f"{a['status']} with {stored}"] if stored else []) + (["submitted in timeline"] if done else [])


def test_sigkill_during_write_burst_loses_nothing(server_factory):
    srv = server_factory.start()
    _, h = recruiter(srv)
    task = make_task(srv, h)
    # assessments ready to submit: created, CV uploaded, started
    ready = []
    for _ in range(12):
        a = create(srv, h, task["id"])
        upload_cv(srv, a["token"])
        start(srv, a["token"])
        ready.append(a)
    ready_lock = threading.Lock()

    answered = []  # (kind, request key, response json) of every 2xx
    refused = []   # non-2xx answers that are not the kill's doing
    lock = threading.Lock()
    inflight = {"all": 0, "submit": 0}
    stop = threading.Event()

    def op(i, n):
        kind = ("candidate", "assessment", "submit")[(i + n) % 3]
        if kind == "submit":
            with ready_lock:
                a = ready.pop() if ready else None
            if a is None:
                kind = "candidate"
        if kind == "candidate":
            key = f"kill-{uuid.uuid4().hex[:12]}@example.com"
            return kind, key, lambda s: s.post(srv.url(CANDIDATES), json={"email": key, "full_name": "Kill Test",
                                                                          "position": "Engineer"}, headers=h)
        if kind == "assessment":
            key = f"kill-a-{uuid.uuid4().hex[:12]}@example.com"
            return kind, key, lambda s: s.post(srv.url(BASE + "/"), json={
                "candidate_email": key, "candidate_name": "Kill Assessment", "task_id": str(task["id"])},
                headers=h)
        return kind, a, lambda s: s.post(srv.url(f"{BASE}/{a['id']}/submit"), json={"final_code": FIXED},
                                         headers=tok(a))

    def worker(i):
        n = 0
        with requests.Session() as s:
            while not stop.is_set():
                kind, key, send = op(i, n)
                n += 1
                with lock:
                    inflight["all"] += 1
                    inflight["submit"] += kind == "submit"
                try:
                    r = send(s)
                except requests.RequestException:
                    return  # the kill
                finally:
                    with lock:
                        inflight["all"] -= 1
                        inflight["submit"] -= kind == "submit"

                with lock:
                    if 200 <= r.status_code < 300:
                        answered.append((kind, key, r.json()))
                    else:
                        refused.append((kind, r.status_code, r.text[:200]))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(12)]
    for t in threads:
        t.start()
    # kill once a good share of the burst has been answered, a submit
    # among them, while another submit is still running
    deadline = time.monotonic() + 300
    while True:
        with lock:
            kinds = {k for k, _, _ in answered}
            if len(answered) >= 40 and "submit" in kinds and inflight["submit"] > 0:
                cut = dict(inflight)
                srv.proc.send_signal(signal.SIGKILL)
                break
        assert time.monotonic() < deadline, f"the burst never reached the kill point: {kinds}, {inflight}"
        time.sleep(0.002)
    srv.proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert cut["submit"] > 0, cut
    assert not refused, refused
    with lock:
        got = list(answered)
    assert {k for k, _, _ in got} == {"candidate", "assessment", "submit"}, [k for k, _, _ in got]

    if srv.kind == "sqlite":
        assert integrity(sqlite_path(srv)) == ["ok"]

    # the same database, a new process
    os.replace(srv.stdout_path, srv.stdout_path + ".killed")
    srv.session = requests.Session()
    srv.start()

    cands = all_items(srv, h, CANDIDATES)
    by_email = {c["email"]: c for c in cands}
    for c in cands:
        assert c["email"] and c["created_at"] and c["organization_id"], c
    rows = {}
    for a in all_items(srv, h, BASE + "/"):
        full = srv.get(f"{BASE}/{a['id']}", headers=h)
        assert full.status_code == 200, full.text
        rows[a["id"]] = full.json()
    for kind, key, body in got:
        if kind == "candidate":
            assert key in by_email, f"candidate {key} was answered 201 and is gone"
            assert by_email[key]["id"] == body["id"] and by_email[key]["full_name"] == "Kill Test"
        elif kind == "assessment":
            assert body["id"] in rows, f"assessment {body['id']} was answered 201 and is gone"
            row = rows[body["id"]]
            assert row["token"] == body["token"] and row["candidate_id"] == body["candidate_id"]
            assert row["candidate_email"] == key and row["status"] == "pending"
            assert key in by_email, f"the candidate of assessment {body['id']} is gone"
        else:
            row = rows[key["id"]]
            assert row["status"] == "completed", f"submit of {key['id']} was answered 200; row is {row['status']}"
            assert row["score"] == body["score"] and row["tests_passed"] == body["tests_passed"]
    problems = {aid: _consistent(a) for aid, a in rows.items() if _consistent(a)}
    assert not problems, problems
    # the restarted server takes writes
    assert srv.post(CANDIDATES, json={"email": acct.unique_email("after")}, headers=h).status_code == 201
    if srv.kind == "sqlite":
        assert srv.stop() == 0
        assert integrity(sqlite_path(srv)) == ["ok"]


# --------------------------------------------------------------------------
# PostgreSQL going away and coming back
# --------------------------------------------------------------------------

class OwnPostgres:
    """A throw-away cluster for one test, which may stop and start it."""

    def __init__(self):
        self.cluster = conftest.PgCluster()
        self.cluster.url = None
        self.cluster.ensure()  # initdb + start in a fresh directory, as conftest does without TALI_TEST_PG_URL
        self.root, self.data, self.run_as = self.cluster.own

    def _pg_ctl(self, *args):
        r = subprocess.run([conftest._which_pg("pg_ctl"), "-D", self.data, *args], capture_output=True, text=True,
                           env=conftest.base_env(), cwd=self.root, timeout=120, **self.run_as)
        assert r.returncode == 0, f"pg_ctl {args}: {r.stdout}\n{r.stderr}"

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        # the options of the first start are kept in postmaster.opts
        with open(os.path.join(self.data, "postmaster.opts")) as f:
            opts = f.read().split(None, 1)[1].strip()
        self._pg_ctl("-l", os.path.join(self.root, "pg.log"), "-o", _pg_opts(opts), "-w", "-t", "60", "start")

    def close(self):
        self.cluster.stop()


def _pg_opts(postmaster_opts):
    """The server options of postmaster.opts ('"-D" "dir" "-p" "5432" ...')
    without -D, as one -o string."""
    import shlex
    words = shlex.split(postmaster_opts)
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w == "-D":
            skip = True
            continue
        out.append(shlex.quote(w))
    return " ".join(out)


@pytest.fixture
def own_postgres():
    pg = OwnPostgres()
    yield pg
    pg.close()


def test_postgres_down_gives_503_then_recovers_without_restart(own_postgres, solo):
    name, url = own_postgres.cluster.new_database()
    srv = solo("postgres", url)
    pid = srv.proc.pid
    _, token, _ = acct.new_account(srv)
    h = acct.auth(token)
    before = srv.post(CANDIDATES, json={"email": acct.unique_email("before")}, headers=h)
    assert before.status_code == 201, before.text

    own_postgres.stop()
    rid = "pgdown-" + uuid.uuid4().hex
    assert json_detail(srv.get(CANDIDATES, headers={**h, "X-Request-Id": rid}), 503) == DB_DOWN
    assert error_line(srv, rid, 503) is not None, srv.log_tail()
    assert json_detail(srv.post(CANDIDATES, json={"email": acct.unique_email("down")}, headers=h), 503) == DB_DOWN
    assert json_detail(acct.login(srv, "nobody@example.com"), 503) == DB_DOWN
    health = srv.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and health.json()["database"] is False

    own_postgres.start()
    # the first request after the restart may still meet a connection the
    # old server closed; within a bounded time the pool has replaced them
    deadline = time.monotonic() + 60
    while srv.get("/health").json()["database"] is not True:
        assert time.monotonic() < deadline, srv.log_tail()
        time.sleep(0.1)
    listing = srv.get(CANDIDATES, headers=h)
    assert listing.status_code == 200, listing.text
    assert before.json()["id"] in [c["id"] for c in listing.json()["items"]]
    assert srv.post(CANDIDATES, json={"email": acct.unique_email("after")}, headers=h).status_code == 201
    # every pooled connection works again, not just one: a burst uses several
    results = []

    def burst():
        results.append(requests.get(srv.url(CANDIDATES), headers=h, timeout=60).status_code)

    ts = [threading.Thread(target=burst) for _ in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [200] * 16, results
    assert srv.proc.pid == pid and srv.proc.poll() is None


# --------------------------------------------------------------------------
# A full disk
# --------------------------------------------------------------------------

@pytest.fixture
def small_disk():
    mnt = tempfile.mkdtemp(prefix="tali-fulldisk-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", mnt], capture_output=True,
                       text=True)
    if r.returncode != 0:
        os.rmdir(mnt)
        pytest.skip(f"cannot mount a tmpfs for the full-disk test (needs root or CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
        shutil.rmtree(mnt, ignore_errors=True)


def all_candidate_emails(srv, h):
    return {c["email"] for c in all_items(srv, h, CANDIDATES)}


def _fill(path):
    """Writes zeros to path until the file system is full."""
    chunk = b"\0" * (256 * 1024)
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError:
                break
        # what is left is smaller than a chunk: take it too
        while True:
            try:
                f.write(b"\0" * 4096)
            except OSError:
                break


def test_full_disk_gives_503_keeps_reads_and_corrupts_nothing(small_disk, solo):
    db = os.path.join(small_disk, "tali.db")
    uploads = os.path.join(small_disk, "uploads")
    srv = solo("sqlite", f"sqlite:///{db}", {"UPLOAD_DIR": uploads})
    _, h = recruiter(srv)
    task = make_task(srv, h)
    kept = create(srv, h, task["id"])
    health = srv.get("/health").json()
    assert health["status"] == "healthy" and health["database"] is True, health

    filler = os.path.join(small_disk, "filler")
    _fill(filler)
    health = srv.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and health.json()["database"] is False, health.json()

    # small writes may still fit in pages SQLite already holds; keep writing
    # until the disk says no, which must be a clear 503
    stored, failure = [], None
    for i in range(3000):
        email = f"full-{i}-{uuid.uuid4().hex[:8]}@example.com"
        r = srv.post(CANDIDATES, json={"email": email, "full_name": "F" * 200, "position": "P" * 200}, headers=h)
        if r.status_code == 201:
            stored.append(email)
            continue
        failure = r
        break
    assert failure is not None, "3000 writes fitted on a full disk"
    assert json_detail(failure, 503) == DB_FULL
    # uploads: the file cannot be written; nothing partial is left behind
    r = srv.post(f"{BASE}/token/{kept['token']}/upload-cv",
                 files={"file": ("cv.pdf", b"%PDF-1.4\n" + b"x" * 200000, "application/pdf")},
                 headers={"X-Forwarded-For": helpers.unique_ip()})
    assert json_detail(r, 503) == FILE_FULL
    leftovers = [f for _, _, fs in os.walk(uploads) for f in fs] if os.path.isdir(uploads) else []
    assert leftovers == [], leftovers
    # reads keep working
    listing = srv.get(CANDIDATES + "?limit=100", headers=h)
    assert listing.status_code == 200, listing.text
    assert srv.get(f"{BASE}/{kept['id']}", headers=h).status_code == 200
    assert srv.get("/health").json()["database"] is False

    os.unlink(filler)
    assert integrity(db) == ["ok"]
    # until a write succeeds, the last one's failure stands
    assert srv.get("/health").json()["database"] is False
    again = srv.post(CANDIDATES, json={"email": acct.unique_email("freed")}, headers=h)
    assert again.status_code == 201, again.text
    health = srv.get("/health").json()
    assert health["status"] == "healthy" and health["database"] is True, health
    emails = all_candidate_emails(srv, h)
    assert set(stored) <= emails
    assert len(emails) == len(stored) + 2  # the stored ones, `kept`'s candidate and the last one
    assert srv.stop() == 0
    assert integrity(db) == ["ok"]
