"""Writing a segment's terms, on the real shared corpus: what a term of a few postings costs.

Most terms of a real corpus are rare (in the shared corpus's index, nine in ten have fewer than 16
postings), so what the writer spends on each term, not on each posting, decides this part of a
build; the synthetic corpus, with a small vocabulary, hides it. The records of every readable file
of ../shared/corpus/raw are added to a segment writer (not timed); then the segment is written
(timed, CPU), with small terms written in Python (`term_blocks.SMALL_BLOCK`, the engine's way) and,
alternately in the same run, with every term through NumPy (`SMALL_BLOCK = 0`, the way before).
The two write the same bytes (tests/test_segment.py).

    python bench/write_terms.py [--runs 5] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.shared import SHARED_CORPUS, shared_file  # noqa: E402


def _records(corpus: Path) -> list[dict[str, object]]:
    from indexer.corpus import discover
    from indexer.errors import DocumentError
    from indexer.readers import read_document
    from indexer.records import to_records

    records: list[dict[str, object]] = []
    for path in discover([corpus]).documents:
        try:
            records.extend(to_records(read_document(path), "bench"))
        except DocumentError:
            continue
    return records


def _write(records: list[dict[str, object]], small_block: int) -> tuple[float, int, int]:
    """CPU seconds to write the segment of `records`; its terms, and those under 16 postings."""
    from whoosh import index as whoosh_index
    from whoosh.reading import SegmentReader

    from indexer.schema import build_schema
    from indexer.storage import term_blocks
    from indexer.storage.segment import FastSegmentWriter, finish_segment

    term_blocks.SMALL_BLOCK = small_block
    with tempfile.TemporaryDirectory() as directory:
        ix = whoosh_index.create_in(directory, build_schema())
        writer = FastSegmentWriter(ix)
        for record in records:
            writer.add_document(**record)
        started = time.process_time()
        segment = finish_segment(writer)
        seconds = time.process_time() - started
        terms = small = 0
        with SegmentReader(ix.storage, ix.schema, segment) as reader:
            for fieldname, term in reader.all_terms():
                terms += 1
                small += reader.doc_frequency(fieldname, term) < 16
    return seconds, terms, small


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from indexer.storage.term_blocks import SMALL_BLOCK

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS / "raw")
    args = parser.parse_args()
    records = _records(shared_file(args.corpus))
    ways = {"small terms in Python (now)": SMALL_BLOCK, "every term through NumPy (before)": 0}
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    counts = (0, 0)
    for _ in range(args.runs):  # alternated, so that a slow minute falls on both
        for way, small_block in ways.items():
            spent, *found = _write(records, small_block)
            seconds[way].append(spent)
            counts = (found[0], found[1])
    terms, small = counts
    table = Table(title=f"Writing the segment of {len(records):,} records of {args.corpus}: {terms:,} terms, "
                  f"{small:,} under 16 postings; median of {args.runs} runs")  # fmt: skip
    for column in ("way", "CPU s", "us a term", "runs (CPU s)"):
        table.add_column(column, justify="right")
    for way, spent in seconds.items():
        median = statistics.median(spent)
        runs = " ".join(f"{s:.2f}" for s in spent)
        table.add_row(way, f"{median:.2f}", f"{1e6 * median / terms:.1f}", runs)
    Console().print(table)


if __name__ == "__main__":
    main()
