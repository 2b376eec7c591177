"""Errors of the search layer; the HTTP service maps each to one status, the CLI to one message."""

from __future__ import annotations

from indexer.errors import GaSearchError


class QuerySyntaxError(GaSearchError):
    """The query string cannot be parsed; `position` is the character where the problem is."""

    def __init__(self, query: str, position: int, message: str) -> None:
        super().__init__(f"{message} (at character {position + 1} of the query)")
        self.query = query
        self.position = position
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str, int, str]]:
        return (QuerySyntaxError, (self.query, self.position, self.message))


class ParameterError(GaSearchError):
    """A request parameter is out of range or of the wrong type."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter {parameter!r}: {message}")
        self.parameter = parameter
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (ParameterError, (self.parameter, self.message))


class BodyTooLarge(ParameterError):
    """A request body over the limit (HTTP 413); it is never read past the limit."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        said = f"is {size:,} bytes" if size is not None else "goes on past the limit"
        super().__init__("body", f"{said}; the limit is {limit:,} bytes")
        self.limit = limit
        self.size = size

    def __reduce__(self) -> tuple[type, tuple[int, int | None]]:  # type: ignore[override]
        return (BodyTooLarge, (self.limit, self.size))


class NotFoundError(GaSearchError):
    """No document with that symbol or id."""
