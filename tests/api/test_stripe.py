"""Stripe billing: B2 POST /api/v1/billing/checkout-session and W2 POST
/api/v1/webhooks/stripe, under both values of MVP_DISABLE_STRIPE.

api-contract B2, W2, §1.3 (precedence), §1.11; platform-integrations §1.3,
§7.  The Stripe API is tests/fakes/stripe.py; webhook signatures are made
here with hmac as Stripe makes them (t=<unix>,v1=<hex HMAC-SHA256 of
"<t>.<body>"> keyed with the whole whsec_ secret).  Port decisions under
test: a customer-creation failure is a JSON 500 (policy fix 1), and each
event id is applied once (a redelivery answers 200 and changes nothing)."""

import hashlib
import hmac
import json
import threading
import time
import uuid

import pytest

import test_auth as acct
from fakes.stripe import FakeStripe
from helpers import assert_json_detail

CHECKOUT = "/api/v1/billing/checkout-session"
WEBHOOK = "/api/v1/webhooks/stripe"
ORG = "/api/v1/organizations/me"
SECRET = "whsec_test_api_suite_secret"
URLS = {"success_url": "http://localhost:5173/#/settings?payment=success", "cancel_url": "http://localhost:5173/#/settings"}
PAYMENT_ERROR = "Payment service error. Please try again."


# ---- helpers --------------------------------------------------------------

def sign(body, secret=SECRET, t=None):
    t = int(time.time()) if t is None else t
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(etype, obj, eid=None):
    return {"id": eid or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": etype,
            "data": {"object": obj}, "livemode": False, "created": int(time.time())}


def post_event(server, ev, secret=SECRET, header=None):
    body = json.dumps(ev).encode() if not isinstance(ev, bytes) else ev
    h = {"Content-Type": "application/json", "Stripe-Signature": header or sign(body, secret)}
    return server.post(WEBHOOK, data=body, headers=h)


def assert_received(r):
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "received"}


def org_of(server, token):
    r = server.get(ORG, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def org_column(server, org_id, column):
    # psql prints NULL as an empty line, which acct.sql drops: prefix it.
    rows = acct.sql(server, f"SELECT 'v:' || COALESCE({column}, '') FROM organizations WHERE id = %s", (org_id,))
    value = rows[0][0][len("v:"):]
    return value or None


def set_used(server, org_id, n):
    acct.sql(server, "UPDATE organizations SET assessments_used = %s WHERE id = %s", (n, org_id))


def set_customer(server, org_id, customer):
    acct.sql(server, "UPDATE organizations SET stripe_customer_id = %s WHERE id = %s", (customer, org_id))


@pytest.fixture
def fake_stripe():
    with FakeStripe() as fake:
        yield fake


def enabled(fake=None, key=None, secret=SECRET):
    env = {"MVP_DISABLE_STRIPE": "false", "STRIPE_WEBHOOK_SECRET": secret}
    if fake is not None:
        env["STRIPE_API_BASE"] = fake.url
        env["STRIPE_API_KEY"] = fake.api_key
    if key is not None:
        env["STRIPE_API_KEY"] = key
    return env


# ---- MVP flag on (the default) -------------------------------------------

def test_checkout_mvp_ladder(server):
    _, token, _ = acct.new_account(server)
    r = server.post(CHECKOUT, json=URLS)
    assert_json_detail(r, 401, "Not authenticated")
    assert_json_detail(server.post(CHECKOUT, json={}, headers=acct.auth("nonsense")), 401,
                       "Invalid or expired token")
    # a body that is not JSON is a 422 before authentication
    r = server.post(CHECKOUT, data=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid", r.text
    # validation before the flag
    r = server.post(CHECKOUT, json={}, headers=acct.auth(token))
    assert r.status_code == 422, r.text
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("missing", ["body", "success_url"]),
                                                                 ("missing", ["body", "cancel_url"])]
    r = server.post(CHECKOUT, json={"success_url": 5, "cancel_url": "x"}, headers=acct.auth(token))
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_type", r.text
    # not validated as URLs
    assert_json_detail(server.post(CHECKOUT, json={"success_url": "not a url", "cancel_url": ""},
                                   headers=acct.auth(token)), 503, "Billing is disabled for MVP pilot")
    assert_json_detail(server.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 503,
                       "Billing is disabled for MVP pilot")


def test_webhook_mvp_before_anything(server):
    for body, headers in ((b"", {}), (b"not json", {"Stripe-Signature": "garbage"}),
                          (json.dumps(event("payment_intent.succeeded", {})).encode(),
                           {"Stripe-Signature": sign(b"{}")})):
        assert_json_detail(server.post(WEBHOOK, data=body, headers=headers), 503,
                           "Stripe integration is disabled for MVP")


# ---- flag off, configuration missing -------------------------------------

def test_enabled_without_keys(server_factory):
    srv = server_factory.start({"MVP_DISABLE_STRIPE": "false"})
    _, token, _ = acct.new_account(srv)
    assert_json_detail(srv.post(CHECKOUT, json=URLS), 401, "Not authenticated")
    assert srv.post(CHECKOUT, json={"cancel_url": "x"}, headers=acct.auth(token)).status_code == 422
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 503, "Stripe is not configured")
    body = json.dumps(event("payment_intent.succeeded", {})).encode()
    assert_json_detail(srv.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body)}), 503,
                       "Stripe webhook secret is not configured")


@pytest.mark.parametrize("key", ["rk_test_restricted", "pk_test_publishable", "SK_test_upper", "sk"])
def test_key_must_start_with_sk(server_factory, fake_stripe, key):
    srv = server_factory.start(enabled(fake_stripe, key=key))
    _, token, _ = acct.new_account(srv)
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 503, "Stripe is not configured")
    assert fake_stripe.requests == []


# ---- checkout against the fake -------------------------------------------

def test_checkout_creates_customer_once_and_session(server_factory, fake_stripe):
    srv = server_factory.start(enabled(fake_stripe))
    user, token, email = acct.new_account(srv, full_name="Grace Hopper")
    org_id = user["organization_id"]

    r = srv.post(CHECKOUT, json=URLS, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["url"]
    url = r.json()["url"]
    assert url.startswith("https://checkout.stripe.test/c/pay/cs_test_")

    customers = fake_stripe.forms(FakeStripe.CUSTOMERS)
    assert customers == [{"email": email, "name": "Grace Hopper", "metadata[org_id]": str(org_id),
                          "metadata[platform]": "tali"}]
    call = fake_stripe.requests_to("POST", FakeStripe.CUSTOMERS)[0]
    assert call.header("Authorization") == f"Bearer {fake_stripe.api_key}"
    assert call.header("Stripe-Version") == "2024-06-20"
    assert call.header("Content-Type").startswith("application/x-www-form-urlencoded")
    customer_id = org_column(srv, org_id, "stripe_customer_id")
    assert customer_id in fake_stripe.customers

    sessions = fake_stripe.forms(FakeStripe.SESSIONS)
    assert sessions == [{
        "customer": customer_id,
        "payment_method_types[0]": "card",
        "line_items[0][price_data][currency]": "gbp",
        "line_items[0][price_data][product_data][name]": "TALI Assessment",
        "line_items[0][price_data][product_data][description]": "One technical assessment",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][quantity]": "1",
        "mode": "payment",
        "success_url": URLS["success_url"],
        "cancel_url": URLS["cancel_url"],
        "metadata[org_id]": str(org_id),
        "metadata[type]": "assessment",
    }]
    assert url.endswith(list(fake_stripe.sessions)[0])

    # a second checkout reuses the stored customer
    odd = {"success_url": "https://x.test/a b?c=d&e=ü#frag", "cancel_url": "plain text, not a URL"}
    r = srv.post(CHECKOUT, json=odd, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert len(fake_stripe.forms(FakeStripe.CUSTOMERS)) == 1
    second = fake_stripe.forms(FakeStripe.SESSIONS)[1]
    assert second["customer"] == customer_id
    assert second["success_url"] == odd["success_url"] and second["cancel_url"] == odd["cancel_url"]
    assert org_column(srv, org_id, "stripe_customer_id") == customer_id
    # the organisation view never shows Stripe ids
    assert "stripe_customer_id" not in org_of(srv, token)


def test_checkout_customer_name_falls_back_to_email(server_factory, fake_stripe):
    srv = server_factory.start(enabled(fake_stripe))
    user, token, email = acct.new_account(srv)
    acct.sql(srv, "UPDATE users SET full_name = NULL WHERE id = %s", (user["id"],))
    assert srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)).status_code == 200
    assert fake_stripe.forms(FakeStripe.CUSTOMERS)[0]["name"] == email


def test_checkout_failures(server_factory, fake_stripe):
    srv = server_factory.start(enabled(fake_stripe))
    user, token, _ = acct.new_account(srv)
    org_id = user["organization_id"]

    # customer creation fails: a JSON 500 (the original's was plain text), nothing stored
    fake_stripe.fail_next(FakeStripe.CUSTOMERS, 500)
    r = srv.post(CHECKOUT, json=URLS, headers=acct.auth(token))
    assert_json_detail(r, 500, "Internal Server Error")
    assert org_column(srv, org_id, "stripe_customer_id") is None
    assert fake_stripe.forms(FakeStripe.SESSIONS) == []

    # session creation fails (an error answer, a dropped connection): 502
    fake_stripe.fail_next(FakeStripe.SESSIONS, 400, message="Invalid currency")
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 502, PAYMENT_ERROR)
    # the customer made on the way is kept for next time
    customer_id = org_column(srv, org_id, "stripe_customer_id")
    assert customer_id in fake_stripe.customers
    fake_stripe.drop_next(FakeStripe.SESSIONS)
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 502, PAYMENT_ERROR)
    fake_stripe.fail_next(FakeStripe.SESSIONS, 503)
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 502, PAYMENT_ERROR)

    # and the next try works with the same customer
    r = srv.post(CHECKOUT, json=URLS, headers=acct.auth(token))
    assert r.status_code == 200, r.text
    assert len(fake_stripe.forms(FakeStripe.CUSTOMERS)) == 2
    assert fake_stripe.forms(FakeStripe.SESSIONS)[-1]["customer"] == customer_id


def test_checkout_wrong_key_at_stripe_is_a_failure(server_factory, fake_stripe):
    srv = server_factory.start(enabled(fake_stripe, key="sk_test_not_the_fakes_key"))
    _, token, _ = acct.new_account(srv)
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 500, "Internal Server Error")
    assert fake_stripe.forms(FakeStripe.SESSIONS) == []


def test_checkout_without_organization(server_factory, fake_stripe):
    srv = server_factory.start(enabled(fake_stripe))
    _, token, _ = acct.new_account(srv, org="")
    assert_json_detail(srv.post(CHECKOUT, json=URLS, headers=acct.auth(token)), 404, "Organization not found")
    assert fake_stripe.requests == []


# ---- webhook: effects, idempotency, tenant isolation ---------------------

def test_webhook_effects_and_replays(server_factory):
    srv = server_factory.start(enabled())
    a_user, a_token, _ = acct.new_account(srv)
    b_user, b_token, _ = acct.new_account(srv)
    a, b = a_user["organization_id"], b_user["organization_id"]
    set_used(srv, a, 2)
    set_used(srv, b, 5)

    # payment_intent.succeeded credits metadata.org_id one assessment
    paid = event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent", "amount": 2500,
                                              "metadata": {"org_id": str(a), "type": "assessment"}})
    assert_received(post_event(srv, paid))
    assert org_of(srv, a_token)["assessments_used"] == 1
    assert org_of(srv, b_token)["assessments_used"] == 5
    # the same event delivered again changes nothing
    assert_received(post_event(srv, paid))
    assert_received(post_event(srv, paid, header=sign(json.dumps(paid).encode(), t=int(time.time()) + 5)))
    assert org_of(srv, a_token)["assessments_used"] == 1
    # a new event credits again, floored at 0
    for _ in range(3):
        assert_received(post_event(srv, event("payment_intent.succeeded", {"metadata": {"org_id": str(a)}})))
    assert org_of(srv, a_token)["assessments_used"] == 0
    assert org_of(srv, b_token)["assessments_used"] == 5
    # no org id, an empty one, an unknown org, one that is not an integer: nothing happens
    for meta in ({}, {"org_id": ""}, {"org_id": "999999"}, {"org_id": "abc"}, {"org_id": "1.5"}):
        assert_received(post_event(srv, event("payment_intent.succeeded", {"metadata": meta})))
    assert_received(post_event(srv, event("payment_intent.succeeded", {})))
    assert org_of(srv, b_token)["assessments_used"] == 5
    # int() rules: blanks around are fine
    assert_received(post_event(srv, event("payment_intent.succeeded", {"metadata": {"org_id": f" {b} "}})))
    assert org_of(srv, b_token)["assessments_used"] == 4
    # a failed payment, a completed checkout, unknown types: ignored
    for t in ("payment_intent.payment_failed", "checkout.session.completed", "invoice.payment_failed", "x.y"):
        assert_received(post_event(srv, event(t, {"metadata": {"org_id": str(b)}, "customer": "cus_b"})))
    assert org_of(srv, b_token)["assessments_used"] == 4

    # subscriptions find the org by its Stripe customer
    set_customer(srv, a, f"cus_a_{a}")
    set_customer(srv, b, f"cus_b_{b}")
    upd = event("customer.subscription.updated", {"id": "sub_A1", "object": "subscription",
                                                   "customer": f"cus_a_{a}", "status": "active"})
    assert_received(post_event(srv, upd))
    assert org_of(srv, a_token)["plan"] == "monthly"
    assert org_column(srv, a, "stripe_subscription_id") == "sub_A1"
    assert org_of(srv, b_token)["plan"] == "pay_per_use"
    assert org_column(srv, b, "stripe_subscription_id") is None

    deleted = event("customer.subscription.deleted", {"id": "sub_A1", "customer": f"cus_a_{a}",
                                                      "status": "canceled"})
    assert_received(post_event(srv, deleted))
    assert org_of(srv, a_token)["plan"] == "pay_per_use"
    assert org_column(srv, a, "stripe_subscription_id") is None
    # a late redelivery of the earlier update does not bring the plan back
    assert_received(post_event(srv, upd))
    assert org_of(srv, a_token)["plan"] == "pay_per_use"
    assert org_column(srv, a, "stripe_subscription_id") is None

    # not active -> pay_per_use, subscription id still stored
    assert_received(post_event(srv, event("customer.subscription.updated",
                                          {"id": "sub_B1", "customer": f"cus_b_{b}", "status": "active"})))
    assert org_of(srv, b_token)["plan"] == "monthly"
    assert_received(post_event(srv, event("customer.subscription.updated",
                                          {"id": "sub_B2", "customer": f"cus_b_{b}", "status": "past_due"})))
    assert org_of(srv, b_token)["plan"] == "pay_per_use"
    assert org_column(srv, b, "stripe_subscription_id") == "sub_B2"
    assert org_of(srv, a_token)["plan"] == "pay_per_use"
    # an unknown customer touches nobody
    assert_received(post_event(srv, event("customer.subscription.updated",
                                          {"id": "sub_X", "customer": "cus_nobody", "status": "active"})))
    assert_received(post_event(srv, event("customer.subscription.deleted", {"customer": "cus_nobody"})))
    assert org_of(srv, a_token)["plan"] == "pay_per_use" and org_of(srv, b_token)["plan"] == "pay_per_use"
    assert org_column(srv, b, "stripe_subscription_id") == "sub_B2"


def test_webhook_concurrent_redeliveries_apply_once(server_factory):
    srv = server_factory.start(enabled())
    user, token, _ = acct.new_account(srv)
    org_id = user["organization_id"]
    set_used(srv, org_id, 10)
    ev = event("payment_intent.succeeded", {"metadata": {"org_id": str(org_id)}})
    results = []

    def deliver():
        results.append(post_event(srv, ev).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    assert org_of(srv, token)["assessments_used"] == 9


# ---- webhook: the signature and payload ladder ---------------------------

def test_webhook_signature_ladder(server_factory):
    srv = server_factory.start(enabled())
    user, token, _ = acct.new_account(srv)
    org_id = user["organization_id"]
    set_used(srv, org_id, 3)
    ev = event("payment_intent.succeeded", {"metadata": {"org_id": str(org_id)}})
    body = json.dumps(ev).encode()
    now = int(time.time())
    good = hmac.new(SECRET.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()

    def refused(headers, data=body, detail="Invalid signature"):
        r = srv.post(WEBHOOK, data=data, headers=headers)
        assert_json_detail(r, 400, detail)

    refused({})                                                          # no header
    refused({"Stripe-Signature": sign(body, secret="whsec_wrong")})      # wrong secret
    refused({"Stripe-Signature": sign(body, secret=SECRET[len("whsec_"):])})  # the key is the whole secret
    refused({"Stripe-Signature": sign(body, t=now - 400)})               # older than 300 s
    refused({"Stripe-Signature": sign(body)}, data=body.replace(b'"payment_intent', b'"Payment_intent'))  # tampered
    refused({"Stripe-Signature": sign(body)}, data=body + b" ")
    for header in ("garbage", "", ",", f"v1={good}", f"t=abc,v1={good}", f"t,v1={good}",
                   f"t={now}", f"t={now},v0={good}", f"t={now},v1", f"t={now}, v1={good}",
                   f"T={now},v1={good}", f"t={now},v1={good.upper()}", f"t={now + 1},v1={good}"):
        refused({"Stripe-Signature": header})
    assert org_of(srv, token)["assessments_used"] == 3

    # any v1 may match; other schemes and a future timestamp are fine
    other = hmac.new(b"whsec_other", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    assert_received(srv.post(WEBHOOK, data=body,
                             headers={"Stripe-Signature": f"t={now},v1={other},v0=ff,v1={good}"}))
    assert org_of(srv, token)["assessments_used"] == 2
    future = event("payment_intent.succeeded", {"metadata": {"org_id": str(org_id)}})
    assert_received(post_event(srv, future, header=sign(json.dumps(future).encode(), t=now + 3600)))
    assert org_of(srv, token)["assessments_used"] == 1
    recent = event("payment_intent.succeeded", {"metadata": {"org_id": str(org_id)}})
    assert_received(post_event(srv, recent, header=sign(json.dumps(recent).encode(), t=now - 200)))
    assert org_of(srv, token)["assessments_used"] == 0

    # verified bodies that are not a JSON object: Invalid payload
    for data in (b"", b"{", b"not json", b"[1, 2]", b'"event"'):
        refused({"Stripe-Signature": sign(data)}, data=data, detail="Invalid payload")
    # a body that is not UTF-8 is refused as a payload, whatever the signature
    bad_utf8 = b'{"id": "evt_\xff"}'
    refused({"Stripe-Signature": sign(bad_utf8)}, data=bad_utf8, detail="Invalid payload")
    refused({"Stripe-Signature": "garbage"}, data=bad_utf8, detail="Invalid payload")
    # the content type does not matter
    ev2 = json.dumps(event("x.y", {})).encode()
    assert_received(srv.post(WEBHOOK, data=ev2, headers={"Stripe-Signature": sign(ev2),
                                                         "Content-Type": "text/plain"}))
