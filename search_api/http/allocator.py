"""The service's heap: glibc's malloc told to keep freed arrays for the next search.

A search allocates and frees NumPy arrays of 1-30 MB (a common word's postings, the scores, the
order of its hits). glibc hands an allocation above its mmap threshold (128 KB at start) straight to
the kernel and back on free, so each search pays page faults for fresh zeroed pages; it raises the
threshold after such a free, but only to the size freed, so how warm a search runs depends on which
searches came before it. At 1M clauses (bench/scale.py, one worker) a word search's p95 went from
17.4-17.9 ms to 20.4-21.2 ms when the warm-up's positions (search_api/preparing.py) spared the first
phrases the large allocations that had raised the threshold; fixed as below it was 17.8 ms with and
17.7 ms without, and resident memory stayed under the engine's bound (PSS 937 MB against 904-959).
The values are glibc's own dynamic ceiling (32 MB) and its trim threshold at that ceiling (64 MB),
set from the start. Not glibc (musl, macOS): nothing is changed."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 * 2**20
TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES
log = logging.getLogger("ga_search.allocator")


def keep_freed_arrays() -> bool:
    """Set glibc's thresholds for this process (each worker calls it); True if they were set."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        gnu_get_libc_version = libc.gnu_get_libc_version  # glibc only: musl has no such function
    except (OSError, AttributeError, TypeError):
        return False
    gnu_get_libc_version.restype = ctypes.c_char_p
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
    if not done:
        log.warning("glibc %s refused the heap's thresholds", gnu_get_libc_version().decode())
    return done
