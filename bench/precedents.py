"""Precedents ("agreed language") latency and recall on the SYNTHETIC 100k-clause corpus.

Three ways to find the clauses worded like a given text, measured side by side in one run:
- ga-search: MinHash band keys in an index column (`bands`, compared with NumPy), the exact Jaccard of the
  candidates, the diff of the best ten (`SearchEngine.precedents` / `clause_precedents`, what the
  API and the CLI call);
- datasketch MinHashLSH: the same signatures in datasketch's in-memory LSH index (built when the
  process starts: its build time and memory are the price of that design), same exact check;
- exact: every clause sharing at least one shingle, from an in-memory inverted index of shingles,
  scored by exact Jaccard. It misses nothing, so it is the ground truth for recall.

Queries, three kinds: `clause` (an indexed clause: GET /clauses/{symbol}/{number}/precedents),
`edited` (an indexed clause with three characters replaced, as a pasted paragraph: POST
/precedents), `new` (a clause the generator composes with another seed: usually no precedent).
Each query runs once to warm up, then `--repeat` times; p50/p95/p99 in milliseconds.

First, on the shipped seeds (real texts), the table that sets the threshold: for every clause, its
best similarity to a clause of another resolution, by bands of 0.1, with an example pair.

    python bench/precedents.py [--clauses 100000] [--queries 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasketch import MinHashLSH  # noqa: E402

from analyzers.scripts import is_cjk  # noqa: E402
from bench.indexes import seed_index, synthetic_index  # noqa: E402
from bench.synthetic import Generator  # noqa: E402
from indexer.similarity import BANDS, ROWS, jaccard, shingles, signature  # noqa: E402
from search_api.engine import SearchEngine  # noqa: E402
from search_api.models import (  # noqa: E402
    DEFAULT_PRECEDENTS,
    MAX_PRECEDENTS,
    SIMILARITY_THRESHOLD,
)

Query = tuple[str, str, str | None, str | None]  # kind, text, doc_id, clause number
Finder = Callable[[Query], set[tuple[str, str]]]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def edit(rng: random.Random, text: str, changes: int = 3) -> str:
    chars = list(text)
    positions = [i for i, ch in enumerate(chars) if is_cjk(ch)]
    for position in rng.sample(positions, min(changes, len(positions))):
        chars[position] = rng.choice("甲乙丙丁戊己庚辛壬癸")
    return "".join(chars)


def make_queries(rng: random.Random, clauses: list[dict[str, str]], count: int) -> list[Query]:
    long_enough = [c for c in clauses if len(c["text"]) >= 20]
    queries: list[Query] = [("clause", c["text"], c["doc_id"], c["number"]) for c in rng.sample(long_enough, count)]
    queries += [("edited", edit(rng, c["text"]), None, None) for c in rng.sample(long_enough, count)]
    composer = Generator(seed=99)
    for number in range(count):
        session = rng.randint(1, 80)
        text = composer.operative(number + 1, 1945 + session) if number % 2 else composer.preambular("", session, 2000)
        queries.append(("new", text, None, None))
    return queries


class ExactIndex:
    """Every clause sharing a shingle, scored exactly: slow to build, but it misses nothing."""

    def __init__(self, clauses: list[dict[str, str]]) -> None:
        self.keys = [(c["doc_id"], c["number"]) for c in clauses]
        self.sets = [shingles(c["text"]) for c in clauses]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, items in enumerate(self.sets):
            for item in items:
                self.postings[item].append(i)

    def find(self, text: str, exclude: str | None) -> set[tuple[str, str]]:
        wording = shingles(text)
        overlap: Counter[int] = Counter()
        for item in wording:
            overlap.update(self.postings.get(item, ()))
        found = set()
        for i, common in overlap.items():
            similarity = common / (len(wording) + len(self.sets[i]) - common)
            if similarity >= SIMILARITY_THRESHOLD and self.keys[i][0] != exclude:
                found.add(self.keys[i])
        return found


class DatasketchIndex:
    """datasketch's own MinHashLSH over the same signatures, kept in memory."""

    def __init__(self, clauses: list[dict[str, str]], exact: ExactIndex) -> None:
        self.exact = exact
        self.lsh = MinHashLSH(num_perm=BANDS * ROWS, params=(BANDS, ROWS))
        for i, items in enumerate(exact.sets):
            if items:
                self.lsh.insert(i, signature(items), check_duplication=False)

    def find(self, text: str, exclude: str | None) -> set[tuple[str, str]]:
        wording = shingles(text)
        if not wording:
            return set()
        found = set()
        for i in self.lsh.query(signature(wording)):
            key = self.exact.keys[i]
            if key[0] != exclude and jaccard(wording, self.exact.sets[i]) >= SIMILARITY_THRESHOLD:
                found.add(key)
        return found


def ga_finder(engine: SearchEngine, limit: int) -> Finder:
    """What the API answers: `limit` precedents with their stored fields and diffs."""

    def find(query: Query) -> set[tuple[str, str]]:
        _, text, doc_id, number = query
        if doc_id is not None and number is not None:
            result = engine.clause_precedents(doc_id, number, include_later=True, limit=limit)
        else:
            result = engine.precedents(text, limit=limit)
        return {(p.doc_id, p.clause.number) for p in result.precedents}

    return find


def indexed_clauses(engine: SearchEngine) -> list[dict[str, str]]:
    with engine._current() as searcher:
        records = searcher.documents(level="clause")
        return [{"doc_id": f["doc_id"], "number": f["number"], "text": f["text"]} for f in records]


def threshold_table(console: Any) -> None:
    """The distribution of each real clause's best similarity to another resolution's clause."""
    from rich.table import Table

    clauses = indexed_clauses(SearchEngine(seed_index()))
    exact = ExactIndex(clauses)
    best: list[tuple[float, int, int]] = []
    for i, wording in enumerate(exact.sets):
        overlap: Counter[int] = Counter()
        for item in wording:
            overlap.update(exact.postings[item])
        top = (0.0, i, i)
        for j, common in overlap.items():
            if exact.keys[j][0] != exact.keys[i][0]:
                similarity = common / (len(wording) + len(exact.sets[j]) - common)
                top = max(top, (similarity, i, j))
        best.append(top)
    table = Table(title=f"Best similarity to another resolution's clause, {len(clauses):,} REAL clauses (seeds/)")
    for column in ("similarity", "clauses", "example: the clause", "its best match elsewhere"):
        table.add_column(column, justify="right" if column == "clauses" else "left")
    rng = random.Random(3)
    for low in range(10):
        in_band = [b for b in best if low / 10 <= b[0] < (low + 1) / 10 or (low == 9 and b[0] == 1.0)]
        example = rng.choice(in_band) if in_band else None
        cut = (lambda text: text[:70] + ("…" if len(text) > 70 else "")) if example else None
        table.add_row(
            f"{low / 10:.1f}–{(low + 1) / 10:.1f}",
            str(len(in_band)),
            cut(clauses[example[1]]["text"]) if example and cut else "",
            cut(clauses[example[2]]["text"]) if example and cut and example[0] > 0 else "",
        )
    console.print(table)


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Precedents latency and recall on the SYNTHETIC corpus.")
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    console = Console(width=150)
    threshold_table(console)
    engine = SearchEngine(synthetic_index(args.clauses))
    clauses = indexed_clauses(engine)
    console.print(f"{len(clauses):,} SYNTHETIC clauses")
    before = rss_mb()
    started = time.perf_counter()
    exact = ExactIndex(clauses)
    exact_build = time.perf_counter() - started
    exact_mb = rss_mb() - before
    before = rss_mb()
    started = time.perf_counter()
    sketch = DatasketchIndex(clauses, exact)
    sketch_build = time.perf_counter() - started
    sketch_mb = rss_mb() - before
    queries = make_queries(random.Random(11), clauses, args.queries)
    # (timed, for recall): ga-search is timed as the API is called (10 precedents, diffs), and its
    # recall is read from a call for 100 (the API's maximum); the others return every match.
    in_memory: dict[str, Finder] = {
        "datasketch MinHashLSH (memory)": lambda q: sketch.find(q[1], q[2]),
        "exact (inverted shingles, memory)": lambda q: exact.find(q[1], q[2]),
    }
    systems: dict[str, tuple[Finder, Finder]] = {
        "ga-search (band-key column, 10 + diffs)": (
            ga_finder(engine, DEFAULT_PRECEDENTS),
            ga_finder(engine, MAX_PRECEDENTS),
        ),
        **{name: (find, find) for name, find in in_memory.items()},
    }
    samples: dict[tuple[str, str], list[float]] = defaultdict(list)
    recall: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for query in queries:
        truth = exact.find(query[1], query[2])
        for name, (find, find_all) in systems.items():
            found = find_all(query)
            # ga-search answers at most MAX_PRECEDENTS: what it can miss is capped at that.
            cap = MAX_PRECEDENTS if name.startswith("ga-search") else len(truth)
            recall[(name, query[0])][0] += len(found & truth)
            recall[(name, query[0])][1] += min(len(truth), cap)
            for _ in range(args.repeat):
                started = time.perf_counter()
                find(query)
                elapsed = (time.perf_counter() - started) * 1000
                samples[(name, query[0])].append(elapsed)
                samples[(name, "all")].append(elapsed)
    table = Table(
        title=f"Precedents on {len(clauses):,} SYNTHETIC clauses, similarity ≥ {SIMILARITY_THRESHOLD}, "
        f"{args.queries} queries a kind x {args.repeat}, warm (ms)"
    )
    for column in ("system", "kind", "p50", "p95", "p99", "recall", "found", "of"):
        table.add_column(column, justify="left" if column in ("system", "kind") else "right")
    for name in systems:
        for kind in ("clause", "edited", "new", "all"):
            p50, p95, p99 = percentiles(samples[(name, kind)])
            hits, total = (
                [sum(recall[(name, k)][i] for k in ("clause", "edited", "new")) for i in (0, 1)]
                if kind == "all"
                else recall[(name, kind)]
            )
            table.add_row(
                name,
                kind,
                f"{p50:.1f}",
                f"{p95:.1f}",
                f"{p99:.1f}",
                f"{hits / total:.3f}" if total else "-",
                str(hits),
                str(total),
            )
        table.add_section()
    console.print(table)
    console.print(
        "recall: the share of the exact matches (similarity ≥ threshold) found, out of at most 100 a query "
        "for ga-search (the most it returns)."
    )
    console.print(
        f"in-memory structures: exact built in {exact_build:.1f} s (+{exact_mb:.0f} MB), datasketch LSH in "
        f"{sketch_build:.1f} s (+{sketch_mb:.0f} MB); ga-search keeps its keys in the index and reads their "
        "column into one array a snapshot (20 x 4 bytes a clause)."
    )


if __name__ == "__main__":
    main()
