"""`fetch` against hostile answers (issue 29, items 2, 3, 6, 9, 15): every body is bounded in size
and time, redirects stay on the ODS host, no network fails at once, a zip bomb is judged by its
declared sizes. The server is tests/ods_imitation.py on loopback."""

from __future__ import annotations

import io
import socket
import zipfile
from collections.abc import Iterator

import pytest

from indexer.fetch.ods import MAX_INFLATED_DOCX, OdsClient, incomplete
from tests.ods_imitation import OdsImitation, serve
from tests.test_fetch import _close_clients, client_for  # noqa: F401 - its fixture closes the clients

SYMBOL = "A/RES/73/8"
PDF = b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"


@pytest.fixture
def ods() -> Iterator[OdsImitation]:
    imitation = OdsImitation()
    imitation.add(SYMBOL, "en", "pdf", PDF)
    with serve(imitation) as served:
        yield served


def client(url: str, waits: list[float], deadline: float = 120.0) -> OdsClient:
    return client_for(url, waits, retries=2, deadline=deadline)


@pytest.mark.parametrize("fault", ["huge", "endless"])
def test_a_body_over_the_document_limit_is_refused_at_once(ods: OdsImitation, fault: str) -> None:
    ods.fault(SYMBOL, fault)
    waits: list[float] = []
    answer = client(ods.url, waits).fetch(SYMBOL, "en", "pdf")
    assert answer.status == "failed" and "document limit" in answer.reason, answer
    assert waits == [] and answer.data == b""  # not retried, nothing kept


def test_a_trickled_body_meets_the_wall_clock_deadline(ods: OdsImitation) -> None:
    ods.fault(SYMBOL, "trickle", "trickle", "trickle")
    waits: list[float] = []
    answer = client(ods.url, waits, deadline=0.4).fetch(SYMBOL, "en", "pdf")
    assert answer.status == "failed" and "took over 0.4 s" in answer.reason, answer


@pytest.mark.parametrize("fault", ["offsite", "ftp"])
def test_redirects_leave_the_ods_host_never(ods: OdsImitation, fault: str) -> None:
    ods.fault(SYMBOL, fault)
    waits: list[float] = []
    answer = client(ods.url, waits).fetch(SYMBOL, "en", "pdf")
    assert answer.status == "failed" and "off the ODS host" in answer.reason, answer
    assert waits == [] and ods.requests_for("/api/symbol/access") == 1


def test_no_connection_fails_at_once_without_retries() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    answer = client(f"http://127.0.0.1:{port}", waits).fetch(SYMBOL, "en", "pdf")
    assert answer.status == "failed" and "cannot connect" in answer.reason
    assert waits == [] and answer.requests == 1  # at once: no retry, no backoff


def test_a_zip_bomb_is_refused_by_its_declared_sizes_without_inflating_it(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(MAX_INFLATED_DOCX // len(block) + 1):
                member.write(block)
    data = buffer.getvalue()
    assert len(data) < MAX_INFLATED_DOCX // 100
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(getattr(name, "filename", name))  # type: ignore[arg-type]
        return original(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    problem = incomplete(data, "docx")
    assert problem is not None and "declare" in problem
    assert opened == []  # no member was inflated, the zeros least of all
