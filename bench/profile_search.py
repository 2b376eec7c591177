"""Where a search's time goes, in process: the queries bench/scale.py sends over HTTP, run through
the engine on an index that scale.py built, with each kind's first run after the warm-up (median
and slowest of its queries; the terms earlier runs saved are removed first, unless
`--keep-saved`), p50/p95 and a profile of one kind.

    python bench/profile_search.py --clauses 1000000 [--kind words] [--repeat 3] [--top 25] [--index DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.datastructures import QueryParams  # noqa: E402

from bench.scale import KINDS, forget_saved_terms, index_folder, scale_requests  # noqa: E402
from search_api.engine import SearchEngine  # noqa: E402
from search_api.http.allocator import keep_freed_arrays  # noqa: E402
from search_api.params import SEARCH_PARAMS, parse_params, search_request  # noqa: E402


def run_url(engine: SearchEngine, url: str) -> None:
    """One request as the service would run it (search URLs; precedents of a clause)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.path.endswith("/precedents"):
        symbol, number = urllib.parse.unquote(parsed.path).removeprefix("/clauses/").rsplit("/", 2)[:2]
        engine.clause_precedents(symbol, number)
        return
    engine.search(search_request(parse_params(QueryParams(parsed.query), SEARCH_PARAMS)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=KINDS, default="words", help="the kind to profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--index", type=Path, help="an index built elsewhere (default: the one scale.py built)")
    parser.add_argument(
        "--keep-saved", action="store_true", help="map the terms earlier runs saved instead of decoding them"
    )
    args = parser.parse_args()
    index_dir = args.index or index_folder(args.clauses)
    keep_freed_arrays()  # as each of the service's workers does (search_api/http/app.py)
    if not args.keep_saved:
        print(f"saved terms removed: {forget_saved_terms(index_dir)}")
    engine = SearchEngine(index_dir)
    started = time.perf_counter()
    engine.warm()
    print(f"warm-up: {time.perf_counter() - started:.2f} s")
    with engine._current() as searcher:
        document = searcher.document(level="document")["doc_id"]
    urls = scale_requests("", urllib.parse.quote(document, safe="/:"))
    print("| kind | first ms: median | slowest | p50 ms | p95 ms |\n|---|---|---|---|---|")
    for kind in KINDS:
        first, samples = [], []
        for url in urls[kind]:
            began = time.perf_counter()
            run_url(engine, url)
            first.append((time.perf_counter() - began) * 1000)
            for _ in range(args.repeat):
                began = time.perf_counter()
                run_url(engine, url)
                samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        cells = [statistics.median(first), max(first), statistics.median(samples), p95]
        print(f"| {kind} | " + " | ".join(f"{cell:.1f}" for cell in cells) + " |")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.repeat):
        for url in urls[args.kind]:
            run_url(engine, url)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
