"""Team: U1 GET /api/v1/users/ and U2 POST /api/v1/users/invite.

api-contract §2.1, U1, U2, §4 (invite e-mail); policy fix 5
(case-insensitive uniqueness).  Identity spec v2 §3 changes B's contract
on these two routes, and only those assertions changed here: the answers
are supersets of B's User (D15, D19: is_verified, role, status and, for
the invite, email_sent), the duplicate texts are today's (D18), and only a
workspace owner may invite (D16)."""

import uuid

import test_auth as acct
from helpers import assert_json_detail

LIST = "/api/v1/users/"
INVITE = "/api/v1/users/invite"
MEMBER_KEYS = ["id", "email", "full_name", "is_active", "is_email_verified", "is_verified", "organization_id",
               "role", "created_at", "status"]


def assert_member(obj, email=None, invite=False):
    """B's User fields, in B's order, inside today's superset (D15, D19)."""
    want = MEMBER_KEYS[:-1] + ["email_sent", "status"] if invite else MEMBER_KEYS
    assert list(obj) == want, obj
    acct.assert_user({k: obj[k] for k in acct.USER_KEYS}, email)
    assert obj["is_verified"] == obj["is_email_verified"]


def test_list_members_oldest_first(server):
    owner, token, email = acct.new_account(server)
    r = server.get(LIST, headers=acct.auth(token))
    assert r.status_code == 200
    assert [u["email"] for u in r.json()] == [email]
    assert_member(r.json()[0], email)
    invited = [acct.unique_email("member") for _ in range(2)]
    for e in invited:
        assert server.post(INVITE, json={"email": e, "full_name": "Member"}, headers=acct.auth(token)).status_code == 201
    users = server.get(LIST, headers=acct.auth(token)).json()
    assert [u["email"] for u in users] == [email] + invited
    # both spellings of the collection route
    assert server.get("/api/v1/users", headers=acct.auth(token)).json() == users


def test_list_without_org_is_empty(server):
    _, token, _ = acct.new_account(server, org="")
    r = server.get(LIST, headers=acct.auth(token))
    assert r.status_code == 200 and r.json() == []


def test_invite_creates_member_and_sends_email(server):
    owner, token, _ = acct.new_account(server)
    email = acct.unique_email("invitee")
    r = server.post(INVITE, json={"email": email.upper().replace("EXAMPLE.COM", "Example.com"),
                                  "full_name": "Zoë O'Neil"}, headers=acct.auth(token))
    assert r.status_code == 201, r.text
    u = r.json()
    assert_member(u, invite=True)
    assert u["email"].lower() == email
    assert u["organization_id"] == owner["organization_id"]
    assert u["is_email_verified"] is False and u["is_active"] is True and u["full_name"] == "Zoë O'Neil"
    m = acct.wait_message(server, u["email"], acct.RESET_SUBJECT)
    assert m["link"] == "http://localhost:5173/#/forgot-password"


def test_invitee_can_join_through_reset_and_verification(server):
    _, token, _ = acct.new_account(server)
    email = acct.unique_email("joiner")
    server.post(INVITE, json={"email": email, "full_name": "Joiner"}, headers=acct.auth(token))
    assert_json_detail(acct.login(server, email, "anything at all"), 401, "Incorrect email or password")
    server.post("/api/v1/auth/forgot-password", json={"email": email}, headers=acct.fresh_ip())
    reset = acct.link_token(acct.wait_message(server, email, acct.RESET_SUBJECT, count=2))
    r = server.post("/api/v1/auth/reset-password", json={"token": reset, "new_password": "joiner password"})
    assert r.status_code == 200
    assert_json_detail(acct.login(server, email, "joiner password"), 403, acct.MSG_UNVERIFIED)
    server.post("/api/v1/auth/resend-verification", json={"email": email})
    acct.verify(server, email)
    assert acct.login(server, email, "joiner password").status_code == 200


def test_invite_duplicate_case_insensitive(server):
    _, token, owner_email = acct.new_account(server)
    _, other_token, other_email = acct.new_account(server)
    for e in (owner_email, owner_email.upper()):
        r = server.post(INVITE, json={"email": e, "full_name": "Dup"}, headers=acct.auth(token))
        assert_json_detail(r, 400, "You're already a member of this workspace.")
    r = server.post(INVITE, json={"email": other_email.replace("@example.com", "@EXAMPLE.COM"), "full_name": "Dup"},
                    headers=acct.auth(token))
    assert_json_detail(r, 400, "This email address is already in use.")
    email = acct.unique_email("twice")
    assert server.post(INVITE, json={"email": email, "full_name": "A"}, headers=acct.auth(token)).status_code == 201
    r = server.post(INVITE, json={"email": email.upper(), "full_name": "B"}, headers=acct.auth(other_token))
    assert_json_detail(r, 400, "This email address is already in use.")


def test_invite_without_org(server):
    _, token, _ = acct.new_account(server, org="")
    r = server.post(INVITE, json={"email": acct.unique_email(), "full_name": "X"}, headers=acct.auth(token))
    # D16: a user without an organisation is never its owner
    assert_json_detail(r, 403, "Only a workspace owner can do this")


def test_invite_validation_stores_nothing(server):
    _, token, _ = acct.new_account(server)
    before = acct.count(server, "SELECT count(*) FROM users")
    r = server.post(INVITE, json={"email": "not-an-email", "full_name": ""}, headers=acct.auth(token))
    d = acct.assert_422(r, ("body", "email"), ("body", "full_name"))
    assert d[0]["type"] == "value_error" and d[1]["type"] == "string_too_short"
    r = server.post(INVITE, json={"email": acct.unique_email(), "full_name": "n" * 201}, headers=acct.auth(token))
    d = acct.assert_422(r, ("body", "full_name"))
    assert d[0]["ctx"] == {"max_length": 200}
    r = server.post(INVITE, json={"email": "x'; DROP TABLE users;--", "full_name": "Bobby"}, headers=acct.auth(token))
    acct.assert_422(r, ("body", "email"))
    r = server.post(INVITE, json={}, headers=acct.auth(token))
    acct.assert_422(r, ("body", "email"), ("body", "full_name"))
    r = server.post(INVITE, headers=acct.auth(token))
    acct.assert_422(r, ("body",))
    assert acct.count(server, "SELECT count(*) FROM users") == before


def test_invite_auth_precedence(server):
    assert_json_detail(server.post(INVITE, json={"email": "bad"}), 401, "Not authenticated")
    assert_json_detail(server.get(LIST), 401, "Not authenticated")
    r = server.post(INVITE, data="{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"


def test_tenant_separation(server):
    _, token_a, email_a = acct.new_account(server)
    _, token_b, email_b = acct.new_account(server)
    member = acct.unique_email("a-member")
    server.post(INVITE, json={"email": member, "full_name": "A member"}, headers=acct.auth(token_a))
    a = [u["email"] for u in server.get(LIST, headers=acct.auth(token_a)).json()]
    b = [u["email"] for u in server.get(LIST, headers=acct.auth(token_b)).json()]
    assert a == [email_a, member] and b == [email_b]
