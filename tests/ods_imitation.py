"""A loopback imitation of ODS's access API, as public tools record it (../shared/notes/ods-and-undl.md).

- `GET /api/symbol/access?s=SYMBOL&l=LANG&t=docx|pdf` answers 302 to an UPPERCASE path; the
  uppercase path gives a small HTML page of the web app, the file is at the lowercase path.
- An unknown symbol or language answers 404, or (`unknown_as_page`) 200 with the app page.
- Faults queued per symbol are played one per access request: `429` (with Retry-After), `503`,
  `error` (302 to /error), `drop` (the file's connection closed half-way through its body),
  `word97` (Word 97 bytes for t=docx) and `slow` (the file sent in slow pieces); hostile ones:
  `huge` (a Content-Length of 10 GiB), `endless` (a body that never ends, no Content-Length),
  `trickle` (a byte every 50 ms), `offsite` (a redirect to another loopback host) and `ftp` (a
  redirect to an ftp: URL).

It serves the documents a test hands it (DOCX and PDF the tests make from the real texts in
seeds/) and records every request, so a test can count them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_PAGE = b"<!DOCTYPE html><html><head><title>Official Document System</title></head><body>" + b" " * 1200
WORD97 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504


class OdsImitation:
    """Documents by (symbol, language, format), faults by symbol, and the request log."""

    def __init__(self, unknown_as_page: bool = False) -> None:
        self.documents: dict[tuple[str, str, str], bytes] = {}
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.unknown_as_page = unknown_as_page
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.url = ""

    def add(self, symbol: str, language: str, fmt: str, data: bytes) -> None:
        self.documents[(symbol, language, fmt)] = data

    def fault(self, symbol: str, *names: str) -> None:
        self.faults[symbol].extend(names)

    def path_of(self, symbol: str, language: str, fmt: str) -> str:
        """The uppercase ODS-like path the access API points to (`/doc/UNDOC/GEN/N18/...PDF`)."""
        digest = hashlib.sha1(f"{symbol}|{language}".encode()).hexdigest()[:7].upper()
        return f"/doc/UNDOC/GEN/N{digest[:2]}/{digest[2:5]}/{digest[5:]}/{fmt.upper()}/N{digest}.{fmt.upper()}"

    def requests_for(self, fragment: str) -> int:
        with self.lock:
            return sum(1 for line in self.requests if fragment in line)


def _handler(ods: OdsImitation) -> type[BaseHTTPRequestHandler]:
    files: dict[str, tuple[bytes, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            with ods.lock:
                ods.requests.append(self.path)
            parts = urlsplit(self.path)
            if parts.path == "/api/symbol/access":
                self._access(parse_qs(parts.query))
            elif parts.path == "/error":
                self._send(200, APP_PAGE, "text/html")
            elif parts.path in files:
                data, fault = files[parts.path]
                self._file(data, fault)
            elif parts.path.lower() in files:  # the uppercase path: the web app, not the file
                self._send(200, APP_PAGE, "text/html")
            else:
                self._send(404, b"not found", "text/plain")

        def _access(self, query: dict[str, list[str]]) -> None:
            symbol, language, fmt = (query.get(k, [""])[0] for k in ("s", "l", "t"))
            fault = ods.faults[symbol].popleft() if ods.faults[symbol] else ""
            if fault == "429":
                self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
                return
            if fault == "503":
                self._send(503, b"unavailable", "text/plain")
                return
            if fault == "error":
                self._send(302, b"", "text/plain", {"Location": "/error"})
                return
            if fault in ("offsite", "ftp"):
                where = "http://127.0.0.2:9/doc.pdf" if fault == "offsite" else "ftp://127.0.0.1/doc.pdf"
                self._send(302, b"", "text/plain", {"Location": where})
                return
            data = WORD97 if fault == "word97" and fmt == "docx" else ods.documents.get((symbol, language, fmt), b"")
            if not data:
                if ods.unknown_as_page:
                    self._send(200, APP_PAGE, "text/html")
                else:
                    self._send(404, b"", "text/plain")
                return
            path = ods.path_of(symbol, language, fmt)
            files[path.lower()] = (data, fault if fault in ("drop", "slow", "huge", "endless", "trickle") else "")
            self._send(302, b"", "text/plain", {"Location": path})

        def _file(self, data: bytes, fault: str) -> None:
            if fault in ("huge", "endless", "trickle"):
                self._hostile(data, fault)
                return
            if fault == "drop":
                files[self.path] = (data, "")  # only once
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if fault == "slow":
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for start in range(0, len(data), 1024):
                    self.wfile.write(data[start : start + 1024])
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            self._send(200, data, "application/octet-stream")

        def _hostile(self, data: bytes, fault: str) -> None:
            """Bodies a hostile server sends; each ends when the client hangs up (or after 30 s)."""
            self.send_response(200)
            if fault == "huge":
                self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            self.close_connection = True
            chunk = data[:1] if fault == "trickle" else b"%PDF" + b"\0" * 65532
            stop = time.monotonic() + 30
            try:
                while time.monotonic() < stop:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if fault == "trickle":
                        time.sleep(0.05)
            except OSError:
                pass

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve(ods: OdsImitation) -> Iterator[OdsImitation]:
    """Run the imitation on a free loopback port (its URL in `ods.url`) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ods))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ods.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield ods
    finally:
        server.shutdown()
        server.server_close()
