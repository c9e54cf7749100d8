"""API keys: I22 GET, I23 POST /api/v1/api-keys and I24 DELETE
/api/v1/api-keys/{key_id} (identity spec §1.5, §1.7, §4.2; §3 D37: new
routes, no conflict).

Owners only; the caller's organisation only; every success is 200 (I23
not 201, I24 with the key as body, as the original answers).  The secret
is tali_live_/tali_test_ and 43 URL-safe characters, shown once by I23;
only its SHA-256 hex is stored."""

import hashlib
import re

import test_auth as acct
from helpers import assert_json_detail
from test_v2_tokens import v2_token

BASE = "/api/v1/api-keys"
KEY_FIELDS = ["id", "name", "prefix", "is_test", "scopes", "last_used_at", "expires_at", "revoked_at", "created_at"]
SCOPES = ["applications:read", "assessments:read", "assessments:write", "roles:read", "share-links:write"]
DEFAULTS = ["roles:read", "applications:read", "assessments:read"]
OWNER_ONLY = "Only a workspace owner can do this"
SECRET_LIVE = re.compile(r"^tali_live_[A-Za-z0-9_-]{43}$")
SECRET_TEST = re.compile(r"^tali_test_[A-Za-z0-9_-]{43}$")


def owner(server):
    """A new organisation's owner: (user json, headers with today's token)."""
    user, _, _ = acct.new_account(server)
    return user, acct.auth(v2_token(user["id"]))


def mint(server, headers, **body):
    body.setdefault("name", "CI key")
    r = server.post(BASE, json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def keys_of(server, headers):
    r = server.get(BASE, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def stored(server, key_id):
    rows = acct.sql(server, "SELECT hashed_secret, prefix, name, scopes, organization_id, created_by_user_id "
                            "FROM api_keys WHERE id = %s", (key_id,))
    assert len(rows) == 1
    return rows[0]


def test_mint_list_revoke(server):
    user, h = owner(server)
    first = mint(server, h, name="first", scopes=["assessments:write", "roles:read"])
    assert list(first) == KEY_FIELDS + ["secret"]
    assert SECRET_LIVE.match(first["secret"]), first["secret"]
    assert first["prefix"] == first["secret"][:16] and first["prefix"].startswith("tali_live_")
    assert first["name"] == "first" and first["is_test"] is False
    assert first["scopes"] == ["assessments:write", "roles:read"]
    assert first["last_used_at"] is None and first["expires_at"] is None and first["revoked_at"] is None
    assert acct.DT_Z.match(first["created_at"]), first["created_at"]
    second = mint(server, h, name="second")
    assert second["secret"] != first["secret"]

    listed = keys_of(server, h)
    assert list(listed) == ["keys", "available_scopes"]
    assert listed["available_scopes"] == SCOPES
    assert [k["id"] for k in listed["keys"]] == [second["id"], first["id"]]  # newest first
    for k in listed["keys"]:
        assert list(k) == KEY_FIELDS  # never the secret
    assert listed["keys"][1] == {f: first[f] for f in KEY_FIELDS}

    r = server.delete(f"{BASE}/{first['id']}", headers=h)
    assert r.status_code == 200, r.text
    revoked = r.json()
    assert list(revoked) == KEY_FIELDS
    assert acct.DT_Z.match(revoked["revoked_at"]), revoked
    assert {f: revoked[f] for f in KEY_FIELDS if f != "revoked_at"} == \
        {f: first[f] for f in KEY_FIELDS if f != "revoked_at"}
    # revoking again changes nothing and still answers the key
    again = server.delete(f"{BASE}/{first['id']}", headers=h)
    assert again.status_code == 200 and again.json() == revoked
    # revoked keys stay in the list
    listed = keys_of(server, h)["keys"]
    assert [k["id"] for k in listed] == [second["id"], first["id"]]
    assert listed[1]["revoked_at"] == revoked["revoked_at"] and listed[0]["revoked_at"] is None


def test_only_the_sha256_of_the_secret_is_stored(server):
    user, h = owner(server)
    k = mint(server, h, name="stored")
    hashed, prefix, name, scopes, org, creator = stored(server, k["id"])
    assert hashed == hashlib.sha256(k["secret"].encode()).hexdigest()
    assert prefix == k["secret"][:16] and name == "stored"
    assert int(org) == user["organization_id"] and int(creator) == user["id"]
    # the secret itself appears in no column of the row
    row = acct.sql(server, "SELECT * FROM api_keys WHERE id = %s", (k["id"],))[0]
    assert not any(k["secret"] in str(v) for v in row)
    assert k["secret"][16:] not in " ".join(str(v) for v in row)


def test_test_keys(server):
    _, h = owner(server)
    k = mint(server, h, name="sandbox", is_test=True)
    assert SECRET_TEST.match(k["secret"]) and k["is_test"] is True
    assert k["prefix"] == k["secret"][:16]


def test_scopes(server):
    _, h = owner(server)
    assert mint(server, h)["scopes"] == DEFAULTS                       # omitted: the read-only defaults
    assert mint(server, h, scopes=None)["scopes"] == DEFAULTS          # null: the same
    assert mint(server, h, scopes=[])["scopes"] == []                  # explicit []: no scopes (quirk kept)
    k = mint(server, h, scopes=["share-links:write", "roles:read", "share-links:write", "roles:read"])
    assert k["scopes"] == ["share-links:write", "roles:read"]          # repeats dropped, first order kept
    assert mint(server, h, scopes=list(reversed(SCOPES)))["scopes"] == list(reversed(SCOPES))
    assert next(x for x in keys_of(server, h)["keys"] if x["id"] == k["id"])["scopes"] == k["scopes"]


def test_unknown_scope_is_400_and_stores_nothing(server):
    user, h = owner(server)
    before = acct.count(server, "SELECT COUNT(*) FROM api_keys WHERE organization_id = %s", (user["organization_id"],))
    for bad, body_scopes in (("admin", ["roles:read", "admin", "nope"]),
                             ("internal:search-canary:read", ["internal:search-canary:read"]),
                             ("Roles:Read", ["Roles:Read"]), ("", [""])):
        r = server.post(BASE, json={"name": "x", "scopes": body_scopes}, headers=h)
        assert_json_detail(r, 400, f"Unknown API key scope: {bad}")
    assert acct.count(server, "SELECT COUNT(*) FROM api_keys WHERE organization_id = %s",
                      (user["organization_id"],)) == before


def test_body_validation(server):
    _, h = owner(server)
    d = acct.assert_422(server.post(BASE, json={"name": ""}, headers=h), ("body", "name"))
    assert d[0]["type"] == "string_too_short" and d[0]["ctx"] == {"min_length": 1}
    d = acct.assert_422(server.post(BASE, json={"name": "n" * 121}, headers=h), ("body", "name"))
    assert d[0]["type"] == "string_too_long" and d[0]["ctx"] == {"max_length": 120}
    assert acct.assert_422(server.post(BASE, json={}, headers=h), ("body", "name"))[0]["type"] == "missing"
    acct.assert_422(server.post(BASE, json={"name": 5}, headers=h), ("body", "name"))
    acct.assert_422(server.post(BASE, json={"name": "x", "scopes": "roles:read"}, headers=h), ("body", "scopes"))
    acct.assert_422(server.post(BASE, json={"name": "x", "scopes": ["roles:read", 3]}, headers=h),
                    ("body", "scopes", 1))
    acct.assert_422(server.post(BASE, json={"name": "x", "is_test": "maybe"}, headers=h), ("body", "is_test"))
    acct.assert_422(server.post(BASE, json={"name": "x", "expires_at": "soon"}, headers=h), ("body", "expires_at"))
    acct.assert_422(server.post(BASE, data="[]", headers={**h, "Content-Type": "application/json"}), ("body",))
    # the bounds themselves pass, counted in characters
    assert mint(server, h, name="n" * 120)["name"] == "n" * 120
    assert mint(server, h, name="é" * 120)["name"] == "é" * 120
    assert mint(server, h, name="x")["name"] == "x"


def test_expires_at_is_stored_as_given_even_in_the_past(server):
    _, h = owner(server)
    k = mint(server, h, expires_at="2020-01-02T03:04:05Z")
    assert k["expires_at"] == "2020-01-02T03:04:05Z"
    k = mint(server, h, expires_at="2031-06-01T12:00:00+02:00")
    assert k["expires_at"] == "2031-06-01T10:00:00Z"
    assert mint(server, h, expires_at=None)["expires_at"] is None


def test_member_is_refused_everywhere(server):
    owner_user, oh = owner(server)
    k = mint(server, oh)
    member, _, _ = acct.new_account(server)
    # a member of the owner's organisation
    acct.sql(server, "UPDATE users SET role = 'member', organization_id = %s WHERE id = %s",
             (owner_user["organization_id"], member["id"]))
    mh = acct.auth(v2_token(member["id"]))
    assert_json_detail(server.get(BASE, headers=mh), 403, OWNER_ONLY)
    assert_json_detail(server.post(BASE, json={"name": "m"}, headers=mh), 403, OWNER_ONLY)
    assert_json_detail(server.delete(f"{BASE}/{k['id']}", headers=mh), 403, OWNER_ONLY)
    assert keys_of(server, oh)["keys"][0]["revoked_at"] is None
    assert acct.count(server, "SELECT COUNT(*) FROM api_keys WHERE organization_id = %s",
                      (owner_user["organization_id"],)) == 1


def test_authentication_is_required(server):
    user, h = owner(server)
    k = mint(server, h)
    for method, path, kw in (("GET", BASE, {}), ("POST", BASE, {"json": {"name": "x"}}),
                             ("DELETE", f"{BASE}/{k['id']}", {})):
        assert_json_detail(server.request(method, path, **kw), 401, "Not authenticated")
        r = server.request(method, path, headers=acct.auth(v2_token(user["id"], aud=("invite",))), **kw)
        assert_json_detail(r, 401, "Unauthorized")
        # an API key is not a recruiter's token
        assert server.request(method, path, headers=acct.auth(k["secret"]), **kw).status_code == 401
    assert keys_of(server, h)["keys"][0]["revoked_at"] is None


def test_the_february_token_of_an_owner_works_too(server):
    user, b_token, _ = acct.new_account(server)
    k = mint(server, acct.auth(b_token), name="feb")
    assert [x["id"] for x in keys_of(server, acct.auth(v2_token(user["id"])))["keys"]] == [k["id"]]


def test_tenant_isolation_both_ways(server):
    _, ha = owner(server)
    _, hb = owner(server)
    ka, kb = mint(server, ha, name="a"), mint(server, hb, name="b")
    assert [k["id"] for k in keys_of(server, ha)["keys"]] == [ka["id"]]
    assert [k["id"] for k in keys_of(server, hb)["keys"]] == [kb["id"]]
    assert_json_detail(server.delete(f"{BASE}/{ka['id']}", headers=hb), 404, "API key not found")
    assert_json_detail(server.delete(f"{BASE}/{kb['id']}", headers=ha), 404, "API key not found")
    assert_json_detail(server.delete(f"{BASE}/999999999", headers=ha), 404, "API key not found")
    for h in (ha, hb):
        assert keys_of(server, h)["keys"][0]["revoked_at"] is None
    assert acct.count(server, "SELECT COUNT(*) FROM api_keys WHERE id IN (%s, %s) AND revoked_at IS NULL",
                      (ka["id"], kb["id"])) == 2


def test_paths_and_parameters(server):
    _, h = owner(server)
    k = mint(server, h)
    # declared without a slash; the slash spelling is answered the same (policy fix 3, no 307)
    assert server.get(BASE + "/", headers=h).json() == keys_of(server, h)
    assert server.post(BASE + "/", json={"name": "slash"}, headers=h).status_code == 200
    d = acct.assert_422(server.delete(f"{BASE}/abc", headers=h), ("path", "key_id"))
    assert d[0]["type"] == "int_parsing"
    assert server.delete(f"{BASE}/{k['id']}/", headers=h).status_code == 200
    assert server.put(BASE, json={"name": "x"}, headers=h).status_code == 405


def test_documented(server):
    doc = server.get("/api/openapi.json").json()
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths[BASE]) and "delete" in paths[BASE + "/{key_id}"]
    created = paths[BASE]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/ApiKeyCreated"}
    assert list(doc["components"]["schemas"]["ApiKey"]["properties"]) == KEY_FIELDS
    assert "201" not in paths[BASE]["post"]["responses"]
    assert OWNER_ONLY in paths[BASE]["get"]["responses"]["403"]["description"]
