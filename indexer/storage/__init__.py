"""ga-search's storage layer: everything that uses Whoosh below its public API.

Whoosh 2.7.4 (its last release) is pure Python; where its per-posting paths were the cost,
ga-search writes and reads the same files more directly. Those paths use private attributes of
that one version, and they live only here:

- `segment.py`: a `SegmentWriter` that pools postings in flat arrays; committing the segments that
  worker processes wrote in one TOC.
- `segment_copy.py`: a segment copied into a writer (a merge) by arrays, not a posting at a time.
- `lengths.py`: a segment's length columns read in one piece.
- `token_streams.py`: the text fields' tokens pooled as they come, grouped into postings in arrays
  when the segment is written.
- `term_blocks.py`: a term's posting blocks and statistics written at once, from lists or arrays.
- `columns.py`: a segment's byte columns read whole.
- `blocks.py`: a term's posting blocks read whole through the codec's block readers.
- `merging.py`: merging only an index's small segments (the segment list is private).
- `mapped.py`: a segment file's parts read from its memory map instead of copied into every
  searcher (installed on import, below).
- `deflate.py`: posting blocks' zlib streams written and read by ISA-L.
- `stored_fields.py`: a record's stored fields pickled (protocol 5) and compressed by ISA-L, in the
  form Whoosh's stored-fields column reads.
- `packed_values.py`: a posting block's values as one bytes object, not a tuple of them.

Everything else (analysis, schema, queries, searchers, columns) goes through Whoosh's public API.
Any other Whoosh version is refused on import, with what to do, instead of failing later inside a
search or writing an index another version cannot read.

The index format also includes the classes Whoosh pickles into an index's TOC with the schema: a
field's class, its posting format and its analyzer are found again by module path when the index
is opened. `INDEX_FORMAT_CLASSES` lists ours; moving one of them makes every existing index
unreadable, so tests/test_storage.py compares this list with what a schema really pickles.
"""

from __future__ import annotations

import whoosh

PINNED_WHOOSH = (2, 7, 4)

# Module paths pickled into every index (see the module docstring): part of the index format.
INDEX_FORMAT_CLASSES = frozenset(
    {
        "analyzers.tokenizer.CharTokenizer",
        "analyzers.tokenizer.PartsFilter",
        "analyzers.tokenizer.PositionFilter",
        "analyzers.tokenizer.RunTokenizer",
        "analyzers.tokenizer.SegmentFilter",
        "indexer.formats.PackedPositions",
        "indexer.formats.PackedText",
        "indexer.schema.CharText",
        "indexer.schema.TagList",
    }
)

# Module paths pickled into every posting block our writer writes (segment.py): index format too.
BLOCK_FORMAT_CLASSES = frozenset({"indexer.storage.packed_values.PackedValues"})


def check_whoosh(found: tuple[int, ...] = whoosh.__version__) -> None:
    """Refuse any Whoosh but the pinned one, with the command that installs it."""
    if tuple(found) != PINNED_WHOOSH:
        pinned = ".".join(map(str, PINNED_WHOOSH))
        raise ImportError(
            f"ga-search needs Whoosh {pinned} exactly (it uses that version's file format internals), "
            f"but Whoosh {'.'.join(map(str, found))} is installed: pip install whoosh=={pinned}"
        )


check_whoosh()

from indexer.storage.mapped import install as _install_mapped_files  # noqa: E402  (after the check)

_install_mapped_files()
