"""One document in one language from ODS, the UN's Official Document System, over HTTP.

What public tools record of ODS's access API (../shared/notes/ods-and-undl.md), and what this
client does about each:
- `GET /api/symbol/access?s=SYMBOL&l=LANG&t=docx|pdf` answers 302 with an UPPERCASE Location;
  the file is served at that path in lowercase (the uppercase one gives the web app's page).
- An unknown symbol answers 404, or 200 with the web app's HTML page: both are "missing".
  A body is a document only if its magic bytes say so (`%PDF`, `PK\\x03\\x04` with
  `word/document.xml`), and only if it is whole (a PDF ends with `%%EOF`, a DOCX's ZIP directory
  reads); Word 97 (`D0CF11E0`) and WordPerfect (`\\xffWPC`) answers to `t=docx` are old
  documents whose PDF is the fallback.
- 429 (with Retry-After), 403, 5xx, a redirect to `/error`, a dropped connection and a truncated
  body are transient: retried with exponential backoff, a bounded number of times, and then
  reported with the URL tried and the last answer.
- Bounded (issue 29): a body is streamed and refused past the document limit (or at once on a
  larger Content-Length); each request has a wall-clock deadline, so a body trickled a byte a
  second cannot hold a worker; redirects are followed only to http(s) on the ODS host or hosts the
  user allows, any other fails at once; a name that does not resolve or a refused connection fails
  at once (no network is not a passing fault); a DOCX is checked by its declared sizes and the one
  part the reader reads, never by inflating every member.
"""

from __future__ import annotations

import email.utils
import io
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from analyzers.symbols import DEFAULT_ODS_URL, access_url
from indexer.readers.limits import MAX_DOCUMENT_BYTES, MAX_UNCOMPRESSED_XML_BYTES

# ODS was seen to redirect requests without browser-like headers to /error (see the notes).
DEFAULT_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ga-search/0.1"
MAX_RETRY_AFTER = 120.0
MAX_BACKOFF = 60.0
# The wall-clock time one request (headers and whole body) may take.
REQUEST_DEADLINE = 120.0
MAX_INFLATED_DOCX = 200 * 1024 * 1024
_ACCEPT = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def sniff(data: bytes) -> str:
    """What a body is by its first bytes: pdf, docx, doc (Word 97), wordperfect, html or unknown."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(bytes.fromhex("D0CF11E0")):
        return "doc"
    if data.startswith(b"\xffWPC"):
        return "wordperfect"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in head:
        return "html"
    return "unknown"


def incomplete(data: bytes, kind: str) -> str | None:
    """Why a PDF or DOCX body is not whole (a connection cut short), or None. A DOCX's members are
    judged by their declared sizes first (a zip bomb declares gigabytes) and only
    word/document.xml, the part the reader reads, is inflated and checked against its CRC."""
    if kind == "pdf":
        return None if b"%%EOF" in data[-2048:] else "truncated PDF (no %%EOF at its end)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                return "a ZIP file without word/document.xml, not a DOCX"
            declared = sum(info.file_size for info in archive.infolist())
            if declared > MAX_INFLATED_DOCX:
                return f"a DOCX whose parts declare {declared:,} bytes inflated (over {MAX_INFLATED_DOCX:,})"
            document = archive.getinfo("word/document.xml")
            if document.file_size > MAX_UNCOMPRESSED_XML_BYTES:
                return f"word/document.xml declares {document.file_size:,} bytes (over {MAX_UNCOMPRESSED_XML_BYTES:,})"
            archive.read(document)  # checks its CRC
    except zipfile.BadZipFile as error:
        return f"truncated or corrupt DOCX ({error})"
    except (EOFError, OSError, zipfile.LargeZipFile) as error:
        return f"corrupt DOCX ({error})"
    return None


@dataclass(frozen=True)
class Answer:
    """ODS's answer for one symbol, language and format."""

    status: str  # "ok", "missing", "old-format" (Word 97/WordPerfect) or "failed"
    url: str  # the last URL tried
    reason: str = ""  # what ODS answered, for the summary
    data: bytes = b""
    format: str = ""  # "pdf" or "docx" when status is ok
    requests: int = 0


class _Transient(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.used = 0  # requests made in the attempt that ended with this


@dataclass(frozen=True)
class _Reply:
    """One HTTP answer, its body read within the bounds."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    is_redirect: bool


class _Refused(Exception):
    """An answer that retrying cannot change: too large, a redirect off the allowed hosts, no
    connection at all."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OdsClient:
    """Fetches documents from ODS (or a server that behaves like it at `base_url`).

    Thread-safe: each thread waits `delay` seconds between its own requests, so N workers make
    at most N requests per `delay`."""

    def __init__(
        self,
        base_url: str = DEFAULT_ODS_URL,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        delay: float = 2.0,
        retries: int = 4,
        backoff: float = 2.0,
        timeout: float = 60.0,
        deadline: float = REQUEST_DEADLINE,
        allowed_hosts: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline
        # Redirects are followed only to these hosts: the ODS host and those the user names.
        self.allowed_hosts = {urlsplit(self.base_url).netloc.lower(), *(host.lower() for host in allowed_hosts)}
        self.user_agent = user_agent
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._http = httpx.Client(timeout=timeout, follow_redirects=False)
        self._local = threading.local()

    def close(self) -> None:
        self._http.close()

    def access_url(self, symbol: str, language: str, fmt: str) -> str:
        return access_url(symbol, language, fmt, self.base_url)

    def fetch(self, symbol: str, language: str, fmt: str) -> Answer:
        """The document in `fmt` ("docx" or "pdf"), retried while ODS's answer is transient."""
        url = self.access_url(symbol, language, fmt)
        requests = 0
        last = ""
        for attempt in range(self.retries + 1):
            try:
                answer, used = self._once(url, symbol, language, fmt)
                return Answer(**{**answer.__dict__, "requests": requests + used})
            except _Refused as refused:
                return Answer("failed", url, refused.reason, requests=requests + 1)
            except _Transient as transient:
                requests += transient.used
                last = transient.reason
                if attempt == self.retries:
                    break
                wait = transient.wait if transient.wait is not None else self.backoff * 2**attempt
                self.sleep(min(wait, MAX_BACKOFF if transient.wait is None else MAX_RETRY_AFTER))
        return Answer("failed", url, f"{last} (after {self.retries + 1} tries)", requests=requests)

    def _get(self, url: str, symbol: str, language: str, fmt: str) -> _Reply:
        """One request, paced per thread, with browser-like headers; transport errors are transient."""
        previous = getattr(self._local, "last", None)
        if previous is not None and self.delay > 0:
            self.sleep(max(0.0, previous + self.delay - time.monotonic()))
        self._local.last = time.monotonic()
        headers = {
            "User-Agent": self.user_agent,
            "Accept": f"{_ACCEPT[fmt]},*/*;q=0.8",
            "Referer": f"https://docs.un.org/{language}/{symbol}",
            "Sec-Fetch-Site": "same-site",
        }
        started = time.monotonic()
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
                    raise _Refused(
                        f"{int(declared):,} bytes declared: over the {MAX_DOCUMENT_BYTES:,}-byte document limit"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise _Refused(f"the body goes on past the {MAX_DOCUMENT_BYTES:,}-byte document limit")
                    if time.monotonic() - started > self.deadline:
                        raise _Transient(f"the answer took over {self.deadline:g} s (a stalled or trickled body)")
                return _Reply(response.status_code, response.headers, bytes(body), response.is_redirect)
        except httpx.ConnectError as error:  # no such name, refused: no network, not a passing fault
            raise _Refused(f"cannot connect: {error}") from error
        except httpx.HTTPError as error:  # reset, cut mid-body, timed out
            raise _Transient(f"{type(error).__name__}: {error}") from error

    def _once(self, url: str, symbol: str, language: str, fmt: str) -> tuple[Answer, int]:
        """One attempt: the access URL, then the file it points to; (answer, requests made)."""
        used = 0
        target = url
        try:
            for _ in range(4):  # the access URL, the file, and a redirect or two on the way
                used += 1
                response = self._get(target, symbol, language, fmt)
                if not response.is_redirect:
                    return self._body(response, target, fmt), used
                location = urljoin(target, response.headers.get("location", ""))
                parts = urlsplit(location)
                if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self.allowed_hosts:
                    raise _Refused(
                        f"a redirect to {location[:200]}, off the ODS host "
                        f"(allowed: {', '.join(sorted(self.allowed_hosts))})"
                    )
                if parts.path.rstrip("/").endswith("/error"):
                    raise _Transient(f"ODS redirected to {location} (it does so without browser-like headers)")
                target = _lowercase_path(location) if target == url else location
            raise _Transient(f"too many redirects from {url}")
        except _Transient as transient:
            transient.used = used
            raise

    def _body(self, response: _Reply, url: str, fmt: str) -> Answer:
        status = response.status_code
        if status == 404 or status == 410:
            return Answer("missing", url, f"HTTP {status}")
        if status == 429:
            raise _Transient("HTTP 429 Too Many Requests", _retry_after(response.headers.get("retry-after")))
        if status == 403 or status >= 500:
            raise _Transient(f"HTTP {status}")
        if status != 200:
            return Answer("failed", url, f"HTTP {status}")
        data = response.content  # httpx raises (transient) when a body ends short of its Content-Length
        kind = sniff(data)
        if kind == "html":
            return Answer("missing", url, "ODS answered its web page, not a document (no such symbol or language)")
        if kind in ("doc", "wordperfect"):
            old = "Word 97" if kind == "doc" else "WordPerfect"
            return Answer("old-format", url, f"ODS answered {old} for t={fmt}")
        if kind not in ("pdf", "docx"):
            return Answer("failed", url, f"not a PDF or DOCX (first bytes {data[:8]!r})")
        problem = incomplete(data, kind)
        if problem:
            raise _Transient(problem)
        return Answer("ok", url, f"HTTP 200, {len(data):,} bytes", data, kind)


def _lowercase_path(url: str) -> str:
    """ODS's Location is an uppercase path; the file is served at the same path in lowercase."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.lower(), parts.query, parts.fragment))


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (ASCII digits only: `²` is a digit to `str.isdigit` but not to
    `float`) or as an HTTP date, capped at MAX_RETRY_AFTER; None when absent, unreadable or in the
    past (a negative wait)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value[:12]), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    wait = when.timestamp() - time.time()
    return min(wait, MAX_RETRY_AFTER) if wait > 0 else None
