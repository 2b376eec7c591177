"""Reading UN General Assembly documents and writing the ga-search index.

ga-search writes and reads Whoosh's files below Whoosh's public API where its pure-Python paths
were the cost (indexer/segment.py, indexer/formats.py, indexer/writer.py, indexer/shards.py,
search_api/postings.py, search_api/evaluate.py): those private attributes are Whoosh 2.7.4's, so
any other version is refused here, on import, with what to do, instead of failing later inside
a search or, worse, writing an index another version cannot read.
"""

from __future__ import annotations

import whoosh

PINNED_WHOOSH = (2, 7, 4)


def check_whoosh(found: tuple[int, ...] = whoosh.__version__) -> None:
    if tuple(found) != PINNED_WHOOSH:
        raise ImportError(
            f"ga-search needs Whoosh {'.'.join(map(str, PINNED_WHOOSH))} exactly (it uses that version's "
            f"file format internals), but Whoosh {'.'.join(map(str, found))} is installed: "
            f"pip install whoosh=={'.'.join(map(str, PINNED_WHOOSH))}"
        )


check_whoosh()
