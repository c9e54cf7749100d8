"""Roles (jobs) of the hiring loop (spec v2/hiring-loop.md §1-§4): R1-R8,
R12, C1-C5, O1-O4, T1-T3, H1-H3, F1-F2 and E1, with the per-job
permission matrix of §1.2, the optimistic concurrency of §1.3 and the
change events of §4.4.  Run on SQLite and PostgreSQL (the fixtures)."""

import pytest

import test_auth as acct
from helpers import assert_json_detail
from test_v2_team import member_account

ROLES = "/api/v1/roles"
ORG_CRIT = "/api/v1/organizations/me/criteria"
CONFLICT_MESSAGE = ("This job changed after you opened it. Review the latest version before saving your "
                    "changes.")

ROLE_KEYS = [
    "id", "version", "organization_id", "name", "description", "criteria", "source", "role_kind",
    "ats_owner_role_id", "ats_owner_role_name", "related_source_role_id", "related_source_role_name",
    "role_family", "effective_workable_job_id", "sister_role_count", "ats_provider", "external_job_id",
    "external_job_state", "external_job_live", "workable_job_id", "job_status", "requisition", "client_id",
    "client_name", "workable_job_state", "workable_job_live", "is_published", "job_spec_filename",
    "job_spec_text", "job_spec_uploaded_at", "job_spec_manually_edited_at", "job_spec_present",
    "interview_focus", "interview_focus_generated_at", "screening_pack_template",
    "tech_interview_pack_template", "auto_reject_threshold_mode", "workable_actor_member_id",
    "starred_for_auto_sync", "agentic_mode_enabled", "agent_action_allowlist", "agent_token_budget_per_cycle",
    "agent_decision_budget_per_cycle", "auto_reject", "auto_reject_pre_screen", "auto_promote",
    "auto_send_assessment", "auto_resend_assessment", "auto_advance", "auto_skip_assessment",
    "agent_effective_policy", "monthly_usd_budget_cents", "score_threshold", "agent_paused_at",
    "agent_paused_reason", "agent_last_run_at", "agent_bootstrap_status", "agent_bootstrap_error",
    "agent_bootstrap_started_at", "agent_bootstrap_completed_at", "assessment_task_provisioning",
    "tasks_count", "applications_count", "stage_counts", "pending_decisions_by_type",
    "active_candidates_count", "last_candidate_activity_at", "created_at", "updated_at",
]
STAGE_KEYS = ["sourced", "applied", "scored", "invited", "completed", "advanced", "rejected", "in_assessment",
              "not_yet_decided", "invited_delivered", "invited_opened"]
CRITERION_KEYS = ["id", "source", "ordering", "weight", "must_have", "bucket", "org_criterion_id", "customized_at",
                  "text", "role_version"]


# ---- helpers --------------------------------------------------------------

class Org:
    """An organisation: its owner, a member (no team role) and tokens."""

    def __init__(self, server):
        self.owner, self.token, self.email = acct.new_account(server)
        self.h = acct.auth(self.token)
        self.server = server
        self._member = None

    @property
    def member(self):
        if self._member is None:
            m, token, _ = member_account(self.server, self.token)
            self._member = (m, acct.auth(token))
        return self._member


@pytest.fixture(scope="module")
def org(server):
    return Org(server)


@pytest.fixture(scope="module")
def other(server):
    return Org(server)


def create(server, h, name="Backend Engineer", expect=201, **extra):
    r = server.post(ROLES, json={"name": name, **extra}, headers=h)
    assert r.status_code == expect, r.text
    return r.json()


def get(server, h, role_id, **params):
    r = server.get(f"{ROLES}/{role_id}", params=params, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def events(server, h, role_id, **params):
    r = server.get(f"{ROLES}/{role_id}/change-events", params=params, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def assert_conflict(r, current_version, full):
    assert r.status_code == 409, r.text
    d = r.json()["detail"]
    assert d["code"] == "ROLE_VERSION_CONFLICT"
    assert d["message"] == CONFLICT_MESSAGE
    assert d["current_version"] == current_version
    if full:
        assert d["current_role"]["version"] == current_version
        assert list(d["current_role"].keys()) == ROLE_KEYS
    else:
        assert d["current_role"] is None and d["changed_by"] is None
    return d


def assert_422(r, *locs):
    assert r.status_code == 422, r.text
    got = [tuple(e["loc"]) for e in r.json()["detail"]]
    for loc in locs:
        assert loc in got, (loc, got)
    return r.json()["detail"]


# ---- R1 / R3 --------------------------------------------------------------

def test_create_role_shape_and_defaults(server, org):
    role = create(server, org.h, name="  Data Engineer  ", description="Builds pipelines")
    assert list(role.keys()) == ROLE_KEYS
    assert role["name"] == "Data Engineer"
    assert role["version"] == 1
    assert role["organization_id"] == org.owner["organization_id"]
    assert role["source"] == "manual" and role["role_kind"] == "standard"
    assert role["description"] == "Builds pipelines" and role["job_spec_present"] is True
    assert role["monthly_usd_budget_cents"] == 5000
    assert role["score_threshold"] is None and role["auto_reject_threshold_mode"] == "auto"
    assert role["auto_skip_assessment"] is True and role["agentic_mode_enabled"] is False
    assert role["agent_effective_policy"] == {} and role["pending_decisions_by_type"] == {}
    assert role["role_family"] == {"owner": {"id": role["id"], "name": "Data Engineer"}, "related": []}
    assert role["ats_provider"] is None and role["workable_job_live"] is True and role["is_published"] is False
    assert role["tasks_count"] == 0 and role["applications_count"] == 0 and role["stage_counts"] == {}
    assert role["created_at"].endswith("Z") and role["updated_at"] is None
    # the creator is the hiring manager; no change event on create
    team = acct.sql(server, "SELECT user_id, team_role FROM job_hiring_team WHERE role_id = %s", (role["id"],))
    assert [(int(u), t) for u, t in team] == [(org.owner["id"], "hiring_manager")]
    assert events(server, org.h, role["id"]) == []


def test_create_role_threshold_sets_manual_mode(server, org):
    role = create(server, org.h, score_threshold=70, monthly_usd_budget_cents=1234, workable_actor_member_id="")
    assert role["score_threshold"] == 70 and role["auto_reject_threshold_mode"] == "manual"
    assert role["monthly_usd_budget_cents"] == 1234 and role["workable_actor_member_id"] is None


def test_create_role_validation(server, org):
    r = server.post(ROLES, json={"name": "x", "additional_requirements": "y"}, headers=org.h)
    d = assert_422(r, ("body", "additional_requirements"))
    assert d[0]["type"] == "extra_forbidden" and d[0]["msg"] == "Extra inputs are not permitted"
    assert_422(server.post(ROLES, json={}, headers=org.h), ("body", "name"))
    assert_422(server.post(ROLES, json={"name": "   "}, headers=org.h), ("body", "name"))
    assert_422(server.post(ROLES, json={"name": "x" * 201}, headers=org.h), ("body", "name"))
    r = server.post(ROLES, json={"name": "x", "score_threshold": 101, "monthly_usd_budget_cents": 0}, headers=org.h)
    assert_422(r, ("body", "score_threshold"), ("body", "monthly_usd_budget_cents"))
    r = server.post(ROLES, json={"name": "x", "screening_pack_template": {"stage": "other", "questions": []}},
                    headers=org.h)
    assert_422(r, ("body", "screening_pack_template", "stage"))
    assert server.post(ROLES, json={"name": "x"}).status_code == 401


def test_get_role_detail_shell_and_isolation(server, org, other):
    role = create(server, org.h, description="Role text")
    got = get(server, org.h, role["id"])
    assert list(got.keys()) == ROLE_KEYS
    assert got["stage_counts"] == {k: 0 for k in STAGE_KEYS}
    assert got["description"] == "Role text"
    assert got["active_candidates_count"] == 0 and got["last_candidate_activity_at"] is None
    shell = get(server, org.h, role["id"], shell="true")
    assert shell["description"] is None and shell["criteria"] == [] and shell["tasks_count"] == 0
    # members see roles of their org; another organisation gets 404
    _, mh = org.member
    assert get(server, mh, role["id"])["id"] == role["id"]
    assert_json_detail(server.get(f"{ROLES}/{role['id']}", headers=other.h), 404, "Role not found")
    assert_json_detail(server.get(f"{ROLES}/999999", headers=org.h), 404, "Role not found")
    assert server.get(f"{ROLES}/abc", headers=org.h).status_code == 422
    assert server.get(f"{ROLES}/{role['id']}/", headers=org.h).status_code == 200


# ---- R4 / E1 --------------------------------------------------------------

def test_patch_bumps_writes_event_and_noop_does_not(server, org, other):
    role = create(server, org.h, name="Patch Me")
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 1, "name": "Patched",
                                                     "score_threshold": 55}, headers=org.h)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["name"] == "Patched" and r.json()["score_threshold"] == 55
    evs = events(server, org.h, role["id"])
    assert [(e["action"], e["from_version"], e["to_version"]) for e in evs] == [("role_updated", 1, 2)]
    assert evs[0]["changes"]["name"] == {"before": "Patch Me", "after": "Patched"}
    assert evs[0]["actor"]["user_id"] == org.owner["id"]
    # the same values again: no phantom version
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 2, "name": "Patched"}, headers=org.h)
    assert r.status_code == 200 and r.json()["version"] == 2
    assert len(events(server, org.h, role["id"])) == 1
    # stale version: 409 object with current_role and changed_by
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 1, "name": "Late"}, headers=org.h)
    d = assert_conflict(r, 2, full=True)
    assert d["changed_by"]["user_id"] == org.owner["id"]
    # validation, then tenant isolation (403 on job-permission routes)
    assert_422(server.patch(f"{ROLES}/{role['id']}", json={"name": "x"}, headers=org.h), ("body", "expected_version"))
    assert_422(server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 0}, headers=org.h),
               ("body", "expected_version"))
    d = assert_422(server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 2, "bogus": 1}, headers=org.h),
                   ("body", "bogus"))
    assert d[0]["type"] == "extra_forbidden"
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 2, "name": "x"}, headers=other.h)
    assert_json_detail(r, 403, "Forbidden")
    assert_json_detail(server.get(f"{ROLES}/{role['id']}/change-events", headers=other.h), 403, "Forbidden")


def test_member_without_team_role_is_forbidden(server, org):
    role = create(server, org.h, name="Team Gate")
    _, mh = org.member
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 1, "name": "No"}, headers=mh)
    assert_json_detail(r, 403, "Forbidden")
    # a recruiter on the hiring team may edit
    acct.sql(server, "INSERT INTO job_hiring_team (organization_id, role_id, user_id, team_role) "
             "VALUES (%s, %s, %s, 'recruiter')", (org.owner["organization_id"], role["id"], org.member[0]["id"]))
    r = server.patch(f"{ROLES}/{role['id']}", json={"expected_version": 1, "name": "Yes"}, headers=mh)
    assert r.status_code == 200 and r.json()["version"] == 2
    # but not delete (hiring_manager only)
    assert_json_detail(server.delete(f"{ROLES}/{role['id']}", params={"expected_version": 2}, headers=mh), 403,
                       "Forbidden")


def test_star_job_status_delete(server, org, other):
    role = create(server, org.h, name="Lifecycle")
    rid = role["id"]
    r = server.post(f"{ROLES}/{rid}/star", json={"expected_version": 1}, headers=org.h)
    assert r.status_code == 200 and r.json()["starred_for_auto_sync"] is True and r.json()["version"] == 2
    assert_conflict(server.delete(f"{ROLES}/{rid}/star", params={"expected_version": 1}, headers=org.h), 2, False)
    r = server.delete(f"{ROLES}/{rid}/star", params={"expected_version": 2}, headers=org.h)
    assert r.status_code == 200 and r.json()["starred_for_auto_sync"] is False and r.json()["version"] == 3
    r = server.post(f"{ROLES}/{rid}/job-status", json={"status": "open", "expected_version": 3}, headers=org.h)
    assert r.status_code == 200 and r.json()["job_status"] == "open" and r.json()["version"] == 4
    assert_422(server.post(f"{ROLES}/{rid}/job-status", json={"status": "closed", "expected_version": 4},
                           headers=org.h), ("body", "status"))
    evs = events(server, org.h, rid)
    assert [e["action"] for e in evs] == ["job_status_updated", "role_unstarred", "role_starred"]
    assert evs[0]["reason"] == "job status changed from None to open"
    assert [e["id"] for e in events(server, org.h, rid, before_id=evs[0]["id"])] == [evs[1]["id"], evs[2]["id"]]
    assert_json_detail(server.delete(f"{ROLES}/{rid}", params={"expected_version": 4}, headers=other.h), 403,
                       "Forbidden")
    assert_422(server.delete(f"{ROLES}/{rid}", headers=org.h), ("query", "expected_version"))
    assert server.delete(f"{ROLES}/{rid}", params={"expected_version": 4}, headers=org.h).status_code == 204
    assert_json_detail(server.get(f"{ROLES}/{rid}", headers=org.h), 404, "Role not found")
    # the owner still reads the history of the deleted role
    assert events(server, org.h, rid)[0]["action"] == "role_deleted"


def test_list_roles_sorts_and_limits(server):
    o = Org(server)
    for name in ["beta", "Alpha", "gamma"]:
        create(server, o.h, name=name)
    names = [r["name"] for r in server.get(ROLES, params={"sort_by": "name"}, headers=o.h).json()]
    assert names == ["Alpha", "beta", "gamma"]
    listed = server.get(ROLES, params={"limit": 2, "include_pipeline_stats": "true"}, headers=o.h).json()
    assert [r["name"] for r in listed] == ["gamma", "Alpha"]  # newest first
    assert listed[0]["stage_counts"] == {k: 0 for k in STAGE_KEYS} and listed[0]["description"] is None
    assert server.get(ROLES, headers=o.h).json()[0]["stage_counts"] == {}
    assert_422(server.get(ROLES, params={"sort_by": "size"}, headers=o.h), ("query", "sort_by"))
    assert_422(server.get(ROLES, params={"limit": 0}, headers=o.h), ("query", "limit"))
    assert Org(server) and server.get(ROLES, headers=Org(server).h).json() == []


# ---- O1-O4 / C1-C5 --------------------------------------------------------

def test_workspace_criteria_snapshot_and_role_chips(server, other):
    o = Org(server)
    r = server.post(ORG_CRIT, json={"text": " Python ", "bucket": "must"}, headers=o.h)
    assert r.status_code == 201, r.text
    oc = r.json()
    assert oc["text"] == "Python" and oc["ordering"] == 0 and oc["weight"] == 1.0
    assert server.post(ORG_CRIT, json={"text": "SQL"}, headers=o.h).json()["ordering"] == 1
    assert_422(server.post(ORG_CRIT, json={"text": "x", "bucket": "nice"}, headers=o.h), ("body", "bucket"))
    assert_json_detail(server.patch(f"{ORG_CRIT}/{oc['id']}", json={"text": "y"}, headers=other.h), 404,
                       "Criterion not found")
    role = create(server, o.h, name="Chips")
    assert [(c["text"], c["bucket"], c["org_criterion_id"] is not None) for c in role["criteria"]] == [
        ("Python", "must", True), ("SQL", "preferred", True)]
    rid = role["id"]
    r = server.post(f"{ROLES}/{rid}/criteria", json={"expected_version": 1, "text": "Go"}, headers=o.h)
    assert r.status_code == 201, r.text
    chip = r.json()
    assert list(chip.keys()) == CRITERION_KEYS and chip["role_version"] == 2 and chip["ordering"] == 2
    assert_conflict(server.post(f"{ROLES}/{rid}/criteria", json={"expected_version": 1, "text": "Go"},
                                headers=o.h), 2, False)
    # deleting a workspace copy suppresses it; sync does not bring it back, reset does
    first = role["criteria"][0]
    r = server.delete(f"{ROLES}/{rid}/criteria/{first['id']}", params={"expected_version": 2}, headers=o.h)
    assert r.status_code == 204, r.text
    r = server.post(f"{ROLES}/{rid}/criteria/sync", json={"expected_version": 3}, headers=o.h)
    assert r.status_code == 200 and [c["text"] for c in r.json()["criteria"]] == ["SQL", "Go"]
    r = server.post(f"{ROLES}/{rid}/criteria/reset", json={"expected_version": 4}, headers=o.h)
    assert r.status_code == 200 and [c["text"] for c in r.json()["criteria"]] == ["Python", "SQL"]
    assert [e["action"] for e in events(server, o.h, rid)][:1] == ["role_criteria_updated"]
    assert server.delete(f"{ORG_CRIT}/{oc['id']}", headers=o.h).status_code == 204
    assert [c["text"] for c in server.get(ORG_CRIT, headers=o.h).json()] == ["SQL"]
    assert_json_detail(server.post(f"{ROLES}/{rid}/criteria", json={"expected_version": 5, "text": "x"},
                                   headers=other.h), 403, "Forbidden")
