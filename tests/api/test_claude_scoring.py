"""S9 submit with the model-based scoring switched on (MVP_DISABLE_CLAUDE_SCORING=false,
platform-integrations §1.3 and §4): the code review (overall_score -> code_quality_score,
raw text -> quality_analysis), the prompt-session analysis (its scores -> prompt_scores and
the prompt score columns, its fraud flags -> prompt_fraud_flags/flags), the calibration of
the first prompt (MVP_DISABLE_CALIBRATION=false) and proctoring (MVP_DISABLE_PROCTORING).
Every model failure keeps the defaults, lands in score_breakdown.errors and never fails
the submit."""

import json

import pytest

from fakes.anthropic import FakeAnthropic
from test_assessments import BASE, FIXED, get, make_task, recruiter, started, tok
from test_submit import PROMPT_SCORES, submit

AI_SCORES = ["prompt_clarity", "prompt_specificity", "prompt_efficiency", "design_thinking", "debugging_strategy",
             "prompt_progression", "independence", "written_communication", "context_utilization", "error_recovery",
             "requirement_comprehension", "learning_velocity"]
DEFAULT_CALIBRATION = ("Ask Claude to help you write a Python function that reverses a string. "
                       "Show your approach to working with AI assistance.")
QUALITY = {"correctness": {"score": 9, "explanation": "right"}, "readability": {"score": 8, "explanation": "ok"},
           "efficiency": {"score": 8, "explanation": "ok"}, "best_practices": {"score": 7, "explanation": "ok"},
           "overall_score": 8.5, "summary": "Clean fix."}
SESSION = {"scores": {"prompt_clarity": 7.25, "prompt_specificity": 6, "prompt_efficiency": "8",
                      "design_thinking": 5, "debugging_strategy": 6.5, "prompt_progression": 4,
                      "independence": 12, "written_communication": 7, "context_utilization": -3,
                      "error_recovery": "n/a", "requirement_comprehension": 9, "learning_velocity": 3},
           "per_prompt_scores": [{"index": 0, "clarity": 7, "specificity": 6, "efficiency": 11}],
           "fraud_flags": [{"type": "solution_dump", "confidence": 0.9, "evidence": "asked for the whole answer",
                            "prompt_index": 0},
                           {"type": "not_a_kind", "confidence": 1, "evidence": "x", "prompt_index": 0}]}
MESSAGE = "Why is add(2, 3) == -1? Look at line 2 of add.py"


@pytest.fixture(scope="module")
def fake():
    with FakeAnthropic() as f:
        yield f


def scoring_server(server_factory, fake, **env):
    base = {"MVP_DISABLE_CLAUDE_SCORING": "false", "ANTHROPIC_API_KEY": fake.api_key,
            "ANTHROPIC_BASE_URL": fake.url}
    base.update(env)
    return server_factory.start(base)


def chat(srv, fake, a, message=MESSAGE):
    fake.reply_text("Change the minus to a plus.")
    r = srv.post(f"{BASE}/{a['id']}/claude", json={"message": message, "code_context": "def add(a, b):\n"},
                 headers=tok(a))
    assert r.status_code == 200, r.text


def errors_of(g, component=None):
    errs = g["score_breakdown"]["errors"]
    return [e for e in errs if component is None or e["component"] == component]


def test_model_answers_drive_the_scores(server_factory, fake):
    srv = scoring_server(server_factory, fake)
    _, h = recruiter(srv)
    task = make_task(srv, h, description="Fix the add function so both tests pass.")
    a, s = started(srv, h, task)
    assert s["task"]["calibration_prompt"] is None
    chat(srv, fake, a)
    quality_text = "Here is my review:\n" + json.dumps(QUALITY)
    fake.reply_text(quality_text)
    fake.reply_text("```json\n" + json.dumps(SESSION) + "\n```")
    n = len(fake.calls())
    out = submit(srv, a, tab_switch_count=2)
    calls = [c.json for c in fake.calls()[n:]]
    assert len(calls) == 2  # no job spec: no fit call; calibration off
    review, session = calls
    assert review["max_tokens"] == 2048 and review["system"] and len(review["messages"]) == 1
    assert FIXED in review["messages"][0]["content"] and "overall_score" in review["messages"][0]["content"]
    assert session["max_tokens"] == 4096 and session["system"]
    body = session["messages"][0]["content"]
    assert MESSAGE in body and "Fix the add function so both tests pass." in body
    assert "Change the minus to a plus." in body and "fraud_flags" in body

    assert out["quality_analysis"] == quality_text
    assert list(out["prompt_scores"]) == AI_SCORES
    ps = out["prompt_scores"]
    assert ps["prompt_clarity"] == 7.25 and ps["prompt_efficiency"] == 8.0 and ps["independence"] == 10.0
    assert ps["context_utilization"] == 0.0 and ps["error_recovery"] == 0.0
    assert "solution_dump" in out["fraud_flags"] and "not_a_kind" not in out["fraud_flags"]

    g = get(srv, h, a["id"])
    assert g["code_quality_score"] == 8.5 and g["results"][-1]["score"] == "8.5/10"
    assert g["prompt_quality_score"] == 7.25 and g["prompt_efficiency_score"] == 8.0
    assert g["independence_score"] == 10.0 and g["requirement_comprehension_score"] == 9.0
    assert g["ai_usage_score"] == round((7.25 + 10.0 + 8.0) / 3, 2)
    assert g["calibration_score"] is None
    pa = g["prompt_analytics"]
    assert pa["ai_scores"] == ps
    assert pa["ai_per_prompt_scores"] == [{"index": 0, "clarity": 7.0, "specificity": 6.0, "efficiency": 10.0}]
    assert pa["calibration_prompt"] is None and pa["calibration_score"] is None
    assert {"type": "solution_dump", "confidence": 0.9, "evidence": "asked for the whole answer",
            "prompt_index": 0} in g["prompt_fraud_flags"]
    assert "solution_dump" in g["flags"] and "solution_dump" in pa["flags"]
    assert errors_of(g, "code_quality") == [] and errors_of(g, "prompt_analysis") == []
    assert g["tab_switch_count"] == 0  # proctoring still disabled


def test_default_flag_makes_no_scoring_call(server_factory, fake):
    srv = server_factory.start({"ANTHROPIC_API_KEY": fake.api_key, "ANTHROPIC_BASE_URL": fake.url})
    _, h = recruiter(srv)
    a, _ = started(srv, h)
    chat(srv, fake, a)
    n = len(fake.calls())
    out = submit(srv, a)
    assert len(fake.calls()) == n
    assert out["quality_analysis"] is None and list(out["prompt_scores"]) == PROMPT_SCORES
    g = get(srv, h, a["id"])
    assert g["code_quality_score"] == 5.0 and g["calibration_score"] is None
    assert "ai_per_prompt_scores" not in g["prompt_analytics"]


def test_model_failures_keep_defaults(server_factory, fake):
    srv = scoring_server(server_factory, fake)
    _, h = recruiter(srv)
    # an error status for the review, garbage for the session analysis
    a, _ = started(srv, h)
    chat(srv, fake, a)
    fake.reply_error(400, "bad request from the test")
    fake.reply_text("I would rather not answer in JSON.")
    out = submit(srv, a)
    assert out["success"] is True and out["quality_analysis"] is None
    assert list(out["prompt_scores"]) == PROMPT_SCORES  # the heuristic scores
    g = get(srv, h, a["id"])
    assert g["code_quality_score"] == 5.0 and "ai_per_prompt_scores" not in g["prompt_analytics"]
    [qe] = errors_of(g, "code_quality")
    assert "bad request from the test" in qe["error"]
    [pe] = errors_of(g, "prompt_analysis")
    assert set(pe) == {"component", "error"} and pe["error"]

    # a review that is not JSON: its text is still returned, the score stays 5.0
    b, _ = started(srv, h)
    fake.reply_text("Looks fine to me.")
    out = submit(srv, b)
    assert out["quality_analysis"] == "Looks fine to me."
    g = get(srv, h, b["id"])
    assert g["code_quality_score"] == 5.0 and len(errors_of(g, "code_quality")) == 1
    assert errors_of(g, "prompt_analysis") == []  # no prompts: no session analysis


def test_no_api_key_is_recorded(server_factory):
    srv = server_factory.start({"MVP_DISABLE_CLAUDE_SCORING": "false", "ANTHROPIC_API_KEY": ""})
    _, h = recruiter(srv)
    a, _ = started(srv, h)
    out = submit(srv, a)
    assert out["success"] is True and out["quality_analysis"] is None
    g = get(srv, h, a["id"])
    assert g["code_quality_score"] == 5.0 and len(errors_of(g, "code_quality")) == 1


def test_calibration(server_factory, fake):
    srv = scoring_server(server_factory, fake, MVP_DISABLE_CALIBRATION="false")
    _, h = recruiter(srv)
    task = make_task(srv, h, calibration_prompt="Ask for a palindrome checker.")
    a, s = started(srv, h, task)
    assert s["task"]["calibration_prompt"] == "Ask for a palindrome checker."
    chat(srv, fake, a, message="first prompt")
    chat(srv, fake, a, message="second prompt")
    fake.reply_text(json.dumps(QUALITY))
    fake.reply_text(json.dumps(SESSION))
    fake.reply_text(json.dumps({"scores": {**SESSION["scores"], "prompt_clarity": 6.5}}))
    n = len(fake.calls())
    submit(srv, a)
    calls = [c.json for c in fake.calls()[n:]]
    assert len(calls) == 3
    cal = calls[2]["messages"][0]["content"]
    assert "Ask for a palindrome checker." in cal and "first prompt" in cal and "second prompt" not in cal
    g = get(srv, h, a["id"])
    assert g["calibration_score"] == 6.5
    assert g["prompt_analytics"]["calibration_prompt"] == "Ask for a palindrome checker."
    assert g["prompt_analytics"]["calibration_score"] == 6.5

    # a task without one is calibrated against DEFAULT_CALIBRATION_PROMPT; a failed call leaves it null
    b, s = started(srv, h)
    assert s["task"]["calibration_prompt"] is None
    chat(srv, fake, b)
    fake.reply_text(json.dumps(QUALITY))
    fake.reply_text(json.dumps(SESSION))
    fake.reply_text("no idea")
    n = len(fake.calls())
    submit(srv, b)
    calls = [c.json for c in fake.calls()[n:]]
    assert DEFAULT_CALIBRATION in calls[2]["messages"][0]["content"]
    g = get(srv, h, b["id"])
    assert g["calibration_score"] is None and len(errors_of(g, "calibration")) == 1
    assert g["prompt_analytics"]["calibration_prompt"] == DEFAULT_CALIBRATION


def test_proctoring_on_stores_tab_switches(server_factory):
    srv = server_factory.start({"MVP_DISABLE_PROCTORING": "false"})
    _, h = recruiter(srv)
    task = make_task(srv, h, proctoring_enabled=True)
    a, s = started(srv, h, task)
    assert s["task"]["proctoring_enabled"] is True
    submit(srv, a, tab_switch_count=9)
    g = get(srv, h, a["id"])
    assert g["tab_switch_count"] == 9
    assert {"type": "tab_switching", "confidence": 0.8, "evidence": "9 tab switches recorded",
            "prompt_index": None} in g["prompt_fraud_flags"]


def test_proctoring_off_by_default(server):
    _, h = recruiter(server)
    task = make_task(server, h, proctoring_enabled=True)
    a = started(server, h, task)[0]
    submit(server, a, tab_switch_count=9)
    g = get(server, h, a["id"])
    assert g["tab_switch_count"] == 0
    assert all(f["type"] != "tab_switching" for f in g["prompt_fraud_flags"] or [])
