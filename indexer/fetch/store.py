"""The folder `ga-search fetch` writes: one file a document and language, and its metadata.

`DIR/A_RES_73_12-ZH.docx` beside `DIR/A_RES_73_12-ZH.meta.json` (symbol, language, source URL,
format, sha256, fetched_at), which the readers take as the document's metadata
(indexer/readers/text.py `sidecar_metadata`). Every write is a temporary file renamed into place,
the document before its metadata: a kill at any moment leaves either no file or a whole one, and
the temporary files a killed run left (`.NAME.part…`, hidden, so never indexed) are removed by the
next run. A document is present when its metadata names a file whose SHA-256 still matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analyzers.symbols import file_stem
from indexer.files import file_hash, write_atomically

PART_PREFIX = "."
PART_SUFFIX = ".part"


@dataclass(frozen=True)
class Stored:
    path: Path
    format: str
    sha256: str


def meta_path(folder: Path, symbol: str, language: str) -> Path:
    return folder / f"{file_stem(symbol, language)}.meta.json"


def present(folder: Path, symbol: str, language: str, fmt: str = "auto") -> Stored | None:
    """The document fetched before, if its file is there whole (its SHA-256 as recorded) and in
    the format asked for (`auto`: either)."""
    meta_file = meta_path(folder, symbol, language)
    try:
        meta = json.loads(meta_file.read_text("utf-8"))
        if fmt != "auto" and meta["format"] != fmt:
            return None
        path = folder / f"{file_stem(symbol, language)}.{meta['format']}"
        digest = file_hash(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Stored(path, meta["format"], digest) if digest == meta.get("sha256") else None


def _write_whole(path: Path, data: bytes) -> None:
    write_atomically(path, lambda stream: stream.write(data), prefix=f"{PART_PREFIX}{path.name}.", suffix=PART_SUFFIX)


def save(folder: Path, symbol: str, language: str, data: bytes, fmt: str, url: str) -> Stored:
    """Write the document, then its metadata; a copy in the other format is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem(symbol, language)}.{fmt}"
    _write_whole(path, data)
    digest = hashlib.sha256(data).hexdigest()
    meta = {
        "symbol": symbol,
        "language": language,
        "source_url": url,
        "format": fmt,
        "sha256": digest,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_whole(meta_path(folder, symbol, language), json.dumps(meta, ensure_ascii=False, indent=2).encode())
    for other in ("docx", "pdf"):
        if other != fmt:  # one document per symbol and language, or the index would hold both
            (folder / f"{file_stem(symbol, language)}.{other}").unlink(missing_ok=True)
    return Stored(path, fmt, digest)


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files a killed run left behind; how many there were."""
    if not folder.is_dir():
        return 0
    leftovers = [p for p in folder.iterdir() if p.name.startswith(PART_PREFIX) and p.name.endswith(PART_SUFFIX)]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)
