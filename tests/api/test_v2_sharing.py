"""Shareable reports of the hiring loop (spec v2/hiring-loop.md §11): share
links SH1-SH3 and GET /share/{token}, submittal packs SP1-SP3 and GET
/submittal/{token}, and the top-candidates report viewer GET
/report/{token}.  Tokens are long, random, stored hashed, expire and can
be revoked; each public response is read key by key and fails on any
field the spec does not list, and on any trace of another candidate, role
or organisation.  Run on SQLite and PostgreSQL (the fixtures)."""

import json
import re

import pytest

import test_auth as acct
from helpers import assert_json_detail
from test_v2_applications import add, new_role, email, events
from test_v2_roles import Org

APPS = "/api/v1/applications"
ROLES = "/api/v1/roles"
LINK_KEYS = ["id", "application_id", "view_role_id", "token", "mode", "expiry_preset", "expires_at", "revoked_at",
             "view_count", "last_viewed_at", "created_at", "active", "revoked", "expired", "single_view_consumed"]
PACK_KEYS = ["id", "role_id", "token", "title", "url_path", "candidate_count", "expires_at", "revoked_at",
             "view_count", "last_viewed_at", "created_at", "active", "revoked", "expired"]
VIEW_KEYS = {"application_id", "view_role_id", "mode", "view", "expires_at", "application"}
SUMMARY_KEYS = {"role", "verdict", "verdict_band", "score_100", "highlights", "shared_at"}
ENTRY_KEYS = {"application_id", "logical_membership_id", "role_id", "candidate_name", "client_share_summary",
              "verdict", "verdict_band", "score_100", "highlights", "note"}
# what a client must not see (§11.2), and what this server also hides from it (contact details)
CLIENT_NULL = ["notes", "candidate_interview_kit", "interview_feedback", "pre_screen_evidence", "screening_pack",
               "tech_interview_pack", "screening_interview_summary", "tech_interview_summary",
               "interview_evidence_summary", "candidate_email", "candidate_phone", "candidate_profile_url",
               "candidate_social_profiles", "cv_filename"]
CLIENT_EMPTY = ["assessment_history", "interviews", "workable_comments", "workable_questionnaire_answers",
                "workable_activity_log"]
TOKEN = re.compile(r"^(shr|sub|rpt)_[A-Za-z0-9_-]{32}$")


@pytest.fixture(scope="module")
def org(server):
    return Org(server)


@pytest.fixture(scope="module")
def other(server):
    return Org(server)


@pytest.fixture(scope="module")
def setting(server, org, other):
    """A role with a candidate carrying secrets, a sibling candidate, and
    another organisation with a candidate of its own."""
    role = new_role(server, org, "Payments Engineer")
    secret = "INTERNAL-NOTE-7f3a"
    app = add(server, org, role["id"], candidate_name="Ada Candidate", candidate_email=email(), notes=secret)
    r = server.post(f"{APPS}/{app['id']}/notes", json={"note": "RECRUITER-EYES-ONLY-91c"}, headers=org.h)
    assert r.status_code == 200
    sibling = add(server, org, role["id"], candidate_name="Sibling Zed-Unseen")
    other_role = new_role(server, other, "Other Org Role Q9")
    other_app = add(server, other, other_role["id"], candidate_name="Foreign Person W4")
    return {"role": role, "app": app, "sibling": sibling, "secret": secret, "other_role": other_role,
            "other_app": other_app}


def mint(server, org, app_id, mode="recruiter", expiry="7d", expect=200, **extra):
    r = server.post(f"{APPS}/{app_id}/share-links", json={"mode": mode, "expiry": expiry, **extra}, headers=org.h)
    assert r.status_code == expect, r.text
    return r.json()


def assert_no_trace(text, setting, *more):
    for s in ("Sibling Zed-Unseen", "Foreign Person W4", "Other Org Role Q9", *more):
        assert s not in text, s


# ---- share links ------------------------------------------------------------------

def test_mint_answers_a_share_link_with_a_long_random_token_stored_hashed(server, org, setting):
    app = setting["app"]
    link = mint(server, org, app["id"], view_role_id=setting["role"]["id"])
    assert list(link) == LINK_KEYS
    assert TOKEN.match(link["token"]) and link["token"].startswith("shr_")
    assert (link["mode"], link["expiry_preset"], link["view_count"]) == ("recruiter", "7d", 0)
    assert link["active"] is True and not link["revoked"] and not link["expired"] and not link["single_view_consumed"]
    assert link["view_role_id"] == setting["role"]["id"] and link["application_id"] == app["id"]
    stored = acct.sql(server, "SELECT token FROM share_links WHERE id = %s", (link["id"],))[0][0]
    assert link["token"] not in stored and link["token"][4:] not in stored and stored.startswith("h1:")
    tokens = {mint(server, org, app["id"])["token"] for _ in range(20)}
    assert len(tokens) == 20


def test_mint_refusals(server, org, other, setting):
    aid = setting["app"]["id"]
    assert_json_detail(server.post(f"{APPS}/{aid}/share-links", json={"mode": "public", "expiry": "forever"},
                                   headers=org.h), 400, "Invalid share mode")
    assert_json_detail(server.post(f"{APPS}/{aid}/share-links", json={"mode": "client", "expiry": "1y"},
                                   headers=org.h), 400, "Invalid expiry preset")
    r = server.post(f"{APPS}/{aid}/share-links", json={"mode": "client"}, headers=org.h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "expiry"]
    assert_json_detail(server.post(f"{APPS}/{aid}/share-links", json={"mode": "client", "expiry": "7d"},
                                   headers=other.h), 404, "Application not found")
    assert_json_detail(server.post(f"{APPS}/{aid}/share-links", json={"mode": "client", "expiry": "7d",
                                                                     "view_role_id": setting["other_role"]["id"]},
                                   headers=org.h), 404, "Candidate is not a live member of this role")
    assert server.post(f"{APPS}/{aid}/share-links", json={"mode": "client", "expiry": "7d"}).status_code == 401


def test_list_and_revoke(server, org, other, setting):
    app = add(server, org, setting["role"]["id"])
    a = mint(server, org, app["id"], view_role_id=setting["role"]["id"])
    b = mint(server, org, app["id"], mode="client", expiry="24h")
    r = server.get(f"{APPS}/{app['id']}/share-links", headers=org.h)
    assert r.status_code == 200
    links = r.json()["links"]
    assert [x["id"] for x in links] == [b["id"]]  # null view role matches only links minted without one
    assert list(links[0]) == LINK_KEYS and links[0]["token"] is None  # the plain token was shown once
    r = server.get(f"{APPS}/{app['id']}/share-links", params={"view_role_id": setting["role"]["id"]}, headers=org.h)
    assert [x["id"] for x in r.json()["links"]] == [a["id"]]
    assert_json_detail(server.get(f"{APPS}/{app['id']}/share-links", headers=other.h), 404, "Application not found")
    assert_json_detail(server.delete(f"/api/v1/share-links/{a['id']}", headers=other.h), 404, "Share link not found")
    assert server.get(f"/share/{a['token']}").status_code == 200
    r = server.delete(f"/api/v1/share-links/{a['id']}", headers=org.h)
    assert r.status_code == 200 and r.json()["revoked"] is True and r.json()["active"] is False
    first = r.json()["revoked_at"]
    r = server.delete(f"/api/v1/share-links/{a['id']}", headers=org.h)
    assert r.status_code == 200 and r.json()["revoked_at"] == first
    assert_json_detail(server.get(f"/share/{a['token']}"), 410, "Share link has been revoked")
    assert_json_detail(server.delete(f"/api/v1/share-links/{b['id']}", params={"view_role_id": 5}, headers=org.h),
                       404, "Share link not found")


def test_recruiter_view_lists_exactly_its_fields(server, org, setting):
    app = setting["app"]
    link = mint(server, org, app["id"], view_role_id=setting["role"]["id"])
    r = server.get(f"/share/{link['token']}", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == VIEW_KEYS
    assert (body["view"], body["mode"], body["application_id"]) == ("recruiter", "recruiter", app["id"])
    detail = server.get(f"{APPS}/{app['id']}", headers=org.h).json()
    payload = body["application"]
    assert set(payload) == (set(detail) - {"cv_text"}) | {"application_events", "recruiter_notes_timeline"}
    assert payload["notes"] == setting["secret"]  # the recruiter view is the recruiter's report
    assert [e["event_type"] for e in payload["application_events"]] == \
        [e["event_type"] for e in events(server, org, app["id"])]
    assert_no_trace(r.text, setting)
    r = server.get(f"{APPS}/{app['id']}/share-links", params={"view_role_id": setting["role"]["id"]}, headers=org.h)
    seen = [x for x in r.json()["links"] if x["id"] == link["id"]][0]
    assert seen["view_count"] == 1 and seen["last_viewed_at"]


def test_client_view_hides_what_the_client_must_not_see(server, org, setting):
    app = setting["app"]
    link = mint(server, org, app["id"], mode="client")
    r = server.get(f"/share/{link['token']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == VIEW_KEYS and body["view"] == "client"
    payload = body["application"]
    detail = server.get(f"{APPS}/{app['id']}", headers=org.h).json()
    assert set(payload) == (set(detail) - {"cv_text"}) | {"client_share_summary"}
    for k in CLIENT_NULL:
        assert payload[k] is None, k
    for k in CLIENT_EMPTY:
        assert payload[k] == [], k
    for k in ("rubric_breakdown", "weighting", "internal_notes", "claude_chat_log", "judge_rationale", "integrity"):
        assert k not in (payload["score_summary"] or {}), k
    summary = payload["client_share_summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["role"] == "Payments Engineer" and summary["verdict_band"] == "na"
    assert summary["verdict"] == "Recommended for review" and summary["highlights"] == []
    assert_no_trace(r.text, setting, setting["secret"], "RECRUITER-EYES-ONLY-91c", app["candidate_email"])


def test_single_view_expiry_and_unknown_tokens(server, org, setting):
    app = setting["app"]
    once = mint(server, org, app["id"], mode="single-view", expiry="single-view")
    assert server.get(f"/share/{once['token']}").json()["view"] == "recruiter"
    assert_json_detail(server.get(f"/share/{once['token']}"), 410, "Single-view link has already been consumed")
    late = mint(server, org, app["id"], mode="client", expiry="24h")
    acct.sql(server, "UPDATE share_links SET expires_at = created_at WHERE id = %s", (late["id"],))
    assert_json_detail(server.get(f"/share/{late['token']}"), 410, "Share link has expired")
    r = server.get(f"{APPS}/{app['id']}/share-links", headers=org.h)
    seen = {x["id"]: x for x in r.json()["links"]}
    assert seen[late["id"]]["expired"] is True and seen[late["id"]]["view_count"] == 0  # refusals are not counted
    assert_json_detail(server.get("/share/shr_" + "A" * 32), 404, "Share link not found")
    assert_json_detail(server.get("/share/h1:" + "0" * 64), 404, "Share link not found")  # a stored hash is no key
    assert_json_detail(server.get("/share/x"), 404, "Share link not found")


def test_a_link_the_original_stored_in_plain_still_opens(server, org, setting):
    app = setting["app"]
    token = "shr_" + "p" * 32
    acct.sql(server, "INSERT INTO share_links (organization_id, application_id, token, mode, expiry_preset, "
             "expires_at, view_count, created_at) VALUES (%s, %s, %s, 'client', '7d', '2999-01-01 00:00:00', 0, "
             "'2026-01-01 00:00:00')", (org.owner["organization_id"], app["id"], token))
    r = server.get(f"/share/{token}")
    assert r.status_code == 200 and r.json()["view"] == "client"


def test_share_link_stops_when_the_person_is_deleted(server, org):
    role = new_role(server, org, "Gone Soon")
    app = add(server, org, role["id"])
    link = mint(server, org, app["id"], mode="client")
    acct.sql(server, "UPDATE candidates SET deleted_at = created_at WHERE id = %s", (app["candidate_id"],))
    assert_json_detail(server.get(f"/share/{link['token']}"), 404, "Application not found")


# ---- submittal packs ----------------------------------------------------------------

def test_submittal_pack_mint_list_view_revoke(server, org, other, setting):
    role = setting["role"]
    a, s = setting["app"], setting["sibling"]
    r = server.post(f"{ROLES}/{role['id']}/submittal-packs",
                    json={"application_ids": [a["id"], s["id"], a["id"]], "title": "  Shortlist  ",
                          "notes": {str(a["id"]): "  Great fit  "}}, headers=org.h)
    assert r.status_code == 200, r.text
    minted = r.json()
    assert set(minted) == {"id", "token", "url_path", "expires_at"}
    assert TOKEN.match(minted["token"]) and minted["token"].startswith("sub_")
    assert minted["url_path"] == f"/submittal/{minted['token']}"
    stored = acct.sql(server, "SELECT token FROM submittal_packs WHERE id = %s", (minted["id"],))[0][0]
    assert minted["token"] not in stored
    r = server.get(f"/submittal/{minted['token']}")
    assert r.status_code == 200, r.text
    view = r.json()
    assert set(view) == {"title", "role", "organization", "created_at", "candidates"}
    assert view["title"] == "Shortlist" and view["role"] == {"title": "Payments Engineer"}
    assert view["organization"] == {"name": None}
    assert [c["application_id"] for c in view["candidates"]] == [a["id"], s["id"]]
    for c in view["candidates"]:
        assert set(c) == ENTRY_KEYS and set(c["client_share_summary"]) == SUMMARY_KEYS
        assert c["logical_membership_id"] == f"{role['id']}:{c['application_id']}"
    assert view["candidates"][0]["note"] == "Great fit" and view["candidates"][1]["note"] is None
    assert view["candidates"][0]["candidate_name"] == "Ada Candidate"
    assert setting["secret"] not in r.text and "RECRUITER-EYES-ONLY-91c" not in r.text
    assert "Foreign Person W4" not in r.text and a["candidate_email"] not in r.text
    r = server.get(f"{ROLES}/{role['id']}/submittal-packs", headers=org.h)
    assert r.status_code == 200
    [pack] = [p for p in r.json()["packs"] if p["id"] == minted["id"]]
    assert list(pack) == PACK_KEYS and pack["candidate_count"] == 2 and pack["view_count"] == 1
    assert pack["token"] is None and pack["url_path"] is None and pack["active"] is True
    assert_json_detail(server.get(f"{ROLES}/{role['id']}/submittal-packs", headers=other.h), 403, "Forbidden")
    assert_json_detail(server.delete(f"/api/v1/submittal-packs/{minted['id']}", headers=other.h), 404,
                       "Submittal pack not found")
    r = server.delete(f"/api/v1/submittal-packs/{minted['id']}", headers=org.h)
    assert r.status_code == 200 and r.json()["revoked"] is True
    assert_json_detail(server.get(f"/submittal/{minted['token']}"), 410, "Submittal pack has been revoked")
    assert_json_detail(server.get("/submittal/sub_" + "B" * 32), 404, "Submittal pack not found")


def test_submittal_pack_refusals(server, org, other, setting):
    url = f"{ROLES}/{setting['role']['id']}/submittal-packs"
    aid = setting["app"]["id"]
    assert_json_detail(server.post(url, json={"application_ids": [aid], "expires_in": "1y"}, headers=org.h), 400,
                       "Invalid expiry preset")
    assert_json_detail(server.post(url, json={"application_ids": []}, headers=org.h), 400,
                       "At least one candidate is required")
    assert_json_detail(server.post(url, json={"application_ids": [aid] * 21}, headers=org.h), 400,
                       "A submittal pack can hold at most 20 candidates")
    assert_json_detail(server.post(url, json={"application_ids": [aid, setting["other_app"]["id"]]},
                                   headers=org.h), 404, "One or more candidates do not belong to this role")
    assert_json_detail(server.post(url, json={"application_ids": [aid]}, headers=other.h), 403, "Forbidden")
    _, mh = org.member
    assert_json_detail(server.post(url, json={"application_ids": [aid]}, headers=mh), 403, "Forbidden")
    r = server.post(url, json={"application_ids": ["x"]}, headers=org.h)
    assert r.status_code == 422
    r = server.post(url, json={"application_ids": [aid], "expires_in": "24h"}, headers=org.h)
    token = r.json()["token"]
    acct.sql(server, "UPDATE submittal_packs SET expires_at = created_at WHERE id = %s", (r.json()["id"],))
    assert_json_detail(server.get(f"/submittal/{token}"), 410, "Submittal pack has expired")


# ---- top-candidates report ------------------------------------------------------------

def test_report_viewer_rescrubs_contact_details_and_secrets(server, org):
    token = "rpt_" + "r" * 32
    snapshot = {"role_name": "Data Engineer", "spec": {"echo": "python, spark"},
                "candidates": [{"name": "Lin", "email": "lin@example.com", "profile_url": "https://x.example/lin",
                                "evidence": "Reach me at +44 7700 900123 or lin@example.com, see https://x.example",
                                "api_key": "sk-abcdefghijklmnopqrstuvwxyz"}]}
    acct.sql(server, "INSERT INTO top_candidates_reports (organization_id, token, query, snapshot, expires_at, "
             "created_at) VALUES (%s, %s, %s, %s, '2999-01-01 00:00:00', '2026-02-01 00:00:00')",
             (org.owner["organization_id"], token, "engineers like lin@example.com", json.dumps(snapshot)))
    r = server.get(f"/report/{token}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "query", "created_at", "snapshot"}
    assert body["query"] == "engineers like [email redacted]"
    cand = body["snapshot"]["candidates"][0]
    assert set(cand) == {"name", "evidence"}
    assert "lin@example.com" not in r.text and "7700" not in r.text and "https://" not in r.text
    assert "sk-abc" not in r.text
    assert body["snapshot"]["spec"] == {"echo": "python, spark"} and body["snapshot"]["role_name"] == "Data Engineer"
    acct.sql(server, "UPDATE top_candidates_reports SET revoked_at = created_at WHERE token = %s", (token,))
    assert_json_detail(server.get(f"/report/{token}"), 410, "Report has been revoked")
    assert_json_detail(server.get("/report/rpt_" + "z" * 32), 404, "Report not found")
