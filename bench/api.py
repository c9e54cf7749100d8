#!/usr/bin/python3
"""API load scenarios against a real `tali serve` (loopback only, bounded).

For one database (sqlite, or postgres when TALI_TEST_PG_URL is set — run it
through tests/with-postgres) it:
  1. starts the server, registers and verifies a recruiter (outbox hook),
     logs in (bcrypt cost 12, once);
  2. seeds 10,000 candidates and 10,000 assessments with SQL;
  3. runs wrk (-t2 -c64, DURATION each) on GET /auth/me, /organizations/me,
     /candidates/ (page 1 and a search), /assessments/, /analytics/;
  4. times the execute round trip of a Python hello-world in localbox (p50,
     p99 of 30 sequential calls) and 20 candidates executing at once;
  5. holds 100 chats waiting 5 s on the fake model while wrk reads the
     dashboard list;
and prints a Markdown table (also appended to bench/results.md with --save).

usage: bench/api.py [--db sqlite|postgres] [--duration 5s] [--save]
"""

import argparse
import json
import os
import pathlib
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fakes.anthropic import FakeAnthropic  # noqa: E402

TALI = os.environ.get("TALI_BIN", str(ROOT / "build" / "tali"))
PASSWORD = "correct horse battery staple"
N_ROWS = 10_000
_ip = [0]


def ip():
    _ip[0] += 1
    return {"X-Forwarded-For": f"10.77.{(_ip[0] >> 8) & 255}.{_ip[0] & 255}"}


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-A", "-t", "-c", sql],
                       capture_output=True, text=True, timeout=300)
    if r.returncode:
        raise RuntimeError(r.stderr)
    return r.stdout


class Server:
    def __init__(self, db, extra_env):
        self.tmp = tempfile.mkdtemp(prefix="tali-bench-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        if db == "postgres":
            pg = os.environ["TALI_TEST_PG_URL"]
            name = "bench_" + uuid.uuid4().hex[:8]
            psql(pg, f'CREATE DATABASE "{name}"')
            self.url = re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", pg.split("://", 1)[1], count=1)
            self.url = pg.split("://", 1)[0] + "://" + self.url
        else:
            self.url = f"sqlite:///{self.tmp}/bench.db"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": self.url, "HOST": "127.0.0.1",
               "PORT": str(self.port), "TALI_TEST_HOOKS": "1", "LOG_LEVEL": "warning",
               "SECRET_KEY": "bench-secret", "SANDBOX_ROOT": f"{self.tmp}/sandboxes", "UPLOAD_DIR": f"{self.tmp}/up"}
        if os.environ.get("MALLOC_ARENA_MAX"):
            env["MALLOC_ARENA_MAX"] = os.environ["MALLOC_ARENA_MAX"]
        env.update(extra_env)
        # the log lines (JSON, LOG_LEVEL warning) go to stdout.log for scenarios that read them
        self.stdout_path = f"{self.tmp}/stdout.log"
        self.proc = subprocess.Popen([TALI, "serve"], env=env, cwd=self.tmp, stdout=open(self.stdout_path, "w"),
                                     stderr=open(f"{self.tmp}/stderr.log", "w"))
        for _ in range(200):
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        self.s = requests.Session()

    def rss_kib(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def sql(self, statement):
        if self.url.startswith("sqlite"):
            con = sqlite3.connect(self.url[len("sqlite:///"):], timeout=60)
            con.executescript(statement)
            con.commit()
            con.close()
        else:
            psql(self.url, statement)


def recruiter(srv):
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    r = srv.s.post(srv.base + "/api/v1/auth/register", headers=ip(),
                   json={"email": email, "password": PASSWORD, "full_name": "Bench Mark", "organization_name": "Bench"})
    assert r.status_code == 201, r.text
    user = r.json()
    for _ in range(200):
        msgs = [m for m in srv.s.get(srv.base + "/__test__/outbox?limit=50").json() if m["to"] == email]
        if msgs:
            break
        time.sleep(0.05)
    token = re.search(r"token=([A-Za-z0-9_%.-]+)", msgs[0]["link"]).group(1)
    assert srv.s.get(srv.base + "/api/v1/auth/verify-email", params={"token": requests.utils.unquote(token)}).ok
    r = srv.s.post(srv.base + "/api/v1/auth/login", data={"username": email, "password": PASSWORD}, headers=ip())
    assert r.status_code == 200, r.text
    return user, {"Authorization": "Bearer " + r.json()["access_token"]}


def seed(srv, org_id, task_id):
    """10,000 candidates and 10,000 assessments (a third completed)."""
    if srv.url.startswith("sqlite"):
        gen = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {N_ROWS}) "
        now = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
        ago = lambda expr: f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({expr}) || ' minutes') || '000'"  # noqa
        srv.sql(f"INSERT INTO candidates (organization_id, email, full_name, position, created_at) "
                f"{gen} SELECT {org_id}, 'cand' || i || '@example.com', 'Candidate ' || i, 'Engineer', {now} FROM n;")
        srv.sql(f"INSERT INTO assessments (organization_id, candidate_id, task_id, token, status, duration_minutes, "
                f"started_at, completed_at, score, final_score, created_at) {gen} "
                f"SELECT {org_id}, (SELECT MIN(id) FROM candidates WHERE organization_id = {org_id}) + i - 1, {task_id}, "
                f"'tok' || i || '{uuid.uuid4().hex}', CASE WHEN i % 3 = 0 THEN 'COMPLETED' ELSE 'PENDING' END, 30, "
                f"CASE WHEN i % 3 = 0 THEN {ago('i % 40000 + 60')} END, "
                f"CASE WHEN i % 3 = 0 THEN {ago('i % 40000 + 20')} END, "
                f"CASE WHEN i % 3 = 0 THEN (i % 100) / 10.0 END, CASE WHEN i % 3 = 0 THEN i % 100 END, {now} FROM n;")
    else:
        srv.sql(f"INSERT INTO candidates (organization_id, email, full_name, position) "
                f"SELECT {org_id}, 'cand' || i || '@example.com', 'Candidate ' || i, 'Engineer' "
                f"FROM generate_series(1, {N_ROWS}) i;")
        srv.sql(f"INSERT INTO assessments (organization_id, candidate_id, task_id, token, status, duration_minutes, "
                f"started_at, completed_at, score, final_score) "
                f"SELECT {org_id}, (SELECT MIN(id) FROM candidates WHERE organization_id = {org_id}) + i - 1, {task_id}, "
                f"'tok' || i || '{uuid.uuid4().hex}', "
                f"(CASE WHEN i % 3 = 0 THEN 'COMPLETED' ELSE 'PENDING' END)::assessmentstatus, 30, "
                f"CASE WHEN i % 3 = 0 THEN now() - ((i % 40000 + 60) || ' minutes')::interval END, "
                f"CASE WHEN i % 3 = 0 THEN now() - ((i % 40000 + 20) || ' minutes')::interval END, "
                f"CASE WHEN i % 3 = 0 THEN (i % 100) / 10.0 END, CASE WHEN i % 3 = 0 THEN i % 100 END "
                f"FROM generate_series(1, {N_ROWS}) i;")
        # as autovacuum would soon after a bulk load: planner statistics
        srv.sql("ANALYZE candidates; ANALYZE assessments;")


def wrk(srv, path, headers, duration):
    cmd = ["wrk", "-t2", "-c64", f"-d{duration}", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [srv.base + path], capture_output=True, text=True, timeout=120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0


def minimal_pdf(text):
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def started_assessment(srv, headers, task_id):
    r = srv.s.post(srv.base + "/api/v1/assessments/", headers=headers,
                   json={"candidate_email": f"exec-{uuid.uuid4().hex[:8]}@example.com", "candidate_name": "Exec Candidate",
                         "task_id": task_id})
    assert r.status_code == 201, r.text
    a = r.json()
    r = srv.s.post(f"{srv.base}/api/v1/assessments/token/{a['token']}/upload-cv", headers=ip(),
                   files={"file": ("cv.pdf", minimal_pdf("Python developer"), "application/pdf")})
    assert r.status_code == 200, r.text
    r = srv.s.post(f"{srv.base}/api/v1/assessments/token/{a['token']}/start", headers=ip())
    assert r.status_code == 200, r.text
    return a


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--duration", default="5s")
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()

    fake = FakeAnthropic().start()
    srv = Server(args.db, {"ANTHROPIC_API_KEY": fake.api_key, "ANTHROPIC_BASE_URL": fake.url})
    rows = []
    try:
        user, h = recruiter(srv)
        org = user["organization_id"]
        r = srv.s.post(srv.base + "/api/v1/tasks/", headers=h,
                       json={"name": "Bench task", "description": "Print hello.", "task_type": "debugging",
                             "difficulty": "junior", "duration_minutes": 60, "starter_code": "print('hi')",
                             "test_code": "def test_ok():\n    assert True\n"})
        assert r.status_code == 201, r.text
        task_id = r.json()["id"]
        t0 = time.time()
        seed(srv, org, task_id)
        print(f"seeded {N_ROWS} candidates + {N_ROWS} assessments in {time.time() - t0:.1f}s", file=sys.stderr)

        for label, path in [("GET /auth/me", "/api/v1/auth/me"),
                            ("GET /organizations/me", "/api/v1/organizations/me"),
                            ("GET /candidates/ (10k, page 1)", "/api/v1/candidates/?limit=50"),
                            ("GET /candidates/?q= (10k, search)", "/api/v1/candidates/?q=Candidate%2077&limit=20"),
                            ("GET /assessments/ (10k, page 1)", "/api/v1/assessments/?limit=50"),
                            ("GET /analytics/ (10k)", "/api/v1/analytics/")]:
            rps, p99, bad = wrk(srv, path, h, args.duration)
            rows.append((label, f"{rps:,.0f} req/s", f"p99 {p99}", f"non-2xx {bad}"))

        # execute round trip (localbox)
        a = started_assessment(srv, h, task_id)
        th = {"X-Assessment-Token": a["token"]}
        times = []
        for _ in range(30):
            t = time.perf_counter()
            r = srv.s.post(f"{srv.base}/api/v1/assessments/{a['id']}/execute", json={"code": "print('hello')"},
                           headers={**th, **ip()})
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.json()["stdout"].startswith("hello"), r.text
        rows.append(("execute hello-world (localbox, sequential)", f"p50 {pct(times, 50):.0f} ms",
                     f"p99 {pct(times, 99):.0f} ms", "30 runs"))
        cands = [started_assessment(srv, h, task_id) for _ in range(20)]
        lat = []

        def run(c):
            t = time.perf_counter()
            rr = requests.post(f"{srv.base}/api/v1/assessments/{c['id']}/execute", json={"code": "print('hello')"},
                               headers={"X-Assessment-Token": c["token"], **ip()}, timeout=60)
            lat.append((time.perf_counter() - t) * 1000)
            assert rr.status_code == 200, rr.text
        t0 = time.perf_counter()
        ts = [threading.Thread(target=run, args=(c,)) for c in cands]
        [t.start() for t in ts]
        [t.join() for t in ts]
        rows.append(("20 candidates executing at once", f"all done in {(time.perf_counter() - t0) * 1000:.0f} ms",
                     f"p50 {pct(lat, 50):.0f} ms", f"max {max(lat):.0f} ms"))

        # 100 chats waiting 5 s on the model while the dashboard is read
        for _ in range(100):
            fake.reply_slow(5.0, "slow answer")
        chats = [started_assessment(srv, h, task_id) for _ in range(10)]
        results = []

        def chat(i):
            c = chats[i % len(chats)]
            rr = requests.post(f"{srv.base}/api/v1/assessments/{c['id']}/claude", json={"message": "help?"},
                               headers={"X-Assessment-Token": c["token"], **ip()}, timeout=60)
            results.append(rr.status_code)
        ts = [threading.Thread(target=chat, args=(i,)) for i in range(100)]
        [t.start() for t in ts]
        time.sleep(0.5)
        rps, p99, bad = wrk(srv, "/api/v1/assessments/?limit=20", h, "3s")
        [t.join() for t in ts]
        rows.append(("GET /assessments/ while 100 chats wait 5 s", f"{rps:,.0f} req/s", f"p99 {p99}",
                     f"chats ok {results.count(200)}/100"))
        rows.append(("server peak RSS", f"{srv.rss_kib() / 1024:.1f} MiB", "", ""))
    finally:
        srv.stop()
        fake.stop()

    table = [f"### API scenarios on {args.db} ({time.strftime('%Y-%m-%d')}, wrk -t2 -c64 -d{args.duration})", "",
             "| scenario | throughput / p50 | p99 | notes |", "|---|---:|---:|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(table) + "\n"
    print(text)
    if args.save:
        with open(ROOT / "bench" / "results.md", "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
