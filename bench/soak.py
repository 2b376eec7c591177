"""Soak: 16 concurrent clients for 5 minutes on loopback, memory sampled every 10 s.

Passes when no request failed and resident memory at the end is within 10 % of the first sample
taken after warm-up. Prints the samples and the verdict; exits 1 on failure.

    python bench/soak.py [--index bench/out/index-seeds] [--minutes 5] [--workers 1]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import ensure_seed_index, process_tree_rss_mb, run_load, serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Soak ga-search serve and watch its memory.")
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "out" / "index-seeds")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    ensure_seed_index(args.index)
    samples: list[tuple[float, float]] = []
    with serve(args.index, args.workers) as (base, process):
        run_load(base, args.clients, 10)  # warm-up: caches filled, jieba loaded in every worker
        done = threading.Event()

        def sample() -> None:
            started = time.monotonic()
            while not done.is_set():
                samples.append((time.monotonic() - started, process_tree_rss_mb(process.pid)))
                done.wait(10)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stats = run_load(base, args.clients, args.minutes * 60)
        done.set()
        sampler.join()
        samples.append((samples[-1][0] + 10, process_tree_rss_mb(process.pid)))
    first, last = samples[0][1], samples[-1][1]
    growth = (last - first) / first if first else 0.0
    for elapsed, rss in samples:
        print(f"{elapsed:6.0f} s  {rss:8.1f} MB")
    print(
        f"requests {stats.requests:,} in {stats.seconds:.0f} s ({stats.requests / stats.seconds:.1f}/s), "
        f"errors {stats.errors}, statuses {stats.statuses}, p95 {stats.percentile(0.95):.1f} ms"
    )
    print(f"memory {first:.1f} MB -> {last:.1f} MB ({growth:+.1%})")
    ok = stats.errors == 0 and growth <= 0.10
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
