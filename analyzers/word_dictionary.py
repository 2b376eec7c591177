"""jieba's dictionary (its words' frequencies, with the UN words added) as arrays in the cache
directory, memory-mapped on use: the word parts of a compound (analyzers/segmenter.py `parts`) need
a few lookups a word, not the whole dictionary in a Python dict, which took 0.6-1.7 s to load and
made every one-shot Chinese search pay it.

The words are UTF-8 in one blob, sorted (UTF-8 byte order is code point order, Python's string
order), with their offsets and frequencies beside them; a lookup is a binary search."""

from __future__ import annotations

import bisect
import json
import mmap
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import numpy as np


class Frequencies(Protocol):
    """What jieba's DAG and route need of a dictionary (jieba's own `Tokenizer` has both), and
    the total rjieba cuts with (analyzers/segmenter.py `_python_jieba` says why it differs)."""

    total: int
    rjieba_total: int

    def frequency(self, word: str) -> int | None: ...


class PythonFrequencies:
    """jieba's loaded dictionary, through the same interface (the reference the tests compare with)."""

    def __init__(self, freq: Mapping[str, int], total: int, rjieba_total: int) -> None:
        self.freq = freq
        self.total = total
        self.rjieba_total = rjieba_total

    def frequency(self, word: str) -> int | None:
        return self.freq.get(word)


class MappedFrequencies:
    """The dictionary saved by `save`, memory-mapped: the words as bytes, offsets and frequencies
    read through `memoryview` casts (a Python int an index, no NumPy scalar on the way)."""

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        self.total, self.rjieba_total = int(meta["total"]), int(meta["rjieba_total"])
        self._maps = [_mapped(folder / name) for name in ("words.bin", "offsets.bin", "frequencies.bin")]
        self._blob = self._maps[0]
        self._offsets = memoryview(self._maps[1]).cast("q")
        self._frequencies = memoryview(self._maps[2]).cast("q")
        self._words = _Words(self._blob, self._offsets)

    def frequency(self, word: str) -> int | None:
        wanted = word.encode("utf-8")
        at = bisect.bisect_left(self._words, wanted)
        if at < len(self._words) and self._words[at] == wanted:
            return int(self._frequencies[at])
        return None


def _mapped(path: Path) -> mmap.mmap:
    with path.open("rb") as file:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


class _Words:
    """The k-th word of the blob as bytes: what `bisect` searches."""

    def __init__(self, blob: mmap.mmap, offsets: memoryview) -> None:
        self.blob, self.offsets = blob, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> bytes:
        return self.blob[self.offsets[index] : self.offsets[index + 1]]


def save(freq: Mapping[str, int], total: int, folder: Path, *, rjieba_total: int) -> None:
    """Write the dictionary under `folder`, whole or not at all (made beside it, then renamed)."""
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    encoded = sorted(word.encode("utf-8") for word in freq)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(word) for word in encoded], out=offsets[1:])
    (partial / "words.bin").write_bytes(b"".join(encoded))
    (partial / "offsets.bin").write_bytes(offsets.astype("<i8").tobytes())
    frequencies = np.array([freq[w.decode("utf-8")] for w in encoded], dtype="<i8")
    (partial / "frequencies.bin").write_bytes(frequencies.tobytes())
    meta = {"total": total, "rjieba_total": rjieba_total, "words": len(encoded)}
    (partial / "meta.json").write_text(json.dumps(meta), "utf-8")
    try:
        partial.rename(folder)
    except OSError:  # another process saved it first: theirs is the same
        shutil.rmtree(partial, ignore_errors=True)
