"""The service's heap: glibc's malloc told to keep freed arrays for the next search.

A search allocates and frees NumPy arrays of 1-30 MB (a common word's postings, its scores, the
order of its hits). glibc gives an allocation above its mmap threshold (128 KB at start) to the
kernel and back on free, so each one pays page faults for fresh zeroed pages; it raises the
threshold after such a free, but only to the size freed, so how a search runs depends on which
searches came before it in the process. When the warm-up's helper (search_api/core/preparing.py) spared
the first phrases their large decodings, a word search's p95 at 1M clauses over HTTP
(bench/scale.py, one worker) went from 16.9-17.9 ms to 20.4-21.8 (five runs), and a common word's
first run in process from about 40 to 58-65 ms. With the thresholds fixed from the start at glibc's
own ceiling (32 MB) and the trim threshold it pairs with it (64 MB): p95 17.3-19.1 ms (eight runs),
the first run 43-46 ms; a phrase's p95 was 45.5-49.8 ms without and 46.6-56.2 with, and the
service's PSS 902-904 MB without and 932-937 with (limit 1.2 GB). Not glibc (musl, macOS):
nothing is changed."""

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
