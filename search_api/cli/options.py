"""CLI options made from the HTTP parameter table (search_api/params.py), so `ga-search search`
takes what `GET /search` takes, with the same names, help, bounds and error messages.

The options collect raw strings; `table_request` puts them through the table's own parser, the one
the service uses, so a value the service refuses is refused here with the same words.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer
from rich.console import Console

from search_api.params import OptionValues, Param, parse_params

RawValues = dict[str, list[str]]
METAVARS = {"string": "TEXT", "integer": "INTEGER", "number": "NUMBER", "boolean": "BOOLEAN"}


def _help(param: Param, default: Any) -> str:
    extra = []
    if param.enum:
        extra.append(f"one of {', '.join(param.enum)}")
    if param.minimum is not None or param.maximum is not None:
        extra.append(f"{param.minimum:g} to {param.maximum:g}" if param.maximum is not None else f"≥ {param.minimum:g}")
    if default not in (None, "", ()):
        extra.append(f"default {default}")
    return param.description + (f" ({'; '.join(extra)})" if extra else "")


def table_options(
    params: tuple[Param, ...], *, flags: dict[str, str] | None = None, defaults: dict[str, Any] | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command one option per parameter of `params` (except `q`, the command's argument).

    The command takes the collected values as `table: RawValues`; `flags` renames an option
    (`per_page` -> `--limit`), `defaults` gives the CLI its own default (10 hits, not 20)."""
    flags, defaults = flags or {}, defaults or {}
    table = [p for p in params if p.name != "q"]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "table"]
        added = []
        for param in table:
            default = defaults.get(param.name, param.default)
            kind = list[str] | None if param.repeatable else str | None
            option = typer.Option(
                f"--{flags.get(param.name, param.name.replace('_', '-'))}",
                help=_help(param, default),
                metavar=METAVARS[param.type],
            )
            value = None if param.name not in defaults else str(defaults[param.name])
            added.append(
                inspect.Parameter(f"table_{param.name}", inspect.Parameter.KEYWORD_ONLY, default=value,
                                  annotation=Annotated[kind, option])
            )  # fmt: skip

        @functools.wraps(command)
        def run(**values: Any) -> None:
            raw: RawValues = {}
            for param in table:
                given = values.pop(f"table_{param.name}")
                if given is not None:
                    raw[param.name] = list(given) if param.repeatable else [given]
            command(table=raw, **values)

        parameters = own + added
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def table_values(params: tuple[Param, ...], raw: RawValues, **given: str) -> dict[str, Any]:
    """The validated values, parsed by the table as the service parses a query string."""
    pairs = [(name, value) for name, values in raw.items() for value in values]
    pairs += [(name, value) for name, value in given.items() if value]
    return parse_params(OptionValues(pairs), params)


def _reader_gone() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    raise SystemExit(0)


def write_out(text: str | Iterable[str]) -> None:
    """Plain output (JSON, CSV, JSON Lines) to stdout; a reader that stops early (`| head`) ends
    the command quietly with status 0, as other Unix tools do (click's own answer is status 1)."""
    try:
        sys.stdout.writelines([text] if isinstance(text, str) else text)
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()


PROGRESS_EVERY_S = 60.0  # off a terminal (a log, CI), progress is a line at most this often


class ProgressLines:
    """Progress where no bar can be drawn (stderr is a file or a pipe): the first step at once,
    then a line at most once a minute."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.last: float | None = None

    def say(self, line: str) -> None:
        now = time.monotonic()
        if self.console.is_terminal or (self.last is not None and now - self.last < PROGRESS_EVERY_S):
            return
        self.last = now
        self.console.print(line, markup=False, highlight=False)


class Terminal(Console):
    """A rich console whose reader may stop early: output piped into `head` ends the command
    quietly with status 0 (rich's own answer is status 1)."""

    def on_broken_pipe(self) -> None:
        _reader_gone()
