"""Identity routes of today's client beside the February ones (spec
v2/identity-and-kept-routes.md §1.2-§1.7, decided by §3): I1 POST
/auth/jwt/login, I2 logout, I3 refresh, Argon2 verification (D13).

D1: one credential check for /auth/login (A4) and /auth/jwt/login (I1),
each route with its own errors, one lockout counter and auth_events on
both.  D2: AUTH_REQUIRE_VERIFIED_LOGIN (default true) refuses unverified
users on both routes with B's text.  Each test runs on SQLite and on
PostgreSQL."""

import ctypes
import ctypes.util
import os
import time
import uuid

import pytest

import helpers
from helpers import assert_json_detail
from test_auth import (MSG_UNVERIFIED, PASSWORD, auth, count, jwt_claims, login, make_jwt, register, sql,
                       unique_email)

JWT_LOGIN = "/api/v1/auth/jwt/login"
AUD = "fastapi-users:auth"
LOCK_TEXT = "Too many failed login attempts. Try again in 15 minute(s)."


# ---- helpers -------------------------------------------------------------

def ip():
    return {"X-Forwarded-For": helpers.unique_ip()}


def jwt_login(server, username, password=PASSWORD, headers=None):
    return server.post(JWT_LOGIN, data={"username": username, "password": password}, headers=headers or ip())


def boolean(server, value):
    if server.kind == "sqlite":
        return 1 if value else 0
    return "true" if value else "false"


def verified_user(server, org=None):
    """A registered, verified user: (user json, email)."""
    email = unique_email("ident")
    user = register(server, email=email, org=org if org is not None else f"Org {uuid.uuid4().hex[:8]}").json()
    sql(server, "UPDATE users SET is_email_verified = %s WHERE email = %s", (boolean(server, True), email))
    return user, email


def events(server, email):
    """(event_type, user_id, metadata) of the auth_events rows for email, oldest first."""
    rows = sql(server, "SELECT event_type, user_id, event_metadata FROM auth_events WHERE email = %s ORDER BY id",
               (email,))
    import json
    out = []
    for t, uid, meta in rows:
        uid = None if uid in (None, "") else int(uid)
        out.append((t, uid, json.loads(meta) if meta not in (None, "") else None))
    return out


def user_row(server, email, cols):
    return sql(server, f"SELECT {cols} FROM users WHERE email = %s", (email,))[0]


_ARGON2 = None


def argon2_hash(secret, variant="id", t=3, m=65536, p=4):
    """An encoded Argon2 hash as argon2-cffi writes it, made with Debian's libargon2."""
    global _ARGON2
    if _ARGON2 is None:
        _ARGON2 = ctypes.CDLL(ctypes.util.find_library("argon2") or "libargon2.so.1")
    fn = {"id": _ARGON2.argon2id_hash_encoded, "i": _ARGON2.argon2i_hash_encoded,
          "d": _ARGON2.argon2d_hash_encoded}[variant]
    fn.argtypes = [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t,
                   ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    pw = secret.encode()
    salt = os.urandom(16)
    out = ctypes.create_string_buffer(256)
    rc = fn(t, m, p, pw, len(pw), salt, len(salt), 32, out, len(out))
    assert rc == 0, rc
    return out.value.decode()


# ---- I1 POST /auth/jwt/login --------------------------------------------

def test_jwt_login_issues_todays_token_and_a4_keeps_b_format(server):
    user, email = verified_user(server)
    r = jwt_login(server, email)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["access_token", "token_type"] and body["token_type"] == "bearer"
    claims = jwt_claims(body["access_token"])
    assert claims["sub"] == str(user["id"]) and claims["aud"] == [AUD]
    assert isinstance(claims["iat"], int) and claims["exp"] - claims["iat"] == 30 * 60
    assert "user_id" not in claims
    me = server.get("/api/v1/auth/me", headers=auth(body["access_token"]))
    assert me.status_code == 200 and me.json()["email"] == email
    # A4 keeps the February token
    b = jwt_claims(login(server, email).json()["access_token"])
    assert b["sub"] == email and b["user_id"] == user["id"] and "aud" not in b


def test_jwt_login_bad_credentials_unknown_and_inactive(server):
    _, email = verified_user(server)
    assert_json_detail(jwt_login(server, email, "wrong password"), 400, "LOGIN_BAD_CREDENTIALS")
    assert_json_detail(jwt_login(server, unique_email("nobody")), 400, "LOGIN_BAD_CREDENTIALS")
    sql(server, "UPDATE users SET is_active = %s WHERE email = %s", (boolean(server, False), email))
    r = jwt_login(server, email)
    assert_json_detail(r, 400, "LOGIN_BAD_CREDENTIALS")
    assert "WWW-Authenticate" not in r.headers
    # the February route keeps its own answers for the same account
    assert_json_detail(login(server, email), 403, "Account is disabled")


def test_jwt_login_case_insensitive_email(server):
    user, email = verified_user(server)
    r = jwt_login(server, email.upper())
    assert r.status_code == 200 and jwt_claims(r.json()["access_token"])["sub"] == str(user["id"])


def test_jwt_login_form_validation(server):
    r = server.post(JWT_LOGIN, data={"username": "a@example.com"}, headers=ip())
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "password"]]
    r = server.post(JWT_LOGIN, data={}, headers=ip())
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "username"], ["body", "password"]]
    r = server.post(JWT_LOGIN, data={"username": "a@example.com", "password": "x", "grant_type": "client"},
                    headers=ip())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "grant_type"]


def test_jwt_login_unverified_refused_with_b_text(server):
    email = unique_email("unverified")
    register(server, email=email)
    r = jwt_login(server, email)
    assert_json_detail(r, 403, MSG_UNVERIFIED)
    assert "verify" in r.json()["detail"]  # what today's login page looks for
    assert_json_detail(login(server, email), 403, MSG_UNVERIFIED)


def test_unverified_login_allowed_when_setting_off(server_factory):
    s = server_factory.start({"AUTH_REQUIRE_VERIFIED_LOGIN": "false"})
    email = unique_email("unverified")
    register(s, email=email)
    r = jwt_login(s, email)
    assert r.status_code == 200, r.text
    assert login(s, email).status_code == 200
    assert_json_detail(jwt_login(s, email, "wrong password"), 400, "LOGIN_BAD_CREDENTIALS")


def test_lockout_shared_between_both_routes(server):
    user, email = verified_user(server)
    for _ in range(2):
        assert_json_detail(login(server, email, "wrong password"), 401, "Incorrect email or password")
    for _ in range(2):
        assert_json_detail(jwt_login(server, email, "wrong password"), 400, "LOGIN_BAD_CREDENTIALS")
    assert int(user_row(server, email, "failed_login_attempts")[0]) == 4
    # the fifth failure, on either route, locks the account for both
    assert_json_detail(login(server, email, "wrong password"), 401, "Incorrect email or password")
    attempts, locked = user_row(server, email, "failed_login_attempts, locked_until")
    assert int(attempts) == 5 and locked not in (None, "")
    r = jwt_login(server, email)
    assert_json_detail(r, 429, LOCK_TEXT)
    assert "Retry-After" not in r.headers
    assert_json_detail(login(server, email), 429, LOCK_TEXT)
    ev = events(server, email)
    assert [e[0] for e in ev] == ["login_failed"] * 4 + ["account_locked", "login_failed", "login_failed"]
    assert [e[2] for e in ev[:5]] == [
        {"reason": "bad_password", "failed_attempts": 1}, {"reason": "bad_password", "failed_attempts": 2},
        {"reason": "bad_password", "failed_attempts": 3}, {"reason": "bad_password", "failed_attempts": 4},
        {"reason": "bad_password", "failed_attempts": 5, "lock_minutes": 15}]
    assert ev[5][2] == ev[6][2] == {"reason": "account_locked"}
    assert all(e[1] == user["id"] for e in ev)


def test_expired_lock_restarts_count_and_success_resets(server):
    _, email = verified_user(server)
    sql(server, "UPDATE users SET failed_login_attempts = 5, locked_until = %s WHERE email = %s",
        ("2000-01-01 00:00:00.000000", email))
    assert_json_detail(jwt_login(server, email, "wrong password"), 400, "LOGIN_BAD_CREDENTIALS")
    attempts, locked = user_row(server, email, "failed_login_attempts, locked_until")
    assert int(attempts) == 1 and locked in (None, "")
    assert jwt_login(server, email).status_code == 200
    assert int(user_row(server, email, "failed_login_attempts")[0]) == 0


def test_login_events_on_both_routes(server):
    user, email = verified_user(server)
    assert jwt_login(server, email).status_code == 200
    assert login(server, email).status_code == 200
    assert [(e[0], e[1], e[2]) for e in events(server, email)] == [
        ("login_success", user["id"], None), ("login_success", user["id"], None)]
    ip_addr = helpers.unique_ip()
    jwt_login(server, email, "wrong", headers={"X-Forwarded-For": ip_addr, "User-Agent": "ident-test/1"})
    row = sql(server, "SELECT ip_address, user_agent, organization_id FROM auth_events WHERE email = %s "
              "ORDER BY id DESC LIMIT 1", (email,))[0]
    assert row[0] == ip_addr and row[1] == "ident-test/1" and int(row[2]) == user["organization_id"]


def test_unknown_email_event_has_no_user(server):
    email = unique_email("ghost")
    assert_json_detail(jwt_login(server, email.upper()), 400, "LOGIN_BAD_CREDENTIALS")
    assert_json_detail(login(server, email), 401, "Incorrect email or password")
    assert events(server, email) == [("login_failed", None, {"reason": "unknown_email"})] * 2


def test_jwt_login_shares_the_auth_rate_bucket(server):
    headers = ip()
    email = unique_email("rl")
    form = {"username": email, "password": "x"}
    for i in range(10):
        path = "/api/v1/auth/login" if i % 2 else JWT_LOGIN
        r = server.post(path, data=form, headers=headers)
        assert r.status_code == (401 if i % 2 else 400), (i, r.text)
    r = server.post(JWT_LOGIN, data=form, headers=headers)
    assert_json_detail(r, 429, "Too many requests. Please try again later.")


def test_openapi_documents_the_new_routes(server):
    paths = server.get("/api/openapi.json").json()["paths"]
    for p in ("/api/v1/auth/jwt/login", "/api/v1/auth/jwt/logout", "/api/v1/auth/jwt/refresh"):
        assert "post" in paths[p], p


# ---- I2 logout, I3 refresh ---------------------------------------------

def test_logout_204_with_either_token(server):
    _, email = verified_user(server)
    for token in (jwt_login(server, email).json()["access_token"], login(server, email).json()["access_token"]):
        r = server.post("/api/v1/auth/jwt/logout", headers=auth(token))
        assert r.status_code == 204 and r.content == b""
        # nothing is revoked
        assert server.get("/api/v1/auth/me", headers=auth(token)).status_code == 200
    assert_json_detail(server.post("/api/v1/auth/jwt/logout"), 401, "Not authenticated")
    bad = make_jwt({"sub": "1", "aud": [AUD], "exp": int(time.time()) + 60}, secret="other")
    assert_json_detail(server.post("/api/v1/auth/jwt/logout", headers=auth(bad)), 401, "Unauthorized")


def test_refresh_gives_a_fresh_todays_token(server):
    user, email = verified_user(server)
    for token in (jwt_login(server, email).json()["access_token"], login(server, email).json()["access_token"]):
        r = server.post("/api/v1/auth/jwt/refresh", headers=auth(token))
        assert r.status_code == 200, r.text
        assert r.json()["token_type"] == "bearer"
        new = r.json()["access_token"]
        c = jwt_claims(new)
        assert c["sub"] == str(user["id"]) and c["aud"] == [AUD] and c["exp"] - c["iat"] == 30 * 60
        assert server.get("/api/v1/auth/me", headers=auth(new)).status_code == 200


def test_refresh_errors(server):
    user, email = verified_user(server)
    assert_json_detail(server.post("/api/v1/auth/jwt/refresh"), 401, "Not authenticated")
    expired = make_jwt({"sub": str(user["id"]), "aud": [AUD], "iat": 1, "exp": int(time.time()) - 5})
    assert_json_detail(server.post("/api/v1/auth/jwt/refresh", headers=auth(expired)), 401, "Unauthorized")
    verify_aud = make_jwt({"sub": str(user["id"]), "aud": "fastapi-users:verify", "exp": int(time.time()) + 60})
    assert_json_detail(server.post("/api/v1/auth/jwt/refresh", headers=auth(verify_aud)), 401, "Unauthorized")
    token = jwt_login(server, email).json()["access_token"]
    no_iat = make_jwt({"sub": str(user["id"]), "aud": [AUD], "exp": int(time.time()) + 600})
    # a password change after the token was issued (one second later than its iat)
    iat = jwt_claims(token)["iat"]
    changed = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime(iat + 1))
    sql(server, "UPDATE users SET password_changed_at = %s WHERE email = %s", (changed, email))
    for old in (token, no_iat):
        assert_json_detail(server.post("/api/v1/auth/jwt/refresh", headers=auth(old)), 401,
                           "Token predates password change")
        # our stronger rule: the old token is refused on every route too
        assert_json_detail(server.get("/api/v1/auth/me", headers=auth(old)), 401, "Unauthorized")
    fresh = make_jwt({"sub": str(user["id"]), "aud": [AUD], "iat": iat + 1, "exp": int(time.time()) + 600})
    assert server.post("/api/v1/auth/jwt/refresh", headers=auth(fresh)).status_code == 200


# ---- D13 Argon2 hashes ---------------------------------------------------

@pytest.mark.parametrize("variant", ["id", "i", "d"])
def test_argon2_hashes_verify_and_are_never_rewritten(server, variant):
    user, email = verified_user(server)
    stored = argon2_hash("argon secret 7", variant, t=2, m=1024, p=1)
    assert stored.startswith(f"$argon2{variant}$v=19$")
    sql(server, "UPDATE users SET hashed_password = %s WHERE email = %s", (stored, email))
    assert jwt_login(server, email, "argon secret 7").status_code == 200
    assert login(server, email, "argon secret 7").status_code == 200
    assert_json_detail(jwt_login(server, email, "argon secret 8"), 400, "LOGIN_BAD_CREDENTIALS")
    assert_json_detail(login(server, email, "argon secret 8"), 401, "Incorrect email or password")
    assert user_row(server, email, "hashed_password")[0] == stored


def test_argon2_with_todays_default_parameters(server):
    _, email = verified_user(server)
    stored = argon2_hash(PASSWORD)  # t=3, m=65536, p=4, as argon2-cffi writes
    sql(server, "UPDATE users SET hashed_password = %s WHERE email = %s", (stored, email))
    assert jwt_login(server, email).status_code == 200
    assert user_row(server, email, "hashed_password")[0] == stored


@pytest.mark.parametrize("stored", ["plain text password", "$argon2id$v=19$m=65536,t=3,p=4$broken", "",
                                    "$1$abc$def", "$2b$12$short"])
def test_unknown_hash_format_is_a_wrong_password(server, stored):
    _, email = verified_user(server)
    sql(server, "UPDATE users SET hashed_password = %s WHERE email = %s", (stored, email))
    assert_json_detail(jwt_login(server, email, stored or "x"), 400, "LOGIN_BAD_CREDENTIALS")
    assert_json_detail(login(server, email, stored or "x"), 401, "Incorrect email or password")


# ---- I4 register (D6, D7, §1.3) ------------------------------------------

REGISTER_KEYS = ["id", "email", "full_name", "is_active", "is_email_verified", "is_verified", "is_superuser",
                 "organization_id", "role", "created_at"]
TOO_COMMON = "This password is too common. Choose something less predictable."


def post_register(server, body):
    return server.post("/api/v1/auth/register", json=body, headers=ip())


def test_register_superset_in_d6_order(server):
    email = unique_email("d6")
    r = post_register(server, {"email": email, "password": PASSWORD, "full_name": "Ada",
                               "organization_name": f"Org {uuid.uuid4().hex[:6]}", "is_superuser": True,
                               "is_verified": True, "is_active": False})
    assert r.status_code == 201, r.text
    u = r.json()
    assert list(u) == REGISTER_KEYS
    assert u["role"] == "owner" and isinstance(u["organization_id"], int)
    # safe create: the flags of the body are ignored
    assert u["is_superuser"] is False and u["is_verified"] is False and u["is_email_verified"] is False
    assert u["is_active"] is True
    row = user_row(server, email, "is_superuser, is_email_verified, role")
    assert str(row[0]).lower() in ("0", "f", "false") and str(row[1]).lower() in ("0", "f", "false")
    assert row[2] == "owner"


def test_register_without_org_is_member_and_full_name_optional(server):
    before = count(server, "SELECT count(*) FROM organizations")
    for body in ({"email": unique_email("noname"), "password": PASSWORD},
                 {"email": unique_email("blank"), "password": PASSWORD, "full_name": None,
                  "organization_name": " \t  "}):
        r = post_register(server, body)
        assert r.status_code == 201, r.text
        u = r.json()
        assert u["full_name"] is None and u["organization_id"] is None and u["role"] == "member"
    # a blank organisation name creates no organisation
    assert count(server, "SELECT count(*) FROM organizations") == before


def test_register_short_password_keeps_b_422(server):
    r = post_register(server, {"email": unique_email(), "password": "short1"})
    assert r.status_code == 422
    d = r.json()["detail"]
    assert [(e["type"], e["loc"]) for e in d] == [("string_too_short", ["body", "password"])]


@pytest.mark.parametrize("password,reason", [
    ("password", TOO_COMMON),
    ("Password123", TOO_COMMON),
    ("  letmein123  ", TOO_COMMON),
    ("k" * 73, "Password must be 72 characters or fewer."),
    ("é" * 37, "Password must be 72 characters or fewer."),
])
def test_register_policy_is_a_400_string(server, password, reason):
    email = unique_email("weak")
    assert_json_detail(post_register(server, {"email": email, "password": password}), 400, reason)
    assert count(server, "SELECT count(*) FROM users WHERE email = %s", (email,)) == 0


def test_register_policy_email_rule_and_limits(server):
    local = "grace" + uuid.uuid4().hex[:6]
    email = f"{local}@example.com"
    assert_json_detail(post_register(server, {"email": email, "password": f"my-{local}-pw"}), 400,
                       "Password should not contain your email address.")
    # exactly 8 characters and a 72-byte password pass
    assert post_register(server, {"email": unique_email(), "password": "zq8!vT2w"}).status_code == 201
    assert post_register(server, {"email": unique_email(), "password": "é" * 36}).status_code == 201


def test_register_duplicate_keeps_b_text_after_the_policy(server):
    email = unique_email("dup")
    assert post_register(server, {"email": email, "password": PASSWORD}).status_code == 201
    assert_json_detail(post_register(server, {"email": email.upper(), "password": PASSWORD}), 400,
                       "Email already registered")
    # the policy is checked first, as today's original does
    assert_json_detail(post_register(server, {"email": email, "password": "password1"}), 400, TOO_COMMON)


# ---- I7/A6 forgot, I8/A7 reset (D8, D9) ----------------------------------

from test_auth import MSG_FORGOT, MSG_RESET, RESET_SUBJECT, link_token, wait_message  # noqa: E402

RESET = "/api/v1/auth/reset-password"


def stored_reset_token(server, email):
    r = server.post("/api/v1/auth/forgot-password", json={"email": email}, headers=ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_FORGOT}, r.text
    return link_token(wait_message(server, email, RESET_SUBJECT))


def reset_jwt(server, user_id, email, exp_delta=3600, fgpt_of=None):
    stored = fgpt_of if fgpt_of is not None else user_row(server, email, "hashed_password")[0]
    return make_jwt({"sub": str(user_id), "password_fgpt": argon2_hash(stored, t=1, m=1024, p=1),
                     "aud": "fastapi-users:reset", "exp": int(time.time()) + exp_delta})


def test_forgot_keeps_b_answer_and_records_event(server):
    user, email = verified_user(server)
    stored_reset_token(server, email)
    assert [e[:2] for e in events(server, email)] == [("password_reset_requested", user["id"])]
    ghost = unique_email("ghost")
    r = server.post("/api/v1/auth/forgot-password", json={"email": ghost}, headers=ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_FORGOT}
    assert events(server, ghost) == []


def test_reset_todays_body_with_stored_token(server):
    user, email = verified_user(server)
    sql(server, "UPDATE users SET failed_login_attempts = 3, locked_until = %s WHERE email = %s",
        ("2999-01-01 00:00:00.000000", email))
    old = login(server, email)
    token = stored_reset_token(server, email)
    r = server.post(RESET, json={"token": token, "password": "brand new pass 2"}, headers=ip())
    assert r.status_code == 200 and r.json() is None, r.text
    attempts, locked, changed = user_row(server, email, "failed_login_attempts, locked_until, password_changed_at")
    assert int(attempts) == 0 and locked in (None, "") and changed not in (None, "")
    assert jwt_login(server, email, "brand new pass 2").status_code == 200
    assert [e[0] for e in events(server, email)][-2:] == ["password_reset_completed", "login_success"]
    # used: the stored token is gone
    assert_json_detail(server.post(RESET, json={"token": token, "password": "brand new pass 3"}, headers=ip()),
                       400, "RESET_PASSWORD_BAD_TOKEN")
    assert old.status_code == 429  # it was locked before the reset


def test_reset_jwt_on_both_branches(server):
    user, email = verified_user(server)
    tok = reset_jwt(server, user["id"], email)
    # B's body with today's token
    r = server.post(RESET, json={"token": tok, "new_password": "brand new pass 2"}, headers=ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_RESET}, r.text
    assert login(server, email, "brand new pass 2").status_code == 200
    # the fingerprint no longer matches: single use by construction
    assert_json_detail(server.post(RESET, json={"token": tok, "password": "brand new pass 3"}, headers=ip()),
                       400, "RESET_PASSWORD_BAD_TOKEN")
    assert_json_detail(server.post(RESET, json={"token": tok, "new_password": "brand new pass 3"}, headers=ip()),
                       400, "Invalid or expired reset token")
    tok2 = reset_jwt(server, user["id"], email)
    r = server.post(RESET, json={"token": tok2, "password": "brand new pass 4"}, headers=ip())
    assert r.status_code == 200 and r.json() is None
    assert jwt_login(server, email, "brand new pass 4").status_code == 200


def test_reset_bad_tokens(server):
    user, email = verified_user(server)
    bad = [
        reset_jwt(server, user["id"], email, exp_delta=-10),                      # expired
        reset_jwt(server, user["id"], email, fgpt_of="some other hash"),          # wrong fingerprint
        make_jwt({"sub": str(user["id"]), "password_fgpt": "x", "aud": "fastapi-users:reset",
                  "exp": int(time.time()) + 60}),                                  # not an Argon2 hash
        make_jwt({"sub": str(user["id"]), "aud": "fastapi-users:verify", "exp": int(time.time()) + 60}),
        "not-a-token-of-any-kind-0123456789",
    ]
    for t in bad:
        assert_json_detail(server.post(RESET, json={"token": t, "password": "brand new pass 2"}, headers=ip()),
                           400, "RESET_PASSWORD_BAD_TOKEN")
        assert_json_detail(server.post(RESET, json={"token": t, "new_password": "brand new pass 2"},
                                       headers=ip()), 400, "Invalid or expired reset token")
    # an inactive user's token: today's branch refuses it
    tok = reset_jwt(server, user["id"], email)
    sql(server, "UPDATE users SET is_active = %s WHERE email = %s", (boolean(server, False), email))
    assert_json_detail(server.post(RESET, json={"token": tok, "password": "brand new pass 2"}, headers=ip()),
                       400, "RESET_PASSWORD_BAD_TOKEN")


def test_reset_policy_per_branch(server):
    user, email = verified_user(server)
    tok = reset_jwt(server, user["id"], email)
    r = server.post(RESET, json={"token": tok, "password": "password123"}, headers=ip())
    assert r.status_code == 400
    assert r.json() == {"detail": {"code": "RESET_PASSWORD_INVALID_PASSWORD", "reason": TOO_COMMON}}
    r = server.post(RESET, json={"token": tok, "password": "short"}, headers=ip())
    assert r.json() == {"detail": {"code": "RESET_PASSWORD_INVALID_PASSWORD",
                                   "reason": "Password must be at least 8 characters."}}
    assert_json_detail(server.post(RESET, json={"token": tok, "new_password": "password123"}, headers=ip()),
                       400, TOO_COMMON)
    # B's bounds stay on B's body
    r = server.post(RESET, json={"token": tok, "new_password": "short"}, headers=ip())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "new_password"]
    # the password did not change
    assert login(server, email).status_code == 200


def test_reset_validation(server):
    r = server.post(RESET, json={"token": "x" * 20}, headers=ip())
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("missing", ["body", "password"])]
    r = server.post(RESET, json={}, headers=ip())
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "token"], ["body", "password"]]


# ---- I5 request-verify-token, I6 verify, A2 with a JWT (D10, D12) ----------

from test_auth import VERIFY_SUBJECT, messages_to  # noqa: E402


def verify_jwt(user_id, email, exp_delta=3600):
    return make_jwt({"sub": str(user_id), "email": email, "aud": "fastapi-users:verify",
                     "exp": int(time.time()) + exp_delta})


def test_request_verify_token_202_null_and_shared_throttle(server):
    email = unique_email("rvt")
    register(server, email=email)
    wait_message(server, email, VERIFY_SUBJECT)
    r = server.post("/api/v1/auth/request-verify-token", json={"email": email}, headers=ip())
    assert r.status_code == 202 and r.content == b"null"
    # within the minute of the registration mail: no second e-mail (D12)
    r = server.post("/api/v1/auth/resend-verification", json={"email": email}, headers=ip())
    assert r.status_code == 200
    sql(server, "UPDATE users SET email_verification_sent_at = '2000-01-01 00:00:00.000000' WHERE email = %s",
        (email,))
    r = server.post("/api/v1/auth/request-verify-token", json={"email": email}, headers=ip())
    assert r.status_code == 202 and r.json() is None
    wait_message(server, email, VERIFY_SUBJECT, count=2)
    assert len(messages_to(server, email, VERIFY_SUBJECT)) == 2
    for body in ({}, {"email": "nope"}):
        assert server.post("/api/v1/auth/request-verify-token", json=body, headers=ip()).status_code == 422
    r = server.post("/api/v1/auth/request-verify-token", json={"email": unique_email("ghost")}, headers=ip())
    assert r.status_code == 202 and r.json() is None


def test_verify_jwt_on_todays_route(server):
    email = unique_email("v6")
    u = register(server, email=email, org=f"Org {uuid.uuid4().hex[:6]}").json()
    mailed = link_token(wait_message(server, email, VERIFY_SUBJECT))
    c = jwt_claims(mailed)
    assert c["sub"] == str(u["id"]) and c["email"] == email and c["aud"] == "fastapi-users:verify"
    assert c["exp"] - int(time.time()) > 86400 - 600
    r = server.post("/api/v1/auth/verify", json={"token": verify_jwt(u["id"], email.upper())}, headers=ip())
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["id", "email", "is_active", "is_superuser", "is_verified", "full_name", "organization_id",
                          "role", "created_at"]
    assert body["is_verified"] is True and body["role"] == "owner" and body["id"] == u["id"]
    assert_json_detail(server.post("/api/v1/auth/verify", json={"token": verify_jwt(u["id"], email)}, headers=ip()),
                       400, "VERIFY_USER_ALREADY_VERIFIED")
    assert jwt_login(server, email).status_code == 200


def test_verify_errors(server):
    email = unique_email("v6bad")
    u = register(server, email=email).json()
    other = register(server).json()
    for t in (verify_jwt(u["id"], email, exp_delta=-5), verify_jwt(other["id"], email),
              verify_jwt(u["id"], unique_email("ghost")), "garbage",
              make_jwt({"sub": str(u["id"]), "aud": "fastapi-users:verify", "exp": int(time.time()) + 60})):
        assert_json_detail(server.post("/api/v1/auth/verify", json={"token": t}, headers=ip()), 400,
                           "VERIFY_USER_BAD_TOKEN")
    r = server.post("/api/v1/auth/verify", json={}, headers=ip())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "token"]


def test_verify_accepts_both_token_kinds_on_both_routes(server):
    # a stored token on today's route
    email = unique_email("kinds")
    register(server, email=email)
    stored = link_token(wait_message(server, email, VERIFY_SUBJECT))
    r = server.post("/api/v1/auth/verify", json={"token": stored}, headers=ip())
    assert r.status_code == 200 and r.json()["is_verified"] is True, r.text
    # a JWT minted elsewhere on B's route, while no token is stored
    email2 = unique_email("kinds")
    u2 = register(server, email=email2).json()
    wait_message(server, email2, VERIFY_SUBJECT)
    sql(server, "UPDATE users SET email_verification_token = NULL WHERE email = %s", (email2,))
    r = server.get("/api/v1/auth/verify-email", params={"token": verify_jwt(u2["id"], email2)})
    assert r.status_code == 200 and r.json() == {"detail": "Email verified successfully. You can now sign in."}
    assert_json_detail(server.get("/api/v1/auth/verify-email", params={"token": verify_jwt(u2["id"], email2)}),
                       400, "Invalid or expired verification link")
