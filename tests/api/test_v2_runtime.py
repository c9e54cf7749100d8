"""Today's candidate runtime beside February's (spec v2/identity-and-kept-routes.md
§2.2-§2.7 as §3 decides, D28-D34).

The browser of today's frontend is played here: a P-256 key pair made in the
test, the key id b64url(SHA-256("P-256." + x + "." + y)), and each request
signed over "v1\\nMETHOD\\npath?query\\nsha256hex(body)\\ntimestamp\\nnonce"
with the raw 64-byte r||s signature.  A start carrying the proof fields binds
the assessment (D31); a bound assessment refuses February's calls on every
candidate route and takes signed calls (D32); an unbound one keeps February's
flow, unless the organisation or the deployment requires proofs."""

import base64
import hashlib
import json
import secrets
import time
import urllib.parse

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

import test_auth as acct
from test_assessments import (BASE, DICT_KEYS, FIXED, MODEL_KEYS, STARTER, create, detail, ip, make_task, recruiter,
                              start, upload_cv)
from test_documents import make_pdf

REQUIRED = "Candidate request proof is required"
INVALID = "Invalid candidate request proof"
EXPIRED = "Candidate request proof has expired"
REPLAYED = "Candidate request proof has already been used"
OTHER_SESSION = "Assessment is already active in another browser session"
BAD_SESSION = "Invalid candidate session"
TODAY_MODEL_KEYS = [
    "id", "organization_id", "candidate_id", "task_id", "role_id", "application_id", "token", "status",
    "duration_minutes", "started_at", "completed_at", "expires_at", "score", "tests_passed", "tests_total",
    "code_quality_score", "time_efficiency_score", "ai_usage_score", "test_results", "ai_prompts",
    "code_snapshots", "timeline", "created_at", "prompts_list", "results", "breakdown", "candidate_name",
    "candidate_email", "task_name", "role_name", "application_status", "prompt_quality_score",
    "prompt_efficiency_score", "independence_score", "context_utilization_score", "design_thinking_score",
    "debugging_strategy_score", "written_communication_score", "learning_velocity_score", "error_recovery_score",
    "requirement_comprehension_score", "calibration_score", "calibration_warmup_prompt", "prompt_fraud_flags",
    "prompt_analytics", "browser_focus_ratio", "tab_switch_count", "time_to_first_prompt_seconds", "cv_uploaded",
    "cv_filename", "cv_uploaded_at", "cv_job_match_score", "cv_job_match_details", "final_score",
    "assessment_score", "taali_score", "role_fit_score", "score_rubric_version", "score_mode", "score_breakdown",
    "score_weights_used", "flags", "scored_at", "scoring_failed", "scoring_partial", "repo_capture_failed",
    "test_parse_error", "is_voided", "voided_at", "void_reason", "superseded_by_assessment_id",
    "posted_to_workable", "posted_to_workable_at", "invite_channel", "invite_sent_at", "credit_consumed_at",
    "candidate_cv_filename", "candidate_job_spec_filename", "candidate_cv_uploaded_at",
    "candidate_job_spec_uploaded_at", "total_duration_seconds", "total_prompts", "total_input_tokens",
    "total_output_tokens", "tests_run_count", "tests_pass_count", "is_timer_paused", "paused_at", "pause_reason",
    "total_paused_seconds", "completed_due_to_timeout", "ai_mode", "cli_transcript", "final_repo_state",
    "git_evidence", "assessment_repo_url", "assessment_branch", "clone_command", "evaluation_rubric",
    "understanding_check", "manual_evaluation", "evaluation_result", "interview_debrief_generated_at", "is_demo",
    "demo_track", "demo_profile", "allow_external_clipboard",
]
assert len(TODAY_MODEL_KEYS) == 107  # the count spec v2 §2.2 states
INVITE_KEYS = ["invite_email_status", "invite_delivered_at", "invite_bounced_at"]
PROOF_HEADERS = ["X-Assessment-Key-Id", "X-Assessment-Proof-Timestamp", "X-Assessment-Proof-Nonce",
                 "X-Assessment-Proof"]


def b64u(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Browser:
    """One browser of today's frontend: a session key and a P-256 proof key."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        nums = self.key.public_key().public_numbers()
        self.x = b64u(nums.x.to_bytes(32, "big"))
        self.y = b64u(nums.y.to_bytes(32, "big"))
        # what WebCrypto's exportKey("jwk") gives for a public key
        self.jwk = {"kty": "EC", "crv": "P-256", "x": self.x, "y": self.y, "ext": True, "key_ops": ["verify"]}
        self.key_id = b64u(hashlib.sha256(f"P-256.{self.x}.{self.y}".encode()).digest())
        self.session = secrets.token_urlsafe(32)

    def start_body(self, **over):
        body = {"candidate_session_key": self.session, "candidate_proof_key_id": self.key_id,
                "candidate_proof_public_jwk": self.jwk}
        body.update(over)
        return {k: v for k, v in body.items() if v is not None}

    def sign(self, method, target, body, ts=None, nonce=None, key_id=None):
        ts = str(int(time.time())) if ts is None else str(ts)
        nonce = nonce or secrets.token_urlsafe(18)
        canonical = "\n".join(["v1", method, target, hashlib.sha256(body).hexdigest(), ts, nonce])
        r, s = utils.decode_dss_signature(self.key.sign(canonical.encode(), ec.ECDSA(hashes.SHA256())))
        return {"X-Assessment-Key-Id": key_id or self.key_id, "X-Assessment-Proof-Timestamp": ts,
                "X-Assessment-Proof-Nonce": nonce, "X-Assessment-Proof": b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}


def send(srv, method, path, body, browser=None, sign=True, headers=None, sign_target=None, **sign_kw):
    """Sends body (JSON.stringify bytes) signed by browser; headers override."""
    raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    req = requests.Request(method, srv.url(path), data=raw or None,
                           headers={"Content-Type": "application/json"} if raw else {})
    prep = srv.session.prepare_request(req)
    split = urllib.parse.urlsplit(prep.url)
    target = split.path + ("?" + split.query if split.query else "")
    h = dict(ip())
    if browser and sign:
        h.update(browser.sign(method, sign_target or target, raw, **sign_kw))
    h.update(headers or {})
    for k, v in h.items():
        if v is None:
            prep.headers.pop(k, None)
        else:
            prep.headers[k] = v
    return srv.session.send(prep, allow_redirects=False, timeout=60)


def start_v2(srv, token, browser, expect=200, body=None, **kw):
    r = send(srv, "POST", f"{BASE}/token/{token}/start", browser.start_body() if body is None else body, browser, **kw)
    assert r.status_code == expect, r.text
    return r


def fresh(srv, **over):
    _, h = recruiter(srv)
    return h, create(srv, h, make_task(srv, h)["id"], **over)


def binding(srv, aid):
    return acct.sql(srv, "SELECT candidate_session_hash, candidate_proof_key_id, candidate_proof_public_jwk, "
                         "timeline FROM assessments WHERE id = %s", (aid,))[0]


def as_json(v):
    return v if isinstance(v, (dict, list)) else json.loads(v)


# ---- S4 today's flow ----

def test_v2_start_binds_and_answers_todays_shape(server):
    h, a = fresh(server, duration_minutes=25)
    b = Browser()
    s = start_v2(server, a["token"], b).json()  # no CV needed in today's flow
    assert list(s) == ["assessment_id", "task", "candidate_name", "organization_name", "expires_at",
                       "time_remaining", "is_timer_paused", "total_paused_seconds", "ai_mode", "ai_prompts",
                       "allow_external_clipboard"]
    assert s["assessment_id"] == a["id"] and s["candidate_name"] == "Jane Candidate"
    assert s["task"] == {"name": "Fix add", "description": "add() is wrong.", "starter_code": "",
                         "duration_minutes": 25, "repo_structure": {"files": {}}, "proctoring_enabled": False}
    assert "token" not in s and "sandbox_id" not in s
    assert None not in s.values() and s["expires_at"].endswith("Z")
    assert 1490 <= s["time_remaining"] <= 1500
    assert s["ai_mode"] == "claude_cli_terminal" and s["ai_prompts"] == [] and s["allow_external_clipboard"] is False
    session_hash, key_id, jwk, timeline = binding(server, a["id"])
    assert session_hash == hashlib.sha256(b.session.encode()).hexdigest()
    assert key_id == b.key_id
    assert {k: as_json(jwk)[k] for k in ("kty", "crv", "x", "y")} == {"kty": "EC", "crv": "P-256", "x": b.x,
                                                                      "y": b.y}
    events = [e.get("event_type") for e in as_json(timeline)]
    assert events == ["candidate_session_bound", "candidate_proof_key_bound"]
    assert as_json(timeline)[1]["key_id"] == b.key_id
    got = server.get(f"{BASE}/{a['id']}", headers=h).json()
    assert got["status"] == "in_progress"
    # the same browser resumes, with a new nonce; nothing is bound twice
    again = start_v2(server, a["token"], b).json()
    assert again["assessment_id"] == a["id"]
    assert [e.get("event_type") for e in as_json(binding(server, a["id"])[3])] == events


def test_v2_start_replayed_nonce_is_409(server):
    _, a = fresh(server)
    b = Browser()
    start_v2(server, a["token"], b, nonce="n" * 20)
    detail(start_v2(server, a["token"], b, expect=409, nonce="n" * 20), 409, REPLAYED)
    # a nonce is per assessment: the same nonce on another assessment is fresh
    _, other = fresh(server)
    start_v2(server, other["token"], b, nonce="n" * 20)


def test_v2_start_other_session_is_409(server):
    _, a = fresh(server)
    start_v2(server, a["token"], Browser())
    intruder = Browser()
    detail(start_v2(server, a["token"], intruder, expect=409), 409, OTHER_SESSION)
    # the bound key with another session key is refused the same way
    b = Browser()
    _, a2 = fresh(server)
    start_v2(server, a2["token"], b)
    b.session = secrets.token_urlsafe(32)
    detail(start_v2(server, a2["token"], b, expect=409), 409, OTHER_SESSION)


@pytest.mark.parametrize("missing", PROOF_HEADERS)
def test_v2_start_missing_proof_header_is_403(server, missing):
    _, a = fresh(server)
    detail(start_v2(server, a["token"], Browser(), expect=403, headers={missing: None}), 403, REQUIRED)
    assert not binding(server, a["id"])[1]  # NULL (psql prints it as "")


def test_v2_start_timestamp_outside_window_is_403(server):
    _, a = fresh(server)
    b = Browser()
    now = int(time.time())
    # far outside +-120 s, so a busy machine cannot make these pass
    detail(start_v2(server, a["token"], b, expect=403, ts=now - 1200), 403, EXPIRED)
    detail(start_v2(server, a["token"], b, expect=403, ts=now + 1200), 403, EXPIRED)
    detail(start_v2(server, a["token"], b, expect=403, ts="12x4"), 403, INVALID)
    detail(start_v2(server, a["token"], b, expect=403, ts="1" * 13), 403, INVALID)
    start_v2(server, a["token"], b, ts=now)


def off_curve_y(b):
    raw = bytearray(base64.urlsafe_b64decode(b.y + "="))
    raw[-1] ^= 1
    return b64u(bytes(raw))


@pytest.mark.parametrize("mutate", [
    lambda b, j: j.update(kty="RSA"),
    lambda b, j: j.update(crv="P-384"),
    lambda b, j: j.update(alg="RS256"),
    lambda b, j: j.update(d=b.x),
    lambda b, j: j.update(x=b.x[:-1]),
    lambda b, j: j.update(x=b.x + "A"),
    lambda b, j: j.update(y=b.y.replace(b.y[0], "+" if b.y[0] != "+" else "/", 1)),
    lambda b, j: j.update(y=off_curve_y(b)),
    lambda b, j: j.pop("y"),
    lambda b, j: j.update(x=12),
], ids=["kty", "crv", "alg", "private", "short-x", "long-x", "not-url-alphabet", "off-curve", "no-y", "x-not-str"])
def test_v2_start_bad_jwk_is_403(server, mutate):
    _, a = fresh(server)
    b = Browser()
    jwk = dict(b.jwk)
    mutate(b, jwk)
    # the body's key id is computed from the (bad) coordinates, as a client would
    x, y = jwk.get("x"), jwk.get("y")
    kid = b64u(hashlib.sha256(f"P-256.{x}.{y}".encode()).digest())
    body = b.start_body(candidate_proof_public_jwk=jwk, candidate_proof_key_id=kid)
    detail(start_v2(server, a["token"], b, expect=403, body=body, key_id=kid), 403, INVALID)
    assert not binding(server, a["id"])[1]  # NULL (psql prints it as "")


def test_v2_start_alg_es256_accepted(server):
    _, a = fresh(server)
    b = Browser()
    start_v2(server, a["token"], b, body=b.start_body(candidate_proof_public_jwk={**b.jwk, "alg": "ES256"}))


def test_v2_start_wrong_key_id_and_bad_signature_are_403(server):
    _, a = fresh(server)
    b, other = Browser(), Browser()
    # the body names another key's id
    detail(start_v2(server, a["token"], b, expect=403, body=b.start_body(candidate_proof_key_id=other.key_id),
                    key_id=other.key_id), 403, INVALID)
    # the header names another key than the body
    detail(start_v2(server, a["token"], b, expect=403, key_id=other.key_id), 403, INVALID)
    # signed by another key
    r = send(server, "POST", f"{BASE}/token/{a['token']}/start", b.start_body(), other, key_id=b.key_id)
    detail(r, 403, INVALID)
    # signed over another target (the query is part of what is signed)
    r = send(server, "POST", f"{BASE}/token/{a['token']}/start?x=1", b.start_body(), b,
             sign_target=f"{BASE}/token/{a['token']}/start")
    detail(r, 403, INVALID)
    # a signature that is not 64 bytes
    detail(start_v2(server, a["token"], b, expect=403, headers={"X-Assessment-Proof": b64u(b"\x01" * 63)}), 403,
           INVALID)
    assert not binding(server, a["id"])[1]  # NULL (psql prints it as "")
    # the query signed as sent passes
    r = send(server, "POST", f"{BASE}/token/{a['token']}/start?x=1", b.start_body(), b)
    assert r.status_code == 200, r.text


def test_v2_start_body_rules(server):
    _, a = fresh(server)
    b = Browser()
    path = f"{BASE}/token/{a['token']}/start"
    detail(send(server, "POST", f"{BASE}/token/nope/start", b.start_body(), b), 404, "Invalid assessment token")
    for drop, text in [("candidate_session_key", "candidate_session_key is required"),
                       ("candidate_proof_key_id", "candidate_proof_key_id is required"),
                       ("candidate_proof_public_jwk", "candidate_proof_public_jwk is required")]:
        body = b.start_body()
        body.pop(drop)
        detail(send(server, "POST", path, body, b), 422, text)
    r = send(server, "POST", path, b.start_body(extra=1), b)
    assert r.status_code == 422, r.text
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("extra_forbidden", ["body", "extra"])]
    r = send(server, "POST", path, b.start_body(candidate_session_key="short"), b)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_too_short", r.text
    r = send(server, "POST", path, b.start_body(candidate_session_key="x" * 40 + "!"), b)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_pattern_mismatch", r.text
    r = send(server, "POST", path, b.start_body(candidate_proof_key_id="abc"), b)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "candidate_proof_key_id"], r.text
    # proof headers without a body: today's client, so today's rule
    detail(send(server, "POST", path, None, b), 422, "candidate_session_key is required")
    # the warm-up prompt is accepted and unused
    start_v2(server, a["token"], b, body=b.start_body(calibration_warmup_prompt="hello"))


def test_v2_start_on_submitted_assessment_is_400(server):
    _, a = fresh(server)
    acct.sql(server, "UPDATE assessments SET status = 'COMPLETED' WHERE id = %s", (a["id"],))
    detail(start_v2(server, a["token"], Browser(), expect=400), 400, "Assessment already submitted")


# ---- D32: a bound assessment refuses February's calls ----

def bound(srv):
    h, a = fresh(srv)
    b = Browser()
    start_v2(srv, a["token"], b)
    return h, a, b


def test_bound_assessment_refuses_legacy_calls(server):
    _, a, b = bound(server)
    tok = {"X-Assessment-Token": a["token"]}
    detail(server.post(f"{BASE}/token/{a['token']}/start", headers=ip()), 403, REQUIRED)
    calls = [("execute", {"code": "print(1)"}), ("claude", {"message": "hi"}), ("submit", {"final_code": FIXED})]
    for route, body in calls:
        path = f"{BASE}/{a['id']}/{route}"
        detail(send(server, "POST", path, body, headers=tok), 403, BAD_SESSION)
        wrong = {**tok, "X-Assessment-Session": secrets.token_urlsafe(32)}
        detail(send(server, "POST", path, body, b, headers=wrong), 403, BAD_SESSION)
        detail(send(server, "POST", path, body, b, headers={**tok, "X-Assessment-Session": "bad!"}), 400,
               "Invalid candidate session key")
        right = {**tok, "X-Assessment-Session": b.session}
        detail(send(server, "POST", path, body, headers=right), 403, REQUIRED)
        detail(send(server, "POST", path, body, b, headers=right, ts=int(time.time()) - 1200), 403, EXPIRED)
        detail(send(server, "POST", path, body, Browser(), headers={**right, "X-Assessment-Key-Id": b.key_id}), 403,
               INVALID)
    assert server.get(f"{BASE}/{a['id']}", headers=recruiter(server)[1]).json()["status"] == "in_progress"


def test_bound_assessment_runs_signed_calls(server):
    h, a, b = bound(server)
    hdr = {"X-Assessment-Token": a["token"], "X-Assessment-Session": b.session}
    path = f"{BASE}/{a['id']}/execute"
    # issue 17 (file and revision workspace) is not served: B's execution, behind today's proof
    r = send(server, "POST", path, {"code": STARTER + "print(add(2, 3))\n"}, b, headers=hdr, nonce="e" * 16)
    assert r.status_code == 200 and r.json()["stdout"].strip() == "-1", r.text
    detail(send(server, "POST", path, {"code": "print(1)"}, b, headers=hdr, nonce="e" * 16), 409, REPLAYED)
    r = send(server, "POST", f"{BASE}/{a['id']}/submit", {"final_code": FIXED}, b, headers=hdr)
    assert r.status_code == 200 and r.json()["tests_passed"] == 2, r.text
    assert server.get(f"{BASE}/{a['id']}", headers=h).json()["status"] == "completed"


def test_unbound_assessment_keeps_february_flow(server):
    _, a = fresh(server)
    upload_cv(server, a["token"])
    s = start(server, a["token"])
    assert s["token"] == a["token"] and s["task"]["starter_code"] == STARTER
    # proof headers on an unbound assessment are not needed and not checked
    r = server.post(f"{BASE}/{a['id']}/execute", json={"code": "print(7)"},
                    headers={"X-Assessment-Token": a["token"], **ip()})
    assert r.status_code == 200 and r.json()["stdout"].strip() == "7", r.text
    assert not binding(server, a["id"])[1]  # NULL (psql prints it as "")


def test_org_setting_requires_proof(server):
    user, h = recruiter(server, "proof-org")
    a = create(server, h, make_task(server, h)["id"])
    upload_cv(server, a["token"])
    acct.sql(server, "UPDATE organizations SET require_candidate_proof = %s WHERE id = %s",
             (True if not server.env["DATABASE_URL"].startswith("sqlite") else 1, user["organization_id"]))
    try:
        detail(server.post(f"{BASE}/token/{a['token']}/start", headers=ip()), 403, REQUIRED)
        start_v2(server, a["token"], Browser())
    finally:
        acct.sql(server, "UPDATE organizations SET require_candidate_proof = NULL WHERE id = %s",
                 (user["organization_id"],))


def test_deployment_setting_requires_proof_and_org_can_opt_out(server_factory):
    srv = server_factory.start({"CANDIDATE_PROOF_REQUIRED": "true"})
    user, h = recruiter(srv)
    a = create(srv, h, make_task(srv, h)["id"])
    upload_cv(srv, a["token"])
    detail(srv.post(f"{BASE}/token/{a['token']}/start", headers=ip()), 403, REQUIRED)
    acct.sql(srv, "UPDATE organizations SET require_candidate_proof = %s WHERE id = %s",
             (False if not srv.env["DATABASE_URL"].startswith("sqlite") else 0, user["organization_id"]))
    assert start(srv, a["token"])["token"] == a["token"]


# ---- D34 CORS ----

@pytest.mark.parametrize("header", ["X-Assessment-Session", "X-Assessment-Key-Id", "X-Assessment-Proof-Timestamp",
                                    "X-Assessment-Proof-Nonce", "X-Assessment-Proof", "Baggage", "Sentry-Trace",
                                    "Traceparent", "Tracestate"])
def test_cors_allows_todays_headers(server, header):
    origin = server.env["CORS_EXTRA_ORIGINS"].split(",")[0].strip()
    r = server.options(f"{BASE}/1/execute", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": f"x-assessment-token, {header}"})
    assert r.status_code == 200, r.text
    assert r.headers.get("Access-Control-Allow-Origin") == origin
    r = server.options(f"{BASE}/1/execute", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "x-not-allowed"})
    assert r.status_code == 400


# ---- D28-D30: S1-S3 supersets ----

def test_s1_relaxed_body(server):
    _, h = recruiter(server)
    task = make_task(server, h)
    email = f"nameless-{secrets.token_hex(4)}@example.com"
    r = server.post(BASE + "/", json={"candidate_email": email, "task_id": task["id"],
                                      "allow_external_clipboard": True}, headers=h)
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["candidate_email"] == email and a["candidate_name"] == email  # no name: the e-mail shows, as in B
    assert a["allow_external_clipboard"] is True
    assert start_v2(server, a["token"], Browser()).json()["allow_external_clipboard"] is True
    r = server.post(BASE + "/", json={"task_id": task["id"], "candidate_name": "X"}, headers=h)
    assert r.status_code == 422, r.text
    assert [(e["type"], e["loc"], e["msg"]) for e in r.json()["detail"]] == [
        ("value_error", ["body"], "Value error, candidate_email or application_id is required")]
    detail(server.post(BASE + "/", json={"application_id": 5, "task_id": task["id"]}, headers=h), 404,
           "Application not found")
    detail(server.post(BASE + "/", json={"candidate_email": email, "role_id": 5, "task_id": task["id"]}, headers=h),
           404, "Role not found")
    detail(server.post(BASE + "/", json={"candidate_email": email}, headers=h), 422,
           "task_id is required when the assessment is not tied to a role")
    r = server.post(BASE + "/", json={"candidate_email": email, "task_id": task["id"], "role_id": 0}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "role_id"], r.text


def test_s1_s3_answer_todays_107_keys(server):
    h, a = fresh(server)
    assert list(a) == TODAY_MODEL_KEYS
    assert [k for k in a if k in MODEL_KEYS] == MODEL_KEYS
    g = server.get(f"{BASE}/{a['id']}", headers=h).json()
    assert list(g) == TODAY_MODEL_KEYS
    for k in ("scoring_failed", "scoring_partial", "repo_capture_failed", "test_parse_error", "is_voided",
              "is_timer_paused", "completed_due_to_timeout", "is_demo", "allow_external_clipboard",
              "posted_to_workable"):
        assert g[k] is False, k
    for k in ("role_id", "application_id", "role_name", "taali_score", "voided_at", "superseded_by_assessment_id",
              "invite_sent_at", "cli_transcript", "git_evidence", "understanding_check", "demo_profile"):
        assert g[k] is None, k
    assert g["total_paused_seconds"] == 0 and g["ai_mode"] == "claude_cli_terminal"
    assert not set(INVITE_KEYS) & set(g)  # S3 drops the invite-delivery keys


def test_s2_items_superset_and_full_blobs(server):
    h, a = fresh(server)
    analytics = {"heuristics": {"x": 1}, "ai_scores": {"prompt_clarity": 7.5}}
    breakdown = {"tests_passed_ratio": 100.0, "errors": []}
    acct.sql(server, "UPDATE assessments SET prompt_analytics = %s, score_breakdown = %s WHERE id = %s",
             (json.dumps(analytics), json.dumps(breakdown), a["id"]))
    r = server.get(BASE + "/", params={"task_id": a["task_id"], "include_voided": "false"}, headers=h)
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    assert len(item) == 110
    assert list(item)[:len(DICT_KEYS)] == DICT_KEYS and set(item) == set(TODAY_MODEL_KEYS) | set(INVITE_KEYS)
    assert list(item)[-3:] == INVITE_KEYS and all(item[k] is None for k in INVITE_KEYS)
    # D29: the list row keeps the full blobs February's candidate page reads
    assert item["prompt_analytics"] == analytics and item["score_breakdown"] == breakdown
    assert server.get(BASE + "/", params={"task_id": a["task_id"], "include_voided": "true"},
                      headers=h).json()["total"] == 1
    # no assessment here belongs to a role or an application
    for q in ({"role_id": 1}, {"application_id": 1}):
        body = server.get(BASE + "/", params=q, headers=h).json()
        assert body["items"] == [] and body["total"] == 0
    for q, loc in (({"role_id": "x"}, ["query", "role_id"]), ({"include_voided": "maybe"}, ["query", "include_voided"])):
        r = server.get(BASE + "/", params=q, headers=h)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, r.text


# ---- D33: CV upload rules ----

def test_cv_upload_frozen_once_started_and_refused_after(server):
    h, a = fresh(server)
    upload_cv(server, a["token"])
    start(server, a["token"])
    pdf = make_pdf([["Later CV"]])
    frozen = "CV evidence is frozen once the assessment starts"
    detail(server.post(f"{BASE}/token/{a['token']}/upload-cv", files={"file": ("cv.pdf", pdf)}, headers=ip()), 409,
           frozen)
    detail(server.post(f"{BASE}/{a['id']}/upload-cv", data={"token": a["token"]}, files={"file": ("cv.pdf", pdf)},
                       headers=ip()), 409, frozen)
    acct.sql(server, "UPDATE assessments SET status = 'COMPLETED' WHERE id = %s", (a["id"],))
    detail(server.post(f"{BASE}/token/{a['token']}/upload-cv", files={"file": ("cv.pdf", pdf)}, headers=ip()), 400,
           "Assessment already submitted")
    acct.sql(server, "UPDATE assessments SET status = 'EXPIRED' WHERE id = %s", (a["id"],))
    detail(server.post(f"{BASE}/token/{a['token']}/upload-cv", files={"file": ("cv.pdf", pdf)}, headers=ip()), 400,
           "Assessment already submitted")
