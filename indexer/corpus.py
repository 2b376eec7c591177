"""Finding the files of a corpus and joining MARC records to the texts they describe.

Symbolic links: a file is reported under the name it has in the corpus (the link's), never its
target's. A link whose target is missing is reported as broken; a link that leads outside the
folders being indexed is reported and skipped unless `follow_links` says to follow it; a folder
reached twice (a loop, or two links to one folder) is read once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers import RECORD_SUFFIXES, is_document
from indexer.readers.marcxml import MarcRecord


@dataclass
class Discovery:
    documents: list[Path] = field(default_factory=list)
    records: list[Path] = field(default_factory=list)
    problems: list[DocumentError] = field(default_factory=list)


def display_name(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 as `\\xff`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def discover(paths: Iterable[Path], follow_links: bool = False) -> Discovery:
    """Document files and MARC record files under the given files and folders, sorted, and the
    links that were not followed (see the module docstring)."""
    roots = [Path(os.path.abspath(p)) for p in paths]
    allowed = [os.path.realpath(root) for root in roots]
    found = Discovery()
    seen_targets: set[str] = set()
    seen_folders: set[str] = set()

    def consider(path: Path) -> None:
        if path.is_symlink():
            target = os.path.realpath(path)
            if not os.path.exists(target):
                found.problems.append(DocumentError(display_name(path), f"broken symbolic link (to {target})"))
                return
            if not follow_links and not _inside(target, allowed):
                found.problems.append(
                    DocumentError(
                        display_name(path),
                        f"a link to {display_name(target)}, outside the folders being indexed: skipped "
                        "(`ga-search index --follow-links` follows it)",
                    )
                )
                return
        if path.is_dir():
            walk(path)
            return
        target = os.path.realpath(path)
        if target in seen_targets:  # the same file under two names: indexed once
            return
        if path.suffix.lower() in RECORD_SUFFIXES:
            seen_targets.add(target)
            found.records.append(path)
        elif is_document(path):
            seen_targets.add(target)
            found.documents.append(path)

    def walk(folder: Path) -> None:
        real = os.path.realpath(folder)
        if real in seen_folders:
            return
        seen_folders.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            found.problems.append(DocumentError(display_name(folder), f"cannot list the folder: {error.strerror}"))
            return
        for entry in entries:
            if not entry.name.startswith("."):
                consider(Path(entry.path))

    for root in roots:
        consider(root)
    found.documents.sort()
    found.records.sort()
    return found


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
