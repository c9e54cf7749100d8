"""The kept routes in today's shape (spec v2/identity-and-kept-routes.md §2.8,
§2.10-§2.12) with the February shape still answered as §3 decides:
O1/O2 (D21, D22), T2-T6 and /tasks/drafts (D24-D26), N1 (D27), C1-C4 lead
fields; and a database the February schema made, filled, then migrated
(010) and read back."""

import datetime as dt
import glob
import json
import os
import subprocess
import uuid

import pytest

import test_auth as acct
from conftest import _live_servers, _make_server
from helpers import assert_json_detail
from test_analytics_billing import set_times
from test_assessments import create as create_assessment

ORG = "/api/v1/organizations/me"
TASKS = "/api/v1/tasks/"
B_ORG_KEYS = ["id", "name", "slug", "workable_connected", "workable_subdomain", "plan", "assessments_used",
              "assessments_limit", "created_at"]
# today's OrgResponse, in its order (v2 spec §2.8)
HEAD_ORG_KEYS = [
    "id", "name", "slug", "workable_connected", "workable_subdomain", "workable_config", "fireflies_config",
    "workable_last_sync_at", "workable_last_sync_status", "workable_last_sync_summary", "bullhorn_enabled",
    "bullhorn_connected", "bullhorn_last_sync_at", "bullhorn_last_sync_status", "sync_mode", "active_ats",
    "active_claude_model", "active_claude_scoring_model", "plan", "billing_provider", "credits_balance",
    "has_billing_account", "default_assessment_duration_minutes", "invite_email_template",
    "default_role_budget_cents", "default_score_threshold", "monthly_spend_cap_cents", "workable_mode",
    "workspace_settings", "scoring_policy", "ai_tooling_config", "notification_preferences",
    "allowed_email_domains", "sso_enforced", "saml_enabled", "saml_metadata_url", "two_factor_required",
    "created_at"]
WORKABLE_DEFAULTS = {
    "workflow_mode": "manual", "workable_writeback": False, "sync_model": "scheduled_pull_only",
    "sync_scope": "open_jobs_active_candidates", "granted_scopes": [], "score_precedence": "workable_first",
    "default_sync_mode": "full", "sync_interval_minutes": 15, "invite_stage_name": "", "interview_stage_name": "",
    "auto_reject_enabled": False, "workable_actor_member_id": None, "workable_disqualify_reason_id": None,
    "auto_reject_note_template": None}
AI_DEFAULTS = {"claude_enabled": True, "cursor_inline_enabled": False, "no_ai_baseline_enabled": True,
               "claude_credit_per_candidate_usd": 12.0, "session_timeout_minutes": 60, "agent_defaults": None}
B_TASK_KEYS = ["id", "name", "description", "task_type", "difficulty", "duration_minutes", "starter_code",
               "test_code", "is_template", "is_active", "created_at", "calibration_prompt", "score_weights",
               "recruiter_weight_preset", "proctoring_enabled"]
V2_TASK_KEYS = ["claude_budget_limit_usd", "task_key", "role", "scenario", "repo_structure", "evaluation_rubric",
                "extra_data", "main_repo_path", "template_repo_url", "repo_file_count"]
AUTHORING_OFF = "Task authoring via API is disabled. Tasks are backend-managed only."
ACCESS = "Only a workspace owner can change access settings"


def owner(server):
    user, token, _ = acct.new_account(server)
    return user, acct.auth(token)


def member_of(server, org_id):
    """A second user of org_id with the member role."""
    user, token, _ = acct.new_account(server)
    acct.sql(server, "UPDATE users SET organization_id = %s, role = 'member' WHERE id = %s", (org_id, user["id"]))
    return user, acct.auth(token)


def stored(server, table, column, row_id):
    raw = acct.sql(server, f"SELECT {column} FROM {table} WHERE id = %s", (row_id,))[0][0]
    return json.loads(raw) if isinstance(raw, str) else raw


# ---- O1 ---------------------------------------------------------------------

def test_org_superset_in_today_order(server):
    user, h = owner(server)
    o = server.get(ORG, headers=h).json()
    # today's 38 keys in today's order, with February's two kept after plan (D21)
    assert list(o) == HEAD_ORG_KEYS[:19] + ["assessments_used", "assessments_limit"] + HEAD_ORG_KEYS[19:]
    assert [k for k in o if k in B_ORG_KEYS] == B_ORG_KEYS
    assert o["assessments_used"] == 0 and o["assessments_limit"] is None
    assert o["workable_config"] == WORKABLE_DEFAULTS
    assert o["fireflies_config"] == {"connected": False, "has_api_key": False, "webhook_secret_configured": False,
                                     "owner_email": None, "invite_email": None, "single_account_mode": True}
    assert o["workspace_settings"] == {"candidate_facing_brand": None, "primary_domain": None,
                                       "locale": "English (US)"}
    assert o["scoring_policy"] == {"prompt_quality": True, "error_recovery": True, "independence": True,
                                   "context_utilization": True, "design_thinking": True,
                                   "time_to_first_signal": False}
    assert o["ai_tooling_config"] == AI_DEFAULTS
    assert isinstance(o["ai_tooling_config"]["claude_credit_per_candidate_usd"], float)
    assert o["notification_preferences"] == {k: True for k in (
        "candidate_updates", "daily_digest", "panel_reminders", "sync_failures", "spend_over_budget",
        "agent_paused")}
    assert (o["sync_mode"], o["active_ats"], o["workable_mode"], o["billing_provider"]) == (
        "standalone", "standalone", "read_only", "stripe")
    assert o["bullhorn_enabled"] is False and o["bullhorn_connected"] is False
    assert o["credits_balance"] == 0 and o["has_billing_account"] is False
    assert o["default_assessment_duration_minutes"] == 30
    assert o["allowed_email_domains"] == [] and o["sso_enforced"] is False and o["saml_metadata_url"] is None
    assert isinstance(o["active_claude_model"], str) and o["active_claude_model"]
    assert o["active_claude_model"] == o["active_claude_scoring_model"]
    acct.sql(server, "UPDATE organizations SET stripe_customer_id = 'cus_x' WHERE id = %s",
             (user["organization_id"],))
    assert server.get(ORG, headers=h).json()["has_billing_account"] is True


# ---- O2 ---------------------------------------------------------------------

def test_patch_typed_objects_merge(server):
    user, h = owner(server)
    r = server.patch(ORG, json={
        "workspace_settings": {"candidate_facing_brand": "Acme", "locale": "de"},
        "scoring_policy": {"time_to_first_signal": "yes", "independence": None},
        "ai_tooling_config": {"session_timeout_minutes": 90, "claude_credit_per_candidate_usd": 5,
                              "agent_defaults": {"budget_cents": 700, "autonomy": {"passive_outbound": True}}},
        "notification_preferences": {"daily_digest": False},
        "default_assessment_duration_minutes": 45, "invite_email_template": "  Hello {name}  ",
        "default_role_budget_cents": 0, "default_score_threshold": 70, "monthly_spend_cap_cents": 5000},
        headers=h)
    assert r.status_code == 200, r.text
    o = r.json()
    assert o["workspace_settings"] == {"candidate_facing_brand": "Acme", "primary_domain": None, "locale": "de"}
    assert o["scoring_policy"]["time_to_first_signal"] is True and o["scoring_policy"]["independence"] is True
    ai = o["ai_tooling_config"]
    assert ai["session_timeout_minutes"] == 90 and ai["claude_credit_per_candidate_usd"] == 5.0
    assert ai["agent_defaults"]["budget_cents"] == 700 and ai["agent_defaults"]["enabled"] is True
    assert ai["agent_defaults"]["autonomy"] == {"auto_invite_above": False, "auto_reject_below": True,
                                                "auto_advance_high_score": False, "passive_outbound": True}
    assert ai["agent_defaults"]["threshold_mode"] is None
    assert o["notification_preferences"]["daily_digest"] is False
    assert o["notification_preferences"]["candidate_updates"] is True
    assert o["default_assessment_duration_minutes"] == 45 and o["invite_email_template"] == "Hello {name}"
    assert (o["default_role_budget_cents"], o["default_score_threshold"], o["monthly_spend_cap_cents"]) == (
        0, 70, 5000)
    # a second patch merges into the first: nothing given before is lost
    r = server.patch(ORG, json={"workspace_settings": {"primary_domain": "acme.io"},
                                "ai_tooling_config": {"agent_defaults": {"pause_threshold_pct": 50}},
                                "invite_email_template": "   ", "monthly_spend_cap_cents": None,
                                "default_score_threshold": None}, headers=h)
    o = r.json()
    assert o["workspace_settings"] == {"candidate_facing_brand": "Acme", "primary_domain": "acme.io",
                                       "locale": "de"}
    assert o["ai_tooling_config"]["agent_defaults"]["budget_cents"] == 700
    assert o["ai_tooling_config"]["agent_defaults"]["pause_threshold_pct"] == 50
    assert o["ai_tooling_config"]["session_timeout_minutes"] == 90
    assert o["invite_email_template"] is None               # blank clears
    assert o["monthly_spend_cap_cents"] is None             # an explicit null clears the cap
    assert o["default_score_threshold"] == 70               # a null elsewhere changes nothing
    assert server.get(ORG, headers=h).json() == o


def test_patch_workable_config_keeps_unknown_keys(server):
    """D22: today's typed keys are merged into the stored dict; the February
    webhook's keys survive, and granted_scopes stays the connection's."""
    user, h = owner(server)
    org_id = user["organization_id"]
    r = server.patch(ORG, json={"workable_config": {"auto_send_on_stage": True, "auto_send_stage": "Phone"}},
                     headers=h)
    assert r.status_code == 200 and r.json()["workable_config"] == WORKABLE_DEFAULTS
    r = server.patch(ORG, json={"workable_config": {"invite_stage_name": "Assessment", "workflow_mode":
                                                    "workable_hybrid", "granted_scopes": ["w_candidates"],
                                                    "sync_interval_minutes": 30}}, headers=h)
    assert r.status_code == 200, r.text
    wc = r.json()["workable_config"]
    assert wc["invite_stage_name"] == "Assessment" and wc["workflow_mode"] == "workable_hybrid"
    assert wc["sync_interval_minutes"] == 30 and wc["granted_scopes"] == []
    assert stored(server, "organizations", "workable_config", org_id) == {
        "auto_send_on_stage": True, "auto_send_stage": "Phone", "invite_stage_name": "Assessment",
        "workflow_mode": "workable_hybrid", "sync_interval_minutes": 30}
    # the write-back a connection granted shows as two-way
    acct.sql(server, "UPDATE organizations SET workable_connected = TRUE, workable_config = %s WHERE id = %s",
             (json.dumps({"granted_scopes": ["r_jobs", "r_candidates", "w_candidates"]}), org_id))
    o = server.get(ORG, headers=h).json()
    assert o["workable_config"]["workable_writeback"] is True and o["workable_mode"] == "two_way"


def test_patch_fireflies(server):
    user, h = owner(server)
    org_id = user["organization_id"]
    r = server.patch(ORG, json={"fireflies_config": {"api_key": " ff-secret ", "webhook_secret": "whs",
                                                     "owner_email": " Owner@Example.COM ",
                                                     "single_account_mode": False}}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["fireflies_config"] == {"connected": True, "has_api_key": True,
                                            "webhook_secret_configured": True, "owner_email": "owner@example.com",
                                            "invite_email": None, "single_account_mode": False}
    enc = acct.sql(server, "SELECT fireflies_api_key_encrypted FROM organizations WHERE id = %s", (org_id,))[0][0]
    assert enc.startswith("gAAAAA") and "ff-secret" not in enc  # a Fernet token, never the key
    r = server.patch(ORG, json={"fireflies_config": {"api_key": None, "owner_email": ""}}, headers=h)
    ff = r.json()["fireflies_config"]
    assert ff["has_api_key"] is False and ff["owner_email"] is None and ff["webhook_secret_configured"] is True
    for key, text in (("owner_email", "Invalid fireflies owner email"),
                      ("invite_email", "Invalid fireflies invite email")):
        assert_json_detail(server.patch(ORG, json={"name": "Not saved", "fireflies_config": {key: "no-at-sign"}},
                                        headers=h), 422, text)
    assert server.get(ORG, headers=h).json()["name"] != "Not saved"


def test_access_settings_owner_only(server):
    user, h = owner(server)
    org_id = user["organization_id"]
    _, hm = member_of(server, org_id)
    for body in ({"allowed_email_domains": ["x.io"]}, {"sso_enforced": False}, {"saml_enabled": None},
                 {"saml_metadata_url": None}, {"two_factor_required": True},
                 {"name": "Renamed", "two_factor_required": False}):
        assert_json_detail(server.patch(ORG, json=body, headers=hm), 403, ACCESS)
    assert server.get(ORG, headers=h).json()["name"] != "Renamed"
    # a member may change everything else
    r = server.patch(ORG, json={"name": "Member rename", "scoring_policy": {"prompt_quality": False}}, headers=hm)
    assert r.status_code == 200 and r.json()["name"] == "Member rename"
    r = server.patch(ORG, json={"allowed_email_domains": [" @Acme.COM", "bob@sub.acme.com", "acme.com", ".x.org.",
                                                         "   "], "two_factor_required": True}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["allowed_email_domains"] == ["acme.com", "sub.acme.com", "x.org"]
    assert r.json()["two_factor_required"] is True


def test_saml_rule(server):
    user, h = owner(server)
    assert_json_detail(server.patch(ORG, json={"saml_enabled": True}, headers=h), 400,
                       "saml_metadata_url is required when saml_enabled is true")
    assert_json_detail(server.patch(ORG, json={"saml_enabled": True, "saml_metadata_url": "  "}, headers=h), 400,
                       "saml_metadata_url is required when saml_enabled is true")
    assert server.get(ORG, headers=h).json()["saml_enabled"] is False
    r = server.patch(ORG, json={"saml_enabled": True, "saml_metadata_url": " https://idp.test/meta "}, headers=h)
    assert r.status_code == 200 and r.json()["saml_metadata_url"] == "https://idp.test/meta"
    assert_json_detail(server.patch(ORG, json={"saml_metadata_url": ""}, headers=h), 400,
                       "saml_metadata_url is required when saml_enabled is true")


@pytest.mark.parametrize("body,loc,kind", [
    ({"default_assessment_duration_minutes": 14}, ["body", "default_assessment_duration_minutes"],
     "greater_than_equal"),
    ({"default_assessment_duration_minutes": 181}, ["body", "default_assessment_duration_minutes"],
     "less_than_equal"),
    ({"invite_email_template": "x" * 10001}, ["body", "invite_email_template"], "string_too_long"),
    ({"default_role_budget_cents": 10_000_001}, ["body", "default_role_budget_cents"], "less_than_equal"),
    ({"default_role_budget_cents": -1}, ["body", "default_role_budget_cents"], "greater_than_equal"),
    ({"default_score_threshold": 101}, ["body", "default_score_threshold"], "less_than_equal"),
    ({"monthly_spend_cap_cents": 100_000_001}, ["body", "monthly_spend_cap_cents"], "less_than_equal"),
    ({"allowed_email_domains": "acme.com"}, ["body", "allowed_email_domains"], "list_type"),
    ({"workable_config": {"sync_interval_minutes": 4}}, ["body", "workable_config", "sync_interval_minutes"],
     "greater_than_equal"),
    ({"workable_config": {"workflow_mode": "auto"}}, ["body", "workable_config", "workflow_mode"],
     "literal_error"),
    ({"workable_config": {"auto_reject_note_template": "x" * 257}},
     ["body", "workable_config", "auto_reject_note_template"], "string_too_long"),
    ({"workspace_settings": {"locale": "x"}}, ["body", "workspace_settings", "locale"], "string_too_short"),
    ({"scoring_policy": {"independence": "maybe"}}, ["body", "scoring_policy", "independence"], "bool_parsing"),
    ({"ai_tooling_config": {"session_timeout_minutes": 241}}, ["body", "ai_tooling_config",
                                                               "session_timeout_minutes"], "less_than_equal"),
    ({"ai_tooling_config": {"claude_credit_per_candidate_usd": 1000.5}},
     ["body", "ai_tooling_config", "claude_credit_per_candidate_usd"], "less_than_equal"),
    ({"ai_tooling_config": {"agent_defaults": {"pause_threshold_pct": 101}}},
     ["body", "ai_tooling_config", "agent_defaults", "pause_threshold_pct"], "less_than_equal"),
    ({"ai_tooling_config": {"agent_defaults": {"threshold_mode": "sometimes"}}},
     ["body", "ai_tooling_config", "agent_defaults", "threshold_mode"], "literal_error"),
    ({"fireflies_config": {"owner_email": "x" * 256}}, ["body", "fireflies_config", "owner_email"],
     "string_too_long"),
    ({"notification_preferences": []}, ["body", "notification_preferences"], "dict_type"),
])
def test_patch_validation(server, body, loc, kind):
    _, h = owner(server)
    before = server.get(ORG, headers=h).json()
    r = server.patch(ORG, json=body, headers=h)
    assert r.status_code == 422, r.text
    d = r.json()["detail"]
    assert [e["loc"] for e in d] == [loc] and d[0]["type"] == kind, d
    assert server.get(ORG, headers=h).json() == before


def test_patch_literal_message(server):
    _, h = owner(server)
    d = server.patch(ORG, json={"workable_config": {"default_sync_mode": "x"}}, headers=h).json()["detail"][0]
    assert d["msg"] == "Input should be 'metadata' or 'full'" and d["ctx"] == {"expected": "'metadata' or 'full'"}


# ---- T2-T6 ------------------------------------------------------------------

def task_body(**over):
    b = {"name": "Cache fix", "description": "Fix the cache layer", "task_type": "debugging",
         "difficulty": "mid", "starter_code": "def f():\n    pass\n", "test_code": "def test_f():\n    assert True\n"}
    b.update(over)
    return b


def test_task_create_today_fields(server):
    _, h = owner(server)
    r = server.post(TASKS, json=task_body(
        claude_budget_limit_usd=2.5, task_id="ai_eng_cache", role="ai_engineer", scenario="  A slow API  ",
        evaluation_rubric={"correctness": {"weight": 1}}, extra_data={"seed": 1},
        expected_insights=["ttl"], valid_solutions=["lru"], expected_approaches={"a": 1}), headers=h)
    assert r.status_code == 201, r.text
    t = r.json()
    assert list(t) == B_TASK_KEYS + V2_TASK_KEYS
    assert t["claude_budget_limit_usd"] == 2.5 and t["task_key"] == "ai_eng_cache" and t["role"] == "ai_engineer"
    assert t["evaluation_rubric"] == {"correctness": {"weight": 1}}
    assert t["extra_data"] == {"seed": 1, "expected_insights": ["ttl"], "valid_solutions": ["lru"],
                               "expected_approaches": {"a": 1}}
    assert t["main_repo_path"] is None and t["template_repo_url"] is None
    readme = ("# Cache fix\n\nA slow API\n\n## Files\n- `src/task.py`: starter implementation for candidates\n"
              "- `tests/test_task.py`: pytest suite used for evaluation\n")
    assert t["repo_structure"] == {"name": "cache-fix", "files": {
        "README.md": readme, "src/task.py": "def f():\n    pass\n",
        "tests/test_task.py": "def test_f():\n    assert True\n"}}
    assert t["repo_file_count"] == 3
    assert server.get(f"{TASKS}{t['id']}", headers=h).json() == t
    # task_key wins over its alias; a given repo_structure is kept (files as a list count by path)
    rs = {"name": "mine", "files": [{"path": "a.py", "content": "x"}, {"name": "b.py"}, {"path": "a.py"}, {}]}
    t2 = server.post(TASKS, json=task_body(task_key="k1", task_id="k2", repo_structure=rs, name="Ünïcode Task!"),
                     headers=h).json()
    assert t2["task_key"] == "k1" and t2["repo_structure"] == rs and t2["repo_file_count"] == 2
    t3 = server.post(TASKS, json=task_body(name="Ünïcode Task!", repo_structure={}), headers=h).json()
    assert t3["repo_structure"]["name"] == "n-code-task"  # the original's slug keeps ASCII only


def test_task_validation(server):
    _, h = owner(server)
    for value, kind in ((0, "greater_than"), (1000.01, "less_than_equal"), ("x", "float_parsing")):
        d = acct.assert_422(server.post(TASKS, json=task_body(claude_budget_limit_usd=value), headers=h),
                            ("body", "claude_budget_limit_usd"))
        assert d[0]["type"] == kind
    d = acct.assert_422(server.post(TASKS, json=task_body(task_id=5), headers=h), ("body", "task_id"))
    assert d[0]["type"] == "string_type"
    acct.assert_422(server.post(TASKS, json=task_body(repo_structure=[1]), headers=h), ("body", "repo_structure"))
    acct.assert_422(server.post(TASKS, json=task_body(expected_insights=[1]), headers=h),
                    ("body", "expected_insights", 0))


def test_task_patch_today_fields(server):
    _, h = owner(server)
    t = server.post(TASKS, json=task_body(), headers=h).json()
    tid = t["id"]
    r = server.patch(f"{TASKS}{tid}", json={"task_id": "renamed", "claude_budget_limit_usd": 9,
                                            "valid_solutions": ["a"]}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["task_key"] == "renamed" and p["claude_budget_limit_usd"] == 9.0
    assert p["extra_data"] == {"valid_solutions": ["a"]}
    assert p["repo_structure"] == t["repo_structure"]  # neither code field named: kept
    p = server.patch(f"{TASKS}{tid}", json={"starter_code": "x = 2\n", "scenario": "New story"}, headers=h).json()
    assert p["repo_structure"]["files"]["src/task.py"] == "x = 2\n"
    assert "New story" in p["repo_structure"]["files"]["README.md"]
    assert p["repo_structure"]["files"]["tests/test_task.py"] == t["test_code"]
    p = server.patch(f"{TASKS}{tid}", json={"claude_budget_limit_usd": None, "task_key": None}, headers=h).json()
    assert p["claude_budget_limit_usd"] is None and p["task_key"] is None
    d = acct.assert_422(server.patch(f"{TASKS}{tid}", json={"claude_budget_limit_usd": -1}, headers=h),
                        ("body", "claude_budget_limit_usd"))
    assert d[0]["type"] == "greater_than"


def test_task_list_active_only_and_drafts(server):
    """D25: T3 lists active tasks only; GET /tasks/drafts (a literal, never
    taken for {task_id}) lists the owner's inactive generated drafts."""
    user, h = owner(server)
    org_id = user["organization_id"]
    active = server.post(TASKS, json=task_body(name="Active one"), headers=h).json()
    off = server.post(TASKS, json=task_body(name="Switched off"), headers=h).json()
    server.patch(f"{TASKS}{off['id']}", json={"is_active": False}, headers=h)
    ids = []
    for n, extra in enumerate(({"generated": True}, {"generated": False}, None, {"generated": "yes"})):
        rows = acct.sql(server, "INSERT INTO tasks (organization_id, name, description, task_type, difficulty, "
                                "duration_minutes, starter_code, test_code, is_template, is_active, extra_data) "
                                "VALUES (%s, %s, 'd', 'build', 'mid', 30, 'x', 'y', FALSE, FALSE, %s) RETURNING id",
                        (org_id, f"Draft {n}", None if extra is None else json.dumps(extra)))
        ids.append(int(rows[0][0]))
    listed = [t["id"] for t in server.get(TASKS, headers=h).json()]
    assert active["id"] in listed and off["id"] not in listed and not set(ids) & set(listed)
    r = server.get(f"{TASKS}drafts", headers=h)
    assert r.status_code == 200, r.text
    drafts = r.json()
    assert [t["id"] for t in drafts] == [ids[3], ids[0]]  # generated ones, newest first
    assert list(drafts[0]) == B_TASK_KEYS + V2_TASK_KEYS and drafts[0]["is_active"] is False
    _, h2 = owner(server)
    assert server.get(f"{TASKS}drafts", headers=h2).json() == []
    assert server.get(f"{TASKS}drafts").status_code == 401
    # an inactive task is still readable by id
    assert server.get(f"{TASKS}{off['id']}", headers=h).json()["is_active"] is False


def test_task_authoring_switch(server, server_factory):
    """D24: authoring is on by default here; TASK_AUTHORING_API_ENABLED=false
    gives today's 501 on T2, T5 and T6 (after body validation), reads stay."""
    _, h = owner(server)
    assert server.post(TASKS, json=task_body(), headers=h).status_code == 201
    off = server_factory.start({"TASK_AUTHORING_API_ENABLED": "false"})
    _, ho = owner(off)
    assert_json_detail(off.post(TASKS, json=task_body(), headers=ho), 501, AUTHORING_OFF)
    assert off.post(TASKS, json={"name": "x"}, headers=ho).status_code == 422
    assert_json_detail(off.patch(f"{TASKS}1", json={"name": "abc"}, headers=ho), 501, AUTHORING_OFF)
    assert_json_detail(off.delete(f"{TASKS}1", headers=ho), 501, AUTHORING_OFF)
    assert off.get(TASKS, headers=ho).status_code == 200
    assert off.post(TASKS, json=task_body()).status_code == 401


# ---- N1 ---------------------------------------------------------------------

def test_analytics_today_keys_and_filters(server):
    from test_assessments import make_task, recruiter
    _, h = recruiter(server, f"v2-analytics-{uuid.uuid4().hex[:6]}")
    t1 = make_task(server, h)
    t2 = make_task(server, h)
    a = [create_assessment(server, h, t1["id"])["id"] for _ in range(3)] + [create_assessment(server, h,
                                                                                              t2["id"])["id"]]
    set_times(server, a[0], "COMPLETED", 100, 70, score=7.5)
    set_times(server, a[1], "COMPLETED", 100, 40, score=3.0, calibration=4.0)
    set_times(server, a[3], "COMPLETED", 60, 30, score=9.0)
    acct.sql(server, "UPDATE assessments SET score_breakdown = %s WHERE id = %s",
             (json.dumps({"category_scores": {"independence": 6.0, "cv_match": 8.0}}), a[0]))
    body = server.get("/api/v1/analytics/", headers=h).json()
    assert list(body) == ["weekly_completion", "total_assessments", "total_candidates", "total_tasks",
                          "completed_count", "timed_out_count", "completion_rate", "top_score", "avg_score",
                          "avg_time_minutes", "avg_calibration_score", "score_buckets", "dimension_averages"]
    assert body["total_assessments"] == 4 and body["total_tasks"] == 2 and body["total_candidates"] == 4
    assert body["completed_count"] == 3 and body["timed_out_count"] == 0
    assert body["avg_calibration_score"] == 4.0  # February's key kept (D27)
    assert body["score_buckets"] == [
        {"range": "0-20", "count": 0, "percentage": 0.0}, {"range": "20-40", "count": 1, "percentage": 33.3},
        {"range": "40-60", "count": 0, "percentage": 0.0}, {"range": "60-80", "count": 1, "percentage": 33.3},
        {"range": "80-100", "count": 1, "percentage": 33.3}]
    dims = body["dimension_averages"]
    assert len(dims) == 8 and dims["independence_efficiency"] == 6.0 and dims["role_fit"] == 8.0
    assert dims["task_completion"] is None
    f = server.get("/api/v1/analytics/", params={"task_id": t2["id"]}, headers=h).json()
    assert f["total_assessments"] == 1 and f["top_score"] == 9.0
    assert server.get("/api/v1/analytics/", params={"role_id": 1}, headers=h).json()["total_assessments"] == 0
    today = dt.datetime.now(dt.timezone.utc).date()
    tomorrow = today + dt.timedelta(days=1)
    assert server.get("/api/v1/analytics/", params={"date_from": str(today), "date_to": str(today)},
                      headers=h).json()["total_assessments"] == 4  # a bare date_to is the end of that day
    assert server.get("/api/v1/analytics/", params={"date_from": f"{tomorrow}T00:00:00Z"},
                      headers=h).json()["total_assessments"] == 0
    assert server.get("/api/v1/analytics/", params={"date_from": " "}, headers=h).json()["total_assessments"] == 4


def test_analytics_errors(server):
    _, h = owner(server)
    assert_json_detail(server.get("/api/v1/analytics/", params={"date_from": "last week"}, headers=h), 400,
                       "Invalid date format: last week")
    assert_json_detail(server.get("/api/v1/analytics/", params={"date_to": "2026-13-01"}, headers=h), 400,
                       "Invalid date format: 2026-13-01")
    assert_json_detail(server.get("/api/v1/analytics/", params={"date_from": "2026-03-02",
                                                                 "date_to": "2026-03-01"}, headers=h), 400,
                       "date_from must be before date_to")
    d = acct.assert_422(server.get("/api/v1/analytics/", params={"task_id": "x"}, headers=h), ("query", "task_id"))
    assert d[0]["type"] == "int_parsing"
    acct.assert_422(server.get("/api/v1/analytics/", params={"role_id": "1.5"}, headers=h), ("query", "role_id"))
    # without an organisation: the zero object with today's keys, filters unread
    _, token, _ = acct.new_account(server, org="")
    body = server.get("/api/v1/analytics/", params={"date_from": "bad"}, headers=acct.auth(token)).json()
    assert body["total_candidates"] == 0 and body["timed_out_count"] == 0 and len(body["score_buckets"]) == 5
    assert body["avg_calibration_score"] is None and body["dimension_averages"]["role_fit"] is None


# ---- C1-C4 ------------------------------------------------------------------

CAND = "/api/v1/candidates/"
LEAD = ["work_email", "company_name", "company_size", "lead_source", "marketing_consent"]


def test_candidate_lead_fields(server):
    _, h = owner(server)
    email = acct.unique_email()
    r = server.post(CAND, json={"email": email, "position": "Dev", "work_email": "Ada@Work.EXAMPLE",
                                "company_name": "Acme", "company_size": "11-50", "lead_source": "demo",
                                "marketing_consent": None}, headers=h)
    assert r.status_code == 201, r.text
    c = r.json()
    keys = list(c)
    assert keys[keys.index("position") + 1:keys.index("position") + 6] == LEAD
    assert (c["work_email"], c["company_name"], c["company_size"], c["lead_source"], c["marketing_consent"]) == (
        "Ada@work.example", "Acme", "11-50", "demo", True)
    cid = c["id"]
    for path in (f"{CAND}{cid}",):
        assert server.get(path, headers=h).json()["company_name"] == "Acme"
    listed = [i for i in server.get(CAND, headers=h).json()["items"] if i["id"] == cid][0]
    assert listed["lead_source"] == "demo" and listed["marketing_consent"] is True
    r = server.patch(f"{CAND}{cid}", json={"marketing_consent": False, "company_name": None}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["marketing_consent"] is False and p["company_name"] is None and p["lead_source"] == "demo"
    assert server.patch(f"{CAND}{cid}", json={"marketing_consent": None}, headers=h).json()["marketing_consent"]
    plain = server.post(CAND, json={"email": acct.unique_email()}, headers=h).json()
    assert [plain[k] for k in LEAD] == [None, None, None, None, True]


def test_candidate_lead_validation(server):
    _, h = owner(server)
    for body, loc, kind in (({"work_email": "nope"}, "work_email", "value_error"),
                            ({"company_name": "x" * 201}, "company_name", "string_too_long"),
                            ({"company_size": "x" * 101}, "company_size", "string_too_long"),
                            ({"lead_source": "x" * 101}, "lead_source", "string_too_long"),
                            ({"marketing_consent": "perhaps"}, "marketing_consent", "bool_parsing")):
        d = acct.assert_422(server.post(CAND, json={"email": acct.unique_email(), **body}, headers=h), ("body", loc))
        assert d[0]["type"] == kind
    cid = server.post(CAND, json={"email": acct.unique_email()}, headers=h).json()["id"]
    acct.assert_422(server.patch(f"{CAND}{cid}", json={"lead_source": "x" * 101}, headers=h),
                    ("body", "lead_source"))


# ---- a February database, migrated ----------------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def february_schema(url):
    """Applies migrations 001-008 (the February build's schema) to an empty
    database and records them as that build did."""
    kind = "sqlite" if url.startswith("sqlite") else "postgres"
    files = sorted(glob.glob(os.path.join(ROOT, "migrations", kind, "00[1-8]_*.sql")))
    assert len(files) == 8
    rows = [(int(os.path.basename(f)[:3]), os.path.basename(f)[4:-4]) for f in files]
    if kind == "sqlite":
        import sqlite3
        con = sqlite3.connect(url[len("sqlite:///"):])
        for f in files:
            con.executescript(open(f).read())
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'))")
        con.executemany("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", rows)
        con.commit()
        con.close()
        return
    script = "".join(open(f).read() + "\n" for f in files)
    script += ("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now());\n")
    script += "".join(f"INSERT INTO schema_migrations (version, name) VALUES ({v}, '{n}');\n" for v, n in rows)
    r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-1"], input=script, text=True,
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_february_database_migrated(backend, tmp_path_factory):
    root = str(tmp_path_factory.mktemp("v2-kept-feb"))
    srv = _make_server(backend, root, f"feb-{backend.kind}")
    february_schema(srv.env["DATABASE_URL"])
    email = acct.unique_email()
    ins = [
        ("INSERT INTO organizations (id, name, slug, workable_connected, workable_subdomain, workable_access_token, "
         "workable_config, stripe_customer_id, plan, assessments_used, assessments_limit) VALUES (7, 'Feb Org', "
         "'feb-org', TRUE, 'feb', 'tok', %s, 'cus_feb', 'pay_per_use', 3, 10)",
         (json.dumps({"auto_send_on_stage": True, "auto_send_stage": "Phone"}),)),
        ("INSERT INTO users (id, email, hashed_password, full_name, is_active, is_superuser, is_email_verified, "
         "organization_id) VALUES (5, %s, 'x', 'Feb User', TRUE, FALSE, TRUE, 7)", (email,)),
        ("INSERT INTO tasks (id, organization_id, name, description, task_type, difficulty, duration_minutes, "
         "starter_code, test_code, is_template, is_active) VALUES (11, 7, 'Feb task', 'd', 'build', 'mid', 30, "
         "'x = 1', 'def test(): pass', FALSE, TRUE), (12, 7, 'Feb off', 'd', 'build', 'mid', 30, 'x', 'y', "
         "FALSE, FALSE)", ()),
        ("INSERT INTO candidates (id, organization_id, email, full_name, position) VALUES "
         "(21, 7, 'cand@example.com', 'Cand', 'Dev')", ()),
        ("INSERT INTO assessments (id, organization_id, candidate_id, task_id, token, status, score, "
         "calibration_score, started_at, completed_at) VALUES (31, 7, 21, 11, 'tok-feb', 'COMPLETED', 8.0, 6.0, "
         "'2026-02-10 10:00:00', '2026-02-10 10:30:00')", ()),
    ]
    for stmt, params in ins:
        acct.sql(srv, stmt, params)
    if backend.kind == "postgres":
        for t in ("organizations", "users", "tasks", "candidates", "assessments"):
            acct.sql(srv, f"SELECT setval('{t}_id_seq', 100)")
    _live_servers.append(srv)
    try:
        srv.start()  # runs `tali migrate`: 009 and 010 on the February data
        applied = [int(v) for (v,) in acct.sql(srv, "SELECT version FROM schema_migrations ORDER BY version")]
        assert applied[:10] == list(range(1, 11))
        now = int(dt.datetime.now(dt.timezone.utc).timestamp())
        h = acct.auth(acct.make_jwt({"sub": email, "user_id": 5, "org_id": 7, "exp": now + 600, "iat": now - 5}))
        o = srv.get(ORG, headers=h).json()
        assert {k: o[k] for k in B_ORG_KEYS if k != "created_at"} == {
            "id": 7, "name": "Feb Org", "slug": "feb-org", "workable_connected": True, "workable_subdomain": "feb",
            "plan": "pay_per_use", "assessments_used": 3, "assessments_limit": 10}
        assert o["sync_mode"] == "workable_primary" and o["active_ats"] == "workable"
        assert o["has_billing_account"] is True and o["billing_provider"] == "stripe" and o["credits_balance"] == 0
        assert o["workable_config"] == WORKABLE_DEFAULTS and o["default_assessment_duration_minutes"] == 30
        assert o["fireflies_config"]["single_account_mode"] is True and o["ai_tooling_config"] == AI_DEFAULTS
        # the one February user became the owner (009) and may set access fields
        r = srv.patch(ORG, json={"two_factor_required": True, "workable_config": {"invite_stage_name": "Test"}},
                      headers=h)
        assert r.status_code == 200, r.text
        cfg = stored(srv, "organizations", "workable_config", 7)
        assert cfg["auto_send_on_stage"] is True and cfg["auto_send_stage"] == "Phone"
        assert cfg["invite_stage_name"] == "Test"
        tasks = srv.get(TASKS, headers=h).json()
        assert [t["id"] for t in tasks] == [11]
        assert all(tasks[0][k] is None for k in V2_TASK_KEYS[:7]) and tasks[0]["repo_file_count"] == 0
        assert srv.get(f"{TASKS}12", headers=h).json()["name"] == "Feb off"
        assert srv.get(f"{TASKS}drafts", headers=h).json() == []
        c = srv.get(f"{CAND}21", headers=h).json()
        assert (c["full_name"], c["position"]) == ("Cand", "Dev")
        assert [c[k] for k in LEAD] == [None, None, None, None, True]
        n = srv.get("/api/v1/analytics/", headers=h).json()
        assert n["completed_count"] == 1 and n["avg_calibration_score"] == 6.0 and n["total_tasks"] == 1
        assert n["score_buckets"][4]["count"] == 1
        assert srv.get("/api/v1/assessments/31", headers=h).status_code == 200
        # new rows still get ids after the February ones
        assert srv.post(TASKS, json=task_body(), headers=h).json()["id"] > 12
    finally:
        _live_servers.remove(srv)
        srv.stop_and_check()
