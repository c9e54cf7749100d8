"""Today's Workable connection flow (spec v2 D23; identity-and-kept-routes
§2.9): O3 GET /organizations/workable/authorize-url mints a signed, one-use
`state` (a JWT, audience "workable-oauth", 10 minutes, its receipt in
workable_oauth_states) and takes a `scopes` query; O4 POST
/organizations/workable/connect requires it, unless the deployment serves
the February client (WORKABLE_OAUTH_LEGACY_NO_STATE=true,
test_workable.py).  The Workable OAuth service is tests/fakes/workable.py.
Each test runs on SQLite and on PostgreSQL."""

import base64
import json
import time
import urllib.parse
import uuid

import pytest

import test_auth as acct
from fakes.workable import FakeWorkable
from helpers import assert_json_detail

URL = "/api/v1/organizations/workable/authorize-url"
CONNECT = "/api/v1/organizations/workable/connect"
ORG = "/api/v1/organizations/me"
BAD_STATE = "Invalid, expired, or already used Workable OAuth state. Start the connection again."


@pytest.fixture
def fake():
    with FakeWorkable() as f:
        yield f


@pytest.fixture
def wk(server_factory, fake):
    """Workable enabled against the fake, in today's (default) state mode."""
    return server_factory.start({"MVP_DISABLE_WORKABLE": "false", "WORKABLE_CLIENT_ID": fake.client_id,
                                 "WORKABLE_CLIENT_SECRET": fake.client_secret, "WORKABLE_OAUTH_BASE": fake.url,
                                 "WORKABLE_API_BASE": fake.api_base})


def recruiter(srv):
    user, token, _ = acct.new_account(srv)
    return user, acct.auth(token)


def authorize(srv, headers, **params):
    r = srv.get(URL, headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def state_of(answer):
    query = urllib.parse.urlsplit(answer["url"]).query
    return dict(urllib.parse.parse_qsl(query))["state"]


def payload(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def connect(srv, fake, headers, state, subdomain=None):
    code = f"code-{uuid.uuid4().hex[:10]}"
    fake.codes[code] = subdomain or "acme-" + uuid.uuid4().hex[:6]
    return srv.post(CONNECT, json={"code": code, "state": state}, headers=headers), fake.codes[code]


def test_authorize_url_carries_a_signed_state(wk, fake):
    user, h = recruiter(wk)
    a = authorize(wk, h)
    assert list(a) == ["url", "scope", "scope_tokens", "redirect_uri"]
    assert a["scope"] == "r_jobs r_candidates w_candidates"
    assert a["scope_tokens"] == ["r_jobs", "r_candidates", "w_candidates"]
    assert a["redirect_uri"] == "http://localhost:5173/settings/workable/callback"
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(a["url"]).query))
    assert q["client_id"] == fake.client_id and q["response_type"] == "code" and q["resource"] == "user"
    claims = payload(q["state"])
    assert claims["aud"] == "workable-oauth" and claims["sub"] == str(user["id"])
    assert claims["organization_id"] == str(user["organization_id"])
    assert claims["exp"] - claims["iat"] == 600
    assert 32 <= len(claims["nonce"]) <= 128
    # the receipt holds hashes only, never the nonce
    rows = acct.sql(wk, "SELECT receipt_key, receipt_hash FROM workable_oauth_states")
    assert rows and all(claims["nonce"] not in (k + v) for k, v in rows)


@pytest.mark.parametrize("scopes,scope", [
    ("r_jobs,r_candidates", "r_jobs r_candidates"),
    ("r_candidates r_jobs r_jobs", "r_candidates r_jobs"),
    (" r_jobs ,\tr_candidates,w_candidates ", "r_jobs r_candidates w_candidates"),
])
def test_scopes_query(wk, scopes, scope):
    _, h = recruiter(wk)
    a = authorize(wk, h, scopes=scopes)
    assert a["scope"] == scope and a["scope_tokens"] == scope.split()
    assert "&scope=" + scope.replace(" ", "+") + "&state=" in a["url"]


@pytest.mark.parametrize("scopes,detail", [
    ("", "No scopes provided"),
    (" , ", "No scopes provided"),
    ("r_jobs,r_candidates,admin", "Unsupported scope: admin"),
    ("r_jobs", "Scopes must include r_jobs and r_candidates"),
    ("w_candidates,r_candidates", "Scopes must include r_jobs and r_candidates"),
])
def test_bad_scopes_are_400(wk, scopes, detail):
    _, h = recruiter(wk)
    assert_json_detail(wk.get(URL, headers=h, params={"scopes": scopes}), 400, detail)


def test_authorize_url_needs_an_organisation(wk):
    _, token, _ = acct.new_account(wk, org="")
    assert_json_detail(wk.get(URL, headers=acct.auth(token)), 404, "Organization not found")


def test_connect_with_the_state_records_the_connection(wk, fake):
    user, h = recruiter(wk)
    fake.granted_scope = "r_jobs r_candidates"
    r, sub = connect(wk, fake, h, state_of(authorize(wk, h)))
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "subdomain": sub}
    o = wk.get(ORG, headers=h).json()
    assert o["workable_connected"] is True and o["workable_subdomain"] == sub
    cfg = o["workable_config"]
    assert cfg["workflow_mode"] == "workable_hybrid" and cfg["granted_scopes"] == ["r_jobs", "r_candidates"]
    assert cfg["workable_writeback"] is False
    # the receipt is gone (each server of this module is its own, so it held one)
    assert acct.count(wk, "SELECT COUNT(*) FROM workable_oauth_states") == 0


def test_granted_write_scope_turns_on_write_back(wk, fake):
    _, h = recruiter(wk)
    r, _ = connect(wk, fake, h, state_of(authorize(wk, h)))  # the fake names no scope: the requested ones
    assert r.status_code == 200, r.text
    cfg = wk.get(ORG, headers=h).json()["workable_config"]
    assert cfg["granted_scopes"] == ["r_jobs", "r_candidates", "w_candidates"] and cfg["workable_writeback"] is True


def test_a_state_is_used_once(wk, fake):
    _, h = recruiter(wk)
    state = state_of(authorize(wk, h))
    assert connect(wk, fake, h, state)[0].status_code == 200
    assert_json_detail(connect(wk, fake, h, state)[0], 400, BAD_STATE)


def test_a_new_flow_voids_the_previous_state(wk, fake):
    _, h = recruiter(wk)
    first = state_of(authorize(wk, h))
    second = state_of(authorize(wk, h))
    assert_json_detail(connect(wk, fake, h, first)[0], 400, BAD_STATE)
    assert connect(wk, fake, h, second)[0].status_code == 200


def test_a_state_binds_user_and_workspace(wk, fake):
    _, h = recruiter(wk)
    _, other = recruiter(wk)
    state = state_of(authorize(wk, h))
    assert_json_detail(connect(wk, fake, other, state)[0], 400, BAD_STATE)
    o = wk.get(ORG, headers=other).json()
    assert o["workable_connected"] is False
    # the rightful user still can (a refused try does not use it up)
    assert connect(wk, fake, h, state)[0].status_code == 200


def test_forged_and_expired_states(wk, fake):
    user, h = recruiter(wk)
    state = state_of(authorize(wk, h))
    claims = payload(state)
    head, body, sig = state.split(".")
    tampered = ".".join([head, body, ("A" if sig[0] != "A" else "B") + sig[1:]])
    assert_json_detail(connect(wk, fake, h, tampered)[0], 400, BAD_STATE)
    expired = acct.make_jwt({**claims, "iat": int(time.time()) - 1200, "exp": int(time.time()) - 600})
    assert_json_detail(connect(wk, fake, h, expired)[0], 400, BAD_STATE)
    for k, v in (("aud", "fastapi-users:auth"), ("purpose", "other"), ("nonce", "short"),
                 ("organization_id", str(user["organization_id"] + 1))):
        assert_json_detail(connect(wk, fake, h, acct.make_jwt({**claims, k: v}))[0], 400, BAD_STATE)
    # a well-signed state whose nonce was never issued
    assert_json_detail(connect(wk, fake, h, acct.make_jwt({**claims, "nonce": "n" * 43}))[0], 400, BAD_STATE)
    assert fake.token_forms() == []  # no code was exchanged for any of them
    assert connect(wk, fake, h, state)[0].status_code == 200


def test_connect_without_state_is_422_in_todays_mode(wk, fake):
    _, h = recruiter(wk)
    r = wk.post(CONNECT, json={"code": "c"}, headers=h)
    assert r.status_code == 422, r.text
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("missing", ["body", "state"])]
    r = wk.post(CONNECT, json={"code": "c", "state": "too-short"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "state"]
    assert fake.token_forms() == []
    assert wk.get(ORG, headers=h).json()["workable_connected"] is False


def test_mvp_default_still_answers_503_first(server):
    _, h = recruiter(server)
    assert_json_detail(server.post(CONNECT, json={"code": "c"}, headers=h), 503,
                       "Workable integration is disabled for MVP")
    assert_json_detail(server.get(URL, headers=h), 503, "Workable integration is disabled for MVP")
