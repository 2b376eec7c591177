"""Load: the running service driven from a second process on loopback, per index and worker count.

16 concurrent clients for 60 s each (bounded in count too); realistic queries and parameters. For
each index (the shipped seeds; SYNTHETIC 100k clauses, bench/synthetic.py) and each worker count
(1, 2): requests/s, the p50/p95 latency the clients saw, and beside it the service's own time
(`app`: from the request's arrival in the service to its answer) and the engine's (`engine`: the
search itself), both from the answers' Server-Timing header. The difference between client and
app is time queued and on the wire; between app and engine, waiting inside the service for a
thread, a search lane or the interpreter, plus the request's parsing and the JSON. "CPU ms/req"
is the service's CPU time per request (all its processes): what a request costs, queueing aside,
beside the engine's share of it. On this 2-core machine the load generator takes one core too.

    python bench/load.py [--clauses 100000] [--seconds 60] [--clients 16] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indexes import seed_index, synthetic_index  # noqa: E402
from bench.loadgen import process_tree_cpu_s, process_tree_pss_mb, run_load, serve  # noqa: E402


def prepare(index_dir: Path) -> Path:
    """Make the index's search arrays now (as `ga-search index` does), not during the load."""
    from search_api.engine import SearchEngine

    SearchEngine(index_dir, lanes=1).warm()
    return index_dir


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Requests/s and latency of ga-search serve per worker count.")
    parser.add_argument("--clauses", type=int, default=100_000, help="the synthetic index's size (0: seeds only)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    indexes = [prepare(seed_index())] + ([prepare(synthetic_index(args.clauses))] if args.clauses else [])
    table = Table(title=f"ga-search serve on loopback, {args.clients} clients, {args.seconds:.0f} s each")
    columns = ["index", "workers", "requests", "req/s", "p50 ms", "p95 ms", "app p50", "app p95"]
    columns += ["engine p50", "engine p95", "CPU ms/req", "PSS MB", "errors"]
    for column in columns:
        table.add_column(column, justify="right")
    for index_dir in indexes:
        for workers in args.workers:
            with serve(index_dir, workers) as (base, process):
                run_load(base, args.clients, 5)  # warm-up: each worker's dictionaries and first postings
                cpu = process_tree_cpu_s(process.pid)
                stats = run_load(base, args.clients, args.seconds)
                cpu = process_tree_cpu_s(process.pid) - cpu
                memory = process_tree_pss_mb(process.pid)
            table.add_row(
                index_dir.name,
                str(workers),
                f"{stats.requests:,}",
                f"{stats.requests / stats.seconds:,.1f}",
                f"{stats.percentile(0.5):.1f}",
                f"{stats.percentile(0.95):.1f}",
                f"{stats.percentile(0.5, stats.app_ms):.1f}",
                f"{stats.percentile(0.95, stats.app_ms):.1f}",
                f"{stats.percentile(0.5, stats.engine_ms):.1f}",
                f"{stats.percentile(0.95, stats.engine_ms):.1f}",
                f"{cpu * 1000 / max(stats.requests, 1):.1f}",
                f"{memory:,.0f}",
                str(stats.errors),
            )
    Console(width=max(Console().width, 220)).print(table)  # wide enough for the table in a log file


if __name__ == "__main__":
    main()
