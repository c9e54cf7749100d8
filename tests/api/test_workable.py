"""Workable: O3 GET /api/v1/organizations/workable/authorize-url, O4 POST
/api/v1/organizations/workable/connect, W1 POST /api/v1/webhooks/workable,
and the results post job (workable.post_results), under both values of
MVP_DISABLE_WORKABLE.

api-contract O3, O4, W1, S12, §1.3 (precedence), §1.11; platform-integrations
§1.3, §6.  The Workable OAuth and SPI endpoints are tests/fakes/workable.py;
webhook signatures are made here with hmac (lower-case hex HMAC-SHA256 of the
raw body keyed with WORKABLE_WEBHOOK_SECRET).  Port decisions under test: a
verified body that is not a JSON object answers a JSON 500 (policy fix 1);
an answer of the token endpoint without an access token is an OAuth
failure; a candidate without a Workable id stores NULL, not "None"."""

import datetime
import hashlib
import hmac
import json
import time
import uuid

import pytest

import test_auth as acct
from fakes.base import Reply
from fakes.workable import FakeWorkable
from helpers import assert_json_detail

URL = "/api/v1/organizations/workable/authorize-url"
CONNECT = "/api/v1/organizations/workable/connect"
WEBHOOK = "/api/v1/webhooks/workable"
ORG = "/api/v1/organizations/me"
DISABLED = "Workable integration is disabled for MVP"
OAUTH_FAILED = "Workable OAuth failed. Please try again."
SECRET = "wk_webhook_secret_for_the_api_suite"
JOB = "workable.post_results"


# ---- helpers --------------------------------------------------------------

def sign(body, secret=SECRET):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_event(srv, ev, secret=SECRET, signature=None):
    body = ev if isinstance(ev, bytes) else json.dumps(ev).encode()
    h = {"Content-Type": "application/json", "X-Workable-Signature": signature or sign(body, secret)}
    return srv.post(WEBHOOK, data=body, headers=h)


def assert_received(r):
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "received"}


def stage_event(subdomain, stage, email, cid="", name="Grace Hopper", **extra):
    cand = {"id": cid or f"wk-{uuid.uuid4().hex[:8]}", "email": email, "name": name}
    cand.update(extra)
    return {"type": "candidate_stage_changed", "account": {"subdomain": subdomain}, "stage": stage,
            "candidate": cand}


def enabled_env(fake, **over):
    # The February client connects without the OAuth state of today's one:
    # a deployment serving it says so (spec v2 D23, test_v2_workable_oauth.py).
    env = {"MVP_DISABLE_WORKABLE": "false", "WORKABLE_OAUTH_LEGACY_NO_STATE": "true",
           "WORKABLE_CLIENT_ID": fake.client_id,
           "WORKABLE_CLIENT_SECRET": fake.client_secret, "WORKABLE_WEBHOOK_SECRET": SECRET,
           "WORKABLE_OAUTH_BASE": fake.url, "WORKABLE_API_BASE": fake.api_base}
    env.update(over)
    return env


def boolean(v):
    return v in (1, True, "t", "true", "1")


def connect(srv, fake, headers, subdomain):
    code = f"code-{uuid.uuid4().hex[:10]}"
    fake.codes[code] = subdomain
    r = srv.post(CONNECT, json={"code": code}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "subdomain": subdomain}
    return code


def configure(srv, headers, stage, on=True):
    r = srv.patch(ORG, json={"workable_config": {"auto_send_on_stage": on, "auto_send_stage": stage}},
                  headers=headers)
    assert r.status_code == 200, r.text


def make_task(srv, headers, **over):
    body = {"name": "Fix add", "description": "add() is wrong.", "task_type": "debugging", "difficulty": "junior",
            "duration_minutes": 45, "starter_code": "def add(a, b):\n    return a - b\n",
            "test_code": "from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n"}
    body.update(over)
    r = srv.post("/api/v1/tasks/", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def recruiter(srv):
    user, token, email = acct.new_account(srv)
    return user, acct.auth(token)


def candidates_of(srv, headers):
    r = srv.get("/api/v1/candidates/", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def assessments_of(srv, headers):
    r = srv.get("/api/v1/assessments/", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def wait_job(srv, job_id, states=("done", "failed"), timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        row = acct.sql(srv, "SELECT state, attempts, COALESCE(last_error, '') FROM jobs WHERE id = %s", (job_id,))[0]
        if row[0] in states or time.monotonic() > deadline:
            return row[0], int(row[1]), row[2]
        time.sleep(0.1)


def enqueue_post(srv, assessment_id):
    acct.sql(srv, "INSERT INTO jobs (kind, payload) VALUES (%s, %s)", (JOB, json.dumps({"assessment_id": assessment_id})))
    return int(acct.sql(srv, "SELECT MAX(id) FROM jobs WHERE kind = %s", (JOB,))[0][0])


@pytest.fixture
def fake():
    with FakeWorkable() as f:
        yield f


@pytest.fixture
def wk(server_factory, fake):
    """A server with Workable enabled against the fake."""
    return server_factory.start(enabled_env(fake))


# ---- MVP default: 503 after 401 / 422 ---------------------------------------

def test_disabled_by_default(server):
    assert_json_detail(server.get(URL), 401, "Not authenticated")
    assert_json_detail(server.post(CONNECT, json={"code": "x"}), 401, "Not authenticated")
    _, h = recruiter(server)
    assert_json_detail(server.get(URL, headers=h), 503, DISABLED)
    # 422 (the body) comes before the 503
    acct.assert_422(server.post(CONNECT, headers=h), ("body",))
    acct.assert_422(server.post(CONNECT, json={}, headers=h), ("body", "code"))
    acct.assert_422(server.post(CONNECT, json={"code": 5}, headers=h), ("body", "code"))
    acct.assert_422(server.post(CONNECT, json=["x"], headers=h), ("body",))
    assert_json_detail(server.post(CONNECT, json={"code": "abc"}, headers=h), 503, DISABLED)
    # the webhook: no auth, the flag first (even for a well-signed event)
    assert_json_detail(server.post(WEBHOOK, data=b"not json"), 503, DISABLED)
    assert_json_detail(post_event(server, stage_event("acme", "x", "a@example.com")), 503, DISABLED)
    o = server.get(ORG, headers=h).json()
    assert o["workable_connected"] is False and o["workable_subdomain"] is None


# ---- enabled, not configured ------------------------------------------------

def test_enabled_without_settings(server_factory):
    srv = server_factory.start({"MVP_DISABLE_WORKABLE": "false"})
    _, h = recruiter(srv)
    assert_json_detail(srv.get(URL), 401, "Not authenticated")
    assert_json_detail(srv.get(URL, headers=h), 503, "Workable integration is not configured")
    assert_json_detail(post_event(srv, stage_event("acme", "x", "a@example.com")), 503,
                       "Workable webhook secret is not configured")
    assert_json_detail(srv.post(WEBHOOK), 503, "Workable webhook secret is not configured")


# ---- O3 ------------------------------------------------------------------------

def test_authorize_url_exact(server_factory):
    srv = server_factory.start({"MVP_DISABLE_WORKABLE": "false", "WORKABLE_CLIENT_ID": "wk id&x",
                                "FRONTEND_URL": "http://localhost:5173/app path"})
    _, h = recruiter(srv)
    r = srv.get(URL, headers=h)
    assert r.status_code == 200, r.text
    # spec v2 D23: B's URL with today's state appended, B's keys and today's
    assert r.json()["url"].startswith("https://www.workable.com/oauth/authorize?client_id=wk id&x"
                                      "&redirect_uri=http://localhost:5173/app path/settings/workable/callback"
                                      "&resource=user&response_type=code&scope=r_jobs+r_candidates+w_candidates"
                                      "&state=")
    assert list(r.json()) == ["url", "scope", "scope_tokens", "redirect_uri"]


def test_authorize_url_default_frontend(wk, fake):
    _, h = recruiter(wk)
    r = wk.get(URL, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["url"].startswith(f"https://www.workable.com/oauth/authorize?client_id={fake.client_id}"
                                      "&redirect_uri=http://localhost:5173/settings/workable/callback"
                                      "&resource=user&response_type=code&scope=r_jobs+r_candidates+w_candidates"
                                      "&state=")


# ---- O4 ------------------------------------------------------------------------

def test_connect_stores_tokens(wk, fake):
    user, h = recruiter(wk)
    acct.assert_422(wk.post(CONNECT, headers=h), ("body",))
    code = connect(wk, fake, h, "acme-" + uuid.uuid4().hex[:6])
    form = fake.token_forms()[-1]
    assert form == {"client_id": fake.client_id, "client_secret": fake.client_secret, "code": code,
                    "grant_type": "authorization_code",
                    "redirect_uri": "http://localhost:5173/settings/workable/callback"}
    o = wk.get(ORG, headers=h).json()
    assert o["workable_connected"] is True and o["workable_subdomain"] == fake.codes[code]
    assert "workable_access_token" not in o
    row = acct.sql(wk, "SELECT workable_access_token, workable_refresh_token FROM organizations WHERE id = %s",
                   (user["organization_id"],))[0]
    assert row[0] in fake.tokens and fake.tokens[row[0]] == fake.codes[code]
    assert row[1].startswith("wk_rt_")
    # a second connection replaces the first
    code2 = connect(wk, fake, h, "other-" + uuid.uuid4().hex[:6])
    assert wk.get(ORG, headers=h).json()["workable_subdomain"] == fake.codes[code2]


def test_connect_without_subdomain_stores_empty(wk, fake):
    _, h = recruiter(wk)
    fake.default_subdomain = None
    r = wk.post(CONNECT, json={"code": "no-sub"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "subdomain": ""}
    o = wk.get(ORG, headers=h).json()
    assert o["workable_connected"] is True and o["workable_subdomain"] == ""


def test_connect_failures(wk, fake):
    user, h = recruiter(wk)
    fake.fail_next(FakeWorkable.TOKEN, 500)
    assert_json_detail(wk.post(CONNECT, json={"code": "c1"}, headers=h), 400, OAUTH_FAILED)
    fake.fail_next(FakeWorkable.TOKEN, 401)
    assert_json_detail(wk.post(CONNECT, json={"code": "c2"}, headers=h), 400, OAUTH_FAILED)
    fake.drop_next(FakeWorkable.TOKEN)
    assert_json_detail(wk.post(CONNECT, json={"code": "c3"}, headers=h), 400, OAUTH_FAILED)
    # the fake refuses an empty code (invalid_grant)
    assert_json_detail(wk.post(CONNECT, json={"code": ""}, headers=h), 400, OAUTH_FAILED)
    # 2xx without an access token
    fake.script("POST", FakeWorkable.TOKEN, Reply.json(200, {"x": 1}))
    assert_json_detail(wk.post(CONNECT, json={"code": "c4"}, headers=h), 400, OAUTH_FAILED)
    o = wk.get(ORG, headers=h).json()
    assert o["workable_connected"] is False and o["workable_subdomain"] is None
    assert acct.sql(wk, "SELECT COUNT(*) FROM organizations WHERE id = %s AND workable_access_token IS NULL",
                    (user["organization_id"],))[0][0] in (1, "1")


def test_connect_wrong_client_secret(server_factory, fake):
    srv = server_factory.start(enabled_env(fake, WORKABLE_CLIENT_SECRET="not-the-secret"))
    _, h = recruiter(srv)
    assert_json_detail(srv.post(CONNECT, json={"code": "c"}, headers=h), 400, OAUTH_FAILED)


def test_connect_without_org(wk, fake):
    _, token, _ = acct.new_account(wk, org="")
    assert_json_detail(wk.post(CONNECT, json={"code": "c"}, headers=acct.auth(token)), 404, "Organization not found")
    assert fake.token_forms() == []


# ---- W1 signatures --------------------------------------------------------------

def test_webhook_signatures(wk):
    body = json.dumps(stage_event("nobody", "x", "a@example.com")).encode()
    good = sign(body)
    bad = [
        {},                                                        # missing header
        {"X-Workable-Signature": ""},
        {"X-Workable-Signature": sign(body, "another-secret")},    # wrong secret
        {"X-Workable-Signature": good.upper()},                    # not lower-case
        {"X-Workable-Signature": "sha256=" + good},                # no prefix scheme
        {"X-Workable-Signature": good[:-1]},
        {"X-Workable-Signature": good + "0"},
    ]
    for extra in bad:
        r = wk.post(WEBHOOK, data=body, headers={"Content-Type": "application/json", **extra})
        assert_json_detail(r, 401, "Invalid webhook signature")
    # tampered body
    r = wk.post(WEBHOOK, data=body.replace(b"a@example", b"b@example"),
                headers={"Content-Type": "application/json", "X-Workable-Signature": good})
    assert_json_detail(r, 401, "Invalid webhook signature")
    # empty body without or with a foreign signature
    assert_json_detail(wk.post(WEBHOOK), 401, "Invalid webhook signature")
    assert_json_detail(wk.post(WEBHOOK, headers={"X-Workable-Signature": good}), 401, "Invalid webhook signature")
    # the good one
    assert_received(wk.post(WEBHOOK, data=body, headers={"Content-Type": "application/json",
                                                         "X-Workable-Signature": good}))
    # any content type: the raw bytes are what is signed
    assert_received(wk.post(WEBHOOK, data=body, headers={"Content-Type": "text/plain", "X-Workable-Signature": good}))


def test_webhook_any_event_received_and_bad_json(wk):
    for ev in ({"type": "candidate_created", "candidate": {"email": "x@example.com"}}, {}, {"type": 5},
               {"type": "candidate_stage_changed"}, {"type": "candidate_stage_changed", "account": "acme"}):
        assert_received(post_event(wk, ev))
    for raw in (b"", b"{not json", b"[1, 2]", b'"text"'):
        r = post_event(wk, raw)
        assert r.status_code == 500 and r.headers["Content-Type"] == "application/json", r.text
        assert r.json() == {"detail": "Internal Server Error"}


# ---- W1 events --------------------------------------------------------------------

def test_stage_changed_creates_pending_assessment(wk, fake):
    user, h = recruiter(wk)
    sub = "acme-" + uuid.uuid4().hex[:6]
    connect(wk, fake, h, sub)
    configure(wk, h, "Assessment")
    task = make_task(wk, h, duration_minutes=45)
    later = make_task(wk, h, name="Second task", duration_minutes=90)
    email = f"grace-{uuid.uuid4().hex[:6]}@example.com"

    # not the configured stage, unknown subdomain, no e-mail: nothing
    assert_received(post_event(wk, stage_event(sub, "Phone screen", email)))
    assert_received(post_event(wk, stage_event("unknown-" + sub, "Assessment", email)))
    assert_received(post_event(wk, stage_event(sub, "Assessment", "")))
    assert_received(post_event(wk, {"type": "candidate_stage_changed", "account": {"subdomain": sub},
                                    "stage": "Assessment", "candidate": {"name": "No Mail"}}))
    assert_received(post_event(wk, {**stage_event(sub, "Assessment", email), "type": "candidate_moved"}))
    assert candidates_of(wk, h) == [] and assessments_of(wk, h) == []

    before = datetime.datetime.now(datetime.timezone.utc)
    assert_received(post_event(wk, stage_event(sub, "Assessment", email, cid="wk-123", name="Grace Hopper")))
    cands = candidates_of(wk, h)
    assert [(c["email"], c["full_name"]) for c in cands] == [(email, "Grace Hopper")]
    items = assessments_of(wk, h)
    assert len(items) == 1
    a = items[0]
    assert a["status"] == "pending" and a["task_id"] == task["id"] != later["id"]
    assert a["candidate_id"] == cands[0]["id"] and a["duration_minutes"] == 45
    assert a["organization_id"] == user["organization_id"]
    assert len(a["token"]) == 43
    expires = datetime.datetime.fromisoformat(a["expires_at"].replace("Z", "+00:00"))
    assert abs((expires - before).total_seconds() - 7 * 86400) < 120
    row = acct.sql(wk, "SELECT workable_candidate_id FROM assessments WHERE id = %s", (a["id"],))[0]
    assert row[0] == "wk-123"
    row = acct.sql(wk, "SELECT workable_candidate_id, workable_data FROM candidates WHERE id = %s",
                   (cands[0]["id"],))[0]
    assert row[0] == "wk-123" and json.loads(row[1])["email"] == email
    # no invitation e-mail on this path
    time.sleep(0.5)
    assert acct.messages_to(wk, email) == []

    # the same candidate again: a second assessment, no second candidate
    assert_received(post_event(wk, stage_event(sub, "Assessment", email, cid="wk-123")))
    assert len(candidates_of(wk, h)) == 1 and len(assessments_of(wk, h)) == 2


def test_stage_changed_name_and_id_fallbacks(wk, fake):
    _, h = recruiter(wk)
    sub = "fallback-" + uuid.uuid4().hex[:6]
    connect(wk, fake, h, sub)
    configure(wk, h, "Tech")
    make_task(wk, h, duration_minutes=60)
    e1 = f"first-{uuid.uuid4().hex[:6]}@example.com"
    ev = stage_event(sub, "Tech", e1, name="", firstname="Ada")
    ev["candidate"]["id"] = 4242
    assert_received(post_event(wk, ev))
    e2 = f"noid-{uuid.uuid4().hex[:6]}@example.com"
    ev = stage_event(sub, "Tech", e2)
    del ev["candidate"]["id"]
    assert_received(post_event(wk, ev))
    by_email = {c["email"]: c for c in candidates_of(wk, h)}
    assert by_email[e1]["full_name"] == "Ada"
    ids = dict((int(r[0]), r[1]) for r in acct.sql(
        wk, "SELECT id, COALESCE(workable_candidate_id, 'NULL') FROM assessments WHERE organization_id = "
            "(SELECT organization_id FROM candidates WHERE id = %s)", (by_email[e1]["id"],)))
    cand_of = {a["candidate_id"]: a["id"] for a in assessments_of(wk, h)}
    assert ids[cand_of[by_email[e1]["id"]]] == "4242"
    assert ids[cand_of[by_email[e2]["id"]]] == "NULL"


def test_stage_changed_config_switches(wk, fake):
    _, h = recruiter(wk)
    sub = "switch-" + uuid.uuid4().hex[:6]
    connect(wk, fake, h, sub)
    make_task(wk, h)
    email = f"cfg-{uuid.uuid4().hex[:6]}@example.com"
    # no config at all
    assert_received(post_event(wk, stage_event(sub, "Assessment", email)))
    # auto_send_on_stage false
    configure(wk, h, "Assessment", on=False)
    assert_received(post_event(wk, stage_event(sub, "Assessment", email)))
    assert assessments_of(wk, h) == []
    # truthy non-boolean switches it on
    configure(wk, h, "Assessment", on="yes")
    assert_received(post_event(wk, stage_event(sub, "Assessment", email)))
    assert len(assessments_of(wk, h)) == 1


def test_stage_changed_without_active_task_creates_nothing(wk, fake):
    _, h = recruiter(wk)
    sub = "notask-" + uuid.uuid4().hex[:6]
    connect(wk, fake, h, sub)
    configure(wk, h, "Assessment")
    t = make_task(wk, h)
    r = wk.patch(f"/api/v1/tasks/{t['id']}", json={"is_active": False}, headers=h)
    assert r.status_code == 200, r.text
    assert_received(post_event(wk, stage_event(sub, "Assessment", f"x-{uuid.uuid4().hex[:6]}@example.com")))
    assert candidates_of(wk, h) == [] and assessments_of(wk, h) == []


def test_tenant_isolation(wk, fake):
    _, ha = recruiter(wk)
    _, hb = recruiter(wk)
    sub_a, sub_b = "alpha-" + uuid.uuid4().hex[:6], "beta-" + uuid.uuid4().hex[:6]
    connect(wk, fake, ha, sub_a)
    connect(wk, fake, hb, sub_b)
    configure(wk, ha, "Assessment")
    configure(wk, hb, "Phone")
    make_task(wk, ha)
    make_task(wk, hb)
    email = f"iso-{uuid.uuid4().hex[:6]}@example.com"
    # B's stage on A's subdomain: A's config rules, nothing anywhere
    assert_received(post_event(wk, stage_event(sub_a, "Phone", email)))
    assert assessments_of(wk, ha) == [] and assessments_of(wk, hb) == []
    # B's event lands in B only
    assert_received(post_event(wk, stage_event(sub_b, "Phone", email)))
    assert assessments_of(wk, ha) == [] and candidates_of(wk, ha) == []
    assert len(assessments_of(wk, hb)) == 1 and [c["email"] for c in candidates_of(wk, hb)] == [email]
    # A's event lands in A only
    assert_received(post_event(wk, stage_event(sub_a, "Assessment", email)))
    assert len(assessments_of(wk, ha)) == 1 and len(assessments_of(wk, hb)) == 1
    # an organisation whose config matches but that is not the subdomain's owner is never used
    configure(wk, hb, "Screen")
    assert_received(post_event(wk, stage_event("nobody-" + uuid.uuid4().hex[:6], "Screen", email)))
    assert len(assessments_of(wk, hb)) == 1


# ---- results post job ------------------------------------------------------------

def webhook_assessment(srv, fake, h, sub, cid):
    connect(srv, fake, h, sub)
    configure(srv, h, "Assessment")
    make_task(srv, h, duration_minutes=45)
    email = f"post-{uuid.uuid4().hex[:6]}@example.com"
    assert_received(post_event(srv, stage_event(sub, "Assessment", email, cid=cid)))
    a = assessments_of(srv, h)[0]
    acct.sql(srv, "UPDATE assessments SET status = 'COMPLETED', score = 7.5, tests_passed = 3, tests_total = 4 "
                  "WHERE id = %s", (a["id"],))
    return a


def posted(srv, aid):
    row = acct.sql(srv, "SELECT posted_to_workable, COALESCE(CAST(posted_to_workable_at AS TEXT), '') "
                        "FROM assessments WHERE id = %s", (aid,))[0]
    return boolean(row[0]), row[1]


def test_post_results_job(wk, fake):
    _, h = recruiter(wk)
    sub = "post-" + uuid.uuid4().hex[:6]
    a = webhook_assessment(wk, fake, h, sub, "cand-77")
    assert posted(wk, a["id"]) == (False, "")
    job = enqueue_post(wk, a["id"])
    assert wait_job(wk, job)[0] == "done"
    bodies = fake.activities(sub, "cand-77")
    assert bodies == [{"body": "TALI Assessment Complete\n\nOverall score: 7.5/10\nTests passed: 3/4\n"
                                "Time taken: 45 minutes\nFull recruiter report: http://localhost:5173/#/dashboard\n\n"
                                "This result was posted automatically by TALI."}]
    req = fake.activity_requests()[-1]
    assert req.header("Content-Type") == "application/json"
    flag, at = posted(wk, a["id"])
    assert flag and at
    # a second job for the same assessment posts nothing
    job = enqueue_post(wk, a["id"])
    assert wait_job(wk, job)[0] == "done"
    assert len(fake.activities(sub, "cand-77")) == 1


def test_post_results_job_retries_on_failure(wk, fake):
    _, h = recruiter(wk)
    sub = "retry-" + uuid.uuid4().hex[:6]
    a = webhook_assessment(wk, fake, h, sub, "cand-88")
    fake.fail_next(FakeWorkable.ACTIVITIES, 503)
    job = enqueue_post(wk, a["id"])
    state, attempts, err = wait_job(wk, job, states=("queued", "failed", "done"), timeout=15.0)
    deadline = time.monotonic() + 15
    while attempts < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
        state, attempts, err = wait_job(wk, job, states=("queued", "failed", "done"))
    assert (state, attempts) == ("queued", 1) and "Workable" in err, (state, attempts, err)
    assert len(fake.activity_requests()) == 1
    assert posted(wk, a["id"])[0] is False
    max_attempts, = acct.sql(wk, "SELECT max_attempts FROM jobs WHERE id = %s", (job,))[0]
    assert int(max_attempts) == 4


def test_post_results_job_not_connected_or_unlinked(wk, fake):
    _, h = recruiter(wk)
    sub = "unl-" + uuid.uuid4().hex[:6]
    a = webhook_assessment(wk, fake, h, sub, "cand-99")
    acct.sql(wk, "UPDATE assessments SET workable_candidate_id = NULL WHERE id = %s", (a["id"],))
    job = enqueue_post(wk, a["id"])
    assert wait_job(wk, job)[0] == "done"
    assert fake.activity_requests() == [] and posted(wk, a["id"])[0] is False


# ---- S12 post-to-workable (enabled) -------------------------------------------------

def post_now(srv, h, aid):
    return srv.post(f"/api/v1/assessments/{aid}/post-to-workable", headers=h)


def test_post_to_workable_now(wk, fake):
    _, h = recruiter(wk)
    sub = "s12-" + uuid.uuid4().hex[:6]
    a = webhook_assessment(wk, fake, h, sub, "cand-s12")
    assert_json_detail(wk.post(f"/api/v1/assessments/{a['id']}/post-to-workable"), 401, "Not authenticated")
    # another organisation sees 404
    _, other = recruiter(wk)
    assert_json_detail(post_now(wk, other, a["id"]), 404, "Assessment not found")
    assert_json_detail(post_now(wk, h, 99999999), 404, "Assessment not found")
    # Workable failing: 502, not marked, then it works
    fake.fail_next(FakeWorkable.ACTIVITIES, 500)
    assert_json_detail(post_now(wk, h, a["id"]), 502, "Failed to post to Workable")
    assert posted(wk, a["id"])[0] is False
    fake.drop_next(FakeWorkable.ACTIVITIES)
    assert_json_detail(post_now(wk, h, a["id"]), 502, "Failed to post to Workable")
    r = post_now(wk, h, a["id"])
    assert r.status_code == 200 and r.json() == {"success": True}, r.text
    assert posted(wk, a["id"])[0] is True
    assert fake.activities(sub, "cand-s12")[-1]["body"].startswith("TALI Assessment Complete\n\nOverall score: 7.5/10")
    n = len(fake.activity_requests())
    r = post_now(wk, h, a["id"])
    assert r.status_code == 200 and r.json() == {"success": True, "already_posted": True}, r.text
    assert len(fake.activity_requests()) == n


def test_post_to_workable_not_connected_or_not_linked(wk, fake):
    user, h = recruiter(wk)
    sub = "s12b-" + uuid.uuid4().hex[:6]
    a = webhook_assessment(wk, fake, h, sub, "cand-s12b")
    acct.sql(wk, "UPDATE assessments SET workable_candidate_id = NULL WHERE id = %s", (a["id"],))
    assert_json_detail(post_now(wk, h, a["id"]), 400, "Assessment is not linked to a Workable candidate")
    acct.sql(wk, "UPDATE organizations SET workable_connected = %s WHERE id = %s",
             (False if "sqlite" in wk.env["DATABASE_URL"] else "false", user["organization_id"]))
    assert_json_detail(post_now(wk, h, a["id"]), 400, "Workable is not connected")
    assert fake.activity_requests() == []


# ---- automatic post after submit ------------------------------------------------------

def submitted_webhook_assessment(srv, fake, sub, cid):
    from test_assessments import FIXED, make_task as task_with_tests, start, tok, upload_cv
    _, h = recruiter(srv)
    connect(srv, fake, h, sub)
    configure(srv, h, "Assessment")
    task_with_tests(srv, h)
    assert_received(post_event(srv, stage_event(sub, "Assessment", f"auto-{uuid.uuid4().hex[:6]}@example.com",
                                                cid=cid)))
    a = assessments_of(srv, h)[0]
    upload_cv(srv, a["token"])
    start(srv, a["token"])
    r = srv.post(f"/api/v1/assessments/{a['id']}/submit", json={"final_code": FIXED}, headers=tok(a))
    assert r.status_code == 200, r.text
    return a, r.json()


def test_submit_posts_results_when_workable_and_jobs_are_on(server_factory, fake):
    srv = server_factory.start(enabled_env(fake, MVP_DISABLE_CELERY="false"))
    sub = "auto-" + uuid.uuid4().hex[:6]
    a, out = submitted_webhook_assessment(srv, fake, sub, "cand-auto")
    deadline = time.monotonic() + 15
    while not fake.activities(sub, "cand-auto") and time.monotonic() < deadline:
        time.sleep(0.1)
    body = fake.activities(sub, "cand-auto")[0]["body"]
    assert f"Overall score: {out['score']}/10\nTests passed: {out['tests_passed']}/{out['tests_total']}\n" in body
    assert "Time taken: 30 minutes\n" in body
    deadline = time.monotonic() + 5
    while not posted(srv, a["id"])[0] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert posted(srv, a["id"])[0] is True
    assert len(fake.activities(sub, "cand-auto")) == 1


def test_submit_does_not_post_while_jobs_flag_is_on(wk, fake):
    # MVP_DISABLE_CELERY keeps its default (true): the original never auto-posted then
    sub = "noauto-" + uuid.uuid4().hex[:6]
    a, _ = submitted_webhook_assessment(wk, fake, sub, "cand-noauto")
    time.sleep(1.5)
    assert fake.activity_requests() == [] and posted(wk, a["id"])[0] is False
    assert acct.sql(wk, "SELECT COUNT(*) FROM jobs WHERE kind = %s", (JOB,))[0][0] in (0, "0")
