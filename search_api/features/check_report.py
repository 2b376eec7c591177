"""Reports a person keeps of a draft check: the draft back as DOCX, and a printable HTML page.

The DOCX is WordprocessingML written directly (the parts Word and LibreOffice read: content types,
relationships, the document, the comments). Each paragraph carries a comment with its verdict, its
sources and the other-language wording of the first source; an edited paragraph is written as the
nearest precedent's wording with the changes that make it the draft's as tracked changes
(`w:del`, `w:ins`), so a reviewer sees what was changed against agreed language and can accept or
reject each change.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from typing import Any

from lxml import etree

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_AUTHOR = "ga-search"
_DATE = "2026-01-01T00:00:00Z"  # a fixed date: the same check gives the same file
_VERDICTS = {
    "zh": {"agreed": "已商定措辞", "edited": "修改过的措辞", "new": "新措辞"},
    "en": {"agreed": "agreed language", "edited": "edited", "new": "new"},
}
CSV_COLUMNS = ("number", "type", "verdict", "similarity", "uses", "first_use", "last_use", "sources", "changes", "text")
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
</Types>"""
_PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="comments.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>
</Relationships>"""


# Characters XML cannot hold (control characters, lone surrogates): a draft may carry them, its
# report leaves them out (schemathesis sent one: lxml refused it with a ValueError).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _run(parent: etree._Element, text: str, tag: str = "t") -> None:
    run = etree.SubElement(parent, f"{_W}r")
    node = etree.SubElement(run, f"{_W}{tag}")
    node.text = _NOT_XML.sub("", text)
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _change(parent: etree._Element, kind: str, text: str, change_id: int) -> None:
    mark = etree.SubElement(parent, f"{_W}{kind}")
    mark.set(f"{_W}id", str(change_id))
    mark.set(f"{_W}author", _AUTHOR)
    mark.set(f"{_W}date", _DATE)
    _run(mark, text, "delText" if kind == "del" else "t")


def _source_line(source: dict[str, Any]) -> str:
    clause = source.get("clause") or {}
    where = source.get("date") or (f"session {source['session']}" if source.get("session") else "")
    symbol = source.get("symbol") or source["doc_id"]
    return f"{symbol} ¶{clause.get('number', '')} {where} ({source['similarity']:.2f})"


def comment_lines(paragraph: dict[str, Any], lang: str) -> list[str]:
    """What the comment on a paragraph says: verdict, sources, changes, other-language wording."""
    labels = _VERDICTS.get(lang, _VERDICTS["en"])
    lines = [labels[paragraph["verdict"]]]
    if paragraph["verdict"] == "agreed":
        first, last = paragraph.get("first_use") or {}, paragraph.get("last_use") or {}
        lines.append(
            f"{paragraph['uses']} × {first.get('symbol', '')} ({first.get('date') or first.get('session') or ''})"
            f" … {last.get('symbol', '')} ({last.get('date') or last.get('session') or ''})"
        )
    lines += [_source_line(source) for source in paragraph.get("sources", [])]
    for phrase in paragraph.get("phrases", []):
        lines.append(f"phrase: {phrase['text']} ({phrase['symbol'] or phrase['doc_id']} ¶{phrase['number']})")
    sources = paragraph.get("sources") or []
    if sources:
        for language, other in ((sources[0].get("clause") or {}).get("parallel") or {}).items():
            lines.append(f"{language}: {other.get('text', '')}")
    return lines


def check_docx(check: dict[str, Any], lang: str = "en") -> bytes:
    """The draft back as DOCX: a comment on each paragraph; edited ones as tracked changes."""
    document = etree.Element(f"{_W}document", nsmap={"w": _W_NS})
    body = etree.SubElement(document, f"{_W}body")
    comments = etree.Element(f"{_W}comments", nsmap={"w": _W_NS})
    change_id = 1000
    if check.get("title"):
        _run(etree.SubElement(body, f"{_W}p"), check["title"])
    for number, paragraph in enumerate(check["paragraphs"]):
        p = etree.SubElement(body, f"{_W}p")
        etree.SubElement(p, f"{_W}commentRangeStart").set(f"{_W}id", str(number))
        label = f"{paragraph['number']}. " if not paragraph["number"].startswith("P") else ""
        if label:
            _run(p, label)
        sources = paragraph.get("sources") or []
        if paragraph["verdict"] == "edited" and sources:
            for part in sources[0]["diff"]:
                if part["op"] == "equal":
                    _run(p, part["text"])
                else:
                    change_id += 1
                    _change(p, "del" if part["op"] == "delete" else "ins", part["text"], change_id)
        else:
            _run(p, paragraph["text"])
        etree.SubElement(p, f"{_W}commentRangeEnd").set(f"{_W}id", str(number))
        reference = etree.SubElement(etree.SubElement(p, f"{_W}r"), f"{_W}commentReference")
        reference.set(f"{_W}id", str(number))
        comment = etree.SubElement(comments, f"{_W}comment")
        for name, value in (("id", str(number)), ("author", _AUTHOR), ("initials", "GA"), ("date", _DATE)):
            comment.set(f"{_W}{name}", value)
        for line in comment_lines(paragraph, lang):
            _run(etree.SubElement(comment, f"{_W}p"), line)
    etree.SubElement(body, f"{_W}sectPr")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
        archive.writestr("word/document.xml", etree.tostring(document, xml_declaration=True, encoding="UTF-8"))
        archive.writestr("word/comments.xml", etree.tostring(comments, xml_declaration=True, encoding="UTF-8"))
    return out.getvalue()


def check_html(check: dict[str, Any], lang: str = "en") -> str:
    """A printable page of the check: the shares, then each paragraph with its verdict and sources."""
    labels = _VERDICTS.get(lang, _VERDICTS["en"])
    rows = []
    for paragraph in check["paragraphs"]:
        sources = paragraph.get("sources") or []
        if paragraph["verdict"] == "edited" and sources:
            text = "".join(
                html.escape(part["text"])
                if part["op"] == "equal"
                else f"<{'del' if part['op'] == 'delete' else 'ins'}>{html.escape(part['text'])}"
                f"</{'del' if part['op'] == 'delete' else 'ins'}>"
                for part in sources[0]["diff"]
            )
        else:
            text = html.escape(paragraph["text"])
        notes = "".join(f"<li>{html.escape(line)}</li>" for line in comment_lines(paragraph, lang)[1:])
        rows.append(
            f'<tr class="{paragraph["verdict"]}"><td>{html.escape(paragraph["number"])}</td>'
            f"<td>{html.escape(labels[paragraph['verdict']])}</td><td><p>{text}</p><ul>{notes}</ul></td></tr>"
        )
    shares = " · ".join(
        f"{labels[v]}: {check['shares'][v]['paragraphs']:.0%} / {check['shares'][v]['characters']:.0%}"
        for v in ("agreed", "edited", "new")
    )
    title = html.escape(check.get("title") or check.get("symbol") or "draft")
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:serif;max-width:60em;margin:2em auto}td{vertical-align:top;padding:.3em}"
        "tr.agreed td:nth-child(2){color:#2a6}tr.edited td:nth-child(2){color:#c70}tr.new td:nth-child(2){color:#c33}"
        "del{color:#c33}ins{color:#2a6}@media print{a{color:inherit}}</style></head>"
        f"<body><h1>{title}</h1><p>{html.escape(shares)}</p><table>{''.join(rows)}</table></body></html>"
    )


def use_text(use: dict[str, object] | None) -> str:
    if not use:
        return ""
    return f"{use['symbol'] or use['doc_id']} ¶{use['number']} ({use['date'] or use['session'] or ''})"


def sources_text(paragraph: dict[str, object]) -> str:
    sources = paragraph["sources"]
    assert isinstance(sources, list)
    return "; ".join(f"{s['symbol'] or s['doc_id']} ¶{s['clause']['number']} ({s['similarity']:.2f})" for s in sources)


def changes_text(paragraph: dict[str, object]) -> str:
    changes = paragraph.get("changes") or {}
    assert isinstance(changes, dict)
    parts = [f"+{a}" for a in changes.get("added", [])] + [f"-{r}" for r in changes.get("removed", [])]
    parts += [f"{old} -> {new}" for old, new in changes.get("replaced", [])]
    phrases = paragraph.get("phrases") or []
    assert isinstance(phrases, list)
    parts += [f"agreed phrase: {p['text']} ({p['symbol'] or p['doc_id']} ¶{p['number']})" for p in phrases]
    return " | ".join(parts)


def paragraphs_csv(payload: dict[str, object]) -> str:
    """The paragraph table as CSV, a row a paragraph."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    paragraphs = payload["paragraphs"]
    assert isinstance(paragraphs, list)
    for p in paragraphs:
        writer.writerow(
            [
                p["number"],
                p["type"],
                p["verdict"],
                p["similarity"],
                p["uses"],
                use_text(p["first_use"]),
                use_text(p["last_use"]),
                sources_text(p),
                changes_text(p),
                p["text"],
            ]
        )
    return out.getvalue()
