#!/usr/bin/python3
"""The kept routes in today's shape against /auth/me, in the same run.

For one database (sqlite, or postgres when TALI_TEST_PG_URL is set — run it
through tests/with-postgres) it starts `tali serve`, signs in one recruiter,
seeds 10,000 assessments (a third completed, bench/api.py's seed) and runs
wrk (-t2 -c64, DURATION each) on:
  GET /auth/me                  (the reference, rerun before each scenario)
  GET /organizations/me         (40 keys, settings objects resolved)
  GET /tasks/                   (25-key tasks)
  GET /analytics/ (10k)         (February's and today's figures)
  GET /analytics/?task_id=…     (the same rows through today's filter)
Each rate is reported as a ratio to the reference measured right before it.

usage: bench/kept.py [--db sqlite|postgres] [--duration 5s] [--save]
"""

import argparse
import datetime
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import api  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--duration", default="5s")
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args()
    srv = api.Server(a.db, {})
    try:
        user, h = api.recruiter(srv)
        task = srv.s.post(srv.base + "/api/v1/tasks/", headers=h, json={
            "name": "Bench task", "description": "A task", "task_type": "build", "difficulty": "mid",
            "starter_code": "x = 1\n", "test_code": "def test(): pass\n"}).json()
        api.seed(srv, user["organization_id"], task["id"])
        scenarios = [("GET /organizations/me", "/api/v1/organizations/me"),
                     ("GET /tasks/", "/api/v1/tasks/"),
                     ("GET /analytics/ (10k)", "/api/v1/analytics/"),
                     ("GET /analytics/?task_id (10k)", f"/api/v1/analytics/?task_id={task['id']}")]
        rows = []
        for name, path in scenarios:
            probe = srv.s.get(srv.base + path, headers=h)
            if probe.status_code != 200:
                sys.exit(f"kept: {path} answered {probe.status_code}: {probe.text}")
            ref, _, _ = api.wrk(srv, "/api/v1/auth/me", h, a.duration)
            rps, p99, bad = api.wrk(srv, path, h, a.duration)
            rows.append((name, rps, ref, p99, f"{bad} non-2xx" if bad else ""))
    finally:
        srv.stop()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    out = [f"### Kept routes vs /auth/me on {a.db} (`bench/kept.py`, {stamp}, wrk -t2 -c64 -d{a.duration})",
           "", "| scenario | req/s | /auth/me req/s (same run) | ratio | p99 | note |", "|---|---|---|---|---|---|"]
    for name, rps, ref, p99, note in rows:
        out.append(f"| {name} | {rps:.0f} | {ref:.0f} | {rps / ref:.3f} | {p99} | {note} |")
    text = "\n".join(out) + "\n"
    print(text)
    if a.save:
        with open(pathlib.Path(__file__).resolve().parent / "results.md", "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
