"""Tasks: T1 generation (against the fake Anthropic API), T2 create, T3 list,
T4 get, T5 patch, T6 delete.

api-contract §1.2, §1.3, §1.9, §2.3, T1-T6; platform-integrations §4;
policy fixes 1 (JSON 500s), 3 (both trailing-slash spellings, including
/tasks/generate/) and 13 (datetimes with "Z").

Deliberate departures from the original, each tested below:
- PATCH with null for duration_minutes, is_active or proctoring_enabled is
  a 422 (the original stored the null and every later read of the task
  failed with a plain 500);
- a generated task whose values have the wrong types is a JSON 500 (the
  original's was plain text).
Templates have no API: the tests insert them with SQL."""

import json
import re
import uuid

import pytest

import test_auth as acct
from fakes.anthropic import FakeAnthropic
from helpers import assert_json_detail

TASK_KEYS = ["id", "name", "description", "task_type", "difficulty", "duration_minutes", "starter_code",
             "test_code", "is_template", "is_active", "created_at", "calibration_prompt", "score_weights",
             "recruiter_weight_preset", "proctoring_enabled"]
GEN_KEYS = ["name", "description", "task_type", "difficulty", "duration_minutes", "starter_code", "test_code"]
DT_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")

NOT_FOUND = "Task not found"
IN_USE = "Cannot delete task: it is used by one or more assessments"
NO_KEY = "Anthropic API key not configured"
API_ERROR = "Failed to generate task \u2014 Claude API error"
INVALID = "AI generated an invalid response \u2014 please try again"
INCOMPLETE = "AI response was incomplete \u2014 please try again"


def body(**over):
    b = {
        "name": "Fix the cache",
        "description": "The LRU cache evicts the wrong entries.",
        "task_type": "debugging",
        "difficulty": "mid",
        "duration_minutes": 45,
        "starter_code": "def get(k):\n    return None\n",
        "test_code": "def test_get():\n    assert True\n",
    }
    b.update(over)
    return {k: v for k, v in b.items() if v is not ...}


@pytest.fixture(scope="module")
def accounts():
    """Two recruiters of two organisations, per back end (keyed by server)."""
    return {}


def recruiter(server, accounts, which="a"):
    key = (server, which)  # the object, not id(): a dead server's id is reused by the next one
    if key not in accounts:
        user, token, _ = acct.new_account(server)
        accounts[key] = (user, acct.auth(token))
    return accounts[key]


def create(server, headers, **over):
    r = server.post("/api/v1/tasks/", json=body(**over), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def insert_template(server, org_id, name="Template task"):
    rows = acct.sql(server, "INSERT INTO tasks (organization_id, name, description, task_type, difficulty, "
                            "duration_minutes, starter_code, test_code, is_template, is_active) "
                            "VALUES (%s, %s, 'A template', 'build', 'junior', 30, 'x = 1', 'def test(): pass', "
                            "TRUE, TRUE) RETURNING id", (org_id, name))
    return int(rows[0][0])


def assert_task(t):
    # D26: today's ten fields follow February's fifteen (superset)
    assert list(t)[:len(TASK_KEYS)] == TASK_KEYS, list(t)
    assert isinstance(t["id"], int)
    assert isinstance(t["duration_minutes"], int)
    for k in ("is_template", "is_active", "proctoring_enabled"):
        assert isinstance(t[k], bool), k
    assert DT_Z.match(t["created_at"]), t["created_at"]


# ---- T2 create ------------------------------------------------------------

def test_create_returns_task(server, accounts):
    _, h = recruiter(server, accounts)
    r = server.post("/api/v1/tasks/", json=body(
        sample_data={"rows": [1, 2]}, dependencies=["pytest"], success_criteria={"tests": "all"},
        test_weights={"a": 1}, is_template=False, calibration_prompt="Say hi", score_weights={"clarity_score": 0.2},
        recruiter_weight_preset="balanced", proctoring_enabled=True, is_active=False, organization_id=999),
        headers=h)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json"
    t = r.json()
    assert_task(t)
    expected = body()
    for k in ("name", "description", "task_type", "difficulty", "duration_minutes", "starter_code", "test_code"):
        assert t[k] == expected[k], k
    assert t["is_template"] is False
    assert t["is_active"] is True  # is_active is not accepted on create
    assert t["calibration_prompt"] == "Say hi"
    assert t["score_weights"] == {"clarity_score": 0.2}
    assert t["recruiter_weight_preset"] == "balanced"
    assert t["proctoring_enabled"] is True
    # stored but never returned
    rows = acct.sql(server, "SELECT sample_data, dependencies, success_criteria, test_weights FROM tasks "
                            "WHERE id = %s", (t["id"],))
    assert [json.loads(v) for v in rows[0]] == [{"rows": [1, 2]}, ["pytest"], {"tests": "all"}, {"a": 1}]


def test_create_defaults_and_lax_types(server, accounts):
    _, h = recruiter(server, accounts)
    t = create(server, h, duration_minutes=..., name="  Unicode — naïve ✓ '; DROP TABLE tasks; --")
    assert t["duration_minutes"] == 30
    assert t["name"] == "  Unicode — naïve ✓ '; DROP TABLE tasks; --"
    assert t["calibration_prompt"] is None and t["score_weights"] is None
    assert t["recruiter_weight_preset"] is None and t["proctoring_enabled"] is False
    t = create(server, h, duration_minutes="60", is_template="yes", proctoring_enabled=1)
    assert t["duration_minutes"] == 60 and t["is_template"] is True and t["proctoring_enabled"] is True
    t = create(server, h, duration_minutes=15.0)
    assert t["duration_minutes"] == 15


def test_create_without_trailing_slash(server, accounts):
    _, h = recruiter(server, accounts)
    r = server.post("/api/v1/tasks", json=body(), headers=h)
    assert r.status_code == 201, r.text


def test_create_validation(server, accounts):
    _, h = recruiter(server, accounts)

    def bad(**over):
        r = server.post("/api/v1/tasks/", json=body(**over), headers=h)
        assert r.status_code == 422, r.text
        return r.json()["detail"]

    d = bad(name="ab")
    assert d == [{"type": "string_too_short", "loc": ["body", "name"], "msg": "String should have at least 3 characters",
                  "input": "ab", "ctx": {"min_length": 3}}]
    d = bad(name="x" * 201)
    assert d[0]["type"] == "string_too_long" and d[0]["ctx"] == {"max_length": 200}
    assert bad(description="ab")[0]["ctx"] == {"min_length": 3}
    assert bad(description="x" * 5001)[0]["ctx"] == {"max_length": 5000}
    assert bad(task_type="a")[0]["ctx"] == {"min_length": 2}
    assert bad(difficulty="x" * 101)[0]["ctx"] == {"max_length": 100}
    d = bad(duration_minutes=14)
    assert d[0]["type"] == "greater_than_equal" and d[0]["ctx"] == {"ge": 15}
    assert d[0]["msg"] == "Input should be greater than or equal to 15"
    d = bad(duration_minutes=181)
    assert d[0]["type"] == "less_than_equal" and d[0]["ctx"] == {"le": 180}
    assert bad(duration_minutes=3.5)[0]["type"] == "int_from_float"
    assert bad(duration_minutes="soon")[0]["type"] == "int_parsing"
    assert bad(starter_code="")[0]["ctx"] == {"min_length": 1}
    assert bad(test_code="x" * 100001)[0]["ctx"] == {"max_length": 100000}
    assert bad(name=5)[0]["type"] == "string_type"
    assert bad(sample_data=[1])[0]["type"] == "dict_type"
    d = bad(dependencies=["ok", 3])
    assert d[0]["type"] == "string_type" and d[0]["loc"] == ["body", "dependencies", 1]
    assert bad(dependencies="pytest")[0]["type"] == "list_type"
    assert bad(success_criteria="x")[0]["loc"] == ["body", "success_criteria"]
    assert bad(test_weights=1)[0]["loc"] == ["body", "test_weights"]
    assert bad(score_weights=[])[0]["type"] == "dict_type"
    assert bad(is_template="maybe")[0]["type"] == "bool_parsing"
    assert bad(proctoring_enabled=None)[0]["type"] == "bool_type"
    assert bad(calibration_prompt=1)[0]["loc"] == ["body", "calibration_prompt"]
    # every problem at once, in field order; missing fields carry the body
    r = server.post("/api/v1/tasks/", json={"name": "ab", "duration_minutes": 200}, headers=h)
    detail = acct.assert_422(r, ("body", "name"), ("body", "description"), ("body", "task_type"),
                             ("body", "difficulty"), ("body", "duration_minutes"), ("body", "starter_code"),
                             ("body", "test_code"))
    assert detail[1] == {"type": "missing", "loc": ["body", "description"], "msg": "Field required",
                         "input": {"name": "ab", "duration_minutes": 200}}
    acct.assert_422(server.post("/api/v1/tasks/", json=[1], headers=h), ("body",))
    acct.assert_422(server.post("/api/v1/tasks/", headers=h), ("body",))
    r = server.post("/api/v1/tasks/", data="{bad", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
    bad(name="a\u0000bc")  # a NUL cannot be stored: refused, never truncated


def test_auth_precedence(server):
    # no token: 401 even with an invalid body; a JSON syntax error first
    r = server.post("/api/v1/tasks/", json={"name": "x"})
    assert_json_detail(r, 401, "Not authenticated")
    assert r.headers.get("WWW-Authenticate") == "Bearer"
    r = server.post("/api/v1/tasks/", data="{bad", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    for method, path in (("GET", "/api/v1/tasks/"), ("GET", "/api/v1/tasks/1"), ("PATCH", "/api/v1/tasks/1"),
                         ("DELETE", "/api/v1/tasks/1"), ("POST", "/api/v1/tasks/generate"),
                         ("GET", "/api/v1/tasks/abc")):
        r = server.request(method, path, json={})
        assert_json_detail(r, 401, "Not authenticated")
    r = server.get("/api/v1/tasks/", headers=acct.auth("not-a-jwt"))
    assert_json_detail(r, 401, "Invalid or expired token")


# ---- T3 list, T4 get, tenancy ---------------------------------------------

def test_list_own_and_templates(server, accounts):
    ua, ha = recruiter(server, accounts, "list-a")
    ub, hb = recruiter(server, accounts, "list-b")
    a1 = create(server, ha, name="A one")
    b1 = create(server, hb, name="B one")
    a2 = create(server, ha, name="A two", is_active=False)
    tb = insert_template(server, ub["organization_id"], "B template")
    # D25 (a February contract change): the list holds active tasks only
    a3 = create(server, ha, name="A three")
    assert server.patch(f"/api/v1/tasks/{a3['id']}", json={"is_active": False}, headers=ha).status_code == 200
    ra = server.get("/api/v1/tasks/", headers=ha)
    assert ra.status_code == 200, ra.text
    items = ra.json()
    for t in items:
        assert_task(t)
    ids = [t["id"] for t in items]
    assert a1["id"] in ids and a2["id"] in ids and tb in ids
    assert b1["id"] not in ids and a3["id"] not in ids
    assert ids == sorted(ids)
    assert all(t["is_template"] or t["id"] in (a1["id"], a2["id"]) for t in items)
    assert server.get("/api/v1/tasks", headers=ha).json() == items
    ids_b = [t["id"] for t in server.get("/api/v1/tasks/", headers=hb).json()]
    assert b1["id"] in ids_b and tb in ids_b and a1["id"] not in ids_b


def test_get(server, accounts):
    ua, ha = recruiter(server, accounts, "get-a")
    ub, hb = recruiter(server, accounts, "get-b")
    t = create(server, ha)
    r = server.get(f"/api/v1/tasks/{t['id']}", headers=ha)
    assert r.status_code == 200 and r.json() == t
    assert_json_detail(server.get(f"/api/v1/tasks/{t['id']}", headers=hb), 404, NOT_FOUND)
    assert_json_detail(server.get("/api/v1/tasks/99999999", headers=ha), 404, NOT_FOUND)
    tmpl = insert_template(server, ub["organization_id"])
    r = server.get(f"/api/v1/tasks/{tmpl}", headers=ha)
    assert r.status_code == 200 and r.json()["is_template"] is True
    assert r.json()["score_weights"] is None
    r = server.get("/api/v1/tasks/abc", headers=ha)
    d = acct.assert_422(r, ("path", "task_id"))
    assert d[0]["type"] == "int_parsing" and d[0]["input"] == "abc"


def test_users_without_organisation_share_unowned_tasks(server, accounts):
    """gotcha 15: "own tasks" of a user without an organisation are the
    tasks with no organisation, shared by all such users."""
    u1, t1, _ = acct.new_account(server, org="")
    u2, t2, _ = acct.new_account(server, org="")
    assert u1["organization_id"] is None and u2["organization_id"] is None
    h1, h2 = acct.auth(t1), acct.auth(t2)
    _, h_org = recruiter(server, accounts, "with-org")
    t = create(server, h1, name="Unowned task")
    assert acct.count(server, "SELECT COUNT(*) FROM tasks WHERE id = %s AND organization_id IS NULL", (t["id"],)) == 1
    assert t["id"] in [x["id"] for x in server.get("/api/v1/tasks/", headers=h2).json()]
    assert server.get(f"/api/v1/tasks/{t['id']}", headers=h2).status_code == 200
    assert server.patch(f"/api/v1/tasks/{t['id']}", json={"difficulty": "staff"}, headers=h2).status_code == 200
    assert t["id"] not in [x["id"] for x in server.get("/api/v1/tasks/", headers=h_org).json()]
    assert_json_detail(server.get(f"/api/v1/tasks/{t['id']}", headers=h_org), 404, NOT_FOUND)
    assert_json_detail(server.delete(f"/api/v1/tasks/{t['id']}", headers=h_org), 404, NOT_FOUND)
    assert server.delete(f"/api/v1/tasks/{t['id']}", headers=h2).status_code == 204


# ---- T5 patch ---------------------------------------------------------------

def test_patch(server, accounts):
    _, h = recruiter(server, accounts)
    t = create(server, h, calibration_prompt="c")
    r = server.patch(f"/api/v1/tasks/{t['id']}", json={"name": "Renamed task", "duration_minutes": "90",
                                                       "is_active": False, "score_weights": {"x": 1},
                                                       "is_template": True, "description": None,
                                                       "calibration_prompt": None}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert_task(p)
    assert p["name"] == "Renamed task" and p["duration_minutes"] == 90 and p["is_active"] is False
    assert p["score_weights"] == {"x": 1}
    assert p["is_template"] is False  # not patchable
    assert p["description"] is None and p["calibration_prompt"] is None  # explicit null written through
    assert p["task_type"] == t["task_type"] and p["created_at"] == t["created_at"]
    assert server.get(f"/api/v1/tasks/{t['id']}", headers=h).json() == p
    # empty body changes nothing but still answers the task
    r = server.patch(f"/api/v1/tasks/{t['id']}", json={}, headers=h)
    assert r.status_code == 200 and r.json() == p
    assert acct.sql(server, "SELECT updated_at FROM tasks WHERE id = %s", (t["id"],))[0][0] is not None


def test_patch_errors(server, accounts):
    ua, ha = recruiter(server, accounts, "patch-a")
    ub, hb = recruiter(server, accounts, "patch-b")
    t = create(server, ha)
    url = f"/api/v1/tasks/{t['id']}"
    assert_json_detail(server.patch(url, json={"name": "Stolen"}, headers=hb), 404, NOT_FOUND)
    tmpl = insert_template(server, ub["organization_id"])
    assert_json_detail(server.patch(f"/api/v1/tasks/{tmpl}", json={"name": "Mine now"}, headers=ha), 404,
                       NOT_FOUND)
    assert_json_detail(server.patch("/api/v1/tasks/99999999", json={}, headers=ha), 404, NOT_FOUND)
    assert_json_detail(server.patch(url, json={"name": None}, headers=ha), 500, "Failed to update task")
    for field, typ in (("duration_minutes", "int_type"), ("is_active", "bool_type"),
                       ("proctoring_enabled", "bool_type")):
        d = acct.assert_422(server.patch(url, json={field: None}, headers=ha), ("body", field))
        assert d[0]["type"] == typ
    acct.assert_422(server.patch(url, json={"name": "ab", "duration_minutes": 10, "score_weights": 3}, headers=ha),
                    ("body", "name"), ("body", "duration_minutes"), ("body", "score_weights"))
    acct.assert_422(server.patch("/api/v1/tasks/x", json={"name": "ab"}, headers=ha),
                    ("path", "task_id"), ("body", "name"))
    acct.assert_422(server.patch("/api/v1/tasks/x", headers=ha), ("path", "task_id"), ("body",))
    # nothing of the refused patches was applied
    got = server.get(url, headers=ha).json()
    assert got == t


# ---- T6 delete --------------------------------------------------------------

def test_delete(server, accounts):
    ua, ha = recruiter(server, accounts, "del-a")
    ub, hb = recruiter(server, accounts, "del-b")
    t = create(server, ha)
    url = f"/api/v1/tasks/{t['id']}"
    assert_json_detail(server.delete(url, headers=hb), 404, NOT_FOUND)
    tmpl = insert_template(server, ub["organization_id"])
    assert_json_detail(server.delete(f"/api/v1/tasks/{tmpl}", headers=ha), 404, NOT_FOUND)
    r = server.delete(url, headers=ha)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers.get("Content-Type") == "application/json"
    assert_json_detail(server.get(url, headers=ha), 404, NOT_FOUND)
    assert_json_detail(server.delete(url, headers=ha), 404, NOT_FOUND)
    acct.assert_422(server.delete("/api/v1/tasks/1.5", headers=ha), ("path", "task_id"))
    # the template survived
    assert server.get(f"/api/v1/tasks/{tmpl}", headers=hb).status_code == 200


def test_delete_refused_while_an_assessment_uses_it(server, accounts):
    ua, h = recruiter(server, accounts, "del-used")
    t = create(server, h)
    acct.sql(server, "INSERT INTO assessments (organization_id, task_id, token) VALUES (%s, %s, %s)",
             (ua["organization_id"], t["id"], "tok-" + uuid.uuid4().hex))
    assert_json_detail(server.delete(f"/api/v1/tasks/{t['id']}", headers=h), 400, IN_USE)
    assert server.get(f"/api/v1/tasks/{t['id']}", headers=h).status_code == 200


# ---- T1 generate --------------------------------------------------------------

def test_generate_without_key_is_503(server, accounts):
    _, h = recruiter(server, accounts)
    for path in ("/api/v1/tasks/generate", "/api/v1/tasks/generate/"):
        assert_json_detail(server.post(path, json={"prompt": "A task"}, headers=h), 503, NO_KEY)
    # validation comes before the key check
    acct.assert_422(server.post("/api/v1/tasks/generate", json={"difficulty": 3}, headers=h),
                    ("body", "prompt"), ("body", "difficulty"))


def test_generate_with_skip_key_is_503(server_factory):
    srv = server_factory.start({"ANTHROPIC_API_KEY": "skip"})
    _, token, _ = acct.new_account(srv)
    r = srv.post("/api/v1/tasks/generate/", json={"prompt": "x"}, headers=acct.auth(token))
    assert_json_detail(r, 503, NO_KEY)


GENERATED = {
    "name": "Repair the rate limiter",
    "description": "A token bucket leaks tokens — find out why.",
    "task_type": "debugging",
    "difficulty": "senior",
    "duration_minutes": 45,
    "starter_code": "class Bucket:\n    pass\n",
    "test_code": "def test_bucket():\n    assert True\n",
}


@pytest.fixture
def fake_anthropic():
    with FakeAnthropic() as fake:
        yield fake


def test_generate_against_the_model(server_factory, fake_anthropic):
    fake = fake_anthropic
    srv = server_factory.start({"ANTHROPIC_API_KEY": fake.api_key, "ANTHROPIC_BASE_URL": fake.url,
                                "CLAUDE_MODEL": "claude-test-model"})
    _, token, _ = acct.new_account(srv)
    h = acct.auth(token)
    before = acct.count(srv, "SELECT COUNT(*) FROM tasks")

    # a fenced JSON answer with extra keys; both path spellings
    fake.reply_text("```json\n" + json.dumps({**GENERATED, "extra": 1}, ensure_ascii=False) + "\n```")
    r = srv.post("/api/v1/tasks/generate/", json={"prompt": "Rate limiter bug", "difficulty": "senior",
                                                  "duration_minutes": 45}, headers=h)
    assert r.status_code == 200, r.text
    assert list(r.json()) == GEN_KEYS and r.json() == GENERATED
    call = fake.calls()[-1]
    assert call.header("x-api-key") == fake.api_key
    assert call.header("anthropic-version") == "2023-06-01"
    assert call.header("content-type") == "application/json"
    sent = call.json
    assert list(sent) == ["model", "max_tokens", "system", "messages"]
    assert sent["model"] == "claude-test-model" and sent["max_tokens"] == 1024
    assert "JSON" in sent["system"] and "test_code" in sent["system"]
    assert sent["messages"] == [{"role": "user", "content": "Rate limiter bug\nDifficulty level: senior\n"
                                                           "Target duration: 45 minutes"}]

    # plain JSON, lax int, no optional lines
    fake.reply_text(json.dumps({**GENERATED, "duration_minutes": "30"}))
    r = srv.post("/api/v1/tasks/generate", json={"prompt": "Just the prompt", "difficulty": "",
                                                 "duration_minutes": 0}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["duration_minutes"] == 30
    assert fake.calls()[-1].json["messages"][0]["content"] == "Just the prompt"

    # not JSON -> 502 invalid; a key missing -> 502 incomplete; wrong types -> JSON 500
    fake.reply_text("Sure! Here is a task: name = ...")
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, INVALID)
    missing = dict(GENERATED)
    del missing["test_code"]
    fake.reply_text(json.dumps(missing))
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, INCOMPLETE)
    fake.reply_text(json.dumps([GENERATED]))
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, INCOMPLETE)
    fake.reply_text(json.dumps({**GENERATED, "name": 7}))
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 500, INVALID)

    # model errors: a 400 is not retried; no text block; 5xx retried twice, then 502
    n = len(fake.calls())
    fake.reply_error(400, "messages: bad")
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, API_ERROR)
    assert len(fake.calls()) == n + 1
    fake.reply_content([])
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, API_ERROR)
    n = len(fake.calls())
    fake.reply_error(500)
    fake.reply_error(529)
    fake.reply_error(503)
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h), 502, API_ERROR)
    assert len(fake.calls()) == n + 3
    # overloaded then fine: the retry answers
    n = len(fake.calls())
    fake.reply_error(529)
    fake.reply_text(json.dumps(GENERATED))
    r = srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=h)
    assert r.status_code == 200, r.text
    assert len(fake.calls()) == n + 2

    # the empty prompt is accepted by validation; the API refuses the empty message
    assert_json_detail(srv.post("/api/v1/tasks/generate", json={"prompt": ""}, headers=h), 502, API_ERROR)

    # nothing was saved
    assert acct.count(srv, "SELECT COUNT(*) FROM tasks") == before


def test_generate_with_wrong_key_is_502(server_factory, fake_anthropic):
    srv = server_factory.start({"ANTHROPIC_API_KEY": "sk-wrong", "ANTHROPIC_BASE_URL": fake_anthropic.url})
    _, token, _ = acct.new_account(srv)
    r = srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=acct.auth(token))
    assert_json_detail(r, 502, API_ERROR)
    assert len(fake_anthropic.calls()) == 1  # 401 is not retried


def test_generate_unreachable_model_is_502(server_factory):
    import helpers
    port = helpers.free_port()  # nothing listens there
    srv = server_factory.start({"ANTHROPIC_API_KEY": "sk-x", "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}"})
    _, token, _ = acct.new_account(srv)
    r = srv.post("/api/v1/tasks/generate", json={"prompt": "p"}, headers=acct.auth(token))
    assert_json_detail(r, 502, API_ERROR)
