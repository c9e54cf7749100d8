"""Organisations: O1 GET and O2 PATCH /api/v1/organizations/me.

api-contract §2.2, O1, O2, §1.3 precedence; policy fixes 6 (unique slugs)
and 13 (datetimes with "Z")."""

import uuid

import test_auth as acct
from helpers import assert_json_detail

ORG_KEYS = ["id", "name", "slug", "workable_connected", "workable_subdomain", "plan", "assessments_used",
            "assessments_limit", "created_at"]
URL = "/api/v1/organizations/me"


def test_get_org_shape(server):
    name = f"Shape Org {uuid.uuid4().hex[:6]}"
    user, token, _ = acct.new_account(server, org=name)
    r = server.get(URL, headers=acct.auth(token))
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    o = r.json()
    # D21: February's nine fields in their order, today's among them (superset)
    assert [k for k in o if k in ORG_KEYS] == ORG_KEYS
    assert o["id"] == user["organization_id"]
    assert o["name"] == name and o["slug"] == name.lower().replace(" ", "-")
    assert o["workable_connected"] is False and o["workable_subdomain"] is None
    assert o["plan"] == "pay_per_use" and o["assessments_used"] == 0 and o["assessments_limit"] is None
    assert acct.DT_Z.match(o["created_at"]), o["created_at"]
    for secret in ("workable_access_token", "workable_refresh_token", "stripe_customer_id", "updated_at"):
        assert secret not in o


def test_unicode_slug(server):
    suffix = uuid.uuid4().hex[:6]
    _, token, _ = acct.new_account(server, org=f"Ünïcode ÆBC Org {suffix}")
    o = server.get(URL, headers=acct.auth(token)).json()
    assert o["slug"] == f"ünïcode-æbc-org-{suffix}"


def test_get_org_without_org(server):
    _, token, _ = acct.new_account(server, org="")
    assert_json_detail(server.get(URL, headers=acct.auth(token)), 404, "No organization associated")
    assert_json_detail(server.patch(URL, json={"name": "x"}, headers=acct.auth(token)), 404,
                       "Organization not found")


def test_org_requires_auth(server):
    r = server.get(URL)
    assert_json_detail(r, 401, "Not authenticated")
    assert r.headers.get("WWW-Authenticate") == "Bearer"
    assert_json_detail(server.patch(URL, json={"name": 5}), 401, "Not authenticated")
    assert_json_detail(server.get(URL, headers=acct.auth("nonsense")), 401, "Invalid or expired token")


def test_patch_rename_keeps_slug(server):
    name = f"Before {uuid.uuid4().hex[:6]}"
    _, token, _ = acct.new_account(server, org=name)
    r = server.patch(URL, json={"name": "After ✓ 'quoted'; --"}, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    o = r.json()
    assert [k for k in o if k in ORG_KEYS] == ORG_KEYS
    assert o["name"] == "After ✓ 'quoted'; --" and o["slug"] == name.lower().replace(" ", "-")
    assert server.get(URL, headers=acct.auth(token)).json()["name"] == "After ✓ 'quoted'; --"


def test_patch_noop_and_nulls(server):
    name = f"Stable {uuid.uuid4().hex[:6]}"
    _, token, _ = acct.new_account(server, org=name)
    before = server.get(URL, headers=acct.auth(token)).json()
    for body in ({}, {"name": None}, {"name": None, "workable_config": None}, {"unknown": 1}):
        r = server.patch(URL, json=body, headers=acct.auth(token))
        assert r.status_code == 200, (body, r.text)
        assert r.json() == before


def test_patch_workable_config_stored_as_given(server):
    _, token, email = acct.new_account(server)
    r = server.patch(URL, json={"workable_config": {"auto_send_on_stage": True, "auto_send_stage": "Ph'one"}},
                     headers=acct.auth(token))
    # D21/D22: today's typed workable_config is answered; the stored dict keeps the February keys
    assert r.status_code == 200 and "auto_send_on_stage" not in r.json()["workable_config"]
    org_id = r.json()["id"]
    rows = acct.sql(server, "SELECT workable_config FROM organizations WHERE id = %s", (org_id,))
    import json
    assert json.loads(rows[0][0]) == {"auto_send_on_stage": True, "auto_send_stage": "Ph'one"}


def test_patch_validation(server):
    _, token, _ = acct.new_account(server)
    r = server.patch(URL, json={"name": 123, "workable_config": "text"}, headers=acct.auth(token))
    d = acct.assert_422(r, ("body", "name"), ("body", "workable_config"))
    assert d[0]["type"] == "string_type" and d[1]["type"] == "dict_type"
    r = server.patch(URL, json=["name"], headers=acct.auth(token))
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "model_attributes_type"
    # a JSON syntax error is reported before authentication
    r = server.patch(URL, data="{bad", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"


def test_tenant_separation(server):
    _, token_a, _ = acct.new_account(server, org=f"Tenant A {uuid.uuid4().hex[:6]}")
    _, token_b, _ = acct.new_account(server, org=f"Tenant B {uuid.uuid4().hex[:6]}")
    a = server.get(URL, headers=acct.auth(token_a)).json()
    b = server.get(URL, headers=acct.auth(token_b)).json()
    assert a["id"] != b["id"]
    server.patch(URL, json={"name": "Renamed A"}, headers=acct.auth(token_a))
    assert server.get(URL, headers=acct.auth(token_b)).json()["name"] == b["name"]
