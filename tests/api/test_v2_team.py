"""Team routes of today's product (identity spec v2 §1.5, §1.7): I9
accept-invite, I12/I13 /users/me, I14/I15 /users/{id} (superusers), I16
member removal, I17 role change, I18 resend invite, I19 invite link, I20
the member list and I21 the invite, with §3's choices D5, D15-D20.

Invite tokens and today's access tokens are minted here with the server's
SECRET_KEY (conftest TEST_SETTINGS), as the original's own tests do."""

import os
import sys
import time
import uuid

import pytest

import test_auth as acct
from helpers import assert_json_detail, unique_ip

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fakes"))
from resend import FakeResend  # noqa: E402

USERS = "/api/v1/users"
LIST = USERS + "/"
INVITE = USERS + "/invite"
ME = USERS + "/me"
ACCEPT = "/api/v1/auth/accept-invite"

READ_KEYS = ["id", "email", "is_active", "is_superuser", "is_verified", "full_name", "organization_id", "role",
             "created_at"]
MEMBER_KEYS = ["id", "email", "full_name", "is_active", "is_email_verified", "is_verified", "organization_id",
               "role", "created_at", "status"]
INVITE_KEYS = MEMBER_KEYS[:-1] + ["email_sent", "status"]
OWNER_ONLY = "Only a workspace owner can do this"
LAST_OWNER = "An organization needs at least one owner"
NEW_PASSWORD = "a fresh passphrase 9"


# ---- helpers --------------------------------------------------------------

def v2_token(user_id, iat=None, lifetime=1800):
    """An access token of today's format (§1.2)."""
    now = int(time.time()) if iat is None else iat
    return acct.make_jwt({"sub": str(user_id), "aud": ["fastapi-users:auth"], "iat": now, "exp": now + lifetime})


def invite_token(user_id, email, aud="invite", exp=None, secret=acct.SECRET, sub=None):
    claims = {"sub": str(user_id) if sub is None else sub, "email": email, "aud": aud,
              "exp": int(time.time()) + 7 * 24 * 3600 if exp is None else exp}
    return acct.make_jwt(claims, secret=secret)


def owner_account(server):
    """A verified owner of a new organisation: (user json, B token, email)."""
    user, token, email = acct.new_account(server)
    return user, token, email


def invite(server, token, email=None, name="Member", expect=201):
    email = email or acct.unique_email("member")
    r = server.post(INVITE, json={"email": email, "full_name": name}, headers=acct.auth(token))
    assert r.status_code == expect, r.text
    return r.json()


def accept(server, user_id, email, password=NEW_PASSWORD):
    return server.post(ACCEPT, json={"token": invite_token(user_id, email), "password": password},
                       headers=acct.fresh_ip())


def member_account(server, owner_token):
    """An invited member who accepted: (member json, today's token, email)."""
    m = invite(server, owner_token)
    r = accept(server, m["id"], m["email"])
    assert r.status_code == 200, r.text
    return m, r.json()["access_token"], m["email"]


def make_superuser(server, user_id):
    acct.sql(server, "UPDATE users SET is_superuser = (1 = 1) WHERE id = %s", (user_id,))


def row(server, sql, params):
    return acct.sql(server, sql, params)[0]


def truthy(v):
    return v in (1, True, "t", "true", "1")


def events(server, kind, user_id):
    return acct.sql(server, "SELECT actor_user_id, organization_id, email, event_metadata FROM auth_events "
                            "WHERE event_type = %s AND user_id = %s ORDER BY id", (kind, user_id))


# ---- I12 / I13 /users/me (D5) -----------------------------------------------

def test_me_is_user_read_for_both_token_formats(server):
    user, token, email = owner_account(server)
    for t in (token, v2_token(user["id"])):
        r = server.get(ME, headers=acct.auth(t))
        assert r.status_code == 200, r.text
        me = r.json()
        assert list(me) == READ_KEYS
        assert me["id"] == user["id"] and me["email"] == email and me["role"] == "owner"
        assert me["is_verified"] is True and me["is_superuser"] is False and me["is_active"] is True
        assert me["organization_id"] == user["organization_id"]
        assert acct.DT_Z.match(me["created_at"])
    # the February route still answers the February object (D5: two routes, one row)
    assert list(server.get("/api/v1/auth/me", headers=acct.auth(token)).json()) == acct.USER_KEYS


def test_me_needs_a_token(server):
    assert_json_detail(server.get(ME), 401, "Not authenticated")
    assert_json_detail(server.get(ME, headers=acct.auth(v2_token(1, lifetime=-10))), 401, "Unauthorized")
    bad = acct.make_jwt({"sub": "1", "aud": ["fastapi-users:auth"], "exp": int(time.time()) + 60}, secret="other")
    assert_json_detail(server.get(ME, headers=acct.auth(bad)), 401, "Unauthorized")
    assert_json_detail(server.patch(ME, json={}), 401, "Not authenticated")


def test_patch_me_name_email_and_ignored_flags(server):
    user, token, email = owner_account(server)
    new_email = acct.unique_email("renamed")
    r = server.patch(ME, json={"full_name": "Grace Hopper", "email": new_email, "is_superuser": True,
                               "is_active": False, "is_verified": True}, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    me = r.json()
    assert list(me) == READ_KEYS
    assert me["full_name"] == "Grace Hopper" and me["email"] == new_email
    # a new address is unverified again; the flags are ignored (safe update)
    assert me["is_verified"] is False and me["is_superuser"] is False and me["is_active"] is True
    assert server.get(ME, headers=acct.auth(token)).json() == me
    # only keys present are applied; null full_name clears it
    r = server.patch(ME, json={"full_name": None}, headers=acct.auth(token))
    assert r.json()["full_name"] is None and r.json()["email"] == new_email


def test_patch_me_email_taken(server):
    _, token, email = owner_account(server)
    _, _, other = owner_account(server)
    for taken in (other, other.upper().replace("EXAMPLE.COM", "example.com"), email.upper().replace(
            "EXAMPLE.COM", "example.com")):
        r = server.patch(ME, json={"email": taken}, headers=acct.auth(token))
        assert_json_detail(r, 400, "UPDATE_USER_EMAIL_ALREADY_EXISTS")
    # the same address is no change
    assert server.patch(ME, json={"email": email}, headers=acct.auth(token)).json()["is_verified"] is True


def test_patch_me_password_policy_and_session_end(server):
    user, token, email = owner_account(server)
    cases = [("short", "Password must be at least 8 characters."),
             ("q" * 73, "Password must be 72 characters or fewer."),
             ("  Password1  ", "This password is too common. Choose something less predictable."),
             (email.split("@")[0] + "-2024", "Password should not contain your email address.")]
    for pw, reason in cases:
        r = server.patch(ME, json={"password": pw}, headers=acct.auth(token))
        assert r.status_code == 400, r.text
        assert r.json() == {"detail": {"code": "UPDATE_USER_INVALID_PASSWORD", "reason": reason}}
    # a null password changes nothing and ends no session (the fix of §1.7 I13)
    assert server.patch(ME, json={"password": None}, headers=acct.auth(token)).status_code == 200
    old = v2_token(user["id"], iat=int(time.time()) - 30)
    assert server.get(ME, headers=acct.auth(old)).status_code == 200
    r = server.patch(ME, json={"password": NEW_PASSWORD}, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    # tokens issued before the change are void; the new password signs in
    assert_json_detail(server.get(ME, headers=acct.auth(old)), 401, "Unauthorized")
    assert acct.login(server, email, acct.PASSWORD).status_code == 401
    assert acct.login(server, email, NEW_PASSWORD).status_code == 200
    assert row(server, "SELECT password_changed_at FROM users WHERE id = %s", (user["id"],))[0] is not None


def test_patch_me_validation(server):
    _, token, _ = owner_account(server)
    r = server.patch(ME, json={"email": "not-an-email", "full_name": 5, "is_active": "maybe"},
                     headers=acct.auth(token))
    d = acct.assert_422(r, ("body", "email"), ("body", "is_active"), ("body", "full_name"))
    assert [e["type"] for e in d] == ["value_error", "bool_parsing", "string_type"]
    acct.assert_422(server.patch(ME, json=[1], headers=acct.auth(token)), ("body",))


# ---- I14 / I15 /users/{id} (superusers) --------------------------------------

def test_superuser_routes_roles(server):
    owner, token, _ = owner_account(server)
    other, _, other_email = owner_account(server)
    _, member_token, _ = member_account(server, token)
    for t in (token, member_token):
        for path in (f"{USERS}/{other['id']}", f"{USERS}/not-a-number"):
            assert_json_detail(server.get(path, headers=acct.auth(t)), 403, "Forbidden")
            assert_json_detail(server.patch(path, json={}, headers=acct.auth(t)), 403, "Forbidden")
    make_superuser(server, owner["id"])
    r = server.get(f"{USERS}/{other['id']}", headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert list(r.json()) == READ_KEYS and r.json()["email"] == other_email
    for missing in ("not-a-number", "999999999", "1.5"):
        assert_json_detail(server.get(f"{USERS}/{missing}", headers=acct.auth(token)), 404, "Not Found")
        assert_json_detail(server.patch(f"{USERS}/{missing}", json={}, headers=acct.auth(token)), 404, "Not Found")
    assert server.get(ME, headers=acct.auth(token)).json()["is_superuser"] is True


def test_superuser_patch_is_unsafe(server):
    owner, token, _ = owner_account(server)
    other, other_token, _ = owner_account(server)
    make_superuser(server, owner["id"])
    r = server.patch(f"{USERS}/{other['id']}", json={"full_name": "Renamed", "is_verified": False},
                     headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "Renamed" and r.json()["is_verified"] is False
    r = server.patch(f"{USERS}/{other['id']}", json={"password": "short"}, headers=acct.auth(token))
    assert r.json() == {"detail": {"code": "UPDATE_USER_INVALID_PASSWORD",
                                   "reason": "Password must be at least 8 characters."}}
    r = server.patch(f"{USERS}/{other['id']}", json={"is_active": False}, headers=acct.auth(token))
    assert r.json()["is_active"] is False
    # the deactivated user is locked out on both token formats (D4)
    assert_json_detail(server.get(ME, headers=acct.auth(other_token)), 400, "Inactive user")
    assert_json_detail(server.get(ME, headers=acct.auth(v2_token(other["id"]))), 401, "Unauthorized")


# ---- I20 GET /users/ (D15) -------------------------------------------------

def test_list_active_only_with_status(server):
    owner, token, email = owner_account(server)
    pending = invite(server, token, name="Pending")
    joined, joined_token, _ = member_account(server, token)
    gone = invite(server, token, name="Gone")
    assert server.delete(f"{USERS}/{gone['id']}", headers=acct.auth(token)).status_code == 204
    for t in (token, joined_token, v2_token(owner["id"])):
        r = server.get(LIST, headers=acct.auth(t))
        assert r.status_code == 200, r.text
        items = r.json()
        assert [u["id"] for u in items] == [owner["id"], pending["id"], joined["id"]]
        assert all(list(u) == MEMBER_KEYS for u in items)
        assert [(u["role"], u["status"]) for u in items] == [("owner", "active"), ("member", "invited"),
                                                             ("member", "active")]
        assert all(u["is_verified"] == u["is_email_verified"] for u in items)


def test_unverified_owner_is_active(server):
    owner, token, _ = owner_account(server)
    acct.sql(server, "UPDATE users SET is_email_verified = (1 = 0) WHERE id = %s", (owner["id"],))
    items = server.get(LIST, headers=acct.auth(v2_token(owner["id"]))).json()
    assert items[0]["is_verified"] is False and items[0]["status"] == "active"


# ---- I21 POST /users/invite (D16, D18, D19) ----------------------------------

def test_invite_response_and_event(server):
    owner, token, _ = owner_account(server)
    email = acct.unique_email("new")
    r = server.post(INVITE, json={"email": email, "full_name": "New One"}, headers=acct.auth(token))
    assert r.status_code == 201, r.text
    m = r.json()
    assert list(m) == INVITE_KEYS
    assert (m["email"], m["full_name"], m["role"], m["status"]) == (email, "New One", "member", "invited")
    assert m["is_verified"] is False and m["is_active"] is True and m["email_sent"] is False
    ev = events(server, "member_invited", m["id"])
    assert len(ev) == 1
    assert int(ev[0][0]) == owner["id"] and int(ev[0][1]) == owner["organization_id"] and ev[0][2] == email
    assert ev[0][3] in (None, "")


def test_invite_owner_only(server):
    _, token, _ = owner_account(server)
    _, member_token, _ = member_account(server, token)
    before = acct.count(server, "SELECT count(*) FROM users")
    r = server.post(INVITE, json={"email": acct.unique_email(), "full_name": "X"}, headers=acct.auth(member_token))
    assert_json_detail(r, 403, OWNER_ONLY)
    # the role check comes before validation
    assert_json_detail(server.post(INVITE, json={}, headers=acct.auth(member_token)), 403, OWNER_ONLY)
    assert acct.count(server, "SELECT count(*) FROM users") == before


def test_invite_duplicate_texts(server):
    owner, token, email = owner_account(server)
    _, _, other_email = owner_account(server)
    pending = invite(server, token)
    joined, _, joined_email = member_account(server, token)
    cases = [(other_email, "This email address is already in use."),
             (email, "You're already a member of this workspace."),
             (joined_email, f"{joined_email} is already a member of this workspace."),
             (pending["email"].upper().replace("EXAMPLE.COM", "example.com"),
              f"{pending['email']} already has a pending invite \u2014 use Resend invite to send it again.")]
    for addr, text in cases:
        r = server.post(INVITE, json={"email": addr, "full_name": "Again"}, headers=acct.auth(token))
        assert_json_detail(r, 400, text)


def test_invite_restores_revoked_and_removed_members(server):
    owner, token, _ = owner_account(server)
    pending = invite(server, token, name="First Name")
    assert server.delete(f"{USERS}/{pending['id']}", headers=acct.auth(token)).status_code == 204
    r = server.post(INVITE, json={"email": pending["email"], "full_name": "Second Name"}, headers=acct.auth(token))
    assert r.status_code == 201, r.text
    back = r.json()
    assert back["id"] == pending["id"] and back["full_name"] == "Second Name" and back["status"] == "invited"
    assert back["is_active"] is True
    assert events(server, "member_invited", pending["id"])[-1][3].replace(" ", "") == '{"restored":true}'
    # a removed verified member (a former owner) comes back as a member, unrenamed, without an e-mail
    joined, _, joined_email = member_account(server, token)
    assert server.patch(f"{USERS}/{joined['id']}/role", json={"role": "owner"},
                        headers=acct.auth(token)).status_code == 200
    assert server.delete(f"{USERS}/{joined['id']}", headers=acct.auth(token)).status_code == 204
    acct.wait_message(server, joined_email, acct.RESET_SUBJECT)
    jobs = acct.count(server, "SELECT count(*) FROM jobs WHERE kind = 'email'")
    r = server.post(INVITE, json={"email": joined_email, "full_name": "Other"}, headers=acct.auth(token))
    assert r.status_code == 201, r.text
    back = r.json()
    assert (back["id"], back["full_name"], back["role"], back["status"], back["email_sent"]) == (
        joined["id"], "Member", "member", "active", False)
    assert acct.count(server, "SELECT count(*) FROM jobs WHERE kind = 'email'") == jobs
    assert len(acct.messages_to(server, joined_email)) == 1


def test_invite_sso_and_domains(server):
    owner, token, _ = owner_account(server)
    org = owner["organization_id"]
    acct.sql(server, "UPDATE organizations SET allowed_email_domains = %s WHERE id = %s",
             ('[" @Allowed.Example. ", "x@second.example"]', org))
    r = server.post(INVITE, json={"email": acct.unique_email(), "full_name": "X"}, headers=acct.auth(token))
    assert_json_detail(r, 400, "Email domain is not allowed for this organization")
    for domain in ("allowed.example", "SECOND.example"):
        addr = f"m-{uuid.uuid4().hex[:8]}@{domain}"
        assert server.post(INVITE, json={"email": addr, "full_name": "X"},
                           headers=acct.auth(token)).status_code == 201
    acct.sql(server, "UPDATE organizations SET allowed_email_domains = %s WHERE id = %s", ("[]", org))
    invite(server, token)
    acct.sql(server, "UPDATE organizations SET sso_enforced = (1 = 1) WHERE id = %s", (org,))
    r = server.post(INVITE, json={"email": acct.unique_email(), "full_name": "X"}, headers=acct.auth(token))
    assert_json_detail(r, 403, "Organization enforces SSO. Provision users through your identity provider.")


# ---- I16 DELETE /users/{user_id} (D20) ---------------------------------------

def test_remove_member_ends_sessions(server):
    owner, token, _ = owner_account(server)
    joined, joined_v2, joined_email = member_account(server, token)
    b_token = acct.login(server, joined_email, NEW_PASSWORD).json()["access_token"]
    r = server.delete(f"{USERS}/{joined['id']}", headers=acct.auth(token))
    assert r.status_code == 204 and r.content == b""
    assert_json_detail(server.get(LIST, headers=acct.auth(b_token)), 400, "Inactive user")
    assert_json_detail(server.get(LIST, headers=acct.auth(joined_v2)), 401, "Unauthorized")
    assert joined["id"] not in [u["id"] for u in server.get(LIST, headers=acct.auth(token)).json()]
    ev = events(server, "member_removed", joined["id"])
    assert len(ev) == 1 and int(ev[0][0]) == owner["id"]
    assert ev[0][3].replace(" ", "") == '{"was_pending_invite":false}'
    # removing again still answers 204 and records it again (kept quirk)
    assert server.delete(f"{USERS}/{joined['id']}", headers=acct.auth(token)).status_code == 204
    assert len(events(server, "member_removed", joined["id"])) == 2


def test_revoke_pending_invite(server):
    _, token, _ = owner_account(server)
    pending = invite(server, token)
    assert server.delete(f"{USERS}/{pending['id']}", headers=acct.auth(token)).status_code == 204
    ev = events(server, "member_removed", pending["id"])
    assert ev[0][3].replace(" ", "") == '{"was_pending_invite":true}'
    assert_json_detail(accept(server, pending["id"], pending["email"]), 400, "INVITE_REVOKED")


def test_remove_errors(server):
    owner, token, _ = owner_account(server)
    other, _, _ = owner_account(server)
    _, member_token, _ = member_account(server, token)
    assert_json_detail(server.delete(f"{USERS}/{owner['id']}", headers=acct.auth(token)), 400, "CANNOT_REMOVE_SELF")
    assert_json_detail(server.delete(f"{USERS}/{other['id']}", headers=acct.auth(token)), 404, "User not found")
    assert_json_detail(server.delete(f"{USERS}/999999999", headers=acct.auth(token)), 404, "User not found")
    assert_json_detail(server.delete(f"{USERS}/{owner['id']}", headers=acct.auth(member_token)), 403, OWNER_ONLY)
    acct.assert_422(server.delete(f"{USERS}/abc", headers=acct.auth(token)), ("path", "user_id"))
    assert_json_detail(server.delete(f"{USERS}/{owner['id']}"), 401, "Not authenticated")
    assert truthy(row(server, "SELECT is_active FROM users WHERE id = %s", (other["id"],))[0])


def test_remove_co_owner(server):
    _, token, _ = owner_account(server)
    joined, _, _ = member_account(server, token)
    server.patch(f"{USERS}/{joined['id']}/role", json={"role": "owner"}, headers=acct.auth(token))
    assert server.delete(f"{USERS}/{joined['id']}", headers=acct.auth(token)).status_code == 204


# ---- I17 PATCH /users/{user_id}/role -----------------------------------------

def test_role_change_and_last_owner(server):
    owner, token, _ = owner_account(server)
    joined, joined_token, _ = member_account(server, token)
    path = f"{USERS}/{joined['id']}/role"
    # a member may not change roles, not even their own
    assert_json_detail(server.patch(path, json={"role": "owner"}, headers=acct.auth(joined_token)), 403, OWNER_ONLY)
    r = server.patch(path, json={"role": "owner"}, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert list(r.json()) == MEMBER_KEYS and r.json()["role"] == "owner"
    # same role: no change
    assert server.patch(path, json={"role": "owner"}, headers=acct.auth(token)).json()["role"] == "owner"
    # the promoted member can invite at once
    invite(server, joined_token)
    # self-demotion is allowed while another owner exists; it takes effect on the next request
    me = f"{USERS}/{owner['id']}/role"
    assert server.patch(me, json={"role": "member"}, headers=acct.auth(token)).json()["role"] == "member"
    assert_json_detail(server.post(INVITE, json={"email": acct.unique_email(), "full_name": "X"},
                                   headers=acct.auth(token)), 403, OWNER_ONLY)
    # the last active owner cannot step down
    r = server.patch(path, json={"role": "member"}, headers=acct.auth(joined_token))
    assert_json_detail(r, 400, LAST_OWNER)
    assert server.get(ME, headers=acct.auth(joined_token)).json()["role"] == "owner"


def test_inactive_owner_does_not_count(server):
    owner, token, _ = owner_account(server)
    joined, joined_token, _ = member_account(server, token)
    server.patch(f"{USERS}/{joined['id']}/role", json={"role": "owner"}, headers=acct.auth(token))
    assert server.delete(f"{USERS}/{joined['id']}", headers=acct.auth(token)).status_code == 204
    r = server.patch(f"{USERS}/{owner['id']}/role", json={"role": "member"}, headers=acct.auth(token))
    assert_json_detail(r, 400, LAST_OWNER)


def test_role_errors(server):
    owner, token, _ = owner_account(server)
    other, _, _ = owner_account(server)
    pending = invite(server, token)
    path = f"{USERS}/{pending['id']}/role"
    for bad in ("admin", "Owner", 1, None):
        d = acct.assert_422(server.patch(path, json={"role": bad}, headers=acct.auth(token)), ("body", "role"))
        assert d[0]["type"] == "literal_error" and d[0]["ctx"] == {"expected": "'owner' or 'member'"}
    assert acct.assert_422(server.patch(path, json={}, headers=acct.auth(token)),
                           ("body", "role"))[0]["type"] == "missing"
    assert_json_detail(server.patch(f"{USERS}/{other['id']}/role", json={"role": "member"},
                                    headers=acct.auth(token)), 404, "User not found")
    # a pending invitee may be promoted; its status then reads active (kept quirk)
    r = server.patch(path, json={"role": "owner"}, headers=acct.auth(token))
    assert r.json()["status"] == "active" and r.json()["is_verified"] is False


# ---- I18 resend-invite, I19 invite-link --------------------------------------

def test_resend_and_link(server):
    owner, token, _ = owner_account(server)
    other, other_token, _ = owner_account(server)
    pending = invite(server, token)
    joined, joined_token, _ = member_account(server, token)
    gone = invite(server, token)
    server.delete(f"{USERS}/{gone['id']}", headers=acct.auth(token))
    r = server.post(f"{USERS}/{pending['id']}/resend-invite", headers=acct.auth(token))
    assert r.status_code == 200 and r.json() == {"email_sent": False}
    r = server.post(f"{USERS}/{pending['id']}/invite-link", headers=acct.auth(token))
    assert r.status_code == 200 and list(r.json()) == ["accept_link"]
    link = r.json()["accept_link"]
    assert link.startswith("http://localhost:5173/accept-invite?token=")
    token_text = link.split("token=", 1)[1]
    claims = acct.jwt_claims(token_text)
    assert claims["sub"] == str(pending["id"]) and claims["email"] == pending["email"] and claims["aud"] == "invite"
    assert abs(claims["exp"] - (time.time() + 7 * 24 * 3600)) < 3600
    for kind in ("resend-invite", "invite-link"):
        for target in (joined, gone):
            assert_json_detail(server.post(f"{USERS}/{target['id']}/{kind}", headers=acct.auth(token)), 400,
                               "NOT_PENDING_INVITE")
        assert_json_detail(server.post(f"{USERS}/{pending['id']}/{kind}", headers=acct.auth(other_token)), 404,
                           "User not found")
        assert_json_detail(server.post(f"{USERS}/{pending['id']}/{kind}", headers=acct.auth(joined_token)), 403,
                           OWNER_ONLY)
        assert_json_detail(server.post(f"{USERS}/{pending['id']}/{kind}"), 401, "Not authenticated")
        acct.assert_422(server.post(f"{USERS}/x/{kind}", headers=acct.auth(token)), ("path", "user_id"))
    # the link's token signs the invitee in
    r = server.post(ACCEPT, json={"token": token_text, "password": NEW_PASSWORD}, headers=acct.fresh_ip())
    assert r.status_code == 200, r.text


# ---- I9 POST /auth/accept-invite ---------------------------------------------

def test_accept_invite_signs_in(server):
    owner, token, _ = owner_account(server)
    m = invite(server, token)
    acct.sql(server, "UPDATE users SET failed_login_attempts = 3, locked_until = %s WHERE id = %s",
             ("2999-01-01 00:00:00", m["id"]))
    before = int(time.time())
    r = accept(server, m["id"], m["email"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["access_token", "token_type"] and body["token_type"] == "bearer"
    claims = acct.jwt_claims(body["access_token"])
    assert claims["sub"] == str(m["id"]) and claims["aud"] == ["fastapi-users:auth"]
    me = server.get(ME, headers=acct.auth(body["access_token"])).json()
    assert me["is_verified"] is True and me["id"] == m["id"]
    attempts, locked, changed, hashed = row(
        server, "SELECT failed_login_attempts, locked_until, password_changed_at, hashed_password FROM users "
                "WHERE id = %s", (m["id"],))
    assert int(attempts) == 0 and locked in (None, "") and changed not in (None, "")
    assert hashed.startswith("$2b$")
    # a token from before the acceptance no longer works; the February login does
    assert_json_detail(server.get(ME, headers=acct.auth(v2_token(m["id"], iat=before - 30))), 401, "Unauthorized")
    assert acct.login(server, m["email"], NEW_PASSWORD).status_code == 200
    assert_json_detail(accept(server, m["id"], m["email"]), 400, "INVITE_ALREADY_ACCEPTED")


def test_accept_invite_bad_tokens(server):
    _, token, _ = owner_account(server)
    m = invite(server, token)
    bad = [invite_token(m["id"], m["email"], secret="not-the-secret"),
           invite_token(m["id"], m["email"], aud="fastapi-users:auth"),
           invite_token(m["id"], m["email"], exp=int(time.time()) - 5),
           invite_token(m["id"], m["email"].upper()),
           invite_token(m["id"], m["email"], sub="abc"),
           invite_token(999999999, m["email"]),
           v2_token(m["id"]),
           "not.a.jwt"]
    for t in bad:
        r = server.post(ACCEPT, json={"token": t, "password": NEW_PASSWORD}, headers=acct.fresh_ip())
        assert_json_detail(r, 400, "INVITE_TOKEN_INVALID")
    assert not truthy(row(server, "SELECT is_email_verified FROM users WHERE id = %s", (m["id"],))[0])


def test_accept_invite_password_policy(server):
    _, token, _ = owner_account(server)
    m = invite(server, token)
    local = m["email"].split("@")[0]
    for pw, reason in [("short", "Password must be at least 8 characters."),
                       ("letmein123", "This password is too common. Choose something less predictable."),
                       (f"my {local} pw", "Password should not contain your email address.")]:
        assert_json_detail(accept(server, m["id"], m["email"], pw), 422, reason)
    assert not truthy(row(server, "SELECT is_email_verified FROM users WHERE id = %s", (m["id"],))[0])


def test_accept_invite_sso_required(server):
    owner, token, _ = owner_account(server)
    m = invite(server, token)
    acct.sql(server, "UPDATE organizations SET sso_enforced = (1 = 1) WHERE id = %s", (owner["organization_id"],))
    assert_json_detail(accept(server, m["id"], m["email"]), 400, "INVITE_SSO_REQUIRED")
    assert not truthy(row(server, "SELECT is_email_verified FROM users WHERE id = %s", (m["id"],))[0])


def test_accept_invite_validation(server):
    h = acct.fresh_ip()
    acct.assert_422(server.post(ACCEPT, json={}, headers=h), ("body", "token"), ("body", "password"))
    d = acct.assert_422(server.post(ACCEPT, json={"token": "t" * 2001, "password": 5}, headers=acct.fresh_ip()),
                        ("body", "token"), ("body", "password"))
    assert d[0]["type"] == "string_too_long" and d[1]["type"] == "string_type"
    d = acct.assert_422(server.post(ACCEPT, json={"token": "", "password": "x"}, headers=acct.fresh_ip()),
                        ("body", "token"))
    assert d[0]["type"] == "string_too_short"


def test_accept_invite_is_rate_limited_with_auth(server):
    ip = {"X-Forwarded-For": unique_ip()}
    for _ in range(10):
        r = server.post(ACCEPT, json={"token": "x", "password": "y"}, headers=ip)
        assert_json_detail(r, 400, "INVITE_TOKEN_INVALID")
    # the bucket is shared with the other auth routes
    assert server.post(ACCEPT, json={"token": "x", "password": "y"}, headers=ip).status_code == 429
    r = server.post("/api/v1/auth/login", data={"username": "a@example.com", "password": "b"}, headers=ip)
    assert r.status_code == 429


# ---- roles per route class, tenant isolation -----------------------------------

def test_each_role_per_route_class(server):
    owner, owner_token, _ = owner_account(server)
    member, member_token, _ = member_account(server, owner_token)
    superuser, super_token, _ = member_account(server, owner_token)
    make_superuser(server, superuser["id"])
    target = invite(server, owner_token)
    # any signed-in user: list and /users/me
    for t in (owner_token, member_token, super_token):
        assert server.get(LIST, headers=acct.auth(t)).status_code == 200
        assert server.get(ME, headers=acct.auth(t)).status_code == 200
    # owner routes: a superuser who is a member is refused like any member
    for t in (member_token, super_token):
        assert_json_detail(server.post(f"{USERS}/{target['id']}/invite-link", headers=acct.auth(t)), 403, OWNER_ONLY)
    assert server.post(f"{USERS}/{target['id']}/invite-link", headers=acct.auth(owner_token)).status_code == 200
    # superuser routes: owners are refused
    for t in (owner_token, member_token):
        assert_json_detail(server.get(f"{USERS}/{target['id']}", headers=acct.auth(t)), 403, "Forbidden")
    assert server.get(f"{USERS}/{target['id']}", headers=acct.auth(super_token)).status_code == 200


def test_tenant_isolation(server):
    _, token_a, _ = owner_account(server)
    _, token_b, _ = owner_account(server)
    b_pending = invite(server, token_b)
    for method, suffix, body in (("DELETE", "", None), ("PATCH", "/role", {"role": "owner"}),
                                 ("POST", "/resend-invite", None), ("POST", "/invite-link", None)):
        r = server.request(method, f"{USERS}/{b_pending['id']}{suffix}", json=body, headers=acct.auth(token_a))
        assert_json_detail(r, 404, "User not found")
    assert b_pending["id"] not in [u["id"] for u in server.get(LIST, headers=acct.auth(token_a)).json()]
    r = server.get(LIST, headers=acct.auth(token_b)).json()
    assert [u for u in r if u["id"] == b_pending["id"]][0]["role"] == "member"


# ---- D17: the invite e-mail per TEAM_INVITE_STYLE ------------------------------

@pytest.fixture
def resend():
    fake = FakeResend().start()
    yield fake
    fake.stop()


def test_v2_invite_email_with_resend(server_factory, resend):
    srv = server_factory.start({"TEAM_INVITE_STYLE": "v2", "RESEND_API_KEY": resend.api_key,
                                "RESEND_BASE_URL": resend.url})
    email = acct.unique_email("owner")
    user = acct.register(srv, email=email, org="Acme Widgets", full_name="Olive Owner").json()
    acct.sql(srv, "UPDATE users SET is_email_verified = (1 = 1) WHERE id = %s", (user["id"],))
    token = v2_token(user["id"])
    invitee = acct.unique_email("invitee")
    r = srv.post(INVITE, json={"email": invitee, "full_name": "Ivy"}, headers=acct.auth(token))
    assert r.status_code == 201, r.text
    assert r.json()["email_sent"] is True
    invitee_id = r.json()["id"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not [m for m in resend.emails() if m["to"] == [invitee]]:
        time.sleep(0.1)
    mail = [m for m in resend.emails() if m["to"] == [invitee]][-1]
    assert mail["subject"] == "You're invited to join Acme Widgets on TAALI"
    assert "Olive Owner" in mail["html"]
    link = mail["html"].split('href="', 1)[1].split('"', 1)[0]
    assert link.startswith("http://localhost:5173/accept-invite?token=")
    r = srv.post(ACCEPT, json={"token": link.split("token=", 1)[1], "password": NEW_PASSWORD},
                 headers=acct.fresh_ip())
    assert r.status_code == 200, r.text
    # accepted: no longer pending
    r = srv.post(f"{USERS}/{invitee_id}/resend-invite", headers=acct.auth(token))
    assert_json_detail(r, 400, "NOT_PENDING_INVITE")


def test_v2_style_outbox_and_bad_setting(server_factory):
    srv = server_factory.start({"TEAM_INVITE_STYLE": "v2"})
    email = acct.unique_email("owner")
    user = acct.register(srv, email=email, org="Beta").json()
    acct.sql(srv, "UPDATE users SET full_name = NULL WHERE id = %s", (user["id"],))
    token = v2_token(user["id"])
    m = invite(srv, token)
    assert m["email_sent"] is False
    msg = acct.wait_message(srv, m["email"], "You're invited to join Beta on TAALI")
    assert msg["link"].startswith("http://localhost:5173/accept-invite?token=")
    # an owner without a name is named by e-mail
    assert email in msg["html"]
    rc, out = server_factory.run_expect_exit({"TEAM_INVITE_STYLE": "modern"})
    assert rc != 0 and "TEAM_INVITE_STYLE" in out


def test_concurrent_demotions_keep_an_owner(server):
    """Two owners demote each other at once: the owner rows are locked, so
    exactly one demotion wins and the organisation keeps one owner."""
    import threading
    owner, token, _ = owner_account(server)
    joined, joined_token, _ = member_account(server, token)
    server.patch(f"{USERS}/{joined['id']}/role", json={"role": "owner"}, headers=acct.auth(token))
    for _ in range(5):
        statuses = []
        barrier = threading.Barrier(2)

        def demote(actor_token, target_id):
            barrier.wait()
            r = server.patch(f"{USERS}/{target_id}/role", json={"role": "member"}, headers=acct.auth(actor_token))
            statuses.append(r.status_code)

        ts = [threading.Thread(target=demote, args=(token, joined["id"])),
              threading.Thread(target=demote, args=(joined_token, owner["id"]))]
        [t.start() for t in ts]
        [t.join() for t in ts]
        owners_now = acct.sql(server, "SELECT id, role, is_active FROM users WHERE organization_id = %s ORDER BY id",
                              (owner["organization_id"],))
        assert sorted(statuses)[0] == 200 and statuses.count(200) == 1, (statuses, owners_now)
        assert set(statuses) <= {200, 400, 403}, statuses
        owners = acct.sql(server, "SELECT id FROM users WHERE organization_id = %s AND role = 'owner'",
                          (owner["organization_id"],))
        assert len(owners) == 1, owners
        # promote the demoted one again for the next round
        winner = int(owners[0][0])
        loser = joined["id"] if winner == owner["id"] else owner["id"]
        win_token = token if winner == owner["id"] else joined_token
        r = server.patch(f"{USERS}/{loser}/role", json={"role": "owner"}, headers=acct.auth(win_token))
        assert r.status_code == 200, r.text
