"""The index layout: one Whoosh index holding two levels of records.

- `level=clause`: one record per clause: its own fields (number, ordinal, type, leading verb, the
  resolutions it cites) and its resolution's `doc_id` and `source`, nothing else of the
  resolution's. It inherits the resolution's fields (`RESOLUTION_FIELDS`: session, sponsors,
  agenda items, title...) at query time: the search layer maps every record to its resolution's
  document record once a snapshot (search_api/core/docsets.py), so a clause hit is filtered, counted,
  sorted, matched (`session:73`, a title word) and rendered with them as if it carried them.
  Copying them onto each clause made a quarter of the index's postings, a dozen column values and
  a larger stored record per clause, for 20 clauses a resolution saying the same thing.
  `text` holds the clause (jieba words, see analyzers/tokenizer.py), `chars` the same text as
  character bigrams for exact substrings, `stems` its words stemmed in its language (not
  Chinese), `bands` (a column) the MinHash band keys that find
  clauses of nearly the same wording and `shingles` (a column) the hashes that measure how near
  (indexer/similarity.py).
- `level=document`: one record per resolution, with its metadata (indexed, columns, stored), its
  title (searchable) and
  `clauses_json`, the parsed clauses, so a resolution renders without reopening its file;
  `content_hash` and `source` drive incremental indexing; `series` (language and normalised title)
  finds the other sessions' resolutions of a series. Its text is not indexed again: a
  document-level search runs on the clauses and collapses them by `doc_id` (a column), which
  halves the indexing work. Only a resolution known from its library record alone (no text)
  indexes its title as `text`.

`id` (the `doc_id`, or `doc_id#number` for a clause), a clause's `number` and a record's `source`
are stored, not indexed, and `ordinal` (the clause's place, for sorting) is a column only: none is
searched, a resolution's records are found by `doc_id` and a clause by its number among them.

Text fields store positions as packed integers (indexer/formats.py), which phrase matching
decodes a block at a time. Phrases never cross clauses: each clause is its own record (and
`CLAUSE_GAP` separates clauses in any field value that joins several with U+2029). Facet fields
are columns, so counting reads a column once per snapshot instead of walking postings:
single-valued facets (`session`, `year`, `kind`, `clause_type`, `verb`, `language`) as plain
columns, multi-valued ones (`agenda`, `sponsor`, `cites`, `subject`) as list columns (`TagList`).
"""

from __future__ import annotations

from whoosh import columns, fields
from whoosh.analysis import SpaceSeparatedTokenizer

from analyzers import char_analyzer, word_analyzer
from analyzers.tokenizer import char_runs, char_stream
from indexer.formats import PackedText, PostingStream
from indexer.similarity import BANDS, KEY_DTYPE, SIMILARITY_VERSION

# The band keys depend on the similarity parameters: changing them changes the schema. 7: text
# fields store positions packed (indexer/formats.py); 8: one term per number (`number_field`);
# 9: `id` stored only (records are found by `doc_id`, a clause by its number within it); 10: band
# keys a column (indexer/similarity.py).
# 11: a resolution's fields on its document record only (`RESOLUTION_FIELDS`); 12: a clause's
# `number` and every record's `source` stored only, `ordinal` a column only (none is searched);
# 13: plain Whoosh field classes where a memo of repeated values served the copies 11 removed.
# 14: a resolution's `origin` (the drafts or report its header names) and `sponsors_from` (the
# draft its sponsors were taken from, indexer/drafts.py).
# 15: `stems`, a clause's words stemmed in its own language (analyzers/languages.py).
SCHEMA_VERSION = f"16-{SIMILARITY_VERSION}"
MULTI_VALUED = ("agenda", "sponsor", "cites", "subject", "origin")
# On the document record only; its clauses inherit them in the search layer.
RESOLUTION_FIELDS = frozenset(
    (
        "symbol",
        "language",
        "kind",
        "session",
        "year",
        "date",
        "agenda",
        "sponsor",
        "subject",
        "title",
        "origin",
        "sponsors_from",
    )
)


class CharText(PackedText):
    """The `chars` field: `char_analyzer()`'s postings, computed at index time by
    `char_stream` instead of a token per bigram (the most postings of any field)."""

    def posting_stream(self, value: object) -> PostingStream | None:
        return char_stream(value) if isinstance(value, str) else None

    def char_runs(self, value: object) -> tuple[list[str], list[int]] | None:
        """What the segment writer keeps until it writes (indexer/storage/char_streams.py): the
        texts the grams are cut from and their first positions (`char_runs`)."""
        return char_runs(value) if isinstance(value, str) else None


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


def number_field() -> fields.NUMERIC:
    """A stored, sortable integer with one term per value. Whoosh's default also indexes each
    value at 7 coarser precisions (8 terms) to speed ranges over wide spans; sessions and years
    span at most a few hundred values, which a range enumerates at once, and the
    7 extra postings a record were a tenth of all the index wrote."""
    return fields.NUMERIC(int, stored=True, sortable=True, shift_step=0)


def build_schema() -> fields.Schema:
    """A fresh schema instance (analyzers are per schema; Whoosh pickles it into the index)."""
    words = word_analyzer()
    return fields.Schema(
        id=fields.STORED(),
        doc_id=fields.ID(stored=True, sortable=True),
        level=fields.ID(stored=True),
        symbol=fields.ID(stored=True),
        language=fields.ID(stored=True, sortable=True),
        kind=fields.ID(stored=True, sortable=True),
        session=number_field(),
        year=number_field(),
        date=fields.ID(stored=True, sortable=True),
        agenda=TagList(),
        sponsor=TagList(),
        cites=TagList(),
        subject=TagList(),
        origin=TagList(),
        sponsors_from=fields.STORED(),
        clause_type=fields.ID(stored=True, sortable=True),
        verb=fields.ID(stored=True, sortable=True),
        verb_phrase=fields.STORED(),
        number=fields.STORED(),
        ordinal=fields.COLUMN(columns.NumericColumn("i")),
        title=PackedText(analyzer=words, stored=True, field_boost=2.0),
        text=PackedText(analyzer=words, stored=True),
        # A clause's footnotes (PDF: the notes its marks point to; DOCX: w:footnoteReference), searched
        # as `notes:...`, kept out of the clause's own text.
        notes=PackedText(analyzer=words, stored=True),
        chars=CharText(analyzer=char_analyzer(), stored=False),
        # `en:decid`: stemmed by indexer/records.py in the clause's language; no positions
        # (quoted phrases are exact, on `text`).
        stems=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False, stored=False),
        series=fields.ID(stored=False),
        bands=fields.COLUMN(columns.FixedBytesColumn(BANDS * KEY_DTYPE.itemsize)),
        shingles=fields.COLUMN(columns.VarBytesColumn()),
        clauses_json=fields.STORED(),
        source=fields.STORED(),
        # A scan read by OCR: the engine and languages, and the mean word confidence (0-100).
        ocr=fields.STORED(),
        content_hash=fields.ID(stored=True),
    )
