"""How well the readers read the real UN files: paragraphs whole, cut and extra, furniture left in
clause text, header fields right, and time per page.

Reads every document of ../shared/corpus/raw/ (ODS PDFs and DOCX, the 1971 scans, the rest) and
seeds/, through `indexer.readers.read_document`, and scores what bench/readers_truth.json says of
each: the truth was written by reading the files (per paragraph its number, first and last three
words and its length; per document its header fields). A paragraph is whole when a clause of the
same number starts and ends with its words and is within 2 % of its length; cut when a clause
starts with its words but is not whole; an extra clause is one that matches no paragraph of the
truth. Run: `.venv/bin/python bench/readers.py [--json]`.

Where a PDF comes with a DOCX of the same name (the reports of ods_reports_mandates), the DOCX's
clauses (Word's own paragraphs) are the PDF's truth too: "PDF against its DOCX" counts the DOCX's
clauses found in the PDF's with the same text, and the PDF's clauses that are none of the DOCX's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.errors import DocumentError  # noqa: E402
from indexer.readers import is_document, read_document  # noqa: E402

SHARED_RAW = ROOT.parent / "shared" / "corpus" / "raw"
TRUTH = ROOT / "bench" / "readers_truth.json"
# Furniture that must never stand in a clause: job numbers, barcodes, a page number beside a job
# number, the footnote rule, a running head's symbol glued to text.
FURNITURE_IN_TEXT = re.compile(r"\b\d{2}-\d{5} \([A-Z]\)|\*\d{6,}\*|\b\d{1,3}/\d{1,3} \d{2}-\d{5}\b|_{5,}")
HEADER_FIELDS = ("symbol", "kind", "session", "agenda", "date", "title", "sponsors", "origin")


def _pages(path: Path) -> int:
    if path.suffix.lower() != ".pdf":
        return 1
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _header(resolution: Any) -> dict[str, Any]:
    return {
        "symbol": resolution.symbol,
        "kind": resolution.kind,
        "session": resolution.session,
        "agenda": list(resolution.agenda_items),
        "date": str(resolution.date),
        "title": resolution.title,
        "sponsors": list(resolution.sponsors),
        "origin": list(resolution.origin),
    }


def score(resolution: Any, truth: dict[str, Any]) -> dict[str, Any]:
    """Whole, cut, extra paragraphs, furniture and header fields of one document."""
    clauses = {clause.number: clause for clause in resolution.clauses}
    whole = cut = 0
    matched: set[str] = set()
    for paragraph in truth.get("paragraphs", []):
        clause = clauses.get(paragraph["number"])
        words = clause.text.split() if clause else []
        starts = " ".join(words[:3]) == paragraph["first"]
        ends = " ".join(words[-3:]) == paragraph["last"]
        if clause and starts and ends and abs(len(clause.text) - paragraph["length"]) <= 0.02 * paragraph["length"]:
            whole += 1
            matched.add(paragraph["number"])
        elif clause and starts:
            cut += 1
            matched.add(paragraph["number"])
    expected = truth.get("paragraphs", [])
    extra = len([number for number in clauses if number not in matched]) if expected else 0
    got = _header(resolution)
    fields = {name: got[name] == value for name, value in truth.get("header", {}).items()}
    furniture = sum(1 for clause in resolution.clauses if FURNITURE_IN_TEXT.search(clause.text))
    return {
        "paragraphs": len(expected),
        "whole": whole,
        "cut": cut + (len(expected) - whole - cut),
        "extra": extra,
        "furniture": furniture,
        "fields_right": sum(fields.values()),
        "fields": len(fields),
        "wrong": [name for name, right in fields.items() if not right],
    }


def _clause_texts(resolution: Any) -> list[str]:
    return [" ".join(clause.text.split()) for clause in resolution.clauses]


def pair_rows(read: dict[Path, Any]) -> list[dict[str, Any]]:
    """Each PDF read beside a DOCX of the same name: the DOCX's clauses found in it, its extras."""
    rows = []
    for path, resolution in read.items():
        twin = read.get(path.with_suffix(".docx"))
        if path.suffix.lower() != ".pdf" or resolution is None or twin is None:
            continue
        pdf, docx = _clause_texts(resolution), _clause_texts(twin)
        found, known = set(pdf), set(docx)
        rows.append(
            {
                "document": path.name,
                "docx": len(docx),
                "found": sum(text in found for text in docx),
                "pdf": len(pdf),
                "extra": sum(text not in known for text in pdf),
            }
        )
    return rows


def _print_pairs(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    print("\nPDF against its DOCX (the DOCX's clauses as truth)")
    print(f"{'document':32} {'docx':>5} {'found':>5} {'pdf':>5} {'extra':>5}")
    for row in rows:
        print(f"{row['document'][:32]:32} {row['docx']:>5} {row['found']:>5} {row['pdf']:>5} {row['extra']:>5}")
    docx, found = sum(r["docx"] for r in rows), sum(r["found"] for r in rows)
    pdf, extra = sum(r["pdf"] for r in rows), sum(r["extra"] for r in rows)
    share = 100 * found / max(docx, 1)
    print(f"{'total':32} {docx:>5} {found:>5} {pdf:>5} {extra:>5}  ({share:.1f} % of the DOCX's clauses found)")


def documents() -> list[tuple[str, Path]]:
    found = []
    if SHARED_RAW.is_dir():
        found += [(str(p.relative_to(SHARED_RAW)), p) for p in sorted(SHARED_RAW.rglob("*")) if _wanted(p)]
    seeds = ROOT / "seeds"
    found += [(f"seeds/{p.relative_to(seeds)}", p) for p in sorted(seeds.rglob("*")) if _wanted(p)]
    return found


def _wanted(path: Path) -> bool:
    # The 941 decisions are one reader (iGov JSON) and one shape: ten stand for them.
    if "igov" in str(path) and not re.search(r"/7[12]_40[1-5]", str(path)):
        return False
    return path.is_file() and (is_document(path) or path.suffix.lower() in (".zh", ".en"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    truth = json.loads(TRUTH.read_text("utf-8"))["documents"] if TRUTH.exists() else {}
    rows = []
    read: dict[Path, Any] = {}
    for name, path in documents():
        started = time.perf_counter()
        try:
            resolution = read_document(path)
            error = ""
        except DocumentError as failure:
            resolution, error = None, failure.reason
        read[path] = resolution
        seconds = time.perf_counter() - started
        row: dict[str, Any] = {"document": name, "ms_per_page": round(1000 * seconds / _pages(path), 1)}
        if resolution is None:
            row["error"] = error
        elif "ocr" in resolution.extra:
            row |= {"ocr": resolution.extra["ocr"], "clauses": len(resolution.clauses)}
        elif name in truth:
            row |= score(resolution, truth[name])
        else:
            row["clauses"] = len(resolution.clauses)
        rows.append(row)
    pairs = pair_rows(read)
    if args.json:
        print(json.dumps({"documents": rows, "pairs": pairs}, ensure_ascii=False, indent=1))
        return
    head = f"{'paras':>5} {'whole':>5} {'cut':>4} {'extra':>5} {'furn':>4} {'fields':>7} {'ms/page':>8}"
    print(f"{'document':58} {head}  wrong (ms/page: a DOCX counts as one page)")
    total = {"paragraphs": 0, "whole": 0, "cut": 0, "extra": 0, "furniture": 0, "fields_right": 0, "fields": 0}
    pdf_ms = []
    for row in rows:
        if "error" in row:
            print(f"{row['document'][:58]:58} error: {row['error'][:70]}")
            continue
        if "ocr" in row:
            print(f"{row['document'][:58]:58} OCR ({row['ocr']}): {row['ms_per_page'] / 1000:.1f} s a page")
        elif row["document"].endswith(".pdf"):
            pdf_ms.append(row["ms_per_page"])
        if "fields" not in row:
            continue
        for key in total:
            total[key] += row[key]
        fields = f"{row['fields_right']}/{row['fields']}"
        cells = f"{row['paragraphs']:>5} {row['whole']:>5} {row['cut']:>4} {row['extra']:>5} {row['furniture']:>4}"
        print(f"{row['document'][:58]:58} {cells} {fields:>7} {row['ms_per_page']:>8}  {','.join(row['wrong'])}")
    share = 100 * total["whole"] / total["paragraphs"] if total["paragraphs"] else 0.0
    print(
        f"{'total (documents with a truth)':58} {total['paragraphs']:>5} {total['whole']:>5} {total['cut']:>4} "
        f"{total['extra']:>5} {total['furniture']:>4} {total['fields_right']:>3}/{total['fields']:<3}"
    )
    print(f"paragraphs whole: {share:.1f} %; documents read: {len(rows)}; failures: {sum('error' in r for r in rows)}")
    if pdf_ms:
        pdf_ms.sort()
        print(f"PDF ms/page (text layer): median {pdf_ms[len(pdf_ms) // 2]}, max {pdf_ms[-1]} ({len(pdf_ms)} PDFs)")
    _print_pairs(pairs)


if __name__ == "__main__":
    main()
