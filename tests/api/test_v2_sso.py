"""Enterprise sign-in of today's client (spec v2/identity-and-kept-routes.md
§1.7 I10 POST /auth/sso-check, I11 GET /auth/sso-redirect) and the SSO
policy on password sign-in (D14: I1 and I7 as at HEAD, applied to A4 and A6
too, with CORS headers on the 403).  Addresses match case-insensitively
(policy fix 5).  Each test runs on SQLite and on PostgreSQL."""

import uuid

import pytest

from helpers import ALLOWED_ORIGIN, assert_json_detail
from test_auth import PASSWORD, auth, fresh_ip, login, new_account, register, unique_email, verify

CHECK = "/api/v1/auth/sso-check"
REDIRECT = "/api/v1/auth/sso-redirect"
ORG = "/api/v1/organizations/me"
NONE_MSG = "No SSO configured for this domain. Use email/password instead."
SET_MSG = "SSO is configured for this domain."
ENFORCED = "Organization enforces SSO. Use enterprise sign-in."


def owner(server):
    """A verified owner of a new organisation: (user json, headers, email)."""
    user, token, email = new_account(server)
    return user, auth(token), email


def patch_org(server, headers, body):
    r = server.patch(ORG, json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def domain():
    return f"corp-{uuid.uuid4().hex[:10]}.example"


def check(server, email):
    r = server.post(CHECK, json={"email": email})
    assert r.status_code == 200, r.text
    return r.json()


# ---- I10 / I11 -------------------------------------------------------------

def test_unknown_address_has_no_sso(server):
    assert check(server, unique_email("nobody")) == {"sso_enabled": False, "redirect_url": None,
                                                     "organization_id": None, "message": NONE_MSG}
    assert_json_detail(server.get(REDIRECT, params={"email": unique_email("nobody")}), 404, NONE_MSG)


def test_member_of_an_org_without_saml(server):
    user, _, email = owner(server)
    assert check(server, email) == {"sso_enabled": False, "redirect_url": None,
                                    "organization_id": user["organization_id"], "message": NONE_MSG}
    assert_json_detail(server.get(REDIRECT, params={"email": email}), 404, NONE_MSG)


def test_member_of_a_saml_org_is_sent_to_the_metadata_url(server):
    user, h, email = owner(server)
    patch_org(server, h, {"saml_enabled": True, "saml_metadata_url": "https://idp.example/metadata.xml"})
    want = {"sso_enabled": True, "redirect_url": "https://idp.example/metadata.xml",
            "organization_id": user["organization_id"], "message": SET_MSG}
    assert check(server, email) == want
    assert check(server, email.upper()) == want
    r = server.get(REDIRECT, params={"email": email})
    assert r.status_code == 200 and r.json() == want
    # turning SAML off ends it
    patch_org(server, h, {"saml_enabled": False})
    assert check(server, email)["sso_enabled"] is False


def test_unregistered_address_resolves_by_allowed_domain(server):
    user, h, _ = owner(server)
    d = domain()
    patch_org(server, h, {"saml_enabled": True, "saml_metadata_url": "https://idp.example/m",
                          "allowed_email_domains": [f"@{d.upper()}", "other.example"]})
    got = check(server, f"new.hire@{d}")
    assert got["sso_enabled"] is True and got["organization_id"] == user["organization_id"]
    assert got["redirect_url"] == "https://idp.example/m"
    # another domain is not listed
    assert check(server, f"new.hire@x{d}")["organization_id"] is None


def test_domain_listed_by_an_org_without_saml_does_not_resolve(server):
    _, h, _ = owner(server)
    d = domain()
    patch_org(server, h, {"allowed_email_domains": [d]})
    assert check(server, f"someone@{d}")["organization_id"] is None


@pytest.mark.parametrize("body", [{}, {"email": "not-an-address"}, {"email": 5}, [], "x"])
def test_sso_check_bad_bodies_are_422(server, body):
    r = server.post(CHECK, json=body)
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], list)


def test_sso_redirect_needs_a_valid_email_query(server):
    r = server.get(REDIRECT)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "email"] and r.json()["detail"][0]["type"] == "missing"
    r = server.get(REDIRECT, params={"email": "no-at-sign"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "email"]


# ---- D14: SSO enforcement on password sign-in --------------------------------

JWT_LOGIN = "/api/v1/auth/jwt/login"
FORGOT = "/api/v1/auth/forgot-password"


def test_enforced_org_refuses_password_sign_in_on_both_login_routes(server):
    _, h, email = owner(server)
    assert login(server, email).status_code == 200
    patch_org(server, h, {"sso_enforced": True})
    for path in ("/api/v1/auth/login", JWT_LOGIN):
        for pw in (PASSWORD, "wrong-password-1"):
            r = server.post(path, data={"username": f"  {email.upper()} ", "password": pw},
                            headers={**fresh_ip(), "Origin": ALLOWED_ORIGIN})
            assert_json_detail(r, 403, ENFORCED)
            assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert_json_detail(server.post(FORGOT, json={"email": email}, headers=fresh_ip()), 403, ENFORCED)
    # a token issued before still works: enforcement guards sign-in only
    assert server.get("/api/v1/auth/me", headers=h).status_code == 200
    patch_org(server, h, {"sso_enforced": False})
    assert login(server, email).status_code == 200


def test_enforced_domain_refuses_unregistered_addresses(server):
    _, h, _ = owner(server)
    d = domain()
    patch_org(server, h, {"sso_enforced": True, "allowed_email_domains": [d]})
    stranger = f"stranger@{d}"
    assert_json_detail(server.post(JWT_LOGIN, data={"username": stranger, "password": PASSWORD},
                                   headers=fresh_ip()), 403, ENFORCED)
    assert_json_detail(server.post(FORGOT, json={"email": stranger}, headers=fresh_ip()), 403, ENFORCED)
    # other domains are not affected
    r = server.post(JWT_LOGIN, data={"username": f"stranger@x{d}", "password": PASSWORD}, headers=fresh_ip())
    assert_json_detail(r, 400, "LOGIN_BAD_CREDENTIALS")
    assert server.post(FORGOT, json={"email": f"stranger@x{d}"}, headers=fresh_ip()).status_code == 200


def test_enforcement_is_per_organisation(server):
    _, h, _ = owner(server)
    patch_org(server, h, {"sso_enforced": True})
    _, _, other = owner(server)
    assert login(server, other).status_code == 200
    assert server.post(JWT_LOGIN, data={"username": other, "password": PASSWORD},
                       headers=fresh_ip()).status_code == 200


def test_a_member_of_an_org_elsewhere_is_judged_by_their_own_org(server):
    # the address's holder belongs to an org that does not enforce SSO, even
    # though another, enforcing org lists the holder's domain (a domain of
    # this test's own, so no other test's address is affected)
    d = domain()
    email = f"holder@{d}"
    register(server, email=email, org=f"Org {uuid.uuid4().hex[:8]}")
    verify(server, email)
    _, h2, _ = owner(server)
    patch_org(server, h2, {"sso_enforced": True, "allowed_email_domains": [d]})
    assert login(server, email).status_code == 200
    assert_json_detail(server.post(JWT_LOGIN, data={"username": f"other@{d}", "password": PASSWORD},
                                   headers=fresh_ip()), 403, ENFORCED)
