"""JSON request bodies (api-contract §1.2, §1.3) through the test-hooks echo
route `POST /__test__/echo`, which answers the parsed body."""

import pytest

from helpers import assert_security_headers

ECHO = "/__test__/echo"


def echo(server, body, content_type="application/json", **kw):
    headers = kw.pop("headers", {})
    if content_type is not None:
        headers["Content-Type"] = content_type
    return server.post(ECHO, data=body, headers=headers, **kw)


def test_echo_roundtrip(server):
    r = server.post(ECHO, json={"a": 1, "b": [1, 2.5, None, True], "c": {"d": "e"}})
    assert r.status_code == 200, r.text
    assert r.json() == {"a": 1, "b": [1, 2.5, None, True], "c": {"d": "e"}}
    assert_security_headers(r)


def test_echo_preserves_key_order_compact(server):
    r = echo(server, b'{"z": 1, "a": 2, "m": 3}')
    assert r.status_code == 200
    assert r.content == b'{"z":1,"a":2,"m":3}'


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8",
                                   "application/vnd.api+json", None])
def test_json_content_types_accepted(server, ctype):
    r = echo(server, b'{"ok": true}', content_type=ctype)
    assert r.status_code == 200, (ctype, r.text)
    assert r.json() == {"ok": True}


def assert_json_invalid(r, offset):
    assert r.status_code == 422, r.text
    assert r.headers.get("Content-Type") == "application/json"
    detail = r.json()["detail"]
    assert isinstance(detail, list) and len(detail) == 1, detail
    err = detail[0]
    assert err["type"] == "json_invalid"
    assert err["loc"] == ["body", offset], err["loc"]
    assert isinstance(err["loc"][1], int)
    assert err["msg"] == "JSON decode error"
    assert err["input"] == {}
    assert isinstance(err.get("ctx", {}).get("error"), str) and err["ctx"]["error"], err
    assert "url" not in err
    assert_security_headers(r)


def test_malformed_json_422(server):
    assert_json_invalid(echo(server, b'{"a": 1,}'), 8)


def test_malformed_json_expecting_value(server):
    r = echo(server, b'{"a": }')
    assert_json_invalid(r, 6)
    assert r.json()["detail"][0]["ctx"] == {"error": "Expecting value"}


def test_json_error_offset_counts_characters_not_bytes(server):
    # Python's json reports the position in characters: "é" is one character, two bytes.
    assert_json_invalid(echo(server, '{"é": }'.encode()), 6)


def test_truncated_json_422(server):
    assert_json_invalid(echo(server, b'{"a": [1, 2'), 11)


def test_non_json_content_type_is_model_attributes_type(server):
    r = echo(server, b'{"a": 1}', content_type="text/plain")
    assert r.status_code == 422, r.text
    err = r.json()["detail"][0]
    assert err["type"] == "model_attributes_type"
    assert err["loc"] == ["body"]


def test_empty_body_is_missing(server):
    r = echo(server, b"")
    assert r.status_code == 422, r.text
    err = r.json()["detail"][0]
    assert err["type"] == "missing"
    assert err["loc"] == ["body"]


def test_body_just_under_limit_ok(server):
    payload = b'{"s":"' + b"a" * (1024 * 1024 - 100) + b'"}'
    r = echo(server, payload)
    assert r.status_code == 200, r.text[:300]
    assert len(r.json()["s"]) == 1024 * 1024 - 100


def test_body_too_large_413(server):
    payload = b'{"s":"' + b"a" * (1024 * 1024 + 10) + b'"}'
    r = echo(server, payload)
    assert r.status_code == 413, r.text[:300]
    assert r.headers.get("Content-Type") == "application/json"
    assert isinstance(r.json().get("detail"), str)
    # and the server is fine afterwards
    assert server.get("/health").status_code == 200


def test_body_too_large_chunked_413(server):
    def gen():
        chunk = b"a" * 65536
        yield b'{"s":"'
        for _ in range(20):  # 1.25 MiB
            yield chunk
        yield b'"}'
    r = server.post(ECHO, data=gen(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text[:300]
    assert isinstance(r.json().get("detail"), str)
