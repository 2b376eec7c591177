"""Building and updating the index: incremental, parallel, and never half-written.

Incremental: a file whose SHA-256 matches the one stored with its document is skipped; a changed
file, or another file with the same document id (language + symbol), replaces the old records;
`prune` removes documents whose file is gone.

Parallel: files are parsed in a pool of worker processes; the Whoosh writer is `MpWriter` with one
sub-writer per worker, each analysing and writing its own segment (the analysis is the costly
part, and Whoosh on one core is the ceiling: see bench/index.py for the measurements).

Atomic: Whoosh writes new segment files, then the table of contents to a temporary file that it
renames into place, so a reader sees the previous commit or the new one. The write lock is an
`fcntl` lock, which the kernel releases when the process dies (even by SIGKILL): there is no lock
file to clear by hand, and a later run simply takes the lock. Files that a killed run left behind
are deleted by the next commit. Readers keep their snapshot until they reopen.

Merging: an incremental run lets Whoosh's default policy merge small segments. A run that added
more than `OPTIMIZE_FRACTION` of the index, or left more than `MAX_SEGMENTS` segments, optimises to
one segment: queries then read one posting list per term instead of one per segment, which matters
most right after a large build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import Term
from whoosh.searching import Searcher
from whoosh.multiproc import MpWriter

from indexer.corpus import apply_record, discover, record_only
from indexer.errors import DocumentError, IndexError_
from indexer.manifest import Manifest, check_manifest, read_manifest, write_manifest
from indexer.model import Resolution
from indexer.readers import read_document
from indexer.readers.marcxml import MarcRecord, read_marcxml
from indexer.records import to_records
from indexer.schema import build_schema

INDEX_NAME = "MAIN"
OPTIMIZE_FRACTION = 0.5
MAX_SEGMENTS = 8
MP_MIN_DOCUMENTS = 200

ProgressCallback = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What one `build_index` run did."""

    indexed: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    failed: list[DocumentError] = field(default_factory=list)
    documents: int = 0
    clauses: int = 0
    seconds: float = 0.0


def count_level(searcher: Searcher, level: str) -> int:
    """Live records of one level (`doc_frequency` would still count deleted ones until a merge)."""
    return sum(1 for _ in searcher.docs_for_query(Term("level", level)))


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse(path_text: str) -> tuple[str, str, Resolution | DocumentError]:
    """Worker: hash and parse one file. Errors come back as values, never as a dead pool."""
    path = Path(path_text)
    try:
        digest = file_hash(path)
    except OSError as error:
        return path_text, "", DocumentError(path, f"cannot read: {error}")
    try:
        return path_text, digest, read_document(path)
    except DocumentError as error:
        return path_text, digest, error
    except Exception as error:  # a reader bug must not lose the rest of the corpus
        return path_text, digest, DocumentError(path, f"unexpected {type(error).__name__}: {error}")


def open_or_create(index_dir: Path, rebuild: bool = False) -> whoosh_index.Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    if rebuild or not whoosh_index.exists_in(str(index_dir), INDEX_NAME):
        return whoosh_index.create_in(str(index_dir), build_schema(), INDEX_NAME)
    if read_manifest(index_dir) is not None:
        check_manifest(index_dir)
    return whoosh_index.open_dir(str(index_dir), INDEX_NAME)


def _existing(ix: whoosh_index.Index) -> dict[str, tuple[str, str]]:
    """source path -> (content hash, doc id) of every indexed document."""
    with ix.searcher() as searcher:
        return {
            fields["source"]: (fields.get("content_hash", ""), fields["doc_id"])
            for fields in searcher.documents(level="document")
        }


def _records(paths: Sequence[Path], report: IndexReport) -> dict[str, MarcRecord]:
    records: dict[str, MarcRecord] = {}
    for path in paths:
        try:
            for record in read_marcxml(path):
                records[record.symbol] = record
        except DocumentError as error:
            report.failed.append(error)
    return records


def _parse_all(paths: Sequence[Path], workers: int) -> Iterable[tuple[str, str, Resolution | DocumentError]]:
    if workers <= 1 or len(paths) < 8:
        return map(_parse, map(str, paths))
    pool = ProcessPoolExecutor(max_workers=workers)
    return _drain(pool, paths)


def _drain(pool: ProcessPoolExecutor, paths: Sequence[Path]):  # type: ignore[no-untyped-def]
    with pool:
        yield from pool.map(_parse, map(str, paths), chunksize=16)


def build_index(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    rebuild: bool = False,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> IndexReport:
    """Index every supported file under `paths` into `index_dir` (see module docstring)."""
    started = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    report = IndexReport()
    ix = open_or_create(index_dir, rebuild)
    existing = {} if rebuild else _existing(ix)
    indexed_ids = {doc_id for _, doc_id in existing.values()}
    document_paths, record_paths = discover(paths)
    records = _records(record_paths, report)

    to_parse = []
    for path in document_paths:
        known = existing.get(str(path))
        if known and known[0] and known[0] == _quick_hash(path, known[0]):
            report.unchanged += 1
        else:
            to_parse.append(path)

    try:
        writer = (
            MpWriter(ix, procs=workers, batchsize=64, multisegment=False)
            if workers > 1 and len(to_parse) >= MP_MIN_DOCUMENTS
            else ix.writer()
        )
    except LockError as error:
        raise IndexError_(f"another `ga-search index` is writing to {index_dir}; try again when it ends") from error

    seen: dict[str, str] = {}
    done = 0
    joined: set[str] = set()
    try:
        for path_text, digest, outcome in _parse_all(to_parse, workers):
            done += 1
            if on_progress:
                on_progress(done, len(to_parse))
            if isinstance(outcome, DocumentError):
                report.failed.append(outcome)
                continue
            resolution = outcome
            if resolution.symbol and resolution.symbol in records:
                resolution = apply_record(resolution, records[resolution.symbol])
                joined.add(resolution.symbol)
            previous = existing.get(path_text)
            if previous and previous[1] != resolution.doc_id:
                writer.delete_by_term("doc_id", previous[1])
            if resolution.doc_id in seen:
                report.failed.append(DocumentError(path_text, f"same document id {resolution.doc_id!r} as "
                                                              f"{seen[resolution.doc_id]}: skipped"))
                continue
            seen[resolution.doc_id] = path_text
            if resolution.doc_id in indexed_ids:
                writer.delete_by_term("doc_id", resolution.doc_id)
                report.replaced += 1
            else:
                report.indexed += 1
            for record in to_records(resolution, digest):
                writer.add_document(**record)
        for symbol, record in records.items():
            if symbol in joined or any(f":{symbol}" in doc_id for doc_id in indexed_ids | set(seen)):
                continue
            resolution = record_only(record)
            if resolution.doc_id not in seen:
                for item in to_records(resolution, "record"):
                    writer.add_document(**item)
                report.indexed += 1
        if prune:
            for source, (_, doc_id) in existing.items():
                if not Path(source).exists() and doc_id not in seen:
                    writer.delete_by_term("doc_id", doc_id)
                    report.removed += 1
        total_before = len(existing)
        optimize = rebuild or (report.indexed + report.replaced) > OPTIMIZE_FRACTION * max(total_before, 1)
        writer.commit(optimize=optimize)
    except BaseException:
        writer.cancel()
        raise

    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME)
    if len(ix._segments()) > MAX_SEGMENTS:
        ix.optimize()
    with ix.searcher() as searcher:
        report.documents = count_level(searcher, "document")
        report.clauses = count_level(searcher, "clause")
        generation = ix.latest_generation()
    report.seconds = time.perf_counter() - started
    write_manifest(index_dir, Manifest.current(report.documents, report.clauses, report.seconds, generation))
    return report


def _quick_hash(path: Path, expected: str) -> str:
    try:
        return file_hash(path)
    except OSError:
        return ""


def delete_document(index_dir: Path, doc_id: str) -> bool:
    """Remove one document and its clauses; True if it was there."""
    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME)
    with ix.writer() as writer:
        count = writer.delete_by_query(Term("doc_id", doc_id))
    return bool(count)
