"""Assessments in the hiring loop (spec v2/hiring-loop.md §8.1, §8.4): the
role and application links of an attempt and the list filters that use
them, voided attempts hidden by default, the dashboard's stats counts and
the clipboard accommodation.  Roles and voiding are set up with SQL here
(the routes that create them are tested in their own files), so these tests
read only what the assessments routes answer."""

import datetime as dt

import test_auth as acct
from test_assessments import BASE, create, make_task, recruiter, start, upload_cv


def _org_of(server, headers):
    return server.get("/api/v1/users/me", headers=headers).json()["organization_id"]


def _role(server, org_id, name):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    acct.sql(server, "INSERT INTO roles (organization_id, name, source, created_at) VALUES (%s, %s, 'manual', %s)",
             (org_id, name, now))
    return int(acct.sql(server, "SELECT id FROM roles WHERE organization_id = %s AND name = %s", (org_id, name))[0][0])


def _tie(server, assessment_id, role_id):
    acct.sql(server, "UPDATE assessments SET role_id = %s WHERE id = %s", (role_id, assessment_id))


def _void(server, assessment_id):
    acct.sql(server, "UPDATE assessments SET is_voided = %s, void_reason = 'Superseded by retake' WHERE id = %s",
             (True, assessment_id))


def test_list_filters_by_role_and_hides_voided(server):
    _, h = recruiter(server, "hl-list")
    org = _org_of(server, h)
    task = make_task(server, h)
    backend_role = _role(server, org, "Backend Engineer")
    data_role = _role(server, org, "Data Engineer")
    a1 = create(server, h, task["id"])
    a2 = create(server, h, task["id"])
    a3 = create(server, h, task["id"])
    _tie(server, a1["id"], backend_role)
    _tie(server, a2["id"], backend_role)
    _tie(server, a3["id"], data_role)
    _void(server, a2["id"])

    r = server.get(BASE + "/", params={"role_id": backend_role}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["id"] for i in body["items"]] == [a1["id"]] and body["total"] == 1
    assert body["items"][0]["role_id"] == backend_role and body["items"][0]["role_name"] == "Backend Engineer"
    assert body["items"][0]["is_voided"] is False

    r = server.get(BASE + "/", params={"role_id": backend_role, "include_voided": "true"}, headers=h)
    items = r.json()["items"]
    assert sorted(i["id"] for i in items) == sorted([a1["id"], a2["id"]])
    voided = next(i for i in items if i["id"] == a2["id"])
    assert voided["is_voided"] is True and voided["void_reason"] == "Superseded by retake"

    # without a role filter the voided attempt is hidden too, the others show
    ids = [i["id"] for i in server.get(BASE + "/", headers=h).json()["items"]]
    assert a1["id"] in ids and a3["id"] in ids and a2["id"] not in ids

    one = server.get(f"{BASE}/{a3['id']}", headers=h).json()
    assert one["role_id"] == data_role and one["role_name"] == "Data Engineer" and one["application_id"] is None


def test_list_role_filter_of_another_organisation_sees_nothing(server):
    _, h = recruiter(server, "hl-iso-a")
    _, other = recruiter(server, "hl-iso-b")
    org = _org_of(server, h)
    task = make_task(server, h)
    role = _role(server, org, "Platform Engineer")
    a = create(server, h, task["id"])
    _tie(server, a["id"], role)
    r = server.get(BASE + "/", params={"role_id": role}, headers=other)
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0


def test_list_rejects_a_non_integer_role_id(server):
    _, h = recruiter(server, "hl-422")
    r = server.get(BASE + "/", params={"role_id": "abc"}, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "role_id"]


def test_stats_counts_the_organisations_live_attempts(server):
    _, h = recruiter(server, "hl-stats")
    _, other = recruiter(server, "hl-stats-other")
    task = make_task(server, h)
    pending = [create(server, h, task["id"]) for _ in range(3)]
    running = create(server, h, task["id"])
    upload_cv(server, running["token"])
    start(server, running["token"])
    # one pending attempt expires within three days, one is voided
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    acct.sql(server, "UPDATE assessments SET expires_at = %s WHERE id = %s", (soon, pending[0]["id"]))
    _void(server, pending[2]["id"])

    r = server.get(BASE + "/stats", headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"invited": 2, "in_progress": 1, "completed": 0, "expiring_soon": 1, "scoring": 0,
                        "bounced": 0}
    assert server.get(BASE + "/stats", headers=other).json() == {
        "invited": 0, "in_progress": 0, "completed": 0, "expiring_soon": 0, "scoring": 0, "bounced": 0}
    assert server.get(BASE + "/stats").status_code == 401


def test_clipboard_accommodation_before_the_start_only(server):
    _, h = recruiter(server, "hl-clip")
    _, other = recruiter(server, "hl-clip-other")
    task = make_task(server, h)
    a = create(server, h, task["id"])
    url = f"{BASE}/{a['id']}/clipboard-accommodation"

    r = server.patch(url, json={"allow_external_clipboard": True}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "allow_external_clipboard": True}
    assert server.get(f"{BASE}/{a['id']}", headers=h).json()["allow_external_clipboard"] is True

    assert server.patch(url, json={"allow_external_clipboard": False}, headers=other).status_code == 404
    r = server.patch(url, json={}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "allow_external_clipboard"]

    upload_cv(server, a["token"])
    start(server, a["token"])
    r = server.patch(url, json={"allow_external_clipboard": False}, headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == "Clipboard accommodation must be set before the assessment starts"
    assert server.get(f"{BASE}/{a['id']}", headers=h).json()["allow_external_clipboard"] is True

    b = create(server, h, task["id"])
    _void(server, b["id"])
    r = server.patch(f"{BASE}/{b['id']}/clipboard-accommodation", json={"allow_external_clipboard": True},
                     headers=h)
    assert r.status_code == 409


def test_analytics_counts_one_roles_assessments(server):
    _, h = recruiter(server, "hl-analytics")
    org = _org_of(server, h)
    task = make_task(server, h)
    role = _role(server, org, "SRE")
    tied = create(server, h, task["id"])
    create(server, h, task["id"])
    _tie(server, tied["id"], role)
    r = server.get("/api/v1/analytics/", params={"role_id": role}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["total_assessments"] == 1
    assert server.get("/api/v1/analytics/", headers=h).json()["total_assessments"] == 2
