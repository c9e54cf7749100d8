"""A fake Anthropic Messages API (POST /v1/messages) for the claude client's tests.

Run in-process:

    from fakes.anthropic import FakeAnthropic
    with FakeAnthropic() as fake:
        env["ANTHROPIC_BASE_URL"] = fake.url
        env["ANTHROPIC_API_KEY"] = fake.api_key
        fake.reply_text('{"name": ...}')          # next answer (once)
        ...
        body = fake.calls()[0].json                # what the server sent

or as a process (`python3 -m fakes.anthropic`, prints PORT=<n>).

Behaviour, as the real API:
- wrong/missing `x-api-key` -> 401 authentication_error; missing
  `anthropic-version` -> 400 invalid_request_error;
- a body without model, a positive int max_tokens, or a non-empty messages
  list -> 400 invalid_request_error;
- otherwise 200 with {"id","type":"message","role":"assistant","model",
  "content":[{"type":"text","text":...}],"stop_reason":"end_turn",
  "stop_sequence":null,"usage":{"input_tokens","output_tokens"}}.
  The default text is `default_text`; queued replies (reply_text,
  reply_error, reply_raw, reply_slow, drop_next) answer the next calls in
  order, each once.
Token counts are derived from the text lengths (whitespace-split words), so
tests can assert they travel through.
"""

import json
import threading

from fakes.base import FakeServer, Reply, run_main

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "request_timeout",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_body(status, message=None, etype=None):
    etype = etype or ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": etype, "message": message or etype.replace("_", " ")}}


class FakeAnthropic(FakeServer):
    PATH = r"/v1/messages"

    def __init__(self, api_key="sk-ant-test-key", default_text="Hello from the fake model.", **kw):
        self.api_key = api_key
        self.default_text = default_text
        self._queue = []
        self._qlock = threading.Lock()
        super().__init__(**kw)

    def setup_routes(self):
        self.route("POST", self.PATH, self.messages)

    # ---- scripting (each queued reply answers one call, in order) ----
    def _push(self, reply):
        with self._qlock:
            self._queue.append(reply)

    def reply_text(self, text, stop_reason="end_turn", input_tokens=None, output_tokens=None, delay=0.0):
        self._push(("text", text, stop_reason, input_tokens, output_tokens, delay))

    def reply_content(self, content, delay=0.0):
        """A 200 whose `content` is exactly `content` (e.g. [] or a tool_use block)."""
        self._push(("content", content, delay))

    def reply_error(self, status, message=None, etype=None, headers=None, delay=0.0):
        self._push(("reply", Reply.json(status, error_body(status, message, etype), headers, delay)))

    def reply_raw(self, status, text, content_type="application/json", delay=0.0):
        self._push(("reply", Reply.text(status, text, content_type, delay=delay)))

    def reply_slow(self, seconds, text=None):
        self.reply_text(text if text is not None else self.default_text, delay=seconds)

    def drop_next(self):
        self._push(("reply", Reply(drop=True)))

    def calls(self):
        return self.requests_to("POST", self.PATH)

    # ---- the endpoint ----
    def _message(self, body, text, stop_reason="end_turn", input_tokens=None, output_tokens=None, content=None):
        words_in = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", [])
                       if isinstance(m, dict))
        if content is None:
            content = [{"type": "text", "text": text}]
        return {
            "id": f"msg_fake_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens if input_tokens is not None else 10 + words_in,
                "output_tokens": output_tokens if output_tokens is not None else 1 + len((text or "").split()),
            },
        }

    def messages(self, req):
        if req.header("x-api-key") != self.api_key:
            return Reply.json(401, error_body(401, "invalid x-api-key"))
        if not req.header("anthropic-version"):
            return Reply.json(400, error_body(400, "anthropic-version: header is required"))
        body = req.json
        if not isinstance(body, dict):
            return Reply.json(400, error_body(400, "request body is not valid JSON"))
        msgs = body.get("messages")
        mt = body.get("max_tokens")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return Reply.json(400, error_body(400, "model: Field required"))
        if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
            return Reply.json(400, error_body(400, "max_tokens: Field required"))
        if not isinstance(msgs, list) or not msgs:
            return Reply.json(400, error_body(400, "messages: at least one message is required"))
        for m in msgs:
            if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
                return Reply.json(400, error_body(400, "messages: each message needs a user/assistant role"))
            if m.get("content") in ("", None, []):
                return Reply.json(400, error_body(400, "messages: text content blocks must be non-empty"))
        with self._qlock:
            item = self._queue.pop(0) if self._queue else None
        if item is None:
            return Reply.json(200, self._message(body, self.default_text))
        kind = item[0]
        if kind == "text":
            _, text, stop, tin, tout, delay = item
            return Reply.json(200, self._message(body, text, stop, tin, tout), delay=delay)
        if kind == "content":
            _, content, delay = item
            return Reply.json(200, self._message(body, "", content=content), delay=delay)
        return item[1]


if __name__ == "__main__":
    run_main(FakeAnthropic)
