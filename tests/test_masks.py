"""Selecting by a mask through `np.compress` (search_api/core/masks.py) keeps what indexing does."""

from __future__ import annotations

import numpy as np
import pytest

from search_api.core.masks import kept, kept_pair


@pytest.mark.parametrize("share", [0.0, 0.01, 0.4, 0.99, 1.0])
def test_kept_is_boolean_indexing(share: float) -> None:
    rng = np.random.default_rng(7)
    values = np.sort(rng.integers(0, 2**40, 5_000))
    scores = rng.random(5_000)
    mask = rng.random(5_000) < share
    assert kept(values, mask).tolist() == values[mask].tolist()
    first, second = kept_pair(values, scores, mask)
    assert first.tolist() == values[mask].tolist() and second.tolist() == scores[mask].tolist()
    assert kept(values, mask).dtype == values.dtype
