"""Length normalisation on a judged set: which BM25F `B` ranks the clauses a person wants first.

The corpus is real: the Chinese sentences of the UN Parallel Corpus test and development sets
(8,000 sentences of 2015 UN documents: resolution paragraphs, letters, headings, bare names), one
clause each, from ../shared/corpus (read in place). The queries are what a researcher types (two
or three words); each query's pool (the top 10 under every `B` compared) was judged by hand:
a clause is relevant when it says something about what the query names, not when it is a bare
heading, name or list item that merely contains the words (bench/ranking_judgments.json).

    python bench/ranking.py            # the table: P@5, nDCG@10 and the top hit's length per B
    python bench/ranking.py --pool     # the pooled clauses to judge, for a new query
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.indexes import OUT, ensure_index
from bench.shared import UNPC, shared_file
from search_api.core.ranking import TEXT_B, weighting
from search_api.engine import SearchEngine
from search_api.models import SearchRequest

JUDGMENTS = Path(__file__).resolve().parent / "ranking_judgments.json"
BS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
_CJK_GAP = re.compile(r"(?<=[^A-Za-z0-9]) (?=[^A-Za-z0-9])|(?<=[\u4e00-\u9fff]) | (?=[\u4e00-\u9fff])")


def unpc_index() -> Path:
    """The UNPC sentences (the corpus's word-segmented Chinese, its spaces removed), 40 a file."""
    corpus = OUT / "unpc"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        sentences = []
        for name in ("UNv1.0.testset.zh", "UNv1.0.devset.zh-og"):
            lines = shared_file(UNPC / name).read_text("utf-8").splitlines()
            sentences += [_CJK_GAP.sub("", line).strip() for line in lines]
        sentences = [s for s in sentences if s]
        for start in range(0, len(sentences), 40):
            body = "\n\n".join(f"{n}. {s}" for n, s in enumerate(sentences[start : start + 40], start=1))
            (corpus / f"unpc-{start:05d}.txt").write_text(f"大会，\n\n{body}\n", "utf-8")
    return ensure_index([corpus], OUT / "index-unpc")


def top(engine: SearchEngine, query: str, k: int = 10) -> list[tuple[str, str]]:
    result = engine.search(SearchRequest(q=query, per_page=k, facets=()))
    return [(f"{h.doc_id}#{h.clause.number}", h.clause.text) for h in result.hits if h.clause]


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", action="store_true", help="print each query's pooled clauses to judge")
    args = parser.parse_args()
    index = unpc_index()
    engines = {b: SearchEngine(index, weighting(b)) for b in BS}
    judged = json.loads(JUDGMENTS.read_text("utf-8"))
    if args.pool:
        for query in judged["queries"]:
            pool = {key: text for b in BS for key, text in top(engines[b], query)}
            print(f"\n## {query}")
            for key, text in sorted(pool.items()):
                print(f"{key}\t{len(text)}\t{text[:90]}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"BM25F length normalisation of the word field on {len(judged['queries'])} judged queries "
        f"(UNPC, 8,000 real sentences); in use: B = {TEXT_B}"
    )
    for column in ("B", "P@5", "nDCG@10", "bare lines in the top 5", "median length of the top hit"):
        table.add_column(column, justify="right")
    for b in BS:
        precision, gains, bare, lengths = [], [], 0, []
        for query, relevant_keys in judged["queries"].items():
            relevant = set(relevant_keys)
            ranked = top(engines[b], query)
            keys = [key for key, _ in ranked]
            precision.append(sum(key in relevant for key in keys[:5]) / 5)
            gains.append(ndcg(keys, relevant))
            bare += sum(1 for _, text in ranked[:5] if len(text) < 15)
            if ranked:
                lengths.append(len(ranked[0][1]))
        lengths.sort()
        table.add_row(
            f"{b:.2f}",
            f"{sum(precision) / len(precision):.3f}",
            f"{sum(gains) / len(gains):.3f}",
            str(bare),
            str(lengths[len(lengths) // 2]) if lengths else "-",
        )
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
