"""Derivational partners of a word (`destroy` / `destruction`), by stem, from
analyzers/dictionaries/derivations.tsv: an unquoted query word also finds its partner, ranked lower."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from analyzers.languages import stem


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str], tuple[str, ...]]:
    partners: dict[tuple[str, str], set[str]] = {}
    text = resources.files("analyzers.dictionaries").joinpath("derivations.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, word, derived = line.split("\t")
        one, other = stem(language, word), stem(language, derived)
        partners.setdefault((language, one), set()).add(other)
        partners.setdefault((language, other), set()).add(one)
    return {key: tuple(sorted(values)) for key, values in partners.items()}


def partners(language: str, word: str) -> tuple[str, ...]:
    """The stems of the words derived from `word` (or it from them) in `language`."""
    return _table().get((language, stem(language, word.lower())), ())
