"""`tali rescore`: re-scoring stored assessments from what they store (the
prompts as amended at submit, the test counts, completed_at, the CV-job
match, the model's results) with the task's current score_weights, and no
sandbox or model call.  Tampered scores come back exactly as submitted;
status, timeline, notes, prompts and test results are left alone; a
changed task weight changes the final score as scoring-spec §6 says."""

import json
import subprocess

import pytest

import test_auth as acct
from conftest import tali_bin
from fakes.anthropic import FakeAnthropic
from test_assessments import create, get, make_task, recruiter, started
from test_claude_scoring import QUALITY, SESSION, chat
from test_submit import full_flow, submit

# Everything rescore writes besides scored_at (and updated_at).
SCORED = ["score", "final_score", "prompt_quality_score", "prompt_efficiency_score", "independence_score",
          "context_utilization_score", "design_thinking_score", "debugging_strategy_score",
          "written_communication_score", "learning_velocity_score", "error_recovery_score",
          "requirement_comprehension_score", "ai_usage_score", "time_efficiency_score", "score_breakdown",
          "score_weights_used", "flags", "prompt_fraud_flags", "prompt_analytics"]
CATEGORY_WEIGHTS = {"task_completion": 0.20, "prompt_clarity": 0.15, "context_provision": 0.15,
                    "independence": 0.20, "utilization": 0.10, "communication": 0.10, "approach": 0.05,
                    "cv_match": 0.05}


@pytest.fixture(scope="module")
def fake():
    with FakeAnthropic() as f:
        yield f


def rescore(srv, *args):
    return subprocess.run([tali_bin(), "rescore", *[str(a) for a in args]], env=srv.env, cwd=srv.workdir,
                          capture_output=True, text=True, timeout=60)


def tamper(srv, aid, breakdown):
    """Overwrites the scores with wrong values; the breakdown keeps its
    errors and CV-job match but loses its category scores."""
    wrong = dict(breakdown)
    wrong["category_scores"] = {k: 0.0 for k in breakdown["category_scores"]}
    acct.sql(srv, "UPDATE assessments SET final_score = 1.5, score = 0.2, prompt_quality_score = 9.9, "
                  "independence_score = 0.1, score_breakdown = %s, flags = %s WHERE id = %s",
             (json.dumps(wrong), json.dumps(["made_up"]), aid))


def assert_same_apart_from_scored_at(before, after):
    assert after["scored_at"] >= before["scored_at"]
    for k in before:
        if k not in ("scored_at", "updated_at"):
            assert after[k] == before[k], k


def test_rescore_restores_the_submitted_scores(server_factory, fake):
    """With prompts, a CV-job fit (skills/experience read back from the
    stored breakdown) and a recruiter note."""
    srv = server_factory.start({"ANTHROPIC_API_KEY": fake.api_key, "ANTHROPIC_BASE_URL": fake.url,
                                "SANDBOX_PROVIDER": "local"})
    _, h, a, _ = full_flow(srv, fake)
    before = get(srv, h, a["id"])
    assert before["score_breakdown"]["cv_job_match"] == {"overall": 8.0, "skills": 7.5, "experience": 6.0}
    assert before["prompt_analytics"]["category_scores"]["cv_match"] == 8.0 and before["total_prompts"] == 1
    tamper(srv, a["id"], before["score_breakdown"])
    assert get(srv, h, a["id"])["final_score"] == 1.5
    calls = len(fake.calls())

    out = rescore(srv, a["id"])
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"assessment {a['id']}: final_score 1.50 -> {before['final_score']:.2f}\n"
    assert len(fake.calls()) == calls  # no model call
    after = get(srv, h, a["id"])
    assert_same_apart_from_scored_at(before, after)
    for k in SCORED:
        assert after[k] == before[k], k

    # again, with nothing tampered: the same values
    out = rescore(srv, a["id"])
    assert out.returncode == 0, out.stderr
    assert_same_apart_from_scored_at(before, get(srv, h, a["id"]))


def test_rescore_keeps_the_model_results(server_factory, fake):
    """Claude scoring on at submit: the model's prompt scores, per-prompt
    scores, fraud flags and code quality survive a re-score (no call)."""
    srv = server_factory.start({"MVP_DISABLE_CLAUDE_SCORING": "false", "ANTHROPIC_API_KEY": fake.api_key,
                                "ANTHROPIC_BASE_URL": fake.url})
    _, h = recruiter(srv)
    a, _ = started(srv, h, make_task(srv, h, description="Fix the add function so both tests pass."))
    chat(srv, fake, a)
    fake.reply_text(json.dumps(QUALITY))
    fake.reply_text(json.dumps(SESSION))
    submit(srv, a)
    before = get(srv, h, a["id"])
    assert before["code_quality_score"] == 8.5 and before["prompt_quality_score"] == 7.25
    assert "solution_dump" in before["flags"]
    tamper(srv, a["id"], before["score_breakdown"])
    calls = len(fake.calls())
    out = rescore(srv, a["id"])
    assert out.returncode == 0, out.stderr
    assert len(fake.calls()) == calls
    assert_same_apart_from_scored_at(before, get(srv, h, a["id"]))


def test_rescore_org_rescores_completed_and_skips_others(server):
    user, h = recruiter(server, "rescore-org")
    task = make_task(server, h)
    done = []
    for code in ("def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a * b\n"):
        a, _ = started(server, h, task)
        submit(server, a, code=code)
        done.append(get(server, h, a["id"]))
    pending, _ = started(server, h, task)
    for g in done:
        tamper(server, g["id"], g["score_breakdown"])

    out = rescore(server, "--org", user["organization_id"])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for g in done:
        assert f"assessment {g['id']}: final_score 1.50 -> {g['final_score']:.2f}" in lines
        assert_same_apart_from_scored_at(g, get(server, h, g["id"]))
    assert f"assessment {pending['id']}: skipped (status IN_PROGRESS, not completed)" in lines
    assert lines[-1] == f"organisation {user['organization_id']}: 2 re-scored, 0 failed"
    assert get(server, h, pending["id"])["status"] == "in_progress"

    missing = rescore(server, "--org", 987654321)
    assert missing.returncode != 0 and "organisation 987654321" in missing.stderr


def test_rescore_refuses_pending_and_unknown_ids(server):
    _, h = recruiter(server, "rescore-bad")
    task = make_task(server, h)
    a, _ = started(server, h, task)
    submit(server, a)
    b = create(server, h, task["id"])

    out = rescore(server, b["id"])
    assert out.returncode != 0
    assert f"assessment {b['id']}" in out.stderr and "not a completed assessment" in out.stderr
    assert get(server, h, b["id"])["status"] == "pending"

    out = rescore(server, 987654321)
    assert out.returncode != 0 and "assessment 987654321" in out.stderr and "no such assessment" in out.stderr

    # a good id next to a bad one: the good one is re-scored, the exit is non-zero
    out = rescore(server, a["id"], b["id"])
    assert out.returncode != 0
    assert out.stdout.startswith(f"assessment {a['id']}: final_score ")
    assert f"assessment {b['id']}" in out.stderr

    for bad in (["x"], ["--org"], ["--org", "1", "2"], ["0"]):
        assert rescore(server, *bad).returncode == 2


def expected_final(categories, overrides, fraud):
    """scoring-spec §6 in Python."""
    used = {**CATEGORY_WEIGHTS, **overrides}
    ws = tw = 0.0
    for k, w in used.items():
        s = categories.get(k)
        if s is not None:
            ws += s * w * 10.0
            tw += w
    final = round(min(max(ws / tw if tw > 0 else 0.0, 0), 100), 2)
    return round(min(final, 50.0), 2) if fraud else final


def test_task_weights_change_the_final_score(server):
    _, h = recruiter(server, "rescore-weights")
    task = make_task(server, h)
    a, _ = started(server, h, task)
    submit(server, a)
    before = get(server, h, a["id"])
    cats = before["prompt_analytics"]["category_scores"]
    fraud = bool(before["prompt_analytics"]["fraud"]["flags"])
    assert before["final_score"] == expected_final(cats, {}, fraud)

    weights = {"task_completion": 0.9, "communication": 0.01}
    r = server.patch(f"/api/v1/tasks/{task['id']}", json={"score_weights": weights}, headers=h)
    assert r.status_code == 200, r.text
    out = rescore(server, a["id"])
    assert out.returncode == 0, out.stderr
    after = get(server, h, a["id"])
    want = expected_final(cats, weights, fraud)
    assert want != before["final_score"]
    assert after["final_score"] == want and after["score"] == round(want / 10, 1)
    assert out.stdout == f"assessment {a['id']}: final_score {before['final_score']:.2f} -> {want:.2f}\n"
    assert after["prompt_analytics"]["category_scores"] == cats
    assert after["prompt_analytics"]["final_score"] == want
    assert after["status"] == "completed" and after["timeline"] == before["timeline"]
    assert after["test_results"] == before["test_results"] and after["ai_prompts"] == before["ai_prompts"]
