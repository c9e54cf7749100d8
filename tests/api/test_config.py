"""Start-up configuration: production mode (api-contract §1.8,
platform-integrations §1.1, §2.6) and refusal of bad settings."""

import re
import secrets

import pytest

from helpers import HSTS, assert_security_headers


def test_production_mode_adds_hsts(server_factory):
    srv = server_factory.start({"FRONTEND_URL": "https://app.example.com", "SECRET_KEY": secrets.token_hex(16)})
    for path in ("/health", "/no/such/path"):
        r = srv.get(path)
        assert r.headers.get("Strict-Transport-Security") == HSTS, (path, dict(r.headers))
        assert_security_headers(r, hsts=True)
    # the production frontend is an allowed origin
    r = srv.get("/health", headers={"Origin": "https://app.example.com"})
    assert r.headers.get("Access-Control-Allow-Origin") == "https://app.example.com"
    # preflights carry no security headers, HSTS included
    r = srv.options("/health", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    assert "Strict-Transport-Security" not in r.headers


def test_sentry_dsn_means_production(server_factory):
    srv = server_factory.start({"SENTRY_DSN": "https://key@sentry.example.com/1",
                                "SECRET_KEY": secrets.token_hex(16)})
    assert srv.get("/health").headers.get("Strict-Transport-Security") == HSTS


def test_test_hooks_off_by_default(server_factory):
    srv = server_factory.start(drop=("TALI_TEST_HOOKS",))
    assert srv.get("/__test__/sleep?ms=1").status_code == 404
    assert srv.post("/__test__/echo", json={}).status_code == 404


@pytest.mark.parametrize("overrides,drop", [
    ({"FRONTEND_URL": "https://app.example.com"}, ("SECRET_KEY",)),
    ({"FRONTEND_URL": "https://app.example.com", "SECRET_KEY": "dev-secret-key-change-in-production"}, ()),
    ({"FRONTEND_URL": "https://app.example.com", "SECRET_KEY": "changeme"}, ()),
    ({"FRONTEND_URL": "https://app.example.com", "SECRET_KEY": "secret"}, ()),
    ({"FRONTEND_URL": "https://app.example.com", "SECRET_KEY": ""}, ()),
    ({"SENTRY_DSN": "https://key@sentry.example.com/1"}, ("SECRET_KEY",)),
    ({"FRONTEND_URL": "http://127.0.0.1:5173"}, ("SECRET_KEY",)),
], ids=["https-frontend-default-key", "explicit-default", "changeme", "secret", "empty", "sentry", "127.0.0.1"])
def test_production_with_insecure_secret_refuses_to_start(server_factory, overrides, drop):
    rc, out = server_factory.run_expect_exit(overrides, drop)
    assert rc != 0, out
    assert "SECRET_KEY" in out, f"start-up error does not name SECRET_KEY:\n{out}"


@pytest.mark.parametrize("name,value", [("PORT", "abc"), ("ACCESS_TOKEN_EXPIRE_MINUTES", "soon"),
                                        ("MVP_DISABLE_STRIPE", "maybe")])
def test_bad_setting_refuses_to_start(server_factory, name, value):
    rc, out = server_factory.run_expect_exit({name: value})
    assert rc != 0, out
    assert re.search(rf"\b{name}\b", out, re.IGNORECASE), f"start-up error does not name {name}:\n{out}"


def test_env_names_case_insensitive(server_factory):
    srv = server_factory.start({"cors_extra_origins": "https://lower.example.com"}, drop=("CORS_EXTRA_ORIGINS",))
    r = srv.get("/health", headers={"Origin": "https://lower.example.com"})
    assert r.headers.get("Access-Control-Allow-Origin") == "https://lower.example.com"


def test_dotenv_in_working_directory(server_factory):
    # The server reads .env from its working directory; the environment wins.
    import os
    from conftest import _make_server
    srv = _make_server(server_factory.backend, server_factory.root, "dotenv", drop=("CORS_EXTRA_ORIGINS",))
    with open(os.path.join(srv.workdir, ".env"), "w") as f:
        f.write("# comment\nexport CORS_EXTRA_ORIGINS='https://dotenv.example.com'\nPORT=1\n")
    server_factory.started.append(srv)
    srv.start()
    r = srv.get("/health", headers={"Origin": "https://dotenv.example.com"})
    assert r.headers.get("Access-Control-Allow-Origin") == "https://dotenv.example.com"
