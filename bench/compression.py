"""The service's gzip level: CPU a response against its size, on the answers bench/load.py asks for.

Every search of the load's query mix (bench/loadgen.py) on the seeds index, answered as JSON and
compressed at each zlib level as the service's GZip middleware does (one stream a response): the
compressed size as a share of the JSON's, and CPU a response (the best of 5 passes).
`search_api/http/app.py` `GZIP_LEVEL` is the level chosen from this table.

    python bench/compression.py
"""

from __future__ import annotations

import itertools
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indexes import seed_index  # noqa: E402
from bench.loadgen import PARAMS, QUERIES  # noqa: E402
from search_api.http.app import GZIP_LEVEL  # noqa: E402


def answers() -> list[bytes]:
    from starlette.datastructures import QueryParams

    from search_api.engine import SearchEngine
    from search_api.http.responses import JSON
    from search_api.params import SEARCH_PARAMS, parse_params, search_request

    engine = SearchEngine(seed_index())
    bodies = []
    for query, params in itertools.product(QUERIES, PARAMS):
        values = parse_params(QueryParams(urlencode({"q": query, **params})), SEARCH_PARAMS)
        bodies.append(bytes(JSON(engine.search(search_request(values)).to_dict()).body))
    return bodies


def compressed(bodies: list[bytes], level: int) -> int:
    size = 0
    for body in bodies:
        stream = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        size += len(stream.compress(body) + stream.flush())
    return size


def main() -> None:
    bodies = answers()
    raw = sum(map(len, bodies))
    print(f"{len(bodies)} answers, {raw // len(bodies):,} bytes of JSON each on average; chosen: {GZIP_LEVEL}\n")
    print("| level | size / JSON | CPU us a response |\n|---|---|---|")
    for level in (1, 3, 4, 5, 6, 9):
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            size = compressed(bodies, level)
            best = min(best, time.process_time() - started)
        print(f"| {level} | {size / raw:.3f} | {best / len(bodies) * 1e6:.0f} |")


if __name__ == "__main__":
    main()
