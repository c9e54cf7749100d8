"""Rate limiting (api-contract §1.6; policy fix 4: 429 carries CORS headers and
Retry-After; preflights do not count).  Every test uses its own client IP via
X-Forwarded-For so buckets never leak between tests (or between the two
database runs, which use separate servers anyway)."""

import pytest

from helpers import (ALLOWED_ORIGIN, DISALLOWED_ORIGIN, RATE_LIMIT_DETAIL, assert_process_time, unique_ip,
                     vary_has_origin)

LOGIN = "/api/v1/auth/login"


def post(server, path, ip, **kw):
    headers = kw.pop("headers", {})
    headers["X-Forwarded-For"] = ip
    return server.post(path, headers=headers, **kw)


def assert_429(r):
    assert r.status_code == 429, f"expected 429, got {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Content-Type") == "application/json"
    assert r.json() == {"detail": RATE_LIMIT_DETAIL}
    retry = r.headers.get("Retry-After")
    assert retry is not None and retry.isdigit() and 1 <= int(retry) <= 60, retry
    assert_process_time(r)


def exhaust(server, path, ip, limit, **kw):
    for i in range(limit):
        r = post(server, path, ip, **kw)
        assert r.status_code != 429, f"request {i + 1} of {limit} to {path} was rate-limited"


def test_login_limit_10_per_minute(server, client_ip):
    exhaust(server, LOGIN, client_ip, 10, data={"username": "nobody@example.com", "password": "wrong-password"})
    assert_429(post(server, LOGIN, client_ip, data={"username": "nobody@example.com", "password": "x"}))
    # still limited on the next attempt
    assert_429(post(server, LOGIN, client_ip, data={}))


def test_429_has_cors_headers_for_allowed_origin(server, client_ip):
    exhaust(server, LOGIN, client_ip, 10, data={})
    r = post(server, LOGIN, client_ip, data={}, headers={"Origin": ALLOWED_ORIGIN})
    assert_429(r)
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"
    assert vary_has_origin(r)


def test_429_disallowed_origin_gets_no_allow_origin(server, client_ip):
    exhaust(server, LOGIN, client_ip, 10, data={})
    r = post(server, LOGIN, client_ip, data={}, headers={"Origin": DISALLOWED_ORIGIN})
    assert_429(r)
    assert "Access-Control-Allow-Origin" not in r.headers


def test_other_ip_unaffected(server, client_ip):
    exhaust(server, LOGIN, client_ip, 10, data={})
    assert_429(post(server, LOGIN, client_ip, data={}))
    other = unique_ip()
    r = post(server, LOGIN, other, data={})
    assert r.status_code != 429


def test_preflights_do_not_count(server, client_ip):
    for _ in range(15):
        r = server.options(LOGIN, headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
                                           "X-Forwarded-For": client_ip})
        assert r.status_code == 200
    exhaust(server, LOGIN, client_ip, 10, data={})
    assert_429(post(server, LOGIN, client_ip, data={}))
    # preflights are still answered once the bucket is full
    r = server.options(LOGIN, headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
                                       "X-Forwarded-For": client_ip})
    assert r.status_code == 200


def test_auth_bucket_shared_by_login_register_forgot(server, client_ip):
    exhaust(server, LOGIN, client_ip, 4, data={})
    exhaust(server, "/api/v1/auth/register", client_ip, 3, json={})
    exhaust(server, "/api/v1/auth/forgot-password", client_ip, 3, json={})
    assert_429(post(server, "/api/v1/auth/register", client_ip, json={}))
    assert_429(post(server, "/api/v1/auth/forgot-password", client_ip, json={}))


def test_first_forwarded_hop_is_the_client(server, client_ip):
    for i in range(10):
        r = post(server, LOGIN, f"{client_ip}, 192.0.2.{i + 1}", data={})
        assert r.status_code != 429
    assert_429(post(server, LOGIN, f"{client_ip} ,198.51.100.7", data={}))


@pytest.mark.parametrize("path", ["/api/v1/auth/reset-password", "/api/v1/auth/resend-verification",
                                  "/api/v1/auth/me", "/health", "/no/such/path"])
def test_unlimited_paths(server, client_ip, path):
    for _ in range(25):
        r = server.request("GET" if path in ("/api/v1/auth/me", "/health") else "POST", path,
                           headers={"X-Forwarded-For": client_ip}, json={})
        assert r.status_code != 429, path


def test_candidate_token_bucket_15(server, client_ip):
    path = "/api/v1/assessments/token/some-token/start"
    exhaust(server, path, client_ip, 15)
    assert_429(post(server, path, client_ip))
    # upload by token shares the bucket
    assert_429(post(server, "/api/v1/assessments/token/other/upload-cv", client_ip))


def test_assessment_action_bucket_30(server, client_ip):
    paths = ["/api/v1/assessments/1/execute", "/api/v1/assessments/1/claude", "/api/v1/assessments/1/submit",
             "/api/v1/assessments/2/upload-cv"]
    for i in range(30):
        r = post(server, paths[i % len(paths)], client_ip, json={})
        assert r.status_code != 429, i
    assert_429(post(server, "/api/v1/assessments/3/execute", client_ip, json={}))


def test_rate_limited_request_is_logged_as_429(server, client_ip):
    exhaust(server, LOGIN, client_ip, 10, data={})
    rid = "ratelimit-" + client_ip
    r = post(server, LOGIN, client_ip, data={}, headers={"X-Request-Id": rid})
    assert_429(r)
    assert r.headers.get("X-Request-Id") == rid
    line = server.wait_for_log(lambda o: o.get("request_id") == rid and o.get("status") == 429)
    assert line is not None, server.log_tail()


def test_untrusted_forwarded_for_uses_peer(server_factory):
    srv = server_factory.start({"TRUST_X_FORWARDED_FOR": "false"})
    for i in range(10):
        r = srv.post(LOGIN, data={}, headers={"X-Forwarded-For": f"203.0.113.{i + 1}"})
        assert r.status_code != 429
    assert_429(srv.post(LOGIN, data={}, headers={"X-Forwarded-For": "203.0.113.200"}))
