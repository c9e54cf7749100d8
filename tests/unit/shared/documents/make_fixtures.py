#!/usr/bin/env python3
"""Regenerates the binary fixtures of the documents unit tests with the
builders of tests/api/test_documents.py:
    /usr/bin/python3 tests/unit/documents/make_fixtures.py"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "api"))
sys.path.insert(0, str(HERE.parents[1]))
from test_documents import make_docx, make_pdf, para  # noqa: E402

OUT = HERE / "fixtures"
OUT.mkdir(exist_ok=True)
(OUT / "two-pages.pdf").write_bytes(make_pdf([["Hello PDF"], [], ["Second page"]]))
(OUT / "locked.pdf").write_bytes(make_pdf([["secret"]], user_password="hunter2"))
(OUT / "open-encrypted.pdf").write_bytes(make_pdf([["Open sesame"]], user_password=""))
(OUT / "hello.docx").write_bytes(make_docx(para("Hello ", "DOCX") + para("  ") + para("Bye")))
