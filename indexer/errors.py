"""The errors ga-search raises, each carrying what a user needs to act on it."""

from __future__ import annotations

from pathlib import Path


class GaSearchError(Exception):
    """Base of every error ga-search reports to a user (CLI message, HTTP JSON error)."""


class DocumentError(GaSearchError):
    """A file could not be read as a document; the rest of the corpus goes on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Pickled across worker processes: rebuild from the fields, not from the message.
        return (type(self), (self.path, self.reason))


class IndexError_(GaSearchError):
    """The index is missing, locked or unreadable."""


class IndexVersionError(IndexError_):
    """The index was built by another schema or analyzer version."""

    def __init__(self, what: str, found: str, expected: str) -> None:
        super().__init__(
            f"the index was built with {what} {found!r}, this ga-search uses {expected!r}: "
            "rebuild it with `ga-search index --rebuild`"
        )
        self.what = what
        self.found = found
        self.expected = expected

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (IndexVersionError, (self.what, self.found, self.expected))
