"""Replicas: two `ga-search serve` processes, each on its own copy of the index, behind HAProxy on
loopback. A new generation is published to one replica, then the other, under load: no request
fails and every answer comes from the old generation or the new one.

Needs Debian's `haproxy` (scripts/test installs it when it can)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bench.loadgen import free_port, serve
from indexer.storage.publish import publish
from indexer.writer import build_index
from tests.conftest import SEEDS

pytestmark = pytest.mark.e2e
HAPROXY = "/usr/sbin/haproxy"
QUERY = "/search?q=freedom&per_page=1&facets=language"  # English: only in the new generation


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:  # refused, reset: a failed request
        return 0, {}


@contextmanager
def _haproxy(backends: list[str], folder: Path) -> Iterator[str]:
    port = free_port()
    servers = "\n".join(
        f"    server replica{i} {base.removeprefix('http://')} check inter 200ms" for i, base in enumerate(backends)
    )
    config = folder / "haproxy.cfg"
    config.write_text(
        f"""global
    maxconn 256
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
frontend search
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /healthz
{servers}
""",
        "utf-8",
    )
    log = folder / "haproxy.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([HAPROXY, "-f", str(config), "-db"], stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while _get(base + "/healthz")[0] != 200:
            assert process.poll() is None, log.read_text("utf-8", "replace")
            assert time.monotonic() < deadline, "haproxy did not start answering"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_new_generation_rolls_out_replica_by_replica_under_load(tmp_path: Path) -> None:
    assert shutil.which(HAPROXY), f"{HAPROXY} is missing: apt-get install haproxy (scripts/test does)"
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    english = corpus / "udhr" / "eng.html"
    held_back = tmp_path / "eng.html"
    shutil.move(english, held_back)  # the first generation lacks the English declaration
    primary = tmp_path / "primary"
    build_index([corpus], primary, workers=1)
    replicas = [tmp_path / "replica-a", tmp_path / "replica-b"]
    for replica in replicas:
        publish(primary, replica)
    with ExitStack() as stack:
        bases = [stack.enter_context(serve(replica))[0] for replica in replicas]
        front = stack.enter_context(_haproxy(bases, tmp_path))
        old_total = _get(front + QUERY)[1]["total"]
        answers: list[tuple[int, object]] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                status, body = _get(front + QUERY)
                answers.append((status, body.get("total")))

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        shutil.move(held_back, english)
        build_index([corpus], primary, workers=1)  # the second generation
        new_total = _get_total_when_published(primary, replicas[0], bases[0], old_total)
        time.sleep(1)  # one replica new, the other old, both serving
        _get_total_when_published(primary, replicas[1], bases[1], old_total)
        deadline = time.monotonic() + 60  # enough answers under load, however slow the machine
        while len(answers) <= 50 and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        final = [_get(front + QUERY)[1]["total"] for _ in range(6)]
    assert old_total == 0 and new_total > 0
    assert len(answers) > 50
    assert {status for status, _ in answers} == {200}, [a for a in answers if a[0] != 200][:5]
    assert {total for _, total in answers} <= {old_total, new_total}
    assert {total for _, total in answers} == {old_total, new_total}  # both generations were served
    assert final == [new_total] * 6


def _get_total_when_published(primary: Path, replica: Path, base: str, old_total: object) -> int:
    """Publish to one replica and wait until its server answers from the new generation."""
    publish(primary, replica)
    deadline = time.monotonic() + 30
    while True:
        total = _get(base + QUERY)[1].get("total")
        if total != old_total:
            assert isinstance(total, int)
            return total
        assert time.monotonic() < deadline, "the replica did not pick up the published generation"
        time.sleep(0.1)
