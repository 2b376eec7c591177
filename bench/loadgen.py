"""Shared by load.py and soak.py: start `ga-search serve` on loopback, drive it with N clients.

Traffic goes only to 127.0.0.1 on a port chosen free here; every loop is bounded by a deadline
and by a maximum number of requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "集体安全条约组织",
    '"维持和平"',
    "联合国 合作",
    "session:73",
    "disarmament",
    '"general assembly"',
    "sponsor:Belarus",
    "请",
    "A/RES/59/50",
    "human rights",
    "决定",
    "security council",
    "气候变化",
    "decides to include",
    "秘书长 报告",
    "verb:欢迎",
]
PARAMS = [{}, {"level": "document"}, {"session": "80"}, {"sort": "date"}, {"type": "operative"}, {"per_page": "50"}]


def ensure_seed_index(index_dir: Path) -> Path:
    """The index the load scripts drive: the shipped seeds, built on first use or a new version."""
    from bench.indexes import ensure_index

    return ensure_index([ROOT / "seeds"], index_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(index_dir: Path, workers: int = 1, ready: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:  # type: ignore[type-arg]
    """`ga-search serve` on a free loopback port, once /healthz says it is ready (warm, not
    saturated), or with `ready` False once it answers at all: (base URL, process).
    Its log goes to a file (a pipe nobody reads would fill and stall the server); a server that
    does not answer within 90 s is an error that quotes the end of that log."""
    port = free_port()
    command = [sys.executable, "-m", "search_api.cli.main", "serve", "--index", str(index_dir)]
    command += ["--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_up(base, process, log, ready)
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen, log: IO[bytes], ready: bool) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except urllib.error.HTTPError:  # it answers: 503 while warming
            if not ready:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("ga-search serve was not ready within 90 s") from None
            time.sleep(0.05)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                log.seek(0)
                tail = log.read().decode("utf-8", "replace")[-2000:]
                raise RuntimeError(f"ga-search serve did not answer /healthz: {tail}") from None
            time.sleep(0.3)


@dataclass
class LoadStats:
    latencies_ms: list[float] = field(default_factory=list)  # as the client saw them
    app_ms: list[float] = field(default_factory=list)  # inside the service (Server-Timing `app`)
    engine_ms: list[float] = field(default_factory=list)  # the search itself (Server-Timing `engine`)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float, samples: list[float] | None = None) -> float:
        ordered = sorted(self.latencies_ms if samples is None else samples)
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0

    def add_timings(self, header: str) -> None:
        timings = dict(metric.strip().split(";dur=", 1) for metric in header.split(",") if ";dur=" in metric)
        if "app" in timings and "engine" in timings:
            self.app_ms.append(float(timings["app"]))
            self.engine_ms.append(float(timings["engine"]))


async def _client(base: str, deadline: float, limit: int, stats: LoadStats, rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < deadline and stats.requests + stats.errors < limit:
            params = {"q": rng.choice(QUERIES), **rng.choice(PARAMS)}
            started = time.perf_counter()
            try:
                response = await client.get("/search", params=params)
            except httpx.HTTPError:
                stats.errors += 1
                continue
            stats.latencies_ms.append((time.perf_counter() - started) * 1000)
            stats.add_timings(response.headers.get("server-timing", ""))
            stats.statuses[response.status_code] = stats.statuses.get(response.status_code, 0) + 1
            if response.status_code != 200:
                stats.errors += 1


def run_load(base: str, clients: int, seconds: float, limit: int = 2_000_000, seed: int = 1) -> LoadStats:
    """Drive `base` with `clients` concurrent connections for `seconds` (at most `limit` requests)."""
    stats = LoadStats()
    started = time.monotonic()
    deadline = started + seconds

    async def main() -> None:
        await asyncio.gather(*(_client(base, deadline, limit, stats, random.Random(seed + i)) for i in range(clients)))

    asyncio.run(main())
    stats.seconds = time.monotonic() - started
    return stats


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (uvicorn's workers, their helpers), from /proc."""
    found, pending = [], [pid]
    while pending:
        each = pending.pop()
        found.append(each)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{each}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return found


def process_tree_cpu_s(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, from /proc: each process's own resident
    pages, so pages they share (memory-mapped arrays, the page cache of the index) count once per
    process. `process_tree_pss_mb` counts them once."""
    return _sum_field(pid, "status", "VmRSS:")


def process_tree_pss_mb(pid: int) -> float:
    """Proportional memory of a process and its descendants: a page shared by N processes counts
    1/N in each, so the sum is the memory the service really holds."""
    return _sum_field(pid, "smaps_rollup", "Pss:")


def _sum_field(pid: int, file: str, label: str) -> float:
    total = 0
    for each in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/{file}").read_text().splitlines():
                if line.startswith(label):
                    total += int(line.split()[1])
                    break
    return total / 1024
