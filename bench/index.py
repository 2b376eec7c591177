"""Indexing throughput: the stock jieba analyzer, Whoosh fed pre-tokenised text, and ga-search.

For one corpus (the shipped seeds, the real files of ../shared/corpus/raw, or the SYNTHETIC corpus
of bench/synthetic.py), each configuration runs in its own process, one after another in one run,
and reports documents/s, chars/s (characters of clause text read), index size and peak memory
(RSS). On the real files (c) reads PDF, DOCX, HTML and JSON too, which the others are spared:

  (a) stock `jieba.analyse.ChineseAnalyzer` in a plain Whoosh writer, one record per clause;
  (b) Whoosh fed pre-tokenised text (jieba tokens joined by spaces, cut beforehand and not timed):
      what Whoosh alone does on one core, the ceiling of any single-process analyzer;
  (c) `ga-search index` (parsing, both levels, word and character fields) with 1 and 2 workers;
  (d) (b)'s job, the same one-field records, done by ga-search's word chain (from the raw text),
      field and writer, in 1 and 2 processes: the same work as (b), for comparison with (c);
  (e) the peers, SQLite FTS5 and tantivy (one thread), fed the clauses cut by ga-search's word
      analyzer (query mode: the words, no parts), the cutting timed with them.

CPU s counts every process of a configuration (its workers too), for the timed part only; chars
per CPU-second is the issue-28 measure. `--before DIR` also runs (c) with 1 worker from another
checkout (this script's code, that checkout's engine), in the same run.

    python bench/index.py --corpus seeds
    python bench/index.py --corpus shared --configs ga-1,fts5,tantivy [--before /tmp/before]
    python bench/index.py --corpus synthetic --clauses 100000 [--before /tmp/before]
    python bench/index.py --corpus synthetic --configs stock,pretokenised,ga-1,ga-2 --rounds 3

With `--rounds N` the configurations run in turn N times and the table gives medians; "x (b)" is
the median of each round's ratio to (b) in that round, with its range.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _clause_texts(corpus: Path) -> list[str]:
    from indexer.corpus import discover
    from indexer.errors import DocumentError
    from indexer.readers import read_document

    texts: list[str] = []
    for path in discover([corpus]).documents:
        try:
            texts.extend(clause.text for clause in read_document(path).clauses)
        except DocumentError:
            continue
    return texts


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_config(config: str, corpus: Path, out: Path) -> dict[str, float]:
    """Runs inside a child process; returns seconds, CPU seconds and the measure of work done."""
    texts = _clause_texts(corpus)
    cpu = _cpu_seconds()
    result = _run_config(config, corpus, out, texts)
    result["cpu"] = _cpu_seconds() - cpu
    return result


def _run_config(config: str, corpus: Path, out: Path, texts: list[str]) -> dict[str, float]:
    from whoosh import fields
    from whoosh import index as whoosh_index

    chars = sum(len(t) for t in texts)
    if config in ("fts5", "tantivy"):
        return _peer_config(config, texts, chars, out)
    if config in ("stock", "pretokenised"):
        from whoosh.analysis import SpaceSeparatedTokenizer

        if config == "stock":
            from jieba.analyse import ChineseAnalyzer

            analyzer, values = ChineseAnalyzer(), texts
        else:
            import jieba

            analyzer, values = SpaceSeparatedTokenizer(), [" ".join(jieba.cut(t)) for t in texts]
        schema = fields.Schema(text=fields.TEXT(analyzer=analyzer))
        ix = whoosh_index.create_in(str(out), schema)
        started = time.perf_counter()
        writer = ix.writer()
        for value in values:
            writer.add_document(text=value)
        writer.commit()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "chars": chars, "records": len(values), "postings": _postings(out)}
    if config.startswith("words-"):
        return _words_config(int(config.split("-")[1]), texts, chars, out)
    from indexer.writer import build_index

    workers = int(config.split("-")[1])
    started = time.perf_counter()
    report = build_index([corpus], out, workers=workers, rebuild=True)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "chars": chars,
        "records": report.clauses,
        "documents": report.documents,
        "postings": _postings(out),
    }


def _peer_config(config: str, texts: list[str], chars: int, out: Path) -> dict[str, float]:
    """(e): the words cut by ga-search's analyzer, indexed by SQLite FTS5 or tantivy."""
    from analyzers import word_analyzer

    started = time.perf_counter()
    analyzer = word_analyzer()
    rows = [" ".join(t.text for t in analyzer(text, mode="query")) for text in texts]
    if config == "fts5":
        import sqlite3

        db = sqlite3.connect(str(out / "fts5.db"))
        db.execute("CREATE VIRTUAL TABLE clauses USING fts5(body, tokenize = \"unicode61 tokenchars '/()-.'\")")
        db.executemany("INSERT INTO clauses(body) VALUES (?)", ((row,) for row in rows))
        db.commit()
        db.close()
    else:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", tokenizer_name="whitespace")
        index = tantivy.Index(builder.build(), path=str(out))
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for row in rows:
            writer.add_document(tantivy.Document(body=row))
        writer.commit()
        writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    # Postings: one per distinct word per record, as the other rows count them.
    postings = sum(len(set(row.split())) for row in rows)
    return {"seconds": seconds, "chars": chars, "records": len(rows), "postings": postings}


def _index_words(job: tuple[list[str], str]) -> None:
    """One process of (d): its share of the clauses, ga-search's word chain, field and writer."""
    from whoosh import fields
    from whoosh import index as whoosh_index

    from analyzers import word_analyzer
    from indexer.formats import PackedText
    from indexer.storage.segment import FastSegmentWriter

    texts, directory = job
    Path(directory).mkdir()
    ix = whoosh_index.create_in(directory, fields.Schema(text=PackedText(analyzer=word_analyzer())))
    writer = FastSegmentWriter(ix)
    for text in texts:
        writer.add_document(text=text)
    writer.commit()


def _words_config(processes: int, texts: list[str], chars: int, out: Path) -> dict[str, float]:
    """(d): (b)'s job (one record per clause, one word field) done by ga-search's analysis and
    writer in `processes` spawned processes, each writing its own index of its share: the same
    work as (b), analysis and process start-up included."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(texts[i::processes], str(out / f"part-{i}")) for i in range(processes)]
    started = time.perf_counter()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_index_words, jobs))
    seconds = time.perf_counter() - started
    postings = sum(_postings(Path(directory)) for _, directory in jobs)
    return {"seconds": seconds, "chars": chars, "records": len(texts), "postings": postings}


def _postings(index_dir: Path) -> int:
    """Postings in the built index (one per term per record): the work a writer does."""
    from whoosh import index as whoosh_index

    from indexer.storage.index import INDEX_NAME

    ours = whoosh_index.exists_in(str(index_dir), INDEX_NAME)
    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME) if ours else whoosh_index.open_dir(str(index_dir))
    with ix.reader() as reader:
        return sum(reader.doc_frequency(fieldname, term) for fieldname, term in reader.all_terms())


def measure(config: str, corpus: Path, engine_root: Path = ROOT) -> dict[str, float]:
    """One configuration in a child process; `engine_root` the checkout whose engine it runs."""
    out = Path(tempfile.mkdtemp(prefix=f"bench-index-{config}-"))
    call = f"bench_index.run_config({config!r}, Path({str(corpus)!r}), Path({str(out)!r}))"
    code = (
        f"import importlib.util, json, sys; sys.path.insert(0, {str(engine_root)!r}); "
        f"spec = importlib.util.spec_from_file_location('bench_index', {str(Path(__file__).resolve())!r}); "
        "bench_index = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench_index); "
        # The script puts its own checkout first on the path: the engine's goes before it again.
        f"sys.path.insert(0, {str(engine_root)!r}); "
        f"from pathlib import Path; print(json.dumps({call}))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=engine_root)
    _, _status, usage = os.wait4(process.pid, 0)
    result = json.loads(process.stdout.read().decode().strip().splitlines()[-1])  # type: ignore[union-attr]
    result["peak_mb"] = usage.ru_maxrss / 1024
    result["size_mb"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(out, ignore_errors=True)
    return result


def _median_row(results: list[dict[str, float]]) -> dict[str, float]:
    """One configuration's rounds: the median of each measure (the work done is the same in each)."""
    return {key: statistics.median(result[key] for result in results) for key in results[0]}


def _ratios(runs: dict[str, list[dict[str, float]]]) -> dict[str, list[float]]:
    """Each configuration's speed over (b)'s, round by round: (b)'s seconds / its seconds."""
    ceiling = runs.get("pretokenised")
    if not ceiling:
        return {}
    return {
        config: [b["seconds"] / result["seconds"] for b, result in zip(ceiling, results, strict=True)]
        for config, results in runs.items()
    }


def _ratio_cell(ratios: list[float] | None) -> str:
    """The median ratio, and its range when there were several rounds."""
    if not ratios:
        return "-"
    median = f"{statistics.median(ratios):.2f}"
    return median if len(ratios) == 1 else f"{median} ({min(ratios):.2f}-{max(ratios):.2f})"


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Indexing throughput against the stock analyzer and raw Whoosh.")
    parser.add_argument("--corpus", choices=["seeds", "shared", "synthetic"], default="seeds")
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--configs", default="stock,pretokenised,ga-1,ga-2,words-1,words-2,fts5,tantivy")
    parser.add_argument("--before", type=Path, help="another checkout: its engine's (c) with 1 worker too")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every configuration this many times, in turn; print medians"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.corpus == "seeds":
        corpus = ROOT / "seeds"
    elif args.corpus == "shared":
        from bench.shared import SHARED_CORPUS, shared_file

        corpus = shared_file(SHARED_CORPUS / "raw")
    else:
        from bench.synthetic import corpus_folder, generate

        corpus = corpus_folder(ROOT / "bench" / "out", args.clauses)
        if not corpus.exists():
            generate(corpus, args.clauses)
    configs = list(dict.fromkeys(args.configs.split(",")))
    runs: dict[str, list[dict[str, float]]] = {config: [] for config in configs}
    if args.before:
        runs["ga-1-before"] = []
    # In turn, round after round: the machine drifts within a run, and each round meets the same drift.
    for _ in range(args.rounds):
        for config in configs:
            runs[config].append(measure(config, corpus))
        if args.before:
            runs["ga-1-before"].append(measure("ga-1", corpus, args.before.resolve()))
    rows = {config: _median_row(results) for config, results in runs.items()}
    ratios = _ratios(runs)
    names = {
        "stock": "(a) stock ChineseAnalyzer, Whoosh writer",
        "pretokenised": "(b) Whoosh, pre-tokenised text",
        "ga-1": "(c) ga-search index, 1 worker",
        "ga-2": "(c) ga-search index, 2 workers",
        "words-1": "(d) (b)'s records, ga-search analysis + writer, 1 process",
        "words-2": "(d) (b)'s records, ga-search analysis + writer, 2 processes",
        "fts5": "(e) SQLite FTS5, fed ga-search's words",
        "tantivy": "(e) tantivy, 1 thread, fed ga-search's words",
        "ga-1-before": f"(c) ga-search index, 1 worker, {args.before}",
    }
    label = {"synthetic": "SYNTHETIC corpus", "shared": "shared corpus's real files", "seeds": "shipped seeds"}
    rounds = f", medians of {args.rounds} rounds" if args.rounds > 1 else ""
    chars = next(iter(rows.values()))["chars"]
    table = Table(title=f"Indexing the {label[args.corpus]}: {chars:,.0f} chars of clause text{rounds}")
    columns = ("configuration", "records", "docs/s", "chars/s", "CPU s", "chars/CPU-s", "x (b)", "postings/s")
    for column in (*columns, "index MB", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "configuration" else "right")
    for config, row in rows.items():
        documents = row.get("documents", row["records"])
        table.add_row(
            names.get(config, config),
            f"{row['records']:,.0f}",
            f"{documents / row['seconds']:,.0f}",
            f"{row['chars'] / row['seconds']:,.0f}",
            f"{row['cpu']:.1f}",
            f"{row['chars'] / row['cpu']:,.0f}",
            _ratio_cell(ratios.get(config)),
            f"{row['postings'] / row['seconds']:,.0f}",
            f"{row['size_mb']:.1f}",
            f"{row['peak_mb']:.0f}",
        )
    Console(width=max(Console().width, 170)).print(table)  # wide enough for the table in a log file
    print(
        "(a) and (b) index one record per clause with one field; (c) also parses every file and writes a "
        "document record, a character bigram field and MinHash band keys and shingle hashes (columns) for each, so "
        "it writes more postings per character: postings/s compares the writers' work. (d) does (b)'s job "
        "(the same records, one word field) with ga-search's analysis (from raw text, not pre-cut) and writer."
    )


if __name__ == "__main__":
    main()
