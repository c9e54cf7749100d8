"""Applications of the hiring loop (spec v2/hiring-loop.md §6, §7): A1
create, A4/A5/P1 lists, A7 read, A8 edit, A9 stage, A10 outcome, A11
manual decision, EV1 events, EV2 notes.  The stage state machine of §6.1
has one test per (from, to) pair; concurrent moves on one application end
consistent on both databases; a second organisation sees nothing; every
list query uses an index (EXPLAIN on SQLite).  Run on SQLite and
PostgreSQL (the fixtures)."""

import re
import sqlite3
import threading
import uuid

import pytest

import test_auth as acct
from helpers import assert_json_detail
from test_v2_roles import Org

ROLES = "/api/v1/roles"
APPS = "/api/v1/applications"
STAGES = ["sourced", "applied", "invited", "in_assessment", "review", "advanced"]
BODY_STAGES = STAGES[1:]
RECRUITER_MOVES = {("sourced", "applied"), ("applied", "invited"), ("review", "invited"), ("applied", "advanced"),
                   ("invited", "advanced"), ("in_assessment", "advanced"), ("review", "advanced"),
                   ("advanced", "review")}
BASE_KEYS = ["id", "organization_id", "candidate_id", "role_id", "status", "pipeline_stage",
             "pipeline_stage_updated_at", "pipeline_stage_source", "application_outcome",
             "application_outcome_updated_at", "version", "notes", "manual_decision", "candidate_email",
             "candidate_name", "candidate_position", "role_name", "score_summary", "created_at", "updated_at"]
EVENT_KEYS = ["id", "application_id", "organization_id", "role_id", "agent_decision_id", "event_type", "from_stage",
              "to_stage", "from_outcome", "to_outcome", "actor_type", "actor_id", "reason", "target_stage",
              "effect_status", "metadata", "idempotency_key", "created_at"]


# ---- helpers --------------------------------------------------------------

@pytest.fixture(scope="module")
def org(server):
    return Org(server)


@pytest.fixture(scope="module")
def other(server):
    return Org(server)


@pytest.fixture(scope="module")
def role(server, org):
    return new_role(server, org, "Platform Engineer")


def new_role(server, org, name, description="Builds the platform: C, SQL, on-call."):
    body = {"name": name}
    if description is not None:
        body["description"] = description
    r = server.post(ROLES, json=body, headers=org.h)
    assert r.status_code == 201, r.text
    return r.json()


def email():
    return f"cand-{uuid.uuid4().hex[:10]}@example.com"


def add(server, org, role_id, expect=201, **body):
    body.setdefault("candidate_email", email())
    r = server.post(f"{ROLES}/{role_id}/applications", json=body, headers=org.h)
    assert r.status_code == expect, r.text
    return r.json()


def get(server, org, app_id, **params):
    r = server.get(f"{APPS}/{app_id}", params=params, headers=org.h)
    assert r.status_code == 200, r.text
    return r.json()


def events(server, org, app_id, **params):
    r = server.get(f"{APPS}/{app_id}/events", params=params, headers=org.h)
    assert r.status_code == 200, r.text
    return r.json()


def set_stage(server, app_id, stage):
    """Puts an application at a stage directly (test set-up for the matrix)."""
    status = "in_progress" if stage == "in_assessment" else stage
    acct.sql(server, "UPDATE candidate_applications SET pipeline_stage = %s, status = %s WHERE id = %s",
             (stage, status, app_id))


def stage_patch(server, org, app_id, stage, **extra):
    return server.patch(f"{APPS}/{app_id}/stage", json={"pipeline_stage": stage, **extra}, headers=org.h)


def legacy_status(stage, outcome):
    if outcome != "open":
        return outcome
    return "in_progress" if stage == "in_assessment" else stage


# ---- A1 create --------------------------------------------------------------

def test_create_application_answers_the_spec_shape_and_writes_pipeline_initialized(server, org, role):
    addr = email()
    local, domain = addr.split("@")
    app = add(server, org, role["id"], candidate_email=f"{local}@{domain.upper()}", candidate_name="Grace Hopper",
              candidate_position="Staff Engineer", notes="Referred by Ada")
    assert list(app)[:4] == ["id", "organization_id", "candidate_id", "role_id"]
    for k in BASE_KEYS:
        assert k in app, k
    assert app["role_id"] == role["id"] and app["organization_id"] == org.owner["organization_id"]
    assert (app["pipeline_stage"], app["application_outcome"], app["status"]) == ("applied", "open", "applied")
    assert app["pipeline_stage_source"] == "recruiter" and app["version"] == 1
    assert app["candidate_email"] == addr and app["candidate_name"] == "Grace Hopper"
    assert app["role_name"] == "Platform Engineer" and app["notes"] == "Referred by Ada"
    [ev] = events(server, org, app["id"])
    assert list(ev) == EVENT_KEYS
    assert ev["event_type"] == "pipeline_initialized" and ev["to_stage"] == "applied" and ev["to_outcome"] == "open"
    assert ev["actor_type"] == "recruiter" and ev["actor_id"] == org.owner["id"]
    assert ev["reason"] == "Application created" and ev["metadata"] == {"legacy_status": "applied"}
    # the same person on a second role is the same candidate row
    second = new_role(server, org, "SRE")
    again = add(server, org, second["id"], candidate_email=addr, candidate_name="Grace B. Hopper")
    assert again["candidate_id"] == app["candidate_id"]
    assert get(server, org, app["id"])["candidate_name"] == "Grace B. Hopper"


def test_create_maps_legacy_status_and_explicit_stage(server, org, role):
    app = add(server, org, role["id"], status="Offer Accepted")
    assert (app["pipeline_stage"], app["application_outcome"], app["status"]) == ("advanced", "hired", "hired")
    app = add(server, org, role["id"], status="completed")
    assert (app["pipeline_stage"], app["application_outcome"], app["status"]) == ("review", "open", "review")
    app = add(server, org, role["id"], status="declined", pipeline_stage="invited")
    assert (app["pipeline_stage"], app["application_outcome"], app["status"]) == ("invited", "rejected", "rejected")
    app = add(server, org, role["id"], pipeline_stage="in_assessment")
    assert app["status"] == "in_progress"


def test_create_refusals(server, org, role):
    bare = new_role(server, org, "No Spec Yet", description=None)
    assert_json_detail(server.post(f"{ROLES}/{bare['id']}/applications", json={"candidate_email": email()},
                                   headers=org.h), 400, "Upload job spec before adding applications")
    addr = email()
    add(server, org, role["id"], candidate_email=addr)
    assert_json_detail(server.post(f"{ROLES}/{role['id']}/applications", json={"candidate_email": addr},
                                   headers=org.h), 400, "Candidate already has an application for this role")
    r = server.post(f"{ROLES}/{role['id']}/applications", json={"candidate_email": "not-an-email"}, headers=org.h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "candidate_email"]
    r = server.post(f"{ROLES}/{role['id']}/applications", json={"candidate_email": email(),
                                                                 "pipeline_stage": "sourced"}, headers=org.h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "pipeline_stage"]
    r = server.post(f"{ROLES}/{role['id']}/applications", json=[1], headers=org.h)
    assert r.status_code == 422
    _, mh = org.member
    assert_json_detail(server.post(f"{ROLES}/{role['id']}/applications", json={"candidate_email": email()},
                                   headers=mh), 403, "Forbidden")
    assert server.post(f"{ROLES}/{role['id']}/applications", json={"candidate_email": email()}).status_code == 401


# ---- A9 the stage state machine, one test per pair ------------------------

@pytest.mark.parametrize("src", STAGES[:-1])
@pytest.mark.parametrize("dst", BODY_STAGES)
def test_recruiter_stage_move(server, org, role, src, dst):
    app = add(server, org, role["id"])
    set_stage(server, app["id"], src)
    r = stage_patch(server, org, app["id"], dst, reason="Moving on")
    if src == dst:
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 1 and r.json()["pipeline_stage"] == src
        assert [e["event_type"] for e in events(server, org, app["id"])] == ["pipeline_initialized"]
    elif (src, dst) in RECRUITER_MOVES:
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["pipeline_stage"] == dst and body["version"] == 2
        assert body["status"] == legacy_status(dst, "open") and body["pipeline_stage_source"] == "recruiter"
        ev = events(server, org, app["id"])[0]
        assert ev["event_type"] == "pipeline_stage_changed"
        assert (ev["from_stage"], ev["to_stage"], ev["from_outcome"], ev["to_outcome"]) == (src, dst, "open", "open")
        assert ev["reason"] == "Moving on" and ev["effect_status"] == "confirmed" and ev["target_stage"] == dst
        assert ev["metadata"] == {"source": "recruiter", "legacy_status_before": legacy_status(src, "open")}
    else:
        assert_json_detail(r, 409, f"Recruiter transition {src}->{dst} is not allowed")
        after = get(server, org, app["id"])
        assert after["pipeline_stage"] == src and after["version"] == 1
        assert [e["event_type"] for e in events(server, org, app["id"])] == ["pipeline_initialized"]


@pytest.mark.parametrize("dst", BODY_STAGES)
def test_advanced_application_moves_only_back_to_review(server, org, role, dst):
    """A9 refuses a resolved application; A8 applies the guard from advanced."""
    app = add(server, org, role["id"], pipeline_stage="advanced")
    r = stage_patch(server, org, app["id"], dst)
    assert r.status_code == 409
    assert r.json()["detail"] == {"code": "application_resolved", "message": "This candidate has already left "
                                  "Tali's active flow and cannot be advanced again."}
    r = server.patch(f"{APPS}/{app['id']}", json={"pipeline_stage": dst}, headers=org.h)
    if dst == "advanced":
        assert r.status_code == 200 and r.json()["version"] == 1
    elif ("advanced", dst) in RECRUITER_MOVES:
        assert r.status_code == 200 and r.json()["pipeline_stage"] == dst and r.json()["version"] == 2
    else:
        assert_json_detail(r, 409, f"Recruiter transition advanced->{dst} is not allowed")
        assert get(server, org, app["id"])["pipeline_stage"] == "advanced"


def test_stage_to_sourced_or_unknown_is_422(server, org, role):
    app = add(server, org, role["id"])
    for bad in ("sourced", "hired", "", 3):
        r = stage_patch(server, org, app["id"], bad)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "pipeline_stage"], r.text
    r = server.patch(f"{APPS}/{app['id']}/stage", json={}, headers=org.h)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"


def test_stage_version_and_idempotency(server, org, role):
    app = add(server, org, role["id"])
    assert_json_detail(stage_patch(server, org, app["id"], "invited", expected_version=5), 409,
                       "Version mismatch: expected=5, current=1")
    r = stage_patch(server, org, app["id"], "invited", expected_version=1, idempotency_key="k-1")
    assert r.status_code == 200 and r.json()["version"] == 2
    # the same key again returns the application unchanged, no second event
    r = stage_patch(server, org, app["id"], "advanced", idempotency_key="k-1")
    assert r.status_code == 200 and r.json()["pipeline_stage"] == "invited" and r.json()["version"] == 2
    evs = events(server, org, app["id"])
    assert [e["event_type"] for e in evs] == ["pipeline_stage_changed", "pipeline_initialized"]
    assert evs[0]["idempotency_key"] == "k-1"


# ---- A10 outcome, A8 edit ---------------------------------------------------

def test_outcome_moves_freely_and_never_moves_the_stage(server, org, role):
    app = add(server, org, role["id"], pipeline_stage="review")
    version = 1
    for outcome in ("rejected", "open", "withdrawn", "hired", "open"):
        r = server.patch(f"{APPS}/{app['id']}/outcome", json={"application_outcome": outcome}, headers=org.h)
        assert r.status_code == 200, r.text
        version += 1
        body = r.json()
        assert body["application_outcome"] == outcome and body["pipeline_stage"] == "review"
        assert body["version"] == version and body["status"] == legacy_status("review", outcome)
        assert body["application_outcome_updated_at"]
    evs = events(server, org, app["id"])
    assert [e["to_outcome"] for e in evs[:5]] == ["open", "hired", "withdrawn", "open", "rejected"]
    assert all(e["event_type"] == "application_outcome_changed" and e["from_stage"] == e["to_stage"] == "review"
               for e in evs[:5])
    assert evs[0]["reason"] == "Recruiter outcome update"
    # a rejected application is resolved: A9 refuses it
    server.patch(f"{APPS}/{app['id']}/outcome", json={"application_outcome": "rejected"}, headers=org.h)
    assert stage_patch(server, org, app["id"], "advanced").json()["detail"]["code"] == "application_resolved"
    assert_json_detail(server.patch(f"{APPS}/{app['id']}/outcome", json={"application_outcome": "open",
                                                                        "expected_version": 1}, headers=org.h),
                       409, f"Version mismatch: expected=1, current={version + 1}")
    r = server.patch(f"{APPS}/{app['id']}/outcome", json={"application_outcome": "maybe"}, headers=org.h)
    assert r.status_code == 422
    assert_json_detail(server.patch(f"{APPS}/{app['id']}/outcome", json={"application_outcome": "open",
                                                                        "acting_role_id": role["id"] + 999},
                                    headers=org.h), 409, "Related-role membership is unavailable")


def test_patch_legacy_status_walks_the_shortest_path(server, org, role):
    app = add(server, org, role["id"])
    r = server.patch(f"{APPS}/{app['id']}", json={"status": "completed"}, headers=org.h)
    assert r.status_code == 200, r.text
    assert (r.json()["pipeline_stage"], r.json()["status"], r.json()["version"]) == ("review", "review", 4)
    moves = [(e["from_stage"], e["to_stage"]) for e in reversed(events(server, org, app["id"]))
             if e["event_type"] == "pipeline_stage_changed"]
    assert moves == [("applied", "invited"), ("invited", "in_assessment"), ("in_assessment", "review")]
    r = server.patch(f"{APPS}/{app['id']}", json={"status": "Hired"}, headers=org.h)
    assert (r.json()["pipeline_stage"], r.json()["application_outcome"], r.json()["status"]) == \
        ("advanced", "hired", "hired")
    # from advanced nothing reaches in_assessment
    assert_json_detail(server.patch(f"{APPS}/{app['id']}", json={"status": "started"}, headers=org.h), 409,
                       "Legacy status cannot reach stage 'in_assessment' from 'advanced'")


def test_patch_notes_and_person_and_the_version_quirk(server, org, role):
    app = add(server, org, role["id"], candidate_name="Old Name")
    r = server.patch(f"{APPS}/{app['id']}", json={"notes": "Strong systems answers", "candidate_name": "New Name",
                                                  "candidate_position": "Lead"}, headers=org.h)
    assert r.status_code == 200
    body = r.json()
    assert body["notes"] == "Strong systems answers" and body["candidate_name"] == "New Name"
    assert body["candidate_position"] == "Lead" and body["version"] == 1  # notes/name edits do not bump
    r = server.patch(f"{APPS}/{app['id']}", json={"notes": ""}, headers=org.h)
    assert r.json()["notes"] is None
    # stage and outcome with one expected_version: the second step fails and nothing is kept
    r = server.patch(f"{APPS}/{app['id']}", json={"pipeline_stage": "invited", "application_outcome": "rejected",
                                                  "expected_version": 1}, headers=org.h)
    assert_json_detail(r, 409, "Version mismatch: expected=1, current=2")
    after = get(server, org, app["id"])
    assert (after["pipeline_stage"], after["application_outcome"], after["version"]) == ("applied", "open", 1)
    r = server.patch(f"{APPS}/{app['id']}", json={"expected_version": 0}, headers=org.h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "expected_version"]


# ---- A7 read, A11 decision, EV1/EV2 ------------------------------------------

def test_get_detail_and_view_role(server, org, role):
    app = add(server, org, role["id"])
    detail = get(server, org, app["id"])
    for k in ("assessment_preview", "assessment_history", "interview_feedback", "cv_sections"):
        assert k in detail, k
    assert detail["assessment_history"] == [] and detail["interview_feedback"] == []
    assert "cv_text" not in detail or detail["cv_text"] is None
    assert get(server, org, app["id"], view_role_id=role["id"])["id"] == app["id"]
    assert_json_detail(server.get(f"{APPS}/{app['id']}", params={"view_role_id": role["id"] + 1000},
                                  headers=org.h), 404, "Application not found")
    assert_json_detail(server.get(f"{APPS}/999999999", headers=org.h), 404, "Application not found")
    r = server.get(f"{APPS}/{app['id']}", params={"include_cv_text": "maybe"}, headers=org.h)
    assert r.status_code == 422


def test_manual_decision_versions_history_and_event(server, org, role):
    app = add(server, org, role["id"])
    url = f"{APPS}/{app['id']}/manual-decision"
    r = server.patch(url, json={"decision": " Advance ", "confidence": "HIGH", "rationale": "x" * 200,
                                "next_steps": "Call references\n\n  Send offer  ", "status": "draft"},
                     headers=org.h)
    assert r.status_code == 200, r.text
    md = r.json()["manual_decision"]
    assert r.json()["success"] is True and r.json()["version"] == 1
    assert (md["decision"], md["confidence"], md["status"], md["submitted_at"]) == ("advance", "high", "draft", None)
    assert md["next_steps"] == ["Call references", "Send offer"]
    assert md["updated_by"]["id"] == org.owner["id"]
    [h] = md["history"]
    assert h["action"] == "saved_draft" and len(h["rationale_excerpt"]) == 161 and h["rationale_excerpt"][-1] == "…"
    assert [e["event_type"] for e in events(server, org, app["id"])] == ["pipeline_initialized"]
    assert_json_detail(server.patch(url, json={"decision": "hold", "expected_version": 0}, headers=org.h), 409,
                       "This decision was updated by someone else. Reload to see the latest before saving again.")
    assert_json_detail(server.patch(url, json={"decision": "maybe"}, headers=org.h), 400,
                       "decision must be one of advance, hold, reject")
    assert_json_detail(server.patch(url, json={"confidence": "sure"}, headers=org.h), 400,
                       "confidence must be one of high, low, medium")
    assert_json_detail(server.patch(url, json={"expected_version": "one"}, headers=org.h), 400,
                       "expected_version must be an integer")
    r = server.patch(url, json={"decision": "reject", "rationale": "Weak tests", "expected_version": 1},
                     headers=org.h)
    assert r.status_code == 200 and r.json()["version"] == 2
    md = r.json()["manual_decision"]
    assert md["status"] == "submitted" and md["submitted_at"] and [h["action"] for h in md["history"]] == \
        ["saved_draft", "submitted"]
    ev = events(server, org, app["id"])[0]
    assert ev["event_type"] == "manual_decision_recorded" and ev["reason"] == "Weak tests"
    assert ev["metadata"] == {"decision": "reject", "confidence": None, "version": 2}
    assert get(server, org, app["id"])["manual_decision"]["version"] == 2
    assert_json_detail(server.patch(url, params={"view_role_id": role["id"] + 1000}, json={}, headers=org.h), 404,
                       "Candidate does not belong to this role")


def test_notes_of_three_kinds(server, org, role):
    app = add(server, org, role["id"])
    url = f"{APPS}/{app['id']}/notes"
    r = server.post(url, json={"note": "  Great pairing session  "}, headers=org.h)
    assert r.status_code == 200, r.text
    ev = r.json()
    assert list(ev) == EVENT_KEYS and ev["event_type"] == "recruiter_note" and ev["reason"] == "Great pairing session"
    assert ev["metadata"] == {"note": "Great pairing session", "actor_name": org.owner["full_name"],
                              "for_agent": True, "kind": "note", "acting_role_id": role["id"]}
    r = server.post(url, json={"note": "solid", "kind": "ranking", "ranking": 4, "for_agent": False}, headers=org.h)
    assert r.json()["reason"] == "Ranking: 4/5 — solid" and r.json()["metadata"]["ranking"] == 4
    r = server.post(url, json={"note": "x", "kind": "link", "link_url": "https://example.com/pr/1",
                               "link_label": "PR"}, headers=org.h)
    assert r.json()["reason"] == "Link: PR https://example.com/pr/1"
    assert_json_detail(server.post(url, json={"note": "   "}, headers=org.h), 400, "note is required")
    assert_json_detail(server.post(url, json={"note": "x", "kind": "link"}, headers=org.h), 400,
                       "link_url is required")
    other_role = new_role(server, org, "Unrelated")
    assert_json_detail(server.post(url, json={"note": "x", "role_id": other_role["id"]}, headers=org.h), 404,
                       "Candidate is not a member of this role")
    assert_json_detail(server.post(url, json={"note": "x", "role_id": 999999999}, headers=org.h), 404,
                       "Candidate is not a member of this role")
    for bad in ({"note": ""}, {"note": "x" * 5001}, {"note": "x", "ranking": 6}, {"note": "x", "kind": "memo"}):
        assert server.post(url, json=bad, headers=org.h).status_code == 422, bad
    evs = events(server, org, app["id"])
    assert [e["event_type"] for e in evs] == ["recruiter_note"] * 3 + ["pipeline_initialized"]
    assert [e["id"] for e in events(server, org, app["id"], limit=2, offset=1)] == [evs[1]["id"], evs[2]["id"]]
    assert_json_detail(server.get(f"{APPS}/{app['id']}/events", params={"role_id": other_role["id"]},
                                  headers=org.h), 404, "Application history is unavailable for this role")
    assert server.get(f"{APPS}/{app['id']}/events", params={"limit": 201}, headers=org.h).status_code == 422


# ---- lists ---------------------------------------------------------------------

def test_lists_filter_sort_and_count(server, org):
    r1 = new_role(server, org, "List Role One")
    r2 = new_role(server, org, "List Role Two")
    a = add(server, org, r1["id"], candidate_name="Alice Zephyr")
    b = add(server, org, r1["id"], candidate_name="Bob Yarrow", pipeline_stage="invited")
    c = add(server, org, r1["id"], candidate_name="Carol Xu", pipeline_stage="review", application_outcome="rejected")
    d = add(server, org, r2["id"], candidate_name="Dan Walker", pipeline_stage="review")
    # A4: the role's applications, newest first at equal scores
    r = server.get(f"{ROLES}/{r1['id']}/applications", params={"sort_by": "created_at", "sort_order": "asc"},
                   headers=org.h)
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()] == [a["id"], b["id"], c["id"]]
    r = server.get(f"{ROLES}/{r1['id']}/applications", params={"application_outcome": "rejected"}, headers=org.h)
    assert [x["id"] for x in r.json()] == [c["id"]]
    r = server.get(f"{ROLES}/{r1['id']}/applications", params={"pipeline_stage": "invited"}, headers=org.h)
    assert [x["id"] for x in r.json()] == [b["id"]]
    assert server.get(f"{ROLES}/{r1['id']}/applications", params={"limit": 2001},
                      headers=org.h).status_code == 422
    assert_json_detail(server.get(f"{ROLES}/999999999/applications", headers=org.h), 404, "Role not found")
    # A5: open by default, over the roles asked
    r = server.get(APPS, params={"role_ids": f"{r1['id']},{r2['id']}", "sort_by": "created_at",
                                 "sort_order": "asc"}, headers=org.h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["id"] for x in body["items"]] == [a["id"], b["id"], d["id"]]
    assert body["total"] == 3 and body["limit"] == 50 and body["offset"] == 0
    assert body["stage_counts"] == {"all": 3, "applied": 1, "invited": 1, "in_assessment": 0, "review": 1}
    r = server.get(APPS, params={"role_id": r1["id"], "application_outcome": "all"}, headers=org.h)
    assert r.json()["total"] == 3
    r = server.get(APPS, params={"role_ids": f"{r1['id']},{r2['id']}", "pipeline_stage": "review"}, headers=org.h)
    assert [x["id"] for x in r.json()["items"]] == [d["id"]]
    assert r.json()["stage_counts"]["all"] == 3  # counted before the stage filter
    r = server.get(APPS, params={"search": "yarrow"}, headers=org.h)
    assert [x["id"] for x in r.json()["items"]] == [b["id"]]
    r = server.get(APPS, params={"search": "list role two"}, headers=org.h)
    assert [x["id"] for x in r.json()["items"]] == [d["id"]]
    r = server.get(APPS, params={"role_id": r1["id"], "limit": 1, "offset": 1, "sort_by": "created_at",
                                 "sort_order": "asc", "include_stage_counts": "false"}, headers=org.h)
    assert [x["id"] for x in r.json()["items"]] == [b["id"]] and "stage_counts" not in r.json()
    r = server.get(APPS, params={"role_ids": "1,x"}, headers=org.h)
    assert_json_detail(r, 422, "Invalid role_ids value 'x'. Expected comma-separated integers.")
    assert_json_detail(server.get(APPS, params={"pipeline_stage": "advanced"}, headers=org.h), 422,
                       "Invalid pipeline_stage value 'advanced'")
    # P1: the open pipeline of one role
    r = server.get(f"{ROLES}/{r1['id']}/pipeline", params={"sort_by": "created_at", "sort_order": "asc"},
                   headers=org.h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role_id"] == r1["id"] and body["role_name"] == "List Role One" and body["stage"] == "all"
    assert [x["id"] for x in body["items"]] == [a["id"], b["id"]] and body["active_candidates_count"] == 2
    r = server.get(f"{ROLES}/{r1['id']}/pipeline", params={"stages": "invited,review"}, headers=org.h)
    assert [x["id"] for x in r.json()["items"]] == [b["id"]] and r.json()["stage"] == "invited,review"
    assert_json_detail(server.get(f"{ROLES}/{r1['id']}/pipeline", params={"stage": "hired"}, headers=org.h), 422,
                       "Invalid stage value 'hired'")
    # the role's own counters follow its applications
    role_now = server.get(f"{ROLES}/{r1['id']}", headers=org.h).json()
    assert role_now["applications_count"] == 3


# ---- tenants -----------------------------------------------------------------

def test_second_organisation_sees_nothing(server, org, other, role):
    app = add(server, org, role["id"], candidate_name="Secret Person")
    aid, rid = app["id"], role["id"]
    for method, path, body in [
            ("GET", f"{APPS}/{aid}", None),
            ("PATCH", f"{APPS}/{aid}", {"notes": "x"}),
            ("PATCH", f"{APPS}/{aid}/stage", {"pipeline_stage": "invited"}),
            ("PATCH", f"{APPS}/{aid}/outcome", {"application_outcome": "rejected"}),
            ("PATCH", f"{APPS}/{aid}/manual-decision", {"decision": "reject"}),
            ("GET", f"{APPS}/{aid}/events", None),
            ("POST", f"{APPS}/{aid}/notes", {"note": "x"})]:
        r = server.request(method, path, json=body, headers=other.h)
        assert_json_detail(r, 404, "Application not found")
        assert "Secret" not in r.text
    assert_json_detail(server.get(f"{ROLES}/{rid}/applications", headers=other.h), 404, "Role not found")
    assert_json_detail(server.get(f"{ROLES}/{rid}/pipeline", headers=other.h), 404, "Role not found")
    assert_json_detail(server.post(f"{ROLES}/{rid}/applications", json={"candidate_email": email()},
                                   headers=other.h), 403, "Forbidden")
    r = server.get(APPS, params={"role_id": rid, "application_outcome": "all"}, headers=other.h)
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0
    r = server.get(APPS, params={"search": "Secret"}, headers=other.h)
    assert r.json()["items"] == []
    # nothing changed
    after = get(server, org, aid)
    assert after["version"] == 1 and after["notes"] is None and after["manual_decision"] is None
    assert len(events(server, org, aid)) == 1


def test_deleted_person_hides_the_application(server, org, role):
    app = add(server, org, role["id"])
    acct.sql(server, "UPDATE candidates SET deleted_at = created_at WHERE id = %s", (app["candidate_id"],))
    assert_json_detail(server.get(f"{APPS}/{app['id']}", headers=org.h), 404, "Application not found")
    assert_json_detail(stage_patch(server, org, app["id"], "invited"), 404, "Application not found")
    r = server.get(f"{ROLES}/{role['id']}/applications", params={"limit": 2000}, headers=org.h)
    assert app["id"] not in [x["id"] for x in r.json()]


# ---- concurrency ---------------------------------------------------------------

def _race(server, org, app_id, bodies):
    results = [None] * len(bodies)
    gate = threading.Barrier(len(bodies))

    def run(i):
        gate.wait()
        results[i] = server.request("PATCH", f"{APPS}/{app_id}/stage", json=bodies[i], headers=org.h, timeout=60)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_moves_with_one_expected_version_let_exactly_one_win(server, org, role):
    app = add(server, org, role["id"])
    bodies = [{"pipeline_stage": "invited" if i % 2 else "advanced", "expected_version": 1} for i in range(8)]
    results = _race(server, org, app["id"], bodies)
    ok = [r for r in results if r.status_code == 200]
    assert len(ok) == 1, [(r.status_code, r.text) for r in results]
    resolved = {"code": "application_resolved", "message": "This candidate has already left Tali's active flow "
                "and cannot be advanced again."}
    for r in results:
        if r.status_code != 200:
            assert r.status_code == 409, r.text
            # A9 checks "resolved" before the version: after a winning move to advanced, that is the refusal
            if ok[0].json()["pipeline_stage"] == "advanced" and r.json()["detail"] == resolved:
                continue
            assert_json_detail(r, 409, "Version mismatch: expected=1, current=2")
    final = get(server, org, app["id"])
    assert final["version"] == 2 and final["pipeline_stage"] == ok[0].json()["pipeline_stage"]
    moves = [e for e in events(server, org, app["id"]) if e["event_type"] == "pipeline_stage_changed"]
    assert len(moves) == 1 and moves[0]["to_stage"] == final["pipeline_stage"]


def test_concurrent_moves_without_versions_stay_a_consistent_chain(server, org, role):
    app = add(server, org, role["id"])
    bodies = [{"pipeline_stage": ["invited", "advanced", "review"][i % 3]} for i in range(9)]
    results = _race(server, org, app["id"], bodies)
    for r in results:
        assert r.status_code in (200, 409), r.text
        if r.status_code == 409:
            detail = r.json()["detail"]
            assert isinstance(detail, dict) or detail.startswith("Recruiter transition"), detail
    final = get(server, org, app["id"])
    moves = [e for e in reversed(events(server, org, app["id"])) if e["event_type"] == "pipeline_stage_changed"]
    # every recorded move starts where the previous one ended, and the row agrees with the log
    stage = "applied"
    for m in moves:
        assert m["from_stage"] == stage and (m["from_stage"], m["to_stage"]) in RECRUITER_MOVES
        stage = m["to_stage"]
    assert final["pipeline_stage"] == stage and final["version"] == 1 + len(moves)
    # each applied move answered its own new version; no-ops answered the version they saw
    applied = sorted(r.json()["version"] for r in results if r.status_code == 200)
    assert set(range(2, 2 + len(moves))) <= set(applied) and max(applied, default=1) <= 1 + len(moves)


# ---- every list query uses an index (SQLite EXPLAIN) --------------------------

def test_list_queries_use_an_index(server_factory, backend):
    if backend.kind != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is read on SQLite; PostgreSQL plans depend on its statistics")
    srv = server_factory.start({"LOG_LEVEL": "debug"})
    o = Org(srv)
    role = new_role(srv, o, "Indexed Role")
    for i in range(3):
        add(srv, o, role["id"], candidate_name=f"Person {i}")
    calls = [(f"{ROLES}/{role['id']}/applications", {}),
             (f"{ROLES}/{role['id']}/applications", {"sort_by": "created_at", "application_outcome": "open"}),
             (f"{ROLES}/{role['id']}/applications", {"pipeline_stage": "applied", "sort_by": "taali_score"}),
             (APPS, {}), (APPS, {"role_id": role["id"]}), (APPS, {"role_ids": str(role["id"]), "sort_by":
                                                                  "pipeline_stage_updated_at"}),
             (APPS, {"pipeline_stages": "applied,review", "application_outcome": "all"}),
             (APPS, {"search": "person", "sort_by": "created_at"}),
             (f"{ROLES}/{role['id']}/pipeline", {}), (f"{ROLES}/{role['id']}/pipeline", {"stage": "applied"})]
    for path, params in calls:
        assert srv.get(path, params=params, headers=o.h).status_code == 200
    log = srv.stdout_text() + srv.stderr_text()
    sqls = [json_sql(line) for line in log.splitlines() if "list sql:" in line]
    assert len(sqls) >= len(calls), log[-2000:]
    db = srv.env["DATABASE_URL"][len("sqlite:///"):]
    con = sqlite3.connect(db)
    try:
        for sql in sqls:
            numbered = re.sub(r"\$(\d+)", r"?\1", sql)
            count = max([int(n) for n in re.findall(r"\?(\d+)", numbered)], default=0)
            plan = con.execute("EXPLAIN QUERY PLAN " + numbered, [None] * count).fetchall()
            details = [row[-1] for row in plan]
            for d in details:
                # a SCAN (even of an index) reads every row of the table; SEARCH uses the index prefix
                assert not re.match(r"SCAN candidate_applications\b", d), f"full scan of applications: {d}\n{sql}"
    finally:
        con.close()


def json_sql(line):
    """The SQL text of a `list sql:` log line (JSON log or plain text)."""
    import json
    try:
        msg = json.loads(line).get("message", "")
    except ValueError:
        msg = line
    return msg.split("list sql:", 1)[1].strip()


# ---- deleting a person ------------------------------------------------------------

def test_deleting_a_person_deletes_their_applications_and_what_hangs_off_them(server, org, role):
    second = new_role(server, org, "Cascade Second Role")
    addr = email()
    a1 = add(server, org, role["id"], candidate_email=addr)
    a2 = add(server, org, second["id"], candidate_email=addr)
    keep = add(server, org, role["id"])
    assert server.post(f"{APPS}/{a1['id']}/notes", json={"note": "n"}, headers=org.h).status_code == 200
    link = server.post(f"{APPS}/{a2['id']}/share-links", json={"mode": "client", "expiry": "7d"}, headers=org.h)
    assert link.status_code == 200
    r = server.delete(f"/api/v1/candidates/{a1['candidate_id']}", headers=org.h)
    assert r.status_code == 204, r.text
    ids = (a1["id"], a2["id"])
    for table, col in (("candidate_applications", "id"), ("candidate_application_events", "application_id"),
                       ("share_links", "application_id")):
        rows = acct.sql(server, f"SELECT COUNT(*) FROM {table} WHERE {col} IN (%s, %s)", ids)
        assert int(rows[0][0]) == 0, table
    assert_json_detail(server.get(f"{APPS}/{a1['id']}", headers=org.h), 404, "Application not found")
    assert_json_detail(server.get(f"/share/{link.json()['token']}"), 404, "Share link not found")
    assert get(server, org, keep["id"])["version"] == 1
    # the second role's counters no longer count the person
    assert server.get(f"{ROLES}/{second['id']}", headers=org.h).json()["applications_count"] == 0
