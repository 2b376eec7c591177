"""The reports of a draft check a person keeps: the DOCX opens in LibreOffice with a comment on
each paragraph and the changes against the nearest precedent tracked; the HTML page prints; the
API answers each format with its type."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from starlette.testclient import TestClient

from indexer.readers import read_document
from search_api.engine import SearchEngine
from search_api.features.check_report import check_docx, check_html
from search_api.http.app import create_app
from tests.conftest import SEEDS
from tests.test_check import composed_draft, seeds_engine  # noqa: F401 - the module's index fixture

RES_80_21 = SEEDS / "ga_res_80_en" / "A_RES_80_21.md"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@pytest.mark.slow
def test_the_docx_report_opens_in_libreoffice_with_comments_where_the_paragraphs_are(
    seeds_engine: SearchEngine,  # noqa: F811
    tmp_path: Path,
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("needs LibreOffice to open the DOCX: apt-get install libreoffice-writer-nogui")
    check = seeds_engine.check(read_document(RES_80_21), parallel=("en",)).to_dict()
    report = tmp_path / "check.docx"
    report.write_bytes(check_docx(check, "en"))
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "odt",
         "--outdir", str(tmp_path), str(report)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    converted = tmp_path / "check.odt"
    assert converted.exists(), done.stdout + done.stderr
    content = zipfile.ZipFile(converted).read("content.xml")
    tree = etree.fromstring(content)
    paragraphs = tree.findall(f".//{{{ODF_TEXT}}}p")
    annotated = [p for p in paragraphs if p.find(f"{{{ODF_OFFICE}}}annotation") is not None]
    assert len(annotated) == len(check["paragraphs"])  # one comment a paragraph, in that paragraph
    for paragraph, node in zip(check["paragraphs"], annotated, strict=True):
        comment = node.find(f"{{{ODF_OFFICE}}}annotation")
        assert comment is not None
        remark = "".join(comment.itertext())
        # The paragraph's own text: all but the comment's (whose tail is the paragraph's text again).
        words = (node.text or "") + "".join(
            ("" if child.tag.startswith(f"{{{ODF_OFFICE}}}annotation") else "".join(child.itertext()))
            + (child.tail or "")
            for child in node
        )
        if paragraph["verdict"] != "edited":
            assert paragraph["text"][:30] in words
        verdict = {"agreed": "agreed language", "edited": "edited", "new": "new"}[paragraph["verdict"]]
        assert verdict in remark
    edited = sum(p["verdict"] == "edited" for p in check["paragraphs"])
    assert edited and len(tree.findall(f".//{{{ODF_TEXT}}}changed-region")) >= edited  # the changes are tracked


def test_the_html_report_marks_verdicts_and_changes(seeds_engine: SearchEngine) -> None:  # noqa: F811
    check = seeds_engine.check(read_document(RES_80_21)).to_dict()
    page = check_html(check, "en")
    assert page.startswith("<!DOCTYPE html>") and page.count('<tr class="') == len(check["paragraphs"])
    assert "<del>" in page and "<ins>" in page and "agreed language" in page


def test_post_check_answers_each_format_with_its_type(seeds_engine: SearchEngine) -> None:  # noqa: F811
    client = TestClient(create_app(seeds_engine.index_dir))
    body = {"text": composed_draft()}
    docx = client.post("/check", json=body, params={"format": "docx", "lang": "en"})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxml")
    assert "word/comments.xml" in zipfile.ZipFile(__import__("io").BytesIO(docx.content)).namelist()
    html = client.post("/check", json=body, params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    csv = client.post("/check", json=body, params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("number,type,verdict")
    assert client.post("/check", json=body, params={"format": "pdf"}).status_code == 400


def test_a_draft_with_control_characters_still_gets_its_docx(seeds_engine: SearchEngine) -> None:  # noqa: F811
    client = TestClient(create_app(seeds_engine.index_dir))
    # Raw JSON: a NUL, a vertical tab and a lone surrogate (as JSON escapes) in the text.
    body = b'{"text": "The General Assembly,\\n\\nRecalling \\u0000a \\u000bprinciple \\ud800,\\n"}'
    response = client.post(
        "/check", content=body, params={"format": "docx"}, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200  # found by fuzzing: a 500 (lxml refused the control characters)
    document = zipfile.ZipFile(__import__("io").BytesIO(response.content)).read("word/document.xml")
    assert b"Recalling a principle" in document
