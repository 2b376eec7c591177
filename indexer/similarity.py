"""Near-identical wording ("agreed language"): shingles, MinHash signatures, LSH band keys.

A text is reduced to units after the analyzer's normalisation (full-width to half-width,
traditional to simplified): each CJK character is a unit, each Latin word or number is a unit,
lowercased; punctuation and spacing are not units, so `，` against `,` or a PDF line break change
nothing. Shingles are `SHINGLE_SIZE` consecutive units, and the similarity of two texts is the
Jaccard index of their shingle sets: 1.0 is the same wording, and changing one character of a
Chinese clause removes at most `SHINGLE_SIZE` of its shingles.

Finding similar clauses among 100k without comparing them all: every clause record carries
`BANDS` band keys of a MinHash signature (datasketch, `BANDS * ROWS` permutations). Two clauses
share a given key when `ROWS` minimum hashes agree, which happens with probability `s ** ROWS` for
similarity `s`; so they share at least one key with probability `1 - (1 - s**ROWS) ** BANDS`:
0.93 at s = 0.5, 0.99 at 0.6, 0.42 at 0.3 and 0.15 at 0.2 for 20 bands of 3. Keys only propose
candidates; the exact Jaccard decides and ranks, from the shingles' 64-bit hashes kept in a
column (`shingles`), so checking a candidate reads neither its text nor normalises it again.

The keys are a column (`bands`, `BANDS` 32-bit keys a clause), not indexed terms: a lookup
compares the query's keys with every clause's, band by band, in one NumPy pass over the snapshot's
keys (search_api/core/docsets.py; about 1 ms on 100k clauses, linear in the clauses). As terms they
cost the index 20 postings and, keys being nearly all distinct, as many dictionary entries a
clause: 16 % of all postings and 163k terms on 100k clauses, which forced 12-bit keys (4,096 a
band) and so about N / 4,096 unrelated candidates a band. A 32-bit key collects an unrelated
clause once in 2**32.

A shingle's 64-bit hash is made from its units' hashes (each unit's SHA-1, its first 8 bytes,
computed once a process for each distinct unit): multiplied in turn, in order, then mixed by
MurmurHash3's finalizer. So indexing hashes every shingle of a resolution's clauses in a few array
operations over their units (`similarity_fields_batch`), with no string or SHA-1 a shingle (that
was a fifth of indexing's CPU), and a query hashes its shingles from their text the same way
(tests compare the two on the corpus). The hash is the `shingles` column's and, in its low 32 bits,
datasketch's MinHash input; the permutations of every shingle of every clause are one array
operation, equal to datasketch's `MinHash.update_batch` clause by clause given that hash (tested)
at a fraction of its per-call cost.

Why 4-unit shingles and a 0.5 threshold: measured on the shipped corpus (bench/precedents.py
prints the table), clauses of different resolutions that are not the same wording rarely pass 0.5
(shared boilerplate such as "requests the Secretary-General to submit to the General Assembly at
its ... session a report" alone scores 0.2-0.4), while a clause with its session number, a date
or a few words updated scores 0.6-0.9.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from analyzers import normalize_text
from analyzers.scripts import CJK_RANGES

if TYPE_CHECKING:
    from datasketch import MinHash

SHINGLE_SIZE = 4
BANDS = 20
ROWS = 3
KEY_BITS = 32
# "units": a shingle's hash made of its units' SHA-1s (above); "mix": band keys by multiply-xor;
# "col": the keys are a column.
SIMILARITY_VERSION = f"shingle{SHINGLE_SIZE}-units-minhash{BANDS}x{ROWS}-mix{KEY_BITS}-col"
KEY_DTYPE = np.dtype("<u4")  # a band key as stored in the `bands` column

_CJK = CJK_RANGES
# One unit a CJK character, one a run of other letters or digits (not running into CJK: `2010年`).
_UNIT = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_SEED = 20241129
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)  # datasketch's MinHash arithmetic
_SHIFT_61 = np.uint64(61)
_MAX_HASH = np.uint64((1 << 32) - 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: multiplying spreads low bits up
_MASK64 = (1 << 64) - 1
_FINAL = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))  # MurmurHash3's fmix64
_SHIFT = np.uint64(33)
# Shingles permuted in one array: 4,000 x 60 x 8 bytes = 1.9 MB stays in cache through the
# arithmetic's passes (the ten reports' DOCX: 11.6 ms against 12.9 with 20,000, 7 rounds).
BATCH_SHINGLES = 4_000
# Distinct units whose hashes a process keeps (a CJK character, a word or a number each: the
# whole GA record has a few hundred thousand); past it the memo starts again.
UNIT_MEMO = 1_000_000
_unit_hashes: dict[str, int] = {}


def units(text: str) -> list[str]:
    """The comparable units of `text`: CJK characters and Latin words, normalised and lowercased."""
    return _UNIT.findall(normalize_text(text).lower())


def shingles(text: str) -> frozenset[str]:
    """Shingles of `SHINGLE_SIZE` units; a text shorter than that is one shingle."""
    parts = units(text)
    if len(parts) <= SHINGLE_SIZE:
        return frozenset([" ".join(parts)]) if parts else frozenset()
    return frozenset(" ".join(parts[i : i + SHINGLE_SIZE]) for i in range(len(parts) - SHINGLE_SIZE + 1))


def _unit_hash(unit: str) -> int:
    return int.from_bytes(hashlib.sha1(unit.encode("utf-8")).digest()[:8], "little")


def _unit_hash_array(parts: list[str]) -> np.ndarray:
    """Each unit's hash (memoised: units repeat across clauses far more than shingles do)."""
    memo = _unit_hashes
    hashes = list(map(memo.get, parts))
    if None in hashes:
        if len(memo) > UNIT_MEMO:
            memo.clear()
        hashes = [memo.setdefault(u, _unit_hash(u)) if h is None else h for u, h in zip(parts, hashes, strict=True)]
    return np.array(hashes, dtype=np.uint64)


def _finalize(hashes: np.ndarray) -> np.ndarray:
    hashes = hashes ^ (hashes >> _SHIFT)
    hashes = hashes * _FINAL[0]
    hashes = hashes ^ (hashes >> _SHIFT)
    hashes = hashes * _FINAL[1]
    result: np.ndarray = hashes ^ (hashes >> _SHIFT)
    return result


def _combine(columns: list[np.ndarray]) -> np.ndarray:
    """The hash of each row of unit hashes given as columns, in order: multiplied in turn, then
    finalised (uint64 arithmetic wraps)."""
    hashes = columns[0] * _MIX
    for column in columns[1:]:
        hashes = (hashes ^ column) * _MIX
    return _finalize(hashes)


def _window_hashes(unit_hashes: np.ndarray, width: int) -> np.ndarray:
    """The hash of every run of `width` consecutive units."""
    count = len(unit_hashes) - width + 1
    return _combine([unit_hashes[offset : offset + count] for offset in range(width)])


def _shingle_digests(items: frozenset[str]) -> np.ndarray:
    """Each shingle's 64-bit hash (uint64), from its text: its units are its space-separated
    parts (a unit holds no space). What `_texts_digests` computes from a text's units; the
    shingles of one width (all but a short text's one) hashed at once."""
    split = [item.split(" ") for item in items]
    hashes = np.zeros(len(split), dtype=np.uint64)
    for width in {len(parts) for parts in split}:
        rows = [index for index, parts in enumerate(split) if len(parts) == width]
        table = _unit_hash_array([unit for index in rows for unit in split[index]]).reshape(len(rows), width)
        hashes[rows] = _combine(list(table.T))
    return hashes


def _texts_digests(texts: list[str]) -> list[np.ndarray]:
    """Each text's shingle hashes, sorted and distinct (`shingle_hashes` of its `shingles`),
    all texts' windows hashed in one pass over their units laid end to end."""
    unit_lists = [units(text) for text in texts]
    lengths = np.fromiter(map(len, unit_lists), dtype=np.int64, count=len(unit_lists))
    all_hashes = _unit_hash_array(list(chain.from_iterable(unit_lists)))
    starts = np.cumsum(lengths) - lengths
    windows = np.maximum(lengths - SHINGLE_SIZE + 1, 0)  # full shingles a text has
    window_starts = np.arange(windows.sum()) + np.repeat(starts - (np.cumsum(windows) - windows), windows)
    owners = np.repeat(np.arange(len(texts)), windows)
    hashes = _window_hashes(all_hashes, SHINGLE_SIZE)[window_starts] if len(window_starts) else window_starts
    short = np.flatnonzero((lengths > 0) & (lengths < SHINGLE_SIZE))  # one shingle of all its units
    if len(short):
        hashes = np.concatenate(
            [hashes.astype(np.uint64)]
            + [_window_hashes(all_hashes[starts[t] : starts[t] + lengths[t]], int(lengths[t])) for t in short]
        )
        owners = np.concatenate([owners, short])
    order = np.lexsort((hashes, owners))
    hashes, owners = hashes[order].astype(np.uint64), owners[order]
    distinct = np.ones(len(hashes), dtype=bool)
    distinct[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
    hashes, owners = hashes[distinct], owners[distinct]
    return np.split(hashes, np.cumsum(np.bincount(owners, minlength=len(texts)))[:-1])


def shingle_hashes(items: frozenset[str]) -> bytes:
    """The shingles as sorted 64-bit hashes, for the index's `shingles` column: the exact Jaccard
    of two clauses from these needs neither their texts nor their normalisation."""
    return np.unique(_shingle_digests(items)).tobytes()


def hashed_jaccard(a: bytes, b: bytes) -> float:
    """`jaccard` of two `shingle_hashes` values (equal up to a 2**-64 chance of a collision)."""
    if not a or not b:
        return 0.0
    left, right = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    common = np.intersect1d(left, right, assume_unique=True).size
    return common / (left.size + right.size - common)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b|; 0.0 when either is empty."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's MinHash permutations for `_SEED`: the draws its `MinHash._init_permutations`
    makes from NumPy's `RandomState`, made here once. Importing datasketch imports scipy (its
    `lsh` module: 0.4-0.8 s), which an indexing worker or a service's first precedents search
    would otherwise wait for; tests/test_agreed.py compares the two."""
    generator = np.random.RandomState(_SEED)
    drawn = [
        (generator.randint(1, _MERSENNE_PRIME, dtype=np.uint64), generator.randint(0, _MERSENNE_PRIME, dtype=np.uint64))
        for _ in range(BANDS * ROWS)
    ]
    a, b = np.array(drawn, dtype=np.uint64).T
    return a, b


def signature(items: frozenset[str]) -> MinHash:
    """The MinHash signature of a shingle set (`BANDS * ROWS` permutations, fixed seed), by
    datasketch itself: the reference `_signatures` is tested against (and bench/precedents.py's
    LSH baseline)."""
    from datasketch import MinHash

    def hash32(item: bytes) -> int:  # the low 32 bits of the shingle's hash, as `_signatures` takes
        return int(_shingle_digests(frozenset([item.decode("utf-8")]))[0]) & 0xFFFFFFFF

    minhash = MinHash(num_perm=BANDS * ROWS, seed=_SEED, hashfunc=hash32)
    minhash.update_batch([item.encode("utf-8") for item in items])
    return minhash


def _signatures(digests: list[np.ndarray]) -> np.ndarray:
    """The MinHash signatures of several shingle sets at once, one row each (empty sets give
    datasketch's empty value). Equal to `signature(items).hashvalues`: the same permutations
    and arithmetic (uint64, wrapping), over the shingles of many sets in one array operation
    (about `BATCH_SHINGLES` at a time, so a huge document does not take huge memory)."""
    a, b = _permutations()
    rows = np.full((len(digests), len(a)), _MAX_HASH, dtype=np.uint64)
    group: list[int] = []
    size = 0
    for index in [i for i, d in enumerate(digests) if d.size] + [-1]:
        if group and (index < 0 or size + digests[index].size > BATCH_SHINGLES):
            values = np.concatenate([digests[i] for i in group]) & _MAX_HASH
            # (values * a + b) % prime & max, in place: the temporaries took two thirds of the time.
            permuted = np.multiply.outer(values, a)
            permuted += b
            _mod_mersenne(permuted)
            permuted &= _MAX_HASH
            starts = np.cumsum([0] + [digests[i].size for i in group[:-1]])
            rows[group] = np.minimum.reduceat(permuted, starts, axis=0)
            group, size = [], 0
        if index >= 0:
            group.append(index)
            size += digests[index].size
    return rows


def _mod_mersenne(values: np.ndarray) -> None:
    """`values %= 2**61 - 1` in place, without a division: 2**61 is 1 modulo the prime, so a
    value is its top 3 bits plus its low 61, less the prime once if that reaches it. NumPy's
    uint64 remainder divides: `bench/similarity_mod.py` puts the signatures at 0.77 of their CPU
    on 1,000 synthetic documents (254 -> 195 ns a shingle), 0.75 on the reports."""
    high = values >> _SHIFT_61
    values &= _MERSENNE_PRIME
    values += high
    np.subtract(values, _MERSENNE_PRIME, out=values, where=values >= _MERSENNE_PRIME)


def _keys(rows: np.ndarray) -> np.ndarray:
    """`BANDS` keys per signature row: each band's `ROWS` values mixed into `KEY_BITS` bits."""
    bands = rows.reshape(len(rows), BANDS, ROWS)
    mixed = np.zeros(bands.shape[:2], dtype=np.uint64)
    for row in range(ROWS):  # xor each value in and multiply by an odd constant; keep the top bits
        mixed = (mixed ^ bands[:, :, row]) * _MIX
    return (mixed >> np.uint64(64 - KEY_BITS)).astype(KEY_DTYPE)


def band_keys(items: frozenset[str]) -> np.ndarray:
    """The LSH band keys of a shingle set, one per band (none for an empty set)."""
    if not items:
        return np.zeros(0, dtype=KEY_DTYPE)
    keys: np.ndarray = _keys(_signatures([_shingle_digests(items)]))[0]
    return keys


def similarity_fields_batch(texts: list[str]) -> list[dict[str, object]]:
    """`similarity_fields` of each text, the MinHash of all of them computed at once (a
    resolution's clauses: per-clause array operations cost more than the arithmetic)."""
    digests = _texts_digests(texts)
    keys = _keys(_signatures(digests))
    return [
        {"bands": k.tobytes(), "shingles": d.tobytes()} if d.size else {} for d, k in zip(digests, keys, strict=True)
    ]


def similarity_fields(text: str) -> dict[str, object]:
    """A clause record's `bands` (its band keys as bytes) and `shingles` columns; neither for a
    text without shingles (the columns' defaults: no key, no hash)."""
    return similarity_fields_batch([text])[0]
