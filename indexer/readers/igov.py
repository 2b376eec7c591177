"""GA decisions as exported by the UN iGov decisions database (one JSON record a file)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from indexer.citations import find_citations
from indexer.errors import DocumentError
from indexer.model import Clause, Resolution
from indexer.readers.text import read_bytes
from indexer.sponsors import parse_sponsors
from indexer.structure import join_lines
from indexer.verbs import leading_verb

_REQUIRED = ("ED_DecisionNumber", "ED_Title", "ED_DecisionText")


def read_igov_json(path: Path) -> Resolution:
    """Read one iGov decision record: number, title, agenda item, session, date, text."""
    try:
        record = json.loads(read_bytes(path).decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DocumentError(path, f"invalid JSON: {error}") from error
    if not isinstance(record, dict) or any(key not in record for key in _REQUIRED):
        raise DocumentError(path, f"not an iGov decision record (needs {', '.join(_REQUIRED)})")
    number = str(record["ED_DecisionNumber"]).strip()
    symbol = f"A/DEC/{number}"
    paragraphs = [join_lines(p) for p in re.split(r"\n\s*\n", str(record["ED_DecisionText"])) if p.strip()]
    clauses = []
    for index, text in enumerate(paragraphs, start=1):
        verb, phrase = leading_verb(text)
        clauses.append(Clause(str(index), "paragraph", text, verb, phrase, find_citations(text)))
    meetings = record.get("ED_Meeting") or []
    when = None
    if meetings and isinstance(meetings[0], dict) and meetings[0].get("ED_Date"):
        when = date.fromisoformat(str(meetings[0]["ED_Date"])[:10])
    session = re.match(r"(\d+)", str(record.get("ED_Session", "")) or number)
    agenda = str(record.get("ED_AgendaItem") or "")
    kind = "decision"
    return Resolution(
        symbol=symbol,
        language="en",
        kind=kind,
        session=int(session.group(1)) if session else int(number.split("/")[0]),
        agenda_items=tuple(re.sub(r"\s+", "", item) for item in re.findall(r"\d+\s*(?:\([a-z]+\))?", agenda)),
        title=join_lines(str(record["ED_Title"])),
        sponsors=parse_sponsors(str(record.get("ED_Sponsors", ""))) if record.get("ED_Sponsors") else (),
        date=when,
        text="\n\n".join(paragraphs),
        clauses=tuple(clauses),
        source_path=str(path),
        subjects=(str(record.get("ED_Type")),) if record.get("ED_Type") else (),
    )
