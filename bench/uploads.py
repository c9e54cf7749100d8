#!/usr/bin/python3
"""Reads during an upload flood (issue 18, defect 2), on loopback only.

Starts `tali serve` on a fresh database (sqlite, or postgres when
TALI_TEST_PG_URL is set; run it through tests/with-postgres), logs a
recruiter in, then:
  1. times 40 sequential `GET /api/v1/tasks/` reads on the idle server;
  2. starts N uploads at once (default 24) of a small PDF whose content
     stream inflates to M MiB (default 300, the probe's document; each
     extraction runs into its 10 s limit) and times the same read in a loop
     until the last upload has answered;
and prints p50/p99/max of both, the busy/idle ratio of the p50 and p99,
and how long the flood took.  Before the fix each upload held its pooled
connection while it extracted, and the probe saw reads take 9 s.

usage: bench/uploads.py [--db sqlite|postgres] [--uploads 24] [--inflate-mib 300] [--pool 16]
"""

import argparse
import statistics
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from api import Server, pct, recruiter  # noqa: E402

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "tests", "api"))
from helpers import inflating_pdf  # noqa: E402


def timed_get(srv, path, headers):
    t0 = time.monotonic()
    r = srv.s.get(srv.base + path, headers=headers, timeout=300)
    assert r.status_code == 200, r.text
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--uploads", type=int, default=24)
    ap.add_argument("--inflate-mib", type=int, default=300)
    ap.add_argument("--pool", type=int, default=16, help="WORKER_THREADS (database connections)")
    args = ap.parse_args()

    srv = Server(args.db, {"WORKER_THREADS": str(args.pool), "BCRYPT_ROUNDS": "4"})
    try:
        _, h = recruiter(srv)
        cids = []
        for i in range(args.uploads):
            r = srv.s.post(srv.base + "/api/v1/candidates/", json={"email": f"up{i}@example.com"}, headers=h)
            assert r.status_code == 201, r.text
            cids.append(r.json()["id"])
        pdf = inflating_pdf(args.inflate_mib)
        idle = [timed_get(srv, "/api/v1/tasks/", h) for _ in range(40)]

        def upload(cid):
            import requests
            r = requests.post(f"{srv.base}/api/v1/candidates/{cid}/upload-cv", headers=h, timeout=600,
                              files={"file": ("cv.pdf", pdf, "application/pdf")})
            assert r.status_code == 200, r.text

        t0 = time.monotonic()
        threads = [threading.Thread(target=upload, args=(cid,)) for cid in cids]
        for t in threads:
            t.start()
        busy = []
        while any(t.is_alive() for t in threads):
            busy.append(timed_get(srv, "/api/v1/tasks/", h))
        for t in threads:
            t.join()
        flood = time.monotonic() - t0
    finally:
        srv.stop()

    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    print(f"| db | uploads | PDF | inflates to | idle p50/p99 ms | busy p50/p99/max ms | p50 ratio | p99 ratio "
          f"| flood s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.db} | {args.uploads} | {len(pdf) // 1024} KiB | {args.inflate_mib} MiB "
          f"| {ms(statistics.median(idle))} / {ms(pct(idle, 99))} "
          f"| {ms(statistics.median(busy))} / {ms(pct(busy, 99))} / {ms(max(busy))} "
          f"| {statistics.median(busy) / statistics.median(idle):.1f} | {pct(busy, 99) / pct(idle, 99):.1f} "
          f"| {flood:.1f} |")


if __name__ == "__main__":
    main()
