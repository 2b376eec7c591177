"""The 193 member states and the observer States, with Chinese, English and ISO 3166 alpha-3 names.

`lookup(name)` resolves any of those names (or a former name, such as `斯威士兰` or `Turkey`) to
one `State`, so `--sponsor Belarus`, `--sponsor BLR` and `--sponsor 白俄罗斯` mean the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class State:
    iso3: str
    english: str
    chinese: str
    aliases: tuple[str, ...]

    @property
    def chinese_names(self) -> tuple[str, ...]:
        return (self.chinese, *(a for a in self.aliases if not a.isascii()))

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.iso3, self.english, self.chinese, *self.aliases)


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


@lru_cache(maxsize=1)
def all_states() -> tuple[State, ...]:
    text = resources.files(__package__).joinpath("member_states.tsv").read_text("utf-8")
    states = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, english, chinese, *rest = line.split("\t")
        aliases = tuple(a for a in (rest[0].split("|") if rest else []) if a)
        states.append(State(iso3, english, chinese, aliases))
    return tuple(states)


@lru_cache(maxsize=1)
def _index() -> dict[str, State]:
    index: dict[str, State] = {}
    for state in all_states():
        for name in state.all_names:
            index.setdefault(_key(name), state)
        if state.english.startswith("The "):
            index.setdefault(_key(state.english[4:]), state)
    return index


def lookup(name: str) -> State | None:
    """The State named by `name` (Chinese, English, ISO alpha-3 or a known alias), or None."""
    key = _key(name)
    if key.startswith("the "):
        return _index().get(key) or _index().get(key[4:])
    return _index().get(key)


@lru_cache(maxsize=1)
def names_pattern() -> re.Pattern[str]:
    """One regex matching any State's Chinese or English name, longest first (greedy in lists)."""
    names = {name for state in all_states() for name in state.all_names if len(name) > 3 or not name.isascii()}
    alternatives = []
    for name in sorted(names, key=len, reverse=True):
        escaped = re.escape(name)
        alternatives.append(rf"\b(?:the\s+)?{escaped}\b" if name.isascii() else escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)
