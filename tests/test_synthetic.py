"""The SYNTHETIC corpus of the benchmarks looks like the real one: its clause lengths follow the
real clauses' (bench/synthetic.py), and every file says it is synthetic."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic import QUANTILES, generate, quantiles, real_lengths, synthetic_lengths


def test_synthetic_clause_lengths_follow_the_real_ones(tmp_path: Path) -> None:
    documents, clauses = generate(tmp_path, 3000)
    assert clauses >= 3000 and documents > 50
    written = synthetic_lengths(tmp_path)
    real, sources = real_lengths()
    assert "seeds/zh_draft_73" in sources
    for q, ours, theirs in zip(QUANTILES, quantiles(written), quantiles(real), strict=True):
        # Within a third of the real quantile (or 10 characters for the shortest): the same shape.
        assert abs(ours - theirs) <= max(10, theirs // 3), (q, ours, theirs)
    assert 0.8 < (sum(written) / len(written)) / (sum(real) / len(real)) < 1.25
    for path in sorted(tmp_path.glob("synthetic_*.txt"))[:20]:
        text = path.read_text("utf-8")
        assert text.startswith("---") and "synthetic: true" in text.split("---")[1] and "合成文本" in text
