"""A fake Stripe REST API (the two calls of the checkout, platform-integrations §7.1).

Run in-process:

    from fakes.stripe import FakeStripe
    with FakeStripe() as fake:
        env["STRIPE_API_BASE"] = fake.url
        env["STRIPE_API_KEY"] = fake.api_key
        ...
        fake.forms("/v1/checkout/sessions")[0]["metadata[type]"] == "assessment"

or as a process (`python3 -m fakes.stripe`, prints PORT=<n>).

Behaviour, as the real API:
- every call needs `Authorization: Bearer <api_key>`, else 401
  {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: ..."}};
  the body must be application/x-www-form-urlencoded, else 400;
- POST /v1/customers -> 200 {"id": "cus_…", "object": "customer", "email", "name", "metadata"};
- POST /v1/checkout/sessions -> 200 {"id": "cs_test_…", "object": "checkout.session",
  "url": "https://checkout.stripe.test/c/pay/cs_test_…", "customer", "mode", "metadata"};
  a session without `customer`, `mode` or a line item -> 400 parameter_missing.
Form bodies are recorded and decoded: `forms(path)` gives one dict per call
(bracketed keys kept flat, e.g. "line_items[0][price_data][currency]").
Failures on demand: `fail_next(path, status=500, n=1, message=...)` answers
the next n calls to that path with Stripe's error shape; `drop_next(path)`
closes the connection without answering.
"""

import secrets
from urllib.parse import parse_qsl

from fakes.base import FakeServer, Reply, run_main

ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 402: "card_error",
               404: "invalid_request_error", 429: "rate_limit_error"}


def error_reply(status, message, code=None, param=None):
    err = {"type": ERROR_TYPES.get(status, "api_error"), "message": message}
    if code:
        err["code"] = code
    if param:
        err["param"] = param
    return Reply.json(status, {"error": err})


class FakeStripe(FakeServer):
    CUSTOMERS = r"/v1/customers"
    SESSIONS = r"/v1/checkout/sessions"

    def __init__(self, api_key="sk_test_fake_key", **kw):
        self.api_key = api_key
        self.customers = {}      # id -> form
        self.sessions = {}       # id -> form
        super().__init__(**kw)

    def setup_routes(self):
        self.route("POST", self.CUSTOMERS, self._create_customer)
        self.route("POST", self.SESSIONS, self._create_session)

    # ---- what tests read ----
    def forms(self, path):
        """Decoded form bodies of every call to path (a regex), oldest first."""
        return [dict(parse_qsl(r.body.decode("utf-8"), keep_blank_values=True))
                for r in self.requests_to("POST", path)]

    def fail_next(self, path, status=500, n=1, message="An unknown error occurred"):
        self.script("POST", path, *[error_reply(status, message) for _ in range(n)])

    def drop_next(self, path):
        self.script("POST", path, Reply(drop=True))

    # ---- handlers ----
    def _check(self, req):
        if req.header("Authorization") != f"Bearer {self.api_key}":
            shown = (req.header("Authorization") or "")[len("Bearer "):]
            return error_reply(401, f"Invalid API Key provided: {shown[:8]}***")
        if not (req.header("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return error_reply(400, "Invalid request: expected a form-encoded body")
        return None

    @staticmethod
    def _metadata(form):
        return {k[len("metadata["):-1]: v for k, v in form.items() if k.startswith("metadata[") and k.endswith("]")}

    def _create_customer(self, req):
        bad = self._check(req)
        if bad:
            return bad
        form = dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
        cid = "cus_" + secrets.token_hex(7)
        with self._lock:
            self.customers[cid] = form
        return Reply.json(200, {"id": cid, "object": "customer", "email": form.get("email"),
                                "name": form.get("name"), "metadata": self._metadata(form)})

    def _create_session(self, req):
        bad = self._check(req)
        if bad:
            return bad
        form = dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
        for param in ("mode", "line_items[0][quantity]", "success_url"):
            if param not in form:
                return error_reply(400, f"Missing required param: {param}.", "parameter_missing", param)
        customer = form.get("customer")
        if customer and customer not in self.customers:
            return error_reply(400, f"No such customer: '{customer}'", "resource_missing", "customer")
        sid = "cs_test_" + secrets.token_hex(12)
        with self._lock:
            self.sessions[sid] = form
        return Reply.json(200, {"id": sid, "object": "checkout.session",
                                "url": f"https://checkout.stripe.test/c/pay/{sid}", "customer": customer,
                                "mode": form.get("mode"), "metadata": self._metadata(form)})


if __name__ == "__main__":
    run_main(FakeStripe)
