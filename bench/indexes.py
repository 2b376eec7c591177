"""The indexes the benchmarks run on, built on first use and rebuilt when this code's schema or
analyzer version differs from the one they were built with."""

from __future__ import annotations

from pathlib import Path

from bench.shared import ROOT
from bench.synthetic import corpus_folder, generate
from indexer.errors import IndexError_
from indexer.manifest import check_manifest
from indexer.writer import build_index

OUT = ROOT / "bench" / "out"


def ensure_index(paths: list[Path], index_dir: Path) -> Path:
    """`index_dir`, an up-to-date index of `paths` (built with both cores if it is not)."""
    try:
        check_manifest(index_dir)
    except IndexError_ as reason:
        print(f"building {index_dir.name} ({reason})…", flush=True)
        build_index(paths, index_dir, workers=2, rebuild=True)
    return index_dir


def seed_index() -> Path:
    """The shipped seeds (real documents)."""
    return ensure_index([ROOT / "seeds"], OUT / "index-seeds")


def synthetic_index(clauses: int) -> Path:
    """The SYNTHETIC corpus of `clauses` clauses, generated first if missing."""
    corpus = corpus_folder(OUT, clauses)
    if not corpus.exists():
        generate(corpus, clauses)
    return ensure_index([corpus], OUT / f"index-{corpus.name}")
