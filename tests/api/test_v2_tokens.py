"""Both access-token formats on every recruiter route (identity spec §1.2,
§3 D3/D4): today's tokens (sub = the id as a string, aud
["fastapi-users:auth"], iat, exp) are accepted and get today's ladder,
where every failure is 401 "Unauthorized"; the February tokens keep the
February ladder.  Tokens are minted here with the server's secret, as the
original's own tests mint them."""

import time

import test_auth as acct


def v2_token(user_id, aud=("fastapi-users:auth",), iat=None, exp=None, **extra):
    now = int(time.time())
    claims = {"sub": str(user_id), "aud": list(aud) if isinstance(aud, tuple) else aud,
              "iat": now if iat is None else iat, "exp": now + 1800 if exp is None else exp}
    claims.update(extra)
    return acct.make_jwt(claims)


def me(server, token):
    return server.get("/api/v1/auth/me", headers=acct.auth(token))


def test_todays_token_reads_the_same_user(server):
    user, b_token, email = acct.new_account(server)
    r = me(server, v2_token(user["id"]))
    assert r.status_code == 200, r.text
    assert r.json()["email"] == email and r.json()["id"] == user["id"]
    # the February token still works beside it
    assert me(server, b_token).json()["id"] == user["id"]
    # and a route of another component accepts it too
    r = server.get("/api/v1/organizations/me", headers=acct.auth(v2_token(user["id"])))
    assert r.status_code == 200, r.text


def test_audience_as_a_plain_string_is_accepted(server):
    user, _, _ = acct.new_account(server)
    assert me(server, v2_token(user["id"], aud="fastapi-users:auth")).status_code == 200


def assert_unauthorized(r):
    assert r.status_code == 401, r.text
    assert r.json() == {"detail": "Unauthorized"}


def test_todays_failures_are_all_401_unauthorized(server):
    user, _, _ = acct.new_account(server)
    uid = user["id"]
    now = int(time.time())
    # the audiences of the other token kinds never pass as access tokens
    for aud in (("fastapi-users:verify",), ("fastapi-users:reset",), ("invite",), ()):
        assert_unauthorized(me(server, v2_token(uid, aud=aud)))
    assert_unauthorized(me(server, v2_token(uid, exp=now - 5)))        # expired
    assert_unauthorized(me(server, v2_token(uid, exp=now)))            # exp == now: PyJWT refuses, no leeway
    assert_unauthorized(me(server, v2_token(999999999)))               # no such user
    assert_unauthorized(me(server, v2_token("abc")))                   # sub not an id
    assert_unauthorized(me(server, acct.make_jwt({"aud": ["fastapi-users:auth"], "exp": now + 60})))  # no sub
    assert_unauthorized(me(server, acct.make_jwt({"sub": uid, "aud": ["fastapi-users:auth"],
                                                  "exp": now + 60})))  # sub an integer, not a string
    assert_unauthorized(me(server, acct.make_jwt({"sub": str(uid), "aud": ["fastapi-users:auth"],
                                                  "exp": now + 60}, secret="another-secret")))


def test_inactive_user_is_401_with_todays_token_and_400_with_februarys(server):
    user, b_token, _ = acct.new_account(server)
    acct.sql(server, "UPDATE users SET is_active = %s WHERE id = %s",
             (False if server.env["DATABASE_URL"].startswith("postgres") else 0, user["id"]))
    assert_unauthorized(me(server, v2_token(user["id"])))
    r = me(server, b_token)
    assert r.status_code == 400 and r.json() == {"detail": "Inactive user"}


def test_token_older_than_a_password_change_is_refused(server):
    user, _, _ = acct.new_account(server)
    old = v2_token(user["id"], iat=int(time.time()) - 120)
    assert me(server, old).status_code == 200
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60))
    acct.sql(server, "UPDATE users SET password_changed_at = %s WHERE id = %s", (stamp + "+00:00" if
             server.env["DATABASE_URL"].startswith("postgres") else stamp + ".000000", user["id"]))
    assert_unauthorized(me(server, old))
    assert me(server, v2_token(user["id"])).status_code == 200


def test_february_ladder_unchanged_for_februarys_tokens(server):
    user, _, email = acct.new_account(server)
    now = int(time.time())
    r = me(server, acct.make_jwt({"sub": email, "exp": now + 60}))
    assert r.status_code == 401 and r.json() == {"detail": "Invalid token payload"}
    r = me(server, acct.make_jwt({"sub": email, "user_id": user["id"], "exp": now - 5}))
    assert r.status_code == 401 and r.json() == {"detail": "Invalid or expired token"}
    assert r.headers.get("WWW-Authenticate") == "Bearer"
    r = me(server, acct.make_jwt({"sub": email, "user_id": 999999999, "exp": now + 60}))
    assert r.status_code == 404 and r.json() == {"detail": "User not found"}
    r = server.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json() == {"detail": "Not authenticated"}
