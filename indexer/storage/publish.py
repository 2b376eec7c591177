"""Publishing an index to a replica: the latest committed generation, copied consistently into
another index folder and switched to atomically.

An index is a set of files that change only at commit: each segment's files (written once, never
changed) and a table of contents, `_MAIN_<generation>.toc`, naming the segments of one generation.
Whoosh opens the highest generation whose TOC is present. So a publish copies the segments of the
source's latest generation that the replica lacks, then writes the TOC last (Whoosh's `TOC.write`,
a temporary file renamed into place, numbered after the replica's own latest generation): a
process serving the replica sees the old generation or the new one, never a mix, and picks the
new one up as it does a local commit (search_api/core/snapshots.py). A commit on the source during the
copy may delete a segment being copied (merged away): the copy starts again from the new
generation. The replica keeps the previous generation's files (searches in flight may still open
them) and drops older ones. The generation's search arrays (`snapshots/<key>/`, made by
`ga-search index`: search_api/core/shared_arrays.py) are copied before the TOC too, so a replica
serves the new generation without making them again.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from indexer.manifest import MANIFEST_NAME, check_manifest, with_counts, write_manifest
from indexer.storage.index import INDEX_NAME, SNAPSHOTS_FOLDER, count_level, generation_key

ATTEMPTS = 5


class PublishError(RuntimeError):
    """The source kept changing under the copy, or a folder is not usable."""


@dataclass(frozen=True)
class Published:
    generation: int  # the replica's new generation
    copied: int  # segment files copied (those it already had are not)
    bytes: int
    removed: int  # files of older generations removed from the replica
    arrays: int = 0  # search-array files copied


def _latest(ix: whoosh_index.FileIndex) -> tuple[int, list[Any], list[str]]:
    """The latest generation, its segments and their files, from one reading of its TOC."""
    toc = TOC.read(ix.storage, INDEX_NAME)
    files = [name for segment in toc.segments for name in segment.list_files(ix.storage)]
    return toc.generation, toc.segments, files


def _copy(source: Path, target: Path, name: str) -> int:
    """Copy one file under a temporary name, then rename it into place (a segment's files are
    never rewritten, so one that is there already is the same file)."""
    if (target / name).exists():
        return 0
    temporary = target / f".{name}.publishing"
    shutil.copyfile(source / name, temporary)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target / name)
    return (target / name).stat().st_size


def publish(source: Path, target: Path) -> Published:
    """Copy `source`'s latest committed generation into `target` (see the module docstring)."""
    manifest = check_manifest(source)
    target.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.open_dir(str(source), INDEX_NAME)
    for _ in range(ATTEMPTS):
        generation, segments, files = _latest(ix)
        try:
            copied = [_copy(source, target, name) for name in files]
        except FileNotFoundError:
            continue  # a commit merged a segment away mid-copy: copy the new generation
        break
    else:
        raise PublishError(f"{source} committed {ATTEMPTS} times during the copy: try again when it is quieter")
    arrays = _copy_arrays(source, target, generation_key(segments))
    storage = _storage(target)
    previous = TOC._latest_generation(storage, INDEX_NAME)
    if previous >= 0 and _segment_ids(TOC.read(storage, INDEX_NAME, previous).segments) == _segment_ids(segments):
        return Published(previous, 0, 0, 0, arrays)  # the replica already serves this generation's segments
    new_generation = max(generation, previous + 1)
    # Whoosh's own TOC writer: a temporary file renamed into place, the atomic switch.
    TOC(ix.schema, segments, new_generation).write(storage, INDEX_NAME)
    replica = whoosh_index.open_dir(str(target), INDEX_NAME)
    with replica.searcher() as searcher:
        documents, clauses = count_level(searcher, "document"), count_level(searcher, "clause")
    write_manifest(target, with_counts(manifest, documents, clauses, new_generation))
    removed = _remove_old(target, keep={new_generation, previous})
    return Published(new_generation, sum(1 for size in copied if size), sum(copied), removed, arrays)


def _copy_arrays(source: Path, target: Path, key: str) -> int:
    """Copy a generation's saved search arrays, each value's parts before its `.parts` list (which
    says the value is whole); those being written (temporary names) are left for the replica to
    make. How many files were copied."""
    folder = source / SNAPSHOTS_FOLDER / key
    if not folder.is_dir():
        return 0
    destination = target / SNAPSHOTS_FOLDER / key
    destination.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    copied = 0
    for name in sorted(names, key=lambda n: n.endswith(".parts")):
        try:
            copied += bool(_copy(folder, destination, name))
        except FileNotFoundError:  # the source dropped it meanwhile (its generation was replaced)
            continue
    return copied


def _segment_ids(segments: list[Any]) -> list[tuple[str, tuple[int, ...]]]:
    """What a generation holds: its segments and each one's deleted documents (a deletion changes
    a segment's record in the TOC, not its files)."""
    return sorted((segment.segment_id(), tuple(sorted(segment.deleted_docs()))) for segment in segments)


def _storage(folder: Path) -> FileStorage:
    return FileStorage(str(folder))


def _remove_old(target: Path, keep: set[int]) -> int:
    """Remove the replica's files that no kept generation names."""
    storage = _storage(target)
    wanted = {MANIFEST_NAME}
    for generation in keep:
        if generation < 0 or not (target / TOC._filename(INDEX_NAME, generation)).exists():
            continue
        wanted.add(TOC._filename(INDEX_NAME, generation))
        toc = TOC.read(storage, INDEX_NAME, generation)
        wanted.update(name for segment in toc.segments for name in segment.list_files(storage))
    removed = 0
    for path in target.iterdir():
        if path.is_file() and path.name not in wanted and not path.name.endswith(".publishing"):
            path.unlink(missing_ok=True)
            removed += 1
    kept_arrays = {
        generation_key(TOC.read(storage, INDEX_NAME, generation).segments)
        for generation in keep
        if generation >= 0 and (target / TOC._filename(INDEX_NAME, generation)).exists()
    }
    for folder in (target / SNAPSHOTS_FOLDER).glob("*"):
        if folder.is_dir() and folder.name not in kept_arrays:
            shutil.rmtree(folder, ignore_errors=True)
    return removed
