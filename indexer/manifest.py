"""The manifest beside the Whoosh files: what built the index, and whether we may read it."""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

from analyzers import ANALYZER_VERSION
from indexer.errors import IndexError_, IndexVersionError
from indexer.schema import SCHEMA_VERSION

MANIFEST_NAME = "manifest.json"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass
class Manifest:
    schema_version: str = SCHEMA_VERSION
    analyzer_version: str = ANALYZER_VERSION
    libraries: dict[str, str] = field(default_factory=dict)
    documents: int = 0
    clauses: int = 0
    built_at: str = ""
    build_seconds: float = 0.0
    generation: int = 0

    @classmethod
    def current(cls, documents: int, clauses: int, build_seconds: float, generation: int) -> Manifest:
        libraries = {name: _version(name) for name in ("whoosh", "jieba", "rjieba", "opencc")}
        libraries["python"] = platform.python_version()
        return cls(
            libraries=libraries,
            documents=documents,
            clauses=clauses,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            build_seconds=round(build_seconds, 3),
            generation=generation,
        )


def with_counts(manifest: Manifest, documents: int, clauses: int, generation: int) -> Manifest:
    """The same build's manifest for another copy of the index (a published replica)."""
    return replace(manifest, documents=documents, clauses=clauses, generation=generation)


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Write atomically: a reader sees the old manifest or the new one, never half of one."""
    target = index_dir / MANIFEST_NAME
    temporary = target.with_suffix(f".tmp{os.getpid()}")
    temporary.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), "utf-8")
    os.replace(temporary, target)


def read_manifest(index_dir: Path) -> Manifest | None:
    path = index_dir / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as error:
        message = f"{path} is not valid JSON ({error}): rebuild with `ga-search index --rebuild`"
        raise IndexError_(message) from error
    known = {k: v for k, v in data.items() if k in Manifest.__dataclass_fields__}
    return Manifest(**known)


def check_manifest(index_dir: Path) -> Manifest:
    """The manifest, after checking this code may read the index it describes."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexError_(f"no ga-search index in {index_dir}: build one with `ga-search index`")
    if manifest.schema_version != SCHEMA_VERSION:
        raise IndexVersionError("schema version", manifest.schema_version, SCHEMA_VERSION)
    if manifest.analyzer_version != ANALYZER_VERSION:
        raise IndexVersionError("analyzer version", manifest.analyzer_version, ANALYZER_VERSION)
    return manifest
