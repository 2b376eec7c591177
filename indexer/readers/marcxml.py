"""UN Digital Library MARCXML records (MARC 21 slim), parsed with a hardened lxml parser.

Fields used: 191 $a symbol, 245 $a $b $c title, 269 $a / 992 $a date, 991 $b agenda item,
710 $a or 500 "sponsors" notes, 650 $a subjects. A record fills or overrides the metadata that the
text parser found for the document with the same symbol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from indexer.errors import DocumentError
from indexer.readers.text import read_bytes
from indexer.readers.xml import safe_parser
from indexer.sponsors import parse_sponsors

MARC_NS = "http://www.loc.gov/MARC21/slim"


@dataclass(frozen=True)
class MarcRecord:
    symbol: str
    title: str
    date: date | None
    agenda_items: tuple[str, ...]
    sponsors: tuple[str, ...]
    subjects: tuple[str, ...]
    source_path: str


def _subfields(record: etree._Element, tag: str, code: str) -> list[str]:
    path = f"m:datafield[@tag='{tag}']/m:subfield[@code='{code}']"
    return [(node.text or "").strip() for node in record.xpath(path, namespaces={"m": MARC_NS})]


def _parse_date(values: list[str]) -> date | None:
    for value in values:
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 8:
            try:
                return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
            except ValueError:
                continue
    return None


def read_marcxml(path: Path) -> list[MarcRecord]:
    """All records of a MARCXML file (a `<collection>` or a single `<record>`)."""
    data = read_bytes(path)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(path, f"malformed XML: {error}") from error
    if root.tag not in (f"{{{MARC_NS}}}collection", f"{{{MARC_NS}}}record"):
        raise DocumentError(path, f"not MARC 21 XML: root element is {root.tag!r}, expected {MARC_NS}")
    elements = [root] if root.tag == f"{{{MARC_NS}}}record" else root.findall(f"{{{MARC_NS}}}record")
    records = []
    for element in elements:
        symbols = _subfields(element, "191", "a")
        if not symbols or not symbols[0]:
            continue
        title = " ".join(v for code in "abc" for v in _subfields(element, "245", code) if v).strip(" /:")
        sponsors_text = ", ".join(_subfields(element, "710", "a"))
        for note in _subfields(element, "500", "a"):
            if "sponsor" in note.lower() or "提案国" in note:
                sponsors_text += ", " + note.split(":", 1)[-1]
        records.append(
            MarcRecord(
                symbol=symbols[0],
                title=title,
                date=_parse_date(_subfields(element, "269", "a") + _subfields(element, "992", "a")),
                agenda_items=tuple(
                    re.sub(r"^A/\d+/", "", item).replace(" ", "") for item in _subfields(element, "991", "b")
                ),
                sponsors=parse_sponsors(sponsors_text) if sponsors_text else (),
                subjects=tuple(v for v in _subfields(element, "650", "a") if v),
                source_path=str(path),
            )
        )
    if not records:
        raise DocumentError(path, "no MARC record with a symbol (field 191) in the file")
    return records
