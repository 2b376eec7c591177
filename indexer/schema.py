"""The index layout: one Whoosh index holding two levels of records.

- `level=document`: one record per resolution; `text` holds every clause, separated by U+2029
  so positions jump by `CLAUSE_GAP` between clauses (phrases never cross a clause boundary);
  `clauses_json` stores the parsed clauses so a resolution renders without reopening its file;
  `content_hash` and `source` drive incremental indexing.
- `level=clause`: one record per clause, carrying its resolution's facet fields, so every clause
  hit can be filtered and counted by session, sponsor, agenda item... like its resolution.

Both levels share `text` (jieba words, see analyzers/tokenizer.py) and `chars` (characters and
bigrams for exact substrings). Facet fields are columns, so grouping reads a column per segment
instead of walking postings: single-valued facets (`session`, `year`, `kind`, `clause_type`,
`verb`, `language`) as plain columns, multi-valued ones (`agenda`, `sponsor`, `cites`, `subject`)
as list columns (`TagList`), counted with `allow_overlap=True`.
"""

from __future__ import annotations

from whoosh import columns, fields

from analyzers import char_analyzer, word_analyzer

SCHEMA_VERSION = "3"
MULTI_VALUED = ("agenda", "sponsor", "cites", "subject")


class TagList(fields.KEYWORD):
    """A comma-separated keyword list, stored as a list column for overlapping facets."""

    def __init__(self) -> None:
        super().__init__(stored=True, commas=True, scorable=False, lowercase=False)
        self.column_type = columns.VarBytesListColumn()

    def to_column_value(self, value: str | list[str]) -> list[bytes]:
        items = value if isinstance(value, list) else [v.strip() for v in value.split(",")]
        return [item.encode("utf-8") for item in items if item]

    def from_column_value(self, value: list[bytes]) -> list[str]:
        return [item.decode("utf-8") for item in value]


def build_schema() -> fields.Schema:
    """A fresh schema instance (analyzers are per schema; Whoosh pickles it into the index)."""
    words = word_analyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        doc_id=fields.ID(stored=True),
        level=fields.ID(stored=True),
        symbol=fields.ID(stored=True),
        language=fields.ID(stored=True, sortable=True),
        kind=fields.ID(stored=True, sortable=True),
        session=fields.NUMERIC(int, stored=True, sortable=True),
        year=fields.NUMERIC(int, stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),
        agenda=TagList(),
        sponsor=TagList(),
        cites=TagList(),
        subject=TagList(),
        clause_type=fields.ID(stored=True, sortable=True),
        verb=fields.ID(stored=True, sortable=True),
        verb_phrase=fields.STORED(),
        number=fields.ID(stored=True),
        ordinal=fields.NUMERIC(int, stored=True, sortable=True),
        title=fields.TEXT(analyzer=words, stored=True, field_boost=2.0),
        text=fields.TEXT(analyzer=words, stored=True),
        chars=fields.TEXT(analyzer=char_analyzer(), stored=False),
        clauses_json=fields.STORED(),
        source=fields.ID(stored=True),
        content_hash=fields.ID(stored=True),
    )
