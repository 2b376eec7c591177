"""The light build of the segmenter (pure-Python jieba's `cut` on the memory-mapped dictionary, used
until a process has cut `LIGHT_CHARACTERS`) cuts every CJK run of the test corpus as `rjieba` does,
and `cut` hands over from one to the other without a difference."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers import segmenter
from analyzers.word_tokens import word_tokens
from tests.test_word_tokens import EDGE_CASES, _stored_texts


def _runs_cut(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CJK runs the word chain hands the segmenter for `texts` (after its normalisation)."""
    runs: list[str] = []

    def record(run: str) -> list[str]:
        runs.append(run)
        return segmenter._rust_jieba().cut(run, True)

    with monkeypatch.context() as patch:
        patch.setattr(segmenter, "cut", record)
        for text in texts:
            word_tokens(text)
    return list(dict.fromkeys(runs))


def test_the_light_build_cuts_every_run_of_the_corpus_as_rjieba(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _runs_cut(_stored_texts(seed_index) + EDGE_CASES, monkeypatch)
    assert sum(map(len, runs)) > 1_000
    rust = segmenter._rust_jieba()
    differing = [run for run in runs if segmenter.cut_light(run) != rust.cut(run, True)]
    assert not differing, differing[:5]


def test_cut_stays_light_until_its_budget_then_builds_rjieba(monkeypatch: pytest.MonkeyPatch) -> None:
    cutter = segmenter._Cutter()
    monkeypatch.setattr(segmenter, "_CUTTER", cutter)
    monkeypatch.setattr(segmenter, "LIGHT_CHARACTERS", 12)
    built: list[bool] = []
    rust = segmenter._rust_jieba()
    monkeypatch.setattr(segmenter, "_rust_jieba", lambda: built.append(True) or rust)
    assert segmenter.cut("维持和平行动") == rust.cut("维持和平行动", True)
    assert segmenter.cut("联合国大会") == rust.cut("联合国大会", True)
    assert not built and cutter.light_characters == 11
    assert segmenter.cut("维持和平") == ["维持和平"]  # 15 characters: past the budget
    assert built == [True] and cutter.rust is rust and cutter.light_characters == 11
    segmenter.warm_up()  # what the indexer and the service do first
    assert segmenter._CUTTER.rust is rust


def test_jieba_is_imported_without_pkg_resources() -> None:
    """jieba reads its own files by path when `pkg_resources` is absent: the Python build loads its
    whole dictionary that way, and `pkg_resources` (0.17 s) is not imported for it."""
    import subprocess
    import sys

    probe = (
        "import sys; from analyzers import segmenter; t = segmenter._python_jieba(); "
        "print(len(t.FREQ) > 300_000, segmenter.cut_light('维持和平'), 'pkg_resources' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "['维持和平']", "False"]


@pytest.mark.needs_shared
def test_the_light_build_cuts_the_un_parallel_corpus_as_rjieba(
    shared_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4,000 sentences of UN documents in Chinese (the UN Parallel Corpus test set)."""
    lines = (shared_corpus / "raw" / "unpc_v1_testsets_anmt" / "UNv1.0.testset.zh").read_text("utf-8").splitlines()
    runs = _runs_cut(lines, monkeypatch)
    assert sum(map(len, runs)) > 100_000
    rust = segmenter._rust_jieba()
    differing = [run for run in runs if segmenter.cut_light(run) != rust.cut(run, True)]
    assert not differing, differing[:5]
