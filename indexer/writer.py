"""Building and updating the index: incremental, parallel, and never half-written.

Incremental: a file whose SHA-256 matches the one stored with its document is skipped; a changed
file replaces the old records; of two files with the same document id (language + symbol: a DOCX
and a PDF of one resolution, a seed and its fetched copy), the one indexer/preference.py's rule
prefers is kept, whichever is indexed last, and the other is reported as superseded, not as a
failure; `prune` removes documents whose file is gone.

Parallel: with more than `MP_MIN_DOCUMENTS` files to read, worker processes (indexer/shards.py,
one per core, or one) each parse, analyse and write segments of their own, and this process
commits them all at once; smaller runs stay in this process, where starting workers would cost
more than it saves. Whoosh on one core is the ceiling otherwise: see bench/index.py for the
measurements.

Atomic: Whoosh writes new segment files, then the table of contents to a temporary file that it
renames into place, so a reader sees the previous commit or the new one. The write lock is an
`fcntl` lock, which the kernel releases when the process dies (even by SIGKILL): there is no lock
file to clear by hand, and a later run simply takes the lock. Files that a killed run left behind
are deleted by the next commit. Readers keep their snapshot until they reopen.

Merging: an in-process run that added more than `OPTIMIZE_FRACTION` of the index optimises to one
segment; otherwise Whoosh's default policy merges small segments at each commit. A parallel run
adds one segment per worker (more on a large corpus, as each bounds its memory), unmerged: merging
would undo the time the workers saved. Whenever more than `MAX_SEGMENTS` segments remain, the small
ones are merged (indexer/storage/merging.py), which keeps queries fast after many updates
without re-merging the large segments of a parallel build through Whoosh's slow merge.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import LockError

from analyzers import segmenter
from indexer.corpus import discover, record_only
from indexer.drafts import join_draft_sponsors
from indexer.errors import DocumentError, IndexError_
from indexer.files import file_hash
from indexer.manifest import Manifest, check_manifest, read_manifest, write_manifest
from indexer.model import Resolution
from indexer.preference import kept
from indexer.readers.marcxml import MarcRecord, read_marcxml
from indexer.records import to_records
from indexer.schema import build_schema
from indexer.shards import MAX_SEGMENT_POSTINGS, Outcome, index_file, run_in_workers
from indexer.storage.index import INDEX_NAME, count_level, remove_uncommitted
from indexer.storage.merging import merge_small_segments
from indexer.storage.segment import FastSegmentWriter, commit_with_segments

OPTIMIZE_FRACTION = 0.5
MAX_SEGMENTS = 8
MP_MIN_DOCUMENTS = 200
# From this many files, word parts are looked up in jieba's dictionary loaded into memory (1 s to
# load, 0.03 ms a word) rather than memory-mapped (0.2 ms a word): analyzers/segmenter.py.
LOADED_DICTIONARY_FROM = 20

ProgressCallback = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What one `build_index` run did."""

    indexed: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    failed: list[DocumentError] = field(default_factory=list)
    # (file, the file kept instead): the same symbol and language in another file that the rule
    # in indexer/preference.py prefers. Not a failure.
    superseded: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    clauses: int = 0
    seconds: float = 0.0


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


def build_index(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    rebuild: bool = False,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    follow_links: bool = False,
) -> IndexReport:
    """Index every supported file under `paths` into `index_dir` (see module docstring)."""
    started = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    report = IndexReport()
    ix = open_or_create(index_dir, rebuild)
    existing = {} if rebuild else _existing(ix)
    indexed_ids = {doc_id for _, doc_id in existing.values()}
    found = discover(paths, follow_links)
    report.failed.extend(found.problems)
    document_paths = found.documents
    records = _records(found.records, report)

    to_index: list[tuple[str, str]] = []
    for path in document_paths:
        digest = _hash_or_empty(path)
        known = existing.get(str(path))
        if known and digest and known[0] == digest:
            report.unchanged += 1
        else:
            to_index.append((str(path), digest))

    try:
        writer = FastSegmentWriter(ix, timeout=2.0)
    except LockError as error:
        raise IndexError_(f"another `ga-search index` is writing to {index_dir}; try again when it ends") from error

    # Large runs go to workers even when there is one: a worker writes a segment whenever its
    # postings pass a bound, so memory stays bounded however large the corpus.
    parallel = len(to_index) >= MP_MIN_DOCUMENTS
    if len(to_index) >= LOADED_DICTIONARY_FROM and not parallel:  # the workers load their own
        segmenter.use_loaded_dictionary()
    seen: dict[str, str] = {}
    replaced: set[str] = set()
    source_of = {doc_id: source for source, (_, doc_id) in existing.items()}
    duplicates: list[tuple[str, str]] = []
    new_segments: list[Any] = []
    try:
        stream: Iterable[Outcome | list[Any]] = (
            run_in_workers(index_dir, INDEX_NAME, to_index, records, workers)
            if parallel
            else (index_file(path, digest, records, writer.add_document) for path, digest in to_index)
        )
        done = 0
        for item in stream:
            if isinstance(item, list):
                new_segments = item
                continue
            done += 1
            if on_progress:
                on_progress(done, len(to_index))
            if item.error is not None:
                report.failed.append(item.error)
                continue
            doc_id = item.doc_id or ""
            previous = existing.get(item.path)
            if previous and previous[1] != doc_id:
                writer.delete_by_term("doc_id", previous[1])
            # One file a document (indexer/preference.py): this run's other file for it, or the
            # committed one from another file, whichever the rule prefers.
            committed = source_of.get(doc_id)
            rival = seen.get(doc_id) or (committed if committed != item.path else None)
            if rival is not None and Path(rival).exists() and kept(rival, item.path) == rival:
                duplicates.append((doc_id, item.path))
                report.superseded.append((item.path, rival))
                continue
            if rival is not None:
                report.superseded.append((rival, item.path))
            if doc_id in seen:  # this run's earlier file for it loses; the document is counted once
                duplicates.append((doc_id, seen[doc_id]))
                seen[doc_id] = item.path
                continue
            seen[doc_id] = item.path
            if doc_id in indexed_ids and doc_id not in replaced:
                writer.delete_by_term("doc_id", doc_id)  # the committed version, in the old segments
                replaced.add(doc_id)
                report.replaced += 1
            else:
                report.indexed += 1
        symbols_seen = {doc_id.split(":", 1)[1] for doc_id in indexed_ids | set(seen)}
        for symbol, record in records.items():
            if symbol not in symbols_seen:
                for fields in to_records(record_only(record), "record"):
                    writer.add_document(**fields)
                report.indexed += 1
        if prune:
            for source, (_, doc_id) in existing.items():
                if not Path(source).exists() and doc_id not in seen:
                    writer.delete_by_term("doc_id", doc_id)
                    report.removed += 1
        optimize = rebuild or (report.indexed + report.replaced) > OPTIMIZE_FRACTION * max(len(existing), 1)
        commit_with_segments(writer, new_segments, optimize and not new_segments)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        with contextlib.suppress(Exception):  # the run's own error is the one to report
            remove_uncommitted(whoosh_index.open_dir(str(index_dir), INDEX_NAME))
        raise

    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME)
    if duplicates:
        with ix.writer() as fixer, ix.searcher() as searcher:  # the files the rule did not keep
            for doc_id, source in duplicates:
                for docnum in searcher.document_numbers(doc_id=doc_id):
                    if searcher.stored_fields(docnum).get("source") == source:
                        fixer.delete_document(docnum)
    report.failed.extend(_join_drafts(ix, records))
    merge_small_segments(ix, MAX_SEGMENTS, MAX_SEGMENT_POSTINGS)
    with ix.searcher() as searcher:
        report.documents = count_level(searcher, "document")
        report.clauses = count_level(searcher, "clause")
        generation = ix.latest_generation()
    report.seconds = time.perf_counter() - started
    write_manifest(index_dir, Manifest.current(report.documents, report.clauses, report.seconds, generation))
    return report


def _join_drafts(ix: whoosh_index.Index, records: dict[str, MarcRecord]) -> list[DocumentError]:
    """Resolutions without sponsors of their own take their drafts' (indexer/drafts.py)."""
    writer = None

    def reindex(stored: dict[str, object], change: Callable[[Resolution], Resolution]) -> DocumentError | None:
        nonlocal writer
        if writer is None:
            writer = ix.writer()
        added: list[dict[str, object]] = []
        outcome = index_file(
            str(stored["source"]), str(stored.get("content_hash", "")), records, lambda **f: added.append(f), change
        )
        if outcome.error is None:
            writer.delete_by_term("doc_id", str(stored["doc_id"]))
            for fields in added:
                writer.add_document(**fields)
        return outcome.error

    failures = join_draft_sponsors(ix, reindex)
    if writer is not None:
        writer.commit()
    return failures


def _hash_or_empty(path: Path) -> str:
    try:
        return file_hash(path)
    except OSError:
        return ""
