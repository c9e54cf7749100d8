#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/: small inputs
made by hand, each a meaningful case of what the target parses (real
requests, bodies, tokens, files, payloads), in the input format the
target's block comment describes.  Rerun after changing a format:
    /usr/bin/python3 tests/fuzz/make_corpus.py
Seeds are plain files; the fuzzers never write into this directory."""
import base64
import hashlib
import hmac
import io
import json
import pathlib
import shutil
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "corpus"


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data.encode() if isinstance(data, str) else data)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


# ---- http_router: "METHOD\nPATH" ----------------------------------------
for i, (m, p) in enumerate([
        ("GET", "/health"), ("HEAD", "/health"), ("GET", "/api/v1/tasks"), ("POST", "/api/v1/tasks/"),
        ("GET", "/api/v1/tasks/42"), ("DELETE", "/api/v1/tasks/42/"), ("PUT", "/api/v1/tasks/42"),
        ("POST", "/api/v1/tasks/generate"), ("GET", "/api/v1/tasks/generate"), ("GET", "/api/v1/tasks//"),
        ("POST", "/api/v1/assessments/7/upload-cv"), ("GET", "/api/v1/assessments/1/2/3"),
        ("OPTIONS", "/api/v1/anything"), ("GET", "/"), ("GET", ""), ("GET", "//"),
        ("GET", "/api/v1/assessments/token/abc/start")]):
    write("http_router", f"{i:02d}", f"{m}\n{p}")

# ---- http_request: "METHOD TARGET\nheaders\n\nbody" -----------------------
BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
MULTIPART = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc123\r\n"
             f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\cv\\\\me.pdf\"\r\n"
             f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 tiny\r\n--{BOUNDARY}--\r\n")
requests = {
    "health": "GET /health\nUser-Agent: curl/7.88\n\n",
    "head": "HEAD /health\n\n",
    "list": "GET /api/v1/tasks/?limit=10&offset=20&q=caf%C3%A9+bar\nX-Request-Id: req-1.2_3\n\n",
    "list_bad": "GET /api/v1/tasks?limit=0&offset=-1\n\n",
    "task": "GET /api/v1/tasks/12%33\nAuthorization: Bearer eyJ.a.b\n\n",
    "task_nul": "GET /api/v1/tasks/1%00\n\n",
    "patch": "PATCH /api/v1/tasks/5\nContent-Type: application/json\n\n{\"name\": \"Task\", \"email\": \"a@b.co\"}",
    "register": "POST /api/v1/auth/register\nContent-Type: application/merge-patch+json; charset=utf-8\n\n"
                "{\"name\":\"\u00e9l\u00e8ve\",\"email\":\"J\u00f6rg@B\u00fccher.example\"}",
    "register_text": "POST /api/v1/auth/register\nContent-Type: text/plain\n\nname=x",
    "register_bad": "POST /api/v1/auth/register\n\n{\"name\": [1,",
    "login": "POST /api/v1/auth/login\nContent-Type: application/x-www-form-urlencoded\n\n"
             "grant_type=password&username=a%40b.co&password=p%26ss+word&scope=",
    "upload": f"POST /api/v1/assessments/9/upload-cv\nContent-Type: multipart/form-data; boundary={BOUNDARY}\n\n"
              + MULTIPART,
    "preflight": "OPTIONS /api/v1/tasks/\nOrigin: http://localhost:5173\nAccess-Control-Request-Method: PATCH\n"
                 "Access-Control-Request-Headers: authorization, content-type\n\n",
    "preflight_bad": "OPTIONS /api/v1/tasks/\nOrigin: http://evil.example\nAccess-Control-Request-Method: TRACE\n\n",
    "cors": "GET /api/v1/auth/me\nOrigin: http://localhost:3000\nAuthorization: bearer  tok\n"
            "X-Forwarded-For: 203.0.113.7, 10.0.0.1\n\n",
    "silent": "GET /silent\n\n",
    "405": "DELETE /health\n\n",
}
for name, text in requests.items():
    write("http_request", name, text)

# ---- multipart: "Content-Type value\nbody" -------------------------------
write("multipart", "browser", f"multipart/form-data; boundary={BOUNDARY}\n" + MULTIPART)
write("multipart", "quoted", "multipart/form-data; charset=utf-8; boundary=\"a b\\\"c\"\n"
      "preamble\r\n--a b\"c\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--a b\"c--")
write("multipart", "lf_only", "Multipart/Form-Data ; boundary=XyZ\n--XyZ\nContent-Disposition: form-data; "
      "name=\"cv\"; filename=\"\"\nContent-Type: text/plain\n\nhello\n--XyZ\nContent-Disposition: form-data; "
      "name=\"empty\"\n--XyZ--\n")
write("multipart", "unc", "multipart/form-data; boundary=b\n--b\r\nContent-Disposition: form-data; name=f; "
      "filename=\"\\\\\\\\server\\\\share\\\\cv.docx\"\r\n\r\n\x00\x01\x02\r\n--b--\r\n")
write("multipart", "truncated", "multipart/form-data; boundary=b\n--b\r\nContent-Disposition: form-data; name=\"a\"")

# ---- urlencoded: a form body -----------------------------------------------
for i, body in enumerate([
        "grant_type=password&username=user%40example.com&password=s3cr%3Dt&scope=&client_id=&client_secret=",
        "username=a+b&password=%E2%82%AC%ZZ%4", "&&=&a&b=1=2&%00=%00", "grant_type=client_credentials",
        "username=&password=x", "u=%F0%9F%98%80&p=%ff%fe"]):
    write("urlencoded", f"{i:02d}", body)

# ---- json: "Content-Type\nbody" (the whole input is also parsed as JSON) ---
for i, body in enumerate([
        "application/json\n{\"name\": \"Ada\", \"tags\": [\"a\", 1, 2.5, true, null], \"n\": {\"x\": -0.0}}",
        "\n[1e308, -1e-308, 12345678901234567890, 0.1]",
        "application/vnd.api+json\n\"\\u00e9\\ud83d\\ude00\\u0000\"",
        "text/plain\n{\"a\":1}", "application/json\n{\"a\": 1,}", "application/json\n",
        "application/json\n" + "[" * 70 + "]" * 70, "{\"k\": \"\xc3\xa9\", \"k\": 2}"]):
    write("json", f"{i:02d}", body)

# ---- validate: a JSON body -------------------------------------------------
for i, body in enumerate([
        {"name": "Ada", "slug": "ada-1", "score": 50, "count": 3, "weight": "1.5", "flag": "yes",
         "meta": {}, "items": [], "tags": ["x"], "email": "ada@example.com", "limit": "10", "offset": "0"},
        {"name": "", "slug": "Bad Slug", "score": 101, "count": None, "weight": "nan", "flag": 2,
         "meta": [], "items": {}, "tags": [1, None], "email": "no-at-sign", "limit": "1_000", "offset": "-1"},
        {"name": "x" * 201, "score": 3.0, "count": "1_000", "weight": True, "flag": 0.0, "email": 5},
        {"score": 3.5, "count": " 7 ", "weight": "inf", "flag": "OFF", "limit": "3.00"},
        {"score": 99999999999999999999999, "count": "9" * 30, "name": "\u00e9\u4e2d"},
        [1, 2], "just a string"]):
    write("validate", f"{i:02d}", json.dumps(body, ensure_ascii=False))
write("validate", "invalid_utf8", b"{\"name\": \"\xff\xfe\"}")

# ---- email: one address ------------------------------------------------------
for i, addr in enumerate([
        "user@example.com", "Jane Doe <Jane.Doe+tag@Example.COM>", "a@xn--mnchen-3ya.de",
        "a@M\u00fcnchen.de", "Info@example.com", "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
        "x@xn--80ak6aa92e.com", "postmaster@[127.0.0.1]", "\"quoted local\"@example.org",
        "a..b@example.com", "@example.com", "a@-bad-.com", "a@xn--zz.com", "  spaced@example.com  ",
        "a@\u0130stanbul.tr", "a@b", "a@" + "x" * 64 + ".com", "\u00e9@\u00e9.fr"]):
    write("email", f"{i:02d}", addr)

# ---- jwt: "\x00token\nsecret" (raw) or "\x01header\0payload\0secret" (signed) ---
SECRET = "change-me-in-production"


def hs256(header, payload, secret):
    signing = b64u(header.encode()) + "." + b64u(payload.encode())
    sig = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64u(sig)


HDR = '{"alg":"HS256","typ":"JWT"}'
PAY = '{"sub":"ada@example.com","user_id":1,"org_id":2,"exp":4102444800}'
write("jwt", "raw_valid", "\x00" + hs256(HDR, PAY, SECRET) + "\n" + SECRET)
write("jwt", "raw_expired", "\x00" + hs256(HDR, '{"sub":"a","exp":1}', SECRET) + "\n" + SECRET)
write("jwt", "raw_none", "\x00" + b64u(b'{"alg":"none"}') + "." + b64u(PAY.encode()) + ".\n" + SECRET)
write("jwt", "raw_garbage", "\x00a.b.c.d\n")
for i, (h, p) in enumerate([
        (HDR, PAY), (HDR, '{"sub":5}'), (HDR, '{"aud":"x","sub":"a"}'), ('{"alg":"HS512"}', PAY),
        (HDR, '{"exp":"soon","nbf":1e300,"iat":-1}'), (HDR, '[1,2]'), (HDR, '{"jti":"\u00e9","user_id":1}'),
        ('{"alg":"HS256","kid":"../../etc"}', '{}')]):
    write("jwt", f"signed_{i:02d}", "\x01" + h + "\x00" + p + "\x00" + SECRET)

# ---- dotenv: a .env file --------------------------------------------------------
write("dotenv", "basic", "# local development\nDATABASE_URL=sqlite:///tali.db\nSECRET_KEY=dev-secret\n"
      "FRONTEND_URL=http://localhost:5173\nPORT=8000\n")
write("dotenv", "quotes", "export SECRET_KEY='it\\'s a secret'\nRESEND_API_KEY=\"re_123\\n\\tline\"\n"
      "MULTI=\"first\nsecond\"\n'QUOTED KEY'=1\nBROKEN=\"no end\n")
write("dotenv", "expand", "BASE=http://localhost\nFRONTEND_URL=${BASE}:3000 # inline comment\n"
      "UPLOAD_DIR=${NOPE:-/tmp/up}\nX=${BASE:bad}\nCORS_EXTRA_ORIGINS= https://a.example , https://b.example\n")
write("dotenv", "bom_crlf", "\ufeffPORT=9000\r\nDEBUG=yes\r\nKEY_ONLY\r\n=novalue\r\n")
write("dotenv", "bad_int", "PORT=eighty\n")
write("dotenv", "production", "FRONTEND_URL=https://app.example\nSECRET_KEY=change-me-in-production\n")
write("dotenv", "sandbox", "SANDBOX_PROVIDER=docker\n")


# ---- documents: kind byte (0 PDF, 1 DOCX, 2 TXT) + file -------------------------
def pdf(pages):
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for text in pages:
        content = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
        objs.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objs)} 0 R "
                    "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = "%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{off:010d} 00000 n \n" for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(body, method=zipfile.ZIP_STORED):
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}'
           '</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        info = zipfile.ZipInfo("word/document.xml", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = method
        z.writestr(info, doc)
    return buf.getvalue()


write("documents", "pdf_one", b"\x00" + pdf(["Hello PDF"]))
write("documents", "pdf_pages", b"\x00" + pdf(["Page one", "", "Page (three) \\\\ \\344"]))
write("documents", "docx_runs", b"\x01" + docx(
    '<w:p><w:r><w:t xml:space="preserve">Hello </w:t><w:tab/><w:t>world</w:t><w:br/><w:cr/>'
    '<w:noBreakHyphen/></w:r></w:p><w:p><w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>'
    '<w:p><w:r><w:br w:type="page"/><w:t>  </w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell'
    '</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'))
write("documents", "docx_deflated", b"\x01" + docx('<w:p><w:r><w:t>\u00e9t\u00e9 &amp; caf\u00e9</w:t></w:r></w:p>',
                                                   zipfile.ZIP_DEFLATED))
write("documents", "docx_not_w", b"\x01" + docx("<p>no namespace</p>").replace(b"w:document", b"x:document", 1))
write("documents", "ole", b"\x01" + bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 24)
write("documents", "txt", b"\x02caf\xc3\xa9 \xff\xfe \xed\xa0\x80 \x00 \xe2\x80\xa8 text\t\n")
for f in ["two-pages.pdf", "locked.pdf", "hello.docx"]:
    data = (ROOT / "tests/unit/documents/fixtures" / f).read_bytes()
    write("documents", "unit_" + f.replace(".", "_"), (b"\x00" if f.endswith(".pdf") else b"\x01") + data)

# ---- webhooks: "signature header\npayload" --------------------------------------
STRIPE_SECRET = "whsec_fuzz"
event = json.dumps({"id": "evt_1", "type": "checkout.session.completed",
                    "data": {"object": {"id": "cs_1", "metadata": {"org_id": "3", "type": "assessment"}}}})
t = 1700000000
sig = hmac.new(STRIPE_SECRET.encode(), f"{t}.{event}".encode(), hashlib.sha256).hexdigest()
write("stripe_webhook", "valid", f"t={t},v1={sig},v0=deadbeef\n{event}")
write("stripe_webhook", "stale", f"t={t - 3600},v1={sig}\n{event}")
write("stripe_webhook", "two_v1", f"t= +1_700_000_000 ,v1={'0' * 64},v1={sig}\n{event}")
write("stripe_webhook", "no_v1", f"t={t},v0={sig}\n{event}")
write("stripe_webhook", "malformed", "t,v1=\n{}")
write("stripe_webhook", "not_object", f"t=-0{t},v1=abc=def\n[1,2,3]")
WORKABLE_SECRET = "workable-fuzz-secret"
wevent = json.dumps({"type": "candidate_moved", "data": {"id": "c1", "stage": "assessment",
                     "candidate": {"name": "Ada L", "email": "ada@example.com"}, "job": {"shortcode": "J1"}}})
wsig = hmac.new(WORKABLE_SECRET.encode(), wevent.encode(), hashlib.sha256).hexdigest()
write("workable_webhook", "valid", f"{wsig}\n{wevent}")
write("workable_webhook", "upper", f"{wsig.upper()}\n{wevent}")
write("workable_webhook", "empty", "\n")
write("workable_webhook", "not_object", "sha256=abc\n\"text\"")

# ---- scoring_cli: JSON lines, from the scoring fixtures --------------------------
cases = [line for line in (ROOT / "tests/fixtures/scoring/cases.jsonl").read_text().split("\n") if line.strip()]
small = sorted(cases, key=len)
with_heur = [c for c in small if "heuristics_input" in json.loads(c)][:3]
without = [c for c in small if "heuristics_input" not in json.loads(c)][:3]
for i, c in enumerate(with_heur + without):
    write("scoring_cli", f"case_{i:02d}", c + "\n")
write("scoring_cli", "mixed", small[0] + "\n\n   \n{\"case_id\": 9}\n[1]\nnot json\n{\"case_id\": \"x\", "
      "\"interactions\": \"nope\"}")

# ---- candidate_proof: "\x00jwk\0kid\0ts\0nonce\0sig\0method\0target\0body" (any) or
# ---- "\x01offset\0nonce\0method\0target\0body" (signed by the target) --------------
P256_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"  # the RFC 7515 A.3 example key
P256_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
P256_KID = b64u(hashlib.sha256(f"P-256.{P256_X}.{P256_Y}".encode()).digest())
P256_JWK = json.dumps({"kty": "EC", "crv": "P-256", "x": P256_X, "y": P256_Y})
START_BODY = json.dumps({"candidate_session_key": "s" * 43, "candidate_proof_key_id": P256_KID,
                         "candidate_proof_public_jwk": json.loads(P256_JWK)}, separators=(",", ":"))
SIG = b64u(bytes(range(64)))
for name, jwk, kid, ts, nonce, sig in [
        ("valid_headers", P256_JWK, P256_KID, "1700000000", "n" * 16, SIG),
        ("expired", P256_JWK, P256_KID, "1600000000", "n" * 16, SIG),
        ("no_headers", P256_JWK, "", "", "", ""),
        ("private", json.dumps({"kty": "EC", "crv": "P-256", "x": P256_X, "y": P256_Y, "d": P256_X}), P256_KID,
         "1700000000", "n" * 20, SIG),
        ("off_curve", json.dumps({"kty": "EC", "crv": "P-256", "x": P256_X, "y": P256_X}), P256_KID, "1700000000",
         "n" * 20, SIG),
        ("noncanonical", json.dumps({"kty": "EC", "crv": "P-256", "x": P256_X[:-1] + "F", "y": P256_Y}), "x" * 43,
         "1700000000", "bad nonce!", SIG[:-1] + "B"),
        ("not_json", "{\"kty\":", "k", "1", "n", "s")]:
    write("candidate_proof", name, "\x00" + "\x00".join(
        [jwk, kid, ts, nonce, sig, "POST", "/api/v1/assessments/token/T/start", START_BODY]))
for name, off, nonce, target, body in [
        ("signed_ok", "0", "n" * 22, "/api/v1/assessments/token/T/start", START_BODY),
        ("signed_query", "-119", "abc_DEF-123456789", "/api/v1/assessments/7/execute?x=1&y=%20", "{\"code\":\"print(1)\"}"),
        ("signed_late", "121", "n" * 16, "/api/v1/assessments/7/submit", "{}"),
        ("signed_bad_nonce", "5", "short", "/", "")]:
    write("candidate_proof", name, "\x01" + "\x00".join([off, nonce, "POST", target, body]))
