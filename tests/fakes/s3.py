"""A minimal S3-compatible fake: path-style PUT/GET/HEAD/DELETE of objects,
every request authenticated with AWS Signature Version 4.

The fake knows the credentials (access key -> secret) and recomputes each
signature from the request as received: method, raw path, query,
the signed headers, the payload hash (which must equal the body's SHA-256
unless it is UNSIGNED-PAYLOAD).  A bad signature is a 403
SignatureDoesNotMatch, as S3 answers; the request is still recorded, with
`signature_ok` in `fake.checks`.

    with FakeS3({"AKIDEXAMPLE": "secret"}) as s3:
        env["AWS_S3_ENDPOINT_URL"] = s3.url
        ...
        assert s3.objects[("tali-assessments", "uploads/cv/1/cv.pdf")] == data
"""

import hashlib
import hmac
import re
from urllib.parse import quote, unquote

from fakes.base import FakeServer, Reply, run_main

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;\-]+), Signature=([0-9a-f]{64})$")


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def canonical_query(query):
    pairs = []
    for name, values in query.items():
        for v in values:
            pairs.append((quote(name, safe="-_.~"), quote(v, safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def expected_signature(req, secret):
    """(signature, reason) recomputed from the request; reason is None when
    the request is well-formed enough to sign."""
    m = AUTH_RE.match(req.header("authorization", ""))
    if not m:
        return None, "malformed Authorization header"
    _key, date, region, service, signed, _sig = m.groups()
    amz_date = req.header("x-amz-date", "")
    if not amz_date.startswith(date):
        return None, "x-amz-date does not match the credential scope"
    payload = req.header("x-amz-content-sha256")
    if payload is None:
        return None, "x-amz-content-sha256 missing"
    if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(req.body).hexdigest():
        return None, "x-amz-content-sha256 does not match the body"
    names = signed.split(";")
    if "host" not in names:
        return None, "host is not signed"
    lines = []
    for name in names:
        value = req.header(name)
        if value is None:
            return None, f"signed header {name} missing"
        lines.append(f"{name}:{' '.join(value.strip().split())}\n")
    canonical = "\n".join([req.method, req.path, canonical_query(req.query), "".join(lines), signed, payload])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    sig = hmac.new(signing_key(secret, date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()
    return sig, None


class FakeS3(FakeServer):
    def __init__(self, credentials=None, **kw):
        self.credentials = dict(credentials or {"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
        self.objects = {}   # (bucket, decoded key) -> bytes
        self.checks = []    # (method, path, signature_ok, reason)
        super().__init__(**kw)

    def setup_routes(self):
        for method in ("PUT", "GET", "HEAD", "DELETE"):
            self.route(method, r"/([^/]+)/(.+)", self.object)

    def _verify(self, req):
        m = AUTH_RE.match(req.header("authorization", ""))
        secret = self.credentials.get(m.group(1)) if m else None
        if secret is None:
            reason = "unknown access key" if m else "malformed Authorization header"
            self.checks.append((req.method, req.path, False, reason))
            return False
        expected, reason = expected_signature(req, secret)
        ok = expected is not None and hmac.compare_digest(expected, m.group(6))
        self.checks.append((req.method, req.path, ok, reason or ("" if ok else "signature mismatch")))
        return ok

    def object(self, req):
        if not self._verify(req):
            return Reply(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>",
                         {"Content-Type": "application/xml"})
        key = (unquote(req.match.group(1)), unquote(req.match.group(2)))
        if req.method == "PUT":
            self.objects[key] = req.body
            return Reply(200, b"", {"ETag": '"%s"' % hashlib.md5(req.body).hexdigest()})
        if key not in self.objects:
            return Reply(404, b"<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
        if req.method == "DELETE":
            del self.objects[key]
            return Reply(204)
        return Reply(200, self.objects[key], {"Content-Type": "application/octet-stream"})


if __name__ == "__main__":
    run_main(FakeS3)
