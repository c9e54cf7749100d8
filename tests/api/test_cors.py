"""CORS (api-contract §1.7).  The test server runs with
FRONTEND_URL=http://localhost:5173 and
CORS_EXTRA_ORIGINS=" https://extra.example.com , ,https://two.example.com"."""

import pytest

from helpers import (ALLOWED_ORIGIN, CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, DISALLOWED_ORIGIN,
                     assert_no_security_headers, assert_process_time, assert_security_headers, vary_has_origin)

ALLOWED = [ALLOWED_ORIGIN, "http://localhost:3000", "https://extra.example.com", "https://two.example.com"]


def preflight(server, path="/health", origin=ALLOWED_ORIGIN, method="GET", headers=None, ip=None):
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        h["Access-Control-Request-Headers"] = headers
    if ip:
        h["X-Forwarded-For"] = ip
    return server.options(path, headers=h)


def assert_preflight_common(r):
    assert r.headers.get("Access-Control-Allow-Methods") == CORS_ALLOW_METHODS
    assert r.headers.get("Access-Control-Allow-Headers") == CORS_ALLOW_HEADERS
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"
    assert r.headers.get("Access-Control-Max-Age") == "600"
    assert vary_has_origin(r), r.headers.get("Vary")
    assert r.headers.get("Content-Type") == "text/plain; charset=utf-8"
    assert_no_security_headers(r)
    assert_process_time(r)


@pytest.mark.parametrize("origin", ALLOWED)
def test_preflight_allowed_origin(server, origin):
    r = preflight(server, origin=origin)
    assert r.status_code == 200, r.text
    assert r.text == "OK"
    assert r.headers.get("Access-Control-Allow-Origin") == origin
    assert_preflight_common(r)


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/no/such/route", "/anything"])
def test_preflight_answered_for_any_path(server, path, client_ip):
    r = preflight(server, path=path, method="POST", headers="content-type,authorization", ip=client_ip)
    assert r.status_code == 200, r.text
    assert r.text == "OK"
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert_preflight_common(r)


@pytest.mark.parametrize("headers", ["Authorization, Content-Type", "x-assessment-token",
                                     "X-Requested-With,Accept,Accept-Language,Content-Language"])
def test_preflight_allowed_request_headers(server, headers):
    r = preflight(server, method="PATCH", headers=headers)
    assert r.status_code == 200, (headers, r.text)


@pytest.mark.parametrize("method", CORS_ALLOW_METHODS.split(", "))
def test_preflight_allowed_methods(server, method):
    assert preflight(server, method=method).status_code == 200


def test_preflight_disallowed_origin(server):
    r = preflight(server, origin=DISALLOWED_ORIGIN)
    assert r.status_code == 400
    assert r.text == "Disallowed CORS origin"
    assert "Access-Control-Allow-Origin" not in r.headers
    assert_preflight_common(r)


def test_preflight_origin_match_is_exact(server):
    for origin in ("http://localhost:5173/", "http://LOCALHOST:5173", "http://localhost:51730", "null"):
        r = preflight(server, origin=origin)
        assert r.status_code == 400, origin
        assert r.text == "Disallowed CORS origin"


def test_preflight_disallowed_header(server):
    r = preflight(server, headers="Content-Type, X-Evil-Header")
    assert r.status_code == 400
    assert r.text == "Disallowed CORS headers"
    # the origin itself is fine, so Starlette still names it
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert_preflight_common(r)


def test_preflight_disallowed_method(server):
    r = preflight(server, method="TRACE")
    assert r.status_code == 400
    assert r.text == "Disallowed CORS method"


def test_actual_request_allowed_origin(server):
    for origin in ALLOWED:
        r = server.get("/health", headers={"Origin": origin})
        assert r.status_code == 200
        assert r.headers.get("Access-Control-Allow-Origin") == origin
        assert r.headers.get("Access-Control-Allow-Credentials") == "true"
        assert vary_has_origin(r)
        assert_security_headers(r)


def test_actual_request_allowed_origin_on_errors(server):
    r = server.get("/no/such/path", headers={"Origin": ALLOWED_ORIGIN})
    assert r.status_code == 404
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"
    r = server.put("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert r.status_code == 405
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN


def test_actual_request_disallowed_origin_still_served(server):
    r = server.get("/health", headers={"Origin": DISALLOWED_ORIGIN})
    assert r.status_code == 200
    assert r.json()["service"] == "tali-api"
    assert "Access-Control-Allow-Origin" not in r.headers
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"


def test_no_origin_no_cors_headers(server):
    r = server.get("/health")
    for name in r.headers:
        assert not name.lower().startswith("access-control-"), name
