"""Plain text as extracted from PDF: encoding detected (never guessed silently), front matter read."""

from __future__ import annotations

import codecs
import datetime
import json
from pathlib import Path

import charset_normalizer
import yaml

from analyzers.scripts import cjk_count
from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers.limits import MAX_DOCUMENT_BYTES
from indexer.structure import parse_text

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ACCEPTED = {
    "utf_8",
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "big5hkscs",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
    "ascii",
    "hz",
    "cp950",
    "cp936",
}


# libyaml's safe loader where the wheel has it (it does on the platforms pip serves): the same
# documents, without PyYAML's pure-Python scanner (2 % of indexing time on front-matter files).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def decode(data: bytes, path: Path) -> str:
    """Decode a text file: BOM, then strict UTF-8, then detection among Chinese encodings."""
    if not data.strip():
        raise DocumentError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=sorted(_ACCEPTED)).best()
    if best is None or best.encoding not in _ACCEPTED:
        raise DocumentError(path, "unknown text encoding (not UTF-8, UTF-16, GB18030 or Big5)")
    text = str(best)
    if cjk_count(text[:2000]) < 5 and best.encoding != "ascii":
        raise DocumentError(path, f"undecodable text: detected {best.encoding} but found no Chinese text")
    return text


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter (`---` … `---`) as a dict, and the text after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    front = text[4:end]
    try:
        # Aliases (`*name`) can nest into an exponential expansion (a "billion laughs" of 7 KB
        # took 28 s and 930 MB): front matter has no use for them, so they are refused.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(front, Loader=_YAML_LOADER)):
            raise ValueError("YAML front matter with aliases (*name) is refused")
        meta = yaml.load(front, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError:
        return {}, text
    body = text[end + 4 :].lstrip("\n")
    scalars = (str, int, float, bool, datetime.date)
    values = {str(k): str(v) for k, v in meta.items() if isinstance(v, scalars)} if isinstance(meta, dict) else {}
    return values, body


def sidecar_metadata(path: Path) -> dict[str, str]:
    """Metadata from `NAME.meta.json` beside a document (facts about it that its text lacks)."""
    sidecar = path.with_name(path.stem + ".meta.json")
    if not sidecar.exists():
        return {}
    try:
        values = json.loads(sidecar.read_text("utf-8"))
    except (ValueError, RecursionError) as error:
        raise DocumentError(path, f"its metadata file {sidecar.name} is not JSON: {error}") from error
    if not isinstance(values, dict):
        raise DocumentError(path, f"its metadata file {sidecar.name} is not a JSON object")
    return {k: str(v) for k, v in values.items()}


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(path, f"file too large ({size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,})")
    return path.read_bytes()


def read_text(path: Path) -> Resolution:
    """Read a plain-text resolution (UTF-8, UTF-8 with BOM, UTF-16, GB18030, Big5)."""
    data = read_bytes(path)
    has_bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\0" in data[:4096] and not has_bom and not _looks_like_utf16(data):
        raise DocumentError(path, "binary file, not text")
    text = decode(data, path).replace("\r\n", "\n")
    meta, body = split_front_matter(text)
    meta.update(sidecar_metadata(path))
    return parse_text(body, path, meta)


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = sample[: len(sample) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        if sum(char.isprintable() or char.isspace() for char in decoded) > 0.95 * len(decoded):
            return True
    return False
