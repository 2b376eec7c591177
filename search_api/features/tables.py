"""A resolution, its precedents and its lineage as CSV tables (`format=csv`, `--format csv`): the
rows a researcher keeps in a spreadsheet, written with the exports' CSV writer."""

from __future__ import annotations

from typing import Any

from search_api.features.export import csv_lines
from search_api.models import DocumentView, LineageResult, PrecedentResult

CLAUSE_TABLE = (
    "symbol",
    "doc_id",
    "language",
    "session",
    "date",
    "clause",
    "type",
    "verb",
    "text",
    "cites",
    "notes",
)
PRECEDENT_TABLE = ("similarity", "relation", "symbol", "doc_id", "session", "date", "clause", "text")
LINEAGE_TABLE = (
    "step",
    "symbol",
    "doc_id",
    "session",
    "date",
    "link",
    "clause",
    "previous_clause",
    "change",
    "similarity",
)


def document_csv(view: DocumentView) -> str:
    """One row a clause, with its resolution's symbol, session and date."""
    rows = [
        {
            "symbol": view.symbol,
            "doc_id": view.doc_id,
            "language": view.language,
            "session": view.session,
            "date": view.date,
            "clause": clause.number,
            "type": clause.type,
            "verb": clause.verb,
            "text": clause.text,
            "cites": clause.citations,
            "notes": clause.notes,
        }
        for clause in view.clauses
    ]
    return "".join(csv_lines(rows, CLAUSE_TABLE))


def precedents_csv(result: PrecedentResult) -> str:
    """One row a precedent, best first."""
    rows: list[dict[str, Any]] = [
        {
            "similarity": p.similarity,
            "relation": p.relation,
            "symbol": p.symbol,
            "doc_id": p.doc_id,
            "session": p.session,
            "date": p.date,
            "clause": p.clause.number,
            "text": p.clause.text,
        }
        for p in result.precedents
    ]
    return "".join(csv_lines(rows, PRECEDENT_TABLE))


def lineage_csv(result: LineageResult) -> str:
    """One row a clause change of each step (a step without an indexed text: one row, no clause)."""
    rows: list[dict[str, Any]] = []
    for number, step in enumerate(result.steps, start=1):
        base = {"step": number, "symbol": step.symbol, "doc_id": step.doc_id, "session": step.session,
                "date": step.date, "link": step.link}  # fmt: skip
        rows += [
            {
                **base,
                "clause": c.number,
                "previous_clause": c.previous_number,
                "change": c.change,
                "similarity": c.similarity,
            }
            for c in step.changes
        ] or [base]
    return "".join(csv_lines(rows, LINEAGE_TABLE))
