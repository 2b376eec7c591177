"""Analyzer throughput: jieba `cut` alone, the stock jieba ChineseAnalyzer, and ga-search's chain.

Text: the Chinese side of the UN Parallel Corpus v1.0 test set (4,000 real UN sentences, 2015),
with the corpus's word-separating spaces removed, as real running text. Prints chars/s (median
of 5 rounds, every pipeline once a round) for each, alone and through a writer (one record per
sentence, in RAM, committed), and how often rjieba and jieba agree. Two writer paths, each run
with both analyzers: Whoosh's `TEXT` field and `SegmentWriter` as a new user would plug them,
and the field type and writer ga-search indexes with (packed positions, indexer/formats.py;
indexer/segment.py). A last row feeds Whoosh's writer words cut beforehand, split on spaces:
the stock writer's ceiling, what no analyzer can beat through it.

    python bench/analyzer.py [--runs 5] [--limit-chars 200000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jieba
from jieba.analyse import ChineseAnalyzer
from rich.console import Console
from rich.table import Table
from whoosh import fields
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.filedb.filestore import RamStorage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers import char_analyzer, segmenter, word_analyzer  # noqa: E402
from bench.shared import UNPC, shared_file  # noqa: E402
from indexer.formats import PackedText  # noqa: E402
from indexer.storage.segment import FastSegmentWriter  # noqa: E402

UNPC_TESTSET = UNPC / "UNv1.0.testset.zh"
_CJK_SPACE = re.compile(
    r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])\s+|\s+(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])"
)


def real_sentences(limit_chars: int) -> list[str]:
    sentences, total = [], 0
    for line in shared_file(UNPC_TESTSET).read_text("utf-8").splitlines():
        sentence = _CJK_SPACE.sub("", line.strip())
        if sentence:
            sentences.append(sentence)
            total += len(sentence)
        if total >= limit_chars:
            break
    return sentences


def interleaved_rates(pipelines: list[tuple[str, Callable[[], object]]], chars: int, runs: int) -> list[float]:
    """chars/s of each pipeline, median of `runs` rounds; each round runs every pipeline once, so
    a slow spell of this shared machine hits them all alike instead of one of them."""
    times: list[list[float]] = [[] for _ in pipelines]
    for _ in range(runs):
        for index, (_, function) in enumerate(pipelines):
            started = time.perf_counter()
            function()
            times[index].append(time.perf_counter() - started)
    return [chars / statistics.median(spent) for spent in times]


def through_writer(
    analyzer: object, sentences: list[str], field_class: type = fields.TEXT, fast_writer: bool = False
) -> Callable[[], None]:
    """Index every sentence as a record of one text field, in RAM, and commit."""

    def run() -> None:
        schema = fields.Schema(text=field_class(analyzer=analyzer))
        ix = RamStorage().create_index(schema)
        writer = FastSegmentWriter(ix) if fast_writer else ix.writer()
        for sentence in sentences:
            writer.add_document(text=sentence)
        writer.commit()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit-chars", type=int, default=200_000)
    args = parser.parse_args()
    sentences = real_sentences(args.limit_chars)
    chars = sum(len(s) for s in sentences)
    jieba.setLogLevel(60)
    jieba.initialize()
    segmenter.warm_up()
    stock, ours, bigrams = ChineseAnalyzer(), word_analyzer(), char_analyzer()
    # The stock writer's ceiling: words cut beforehand (not timed), only split on spaces.
    pre_cut = [" ".join(jieba.cut(s)) for s in sentences]

    def consume(analyzer: Callable[..., object]) -> Callable[[], None]:
        return lambda: [sum(1 for _ in analyzer(s)) for s in sentences]

    pipelines: list[tuple[str, Callable[[], object]]] = [
        ("jieba.cut alone (pure Python)", lambda: [list(jieba.cut(s)) for s in sentences]),
        ("rjieba cut alone (Rust)", lambda: [segmenter.cut(s) for s in sentences]),
        ("stock jieba ChineseAnalyzer", consume(stock)),
        ("ga-search word chain (index mode)", consume(ours)),
        ("ga-search char/bigram chain", consume(bigrams)),
        ("stock ChineseAnalyzer + Whoosh writer", through_writer(stock, sentences)),
        ("ga-search word chain + Whoosh writer", through_writer(ours, sentences)),
        ("stock ChineseAnalyzer + ga-search field and writer", through_writer(stock, sentences, PackedText, True)),
        ("ga-search word chain + ga-search field and writer", through_writer(ours, sentences, PackedText, True)),
        ("pre-cut words (no analysis) + Whoosh writer", through_writer(SpaceSeparatedTokenizer(), pre_cut)),
    ]
    rates = interleaved_rates(pipelines, chars, args.runs)
    rows = [(name, rate) for (name, _), rate in zip(pipelines, rates, strict=True)]
    baseline = rows[0][1]
    same_path = {0: 2, 1: 2, 2: 2, 3: 2, 4: 2, 5: 5, 6: 5, 7: 7, 8: 7, 9: 5}  # row -> its stock row
    table = Table(
        title=f"Analyzer throughput on {len(sentences):,} UNPC sentences ({chars:,} chars), "
        f"median of {args.runs} interleaved rounds"
    )
    for column in ("pipeline", "chars/s", "x jieba.cut", "x stock (same path)", "x stock + Whoosh writer"):
        table.add_column(column, justify="right" if column != "pipeline" else "left")
    for index, (name, rate) in enumerate(rows):
        through = f"{rate / rows[5][1]:.2f}" if index >= 5 else ""
        table.add_row(
            name, f"{rate:,.0f}", f"{rate / baseline:.2f}", f"{rate / rows[same_path[index]][1]:.2f}", through
        )
    console = Console(width=max(Console().width, 140))  # wide enough for the table in a log file
    console.print(table)

    agree = sum(1 for s in sentences if segmenter.cut(s) == segmenter.cut_python(s))
    console.print(
        f"rjieba and jieba (same dictionary and UN user words) give identical tokens on "
        f"{agree:,} of {len(sentences):,} sentences ({agree / len(sentences):.2%})."
    )
    sample = "集体安全条约组织秘书处同联合国难民事务高级专员公署"
    console.print(f"user dictionary taken by rjieba: {segmenter.cut(sample)}")


if __name__ == "__main__":
    main()
