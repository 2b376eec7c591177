"""Query latency of ga-search against SQLite FTS5 and tantivy, on the SYNTHETIC 100k-clause corpus.

All three index the same clauses cut into the same jieba words (the peers get the words joined by
spaces; ga-search analyses the text itself). 50 realistic queries, in four kinds: words, phrases,
filtered (session range or sponsor), faceted (counts by session and sponsor). Each query runs
once to warm up, then `--repeat` times; the table gives p50/p95/p99 in milliseconds per system and
kind, and ga-search's p50 as a ratio to each peer, all measured in this one run. "first run" is
ga-search answering each query once on a newly opened engine (see search_api/core/postings.py: it
decodes posting lists on first use), so cold and warm are both in the table.

ga-search runs through its search layer (`SearchEngine.search`), returning 20 hits with stored
fields; "+hl" adds highlighted snippets. Peers return the top 20 ids with scores and the exact
total; for faceted queries they also aggregate sessions and sponsors.

    python bench/query.py [--clauses 100000] [--repeat 5] [--index bench/out/index-scale-synthetic-v2-1000000]

`--index` reads an index bench/scale.py built of the same corpus (a 1M build takes half an hour).
The peers' rows (the clauses cut into words, with sessions and sponsors) are kept in bench/out,
keyed by the corpus and the analyzer version, so a second run (a rebuilt index) does not cut them again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers import ANALYZER_VERSION, word_analyzer  # noqa: E402
from bench.indexes import OUT, synthetic_index  # noqa: E402
from bench.synthetic import ACTIONS, FIELDS, ORGANS, QUALIFIERS  # noqa: E402
from search_api.engine import SearchEngine  # noqa: E402
from search_api.models import SearchRequest  # noqa: E402


@dataclass(frozen=True)
class BenchQuery:
    kind: str  # words | phrase | filtered | faceted
    words: tuple[str, ...]  # query-mode tokens, as the peers receive them
    text: str  # the ga-search query string
    session: tuple[int, int] | None = None
    sponsor: str | None = None


def words_of(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in word_analyzer()(text, mode="query"))


def make_queries(rng: random.Random, sponsors: list[str]) -> list[BenchQuery]:
    queries: list[BenchQuery] = []
    for _ in range(15):
        terms = rng.sample(FIELDS[:30] + ORGANS[:20], rng.choice([1, 1, 2]))
        words = tuple(w for term in terms for w in words_of(term))
        queries.append(BenchQuery("words", words, " ".join(terms)))
    for phrase in rng.sample(ACTIONS + QUALIFIERS, 10):
        words = words_of(phrase)
        if len(words) < 2:
            words = words_of(phrase + "合作")
            phrase += "合作"
        queries.append(BenchQuery("phrase", words, f'"{phrase}"'))
    for index in range(15):
        term = rng.choice(FIELDS[:40])
        if index % 2:
            low = rng.randint(1, 60)
            queries.append(BenchQuery("filtered", words_of(term), term, session=(low, low + rng.randint(5, 20))))
        else:
            queries.append(BenchQuery("filtered", words_of(term), term, sponsor=rng.choice(sponsors)))
    for _ in range(10):
        term = rng.choice(FIELDS[:40] + ACTIONS[:10])
        queries.append(BenchQuery("faceted", words_of(term), term))
    return queries


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda p: ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)


# --- ga-search --------------------------------------------------------------------------------------
def ga_runner(engine: SearchEngine, highlight: bool) -> Callable[[BenchQuery], int]:
    def run(query: BenchQuery) -> int:
        request = SearchRequest(
            q=query.text,
            session=tuple(range(query.session[0], query.session[1] + 1)) if query.session else (),
            sponsor=(query.sponsor,) if query.sponsor else (),
            per_page=20,
            facets=("session", "sponsor") if query.kind == "faceted" else (),
            highlight=highlight,
        )
        return engine.search(request).total

    return run


# --- SQLite FTS5 ------------------------------------------------------------------------------------
def build_sqlite(rows: list[tuple[str, int, list[str]]], path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(path))
    db.execute("CREATE VIRTUAL TABLE clauses USING fts5(body, tokenize = \"unicode61 tokenchars '/()-.'\")")
    db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, session INTEGER)")
    db.execute("CREATE TABLE sponsors(id INTEGER, sponsor TEXT)")
    for number, (body, session, sponsors) in enumerate(rows, start=1):
        db.execute("INSERT INTO clauses(rowid, body) VALUES (?, ?)", (number, body))
        db.execute("INSERT INTO meta VALUES (?, ?)", (number, session))
        db.executemany("INSERT INTO sponsors VALUES (?, ?)", [(number, s) for s in sponsors])
    db.execute("CREATE INDEX meta_session ON meta(session)")
    db.execute("CREATE INDEX sponsors_id ON sponsors(id, sponsor)")
    db.commit()
    return db


def sqlite_runner(db: sqlite3.Connection) -> Callable[[BenchQuery], int]:
    def run(query: BenchQuery) -> int:
        quoted = ['"' + w.replace('"', '""') + '"' for w in query.words]
        match = (
            '"' + " ".join(w.replace('"', '""') for w in query.words) + '"'
            if query.kind == "phrase"
            else " AND ".join(quoted)
        )
        where, args = "clauses MATCH ?", [match]
        join = "JOIN meta ON meta.id = clauses.rowid"
        if query.session:
            where += " AND meta.session BETWEEN ? AND ?"
            args += list(query.session)
        if query.sponsor:
            where += " AND clauses.rowid IN (SELECT id FROM sponsors WHERE sponsor = ?)"
            args.append(query.sponsor)
        db.execute(
            f"SELECT clauses.rowid, bm25(clauses) AS s FROM clauses {join} WHERE {where} ORDER BY s LIMIT 20", args
        ).fetchall()
        total = db.execute(f"SELECT count(*) FROM clauses {join} WHERE {where}", args).fetchone()[0]
        if query.kind == "faceted":
            db.execute(
                f"SELECT meta.session, count(*) FROM clauses {join} WHERE {where} "
                "GROUP BY meta.session ORDER BY 2 DESC LIMIT 10",
                args,
            ).fetchall()
            db.execute(
                f"SELECT s.sponsor, count(*) FROM clauses {join} JOIN sponsors s ON s.id = clauses.rowid "
                f"WHERE {where} GROUP BY s.sponsor ORDER BY 2 DESC LIMIT 10",
                args,
            ).fetchall()
        return total

    return run


# --- tantivy ----------------------------------------------------------------------------------------
def build_tantivy(rows: list[tuple[str, int, list[str]]], path: Path):  # type: ignore[no-untyped-def]
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", tokenizer_name="whitespace")
    builder.add_integer_field("session", indexed=True, fast=True)
    builder.add_text_field("sponsor", tokenizer_name="raw", fast=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for body, session, sponsors in rows:
        document = tantivy.Document(body=body, session=session)
        for sponsor in sponsors:
            document.add_text("sponsor", sponsor)
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, schema


def tantivy_runner(index, schema) -> Callable[[BenchQuery], int]:  # type: ignore[no-untyped-def]
    import tantivy

    searcher = index.searcher()

    def run(query: BenchQuery) -> int:
        if query.kind == "phrase":
            text_query = tantivy.Query.phrase_query(schema, "body", list(query.words))
        else:
            text_query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "body", w)) for w in query.words]
            )
        clauses = [(tantivy.Occur.Must, text_query)]
        if query.session:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        schema, "session", tantivy.FieldType.Integer, query.session[0], query.session[1]
                    ),
                )
            )
        if query.sponsor:
            clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, "sponsor", query.sponsor)))
        final = tantivy.Query.boolean_query(clauses)
        result = searcher.search(final, limit=20, count=True)
        if query.kind == "faceted":
            searcher.aggregate(
                final,
                {
                    "sessions": {"terms": {"field": "session", "size": 10}},
                    "sponsors": {"terms": {"field": "sponsor", "size": 10}},
                },
            )
        return result.count

    return run


Row = tuple[str, int, list[str]]


def peer_rows(engine: SearchEngine, index_dir: Path) -> list[Row]:
    """Every clause as the peers index it: its jieba words joined by spaces, its resolution's
    session and sponsors. Cached in bench/out by the corpus and the analyzer version."""
    key = f"{index_dir.name}-{ANALYZER_VERSION}"  # the corpus (its name has the generator's version)
    cache = OUT / f"peer-rows-{key}.jsonl.gz"
    if cache.exists():
        with gzip.open(cache, "rt", encoding="utf-8") as lines:
            return [(row[0], row[1], row[2]) for row in map(json.loads, lines)]
    rows: list[Row] = []
    with engine._current() as searcher:
        # A clause's session and sponsors are its resolution's, held by the document record.
        resolutions = {fields["doc_id"]: fields for fields in searcher.documents(level="document")}
        for clause in searcher.documents(level="clause"):
            fields = {**resolutions[clause["doc_id"]], **clause}
            rows.append(
                (
                    " ".join(words_of(fields["text"])),
                    fields.get("session") or 0,
                    [s for s in (fields.get("sponsor") or "").split(",") if s],
                )
            )
    partial = cache.with_suffix(".part")
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    partial.replace(cache)
    return rows


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Query latency against SQLite FTS5 and tantivy.")
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--index", type=Path, help="an index of the SYNTHETIC corpus built elsewhere")
    args = parser.parse_args()
    console = Console(width=max(Console().width, 140))  # wide enough for the table in a log file
    index_dir = args.index or synthetic_index(args.clauses)
    engine = SearchEngine(index_dir)
    rows = peer_rows(engine, index_dir)
    console.print(f"{len(rows):,} SYNTHETIC clauses; building the peers from the same jieba words…")
    work = Path(tempfile.mkdtemp(prefix="bench-query-"))
    (work / "tantivy").mkdir()
    db = build_sqlite(rows, work / "fts5.db")
    tantivy_index, schema = build_tantivy(rows, work / "tantivy")
    sponsors = sorted({s for _, _, names in rows for s in names})
    queries = make_queries(random.Random(7), sponsors)
    systems = {
        "ga-search": ga_runner(engine, highlight=False),
        "ga-search +hl": ga_runner(engine, highlight=True),
        "SQLite FTS5": sqlite_runner(db),
        "tantivy": tantivy_runner(tantivy_index, schema),
    }
    samples: dict[tuple[str, str], list[float]] = {}
    # First runs: a newly opened engine answers each query once, in order. Its caches (decoded
    # postings, filter masks, facet codes) start empty and fill as a server's would after a commit.
    fresh = SearchEngine(index_dir)
    first = ga_runner(fresh, highlight=False)
    opened = time.perf_counter()
    first(BenchQuery("faceted", ("和平",), "和平"))
    open_ms = (time.perf_counter() - opened) * 1000
    for query in queries:
        started = time.perf_counter()
        first(query)
        elapsed = (time.perf_counter() - started) * 1000
        samples.setdefault(("ga-search first run", query.kind), []).append(elapsed)
        samples.setdefault(("ga-search first run", "facets" if query.kind == "faceted" else "no facets"), []).append(
            elapsed
        )
    fresh.close()
    totals: dict[str, list[int]] = {name: [] for name in systems}
    for query in queries:
        for name, run in systems.items():
            totals[name].append(run(query))  # warm-up, and the totals to compare
            for _ in range(args.repeat):
                started = time.perf_counter()
                run(query)
                elapsed = (time.perf_counter() - started) * 1000
                samples.setdefault((name, query.kind), []).append(elapsed)
                samples.setdefault((name, "facets" if query.kind == "faceted" else "no facets"), []).append(elapsed)
    table = Table(
        title=f"Query latency, ms, on {len(rows):,} SYNTHETIC clauses ({len(queries)} queries x {args.repeat}, warm)"
    )
    for column in ("system", "kind", "p50", "p95", "p99", "p50 / FTS5", "p50 / tantivy"):
        table.add_column(column, justify="left" if column in ("system", "kind") else "right")
    for kind in ("words", "phrase", "filtered", "faceted", "no facets", "facets"):
        peers = {name: percentiles(samples[(name, kind)])[0] for name in ("SQLite FTS5", "tantivy")}
        for name in ["ga-search first run", *systems]:
            p50, p95, p99 = percentiles(samples[(name, kind)])
            table.add_row(
                name,
                kind,
                f"{p50:.2f}",
                f"{p95:.2f}",
                f"{p99:.2f}",
                f"{p50 / peers['SQLite FTS5']:.1f}",
                f"{p50 / peers['tantivy']:.1f}",
            )
        table.add_section()
    console.print(table)
    console.print(
        f"ga-search first run: each query once on a newly opened engine, caches filling as they go; its "
        f"very first query (decoding the level filter, the lengths and the facet columns) took {open_ms:.0f} ms. "
        "The other rows: warm, after one untimed run of each query."
    )
    same = sum(
        1 for a, b, c in zip(totals["ga-search"], totals["SQLite FTS5"], totals["tantivy"], strict=True) if a == b == c
    )
    console.print(
        f"totals equal in all three systems for {same} of {len(queries)} queries "
        "(ga-search also matches compound parts and exact substrings, so it may find more)."
    )


if __name__ == "__main__":
    main()
