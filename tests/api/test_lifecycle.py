"""Process lifecycle: graceful shutdown on SIGTERM (http.h: stop accepting,
let in-flight requests finish, exit 0)."""

import signal
import threading
import time

import requests


def test_sigterm_lets_in_flight_requests_finish(server_factory):
    srv = server_factory.start()
    result = {}

    def slow():
        try:
            r = requests.get(srv.url("/__test__/sleep?ms=1500"), timeout=20)
            result["status"] = r.status_code
        except requests.RequestException as e:
            result["error"] = repr(e)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.4)  # the request is inside the handler now
    srv.proc.send_signal(signal.SIGTERM)
    t.join(timeout=20)
    assert result == {"status": 200}, result
    rc = srv.proc.wait(timeout=10)
    assert rc == 0, srv.log_tail()


def test_sigterm_idle_exits_quickly(server_factory):
    srv = server_factory.start()
    assert srv.get("/health").status_code == 200
    a = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.proc.wait(timeout=10)
    assert rc == 0, srv.log_tail()
    assert time.monotonic() - a < 5.0


def test_sigint_also_stops(server_factory):
    srv = server_factory.start()
    srv.proc.send_signal(signal.SIGINT)
    assert srv.proc.wait(timeout=10) == 0, srv.log_tail()
