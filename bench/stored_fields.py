"""A record's stored fields written Whoosh's way and ours, on the records of a built index.

Whoosh's `STORED_COLUMN` pickles a record's stored fields with protocol 2 and compresses them with
zlib at level 3; `indexer/storage/stored_fields.py` pickles with protocol 5 and compresses with
ISA-L at level 3 (the same zlib stream format). For the first `--records` records of `--index`,
each way is timed (CPU, per record) in alternate rounds and the bytes a record are counted; both
ways are checked to give back the same fields.

    python bench/stored_fields.py --index bench/out/index-scale-synthetic-v2-100000 [--rounds 5]
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _stored(index_dir: Path, limit: int) -> list[dict[str, Any]]:
    from whoosh import index as whoosh_index

    from indexer.storage.index import INDEX_NAME

    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME)
    with ix.reader() as reader:
        return [reader.stored_fields(docnum) for docnum in range(min(limit, reader.doc_count_all()))]


def _whooshs(fields: dict[str, Any]) -> bytes:
    return zlib.compress(pickle.dumps(fields, 2), 3)


def _timed(write: Callable[[dict[str, Any]], bytes], records: list[dict[str, Any]]) -> tuple[float, int]:
    started = time.process_time()
    written = [write(record) for record in records]
    seconds = time.process_time() - started
    assert all(pickle.loads(zlib.decompress(data)) == record for data, record in zip(written, records, strict=True))
    return seconds, sum(map(len, written))


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from indexer.storage.stored_fields import stored_bytes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    records = _stored(args.index, args.records)
    ways = {"Whoosh: protocol 2, zlib level 3": _whooshs, "ours: protocol 5, ISA-L level 3": stored_bytes}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    sizes: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, write in ways.items():
            spent, sizes[name] = _timed(write, records)
            seconds[name].append(spent)
    table = Table(title=f"Stored fields of {len(records):,} records of {args.index}, {args.rounds} rounds alternated")
    for column in ("way", "us a record (median)", "min-max", "bytes a record"):
        table.add_column(column, justify="left" if column == "way" else "right")
    for name in ways:
        each = [value / len(records) * 1e6 for value in seconds[name]]
        table.add_row(
            name,
            f"{statistics.median(each):.1f}",
            f"{min(each):.1f}-{max(each):.1f}",
            f"{sizes[name] / len(records):.1f}",
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
