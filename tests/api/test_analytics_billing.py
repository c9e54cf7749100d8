"""N1 GET /api/v1/analytics/ and B1 GET /api/v1/billing/usage: figures per
organisation, computed in SQL on both databases (domain-model §5,
api-contract N1/B1)."""

import datetime as dt

import test_auth as acct
from test_assessments import create, make_task, recruiter
from test_submit import submit
from test_assessments import started


def set_times(server, aid, status, started_ago_min, completed_ago_min, score=None, calibration=None):
    """Puts an assessment in a given state with times relative to now."""
    now = dt.datetime.now(dt.timezone.utc)

    def ts(minutes):
        if minutes is None:
            return None
        t = now - dt.timedelta(minutes=minutes)
        if server.env["DATABASE_URL"].startswith("sqlite"):
            return t.strftime("%Y-%m-%d %H:%M:%S.%f")
        return t.isoformat()
    acct.sql(server, "UPDATE assessments SET status = %s, started_at = %s, completed_at = %s, score = %s, "
                     "calibration_score = %s WHERE id = %s",
             (status, ts(started_ago_min), ts(completed_ago_min), score, calibration, aid))


def analytics(server, headers):
    r = server.get("/api/v1/analytics/", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_analytics_requires_auth(server):
    r = server.get("/api/v1/analytics/")
    assert r.status_code == 401 and r.json() == {"detail": "Not authenticated"}
    assert server.get("/api/v1/analytics").status_code == 401  # both slash spellings


def test_analytics_empty_organisation(server):
    _, h = recruiter(server, "analytics-empty")
    body = analytics(server, h)
    b_keys = ["weekly_completion", "total_assessments", "completed_count", "completion_rate",
              "top_score", "avg_score", "avg_time_minutes", "avg_calibration_score"]
    assert [k for k in body if k in b_keys] == b_keys  # D27: today's keys are added among them
    assert body["weekly_completion"] == [{"week": f"Week {i}", "rate": 0, "count": 0} for i in range(1, 6)]
    assert body["total_assessments"] == 0 and body["completed_count"] == 0
    assert body["completion_rate"] == 0 and isinstance(body["completion_rate"], int)
    assert body["top_score"] is None and body["avg_score"] is None
    assert body["avg_time_minutes"] is None and body["avg_calibration_score"] is None


def test_analytics_user_without_organisation(server):
    _, token, _ = acct.new_account(server, org="")
    body = analytics(server, acct.auth(token))
    february = {"weekly_completion": [], "total_assessments": 0, "completed_count": 0, "completion_rate": 0,
                "top_score": None, "avg_score": None, "avg_time_minutes": None, "avg_calibration_score": None}
    assert {k: body[k] for k in february} == february  # D27: a superset


def test_analytics_figures_and_weeks(server):
    _, h = recruiter(server, "analytics-figures")
    task = make_task(server, h)
    ids = [create(server, h, task["id"])["id"] for _ in range(8)]
    day = 24 * 60
    # this week: 3 started, 2 completed in the window (30 and 50 minutes taken)
    set_times(server, ids[0], "COMPLETED", 100, 70, score=7.5)
    set_times(server, ids[1], "COMPLETED", 200, 150, score=8.5, calibration=6.0)
    set_times(server, ids[2], "IN_PROGRESS", 300, None)
    # two weeks ago (window "Week 3"): 1 started and completed, 40 minutes
    set_times(server, ids[3], "COMPLETED", 15 * day, 15 * day - 40, score=5.0)
    # started in week 4, completed in week 5: counts in neither window's count
    set_times(server, ids[4], "COMPLETED", 7 * day + 10, 7 * day - 10, score=9.0)
    # ids[5..7] stay pending
    body = analytics(server, h)
    assert body["total_assessments"] == 8
    assert body["completed_count"] == 4
    assert body["completion_rate"] == 50.0 and isinstance(body["completion_rate"], float)
    assert body["top_score"] == 9.0
    assert body["avg_score"] == 7.5  # mean(7.5, 8.5, 5.0, 9.0)
    assert body["avg_time_minutes"] == 35  # mean(30, 50, 40, 20) = 35
    assert body["avg_calibration_score"] == 6.0
    weeks = body["weekly_completion"]
    assert [w["week"] for w in weeks] == ["Week 1", "Week 2", "Week 3", "Week 4", "Week 5"]
    assert weeks[4] == {"week": "Week 5", "rate": 67, "count": 2}   # 2/3 -> 66.7 -> 67
    assert weeks[2] == {"week": "Week 3", "rate": 100, "count": 1}
    assert weeks[3] == {"week": "Week 4", "rate": 0, "count": 0}     # started there, completed later
    assert weeks[0]["count"] == 0 and weeks[1]["count"] == 0


def test_analytics_is_per_organisation(server):
    _, ha = recruiter(server, "analytics-a")
    _, hb = recruiter(server, "analytics-b")
    task = make_task(server, ha)
    aid = create(server, ha, task["id"])["id"]
    set_times(server, aid, "COMPLETED", 60, 30, score=10.0)
    assert analytics(server, ha)["completed_count"] >= 1
    b = analytics(server, hb)
    assert b["total_assessments"] == 0 and b["top_score"] is None


def test_billing_usage_lists_completed_assessments(server):
    _, h = recruiter(server, "billing")
    task = make_task(server, h, name="Billing task")
    a1 = create(server, h, task["id"], candidate_name="Zoë Usage")
    a2 = create(server, h, task["id"], candidate_name="Nameless")
    email2 = server.get(f"/api/v1/assessments/{a2['id']}", headers=h).json()["candidate_email"]
    acct.sql(server, "UPDATE candidates SET full_name = NULL WHERE email = %s", (email2,))
    a3 = create(server, h, task["id"])
    set_times(server, a1["id"], "COMPLETED", 120, 60)
    set_times(server, a2["id"], "COMPLETED", 60, 30)
    r = server.get("/api/v1/billing/usage", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["usage", "total_cost"]
    assert [u["assessment_id"] for u in body["usage"]] == [a2["id"], a1["id"]]  # newest completion first
    assert body["total_cost"] == 50
    first, second = body["usage"]
    assert list(first) == ["date", "candidate", "task", "cost", "assessment_id"]
    assert first["cost"] == "£25" and first["task"] == "Billing task"
    assert second["candidate"] == "Zoë Usage"
    assert first["candidate"] == email2  # no name: the e-mail
    today = dt.datetime.now(dt.timezone.utc)
    assert second["date"] in {(today - dt.timedelta(hours=h_)).strftime("%b %d, %Y") for h_ in (0, 1, 2)}
    assert a3["id"] not in [u["assessment_id"] for u in body["usage"]]


def test_billing_usage_tenant_and_no_org(server):
    _, hb = recruiter(server, "billing-other")
    assert server.get("/api/v1/billing/usage", headers=hb).json() == {"usage": [], "total_cost": 0}
    _, token, _ = acct.new_account(server, org="")
    assert server.get("/api/v1/billing/usage", headers=acct.auth(token)).json() == {"usage": [], "total_cost": 0}
    assert server.get("/api/v1/billing/usage").status_code == 401


def test_submitted_assessment_counts_everywhere(server):
    _, h = recruiter(server, "analytics-submit")
    a, _ = started(server, h)
    submit(server, a)
    body = analytics(server, h)
    assert body["completed_count"] == 1 and body["weekly_completion"][4]["count"] == 1
    usage = server.get("/api/v1/billing/usage", headers=h).json()
    assert [u["assessment_id"] for u in usage["usage"]] == [a["id"]]
