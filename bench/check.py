"""What checking a draft costs (issue 26's targets: a 40-paragraph draft at p95 under 1 s, one
paragraph under 100 ms, on a million-clause index).

The index is bench/scale.py's for the size asked (SYNTHETIC clauses with real lengths; built if
missing, or reused). Each draft is composed from clauses of that corpus, read from its files:
`--agreed` of them verbatim, `--edited` with one word replaced, the rest new (their words
shuffled). The check runs in process through `SearchEngine.check`, as the service's `POST
/check` and `ga-search check` do; the first check after opening is reported apart (cold).

    python bench/check.py [--clauses 100000 1000000] [--drafts 20] [--paragraphs 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indexes import OUT  # noqa: E402
from bench.scale import build, index_folder  # noqa: E402
from bench.synthetic import corpus_folder  # noqa: E402
from indexer.model import Clause, Resolution  # noqa: E402
from indexer.readers import read_document  # noqa: E402
from search_api.engine import SearchEngine  # noqa: E402


def corpus_clauses(clauses: int, files: int = 400) -> list[str]:
    """Clause texts of the first `files` documents of the synthetic corpus."""
    paths = sorted(corpus_folder(OUT, clauses).glob("synthetic_*.txt"))[:files]
    return [clause.text for path in paths for clause in read_document(path).clauses if len(clause.text) > 20]


def compose(texts: list[str], rng: random.Random, paragraphs: int, agreed: int, edited: int) -> Resolution:
    """A draft of `paragraphs`: verbatim clauses, clauses with a word replaced, shuffled ones."""
    chosen = rng.sample(texts, paragraphs)
    body = []
    for index, text in enumerate(chosen):
        if index < agreed:
            body.append(text)
        elif index < agreed + edited:
            words = text.split()
            if len(words) > 3:
                words[len(words) // 2] = "replaced"
                body.append(" ".join(words))
            else:
                body.append(text + " replaced")
        else:
            words = list(text) if not text.isascii() else text.split()
            rng.shuffle(words)
            body.append(("" if not text.isascii() else " ").join(words))
    clauses = tuple(Clause(f"P{n}", "preambular", text) for n, text in enumerate(body, 1))
    return Resolution(None, "zh", "draft resolution", None, (), "", (), None, "\n".join(body), clauses, "bench")


def measure(clauses: int, drafts: int, paragraphs: int, seed: int) -> dict[str, Any]:
    build(clauses, reuse=True)
    engine = SearchEngine(index_folder(clauses))
    rng = random.Random(seed)
    texts = corpus_clauses(clauses)
    agreed, edited = paragraphs // 2, paragraphs // 4
    started = time.perf_counter()
    first = engine.check(compose(texts, rng, paragraphs, agreed, edited))
    cold_ms = (time.perf_counter() - started) * 1000
    whole: list[float] = []
    single: list[float] = []
    verdicts: dict[str, int] = {}
    for _ in range(drafts):
        draft = compose(texts, rng, paragraphs, agreed, edited)
        started = time.perf_counter()
        result = engine.check(draft)
        whole.append((time.perf_counter() - started) * 1000)
        for paragraph in result.paragraphs:
            verdicts[paragraph.verdict] = verdicts.get(paragraph.verdict, 0) + 1
        one = compose(texts, rng, 1, 0, 1)
        started = time.perf_counter()
        engine.check(one)
        single.append((time.perf_counter() - started) * 1000)
    del first

    def p95(values: list[float]) -> float:
        return round(sorted(values)[max(0, round(0.95 * len(values)) - 1)], 1)

    return {
        "clauses": clauses,
        "paragraphs": paragraphs,
        "drafts": drafts,
        "cold_ms": round(cold_ms, 1),
        "draft_p50_ms": round(statistics.median(whole), 1),
        "draft_p95_ms": p95(whole),
        "paragraph_p50_ms": round(statistics.median(single), 1),
        "paragraph_p95_ms": p95(single),
        "verdicts": verdicts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, nargs="+", default=[100_000])
    parser.add_argument("--drafts", type=int, default=20)
    parser.add_argument("--paragraphs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [measure(n, args.drafts, args.paragraphs, args.seed) for n in args.clauses]
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    head = ("clauses", "paragraphs", "drafts", "cold_ms", "draft_p50_ms", "draft_p95_ms", "paragraph_p50_ms",
            "paragraph_p95_ms", "verdicts")  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [f"{row[h]:,}" if isinstance(row[h], int) else str(row[h]) for h in head]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
