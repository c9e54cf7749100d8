#!/usr/bin/python3
"""Identity routes against /auth/me, in the same run (issue 15's speed bar).

For one database (sqlite, or postgres when TALI_TEST_PG_URL is set — run it
through tests/with-postgres) it starts `tali serve`, registers, verifies and
signs in one recruiter both ways (POST /auth/login for a February token,
POST /auth/jwt/login for today's), mints an API key when the server serves
/api-keys, and runs wrk (-t2 -c64, DURATION each) on:
  GET /auth/me with the February token   (the reference)
  GET /auth/me with today's token
  GET /users/me with today's token
  POST /auth/jwt/refresh with today's token
  GET /api-keys with today's token
Each rate is reported as a ratio to the reference, measured in the same run
right before it (the reference runs again before each scenario, so the pair
shares the machine's state).  The bar: within 1.2x of /auth/me, i.e. a ratio
of at least 0.83.

usage: bench/identity.py [--db sqlite|postgres] [--duration 5s] [--save]
"""

import argparse
import datetime
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import api  # noqa: E402


def lua_post(tmp):
    path = os.path.join(tmp, "post.lua")
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
    return path


def wrk(srv, path, headers, duration, method="GET"):
    if method == "GET":
        return api.wrk(srv, path, headers, duration)
    cmd = ["wrk", "-t2", "-c64", f"-d{duration}", "--latency", "-s", lua_post(srv.tmp)]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = api.subprocess.run(cmd + [srv.base + path], capture_output=True, text=True, timeout=120).stdout
    rps = float(api.re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = api.re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)
    non2xx = api.re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--duration", default="5s")
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args()
    srv = api.Server(a.db, {"BCRYPT_ROUNDS": "12"})
    try:
        user, b_headers = api.recruiter(srv)
        r = srv.s.post(srv.base + "/api/v1/auth/jwt/login", headers=api.ip(),
                       data={"username": user["email"], "password": api.PASSWORD})
        if r.status_code != 200:
            sys.exit(f"identity: /auth/jwt/login answered {r.status_code}: {r.text}")
        v2 = {"Authorization": "Bearer " + r.json()["access_token"]}
        scenarios = [("GET /auth/me (today's token)", "GET", "/api/v1/auth/me", v2),
                     ("GET /users/me", "GET", "/api/v1/users/me", v2),
                     ("POST /auth/jwt/refresh", "POST", "/api/v1/auth/jwt/refresh", v2),
                     ("GET /api-keys", "GET", "/api/v1/api-keys", v2)]
        rows = []
        for name, method, path, headers in scenarios:
            probe = srv.s.request(method, srv.base + path, headers=headers)
            if probe.status_code != 200:
                rows.append((name, None, None, None, f"not served ({probe.status_code})"))
                continue
            ref, _, _ = wrk(srv, "/api/v1/auth/me", b_headers, a.duration)
            rps, p99, bad = wrk(srv, path, headers, a.duration, method)
            rows.append((name, rps, ref, p99, f"{bad} non-2xx" if bad else ""))
    finally:
        srv.stop()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    out = [f"### Identity routes vs /auth/me on {a.db} (`bench/identity.py`, {stamp}, wrk -t2 -c64 -d{a.duration})",
           "", "| scenario | req/s | /auth/me req/s (same run) | ratio | p99 | note |", "|---|---|---|---|---|---|"]
    for name, rps, ref, p99, note in rows:
        if rps is None:
            out.append(f"| {name} | – | – | – | – | {note} |")
        else:
            out.append(f"| {name} | {rps:.0f} | {ref:.0f} | {rps / ref:.2f} | {p99} | {note} |")
    text = "\n".join(out) + "\n"
    print(text)
    if a.save:
        with open(pathlib.Path(__file__).resolve().parent / "results.md", "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
