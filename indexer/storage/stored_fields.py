"""A record's stored fields, written in the form Whoosh 2.7.4's `STORED_COLUMN` reads (a pickle,
compressed as a zlib stream) with less work and fewer bytes.

Whoosh pickles each record's stored fields with protocol 2 and compresses them with the standard
library's zlib at level 3: 5 % of a build's CPU, the largest single call of the records' writing
(py-spy of a 100k-clause build). Protocol 5 writes a short string with a one-byte length (2: four)
and ISA-L writes the same stream format in about half zlib's time: on the SYNTHETIC 100k index's
first 30,000 records, 536 -> 507 bytes a record and 30-38 -> 15-20 us in four runs
(bench/stored_fields.py). Any zlib and any pickle of Python 3 read them, so segments written
before read as they did, and a merge copies a record's bytes as they are (segment_copy.py).
"""

from __future__ import annotations

import pickle
from typing import Any

from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.columns import CompressedBytesColumn, PickleColumn, VarBytesColumn

from indexer.storage import deflate

STORED_NAME = "_stored"  # the stored fields' column (W3PerDocWriter.finish_doc)
PICKLE_PROTOCOL = 5
LEVEL = 3  # Whoosh's level; ISA-L's highest (deflate.py)


def stored_bytes(fields: dict[str, Any]) -> bytes:
    """One record's stored fields as the column holds them."""
    return deflate.compress(pickle.dumps(fields, PICKLE_PROTOCOL), LEVEL)


def stored_writer(perdocwriter: Any) -> Any:
    """The bytes column under the segment's stored fields (made if need be): what
    `STORED_COLUMN`'s writer writes into once it has pickled and compressed a record."""
    if not perdocwriter._has_column(STORED_NAME):
        perdocwriter._create_column(STORED_NAME, STORED_COLUMN)
    target = perdocwriter._get_column(STORED_NAME)
    if type(target) is not PickleColumn.Writer or type(target._child) is not CompressedBytesColumn.Writer:
        raise TypeError(f"stored fields written as {target!r}, not Whoosh 2.7.4's STORED_COLUMN")
    return target._child


def finish_doc(perdocwriter: Any) -> None:
    """`W3PerDocWriter.finish_doc`, the record's stored fields written as `stored_bytes`."""
    fields = perdocwriter._storedfields
    if fields:
        VarBytesColumn.Writer.add(stored_writer(perdocwriter), perdocwriter._docnum, stored_bytes(fields))
        fields.clear()
    perdocwriter._indoc = False
