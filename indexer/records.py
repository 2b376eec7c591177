"""A `Resolution` as Whoosh records: one for the document, one per clause."""

from __future__ import annotations

import json

from analyzers import normalize_text
from analyzers.languages import STEMMED_LANGUAGES, stem_token
from analyzers.tokenizer import letter_words
from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.similarity import similarity_fields_batch


def _tags(values: tuple[str, ...]) -> str:
    # Commas separate tags; the few names that contain one are kept whole by replacing it.
    return ",".join(value.replace(",", "\u201a") for value in values)


def split_tags(value: str | None) -> list[str]:
    """A stored tag list (`_tags` above joins it) as a list, commas in names restored."""
    if not value:
        return []
    return [item.replace("\u201a", ",") for item in value.split(",") if item]


def compact_text(text: str) -> str:
    """`text` without case, spacing, punctuation or script differences, for comparing titles."""
    return "".join(ch for ch in normalize_text(text).lower() if ch.isalnum())


def series_key(language: str, title: str) -> str:
    """The key that groups a resolution series: language and title, ignoring case, spacing,
    punctuation and script (`Question of Gibraltar` in sessions 71 to 80)."""
    words = compact_text(title)
    return f"{language}:{words}" if words else ""


def clauses_json(resolution: Resolution) -> str:
    return json.dumps(
        [
            {
                "number": c.number,
                "type": c.type,
                "verb": c.verb,
                "verb_phrase": c.verb_phrase,
                "text": c.text,
                "citations": list(c.citations),
                **({"notes": list(c.notes)} if c.notes else {}),
            }
            for c in resolution.clauses
        ],
        ensure_ascii=False,
    )


SESSIONS = range(1, 1000)
YEARS = range(1945, 2201)


def check_values(resolution: Resolution) -> None:
    """Refuse values the index cannot hold (its numbers are 32-bit) or that cannot be real, before
    anything of the document is written: `session: 99999999999` in front matter is a bad file,
    not a reason to stop indexing the rest."""
    if resolution.session is not None and resolution.session not in SESSIONS:
        raise DocumentError(resolution.source_path, f"session {resolution.session} is out of range (1 to 999)")
    if resolution.date is not None and resolution.date.year not in YEARS:
        raise DocumentError(resolution.source_path, f"date {resolution.date} is out of range (1945 to 2200)")


def to_records(resolution: Resolution, content_hash: str) -> list[dict[str, object]]:
    """Field dicts for `writer.add_document`: the document record first, then its clauses, which
    carry of the resolution only its `doc_id` and `source` (indexer/schema.py)."""
    check_values(resolution)
    doc_id = resolution.doc_id  # a property, made again at each use (a `Path` of the file's name)
    resolution_fields: dict[str, object] = {
        "doc_id": doc_id,
        "symbol": resolution.symbol or "",
        "language": resolution.language,
        "kind": resolution.kind,
        "agenda": _tags(resolution.agenda_items),
        "sponsor": _tags(resolution.sponsors),
        "subject": _tags(resolution.subjects),
        "origin": _tags(resolution.origin),
        "sponsors_from": resolution.sponsors_from,
        "title": resolution.title,
        "source": resolution.source_path,
    }
    if resolution.extra.get("ocr"):
        resolution_fields["ocr"] = (
            f"{resolution.extra['ocr']}, mean word confidence {resolution.extra['ocr_confidence']}"
        )
    if resolution.session is not None:
        resolution_fields["session"] = resolution.session
    if resolution.date is not None:
        resolution_fields["year"] = resolution.date.year
        resolution_fields["date"] = resolution.date.isoformat()
    # The document record carries the metadata and the stored clauses; its text is searched
    # through its clause records, so it is analysed once. A resolution known only from its
    # library record has no clauses: its title is its text.
    records: list[dict[str, object]] = [
        {
            **resolution_fields,
            "id": doc_id,
            "level": "document",
            "cites": _tags(resolution.citations),
            "clauses_json": clauses_json(resolution),
            "content_hash": content_hash,
            "series": series_key(resolution.language, resolution.title),
            **({} if resolution.clauses else {"text": resolution.title, "chars": resolution.title}),
        }
    ]
    similarity = similarity_fields_batch([clause.text for clause in resolution.clauses])
    for ordinal, clause in enumerate(resolution.clauses):
        record = {
            "doc_id": doc_id,
            "source": resolution.source_path,
            "id": f"{doc_id}#{clause.number}",
            "level": "clause",
            "number": clause.number,
            "ordinal": ordinal,
            "clause_type": clause.type,
            "cites": _tags(clause.citations),
            "text": clause.text,
            "chars": clause.text,
            **similarity[ordinal],
        }
        if resolution.language in STEMMED_LANGUAGES:
            record["stems"] = stems_text(clause.text, resolution.language)
        if clause.notes:
            record["notes"] = "\n".join(clause.notes)
        if clause.verb:
            record["verb"] = clause.verb
            record["verb_phrase"] = clause.verb_phrase
        records.append(record)
    return records


def stems_text(text: str, language: str) -> str:
    """The `stems` field of a clause: each of its words stemmed in `language`, with the language
    (`en:decid en:maintain ...`): what an unquoted word finds in any of its forms."""
    return " ".join(stem_token(language, word) for word in letter_words(text))
