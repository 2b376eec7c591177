"""Chinese word segmentation: jieba's dictionary and algorithm, with the UN dictionary added.

Two builds of the same jieba algorithm are used, each for what it does best:
- `rjieba` (the Rust build) cuts running text: about 25x faster than pure-Python jieba and, with
  the same user words added, the same tokens on CJK runs (measured in `bench/analyzer.py`).
- `jieba` (pure Python) decomposes a dictionary word into smaller words through its DAG, which
  `rjieba` does not expose. Decompositions are cached per word, so this costs nothing in steady state.
- A process that has cut little text yet (a one-shot `ga-search search`: the query and the shown
  hits) cuts with pure-Python jieba's own `cut` looking words up in the memory-mapped dictionary:
  0.04 ms a character against 0.26-0.31 s to import and build `rjieba`. Past `LIGHT_CHARACTERS`
  it builds `rjieba`; processes that cut much (the indexer, the service) build it at once
  (`warm_up`). Both give the same tokens (tests/test_light_segmenter.py checks it on the corpus).

jieba's prefix-dictionary cache lives in a writable cache directory (`GA_SEARCH_CACHE`, default
`~/.cache/ga-search`) and is built once per machine, never on every start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
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


def _import_jieba() -> ModuleType:
    """jieba, imported without `pkg_resources`: jieba only uses it to open its own data files and
    falls back to their paths without it (as on a setuptools that no longer ships it), and its
    import costs 0.17 s. Imported here, not at the top: most processes never need jieba."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _python_jieba() -> jieba.Tokenizer:
    tokenizer = _import_jieba().Tokenizer()
    tokenizer.tmp_dir = str(cache_dir())
    tokenizer.initialize()
    words = user_words()
    # jieba adds a word's frequency to its total without taking away the one it replaces; rjieba
    # takes it away. The light build cuts with rjieba's total so that it cuts as rjieba does
    # (with jieba's, 8 of 11,148 runs of the UN Parallel Corpus test set were cut otherwise).
    replaced = sum(tokenizer.FREQ.get(word) or 0 for word in words)
    for word in words:
        tokenizer.add_word(word)
    tokenizer.rjieba_total = tokenizer.total - replaced
    return tokenizer


def _loaded(tokenizer: jieba.Tokenizer) -> PythonFrequencies:
    return PythonFrequencies(tokenizer.FREQ, tokenizer.total, tokenizer.rjieba_total)


@lru_cache(maxsize=1)
def _rust_jieba() -> rjieba.Jieba:
    import rjieba  # imported here: 0.18 s (its built-in dictionary) that a search without CJK text never needs

    tokenizer = rjieba.Jieba()
    for word, frequency in user_word_frequencies().items():
        # Same frequency as the Python build gave it (its total differs: see `_python_jieba`).
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


# How many characters a process cuts with the light build before building `rjieba`: at 0.04 ms a
# character against 0.3 s, a few shown hits stay light and a long job soon pays for the build.
LIGHT_CHARACTERS = 4_000


class _Cutter:
    """Which build `cut` uses now: the light one until `LIGHT_CHARACTERS`, then `rjieba`."""

    def __init__(self) -> None:
        self.rust: rjieba.Jieba | None = None
        self.light_characters = 0

    def cut(self, run: str) -> list[str]:
        if self.rust is not None:
            return self.rust.cut(run, True)
        if self.light_characters + len(run) <= LIGHT_CHARACTERS:
            self.light_characters += len(run)
            return list(_light_jieba().cut(run, HMM=True))
        self.rust = _rust_jieba()
        return self.rust.cut(run, True)


_CUTTER = _Cutter()


class _DictionaryView:
    """The memory-mapped dictionary as the mapping jieba's `Tokenizer.FREQ` is (`in`, `[]`, `get`),
    each word looked up once."""

    def __init__(self, frequencies: Frequencies) -> None:
        self._frequencies = frequencies
        self._seen: dict[str, int | None] = {}

    def get(self, word: str, default: int | None = None) -> int | None:
        if word not in self._seen:
            self._seen[word] = self._frequencies.frequency(word)
        found = self._seen[word]
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found


@lru_cache(maxsize=1)
def _light_jieba() -> jieba.Tokenizer:
    """Pure-Python jieba's `Tokenizer` on the memory-mapped dictionary (the UN words are in it),
    marked initialised so it never loads its own."""
    frequencies = _frequencies()
    tokenizer = _import_jieba().Tokenizer()
    tokenizer.FREQ = _DictionaryView(frequencies)
    tokenizer.total = frequencies.rjieba_total
    tokenizer.initialized = True
    return tokenizer


def warm_up() -> None:
    """Build `rjieba` now, for a process that will cut much text (the indexer, the service)."""
    _CUTTER.rust = _rust_jieba()


def cut(run: str) -> list[str]:
    """Segment a run of CJK characters into words (jieba's accurate mode with HMM)."""
    return _CUTTER.cut(run)


def cut_light(run: str) -> list[str]:
    """The light build's cut, whatever `cut` uses now (for tests and benchmarks)."""
    return list(_light_jieba().cut(run, HMM=True))


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
    _LOADED.append(_loaded(tokenizer))
    warm_up()


_LOADED: list[Frequencies] = []


@lru_cache(maxsize=1)
def _frequencies() -> Frequencies:
    """The dictionary `parts` looks words up in: memory-mapped from the cache directory (saved
    from the Python build the first time on a machine), so a process needs no Python dictionary."""
    if _LOADED:
        return _LOADED[-1]
    folder = cache_dir() / f"dictionary-v3-{_dictionary_key(user_words())}"
    if not (folder / "meta.json").exists():
        tokenizer = _python_jieba()
        save(tokenizer.FREQ, tokenizer.total, folder, rjieba_total=tokenizer.rjieba_total)
    try:
        return MappedFrequencies(folder)
    except (OSError, ValueError, KeyError):  # a damaged cache: the Python build, as before
        return _loaded(_python_jieba())


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
