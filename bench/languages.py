"""What the second analysis (stems in the clause's language, the `stems` field) costs.

On the real English texts of the shared corpus (the 80th session's resolutions and the decisions
of sessions 71 to 80, read in place), in one run:

- indexing: the same documents analysed and written with and without stems, in this one process
  (ga-search's reader, record builder and segment writer; runs alternated, `--runs` pairs),
  seconds and index size;
- queries: 40 unquoted English words, each evaluated on the stemmed index as the search does
  (the word and its stems in the five stemmed languages) and as a word alone (no stems), then
  through the whole search layer; warm p50/p95 in ms, `--repeat` times each.

    python bench/languages.py [--runs 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402

from bench.shared import SHARED_CORPUS, shared_file  # noqa: E402
from indexer import records  # noqa: E402
from indexer.corpus import discover  # noqa: E402
from indexer.schema import build_schema  # noqa: E402
from indexer.shards import index_file  # noqa: E402
from indexer.storage.index import INDEX_NAME  # noqa: E402
from indexer.storage.segment import FastSegmentWriter  # noqa: E402
from indexer.writer import build_index  # noqa: E402
from search_api.core.evaluate import Evaluator  # noqa: E402
from search_api.core.query import parse_query  # noqa: E402
from search_api.engine import SearchEngine  # noqa: E402
from search_api.models import SearchRequest  # noqa: E402

FOLDERS = ("railcar_ga_res_80_en", "mandate_pipeline_igov_ga_decisions_en")
STEMMED = records.STEMMED_LANGUAGES


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 2**20


def _build(files: list[Path], folder: Path, stems: bool) -> tuple[float, float]:
    """Index `files` in this process (the workers of `build_index` would not see the switch)."""
    records.STEMMED_LANGUAGES = STEMMED if stems else ()  # the record builder reads it per document
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    writer = FastSegmentWriter(whoosh_index.create_in(str(folder), build_schema(), INDEX_NAME))
    for path in files:
        index_file(str(path), "", {}, writer.add_document)
    writer.commit()
    elapsed = time.perf_counter() - started
    records.STEMMED_LANGUAGES = STEMMED
    return elapsed, _size_mb(folder)


def _words(engine: SearchEngine, count: int) -> list[str]:
    """English words of the corpus, of middling frequency (what people search)."""
    with engine._current() as searcher:
        reader = searcher.reader()
        found = [
            term.decode() if isinstance(term, bytes) else term
            for term, info in reader.iter_field("text")
            if 20 <= info.doc_frequency() <= 2000
        ]
    words = sorted(w for w in found if w.isalpha() and w.isascii() and len(w) > 4)
    return random.Random(7).sample(words, min(count, len(words)))


def _timed(function: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = [shared_file(SHARED_CORPUS / "raw" / folder) for folder in FOLDERS]
    work = Path(tempfile.mkdtemp(prefix="ga-bench-languages-"))
    files = discover(paths).documents
    builds: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(args.runs):
        for stems in (False, True):
            builds[stems].append(_build(files, work / f"index-{stems}", stems))
    print(f"{len(files)} English documents, {args.runs} builds each\n")
    print("| index | build s (median) | x | index MB |")
    print("|---|---|---|---|")
    base = statistics.median(t for t, _ in builds[False])
    for stems in (False, True):
        seconds = statistics.median(t for t, _ in builds[stems])
        label = "words + stems (today)" if stems else "words only"
        print(f"| {label} | {seconds:.1f} | {seconds / base:.2f} | {builds[stems][-1][1]:.1f} |")

    build_index(paths, work / "index", workers=2)  # with its manifest, for the search layer
    engine = SearchEngine(work / "index")
    engine.warm()
    words = _words(engine, 40)
    rows: dict[str, list[float]] = {"word alone": [], "word + stems": [], "search layer (word + stems)": []}
    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        for word in words:
            plain, stemmed = parse_query(word, languages=()), parse_query(word)
            for q in (plain, stemmed):  # warm the postings
                Evaluator(searcher, cache.postings, cache.spread).run(q)  # type: ignore[arg-type]
            rows["word alone"] += _timed(
                lambda q=plain: Evaluator(searcher, cache.postings, cache.spread).run(q), args.repeat
            )
            rows["word + stems"] += _timed(
                lambda q=stemmed: Evaluator(searcher, cache.postings, cache.spread).run(q), args.repeat
            )
    for word in words:
        engine.search(SearchRequest(q=word))
        rows["search layer (word + stems)"] += _timed(lambda w=word: engine.search(SearchRequest(q=w)), args.repeat)
    print(f"\n{len(words)} English words, warm, {args.repeat} runs each")
    print("| evaluation | p50 ms | p95 ms |")
    print("|---|---|---|")
    for name, times in rows.items():
        times.sort()
        print(f"| {name} | {statistics.median(times):.2f} | {times[int(len(times) * 0.95) - 1]:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
