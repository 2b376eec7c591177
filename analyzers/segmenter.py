"""Chinese word segmentation: jieba's dictionary and algorithm, with the UN dictionary added.

Two builds of the same jieba algorithm are used, each for what it does best:
- `rjieba` (the Rust build) cuts running text: about 25x faster than pure-Python jieba and, with
  the same user words added, the same tokens on CJK runs (measured in `bench/analyzer.py`).
- `jieba` (pure Python) decomposes a dictionary word into smaller words through its DAG, which
  `rjieba` does not expose. Decompositions are cached per word, so this costs nothing in steady state.

jieba's prefix-dictionary cache lives in a writable cache directory (`GA_SEARCH_CACHE`, default
`~/.cache/ga-search`) and is built once per machine, never on every start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from analyzers.dictionaries import member_states
from analyzers.word_dictionary import Frequencies, MappedFrequencies, PythonFrequencies, save

if TYPE_CHECKING:
    import jieba
    import rjieba


def cache_dir() -> Path:
    """Where jieba's dictionary cache is kept (created on first use)."""
    path = Path(os.environ.get("GA_SEARCH_CACHE", Path.home() / ".cache" / "ga-search"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_words() -> list[str]:
    """The UN dictionary: organs, bodies, treaties, and every member state's names."""
    text = resources.files("analyzers.dictionaries").joinpath("un_terms.txt").read_text("utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for state in member_states.all_states():
        words.extend(name for name in state.chinese_names if len(name) > 1)
    return sorted(set(words))


@lru_cache(maxsize=1)
def _python_jieba() -> jieba.Tokenizer:
    import jieba  # imported here: its import (pkg_resources) costs 0.1 s that most processes never need

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir())
    tokenizer.initialize()
    for word in user_words():
        tokenizer.add_word(word)
    return tokenizer


@lru_cache(maxsize=1)
def _rust_jieba() -> rjieba.Jieba:
    import rjieba  # imported here: 0.18 s (its built-in dictionary) that a search without CJK text never needs

    tokenizer = rjieba.Jieba()
    for word, frequency in user_word_frequencies().items():
        # Same frequency as the Python build gave it, so both cut the same way.
        tokenizer.add_word(word, frequency, None)
    return tokenizer


def _dictionary_key(words: list[str]) -> str:
    """What the saved dictionaries depend on: jieba's version (its dictionary) and the UN words."""
    return hashlib.sha1("\n".join([version("jieba"), *words]).encode("utf-8")).hexdigest()[:16]


def user_word_frequencies() -> dict[str, int | None]:
    """The frequency the Python build gives each UN word, kept in the cache directory: the Rust
    build needs only these, and working them out means loading the Python build's dictionary
    (0.6-1.7 s), which a one-shot `ga-search search` then never does. Keyed by jieba's version
    and the word list, so a changed dictionary is worked out again."""
    words = user_words()
    path = cache_dir() / f"user-word-frequencies-{_dictionary_key(words)}.json"
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    python_jieba = _python_jieba()
    frequencies = {word: python_jieba.FREQ.get(word) for word in words}
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        partial.write_text(json.dumps(frequencies, ensure_ascii=False), "utf-8")
        partial.replace(path)  # whole or not at all, whichever process writes it
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only cache: worked out again next time
    return frequencies


def warm_up() -> None:
    """Load both dictionaries now rather than on the first document."""
    _rust_jieba()


def cut(run: str) -> list[str]:
    """Segment a run of CJK characters into words (jieba's accurate mode with HMM)."""
    return _rust_jieba().cut(run, True)


def cut_python(run: str) -> list[str]:
    """The same segmentation through pure-Python jieba, for comparison in benchmarks and tests."""
    return list(_python_jieba().cut(run, HMM=True))


def use_loaded_dictionary() -> None:
    """For a process that analyses much text (the indexer and its workers): look word parts up in
    jieba's dictionary loaded into memory (0.02 ms a word, against 0.2 ms memory-mapped), once its
    load (about 1 s) is worth it."""
    tokenizer = _python_jieba()
    _frequencies.cache_clear()
    parts.cache_clear()
    _LOADED.append(PythonFrequencies(tokenizer.FREQ, tokenizer.total))


_LOADED: list[Frequencies] = []


@lru_cache(maxsize=1)
def _frequencies() -> Frequencies:
    """The dictionary `parts` looks words up in: memory-mapped from the cache directory (saved
    from the Python build the first time on a machine), so a process needs no Python dictionary."""
    if _LOADED:
        return _LOADED[-1]
    folder = cache_dir() / f"dictionary-v2-{_dictionary_key(user_words())}"
    if not (folder / "meta.json").exists():
        tokenizer = _python_jieba()
        save(tokenizer.FREQ, tokenizer.total, folder)
    try:
        return MappedFrequencies(folder)
    except (OSError, ValueError):  # a damaged cache: the Python build, as before
        tokenizer = _python_jieba()
        return PythonFrequencies(tokenizer.FREQ, tokenizer.total)


@lru_cache(maxsize=200_000)
def parts(word: str) -> tuple[str, ...]:
    """The smaller dictionary words a word is built from, recursively, without junk overlaps.

    `联合国大会` -> (`联合国`, `联合`, `大会`): the best segmentation of the word into smaller words
    (its own dictionary entry excluded), then the same for each part; and the longest dictionary
    words it starts and ends with, even where the best segmentation cuts them (`难民营` is best
    `难` + `民营`, but a search for `难民` must find refugee camps). Unlike jieba's search mode,
    this never yields words from the middle of a word (`国大` in `联合国大会`). One-character
    parts are left to the character field.
    """
    return word_parts(word, _frequencies(), parts)


def word_parts(word: str, frequencies: Frequencies, recurse: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    """`parts` with the dictionary given (jieba's DAG and best route, as jieba computes them)."""
    if len(word) < 3:
        return ()
    dag = _dag(word, frequencies)
    whole = len(word) - 1
    dag[0] = [end for end in dag[0] if end != whole] or [0]
    route = _route(word, dag, frequencies)
    found: list[str] = []
    start = 0
    while start < len(word):
        end = route[start] + 1
        piece = word[start:end]
        if len(piece) > 1:
            found.append(piece)
            found.extend(recurse(piece))
        start = end
    for edge in _edge_words(word, dag, frequencies):
        found.append(edge)
        found.extend(recurse(edge))
    return tuple(dict.fromkeys(found))


def _dag(word: str, frequencies: Frequencies) -> dict[int, list[int]]:
    """jieba's `get_DAG`: for each start, the ends of the dictionary words starting there (a
    prefix of a word is in the dictionary at frequency 0, which ends the walk when absent)."""
    dag: dict[int, list[int]] = {}
    for start in range(len(word)):
        ends = []
        end = start
        while end < len(word) and (frequency := frequencies.frequency(word[start : end + 1])) is not None:
            if frequency:
                ends.append(end)
            end += 1
        dag[start] = ends or [start]
    return dag


def _route(word: str, dag: dict[int, list[int]], frequencies: Frequencies) -> dict[int, int]:
    """jieba's `calc`: the end of the first word of the likeliest cut from each start."""
    log_total = math.log(frequencies.total)
    best: dict[int, tuple[float, int]] = {len(word): (0.0, 0)}
    for start in range(len(word) - 1, -1, -1):
        best[start] = max(
            (math.log(frequencies.frequency(word[start : end + 1]) or 1) - log_total + best[end + 1][0], end)
            for end in dag[start]
        )
    return {start: end for start, (_, end) in best.items()}


def _edge_words(word: str, dag: dict[int, list[int]], frequencies: Frequencies) -> list[str]:
    """The longest dictionary words (of two characters or more, shorter than `word`) that `word`
    starts with and ends with."""
    edges = []
    leading = max((end for end in dag[0] if 0 < end < len(word) - 1), default=None)
    if leading is not None:
        edges.append(word[: leading + 1])
    trailing = next((word[start:] for start in range(1, len(word) - 1) if frequencies.frequency(word[start:])), None)
    if trailing is not None:
        edges.append(trailing)
    return edges
