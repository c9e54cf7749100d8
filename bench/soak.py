#!/usr/bin/python3
"""Soak: 64 clients on loopback mixing reads and writes for a bounded time.

Starts `tali serve` on a fresh database (SQLite, or PostgreSQL with
--db postgres under tests/with-postgres), creates a recruiter, a task and
200 candidates, then runs wrk (-t2 -c64, bench/soak.lua: seven reads and
three writes in every ten requests) in consecutive windows until the
duration is spent.  Per window it records requests/s, p99 latency,
errors (non-2xx answers plus socket errors) and the server's resident
memory (VmRSS of /proc/<pid>/status, sampled every second).

It passes when no window had an error and memory stopped growing after
warm-up: the highest VmRSS of the second half of the run is at most
RSS_SLACK above the highest VmRSS seen by the end of the warm-up (the first
WARMUP_SHARE of the run, at least one window).  A leak of even a few
hundred bytes per request shows up as a steady climb across windows; a
pool or cache filling up does not.

usage: bench/soak.py [--db sqlite|postgres] [--minutes 10] [--window 30]
                     [--connections 64] [--pool 16] [--save]

--save appends the table to bench/results.md.  Exit status 1 when the run
failed its checks.  Loopback only; every child is bounded by a timeout.
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import uuid

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import api  # noqa: E402  (Server, recruiter: the same set-up as bench/api.py)

WARMUP_SHARE = 0.2
RSS_SLACK_KIB = 8 * 1024          # absolute slack ...
RSS_SLACK_SHARE = 0.10            # ... or this share of the warm-up RSS, whichever is larger
N_CANDIDATES = 200


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid, t0):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples = []  # (seconds since t0, KiB)
        self.stop = threading.Event()
        self.t0 = t0

    def run(self):
        while not self.stop.is_set():
            try:
                self.samples.append((time.monotonic() - self.t0, vm_rss_kib(self.pid)))
            except OSError:
                return
            self.stop.wait(1.0)


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    p99 = to_ms(*m.groups()) if m else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rps, total, p99, int(non2xx.group(1)) if non2xx else 0, sum(map(int, sock.groups())) if sock else 0


def server_errors(path):
    """The 5xx lines the server logged (status, detail), oldest first."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                if isinstance(o, dict) and o.get("level") == "ERROR":
                    out.append((o.get("status"), o.get("detail") or o.get("message")))
    except OSError:
        pass
    return out


def slope_mib_per_min(samples):
    """Least-squares slope of (seconds, KiB) samples, in MiB per minute."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mx = sum(t for t, _ in samples) / n
    my = sum(k for _, k in samples) / n
    var = sum((t - mx) ** 2 for t, _ in samples)
    if var == 0:
        return 0.0
    return sum((t - mx) * (k - my) for t, k in samples) / var * 60 / 1024


def prepare(srv):
    user, h = api.recruiter(srv)
    task = srv.s.post(srv.base + "/api/v1/tasks/", headers=h, json={
        "name": "Soak", "description": "Soak task.", "task_type": "debugging", "difficulty": "junior",
        "duration_minutes": 30, "starter_code": "def f():\n    pass\n", "test_code": "def test_f():\n    pass\n"})
    assert task.status_code == 201, task.text
    ids = []
    for i in range(N_CANDIDATES):
        r = srv.s.post(srv.base + "/api/v1/candidates/", headers=h,
                       json={"email": f"seed-{i}-{uuid.uuid4().hex[:6]}@example.com", "full_name": f"Seed {i}"})
        assert r.status_code == 201, r.text
        ids.append(str(r.json()["id"]))
    return h["Authorization"].split(" ", 1)[1], str(task.json()["id"]), ids


def run(args):
    srv = api.Server(args.db, {"WORKER_THREADS": str(args.pool)})
    sampler = None
    try:
        token, task, ids = prepare(srv)
        windows = []
        total_s = args.minutes * 60
        t0 = time.monotonic()
        sampler = RssSampler(srv.proc.pid, t0)
        sampler.start()
        while True:
            left = total_s - (time.monotonic() - t0)
            if left < 1:
                break
            secs = int(min(args.window, left))
            start = time.monotonic() - t0
            # a 10 s timeout: a slow moment of a shared machine is not an
            # error, an answer that takes longer is
            cmd = ["wrk", "-t2", f"-c{args.connections}", f"-d{secs}s", "--timeout", "10s", "--latency", "-s",
                   str(ROOT / "bench" / "soak.lua"), srv.base, "--", f"w{len(windows)}x{uuid.uuid4().hex[:6]}",
                   token, task, ",".join(ids)]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60).stdout
            rps, total, p99, non2xx, sock = parse_wrk(out)
            errors = non2xx + sock
            end = time.monotonic() - t0
            in_window = [k for t, k in list(sampler.samples) if start <= t <= end] or [vm_rss_kib(srv.proc.pid)]
            windows.append({"start": start, "end": end, "rps": rps, "requests": total, "p99_ms": p99,
                            "errors": errors, "non2xx": non2xx, "socket": sock, "rss_max_kib": max(in_window)})
            w = windows[-1]
            print(f"{w['start']:6.0f}-{w['end']:4.0f}s  {w['rps']:8.1f} req/s  p99 {w['p99_ms']:8.2f} ms  "
                  f"errors {w['errors']}  RSS {w['rss_max_kib'] / 1024:.1f} MiB", flush=True)
            if srv.proc.poll() is not None:
                print("the server exited", file=sys.stderr)
                break
        alive = srv.proc.poll() is None
    finally:
        if sampler:
            sampler.stop.set()
        srv.stop()
    return windows, alive, sampler.samples if sampler else [], server_errors(srv.stdout_path)


def verdict(windows, alive, samples):
    warm = max(1, int(round(len(windows) * WARMUP_SHARE)))
    warm_rss = max(w["rss_max_kib"] for w in windows[:warm])
    late = windows[len(windows) // 2:]
    late_rss = max(w["rss_max_kib"] for w in late)
    slack = max(RSS_SLACK_KIB, warm_rss * RSS_SLACK_SHARE)
    errors = sum(w["errors"] for w in windows)
    ok = alive and errors == 0 and late_rss <= warm_rss + slack
    half = windows[len(windows) // 2]["start"]
    slope = slope_mib_per_min([(t, k) for t, k in samples if t >= half])
    return ok, {"warm_rss": warm_rss, "late_rss": late_rss, "slack": slack, "errors": errors, "warm": warm,
                "slope": slope}


def report(args, windows, ok, v, logged):
    lines = [f"### Soak on {args.db} ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%MZ}, "
             f"bench/soak.py --minutes {args.minutes:g} --window {args.window} --pool {args.pool}, "
             f"wrk -t2 -c{args.connections})",
             "",
             f"{sum(w['requests'] for w in windows)} requests in {windows[-1]['end']:.0f} s, 7 reads : 3 writes; "
             f"{os.cpu_count()} CPUs shared with wrk (and with other work on this machine).",
             "",
             "| window | requests/s | p99 | non-2xx | socket errors | peak VmRSS |",
             "|---|---:|---:|---:|---:|---:|"]
    for w in windows:
        lines.append(f"| {w['start']:.0f}-{w['end']:.0f} s | {w['rps']:,.0f} | {w['p99_ms']:.2f} ms | {w['non2xx']} | "
                     f"{w['socket']} | {w['rss_max_kib'] / 1024:.1f} MiB |")
    lines += ["",
              f"Verdict: **{'pass' if ok else 'FAIL'}**: {v['errors']} errors; peak RSS by the end of warm-up "
              f"(first {v['warm']} window(s)) {v['warm_rss'] / 1024:.1f} MiB, in the second half "
              f"{v['late_rss'] / 1024:.1f} MiB (allowed: +{v['slack'] / 1024:.1f} MiB); RSS trend over the second "
              f"half {v['slope']:+.2f} MiB/min.", ""]
    if logged:
        kinds = {}
        for status, detail in logged:
            kinds[(status, detail)] = kinds.get((status, detail), 0) + 1
        lines += ["Server ERROR lines: " + "; ".join(f"{n} x {st} {d}" for (st, d), n in kinds.items()), ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--minutes", type=float, default=10.0, help="total duration (default 10)")
    ap.add_argument("--window", type=int, default=30, help="seconds per wrk window (default 30)")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--pool", type=int, default=16, help="WORKER_THREADS: database connections (default 16)")
    ap.add_argument("--save", action="store_true", help="append the table to bench/results.md")
    args = ap.parse_args()
    if args.db == "postgres" and not os.environ.get("TALI_TEST_PG_URL"):
        sys.exit("--db postgres needs TALI_TEST_PG_URL (run under tests/with-postgres)")
    windows, alive, samples, logged = run(args)
    if not windows:
        sys.exit("no window completed")
    ok, v = verdict(windows, alive, samples)
    text = report(args, windows, ok, v, logged)
    print()
    print(text)
    if args.save:
        with open(ROOT / "bench" / "results.md", "a") as f:
            f.write("\n" + text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
