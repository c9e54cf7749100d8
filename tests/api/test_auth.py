"""Accounts: registration, e-mail verification, login, /me, password reset.

api-contract §1.2 (e-mail), §1.3, §1.4, §1.5, §2.1, A1-A7, §4; policy
fixes 5 (login normalises the e-mail, case-insensitive uniqueness,
inactive users refused at login with 403 "Account is disabled", a reset
voids earlier tokens), 6 (unique slugs) and 13 (datetimes with "Z").

The helpers at the top are shared with test_organizations.py and
test_team.py."""

import base64
import hashlib
import hmac
import json
import re
import sqlite3
import subprocess
import time
import uuid

import pytest

import helpers
from helpers import assert_json_detail

SECRET = "test-secret-key-for-the-api-suite"  # conftest TEST_SETTINGS
PASSWORD = "correct horse 1"
DT_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
USER_KEYS = ["id", "email", "full_name", "is_active", "is_email_verified", "organization_id", "created_at"]

VERIFY_SUBJECT = "TALI — Verify your email address"
RESET_SUBJECT = "TALI — Reset your password"
MSG_VERIFIED = "Email verified successfully. You can now sign in."
MSG_RESEND = "If an unverified account exists, a new verification email has been sent."
MSG_FORGOT = "If an account exists with that email, you will receive a password reset link."
MSG_RESET = "Password has been reset. You can now sign in."
MSG_UNVERIFIED = ("Please verify your email address before signing in. "
                  "Check your inbox for the verification link.")


# ---- helpers (also used by the organisation and team tests) -------------

def fresh_ip():
    """Auth routes share a 10/60 s rate-limit bucket per client address:
    each call gets its own address so the suite never trips it."""
    return {"X-Forwarded-For": helpers.unique_ip()}


def unique_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def register(server, email=None, password=PASSWORD, full_name="Ada Lovelace", org="", expect=201, **extra):
    body = {"email": email or unique_email(), "password": password, "full_name": full_name,
            "organization_name": org}
    body.update(extra)
    r = server.post("/api/v1/auth/register", json=body, headers=fresh_ip())
    if expect is not None:
        assert r.status_code == expect, r.text
    return r


def login(server, username, password=PASSWORD):
    return server.post("/api/v1/auth/login", data={"username": username, "password": password}, headers=fresh_ip())


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def outbox(server, limit=500):
    r = server.get(f"/__test__/outbox?limit={limit}")
    assert r.status_code == 200, r.text
    return r.json()


def messages_to(server, to, subject=None):
    return [m for m in outbox(server) if m.get("to") == to and (subject is None or m.get("subject") == subject)]


def wait_message(server, to, subject, count=1, timeout=15.0):
    """The newest message to `to` with `subject`, once at least `count` exist
    (e-mail is delivered by the job worker, a moment after the request)."""
    deadline = time.monotonic() + timeout
    while True:
        found = messages_to(server, to, subject)
        if len(found) >= count:
            return found[0]
        if time.monotonic() > deadline:
            pytest.fail(f"no e-mail {subject!r} to {to} within {timeout}s; outbox: {outbox(server, 20)}")
        time.sleep(0.1)


def link_token(message):
    link = message.get("link") or ""
    # "." too: verification links carry a JWT (spec v2 D10)
    m = re.search(r"token=([A-Za-z0-9_.\-]+)", link) or re.search(r"token=([A-Za-z0-9_.\-]+)", message["html"])
    assert m, message
    return m.group(1)


def verify(server, email, count=1):
    token = link_token(wait_message(server, email, VERIFY_SUBJECT, count))
    r = server.get("/api/v1/auth/verify-email", params={"token": token})
    assert r.status_code == 200, r.text
    return token


def new_account(server, org=None, full_name="Ada Lovelace", password=PASSWORD):
    """A verified, logged-in recruiter: (user json, token, email)."""
    email = unique_email()
    user = register(server, email=email, org=org if org is not None else f"Org {uuid.uuid4().hex[:8]}",
                    full_name=full_name, password=password).json()
    verify(server, email)
    r = login(server, email, password)
    assert r.status_code == 200, r.text
    return user, r.json()["access_token"], email


def sql(server, statement, params=()):
    """Runs SQL on the server's database (test set-up only); returns rows."""
    url = server.env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(url[len("sqlite:///"):], timeout=30)
        try:
            cur = con.execute(statement.replace("%s", "?"), params)
            rows = cur.fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    text = statement
    for p in params:
        lit = "NULL" if p is None else ("'" + str(p).replace("'", "''") + "'")
        text = text.replace("%s", lit, 1)
    r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-A", "-t", "-F", "\t", "-c", text],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [tuple(line.split("\t")) for line in r.stdout.splitlines() if line]


def count(server, statement, params=()):
    return int(sql(server, statement, params)[0][0])


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims, secret=SECRET, alg="HS256"):
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing = f"{header}.{payload}".encode()
    if alg == "none":
        return f"{header}.{payload}."
    sig = hmac.new(secret.encode(), signing, hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(sig)}"


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def assert_user(obj, email=None):
    assert list(obj) == USER_KEYS, obj
    assert isinstance(obj["id"], int)
    assert isinstance(obj["is_active"], bool) and isinstance(obj["is_email_verified"], bool)
    assert DT_Z.match(obj["created_at"]), obj["created_at"]
    if email is not None:
        assert obj["email"] == email


def assert_422(r, *locs):
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list)
    got = [tuple(e["loc"]) for e in detail]
    assert got == [tuple(l) for l in locs], got
    return detail


# ---- A1 register ---------------------------------------------------------

def test_register_returns_user(server):
    email = unique_email()
    r = register(server, email=email, org=f"Acme {uuid.uuid4().hex[:6]}")
    assert r.headers["Content-Type"] == "application/json"
    u = r.json()
    # spec v2 D6: B's User and today's UserRead in one object
    assert list(u) == ["id", "email", "full_name", "is_active", "is_email_verified", "is_verified", "is_superuser",
                       "organization_id", "role", "created_at"], u
    assert_user({k: u[k] for k in USER_KEYS}, email)
    assert u["full_name"] == "Ada Lovelace"
    assert u["is_active"] is True and u["is_email_verified"] is False
    assert isinstance(u["organization_id"], int)
    for secret in ("hashed_password", "password", "email_verification_token", "updated_at"):
        assert secret not in u


def test_register_without_org(server):
    u = register(server, org="").json()
    assert u["organization_id"] is None
    u = register(server, org=None).json()
    assert u["organization_id"] is None
    body = {"email": unique_email(), "password": PASSWORD, "full_name": "No Org"}
    r = server.post("/api/v1/auth/register", json=body, headers=fresh_ip())
    assert r.status_code == 201 and r.json()["organization_id"] is None


def test_register_normalises_email(server):
    local = "Mixed.Case+" + uuid.uuid4().hex[:8]
    r = register(server, email=f"  {local}@EXAMPLE.COM ")
    assert r.json()["email"] == f"{local}@example.com"


def test_register_duplicate_email_case_insensitive(server):
    local = "alice" + uuid.uuid4().hex[:8]
    register(server, email=f"{local.capitalize()}@x-example.com")
    r = register(server, email=f"{local}@X-EXAMPLE.com", expect=None)
    assert_json_detail(r, 400, "Email already registered")
    r = register(server, email=f"{local.upper()}@x-example.com", expect=None)
    assert_json_detail(r, 400, "Email already registered")
    assert count(server, "SELECT count(*) FROM users WHERE lower(email) = %s",
                 (f"{local}@x-example.com",)) == 1


def test_register_validation_example_of_contract(server):
    r = server.post("/api/v1/auth/register", json={"email": "bad", "password": "short"}, headers=fresh_ip())
    assert r.status_code == 422
    assert r.json() == {"detail": [
        {"type": "value_error", "loc": ["body", "email"],
         "msg": "value is not a valid email address: An email address must have an @-sign.", "input": "bad",
         "ctx": {"reason": "An email address must have an @-sign."}},
        {"type": "string_too_short", "loc": ["body", "password"], "msg": "String should have at least 8 characters",
         "input": "short", "ctx": {"min_length": 8}}]}  # spec v2 D7(d): full_name is optional


@pytest.mark.parametrize("email,reason", [
    ("no-at-sign", "An email address must have an @-sign."),
    ("a@localhost", "The part after the @-sign is not valid. It should have a period."),
    ("a@foo.test", "The part after the @-sign is a special-use or reserved name that cannot be used with email."),
    ("a..b@example.com", "An email address cannot have two periods in a row."),
])
def test_register_invalid_emails(server, email, reason):
    r = register(server, email=email, expect=422)
    d = r.json()["detail"]
    assert d[0]["loc"] == ["body", "email"] and d[0]["ctx"] == {"reason": reason}, d


def test_register_field_limits(server):
    r = register(server, password="x" * 201, full_name="", org="o" * 201, expect=422)
    d = r.json()["detail"]
    assert [(e["type"], e["loc"][1]) for e in d] == [
        ("string_too_long", "password"), ("string_too_short", "full_name"), ("string_too_long", "organization_name")]
    assert d[0]["ctx"] == {"max_length": 200} and d[0]["msg"] == "String should have at most 200 characters"
    assert d[1]["msg"] == "String should have at least 1 character"
    # exactly at the limits is fine (spec v2 D7(b): the password policy then caps it at 72 bytes)
    r = register(server, password="p" * 200, full_name="n" * 200, expect=400)
    assert r.json() == {"detail": "Password must be 72 characters or fewer."}
    register(server, password="p" * 72, full_name="n" * 200, org="Org " + uuid.uuid4().hex + "o" * 160)


def test_register_wrong_types_and_bodies(server):
    r = register(server, full_name=123, expect=422)
    d = r.json()["detail"]
    assert d[0]["type"] == "string_type" and d[0]["loc"] == ["body", "full_name"]
    r = server.post("/api/v1/auth/register", data="{not json", headers={**fresh_ip(), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
    r = server.post("/api/v1/auth/register", json=[1, 2], headers=fresh_ip())
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "model_attributes_type"
    r = server.post("/api/v1/auth/register", headers=fresh_ip())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]


def test_register_bad_input_stores_nothing(server):
    email = unique_email("nothing")
    before = count(server, "SELECT count(*) FROM organizations")
    register(server, email=email, password="short", org="Should Not Exist " + uuid.uuid4().hex, expect=422)
    register(server, email=email, password=PASSWORD, full_name="x" * 201, expect=422)
    assert count(server, "SELECT count(*) FROM users WHERE email = %s", (email,)) == 0
    assert count(server, "SELECT count(*) FROM organizations") == before
    assert messages_to(server, email) == []
    register(server, email=email)  # the address is still free


def test_register_sql_metacharacters_and_unicode_stored_verbatim(server):
    name = "Robert'); DROP TABLE users;-- 🙂 Ñandú"
    org = "O'Brien & Søn; DROP TABLE organizations;-- " + uuid.uuid4().hex[:6]
    user, token, email = new_account(server, org=org, full_name=name)
    assert user["full_name"] == name
    me = server.get("/api/v1/auth/me", headers=auth(token)).json()
    assert me["full_name"] == name
    o = server.get("/api/v1/organizations/me", headers=auth(token)).json()
    assert o["name"] == org
    assert count(server, "SELECT count(*) FROM users WHERE email = %s", (email,)) == 1
    before = count(server, "SELECT count(*) FROM users")
    # a space and ";" are not allowed in an unquoted local part: refused, nothing stored
    register(server, email="x'; DROP TABLE users;--@example.com", expect=422)
    assert count(server, "SELECT count(*) FROM users") == before
    # a quote alone is legal in a local part: stored verbatim, the table intact
    quoted = f"o'brien.{uuid.uuid4().hex[:6]}@example.com"
    register(server, email=quoted)
    assert count(server, "SELECT count(*) FROM users WHERE email = %s", (quoted,)) == 1
    assert count(server, "SELECT count(*) FROM users") == before + 1


def test_register_nul_byte_refused(server):
    email = unique_email("nul")
    r = register(server, email=email, full_name="a\u0000b", expect=422)
    assert r.json()["detail"][0]["loc"][0] == "body"
    assert count(server, "SELECT count(*) FROM users WHERE email = %s", (email,)) == 0


def test_register_sends_verification_email(server):
    email = unique_email()
    register(server, email=email, full_name="Grace <b>Hopper</b>")
    m = wait_message(server, email, VERIFY_SUBJECT)
    # spec v2 D11: path and hash; D10: the token is a verify JWT
    tok = link_token(m)
    assert m["link"] == f"http://localhost:5173/verify-email?token={tok}#/verify-email?token={tok}"
    assert jwt_claims(tok)["aud"] == "fastapi-users:verify"
    assert "<b>Hopper</b>" not in m["html"]


def test_register_slug_collision_gets_unique_slug(server):
    name = f"Same Name {uuid.uuid4().hex[:6]}"
    slugs = []
    for _ in range(3):
        _, token, _ = new_account(server, org=name)
        o = server.get("/api/v1/organizations/me", headers=auth(token)).json()
        assert o["name"] == name
        slugs.append(o["slug"])
    base = name.lower().replace(" ", "-")
    assert slugs == [base, base + "-2", base + "-3"]


# ---- A2 verify-email ----------------------------------------------------

def test_verify_email_flow_and_reuse(server):
    email = unique_email()
    register(server, email=email)
    assert_json_detail(login(server, email), 403, MSG_UNVERIFIED)
    token = link_token(wait_message(server, email, VERIFY_SUBJECT))
    r = server.get("/api/v1/auth/verify-email", params={"token": token})
    assert r.status_code == 200 and r.json() == {"detail": MSG_VERIFIED}
    r = server.get("/api/v1/auth/verify-email", params={"token": token})
    assert_json_detail(r, 400, "Invalid or expired verification link")
    assert login(server, email).status_code == 200


def test_verify_email_validation_and_unknown(server):
    assert_422(server.get("/api/v1/auth/verify-email"), ("query", "token"))
    d = assert_422(server.get("/api/v1/auth/verify-email", params={"token": "short"}), ("query", "token"))
    assert d[0]["type"] == "string_too_short" and d[0]["ctx"] == {"min_length": 16}
    d = assert_422(server.get("/api/v1/auth/verify-email", params={"token": "t" * 501}), ("query", "token"))
    assert d[0]["type"] == "string_too_long"
    r = server.get("/api/v1/auth/verify-email", params={"token": "x" * 43})
    assert_json_detail(r, 400, "Invalid or expired verification link")
    r = server.get("/api/v1/auth/verify-email", params={"token": "' OR '1'='1' --  "})
    assert_json_detail(r, 400, "Invalid or expired verification link")


def test_verify_email_expired(server):
    email = unique_email()
    register(server, email=email)
    token = link_token(wait_message(server, email, VERIFY_SUBJECT))
    sql(server, "UPDATE users SET email_verification_sent_at = '2000-01-01 00:00:00.000000' WHERE email = %s",
        (email,))
    r = server.get("/api/v1/auth/verify-email", params={"token": token})
    assert_json_detail(r, 400, "Verification link has expired. Please request a new one.")
    assert_json_detail(login(server, email), 403, MSG_UNVERIFIED)


# ---- A3 resend-verification ---------------------------------------------

def test_resend_guard_and_new_token(server):
    email = unique_email()
    register(server, email=email)
    first = link_token(wait_message(server, email, VERIFY_SUBJECT))
    r = server.post("/api/v1/auth/resend-verification", json={"email": email})
    assert r.status_code == 200 and r.json() == {"detail": MSG_RESEND}
    time.sleep(1.0)
    assert len(messages_to(server, email, VERIFY_SUBJECT)) == 1, "resend within 60 s must be ignored"
    sql(server, "UPDATE users SET email_verification_sent_at = '2000-01-01 00:00:00.000000' WHERE email = %s",
        (email,))
    r = server.post("/api/v1/auth/resend-verification", json={"email": email.upper()})
    assert r.status_code == 200 and r.json() == {"detail": MSG_RESEND}
    second = link_token(wait_message(server, email, VERIFY_SUBJECT, count=2))
    assert second != first
    r = server.get("/api/v1/auth/verify-email", params={"token": first})
    assert_json_detail(r, 400, "Invalid or expired verification link")
    r = server.get("/api/v1/auth/verify-email", params={"token": second})
    assert r.status_code == 200


def test_resend_same_answer_for_unknown_and_verified(server):
    for email in (unique_email("ghost"),):
        r = server.post("/api/v1/auth/resend-verification", json={"email": email})
        assert r.status_code == 200 and r.json() == {"detail": MSG_RESEND}
        assert messages_to(server, email) == []
    _, _, email = new_account(server)
    sql(server, "UPDATE users SET email_verification_sent_at = '2000-01-01 00:00:00.000000' WHERE email = %s",
        (email,))
    r = server.post("/api/v1/auth/resend-verification", json={"email": email})
    assert r.status_code == 200
    time.sleep(0.5)
    assert len(messages_to(server, email, VERIFY_SUBJECT)) == 1


def test_resend_validation(server):
    d = assert_422(server.post("/api/v1/auth/resend-verification", json={"email": "nope"}), ("body", "email"))
    assert d[0]["type"] == "value_error"
    assert_422(server.post("/api/v1/auth/resend-verification", json={}), ("body", "email"))


# ---- A4 login -----------------------------------------------------------

def test_login_token_and_claims(server):
    user, token, email = new_account(server)
    claims = jwt_claims(token)
    assert list(claims)[:4] == ["sub", "user_id", "org_id", "exp"]
    assert set(claims) <= {"sub", "user_id", "org_id", "exp", "iat"}
    assert claims["sub"] == email and claims["user_id"] == user["id"] and claims["org_id"] == user["organization_id"]
    assert abs(claims["exp"] - time.time() - 30 * 60) < 120
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256"


def test_login_response_shape(server):
    _, _, email = new_account(server)
    r = login(server, email)
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["access_token", "token_type"] and body["token_type"] == "bearer"


def test_login_normalises_and_ignores_case(server):
    local = "Carol" + uuid.uuid4().hex[:8]
    email = f"{local}@example.com"
    register(server, email=f"{local}@Example.COM")
    verify(server, email)
    for name in (email, f"  {local}@EXAMPLE.com ", email.lower(), email.upper()):
        r = login(server, name)
        assert r.status_code == 200, (name, r.text)
        assert jwt_claims(r.json()["access_token"])["sub"] == email


def test_login_wrong_password_and_unknown(server):
    _, _, email = new_account(server)
    for r in (login(server, email, "wrong password"), login(server, unique_email("nobody"))):
        assert_json_detail(r, 401, "Incorrect email or password")
        assert r.headers.get("WWW-Authenticate") == "Bearer"


def test_login_multipart(server):
    _, _, email = new_account(server)
    r = server.post("/api/v1/auth/login", files={"username": (None, email), "password": (None, PASSWORD)},
                    headers=fresh_ip())
    assert r.status_code == 200, r.text


def test_login_form_validation(server):
    r = server.post("/api/v1/auth/login", json={"username": "a@example.com", "password": "x"}, headers=fresh_ip())
    d = assert_422(r, ("body", "username"), ("body", "password"))
    assert all(e["type"] == "missing" and e["input"] is None for e in d)
    r = server.post("/api/v1/auth/login", data={"username": "", "password": ""}, headers=fresh_ip())
    assert_422(r, ("body", "username"), ("body", "password"))
    r = server.post("/api/v1/auth/login", data={"username": "a@example.com"}, headers=fresh_ip())
    assert_422(r, ("body", "password"))
    r = server.post("/api/v1/auth/login", data={"grant_type": "client_credentials", "username": "a@example.com",
                                                 "password": "x"}, headers=fresh_ip())
    d = assert_422(r, ("body", "grant_type"))
    assert d[0]["type"] == "string_pattern_mismatch" and d[0]["ctx"] == {"pattern": "password"}
    assert d[0]["msg"] == "String should match pattern 'password'"


def test_login_grant_type_password_accepted(server):
    _, _, email = new_account(server)
    r = server.post("/api/v1/auth/login", data={"grant_type": "password", "username": email, "password": PASSWORD,
                                                 "scope": "a b", "client_id": "x"}, headers=fresh_ip())
    assert r.status_code == 200, r.text


def test_login_inactive_user_refused(server):
    _, token, email = new_account(server)
    sql(server, "UPDATE users SET is_active = %s WHERE email = %s",
        (0 if server.kind == "sqlite" else "false", email))
    assert_json_detail(login(server, email), 403, "Account is disabled")
    assert_json_detail(login(server, email, "wrong password"), 401, "Incorrect email or password")
    assert_json_detail(server.get("/api/v1/auth/me", headers=auth(token)), 400, "Inactive user")


def test_login_sql_injection_attempts(server):
    for name in ("' OR '1'='1", "admin'--", "x@example.com' OR 1=1 --"):
        assert_json_detail(login(server, name, "' OR '1'='1"), 401, "Incorrect email or password")


# ---- A5 /me and the JWT ladder -------------------------------------------

def test_me(server):
    user, token, email = new_account(server)
    r = server.get("/api/v1/auth/me", headers=auth(token))
    assert r.status_code == 200
    me = r.json()
    assert_user(me, email)
    assert me["id"] == user["id"] and me["is_email_verified"] is True
    assert me["created_at"] == user["created_at"]
    r = server.get("/api/v1/auth/me", headers={"Authorization": f"bearer {token}"})
    assert r.status_code == 200


def test_jwt_ladder(server):
    user, token, email = new_account(server)
    now = int(time.time())

    def me(headers):
        return server.get("/api/v1/auth/me", headers=headers)

    for h in ({}, {"Authorization": f"Basic {token}"}, {"Authorization": token}):
        r = me(h)
        assert_json_detail(r, 401, "Not authenticated")
        assert r.headers.get("WWW-Authenticate") == "Bearer"
    # "Bearer" with no credentials: the scheme is right, the (empty) token is not
    r = me({"Authorization": "Bearer"})
    assert_json_detail(r, 401, "Invalid or expired token")
    bad = [
        "garbage",
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        make_jwt({"sub": email, "user_id": user["id"], "exp": now + 600}, secret="other-secret"),
        make_jwt({"sub": email, "user_id": user["id"], "exp": now - 5}),
        make_jwt({"sub": email, "user_id": user["id"], "exp": now + 600}, alg="none"),
    ]
    for t in bad:
        r = me(auth(t))
        assert_json_detail(r, 401, "Invalid or expired token")
        assert r.headers.get("WWW-Authenticate") == "Bearer"
    r = me(auth(make_jwt({"sub": email, "exp": now + 600})))
    assert_json_detail(r, 401, "Invalid token payload")
    assert "WWW-Authenticate" not in r.headers
    r = me(auth(make_jwt({"sub": email, "user_id": 987654321, "org_id": None, "exp": now + 600})))
    assert_json_detail(r, 404, "User not found")
    # a token as the original issued it (no iat) is accepted
    r = me(auth(make_jwt({"sub": email, "user_id": user["id"], "org_id": user["organization_id"], "exp": now + 600})))
    assert r.status_code == 200, r.text


def test_auth_before_validation(server):
    r = server.post("/api/v1/users/invite", json={"email": "bad"})
    assert_json_detail(r, 401, "Not authenticated")
    r = server.post("/api/v1/users/invite", data="{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"


# ---- A6/A7 password reset -----------------------------------------------

def test_password_reset_end_to_end_voids_old_tokens(server):
    user, old_token, email = new_account(server)
    now = int(time.time())
    # issued by the original ten minutes ago (no iat): void after the reset
    legacy_old = make_jwt({"sub": email, "user_id": user["id"], "org_id": user["organization_id"],
                           "exp": now + 20 * 60})
    assert server.get("/api/v1/auth/me", headers=auth(old_token)).status_code == 200
    time.sleep(1.1)  # tokens carry whole seconds
    r = server.post("/api/v1/auth/forgot-password", json={"email": email.upper()}, headers=fresh_ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_FORGOT}
    m = wait_message(server, email, RESET_SUBJECT)
    assert m["link"].startswith("http://localhost:5173/reset-password?token=")  # spec v2 D11
    assert "#/reset-password?token=" in m["link"]
    reset_token = link_token(m)
    new_password = "brand new password"
    r = server.post("/api/v1/auth/reset-password", json={"token": reset_token, "new_password": new_password})
    assert r.status_code == 200 and r.json() == {"detail": MSG_RESET}
    for t in (old_token, legacy_old):
        r = server.get("/api/v1/auth/me", headers=auth(t))
        assert_json_detail(r, 401, "Invalid or expired token")
        assert r.headers.get("WWW-Authenticate") == "Bearer"
    assert_json_detail(login(server, email, PASSWORD), 401, "Incorrect email or password")
    r = login(server, email, new_password)
    assert r.status_code == 200
    assert server.get("/api/v1/auth/me", headers=auth(r.json()["access_token"])).status_code == 200
    # the reset token is single-use
    r = server.post("/api/v1/auth/reset-password", json={"token": reset_token, "new_password": "another one"})
    assert_json_detail(r, 400, "Invalid or expired reset token")


def test_forgot_password_unknown_email_same_answer(server):
    email = unique_email("ghost")
    r = server.post("/api/v1/auth/forgot-password", json={"email": email}, headers=fresh_ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_FORGOT}
    time.sleep(0.3)
    assert messages_to(server, email) == []


def test_forgot_password_validation(server):
    assert_422(server.post("/api/v1/auth/forgot-password", json={"email": "a@localhost"}, headers=fresh_ip()),
               ("body", "email"))
    assert_422(server.post("/api/v1/auth/forgot-password", json={}, headers=fresh_ip()), ("body", "email"))


def test_reset_password_expired_and_invalid(server):
    _, _, email = new_account(server)
    server.post("/api/v1/auth/forgot-password", json={"email": email}, headers=fresh_ip())
    token = link_token(wait_message(server, email, RESET_SUBJECT))
    sql(server, "UPDATE users SET password_reset_expires = '2000-01-01 00:00:00.000000' WHERE email = %s", (email,))
    r = server.post("/api/v1/auth/reset-password", json={"token": token, "new_password": "whatever123"})
    assert_json_detail(r, 400, "Invalid or expired reset token")
    r = server.post("/api/v1/auth/reset-password", json={"token": "y" * 43, "new_password": "whatever123"})
    assert_json_detail(r, 400, "Invalid or expired reset token")
    assert login(server, email).status_code == 200, "password unchanged"


def test_reset_password_validation(server):
    r = server.post("/api/v1/auth/reset-password", json={"token": "short", "new_password": "short"})
    d = assert_422(r, ("body", "token"), ("body", "new_password"))
    assert d[0]["ctx"] == {"min_length": 16} and d[1]["ctx"] == {"min_length": 8}
    r = server.post("/api/v1/auth/reset-password", json={"token": "t" * 501, "new_password": "p" * 201})
    d = assert_422(r, ("body", "token"), ("body", "new_password"))
    assert d[0]["type"] == d[1]["type"] == "string_too_long"
    # spec v2 D9: a body with neither field is today's, which misses "password"
    assert_422(server.post("/api/v1/auth/reset-password", json={}), ("body", "token"), ("body", "password"))


def test_forgot_password_ignored_for_inactive(server):
    _, _, email = new_account(server)
    sql(server, "UPDATE users SET is_active = %s WHERE email = %s",
        (0 if server.kind == "sqlite" else "false", email))
    r = server.post("/api/v1/auth/forgot-password", json={"email": email}, headers=fresh_ip())
    assert r.status_code == 200 and r.json() == {"detail": MSG_FORGOT}
    time.sleep(0.3)
    assert messages_to(server, email, RESET_SUBJECT) == []


# ---- races ----------------------------------------------------------------

def test_concurrent_registrations(server):
    """Same address at once: one account, the others get the 400 (never a
    500); same organisation name at once: distinct slugs."""
    from concurrent.futures import ThreadPoolExecutor
    email = unique_email("race")
    with ThreadPoolExecutor(6) as pool:
        codes = sorted(pool.map(lambda _: register(server, email=email, expect=None).status_code, range(6)))
    assert codes == [201] + [400] * 5, codes
    name = f"Race Org {uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(4) as pool:
        rs = list(pool.map(lambda _: register(server, org=name, expect=None), range(4)))
    assert [r.status_code for r in rs] == [201] * 4, [r.text for r in rs]
    ids = [r.json()["organization_id"] for r in rs]
    assert len(set(ids)) == 4
    slugs = sorted(row[0] for row in sql(server, "SELECT slug FROM organizations WHERE name = %s", (name,)))
    base = name.lower().replace(" ", "-")
    assert slugs == sorted([base, base + "-2", base + "-3", base + "-4"]), slugs
