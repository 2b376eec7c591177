"""Raw UTF-8 in a request's target, as curl sends `curl 'http://host/search?q=维持和平'`.

HTTP wants the request target in ASCII, and uvicorn's parsers (httptools, h11) answer 400 to
anything else; browsers percent-encode, curl does not. This protocol percent-encodes the non-ASCII
bytes of each request line (`GET /search?q=\\xe7\\xbb\\xb4... HTTP/1.1`) before uvicorn's httptools
parser reads it, so the application sees `q=维持和平` either way. Only request lines are touched: a
line of a body is never one (it is not `METHOD target HTTP/1.x` followed by CRLF at a line start of
the stream's requests, and bodies here are JSON or documents, read by length).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_REQUEST_LINE = re.compile(rb"(?:^|(?<=\r\n))([A-Z]{3,7}) ([^ \r\n]*[\x80-\xff][^ \r\n]*) (HTTP/1\.[01])\r\n")


def encode_targets(data: bytes) -> bytes:
    """`data` with the non-ASCII bytes of its request lines' targets percent-encoded."""
    if not any(byte >= 0x80 for byte in data):
        return data
    return _REQUEST_LINE.sub(
        lambda line: (
            line.group(1)
            + b" "
            + quote(line.group(2), safe=bytes(range(0x21, 0x7F))).encode()
            + b" "
            + line.group(3)
            + b"\r\n"
        ),
        data,
    )


class RawTargetsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, reading raw UTF-8 request targets (see the module docstring)."""

    def data_received(self, data: bytes) -> None:
        super().data_received(encode_targets(data))
