"""Intersecting two sorted arrays of unique integers (phrase keys, document numbers), by size.

What search_api/core/evaluate.py chooses between: a binary search of the shorter array in the
longer (`np.searchsorted`: the values and their indexes), a merge (a stable sort of the two end to
end, which merges two sorted runs: the values only; "+ indexes" finds them in both by binary
search), and NumPy's `intersect1d` (a sort of both with their indexes). A phrase needs the
values only; a query of two words needs the indexes too, to add the words' scores. Each row: the best of 7 runs,
in ms, for random arrays over a million values (half of the shorter in the longer), and with
`--index`, the position keys of pairs of common bigrams of that index, the second moved back one
place (as a phrase's second word is), and the document lists of pairs of common words (as a
query of two words intersects them). Phrase keys are merged below `BINARY_SEARCH_RATIO`; document
lists are binary-searched, or looked up in a table over the index's documents when both are long
(evaluate.py `_common`, `_intersection`, `_by_table`: a second table compares the two and shows
the choice).

    python bench/intersections.py [--index bench/out/index-scale-synthetic-v2-1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search_api.core.evaluate import (  # noqa: E402
    BINARY_SEARCH_RATIO,
    _binary_search,
    _by_table,
    _intersection,
    _table_search,
)

BIGRAM_PAIRS = [("联合", "合国"), ("维持", "和平"), ("安全", "理事"), ("采取", "措施")]
RANDOM_VALUES = 4_000_000  # the random arrays' values are below this
WORD_PAIRS = [("联合国", "大会"), ("和平", "安全"), ("发展", "合作"), ("人权", "理事会"), ("秘书长", "报告")]


def by_search(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _intersection(a, b)[0]  # the engine's own: a binary search of the shorter, with indexes


def by_merge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    joined = np.concatenate((a, b))
    joined.sort(kind="stable")
    return joined[:-1][joined[1:] == joined[:-1]]


def by_merge_with_indexes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    common = by_merge(a, b)
    np.searchsorted(a, common), np.searchsorted(b, common)
    return common


def by_intersect1d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.intersect1d(a, b, assume_unique=True, return_indices=True)[0]


WAYS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "binary search": by_search,
    "merge": by_merge,
    "merge + indexes": by_merge_with_indexes,
    "intersect1d": by_intersect1d,
}


def best_ms(way: Callable[[np.ndarray, np.ndarray], np.ndarray], a: np.ndarray, b: np.ndarray) -> float:
    times = []
    for _ in range(7):
        started = time.perf_counter()
        way(a, b)
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def random_pairs() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(1)
    long_ = np.sort(rng.choice(RANDOM_VALUES, 1_000_000, replace=False)).astype(np.int64)
    pairs = []
    for size in (1_000_000, 300_000, 100_000, 30_000, 10_000, 3_000, 1_000):
        half = rng.choice(long_, size // 2, replace=False)
        other = rng.integers(0, RANDOM_VALUES, size - size // 2)
        pairs.append((f"random {size:,} in 1,000,000", np.unique(np.concatenate((half, other))), long_))
    return pairs


def index_pairs(index_dir: Path) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], int]:
    """The index's pairs, and its number of documents (what a table of documents spans)."""
    from search_api.engine import SearchEngine

    engine = SearchEngine(index_dir)
    pairs = []
    with engine._current() as searcher:
        size = searcher.doc_count_all()
        postings = engine._snapshot(searcher).postings
        for first, second in BIGRAM_PAIRS:
            a = np.array(postings.positions("chars", first.encode("utf-8")))
            b = np.array(postings.positions("chars", second.encode("utf-8"))) - 1
            if len(a) and len(b):
                pairs.append((f"keys {first} {second}: {len(a):,} and {len(b):,}", a, b))
        for first, second in WORD_PAIRS:
            a, b = (np.array(postings.term("text", word.encode("utf-8")).docs) for word in (first, second))
            if len(a) and len(b):
                pairs.append((f"documents {first} {second}: {len(a):,} and {len(b):,}", a, b))
    return pairs, size


def documents_table(pairs: list[tuple[str, np.ndarray, np.ndarray]], size: int) -> None:
    """Document lists: a binary search against a table over the `size` documents (both with
    indexes), and which one evaluate.py's `_by_table` picks."""
    print(f"\n| document lists (table over {size:,} documents) | binary search ms | table ms | picked |")
    print("|---|---|---|---|")
    for label, a, b in pairs:
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        search = best_ms(lambda x, y: _binary_search(x, y)[0], short, long_)
        table = best_ms(lambda x, y: _table_search(x, y, size)[0], short, long_)
        picked = "table" if _by_table(len(short), len(long_), size) else "binary search"
        print(f"| {label} | {search:.2f} | {table:.2f} | {picked} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an index whose bigram keys to intersect too")
    args = parser.parse_args()
    pairs = random_pairs()
    indexed, size = index_pairs(args.index) if args.index else ([], 0)
    pairs += indexed
    print(f"BINARY_SEARCH_RATIO = {BINARY_SEARCH_RATIO}\n")
    print("| arrays | ratio | " + " | ".join(f"{way} ms" for way in WAYS) + " |")
    print("|---|---|" + "---|" * len(WAYS))
    for label, a, b in pairs:
        ratio = max(len(a), len(b)) / max(1, min(len(a), len(b)))
        cells = " | ".join(f"{best_ms(way, a, b):.2f}" for way in WAYS.values())
        print(f"| {label} | {ratio:.0f} | {cells} |")
    documents_table([pair for pair in pairs if pair[0].startswith("random")], RANDOM_VALUES)
    if indexed:
        documents_table([pair for pair in indexed if pair[0].startswith("documents")], size)


if __name__ == "__main__":
    main()
