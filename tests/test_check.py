"""The draft checker (issue 26) on drafts composed from the real clauses of seeds/ with known edits
(the edits are the tests' own, named so): every verdict and every marked change is what was made."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from indexer.readers import read_document
from indexer.structure import parse_text
from search_api.engine import SearchEngine
from search_api.features.check import MAX_DRAFT_PARAGRAPHS, Against, agreed_key
from search_api.http.app import create_app
from tests.conftest import ROOT, SEEDS

RES_80_20 = SEEDS / "ga_res_80_en" / "A_RES_80_20.md"
# A sentence the tests make up for a paragraph that has no precedent: not a UN text.
NEW_PARAGRAPH = "Invites the tests of this project to check that a paragraph made up for them is new;"


@pytest.fixture(scope="module")
def seeds_engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    """An index of seeds/ alone, so that the expected sources are exactly the seeds'."""
    index_dir = tmp_path_factory.mktemp("seeds-index")
    subprocess.run(
        [sys.executable, "-m", "search_api.cli", "index", str(SEEDS), "--index", str(index_dir)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return SearchEngine(index_dir)


def clause(number: str) -> str:
    return next(c.text for c in read_document(RES_80_20).clauses if c.number == number)


def composed_draft() -> str:
    """80/20's wording with known edits, as a draft of the 81st session."""
    swapped = clause("P6").replace("Emphasizing the paramount importance", "Underlining the paramount importance")
    added = clause("4").replace("not yet concluded,", "not yet concluded and pending its entry into force,")
    session = clause("7").replace("eighty-first session", "eighty-second session")
    paragraphs = [clause("P2"), clause("P9"), swapped, clause("P4"), "1. " + clause("1"), "2. " + added,
                  "3. " + NEW_PARAGRAPH, "4. " + session]  # fmt: skip
    header = (
        "Eighty-first session\n\nThe sponsors of the tests: draft resolution\n\n"
        "No first placement of weapons in outer space\n\n"
    )
    return header + "The General Assembly,\n\n" + "\n\n".join(paragraphs) + "\n"


def test_each_paragraph_of_a_composed_draft_gets_the_verdict_its_edit_calls_for(seeds_engine: SearchEngine) -> None:
    draft = parse_text(composed_draft(), "composed.txt")
    result = seeds_engine.check(draft)
    verdicts = {p.number: p.verdict for p in result.paragraphs}
    assert verdicts == {
        "P1": "agreed", "P2": "agreed", "P3": "edited", "P4": "agreed",
        "1": "agreed", "2": "edited", "3": "new", "4": "agreed",
    }  # fmt: skip
    by_number = {p.number: p for p in result.paragraphs}
    assert by_number["P3"].changes["replaced"] == [["Emphasizing", "Underlining"]]
    assert by_number["2"].changes["added"] == ["and pending its entry into force"]
    assert by_number["4"].sources[0].symbol == "A/RES/80/20"  # the session ordinal aside, 80/20's ¶7
    # 80/21 has 80/20's ¶P9 word for word: two resolutions used it.
    assert by_number["P2"].uses == 2 and {s.symbol for s in by_number["P2"].sources} == {"A/RES/80/20", "A/RES/80/21"}
    assert by_number["3"].sources == [] and by_number["3"].phrases == []
    assert result.shares["agreed"]["paragraphs"] == 0.625 and result.shares["new"]["paragraphs"] == 0.125
    assert result.drawn_on[0]["symbol"] == "A/RES/80/20"


def test_the_predecessor_is_set_beside_the_draft_with_moves(seeds_engine: SearchEngine) -> None:
    draft = parse_text(composed_draft(), "composed.txt")
    predecessor = seeds_engine.check(draft).predecessor
    assert predecessor is not None and predecessor["symbol"] == "A/RES/80/20"
    changes = {(c["previous_number"], c["number"]): c["change"] for c in predecessor["changes"]}
    assert changes[("P6", "P3")] == "edited"
    assert changes[("P9", "P2")] == "unchanged"
    assert changes[("P4", "P4")] == "moved"  # 80/20's P4 stood before its P6 and P9; here it comes after
    assert changes[("", "3")] == "added"


def test_a_resolution_is_never_its_own_precedent(seeds_engine: SearchEngine) -> None:
    result = seeds_engine.check(read_document(SEEDS / "ga_res_80_en" / "A_RES_80_21.md"))
    p9 = next(p for p in result.paragraphs if p.number == "P9")
    assert p9.verdict == "agreed" and [s.symbol for s in p9.sources] == ["A/RES/80/20"]
    assert all(s.symbol != "A/RES/80/21" for p in result.paragraphs for s in p.sources)


def test_the_seed_draft_is_checked_in_chinese(seeds_engine: SearchEngine) -> None:
    draft = read_document(SEEDS / "zh_draft_73" / "000_b19792f0abdd90de.txt")
    result = seeds_engine.check(draft, against=Against(session_to=72))
    assert len(result.paragraphs) == len(draft.clauses) and result.language == "zh"
    assert all(p.verdict == "new" for p in result.paragraphs)  # nothing of session 72 or before is indexed
    unfiltered = seeds_engine.check(draft)  # the draft is indexed itself, by its file name: never its own source
    assert all(source.doc_id != draft.doc_id for p in unfiltered.paragraphs for source in p.sources)


def test_the_session_dependent_parts_aside() -> None:
    assert agreed_key("at its seventy-third session, in 2018") == agreed_key("at its Seventy-Fourth session, in 2019")
    assert agreed_key("大会第七十三届会议") == agreed_key("大会第七十四届会议")
    assert agreed_key("resolution 72/4") != agreed_key("resolution 72/5")


def test_check_from_the_command_line_as_json_and_csv(seeds_engine: SearchEngine, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(composed_draft(), "utf-8")
    command = [sys.executable, "-m", "search_api.cli", "check", str(draft), "--index", str(seeds_engine.index_dir)]
    as_json = subprocess.run([*command, "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert [p["verdict"] for p in json.loads(as_json.stdout)["paragraphs"]].count("agreed") == 5
    as_csv = subprocess.run([*command, "--format", "csv"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert as_csv.stdout.splitlines()[0].startswith("number,type,verdict") and len(as_csv.stdout.splitlines()) == 9
    table = subprocess.run([*command, "--lang", "en"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "agreed: 62% of paragraphs" in table.stdout and "predecessor: A/RES/80/20" in table.stdout


def test_post_check_takes_json_or_the_file_and_refuses_what_it_cannot(seeds_engine: SearchEngine) -> None:
    client = TestClient(create_app(seeds_engine.index_dir))
    as_json = client.post("/check", json={"text": composed_draft()}, params={"parallel": "en"})
    assert as_json.status_code == 200 and as_json.json()["shares"]["agreed"]["paragraphs"] == 0.625
    as_text = client.post("/check", content=composed_draft().encode(), headers={"content-type": "text/plain"})
    assert as_text.status_code == 200 and len(as_text.json()["paragraphs"]) == 8
    too_big = client.post("/check", content=b"x" * (2 * 1024 * 1024 + 1), headers={"content-type": "text/plain"})
    assert too_big.status_code == 413
    empty = client.post("/check", json={"text": "  "})
    assert empty.status_code == 400 and "draft" in empty.json()["error"]["message"]
    not_a_pdf = client.post("/check", content=b"%PDF-1.4 junk", headers={"content-type": "application/pdf"})
    assert not_a_pdf.status_code == 400 and "PDF" in not_a_pdf.json()["error"]["message"]
    odd = client.post("/check", content=b"x", headers={"content-type": "image/png"})
    assert odd.status_code == 400
    many = "The General Assembly,\n\n" + "".join(f"{n}. Decides {n};\n\n" for n in range(1, MAX_DRAFT_PARAGRAPHS + 2))
    assert client.post("/check", json={"text": many}).status_code == 400


def test_checked_against_a_session_range_and_a_scan_gets_a_clear_answer(
    seeds_engine: SearchEngine, tmp_path: Path
) -> None:
    draft = parse_text(composed_draft(), "composed.txt")
    later = seeds_engine.check(draft, against=Against(session_from=81))
    assert all(p.verdict == "new" for p in later.paragraphs)  # nothing adopted at 81 or later is indexed
    assert seeds_engine.check(draft, against=Against(session_from=80, session_to=80)).shares["agreed"]["paragraphs"]
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "page.png"
    Image.new("RGB", (200, 100), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    client = TestClient(create_app(seeds_engine.index_dir))
    scan = client.post("/check", content=bytes(pdf.output()), headers={"content-type": "application/pdf"})
    assert scan.status_code == 400 and "no text layer" in scan.json()["error"]["message"]
