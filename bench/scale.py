"""How ga-search's costs grow with the corpus: build, size, memory, warm-up and latency through the
service, for SYNTHETIC corpora of several sizes (bench/synthetic.py: real clause lengths).

For each size: the corpus is generated (if missing) and indexed from scratch with both cores
(`build_s`, which includes preparing the search arrays; `index_mb` of Whoosh's files, `arrays_mb`
of the saved search arrays; `index_peak_rss_mb` of the indexing process and its workers); then
`ga-search serve --workers N` starts on it and the run records the first query's time after start
(`first_query_ms`: sent the moment it answers, beside its warm-up), the time until the background
warm-up is done (`warmup_s`: until /healthz says `warm`), each query's first time after it
(`first_median_ms`, `first_max_ms` by kind), the service's memory after the queries
(`serve_rss_mb`: the resident pages of its processes, shared ones counted in each;
`serve_pss_mb`: shared pages counted once) and the warm p95 of each kind of query over HTTP
(`p95_ms`: words, phrase, filtered, faceted, document level, precedents of a clause).

`--reuse` serves an index an earlier run built (its build figures are kept in `build.json` beside
it) instead of building it again: the service side can be measured again after a change there.

    python bench/scale.py [--clauses 100000 300000 1000000] [--repeat 3] [--workers 1] [--reuse] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indexes import OUT  # noqa: E402
from bench.loadgen import process_tree_pss_mb, process_tree_rss_mb, serve  # noqa: E402
from bench.query import BenchQuery, make_queries  # noqa: E402
from bench.synthetic import corpus_folder, generate  # noqa: E402
from indexer.storage.index import SNAPSHOTS_FOLDER  # noqa: E402
from search_api.core.shared_arrays import TERM_PREFIX  # noqa: E402

KINDS = ("words", "phrase", "filtered", "faceted", "document", "precedents")


BUILD_RECORD = "build.json"


def index_folder(clauses: int) -> Path:
    return OUT / f"index-scale-{corpus_folder(OUT, clauses).name}"


def build(clauses: int, reuse: bool) -> dict[str, float]:
    """Generate (if needed) and index a corpus of `clauses` clauses, in a child process; with
    `reuse`, an index an earlier run built, and its figures."""
    corpus = corpus_folder(OUT, clauses)
    index_dir = index_folder(clauses)
    if reuse and (index_dir / BUILD_RECORD).exists():
        return json.loads((index_dir / BUILD_RECORD).read_text())  # type: ignore[no-any-return]
    if not corpus.exists():
        generate(corpus, clauses)
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "search_api.cli.main", "index", str(corpus), "--index", str(index_dir)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    # ru_maxrss of the children: the largest of the indexing process and its workers (KiB).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file()) / 2**20
    arrays = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file() and p.parent != index_dir) / 2**20
    figures = {
        "build_s": round(seconds, 1),
        "index_mb": round(size, 1),
        "arrays_mb": round(arrays, 1),
        "index_peak_rss_mb": round(peak),
    }
    (index_dir / BUILD_RECORD).write_text(json.dumps(figures))
    return figures


def _url(base: str, query: BenchQuery | None, kind: str, document: str) -> str:
    if kind == "precedents":
        return f"{base}/clauses/{document}/1/precedents"
    assert query is not None
    params: list[tuple[str, str]] = [("q", query.text), ("per_page", "20")]
    if query.session:
        params += [("session", str(s)) for s in range(query.session[0], query.session[1] + 1)]
    if query.sponsor:
        params.append(("sponsor", query.sponsor))
    if kind == "faceted":  # the others count the default facets, as the page asks
        params.append(("facets", "session,sponsor,agenda,verb"))
    if kind == "document":
        params.append(("level", "document"))
    return f"{base}/search?{urllib.parse.urlencode(params)}"


def _timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _first_document(base: str) -> str:
    with urllib.request.urlopen(f"{base}/search?q=&per_page=1&level=document&facets=", timeout=120) as response:
        hit = json.loads(response.read())["hits"][0]
    return urllib.parse.quote(hit["doc_id"], safe="/:")


def bench_queries() -> dict[str, list[BenchQuery | None]]:
    """The queries of each kind (bench/query.py's, and for the document level its word queries)."""
    queries = make_queries(random.Random(5), ["中国", "法国", "巴西", "肯尼亚", "印度", "德国"])
    by_kind: dict[str, list[BenchQuery | None]] = {kind: [q for q in queries if q.kind == kind] for kind in KINDS[:4]}
    by_kind["document"] = by_kind["words"][:8]
    by_kind["precedents"] = [None] * 5
    return by_kind


def scale_requests(base: str, document: str) -> dict[str, list[str]]:
    """The URLs of each kind, as the run sends them (`document`: the resolution for precedents)."""
    return {kind: [_url(base, query, kind, document) for query in queries] for kind, queries in bench_queries().items()}


def _wait_warm(base: str, seconds: float = 300) -> None:
    """Until /healthz says the warm-up of the latest commit has ended."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=30) as response:
                if json.loads(response.read()).get("warm"):
                    return
        except urllib.error.HTTPError:  # 503 while warming
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the service was not warm after {seconds} s")


def forget_saved_terms(index_dir: Path) -> int:
    """Remove the decoded postings earlier runs' queries saved (search_api/core/shared_arrays.py
    `shared_term`), so that a reused index's first queries decode as a new index's do."""
    saved = list(index_dir.glob(f"{SNAPSHOTS_FOLDER}/*/{TERM_PREFIX}*"))
    for path in saved:
        path.unlink()
    return len(saved)


def measure_service(clauses: int, repeat: int, workers: int) -> dict[str, Any]:
    index_dir = index_folder(clauses)
    forget_saved_terms(index_dir)
    by_kind = bench_queries()
    started = time.perf_counter()
    with serve(index_dir, workers, ready=False) as (base, process):
        up = time.perf_counter()
        # The moment the service answers, beside its warm-up: a query none of the later ones sends.
        first_query_ms = _timed_get(_url(base, by_kind["words"][-1], "words", ""))
        _wait_warm(base)
        warmup_s = time.perf_counter() - up
        document = _first_document(base)
        p95: dict[str, float] = {}
        first: dict[str, list[float]] = {}
        for kind in KINDS:
            samples = []
            first[kind] = []
            for query in by_kind[kind] if kind != "words" else by_kind[kind][:-1]:
                url = _url(base, query, kind, document)
                first[kind].append(_timed_get(url))  # this query's first time: its postings decoded
                samples += [_timed_get(url) for _ in range(repeat)]
            samples.sort()
            p95[kind] = round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1)
        rss, pss = process_tree_rss_mb(process.pid), process_tree_pss_mb(process.pid)
    return {
        "workers": workers,
        "start_s": round(up - started, 1),
        "first_query_ms": round(first_query_ms, 1),
        "warmup_s": round(warmup_s, 1),
        "serve_rss_mb": round(rss),
        "serve_pss_mb": round(pss),
        "p95_ms": p95,
        # Each query's first time after the warm-up, by kind (the document level's queries are
        # the words queries again, so their postings are decoded already).
        "first_median_ms": {kind: round(statistics.median(times), 1) for kind, times in first.items()},
        "first_max_ms": {kind: round(max(times), 1) for kind, times in first.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="ga-search serve --workers")
    parser.add_argument("--reuse", action="store_true", help="serve the index an earlier run built")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for clauses in args.clauses:
        row: dict[str, Any] = {"clauses": clauses, **build(clauses, args.reuse)}
        row.update(measure_service(clauses, args.repeat, args.workers))
        rows.append(row)
        if not args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    head = ["clauses", "workers", "build_s", "index_mb", "arrays_mb", "index_peak_rss_mb", "serve_rss_mb"]
    head += ["serve_pss_mb", "start_s", "warmup_s", "first_query_ms"]
    head += [f"p95 {kind}" for kind in KINDS]
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [row.get(name, "") for name in head[: -len(KINDS)]] + [row["p95_ms"][kind] for kind in KINDS]
        print("| " + " | ".join(f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in cells) + " |")
    print(f"\nmedian of the p95s: {statistics.median(v for r in rows for v in r['p95_ms'].values()):.1f} ms")
    print("\nEach query's first time after the warm-up, ms (median / slowest of the kind's queries)")
    print("\n| clauses | " + " | ".join(KINDS) + " |")
    print("|" + "---|" * (len(KINDS) + 1))
    for row in rows:
        cells = [f"{row['first_median_ms'][kind]} / {row['first_max_ms'][kind]}" for kind in KINDS]
        print(f"| {row['clauses']:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
