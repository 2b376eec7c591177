"""MinHash's modulo of the Mersenne prime 2**61 - 1, the two ways, on a corpus's clauses: NumPy's
uint64 remainder (a division a value) against the shift-and-add form indexer/similarity.py uses.

The signatures of each document's clauses are computed as indexing computes them (one
`_signatures` call a document, its shingles hashed beforehand, untimed), the two ways alternated
for `--rounds` rounds; the table gives each way's CPU seconds (median and range) and the ratio.
A loop over one synthetic array is not the measure: there NumPy's allocations of fresh arrays
decide the figures (the shift-and-add form came out 2.5x slower in one such loop, 1.6x faster in
another). Run: `.venv/bin/python bench/similarity_mod.py [--corpus DIR] [--files N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import indexer.similarity as similarity  # noqa: E402
from indexer.errors import DocumentError  # noqa: E402
from indexer.readers import is_document, read_document  # noqa: E402


def _remainder(values: np.ndarray) -> None:
    np.remainder(values, similarity._MERSENNE_PRIME, out=values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds", help="documents to read (default: seeds/)")
    parser.add_argument("--files", type=int, default=1000, help="at most this many documents")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    documents = []
    for path in sorted(p for p in args.corpus.rglob("*") if p.is_file() and is_document(p))[: args.files]:
        try:
            documents.append([clause.text for clause in read_document(path).clauses])
        except DocumentError:
            continue
    digests = [similarity._texts_digests(texts) for texts in documents if texts]
    shingles = sum(d.size for texts in digests for d in texts)
    ways = {"remainder": _remainder, "shift-and-add": similarity._mod_mersenne}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for _ in range(args.rounds):
            for name, way in ways.items():
                similarity._mod_mersenne = way  # type: ignore[assignment]
                started = time.process_time()
                for texts in digests:
                    similarity._signatures(texts)
                seconds[name].append(time.process_time() - started)
    finally:
        similarity._mod_mersenne = ways["shift-and-add"]  # type: ignore[assignment]
    print(f"{len(digests)} documents, {shingles:,} shingles, {args.rounds} rounds alternated ({args.corpus})")
    print(f"{'modulo':>14} {'CPU s median':>13} {'range':>15} {'ns a shingle':>13}")
    for name, runs in seconds.items():
        median = statistics.median(runs)
        spread = f"{min(runs):.3f}-{max(runs):.3f}"
        print(f"{name:>14} {median:>13.3f} {spread:>15} {median / max(shingles, 1) * 1e9:>13.1f}")
    ratio = statistics.median(n / r for n, r in zip(seconds["shift-and-add"], seconds["remainder"], strict=True))
    print(f"shift-and-add / remainder: {ratio:.2f} (median of the rounds' ratios)")


if __name__ == "__main__":
    main()
