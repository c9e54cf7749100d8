"""Slow handlers must not hold back fast ones (ARCHITECTURE.md "How a request
flows"): while 50 requests sit in GET /__test__/sleep?ms=2000 (test hooks),
/health still answers in milliseconds.  A functional check, not a benchmark."""

import statistics
import threading
import time

import requests


def test_slow_requests_do_not_block_fast_ones(server):
    n_slow = 50
    results = [None] * n_slow
    started = threading.Barrier(n_slow + 1)

    def slow(i):
        started.wait()
        try:
            r = requests.get(server.url("/__test__/sleep?ms=2000"), timeout=30)
            results[i] = r.status_code
        except requests.RequestException as e:
            results[i] = repr(e)

    threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(n_slow)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    started.wait()
    time.sleep(0.4)  # let the slow requests reach the handler

    durations = []
    with requests.Session() as s:
        for _ in range(20):
            a = time.monotonic()
            r = s.get(server.url("/health"), timeout=5)
            durations.append(time.monotonic() - a)
            assert r.status_code == 200
            assert r.json()["database"] is True
    health_done = time.monotonic() - t0

    for t in threads:
        t.join(timeout=30)
    slow_done = time.monotonic() - t0

    assert results == [200] * n_slow, results
    assert health_done < 2.0, f"/health calls finished only after {health_done:.2f}s: they waited for the sleepers"
    assert max(durations) < 0.2, [round(d * 1000, 1) for d in durations]
    assert statistics.median(durations) < 0.05, [round(d * 1000, 1) for d in durations]
    # the sleepers ran concurrently, not one after another
    assert slow_done < 8.0, f"50 x 2 s sleeps took {slow_done:.1f}s"


def test_sleep_hook_sleeps(server):
    a = time.monotonic()
    r = server.get("/__test__/sleep?ms=300")
    took = time.monotonic() - a
    assert r.status_code == 200
    assert 0.28 <= took < 2.0, took
