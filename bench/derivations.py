"""Derivational partners (`destroy` / `destruction`) as a lower-ranked expansion: P@5 and nDCG@10
of today's ranking without them and with them at a few weights, on a judged set of English queries.

The corpus is real: the 55 adopted resolutions of the 80th session and the 941 decisions of
sessions 71 to 80 (English, ../shared/corpus, read in place). The queries are what a researcher
types with a verb where the clauses use its noun, or the reverse; each query's pool (the top 10
under every weight compared) was judged by hand, a clause being relevant when it is about what
the query names (bench/derivation_judgments.json).

    python bench/derivations.py            # the table
    python bench/derivations.py --pool     # the pooled clauses to judge, for a new query
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_api.core.query as query_module
from bench.indexes import OUT, ensure_index
from bench.shared import SHARED_CORPUS, shared_file
from search_api.engine import SearchEngine
from search_api.models import SearchRequest

JUDGMENTS = Path(__file__).resolve().parent / "derivation_judgments.json"
WEIGHTS = (0.0, 0.1, 0.3, 0.6, 1.0)  # 0.0: without the expansion (the ranking before it)


def english_index() -> Path:
    raw = SHARED_CORPUS / "raw"
    folders = [shared_file(raw / "railcar_ga_res_80_en"), shared_file(raw / "mandate_pipeline_igov_ga_decisions_en")]
    return ensure_index(folders, OUT / "index-english")


def top(engine: SearchEngine, query: str, weight: float, k: int = 10) -> list[tuple[str, str]]:
    return search(engine, query, weight, k)[0]


def search(engine: SearchEngine, query: str, weight: float, k: int = 10) -> tuple[list[tuple[str, str]], str]:
    query_module.DERIVATION_BOOST = weight if weight > 0 else 1e-9
    original = query_module.partners
    if weight == 0:
        query_module.partners = lambda language, word: ()  # type: ignore[assignment]
    try:
        result = engine.search(SearchRequest(q=query, per_page=k, facets=(), language=("en",)))
    finally:
        query_module.partners = original
    return [(f"{h.doc_id}#{h.clause.number}", h.clause.text) for h in result.hits if h.clause], result.match


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", action="store_true", help="print each query's pool to judge")
    args = parser.parse_args()
    engine = SearchEngine(english_index())
    judged = json.loads(JUDGMENTS.read_text("utf-8"))["queries"]
    if args.pool:
        for query in judged:
            pool = {key: text for weight in WEIGHTS for key, text in top(engine, query, weight)}
            print(f"## {query}")
            for key, text in sorted(pool.items()):
                print(f"{key}\t{text[:200]}")
        return
    print("| weight | P@5 | nDCG@10 | queries with a hit in the top 5 | answered with every word (not partial) |")
    print("|---|---|---|---|---|")
    for weight in WEIGHTS:
        p5 = nd = 0.0
        found = whole = 0
        for query, relevant in judged.items():
            hits, match = search(engine, query, weight)
            ranked = [key for key, _ in hits]
            whole += match == "all"
            p5 += sum(key in relevant for key in ranked[:5]) / 5
            nd += ndcg(ranked, set(relevant))
            found += any(key in relevant for key in ranked[:5])
        n = len(judged)
        label = "without (before)" if weight == 0 else f"{weight}"
        print(f"| {label} | {p5 / n:.3f} | {nd / n:.3f} | {found}/{n} | {whole}/{n} |")


if __name__ == "__main__":
    main()
