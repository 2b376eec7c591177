"""Parallel indexing: worker processes that each parse files and write one Whoosh segment.

Each worker (started with the `spawn` method, so no lock or thread state is inherited) opens the
index, creates its own `SegmentWriter` without taking the index lock (the parent holds it),
and takes batches of file paths from a queue: read, parse, join to library records, analyse,
add. At the end it closes its segment and sends the segment back (and one before, each time its
postings pass `MAX_SEGMENT_POSTINGS`, which bounds its memory); the parent, which holds the
write lock, commits all segments in one table of contents. Analysis and posting writing, the
costly parts, run on every core.

A worker that fails sends its error and exits non-zero; the parent notices (it watches exit codes
while it waits), cancels the whole run and leaves the previous index untouched: nothing is
committed half-done and no batch is silently dropped.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from analyzers import segmenter
from indexer.corpus import apply_record, display_name
from indexer.errors import DocumentError, GaSearchError
from indexer.model import Resolution
from indexer.readers import read_document
from indexer.readers.marcxml import MarcRecord
from indexer.records import to_records
from indexer.storage.segment import finish_segment, worker_writer

BATCH = 8
# A worker's postings are held in memory until its segment is written (indexer/segment.py, about
# 35 bytes each): past this many, it writes the segment and starts another. The environment
# variable lowers it on a small machine (and lets a test see several segments a worker).
MAX_SEGMENT_POSTINGS = int(os.environ.get("GA_SEARCH_SEGMENT_POSTINGS", "8000000"))
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: its document id, or the error that kept it out."""

    path: str
    digest: str
    doc_id: str | None
    symbol: str | None
    error: DocumentError | None


def index_file(
    path: str,
    digest: str,
    records: dict[str, MarcRecord],
    add: Callable[..., None],
    change: Callable[[Resolution], Resolution] | None = None,
) -> Outcome:
    """Parse one file and add its records through `add` (after `change`, if given, is applied to
    the resolution); errors come back as values."""
    try:
        if display_name(path) != path:
            raise DocumentError(display_name(path), "the file name is not valid UTF-8: rename the file")
        resolution = read_document(Path(path))
        if resolution.symbol and resolution.symbol in records:
            resolution = apply_record(resolution, records[resolution.symbol])
        if change is not None:
            resolution = change(resolution)
        fields = to_records(resolution, digest)  # every check before the first record is added
    except DocumentError as error:
        return Outcome(path, digest, None, None, error)
    except Exception as error:  # a reader bug must not lose the rest of the corpus
        name = display_name(path)
        return Outcome(path, digest, None, None, DocumentError(name, f"unexpected {type(error).__name__}: {error}"))
    for record in fields:
        add(**record)
    return Outcome(path, digest, resolution.doc_id, resolution.symbol, None)


def _exit_with_parent() -> None:
    """Exit as soon as the parent process dies (even by SIGKILL): a worker holds hundreds of MB
    and nobody would ever collect its segment."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(
    index_dir: str,
    index_name: str,
    records: dict[str, MarcRecord],
    jobs: multiprocessing.Queue[list[tuple[str, str]] | None],
    results: multiprocessing.Queue[tuple[str, Any]],
) -> None:
    _exit_with_parent()
    try:
        segmenter.use_loaded_dictionary()  # a worker analyses much text: worth the load
        ix = whoosh_index.open_dir(index_dir, index_name)
        writer = worker_writer(ix)
        while (batch := jobs.get()) is not None:
            outcomes = []
            for path, digest in batch:
                outcomes.append(index_file(path, digest, records, writer.add_document))
                if len(writer.pool) > MAX_SEGMENT_POSTINGS:  # bound the memory: start another segment
                    results.put(("part", finish_segment(writer)))
                    writer = worker_writer(ix)
            results.put(("outcomes", outcomes))
        results.put(("segment", finish_segment(writer)))
    except BaseException:
        results.put(("error", traceback.format_exc()))
        raise SystemExit(1) from None


class WorkerFailed(GaSearchError):
    """A worker process died or raised: the run is cancelled, the index left as it was."""


def run_in_workers(
    index_dir: Path,
    index_name: str,
    files: Sequence[tuple[str, str]],
    records: dict[str, MarcRecord],
    workers: int,
) -> Iterator[Outcome | list[Any]]:
    """Yield each file's `Outcome` as workers finish it, then the list of new segments last."""
    context = multiprocessing.get_context("spawn")
    jobs: multiprocessing.Queue[list[tuple[str, str]] | None] = context.Queue()
    results: multiprocessing.Queue[tuple[str, Any]] = context.Queue()
    processes = [
        context.Process(target=_worker, args=(str(index_dir), index_name, records, jobs, results), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for start in range(0, len(files), BATCH):
        jobs.put(list(files[start : start + BATCH]))
    for _ in processes:
        jobs.put(None)
    segments: list[Any] = []
    finished = 0
    try:
        while finished < len(processes):
            try:
                kind, payload = results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise WorkerFailed(f"an indexing worker exited with status {dead[0].exitcode}") from None
                continue
            if kind == "outcomes":
                yield from payload
            elif kind == "part":
                segments.append(payload)
            elif kind == "segment":
                finished += 1
                if payload is not None:
                    segments.append(payload)
            else:
                # One line: the worker's error itself (`OSError: [Errno 28] No space left on device`).
                last = [line for line in str(payload).strip().splitlines() if line.strip()][-1:] or ["unknown"]
                raise WorkerFailed(f"an indexing worker failed: {last[0].strip()}")
        yield segments
    finally:
        # Jobs nobody will take must not hold this process at exit (its queue's feeder thread
        # would wait for ever to write them into a pipe no worker reads).
        jobs.cancel_join_thread()
        results.cancel_join_thread()
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
