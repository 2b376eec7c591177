"""Finding the files of a corpus and joining MARC records to the texts they describe."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from indexer.model import Resolution
from indexer.readers import RECORD_SUFFIXES, is_document
from indexer.readers.marcxml import MarcRecord


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(document files, MARC record files) under the given files and folders, sorted."""
    documents: set[Path] = set()
    records: set[Path] = set()
    for root in paths:
        candidates = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in candidates:
            if any(part.startswith(".") for part in path.parts[len(root.parts) :]):
                continue
            if path.suffix.lower() in RECORD_SUFFIXES:
                records.add(path.resolve())
            elif is_document(path):
                documents.add(path.resolve())
    return sorted(documents), sorted(records)


def apply_record(resolution: Resolution, record: MarcRecord) -> Resolution:
    """Metadata from the library record fills or overrides what the text parser found."""
    return resolution.with_metadata(
        symbol=record.symbol,
        title=record.title,
        date=record.date,
        agenda_items=record.agenda_items,
        sponsors=record.sponsors,
        subjects=record.subjects,
    )


def record_only(record: MarcRecord) -> Resolution:
    """A resolution known from its library record alone (no text in the corpus)."""
    import re

    session = re.match(r"A/(?:RES/)?(\d{1,3})/", record.symbol)
    kind = "resolution" if "/RES/" in record.symbol else "draft resolution" if "/L." in record.symbol else "resolution"
    return Resolution(
        symbol=record.symbol,
        language="en" if record.title.isascii() else "zh",
        kind=kind,
        session=int(session.group(1)) if session else None,
        agenda_items=record.agenda_items,
        title=record.title,
        sponsors=record.sponsors,
        date=record.date,
        text=record.title,
        clauses=(),
        source_path=record.source_path,
        subjects=record.subjects,
    )
