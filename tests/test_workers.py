"""`ga-search serve --workers 2`: both worker processes answer, alike, from one copy of the search
arrays (memory-mapped files of the generation), keep-alive clients are spread over both, and
bench/load.py reports each worker count."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.loadgen import process_tree, process_tree_cpu_s, run_load, serve
from search_api.core.shared_arrays import SNAPSHOTS_FOLDER
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.e2e
QUERY = "/search?q=General+Assembly&facets=session,sponsor,verb&sort=date"


def _mapped_arrays(pid: int) -> set[str]:
    """The saved search arrays a process has mapped (file names)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {line.rsplit("/", 1)[1] for line in maps.splitlines() if f"/{SNAPSHOTS_FOLDER}/" in line}


def _listening_sockets(port: int) -> set[str]:
    """Inodes of the TCP sockets listening on `port` (/proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].rsplit(":", 1)[1] == f"{port:04X}" and fields[3] == "0A":  # 0A: LISTEN
                found.add(fields[9])
    return found


def _sockets_of(pid: int) -> set[str]:
    """The sockets a process holds. A descriptor may close between the listing and its reading (a
    client's connection, a file opened and closed by a warming worker): it is skipped."""
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.append(os.readlink(fd))
        except FileNotFoundError:
            continue
    return {link[len("socket:[") : -1] for link in links if link.startswith("socket:[")}


def test_two_workers_answer_alike_from_one_copy_of_the_arrays(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    command = [sys.executable, "-m", "search_api.cli.main", "index", str(SEEDS), "--index", str(index_dir)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # prepares the arrays
    with serve(index_dir, workers=2) as (base, process):
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: urllib.request.urlopen(base + QUERY, timeout=30).read(), range(40)))
        assert len({json.dumps({k: v for k, v in json.loads(a).items() if k != "took_ms"}) for a in answers}) == 1
        expected = {"codes-session.1.bin", "owner.0.bin", "shingles.0.bin"}
        deadline = time.monotonic() + 120
        while True:  # each worker warms its snapshot in the background: wait for what is asserted
            workers = [pid for pid in process_tree(process.pid)[1:] if expected <= _mapped_arrays(pid)]
            if len(workers) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(workers) == 2, "both workers should map the saved arrays"
        saved = {p.name for p in next((index_dir / SNAPSHOTS_FOLDER).iterdir()).glob("*.bin")}
        for pid in workers:  # mapped from the one set of files, not copies of their own
            assert expected <= _mapped_arrays(pid) <= saved
        # 16 keep-alive clients: each worker has its own socket (SO_REUSEPORT), so both get some
        # (with one shared socket, one worker had accepted all 16 connections).
        before = [process_tree_cpu_s(pid) for pid in workers]
        assert run_load(base, 16, 4).errors == 0
        used = [process_tree_cpu_s(pid) - start for pid, start in zip(workers, before, strict=True)]
        assert min(used) > 0.2 * max(used) > 0, used
        port = int(base.rsplit(":", 1)[1])
        listening = [_sockets_of(pid) & _listening_sockets(port) for pid in workers]
        assert all(len(own) == 1 for own in listening) and listening[0] != listening[1]  # a socket each


@pytest.mark.slow
def test_the_load_benchmark_reports_each_worker_count(tmp_path: Path) -> None:
    command = [sys.executable, "bench/load.py", "--clauses", "0", "--seconds", "2", "--clients", "2"]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    cells = [re.split("[│|]", line) for line in output.splitlines()]  # rich's box or ASCII
    rows = [row for row in cells if len(row) > 12 and "index-s" in row[1]]  # not "building index-seeds…"
    assert [row[2].strip() for row in rows] == ["1", "2"]
    for row in rows:  # requests, then engine p50 below app p50 below the client's, the CPU a request took
        requests, client, app, engine, cpu = (float(row[i].strip().replace(",", "")) for i in (3, 5, 7, 9, 11))
        assert requests > 0 and 0 < engine <= app <= client and cpu > 0


def test_a_port_in_use_is_a_clear_error_not_a_crash_loop(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", "index", str(SEEDS), "--index", str(index_dir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "search_api.cli.main", "serve", "--index", str(index_dir), "--port", str(port)]
        done = subprocess.run([*command, "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
