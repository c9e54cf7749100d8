#!/usr/bin/python3
"""A key-authenticated request against GET /auth/me, in the same run
(issue 15: API-key authentication as cheap as /auth/me, within 1.2x).

tali serves no key-authenticated route yet (the /public/v1 routes come
later), so this starts build/bench/bench-apikeys (bench/apikeys_server.c):
tali's own HTTP stack, route table and JWT check with the auth and apikeys
routes plus one bench-only route, GET /bench/api-key, that runs the §1.8
key check (apikeys_authenticate_req, scope roles:read) and answers the key
as a small JSON object.  For one database (sqlite, or postgres when
TALI_TEST_PG_URL is set: run it through tests/with-postgres) it runs wrk
(-t2 -c64, DURATION each), ROUNDS times in turn:
  GET /api/v1/auth/me with today's access token   (the reference)
  GET /bench/api-key  with Authorization: Bearer <key>
  GET /bench/api-key  with X-API-Key: <key>
Each key rate is divided by the reference measured right before it; the
table gives the median ratio over the rounds (the bar: at least 0.83).

usage: bench/apikeys.py [--db sqlite|postgres] [--duration 5s] [--rounds 3] [--save]
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import select
import statistics
import subprocess
import sys
import tempfile
import uuid

import requests

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import api  # noqa: E402

BIN = os.environ.get("BENCH_APIKEYS_BIN", str(pathlib.Path(api.TALI).parent / "bench" / "bench-apikeys"))


class KeyServer:
    def __init__(self, db):
        self.tmp = tempfile.mkdtemp(prefix="tali-bench-keys-")
        if db == "postgres":
            pg = os.environ["TALI_TEST_PG_URL"]
            name = "bench_" + uuid.uuid4().hex[:8]
            api.psql(pg, f'CREATE DATABASE "{name}"')
            scheme, rest = pg.split("://", 1)
            self.url = scheme + "://" + re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", rest, count=1)
        else:
            self.url = f"sqlite:///{self.tmp}/bench.db"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": self.url, "HOST": "127.0.0.1",
               "PORT": str(api.free_port()), "LOG_LEVEL": "warning", "SECRET_KEY": "bench-secret",
               "UPLOAD_DIR": f"{self.tmp}/up", "SANDBOX_ROOT": f"{self.tmp}/sandboxes"}
        self.proc = subprocess.Popen([BIN], env=env, cwd=self.tmp, stdout=subprocess.PIPE,
                                     stderr=open(f"{self.tmp}/stderr.log", "w"), text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            sys.exit(f"apikeys: bench-apikeys did not start: {open(self.tmp + '/stderr.log').read()}")
        info = json.loads(line)
        self.base = f"http://127.0.0.1:{info['port']}"
        self.jwt, self.key = info["jwt"], info["key"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def probe(srv, path, headers, status):
    r = requests.get(srv.base + path, headers=headers, timeout=10)
    if r.status_code != status:
        sys.exit(f"apikeys: {path} answered {r.status_code}, not {status}: {r.text}")
    return r.json()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--duration", default="5s")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args()
    srv = KeyServer(a.db)
    try:
        me = {"Authorization": "Bearer " + srv.jwt}
        scenarios = [("GET /bench/api-key, Authorization: Bearer", {"Authorization": "Bearer " + srv.key}),
                     ("GET /bench/api-key, X-API-Key", {"X-API-Key": srv.key})]
        probe(srv, "/api/v1/auth/me", me, 200)
        for _, h in scenarios:
            assert probe(srv, "/bench/api-key", h, 200)["prefix"] == srv.key[:16]
        probe(srv, "/bench/api-key", {"X-API-Key": srv.key[:-1] + ("A" if srv.key[-1] != "A" else "B")}, 401)
        rows = []
        for name, headers in scenarios:
            ratios, refs, rates, p99s, bad = [], [], [], [], 0
            for _ in range(a.rounds):
                ref, _, ref_bad = api.wrk(srv, "/api/v1/auth/me", me, a.duration)
                rps, p99, non2xx = api.wrk(srv, "/bench/api-key", headers, a.duration)
                refs.append(ref)
                rates.append(rps)
                p99s.append(p99)
                ratios.append(rps / ref)
                bad += non2xx + ref_bad
            rows.append((name, statistics.median(rates), statistics.median(refs), statistics.median(ratios),
                         min(ratios), max(ratios), p99s[-1], bad))
    finally:
        srv.stop()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    out = [f"### API-key check vs /auth/me on {a.db} (`bench/apikeys.py`, {stamp}, wrk -t2 -c64 -d{a.duration}, "
           f"{a.rounds} rounds, {os.cpu_count()} CPU(s))", "",
           "| scenario | req/s (median) | /auth/me req/s (same rounds) | ratio median (min–max) | p99 (last) | "
           "non-2xx |", "|---|---:|---:|---:|---:|---:|"]
    for name, rps, ref, ratio, lo, hi, p99, bad in rows:
        out.append(f"| {name} | {rps:.0f} | {ref:.0f} | {ratio:.2f} ({lo:.2f}–{hi:.2f}) | {p99} | {bad} |")
    text = "\n".join(out) + "\n"
    print(text)
    if a.save:
        with open(HERE / "results.md", "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
