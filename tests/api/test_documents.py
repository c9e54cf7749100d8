"""Document uploads and text extraction through C6/C7 (api-contract §1.12,
C6, C7; platform-integrations §8.2, §8.4).

Every document is built here by hand: minimal PDFs (one text object per
page, optionally encrypted with the standard RC4 security handler),
DOCX packages (zipfile + document.xml), text with invalid UTF-8, and
malformed variants.  Extraction never fails an upload: a document whose
text cannot be read is stored with empty text.

The builders at the top are shared with test_candidates.py."""

import hashlib
import io
import json
import os
import re
import struct
import zipfile

import pytest

from test_auth import auth, new_account, sql

DT_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
UPLOAD_KEYS = ["success", "candidate_id", "doc_type", "filename", "text_preview", "uploaded_at"]

# ---- document builders --------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def _pdf_escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages, user_password=None, owner_password="owner"):
    """A PDF with one page per entry of `pages` (a list of lines each, drawn
    in Helvetica).  With user_password (may be ""), the file is encrypted
    with the standard security handler, revision 2 (RC4, 40-bit)."""
    file_id = hashlib.md5(repr(pages).encode()).digest()
    key = None
    enc = None
    if user_password is not None:
        o_key = hashlib.md5((owner_password.encode() + _PAD)[:32]).digest()[:5]
        o_entry = _rc4(o_key, (user_password.encode() + _PAD)[:32])
        perms = -4
        key = hashlib.md5((user_password.encode() + _PAD)[:32] + o_entry + struct.pack("<i", perms)
                          + file_id).digest()[:5]
        u_entry = _rc4(key, _PAD)
        enc = f"<< /Filter /Standard /V 1 /R 2 /O <{o_entry.hex()}> /U <{u_entry.hex()}> /P {perms} >>"

    objects = {}
    n_pages = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    font_num = 3 + 2 * n_pages
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    for i, lines in enumerate(pages):
        page_num, content_num = 3 + 2 * i, 4 + 2 * i
        objects[page_num] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_num} 0 R "
                             f"/Resources << /Font << /F1 {font_num} 0 R >> >> >>").encode()
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        if key is not None:
            obj_key = hashlib.md5(key + struct.pack("<I", content_num)[:3] + b"\x00\x00").digest()[:10]
            stream = _rc4(obj_key, stream)
        objects[content_num] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[font_num] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    if enc:
        objects[font_num + 1] = enc.encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[num])
    trailer = f"<< /Size {size} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    if enc:
        trailer += f" /Encrypt {font_num + 1} 0 R"
    trailer += " >>"
    out.write(b"trailer\n" + trailer.encode() + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(body_xml):
    """A DOCX package whose w:body holds body_xml (raw WordprocessingML)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}" '
                f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<w:body>{body_xml}<w:sectPr/></w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def para(*runs):
    return "<w:p>" + "".join(f"<w:r><w:t xml:space=\"preserve\">{r}</w:t></w:r>" for r in runs) + "</w:p>"


def norm(text):
    """Whitespace-normalised text (poppler and PyPDF2 differ in spacing)."""
    return " ".join(text.split())


# ---- helpers --------------------------------------------------------------

@pytest.fixture
def account(server):
    user, token, _email = new_account(server)
    return user, auth(token)


def new_candidate(server, headers, email=None, **fields):
    import uuid
    body = {"email": email or f"cand-{uuid.uuid4().hex[:10]}@example.com"}
    body.update(fields)
    r = server.post("/api/v1/candidates/", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def upload(server, headers, cid, name, data, kind="cv", content_type="application/octet-stream"):
    path = f"/api/v1/candidates/{cid}/" + ("upload-cv" if kind == "cv" else "upload-job-spec")
    return server.post(path, files={"file": (name, data, content_type)}, headers=headers)


def stored_text(server, cid, column="cv_text"):
    """The full stored text ("" for NULL), read as JSON so that line breaks
    survive the psql round trip."""
    quote = "json_quote" if server.kind == "sqlite" else "to_json"
    rows = sql(server, f"SELECT {quote}(coalesce({column}, '')) FROM candidates WHERE id = %s", (cid,))
    return json.loads(rows[0][0])


def assert_upload(r, cid, doc_type, filename):
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == UPLOAD_KEYS
    assert body["success"] is True and body["candidate_id"] == cid
    assert body["doc_type"] == doc_type and body["filename"] == filename
    assert DT_Z.match(body["uploaded_at"]), body["uploaded_at"]
    return body


# ---- PDF ------------------------------------------------------------------

def test_pdf_text_of_every_page_joined_by_blank_line(server, account):
    _, h = account
    c = new_candidate(server, h)
    pdf = make_pdf([["Jane Doe", "Senior Engineer"], [], ["Python (and C) expert"]])
    body = assert_upload(upload(server, h, c["id"], "Resume.PDF", pdf), c["id"], "cv", "Resume.PDF")
    text = stored_text(server, c["id"])
    assert norm(text) == "Jane Doe Senior Engineer Python (and C) expert"
    # the blank page is skipped: exactly one blank line between the two texts
    assert text.count("\n\n") == 1, repr(text)
    assert text == text.strip()
    assert body["text_preview"] == text


def test_pdf_long_text_preview_is_500_characters_and_dots(server, account):
    _, h = account
    c = new_candidate(server, h)
    lines = [f"Line {i:03d} " + "é" * 40 for i in range(30)]
    body = assert_upload(upload(server, h, c["id"], "long.pdf", make_pdf([lines])), c["id"], "cv", "long.pdf")
    text = stored_text(server, c["id"])
    assert len(text) > 500
    assert body["text_preview"] == text[:500] + "..."
    got = server.get(f"/api/v1/candidates/{c['id']}", headers=h).json()
    assert got["cv_text_preview"] == text[:500] + "..."


def test_pdf_encrypted_with_empty_user_password_is_read(server, account):
    _, h = account
    c = new_candidate(server, h)
    pdf = make_pdf([["Readable despite encryption"]], user_password="")
    assert_upload(upload(server, h, c["id"], "enc.pdf", pdf), c["id"], "cv", "enc.pdf")
    assert norm(stored_text(server, c["id"])) == "Readable despite encryption"


@pytest.mark.parametrize("name,data", [
    ("locked.pdf", make_pdf([["secret text"]], user_password="hunter2")),
    ("truncated.pdf", make_pdf([["Cut short"]])[:60]),
    ("garbage.pdf", b"%PDF-1.7\n" + os.urandom(4000)),
    ("notapdf.pdf", b"hello, I am plain text"),
    ("zip.pdf", make_docx(para("docx posing as pdf"))),
], ids=["locked", "truncated", "garbage", "notapdf", "zip"])
def test_unreadable_pdf_stores_empty_text_and_answers_200(server, account, name, data):
    _, h = account
    c = new_candidate(server, h)
    body = assert_upload(upload(server, h, c["id"], name, data), c["id"], "cv", name)
    assert body["text_preview"] == ""
    assert stored_text(server, c["id"]) == ""
    got = server.get(f"/api/v1/candidates/{c['id']}", headers=h).json()
    assert got["cv_filename"] == name and got["cv_text_preview"] == ""
    assert DT_Z.match(got["cv_uploaded_at"])
    # the server survived and still answers
    assert server.get("/health").status_code == 200


# ---- DOCX -----------------------------------------------------------------

def test_docx_body_paragraphs_runs_hyperlinks_tabs_breaks(server, account):
    _, h = account
    c = new_candidate(server, h)
    body_xml = (
        para("Jane ", "Doe")
        + "<w:p><w:r><w:t>   </w:t></w:r></w:p>"   # blank paragraph: skipped
        + '<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:br w:type="page"/>'
          '<w:t>d</w:t><w:noBreakHyphen/><w:t>e</w:t></w:r></w:p>'
        + '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>link text</w:t></w:r></w:hyperlink></w:p>'
        + "<w:tbl><w:tr><w:tc>" + para("inside a table") + "</w:tc></w:tr></w:tbl>"
        + para("Ünïcödé — ok")
    )
    assert_upload(upload(server, h, c["id"], "cv.docx", make_docx(body_xml)), c["id"], "cv", "cv.docx")
    assert stored_text(server, c["id"]) == "Jane Doe\n\na\tb\ncd-e\n\nlink text\n\nÜnïcödé — ok"


@pytest.mark.parametrize("name,data", [
    ("plain.docx", b"PK\x03\x04 not really a zip"),
    ("other.docx", (lambda: (lambda b: (zipfile.ZipFile(b, "w").writestr("x.txt", "hi"), b.getvalue())[1])(
        io.BytesIO()))()),
    ("badxml.docx", (lambda: (lambda b: (zipfile.ZipFile(b, "w").writestr("word/document.xml", "<w:document"),
                                          b.getvalue())[1])(io.BytesIO()))()),
    ("ole.docx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600),
    ("pdf.docx", make_pdf([["pdf posing as docx"]])),
], ids=["notzip", "nodocument", "badxml", "ole", "pdf"])
def test_unreadable_docx_stores_empty_text(server, account, name, data):
    _, h = account
    c = new_candidate(server, h)
    body = assert_upload(upload(server, h, c["id"], name, data), c["id"], "cv", name)
    assert body["text_preview"] == ""
    assert stored_text(server, c["id"]) == ""


# ---- TXT (job spec only) --------------------------------------------------

def test_txt_job_spec_decoded_with_replacement_characters(server, account):
    _, h = account
    c = new_candidate(server, h)
    raw = b"  \n Backend role\xff\xfe caf\xc3\xa9 \xe2\x82 end\x00!\t\n"
    body = assert_upload(upload(server, h, c["id"], "spec.TXT", raw, kind="job_spec"), c["id"], "job_spec",
                         "spec.TXT")
    expected = raw.decode("utf-8", errors="replace").replace("\x00", "").strip()
    assert body["text_preview"] == expected
    assert stored_text(server, c["id"], "job_spec_text") == expected
    got = server.get(f"/api/v1/candidates/{c['id']}", headers=h).json()
    assert got["job_spec_filename"] == "spec.TXT" and got["job_spec_text_preview"] == expected
    assert got["cv_filename"] is None and got["cv_text_preview"] is None


def test_job_spec_accepts_pdf_and_docx(server, account):
    _, h = account
    c = new_candidate(server, h)
    assert_upload(upload(server, h, c["id"], "spec.pdf", make_pdf([["Role: SRE"]]), kind="job_spec"),
                  c["id"], "job_spec", "spec.pdf")
    assert norm(stored_text(server, c["id"], "job_spec_text")) == "Role: SRE"
    assert_upload(upload(server, h, c["id"], "spec.docx", make_docx(para("Role: SWE")), kind="job_spec"),
                  c["id"], "job_spec", "spec.docx")
    assert stored_text(server, c["id"], "job_spec_text") == "Role: SWE"


def test_whitespace_only_txt_gives_empty_preview(server, account):
    _, h = account
    c = new_candidate(server, h)
    body = assert_upload(upload(server, h, c["id"], "blank.txt", b" \n\t\r\n ", kind="job_spec"),
                         c["id"], "job_spec", "blank.txt")
    assert body["text_preview"] == ""


# ---- storage --------------------------------------------------------------

def test_upload_is_written_to_local_disk(server, account):
    _, h = account
    c = new_candidate(server, h)
    pdf = make_pdf([["On disk"]])
    assert_upload(upload(server, h, c["id"], "my cv.pdf", pdf), c["id"], "cv", "my cv.pdf")
    folder = os.path.join(server.workdir, "uploads", "cv")
    names = [n for n in os.listdir(folder) if re.fullmatch(rf"cv-{c['id']}-\d+\.pdf", n)]
    assert len(names) == 1, os.listdir(folder)
    with open(os.path.join(folder, names[0]), "rb") as f:
        assert f.read() == pdf
    url = sql(server, "SELECT cv_file_url FROM candidates WHERE id = %s", (c["id"],))[0][0]
    assert url == os.path.join(os.path.realpath(server.workdir), "uploads", "cv", names[0]) or \
        url == os.path.join(server.workdir, "uploads", "cv", names[0])


def test_concurrent_uploads_are_isolated(server, account):
    """Several extractions at once (each in its own child process) neither
    mix their texts nor wait for one another's pipes."""
    import concurrent.futures
    _, h = account
    cands = [new_candidate(server, h) for _ in range(6)]

    def one(i):
        c = cands[i]
        data = make_pdf([[f"Document number {i}"]]) if i % 2 == 0 else make_docx(para(f"Document number {i}"))
        name = "a.pdf" if i % 2 == 0 else "a.docx"
        r = upload(server, h, c["id"], name, data)
        assert r.status_code == 200, r.text
        return norm(r.json()["text_preview"])

    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        results = list(ex.map(one, range(6)))
    assert results == [f"Document number {i}" for i in range(6)]
