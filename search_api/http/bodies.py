"""What a POST request carries, read within bounds: the body refused on its Content-Length or cut
off as it streams, and a draft (JSON text, or its PDF, DOCX or text file) read by the readers."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from starlette.requests import Request

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers import read_document
from indexer.structure import parse_text
from search_api.errors import BodyTooLarge, ParameterError

MAX_BODY_BYTES = 64 * 1024
# POST /check: a draft, as JSON text or as its file.
MAX_CHECK_BYTES = 2 * 1024 * 1024
_DRAFT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
}


def read_posted_draft(raw: bytes, content_type: str) -> Resolution:
    """The draft a POST /check carries: JSON `{"text": ...}`, or a PDF, DOCX or text file read by
    the readers (a PDF in its bounded child)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParameterError("body", f"is not JSON: {exc}") from None
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
            raise ParameterError("text", 'the body must be {"text": "the draft"}')
        return parse_text(body["text"], "<posted draft>")
    suffix = _DRAFT_TYPES.get(kind)
    if suffix is None:
        raise ParameterError(
            "body", f"Content-Type {kind or 'none'!r}: send application/json, application/pdf, a DOCX or text/plain"
        )
    with tempfile.TemporaryDirectory(prefix="ga-search-check-") as folder:
        path = Path(folder) / f"draft{suffix}"
        path.write_bytes(raw)
        try:
            return read_document(path)
        except DocumentError as error:
            raise ParameterError("body", error.reason) from None


async def bounded_body(request: Request, limit: int) -> bytes:
    """The request's body, refused on its Content-Length or, when that is absent or false, as soon
    as the bytes received pass `limit`: a body is never held past the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit, int(declared))
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise BodyTooLarge(limit)
    return bytes(received)
