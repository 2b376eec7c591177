"""Selecting by a boolean mask, the way that is fast in NumPy.

`values[mask]` on a 1-D array costs NumPy 2.4 about 4 ns an element when the mask is neither
sparse nor dense (a branch an element it cannot predict): 4.9 ms for 1.3M keys a third kept, a
phrase of two common words' merge. `np.compress` (or the kept indexes, taken) does the same in
0.9 ms, and about as fast at either end. Every selection on a search's path over lists that can
be long goes through here."""

from __future__ import annotations

import numpy as np


def kept(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`values[mask]`, for a 1-D boolean `mask` as long as `values`."""
    return np.compress(mask, values)


def kept_pair(first: np.ndarray, second: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`first[mask], second[mask]`: the kept indexes found once, then taken from each."""
    indexes = np.flatnonzero(mask)
    return first[indexes], second[indexes]
