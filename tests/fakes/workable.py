"""A fake Workable: the OAuth token endpoint and the SPI candidate activities
endpoint (platform-integrations §6.1, §6.2).

Run in-process:

    from fakes.workable import FakeWorkable
    with FakeWorkable() as fake:
        env["WORKABLE_OAUTH_BASE"] = fake.url
        env["WORKABLE_API_BASE"] = fake.api_base      # http://127.0.0.1:<port>/{subdomain}/spi/v3
        env["WORKABLE_CLIENT_ID"] = fake.client_id
        env["WORKABLE_CLIENT_SECRET"] = fake.client_secret
        ...
        fake.token_forms()[0]["code"] == "the-code"
        fake.activities("acme", "cand-1")[0]["body"].startswith("TALI Assessment Complete")

or as a process (`python3 -m fakes.workable`, prints PORT=<n>).

Behaviour:
- POST /oauth/token, application/x-www-form-urlencoded, with
  grant_type=authorization_code, the configured client_id/client_secret and
  a non-empty code -> 200 {"access_token", "refresh_token", "token_type",
  "expires_in", "subdomain"} (and "scope" when `granted_scope` is set).  The subdomain is `codes[code]` when a test set
  one, else `default_subdomain` (None leaves the key out).  A wrong client
  -> 401 {"error": "invalid_client"}; a missing code or wrong grant -> 400
  {"error": "invalid_grant"}.
- POST /<subdomain>/spi/v3/candidates/<id>/activities with
  `Authorization: Bearer <a token this fake issued for that subdomain>` and a
  JSON object body with a string "body" -> 201 {"id": "act_..."}; else 401
  or 422.  The SPI host of the real service is <subdomain>.workable.com; the
  server under test maps it into the path through WORKABLE_API_BASE.
Failures on demand: `fail_next(path_regex, status=500, n=1)` answers the next
n matching calls with an error; `drop_next(path_regex)` closes the
connection without answering.  TOKEN and ACTIVITIES are the path regexes.
"""

import json
import secrets
from urllib.parse import parse_qsl

from fakes.base import FakeServer, Reply, run_main


class FakeWorkable(FakeServer):
    TOKEN = r"/oauth/token"
    ACTIVITIES = r"/(?P<sub>[^/]+)/spi/v3/candidates/(?P<cid>[^/]+)/activities"

    def __init__(self, client_id="wk_client_id", client_secret="wk_client_secret", default_subdomain="acme", **kw):
        self.client_id = client_id
        self.client_secret = client_secret
        self.default_subdomain = default_subdomain
        self.granted_scope = None  # a string: answered as the token's "scope"
        self.codes = {}          # code -> subdomain for the tokens it yields
        self.tokens = {}         # access token -> subdomain
        super().__init__(**kw)

    def setup_routes(self):
        self.route("POST", self.TOKEN, self._token)
        self.route("POST", self.ACTIVITIES, self._activity)

    @property
    def api_base(self):
        return self.url + "/{subdomain}/spi/v3"

    # ---- what tests read ----
    def token_forms(self):
        """Decoded form bodies of every token request, oldest first."""
        return [dict(parse_qsl(r.body.decode("utf-8"), keep_blank_values=True))
                for r in self.requests_to("POST", self.TOKEN)]

    def activity_requests(self):
        return self.requests_to("POST", self.ACTIVITIES)

    def activities(self, subdomain=None, candidate_id=None):
        """JSON bodies of the activity posts, optionally for one subdomain / candidate."""
        out = []
        for r in self.activity_requests():
            parts = r.path.split("/")
            if subdomain is not None and parts[1] != subdomain:
                continue
            if candidate_id is not None and parts[5] != candidate_id:
                continue
            out.append(r.json)
        return out

    def fail_next(self, path, status=500, n=1):
        self.script("POST", path, *[Reply.json(status, {"error": "fake failure"}) for _ in range(n)])

    def drop_next(self, path):
        self.script("POST", path, Reply(drop=True))

    # ---- handlers ----
    def _token(self, req):
        if not (req.header("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return Reply.json(400, {"error": "invalid_request"})
        form = dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return Reply.json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code" or not form.get("code"):
            return Reply.json(400, {"error": "invalid_grant"})
        sub = self.codes.get(form["code"], self.default_subdomain)
        access = "wk_at_" + secrets.token_hex(12)
        with self._lock:
            self.tokens[access] = sub
        body = {"access_token": access, "refresh_token": "wk_rt_" + secrets.token_hex(12), "token_type": "bearer",
                "expires_in": 7200}
        if sub is not None:
            body["subdomain"] = sub
        if self.granted_scope is not None:
            body["scope"] = self.granted_scope
        return Reply.json(200, body)

    def _activity(self, req):
        auth = req.header("Authorization") or ""
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        with self._lock:
            sub = self.tokens.get(token)
        if sub is None or sub != req.match.group("sub"):
            return Reply.json(401, {"error": "Not authorized"})
        try:
            body = json.loads(req.body or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return Reply.json(422, {"error": "body is required"})
        return Reply.json(201, {"id": "act_" + secrets.token_hex(6)})


if __name__ == "__main__":
    run_main(FakeWorkable)
