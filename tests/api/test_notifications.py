"""E-mail delivery through the durable job queue: the outbox (no provider),
Resend's HTTP API (fake server, with retries) and SMTP (a local sink)."""

import base64
import email
import email.policy
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fakes"))
from resend import FakeResend  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def wait_until(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def test_outbox_receives_escaped_verification_email(server):
    to = f"outbox-{time.monotonic_ns()}@example.com"
    r = server.post("/__test__/notify", json={"template": "verification", "to": to,
                                               "name": "<script>alert(1)</script>", "token": "abc+/="})
    assert r.status_code == 202
    msg = wait_until(lambda: next((m for m in server.get("/__test__/outbox?limit=50").json() if m["to"] == to), None))
    assert msg, "the verification e-mail never reached the outbox"
    assert msg["subject"] == "TALI \u2014 Verify your email address"
    # the link carries the token URL-encoded and the name is HTML-escaped
    assert msg["link"] == ("http://localhost:5173/verify-email?token=abc%2B%2F%3D"  # spec v2 D11
                           "#/verify-email?token=abc%2B%2F%3D")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in msg["html"]
    assert "<script>" not in msg["html"]


def test_invite_and_results_subjects(server):
    to = f"cand-{time.monotonic_ns()}@example.com"
    server.post("/__test__/notify", json={"template": "invite", "to": to, "name": "Ada",
                                          "org": "Acme", "position": "Backend", "token": "T0K"})
    server.post("/__test__/notify", json={"template": "results", "to": to, "name": "Ada"})
    msgs = wait_until(lambda: [m for m in server.get("/__test__/outbox?limit=50").json() if m["to"] == to]
                      if len([m for m in server.get("/__test__/outbox?limit=50").json() if m["to"] == to]) == 2
                      else None)
    assert msgs, "both e-mails should reach the outbox"
    subjects = {m["subject"] for m in msgs}
    assert "Technical Assessment Invitation \u2014 Backend at Acme" in subjects
    assert "Assessment Complete: Ada \u2014 7%" in subjects
    invite = next(m for m in msgs if m["subject"].startswith("Technical"))
    assert invite["link"] == "http://localhost:5173/assessment/7?token=T0K"


def test_outbox_command_lists_messages(server):
    to = f"cli-{time.monotonic_ns()}@example.com"
    server.post("/__test__/notify", json={"template": "reset", "to": to, "token": "resettoken"})
    assert wait_until(lambda: any(m["to"] == to for m in server.get("/__test__/outbox").json()))
    import subprocess
    from conftest import tali_bin
    out = subprocess.run([tali_bin(), "outbox", "50"], env=server.env, cwd=server.workdir,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert to in out.stdout
    assert "/reset-password?token=resettoken#/reset-password?token=resettoken" in out.stdout


@pytest.fixture
def resend():
    fake = FakeResend().start()
    yield fake
    fake.stop()


def test_resend_adapter_sends_and_retries(server_factory, resend):
    srv = server_factory.start({"RESEND_API_KEY": resend.api_key, "RESEND_BASE_URL": resend.url,
                                "JOBS_RETRY_DELAY_SECONDS": "1", "EMAIL_FROM": "TALI <noreply@tali.dev>"})
    resend.fail_next(2, 500)
    r = srv.post("/__test__/notify", json={"template": "team", "to": "member@example.com"})
    assert r.status_code == 202
    # two failures, then success on the third attempt
    assert wait_until(lambda: len(resend.emails()) >= 3, timeout=20), resend.requests
    body = resend.emails()[-1]
    assert body["from"] == "TALI <noreply@tali.dev>"
    assert body["to"] == ["member@example.com"]
    assert body["subject"] == "TALI \u2014 Reset your password"
    assert "http://localhost:5173/#/forgot-password" in body["html"]
    hdrs = resend.requests[-1]["headers"]
    assert hdrs["Authorization"] == f"Bearer {resend.api_key}"
    # nothing went to the outbox, and the job is done (not failed)
    assert srv.get("/__test__/outbox").json() == []
    health = wait_until(lambda: (lambda h: h if h["jobs"]["running"] == 0 and h["jobs"]["queued"] == 0 else None)(
        srv.get("/health").json()))
    assert health and health["jobs"]["failed"] == 0


def test_resend_gives_up_after_four_attempts(server_factory, resend):
    srv = server_factory.start({"RESEND_API_KEY": resend.api_key, "RESEND_BASE_URL": resend.url,
                                "JOBS_RETRY_DELAY_SECONDS": "0"})
    resend.fail_next(100, 503)
    srv.post("/__test__/notify", json={"template": "reset", "to": "x@example.com"})
    health = wait_until(lambda: (lambda h: h if h["jobs"]["failed"] == 1 else None)(srv.get("/health").json()),
                        timeout=20)
    assert health, "the job should end as failed"
    assert len(resend.emails()) == 4  # the original: 3 retries


def test_smtp_adapter_delivers_utf8(server_factory):
    sink = SmtpSink().start()
    try:
        srv = server_factory.start({"SMTP_URL": sink.url, "EMAIL_FROM": "TALI <noreply@tali.dev>"})
        srv.post("/__test__/notify", json={"template": "invite", "to": "cand@example.com", "name": "Zoë",
                                           "org": "Café Ltd", "position": "Dev — Senior", "token": "tok"})
        assert wait_until(lambda: sink.messages, timeout=15), "the SMTP sink received nothing"
        mail_from, rcpt, data = sink.messages[0]
        assert mail_from == "noreply@tali.dev"
        assert rcpt == ["cand@example.com"]
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert msg["Subject"] == "Technical Assessment Invitation \u2014 Dev \u2014 Senior at Caf\u00e9 Ltd"
        html = msg.get_content()
        assert "Zo\u00eb" in html and "http://localhost:5173/assessment/7?token=tok" in html
    finally:
        sink.stop()
