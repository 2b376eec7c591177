"""Load: the running service driven from a second process on loopback, 1 and 2 workers.

16 concurrent clients for 60 s each (bounded in count too); realistic queries and parameters.
Prints requests/s, p50/p95/p99 latency and errors for each worker count.

    python bench/load.py [--index bench/out/index-seeds] [--seconds 60] [--clients 16]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import ensure_seed_index, run_load, serve  # noqa: E402


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Requests/s and latency of ga-search serve, 1 and 2 workers.")
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "out" / "index-seeds")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    ensure_seed_index(args.index)
    table = Table(
        title=f"ga-search serve on loopback, {args.clients} clients, {args.seconds:.0f} s each, index {args.index.name}"
    )
    for column in ("workers", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(column, justify="right")
    for workers in (1, 2):
        with serve(args.index, workers) as (base, _):
            run_load(base, args.clients, 3)  # warm-up
            stats = run_load(base, args.clients, args.seconds)
        table.add_row(
            str(workers),
            f"{stats.requests:,}",
            f"{stats.requests / stats.seconds:,.1f}",
            f"{stats.percentile(0.5):.1f}",
            f"{stats.percentile(0.95):.1f}",
            f"{stats.percentile(0.99):.1f}",
            str(stats.errors),
        )
    Console(width=max(Console().width, 140)).print(table)  # wide enough for the table in a log file


if __name__ == "__main__":
    main()
