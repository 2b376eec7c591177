"""An adopted resolution whose text names no sponsors takes those of the draft it names (indexer/drafts.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from indexer.readers import read_document
from indexer.structure import parse_text
from indexer.writer import build_index
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.conftest import SEED_TEXT

DRAFT = "A/73/L.999"  # a symbol the test gives the seed draft (its text prints none)


def adopted_text() -> str:
    """A resolution composed by the test in the form of an adopted resolution's Chinese header
    (session, agenda item, adoption line, origin line, number and title), its clauses the seed
    draft's. Not a real document: the test's own text in the real form."""
    seed = parse_text(SEED_TEXT.read_text("utf-8"), SEED_TEXT)
    header = [
        "第七十三届会议",
        "议程项目128(t)",
        "2018年11月16日大会决议",
        f"[未经发交主要委员会而通过({DRAFT}和Add.1)]",
        f"73/999. {seed.title}",
        "大会，",
    ]
    clauses = [c.text if c.type == "preambular" else f"{c.number}. {c.text}" for c in seed.clauses]
    return "\n".join(header + clauses) + "\n"


def write_draft(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_TEXT, folder / "draft.txt")
    (folder / "draft.meta.json").write_text(json.dumps({"symbol": DRAFT, "kind": "draft resolution"}), "utf-8")


def test_the_adopted_header_gives_session_date_origin_and_title(tmp_path: Path) -> None:
    path = tmp_path / "resolution.txt"
    path.write_text(adopted_text(), "utf-8")
    resolution = read_document(path)
    assert resolution.symbol == "A/RES/73/999" and resolution.session == 73
    assert resolution.date is not None and resolution.date.isoformat() == "2018-11-16"
    assert resolution.origin == (DRAFT, f"{DRAFT}/Add.1")
    assert resolution.title == "联合国同集体安全条约组织的合作" and resolution.sponsors == ()


def test_a_resolution_takes_its_drafts_sponsors_whichever_is_indexed_first(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "resolution.txt").write_text(adopted_text(), "utf-8")
    build_index([corpus], index, workers=1)
    assert SearchEngine(index).document("zh:A/RES/73/999").sponsors == []  # no draft yet
    write_draft(corpus / "drafts")
    report = build_index([corpus], index, workers=1)
    assert not report.failed
    engine = SearchEngine(index)
    resolution = engine.document("zh:A/RES/73/999")
    assert resolution.sponsors == ["Belarus", "Kazakhstan"] and resolution.sponsors_from == DRAFT
    hits = engine.search(SearchRequest(q="集体安全条约组织", sponsor=("Belarus",), kind=("resolution",)))
    assert {hit.symbol for hit in hits.hits} == {"A/RES/73/999"} and hits.hits[0].sponsors_from == DRAFT
    shutil.rmtree(corpus / "drafts")  # the draft leaves the index: so do its sponsors
    build_index([corpus], index, workers=1, prune=True)
    resolution = SearchEngine(index).document("zh:A/RES/73/999")
    assert resolution.sponsors == [] and resolution.sponsors_from is None


def test_sponsors_named_by_the_text_itself_are_kept(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_draft(corpus)
    text = adopted_text().replace("大会，", "提案国：古巴\n大会，")
    (corpus / "resolution.txt").write_text(text, "utf-8")
    build_index([corpus], tmp_path / "index", workers=1)
    resolution = SearchEngine(tmp_path / "index").document("zh:A/RES/73/999")
    assert resolution.sponsors == ["Cuba"] and resolution.sponsors_from is None
