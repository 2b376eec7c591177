"""Which file stands for a document when two files hold the same symbol in the same language.

A resolution fetched from ODS as DOCX and as PDF, or shipped in `seeds/` and fetched again into
`documents/`, is one document (`en:A/RES/73/8`). The index keeps one file for it, chosen by this
rule, the same whichever file or folder is indexed first or last:

1. DOCX over PDF over text (the DOCX's text is the exact one; a PDF's is extracted);
2. then the newer fetch (`fetched_at` in the file's `.meta.json`; a file without one counts as
   older than any fetch);
3. then the path that sorts first, so that the choice never depends on the order of indexing.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

FORMAT_RANK = {".docx": 3, ".pdf": 2}


def kept(one: str, other: str) -> str:
    """Which of two files holding one document the index keeps (the rule above)."""
    first, second = _rank(one), _rank(other)
    if first != second:
        return one if first > second else other
    return min(one, other)


def _rank(source: str) -> tuple[int, str]:
    """Format, then fetch time: the greater is kept."""
    path = Path(source)
    fetched = ""
    sidecar = path.with_name(path.stem + ".meta.json")
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fetched = str(json.loads(sidecar.read_text("utf-8")).get("fetched_at", ""))
    return FORMAT_RANK.get(path.suffix.lower(), 1), fetched
