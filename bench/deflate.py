"""The index's zlib streams: the standard library's zlib against ISA-L (indexer/storage/deflate.py).

Reads an index's compressed posting blocks (the `text` and `chars` terms of 2,000 postings or more,
up to 3,000 blocks) and 20,000 records' stored fields, decompressed once to get their plain bytes,
then times each library writing them at zlib's level 3 (Whoosh's, and the codec's default) and
reading them back: CPU ms for them all (the best of 3 passes) and the bytes written.
The posting blocks are written with ISA-L; the stored records stay with zlib, for their size.

    python bench/deflate.py [--clauses 100000]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indexes import synthetic_index  # noqa: E402

LEVEL = 3
MAX_BLOCKS = 3000
MAX_RECORDS = 20_000


def posting_blocks(index_dir: Path) -> list[bytes]:
    """Compressed posting blocks of the index's common word and bigram terms, as stored."""
    from whoosh import index as whoosh_index

    from indexer.storage.blocks import stored_blocks, term_extent

    found: list[bytes] = []
    with whoosh_index.open_dir(str(index_dir), indexname="MAIN").reader() as reader:
        for leaf, _ in reader.leaf_readers():
            terms = leaf._terms
            for (fieldname, _), info in terms.items():
                if fieldname not in ("chars", "text") or info.doc_frequency() < 2000:
                    continue
                for _, compression, data in stored_blocks(terms._postfile, *term_extent(info)):
                    if compression:
                        found.append(data)
                    if len(found) >= MAX_BLOCKS:
                        return found
    return found


def stored_records(index_dir: Path) -> list[bytes]:
    """The first records' stored fields, pickled as Whoosh pickles them before compressing."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir), indexname="MAIN").reader() as reader:
        count = min(MAX_RECORDS, reader.doc_count_all())
        return [pickle.dumps(reader.stored_fields(docnum), 2) for docnum in range(count)]


def best_cpu_ms(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    from isal import isal_zlib
    from rich.console import Console
    from rich.table import Table

    from indexer.storage import deflate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=100_000, help="the SYNTHETIC index's size")
    args = parser.parse_args()
    index_dir = synthetic_index(args.clauses)
    blocks = [zlib.decompress(block) for block in posting_blocks(index_dir)]
    records = stored_records(index_dir)
    table = Table(title=f"zlib streams of {index_dir.name} (SYNTHETIC), level {LEVEL}")
    for column in ("data", "library", "write ms", "read ms", "bytes written", "plain bytes"):
        table.add_column(column, justify="right")
    libraries = (("zlib", zlib.compress, zlib.decompress), ("ISA-L (deflate.py)", deflate.compress, deflate.decompress))
    for name, plain in ((f"{len(blocks):,} posting blocks", blocks), (f"{len(records):,} stored records", records)):
        for library, compress, decompress in libraries:
            written = [compress(data, LEVEL) for data in plain]
            assert [zlib.decompress(data) for data in written] == plain  # either one reads the other's
            assert [isal_zlib.decompress(data) for data in written] == plain
            write_ms = best_cpu_ms(lambda c=compress, p=plain: [c(data, LEVEL) for data in p])
            read_ms = best_cpu_ms(lambda d=decompress, w=written: [d(data) for data in w])
            row = (f"{write_ms:,.0f}", f"{read_ms:,.0f}", f"{sum(map(len, written)):,}", f"{sum(map(len, plain)):,}")
            table.add_row(name, library, *row)
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
