"""Candidates: C1-C7 (api-contract §1.10, §1.12, §2.4, C1-C7), tenant
isolation, upload rules, S3 storage against tests/fakes/s3.py, and policy
fixes 9 (deleting a candidate) and 13 (datetimes with "Z")."""

import os
import uuid

import pytest

from fakes.s3 import FakeS3
from helpers import assert_json_detail
from test_auth import assert_422, auth, new_account, register, sql, verify, login, unique_email
from test_documents import DT_Z, make_docx, make_pdf, new_candidate, para, upload

CAND_KEYS = ["id", "email", "full_name", "position", "organization_id", "cv_filename", "cv_uploaded_at",
             "cv_text_preview", "job_spec_filename", "job_spec_uploaded_at", "job_spec_text_preview", "created_at"]
BASE = "/api/v1/candidates/"


@pytest.fixture
def account(server):
    user, token, _email = new_account(server)
    return user, auth(token)


def assert_candidate(obj, email=None, org=None):
    # today's five lead fields follow position (v2 spec §2.12, superset)
    assert [k for k in obj if k in CAND_KEYS] == CAND_KEYS, list(obj)
    assert isinstance(obj["id"], int)
    assert DT_Z.match(obj["created_at"]), obj["created_at"]
    if email is not None:
        assert obj["email"] == email
    if org is not None:
        assert obj["organization_id"] == org


# ---- C2 create ------------------------------------------------------------

def test_create_returns_model_shape(server, account):
    user, h = account
    r = server.post(BASE, json={"email": "  Alice.Smith@EXAMPLE.com ", "full_name": "Alice Smith",
                                "position": "Backend"}, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert_candidate(body, email="Alice.Smith@example.com", org=user["organization_id"])
    assert body["full_name"] == "Alice Smith" and body["position"] == "Backend"
    for k in ("cv_filename", "cv_uploaded_at", "cv_text_preview", "job_spec_filename", "job_spec_uploaded_at",
              "job_spec_text_preview"):
        assert body[k] is None


def test_create_optional_fields_and_nulls(server, account):
    _, h = account
    r = server.post(BASE, json={"email": unique_email(), "full_name": None, "position": None}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["full_name"] is None and r.json()["position"] is None


def test_create_duplicate_email_same_org_is_400_other_org_fine(server, account):
    _, h = account
    email = unique_email("dup")
    assert server.post(BASE, json={"email": email}, headers=h).status_code == 201
    assert_json_detail(server.post(BASE, json={"email": email}, headers=h), 400, "Candidate email already exists")
    _, token2, _ = new_account(server)
    assert server.post(BASE, json={"email": email}, headers=auth(token2)).status_code == 201


def test_create_validation(server, account):
    _, h = account
    d = assert_422(server.post(BASE, json={}, headers=h), ("body", "email"))
    assert d[0]["type"] == "missing" and d[0]["input"] == {}
    d = assert_422(server.post(BASE, json={"email": "nope", "full_name": "x" * 201, "position": 5}, headers=h),
                   ("body", "email"), ("body", "full_name"), ("body", "position"))
    assert [e["type"] for e in d] == ["value_error", "string_too_long", "string_type"]
    assert d[1]["ctx"] == {"max_length": 200}
    assert_422(server.post(BASE, json=[1], headers=h), ("body",))
    r = server.post(BASE, data="{bad", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"


def test_auth_is_checked_before_validation(server):
    assert_json_detail(server.post(BASE, json={}), 401, "Not authenticated")
    assert_json_detail(server.get(BASE + "abc"), 401, "Not authenticated")
    assert_json_detail(server.get(BASE, params={"limit": 0}), 401, "Not authenticated")
    assert server.delete(BASE + "1").status_code == 401
    assert server.post(BASE + "1/upload-cv").status_code == 401
    r = server.get(BASE, headers={"Authorization": "Bearer not-a-jwt"})
    assert_json_detail(r, 401, "Invalid or expired token")


# ---- C1 list --------------------------------------------------------------

def test_list_envelope_order_search_and_paging(server, account):
    _, h = account
    tag = uuid.uuid4().hex[:6]
    made = []
    for i, name in enumerate(["Zoe Zed", "Yann Young", f"Xena {tag}", "Walt 100%_done"]):
        made.append(new_candidate(server, h, email=f"p{i}-{tag}@example.com", full_name=name))
    r = server.get(BASE, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["items", "total", "limit", "offset"]
    assert body["total"] == 4 and body["limit"] == 50 and body["offset"] == 0
    assert [c["id"] for c in body["items"]] == [c["id"] for c in reversed(made)]
    for c in body["items"]:
        assert_candidate(c)
        assert c["cv_text_preview"] is None
    # q: case-insensitive substring on name or email
    assert [c["id"] for c in server.get(BASE, params={"q": "yANN"}, headers=h).json()["items"]] == [made[1]["id"]]
    assert server.get(BASE, params={"q": f"P2-{tag.upper()}"}, headers=h).json()["total"] == 1
    assert server.get(BASE, params={"q": tag}, headers=h).json()["total"] == 4  # all emails carry the tag
    assert server.get(BASE, params={"q": "no-such-thing"}, headers=h).json() == \
        {"items": [], "total": 0, "limit": 50, "offset": 0}
    # % and _ act as wildcards, as in the original
    assert server.get(BASE, params={"q": "Z%d"}, headers=h).json()["total"] == 1
    assert server.get(BASE, params={"q": ""}, headers=h).json()["total"] == 4
    # paging
    page = server.get(BASE, params={"limit": 2, "offset": 1}, headers=h).json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1
    assert [c["id"] for c in page["items"]] == [made[2]["id"], made[1]["id"]]
    assert server.get(BASE, params={"limit": 100, "offset": 10}, headers=h).json()["items"] == []
    assert server.get(BASE.rstrip("/"), headers=h).status_code == 200


@pytest.mark.parametrize("params,loc", [
    ({"limit": 0}, ("query", "limit")),
    ({"limit": 101}, ("query", "limit")),
    ({"limit": -1}, ("query", "limit")),
    ({"limit": "ten"}, ("query", "limit")),
    ({"offset": -1}, ("query", "offset")),
])
def test_list_pagination_bounds(server, account, params, loc):
    _, h = account
    d = assert_422(server.get(BASE, params=params, headers=h), loc)
    assert d[0]["input"] == str(list(params.values())[0])


def test_list_both_bounds_reported(server, account):
    _, h = account
    assert_422(server.get(BASE, params={"limit": 500, "offset": -5}, headers=h), ("query", "limit"),
               ("query", "offset"))


# ---- C3 / C4 / C5 ---------------------------------------------------------

def test_get_patch_delete(server, account):
    user, h = account
    c = new_candidate(server, h, full_name="Old Name", position="Old")
    got = server.get(BASE + str(c["id"]), headers=h)
    assert got.status_code == 200
    assert_candidate(got.json(), email=c["email"], org=user["organization_id"])
    assert got.json()["created_at"] == c["created_at"]

    r = server.patch(BASE + str(c["id"]), json={"full_name": "New Name"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "New Name" and r.json()["position"] == "Old"
    r = server.patch(BASE + str(c["id"]), json={"position": None, "email": "ignored@example.com"}, headers=h)
    assert r.json()["position"] is None and r.json()["full_name"] == "New Name"
    assert r.json()["email"] == c["email"]
    r = server.patch(BASE + str(c["id"]), json={}, headers=h)
    assert r.status_code == 200 and r.json()["full_name"] == "New Name"

    r = server.delete(BASE + str(c["id"]), headers=h)
    assert r.status_code == 204 and r.content == b""
    assert "Content-Type" not in r.headers
    assert_json_detail(server.get(BASE + str(c["id"]), headers=h), 404, "Candidate not found")
    assert_json_detail(server.delete(BASE + str(c["id"]), headers=h), 404, "Candidate not found")
    assert_json_detail(server.patch(BASE + str(c["id"]), json={}, headers=h), 404, "Candidate not found")


def test_patch_validation_order_path_then_body(server, account):
    _, h = account
    d = assert_422(server.patch(BASE + "abc", json={"full_name": "x" * 201}, headers=h),
                   ("path", "candidate_id"), ("body", "full_name"))
    assert d[0]["type"] == "int_parsing" and d[0]["input"] == "abc"
    assert_422(server.patch(BASE + "1", json="text", headers=h), ("body",))


def test_path_id_must_be_int(server, account):
    _, h = account
    for method in ("get", "delete"):
        d = assert_422(getattr(server, method)(BASE + "1.5", headers=h), ("path", "candidate_id"))
        assert d[0]["type"] == "int_parsing"
    assert_422(server.post(BASE + "x/upload-cv", headers=h), ("path", "candidate_id"), ("body", "file"))


def test_tenant_isolation(server, account):
    _, h = account
    c = new_candidate(server, h, full_name="Mine")
    _, token2, _ = new_account(server)
    h2 = auth(token2)
    cid = str(c["id"])
    assert_json_detail(server.get(BASE + cid, headers=h2), 404, "Candidate not found")
    assert_json_detail(server.patch(BASE + cid, json={"full_name": "Theirs"}, headers=h2), 404,
                       "Candidate not found")
    assert_json_detail(server.delete(BASE + cid, headers=h2), 404, "Candidate not found")
    assert_json_detail(upload(server, h2, c["id"], "cv.pdf", make_pdf([["x"]])), 404, "Candidate not found")
    assert_json_detail(upload(server, h2, c["id"], "s.txt", b"x", kind="job_spec"), 404, "Candidate not found")
    assert c["id"] not in [x["id"] for x in server.get(BASE, params={"limit": 100}, headers=h2).json()["items"]]
    # nothing changed for the owner
    got = server.get(BASE + cid, headers=h).json()
    assert got["full_name"] == "Mine" and got["cv_filename"] is None


def test_user_without_organisation_shares_null_org_candidates(server):
    email = unique_email("noorg")
    register(server, email=email, org="")
    verify(server, email)
    token = login(server, email).json()["access_token"]
    h = auth(token)
    r = server.post(BASE, json={"email": unique_email()}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["organization_id"] is None
    assert server.get(BASE + str(r.json()["id"]), headers=h).status_code == 200
    _, token2, _ = new_account(server)
    assert server.get(BASE + str(r.json()["id"]), headers=auth(token2)).status_code == 404


def test_delete_keeps_referencing_rows_intact_when_refused(server, account):
    """Without the assessments hook a referenced candidate cannot go: the
    foreign key refuses and C5 answers the contract's 500 with nothing
    deleted (policy fix 9: reads of assessments never break)."""
    user, h = account
    c = new_candidate(server, h)
    sql(server, "INSERT INTO assessments (organization_id, candidate_id, token, status) VALUES (%s, %s, %s, %s)",
        (user["organization_id"], c["id"], "tok-" + uuid.uuid4().hex, "PENDING"))
    r = server.delete(BASE + str(c["id"]), headers=h)
    if r.status_code == 204:
        # an assessments component has registered its hook: the assessment stays, detached
        rows = sql(server, "SELECT count(*) FROM assessments WHERE organization_id = %s AND candidate_id IS NULL",
                   (user["organization_id"],))
        assert int(rows[0][0]) == 1
    else:
        assert_json_detail(r, 500, "Failed to delete candidate")
        assert server.get(BASE + str(c["id"]), headers=h).status_code == 200


# ---- C6 / C7 upload rules -------------------------------------------------

def test_upload_missing_file_is_422(server, account):
    _, h = account
    c = new_candidate(server, h)
    for path in ("upload-cv", "upload-job-spec"):
        d = assert_422(server.post(f"{BASE}{c['id']}/{path}", headers=h), ("body", "file"))
        assert d[0]["type"] == "missing" and d[0]["input"] is None
        assert_422(server.post(f"{BASE}{c['id']}/{path}", files={"other": ("a.pdf", b"x")}, headers=h),
                   ("body", "file"))


def test_upload_unknown_candidate_is_404_before_file_rules(server, account):
    _, h = account
    assert_json_detail(upload(server, h, 999999, "bad.exe", b""), 404, "Candidate not found")


@pytest.mark.parametrize("kind,name,data,detail", [
    ("cv", "", b"x", "Filename is required"),
    ("cv", "   ", b"x", "Filename is required"),
    ("cv", "cv.txt", b"x", "Only DOCX, PDF files are allowed"),
    ("cv", "cv", b"x", "Only DOCX, PDF files are allowed"),
    ("cv", "cv.pdf.exe", b"x", "Only DOCX, PDF files are allowed"),
    ("cv", "cv.doc", b"", "Only DOCX, PDF files are allowed"),
    ("job_spec", "spec.rtf", b"x", "Only DOCX, PDF, TXT files are allowed"),
    ("cv", "cv.pdf", b"", "Uploaded file is empty"),
    ("job_spec", "spec.txt", b"", "Uploaded file is empty"),
    ("cv", "cv.pdf", b"%" * (5 * 1024 * 1024 + 1), "File must be 5MB or smaller"),
], ids=["noname", "blankname", "cv-txt", "noext", "double-ext", "ext-before-empty", "spec-rtf", "empty-pdf",
        "empty-txt", "5MiB+1"])
def test_upload_rules_in_order(server, account, kind, name, data, detail):
    _, h = account
    c = new_candidate(server, h)
    assert_json_detail(upload(server, h, c["id"], name, data, kind=kind), 400, detail)
    got = server.get(BASE + str(c["id"]), headers=h).json()
    assert got["cv_filename"] is None and got["job_spec_filename"] is None


def test_upload_part_without_filename_is_filename_required(server, account):
    _, h = account
    c = new_candidate(server, h)
    r = server.post(f"{BASE}{c['id']}/upload-cv", files={"file": (None, b"data")}, headers=h)
    assert_json_detail(r, 400, "Filename is required")


def test_upload_exactly_5_mib_is_accepted(server, account):
    _, h = account
    c = new_candidate(server, h)
    data = b"a" * (5 * 1024 * 1024)
    r = upload(server, h, c["id"], "big.txt", data, kind="job_spec")
    assert r.status_code == 200, r.text[:300]
    assert r.json()["text_preview"] == "a" * 500 + "..."


def test_upload_replaces_previous_document(server, account):
    _, h = account
    c = new_candidate(server, h)
    assert upload(server, h, c["id"], "one.pdf", make_pdf([["First"]])).status_code == 200
    r = upload(server, h, c["id"], "two.docx", make_docx(para("Second")))
    assert r.status_code == 200 and r.json()["text_preview"] == "Second"
    got = server.get(BASE + str(c["id"]), headers=h).json()
    assert got["cv_filename"] == "two.docx" and got["cv_text_preview"] == "Second"
    listed = server.get(BASE, params={"q": c["email"]}, headers=h).json()["items"][0]
    assert listed["cv_filename"] == "two.docx" and listed["cv_text_preview"] == "Second"
    assert DT_Z.match(listed["cv_uploaded_at"])


def test_upload_mime_type_is_ignored(server, account):
    _, h = account
    c = new_candidate(server, h)
    r = upload(server, h, c["id"], "cv.pdf", make_pdf([["Typed wrong"]]), content_type="image/png")
    assert r.status_code == 200 and " ".join(r.json()["text_preview"].split()) == "Typed wrong"


# ---- S3 -------------------------------------------------------------------

def test_s3_upload_with_valid_signature(server_factory):
    access, secret = "AKIDTALITEST", "s3cr3t/key+with=odd chars"
    with FakeS3({access: secret}) as s3:
        srv = server_factory.start({"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret,
                                    "AWS_S3_BUCKET": "cv-bucket", "AWS_REGION": "eu-west-2",
                                    "AWS_S3_ENDPOINT_URL": s3.url})
        _, token, _ = new_account(srv)
        h = auth(token)
        c = new_candidate(srv, h)
        pdf = make_pdf([["Stored in S3"]])
        r = upload(srv, h, c["id"], "My CV+final (1).pdf", pdf)
        assert r.status_code == 200, r.text
        key = ("cv-bucket", f"uploads/cv/{c['id']}/My_CV+final_(1).pdf")
        assert s3.objects.get(key) == pdf, (list(s3.objects), s3.checks)
        assert s3.checks and all(ok for _m, _p, ok, _why in s3.checks), s3.checks
        put = s3.requests_to("PUT", r"/cv-bucket/.*")[0]
        assert "/eu-west-2/s3/aws4_request" in put.header("authorization")
        assert put.header("content-type") in (None, "")
        url = sql(srv, "SELECT cv_file_url FROM candidates WHERE id = %s", (c["id"],))[0][0]
        assert url == f"https://cv-bucket.s3.amazonaws.com/uploads/cv/{c['id']}/My_CV+final_(1).pdf"
        # the local copy is always kept
        assert any(n.startswith(f"cv-{c['id']}-") for n in os.listdir(os.path.join(srv.workdir, "uploads", "cv")))

        # a wrong secret: S3 refuses, the upload still succeeds with the local path
        s3.credentials[access] = "another secret"
        r = upload(srv, h, c["id"], "spec.txt", b"job spec", kind="job_spec")
        assert r.status_code == 200, r.text
        assert s3.checks[-1][2] is False
        url = sql(srv, "SELECT job_spec_file_url FROM candidates WHERE id = %s", (c["id"],))[0][0]
        assert url.startswith("/") and url.endswith(".txt")


def test_s3_unreachable_falls_back_to_local(server_factory):
    import helpers
    srv = server_factory.start({"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b",
                                "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{helpers.free_port()}"})
    _, token, _ = new_account(srv)
    h = auth(token)
    c = new_candidate(srv, h)
    r = upload(srv, h, c["id"], "cv.docx", make_docx(para("Local only")))
    assert r.status_code == 200 and r.json()["text_preview"] == "Local only"
    url = sql(srv, "SELECT cv_file_url FROM candidates WHERE id = %s", (c["id"],))[0][0]
    assert url.startswith("/") and url.endswith(".docx") and os.path.exists(url)


def test_fake_s3_signature_check_matches_aws_published_example():
    """The fake's SigV4 check reproduces the "GET Object" example of AWS's
    S3 Signature Version 4 documentation, so a signature it accepts is one
    S3 accepts (the C signer is checked against the fake)."""
    from fakes.base import Request
    from fakes.s3 import expected_signature
    headers = {
        "host": "examplebucket.s3.amazonaws.com",
        "range": "bytes=0-9",
        "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "x-amz-date": "20130524T000000Z",
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                         "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64,
    }
    req = Request("GET", "/test.txt", {}, headers, b"")
    sig, why = expected_signature(req, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert why is None
    assert sig == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
