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
service's PSS 902-904 MB without and 932-937 with (limit 1.2 GB).

One arena for all threads, too: a search runs in a pool thread, and glibc gives each thread an
arena of 64 MB heaps, where a thresholds' promise does not hold. Once cached arrays made in a thread
filled its heap, every 1 MB temporary took a new heap, given back on free (256 page faults each):
a clause's precedents at 1M clauses, twenty such temporaries, went from 10.5 to 23 ms once the other
kinds of search had run (bench/scale.py), and back to 10.5 with one arena; PSS 705 -> 653 MB,
the seeds under load unchanged (1.7 ms of CPU a request). The GIL serialises the threads' Python
anyway. Not glibc (musl, macOS): nothing is changed."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 32 * 2**20
TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES
log = logging.getLogger("ga_search.allocator")


def keep_freed_arrays() -> bool:
    """Set glibc's thresholds and arenas for this process (each worker calls it, before its threads
    start); True if they were set."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        gnu_get_libc_version = libc.gnu_get_libc_version  # glibc only: musl has no such function
    except (OSError, AttributeError, TypeError):
        return False
    gnu_get_libc_version.restype = ctypes.c_char_p
    done = (
        bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
        and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
        and bool(mallopt(M_ARENA_MAX, 1))
    )
    if not done:
        log.warning("glibc %s refused the heap's thresholds", gnu_get_libc_version().decode())
    return done
