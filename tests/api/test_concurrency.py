"""Slow handlers must not hold back fast ones (ARCHITECTURE.md "How a request
flows"): while 50 requests sit in GET /__test__/sleep?ms=3000 (test hooks),
/health answers before any of them, at about the speed of an idle server.  A functional check, not a benchmark."""

import statistics
import threading
import time

import requests


def _health_times(server, n):
    out = []
    with requests.Session() as s:
        for _ in range(n):
            a = time.monotonic()
            r = s.get(server.url("/health"), timeout=30)
            out.append(time.monotonic() - a)
            assert r.status_code == 200
            assert r.json()["database"] is True
    return out


def test_slow_requests_do_not_block_fast_ones(server):
    # The bounds come from this run, not from a fast machine: a baseline of
    # /health round trips measured just before, and the sleepers' own length.
    baseline = statistics.median(_health_times(server, 20))
    n_slow, sleep_s = 50, 3.0
    ends = [None] * n_slow
    results = [None] * n_slow
    started = threading.Barrier(n_slow + 1)

    def slow(i):
        started.wait()
        try:
            r = requests.get(server.url(f"/__test__/sleep?ms={int(sleep_s * 1000)}"), timeout=120)
            results[i] = r.status_code
        except requests.RequestException as e:
            results[i] = repr(e)
        ends[i] = time.monotonic()

    threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(n_slow)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    started.wait()
    time.sleep(0.4)  # let the slow requests reach the handler

    durations = _health_times(server, 20)
    health_done = time.monotonic()

    for t in threads:
        t.join(timeout=120)
    slow_done = time.monotonic() - t0

    assert results == [200] * n_slow, results
    # every /health answer came while all the sleepers were still asleep
    assert health_done < min(ends), (f"/health calls finished {health_done - t0:.2f}s in, after the first "
                                     f"sleeper ({min(ends) - t0:.2f}s): they waited for the sleepers")
    # and at the speed of an idle server, give or take the machine's noise
    limit = 10 * baseline + 0.02
    assert statistics.median(durations) < limit, ([round(d * 1000, 1) for d in durations],
                                                  f"baseline {baseline * 1000:.1f} ms")
    # the sleepers ran side by side: one after another would take n x sleep
    assert slow_done < n_slow * sleep_s / 10, f"{n_slow} x {sleep_s} s sleeps took {slow_done:.1f}s"


def test_sleep_hook_sleeps(server):
    baseline = statistics.median(_health_times(server, 5))
    a = time.monotonic()
    r = server.get("/__test__/sleep?ms=300")
    took = time.monotonic() - a
    assert r.status_code == 200 and r.json() == {"slept_ms": 300}
    # at least the sleep; well under ten of them (a wrong unit would be 1000x)
    assert 0.299 <= took < 3.0 + baseline, took
