"""A fetch run: which symbols to ask ODS for, in which languages and formats, on how many workers.

Symbols come from the command line, a file (one a line, `#` comments), or a session walk
(`A/RES/73/1`, `A/RES/73/2`, ... or `A/73/L.1`, ...) that stops after `MAX_MISSES` symbols in a
row were found in no language. With `with_drafts`, the drafts and the committee report that an
adopted resolution's header names (`[without reference to a Main Committee (A/73/L.35 and
Add.1)]`) are fetched as well, `/Rev.1` and `/Add.1` forms included as cited.

Each symbol and language is one job on a pool of `workers` threads (each pacing its own requests,
indexer/fetch/ods.py). A document already in the folder whole is not asked for again.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.symbols import DOCUMENT_SYMBOL, LANGUAGES
from indexer.errors import GaSearchError
from indexer.fetch import store
from indexer.fetch.ods import OdsClient

MAX_MISSES = 5
MAX_WORKERS = 4  # more drew refusals from ODS (../shared/notes/ods-and-undl.md)
FORMATS = ("auto", "docx", "pdf")
# What `--session` walks, in the search's vocabulary of kinds (indexer/model.py: `--kind` reads the
# same in `fetch` and `search`); the plural forms of earlier versions still work.
SESSION_KINDS = ("resolution", "draft resolution")
KIND_ALIASES = {"resolutions": "resolution", "drafts": "draft resolution", "draft": "draft resolution"}
FOUND = ("fetched", "present")


class FetchUsageError(GaSearchError):
    """A fetch was asked for in a way that cannot be run (bad language, symbol, option)."""


@dataclass
class FetchOutcome:
    """What became of one symbol in one language."""

    symbol: str
    language: str
    status: str  # fetched, present, missing or failed
    path: str = ""
    format: str = ""
    url: str = ""
    reason: str = ""
    requests: int = 0
    # False for a session walk's probes: not finding `A/RES/73/342` is how the walk ends.
    asked: bool = True


@dataclass
class FetchReport:
    outcomes: list[FetchOutcome] = field(default_factory=list)
    leftovers_removed: int = 0

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def complete(self) -> bool:
        """Everything asked for was fetched or present."""
        return all(o.status in FOUND for o in self.outcomes if o.asked or o.status == "failed")


def parse_languages(text: str) -> tuple[str, ...]:
    """`zh,en` -> ("zh", "en"); any code other than the six official ones is refused (ODS would
    silently answer English)."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in text.split(",") if code.strip()))
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown or not codes:
        raise FetchUsageError(f"--lang takes the official languages {','.join(LANGUAGES)}; not {','.join(unknown)!r}")
    return codes


# The longest symbol kept: its file name (`A_RES_..._-ZH.meta.json`) stays far below the 255 bytes a
# file name may have; real symbols are under 40 characters.
MAX_SYMBOL_LENGTH = 100


def check_symbol(symbol: str) -> str:
    """A symbol as typed or as a fetched header names it, checked alike: its form and its length."""
    symbol = re.sub(r"\s+", "", symbol)
    if len(symbol) > MAX_SYMBOL_LENGTH:
        raise FetchUsageError(
            f"{symbol[:40]!r}... is {len(symbol)} characters: a symbol has at most {MAX_SYMBOL_LENGTH}"
        )
    if not DOCUMENT_SYMBOL.fullmatch(symbol):
        raise FetchUsageError(f"{symbol!r} is not a UN document symbol (e.g. A/RES/73/12, A/73/L.35/Add.1)")
    return symbol


def _checked(symbols: tuple[str, ...]) -> list[str]:
    """The symbols a fetched header names that pass `check_symbol`; the others are left out."""
    kept = []
    for symbol in symbols:
        try:
            kept.append(check_symbol(symbol))
        except FetchUsageError:
            continue
    return kept


def read_symbol_file(path: Path) -> list[str]:
    """Symbols from a file: one a line, blank lines and `#` comments skipped."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FetchUsageError(f"{path}: cannot read the symbol list ({error})") from error
    symbols = []
    for number, line in enumerate(lines, 1):
        if not line.split("#", 1)[0].strip():
            continue
        try:
            symbols.append(check_symbol(line.split("#", 1)[0]))
        except FetchUsageError as error:
            raise FetchUsageError(f"{path}, line {number} ({line.strip()[:80]!r}): {error}") from error
    return symbols


def session_symbol(session: int, kind: str, number: int) -> str:
    return f"A/RES/{session}/{number}" if kind == "resolution" else f"A/{session}/L.{number}"


def fetch_one(client: OdsClient, folder: Path, symbol: str, language: str, fmt: str, refresh: bool) -> FetchOutcome:
    """One symbol in one language: DOCX first (its text is exact), PDF when DOCX is missing,
    old (Word 97, WordPerfect) or fails; or only the format asked for."""
    if not refresh and (stored := store.present(folder, symbol, language, fmt)):
        return FetchOutcome(symbol, language, "present", str(stored.path), stored.format)
    formats = ("docx", "pdf") if fmt == "auto" else (fmt,)
    tried: list[str] = []
    failed = None
    requests = 0
    for each in formats:
        answer = client.fetch(symbol, language, each)
        requests += answer.requests
        if answer.status == "ok":
            saved = store.save(folder, symbol, language, answer.data, answer.format, answer.url)
            path, reason = str(saved.path), answer.reason
            return FetchOutcome(symbol, language, "fetched", path, saved.format, answer.url, reason, requests)
        tried.append(f"{each}: {answer.reason}")
        if answer.status == "failed":
            failed = answer
    status = "failed" if failed else "missing"
    url = failed.url if failed else client.access_url(symbol, language, formats[-1])
    return FetchOutcome(symbol, language, status, url=url, reason="; ".join(tried), requests=requests)


def origin_of(path: str) -> tuple[str, ...]:
    """The drafts and report a fetched resolution's header names (empty if it cannot be read)."""
    from indexer.errors import DocumentError
    from indexer.readers import read_document

    try:
        return read_document(Path(path)).origin
    except DocumentError:
        return ()


def run_fetch(
    client: OdsClient,
    folder: Path,
    *,
    symbols: Iterable[str] = (),
    languages: tuple[str, ...] = ("zh", "en"),
    session: int | None = None,
    kind: str = "resolution",
    with_drafts: bool = False,
    fmt: str = "auto",
    refresh: bool = False,
    workers: int = 2,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
) -> FetchReport:
    """Fetch every symbol asked for in every language into `folder` (see the module docstring)."""
    if fmt not in FORMATS:
        raise FetchUsageError(f"--format is docx or pdf, not {fmt!r}")
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in SESSION_KINDS:
        raise FetchUsageError(f"--kind is {' or '.join(repr(k) for k in SESSION_KINDS)}, not {kind!r}")
    if not 1 <= workers <= MAX_WORKERS:
        raise FetchUsageError(f"--workers is 1 to {MAX_WORKERS} (more drew refusals from ODS)")
    report = FetchReport(leftovers_removed=store.remove_leftovers(folder))
    seen: set[str] = set()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:

        def submit(symbol: str) -> list[Future[FetchOutcome]]:
            seen.add(symbol)
            return [pool.submit(fetch_one, client, folder, symbol, lang, fmt, refresh) for lang in languages]

        def finish(futures: list[Future[FetchOutcome]], asked: bool) -> list[FetchOutcome]:
            outcomes = [future.result() for future in futures]
            found = any(o.status in FOUND for o in outcomes)
            for outcome in outcomes:
                outcome.asked = asked or found
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
            return outcomes

        drafts: deque[str] = deque()

        def note_drafts(outcomes: list[FetchOutcome]) -> None:
            if not with_drafts:
                return
            fetched = next((o for o in outcomes if o.status in FOUND and "/RES/" in o.symbol), None)
            if fetched:
                named = _checked(origin_of(fetched.path))
                drafts.extend(s for s in named if s not in seen and s not in drafts)

        try:
            batches = [(symbol, submit(symbol)) for symbol in dict.fromkeys(symbols) if symbol not in seen]
            for _, futures in batches:
                note_drafts(finish(futures, asked=True))
            if session is not None:
                for outcomes in _walk(session, kind, submit, finish, lookahead=workers + 1):
                    note_drafts(outcomes)
            while drafts:
                note_drafts(finish(submit(drafts.popleft()), asked=True))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: stop asking; files stay whole
            raise
    return report


def _walk(
    session: int,
    kind: str,
    submit: Callable[[str], list[Future[FetchOutcome]]],
    finish: Callable[[list[Future[FetchOutcome]], bool], list[FetchOutcome]],
    lookahead: int,
) -> Iterator[list[FetchOutcome]]:
    """`A/RES/{session}/1`, `/2`, ... a few symbols ahead, in order, until `MAX_MISSES` in a row
    are found in no language."""
    pending: deque[list[Future[FetchOutcome]]] = deque()
    number = misses = 0
    while misses < MAX_MISSES:
        while len(pending) < lookahead:
            number += 1
            pending.append(submit(session_symbol(session, kind, number)))
        outcomes = finish(pending.popleft(), False)
        misses = 0 if any(o.status in FOUND for o in outcomes) else misses + 1
        yield outcomes
    for futures in pending:  # already asked for: report them too
        yield finish(futures, False)
