"""End to end: `ga-search serve` on a free loopback port, the page driven in headless Chromium.

Needs Debian's `chromium` (scripts/test installs it when it can) and Playwright's Python package,
which drives that browser: no browser is downloaded. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from bench.loadgen import serve
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
# Screenshots to look at after a run (git-ignored); GA_SEARCH_ARTIFACTS puts them elsewhere.
ARTIFACTS = Path(os.environ.get("GA_SEARCH_ARTIFACTS", ROOT / "tests" / "artifacts"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(seed_index: Path) -> Iterator[str]:
    with serve(seed_index) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def total(page: Page) -> int:
    text = page.locator("#status").inner_text()
    return int("".join(ch for ch in text.split("（")[0] if ch.isdigit()))


def test_type_a_query_filter_by_a_facet_and_open_a_resolution(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.locator("#q").fill("集体安全条约组织")
    expect(page.locator(".hit mark").first).to_be_visible(timeout=15_000)  # the typed query's hits
    expect(page.locator("#status")).to_contain_text("共", timeout=15_000)
    before = total(page)
    assert before > 10
    assert page.locator(".hit mark").first.inner_text() == "集体安全条约组织"
    operative = page.locator('input[data-facet="type"][value="operative"]')
    count_label = operative.locator("xpath=ancestor::label").locator(".count").inner_text()
    operative.check()
    expect(page.locator("#status")).to_contain_text(f"共 {count_label} 条", timeout=15_000)
    after = total(page)
    assert after == int(count_label) < before
    # Disjunctive facets: the clause-type menu still offers both types with their counts.
    assert page.locator('input[data-facet="type"][value="preambular"]').count() == 1
    assert "type=operative" in page.url
    page.screenshot(path=str(ARTIFACTS / "search-facet.png"), full_page=True)
    page.locator(".hit h3 a").first.click()
    expect(page.locator("#document h2")).to_have_text("联合国同集体安全条约组织的合作", timeout=15_000)
    assert page.locator("#document li").count() == 27
    page.screenshot(path=str(ARTIFACTS / "resolution.png"), full_page=True)
    page.close()


def test_english_interface_and_phone_width(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/#q=peacekeeping&lang=en")
    expect(page.locator("#status")).to_contain_text("results", timeout=15_000)
    expect(page.locator("#lang")).to_have_text("中文")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / "phone-en.png"), full_page=True)
    page.close()


def test_a_portal_links_with_a_query_string_and_the_url_keeps_the_state(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server + "/?q=%E7%BB%B4%E6%8C%81%E5%92%8C%E5%B9%B3&session=73")  # ?q=维持和平&session=73
    expect(page.locator(".hit mark").first).to_be_visible(timeout=15_000)
    assert page.locator("#q").input_value() == "维持和平"
    assert page.locator('input[data-facet="session"][value="73"]').is_checked()
    page.locator('input[data-facet="session"][value="73"]').uncheck()
    expect(page.locator('input[data-facet="session"][value="73"]')).not_to_be_checked()
    page.wait_for_function("() => !location.search.includes('session=73')", timeout=15_000)
    assert "q=%E7%BB%B4%E6%8C%81%E5%92%8C%E5%B9%B3" in page.url and "#" not in page.url
    shared = browser.new_page()
    shared.goto(page.url)  # the URL as shared: the same search
    expect(shared.locator(".hit mark").first).to_be_visible(timeout=15_000)
    assert total(shared) == total(page)  # the same hits (the time taken may differ)
    page.close()
    shared.close()


def test_a_document_without_a_symbol_shows_its_file_name_not_its_id(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server + "/?q=%E9%9B%86%E4%BD%93%E5%AE%89%E5%85%A8%E6%9D%A1%E7%BA%A6%E7%BB%84%E7%BB%87")
    expect(page.locator(".hit .meta").first).to_be_visible(timeout=15_000)
    metas = page.locator(".hit .meta").all_inner_texts()
    assert any("000_b19792f0abdd90de" in m for m in metas) and not any("zh:000_" in m for m in metas)
    page.close()


def test_the_embed_script_puts_the_page_into_another_site(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.set_content(
        f'<h1>A portal</h1><div id="ga-search"></div><script src="{server}/embed.js" data-target="#ga-search"></script>'
    )
    frame_element = page.locator("#ga-search iframe")
    expect(frame_element).to_have_attribute("src", f"{server}/embed")
    frame = page.frame_locator("#ga-search iframe")
    frame.locator("#q").fill("维持和平")
    expect(frame.locator(".hit").first).to_be_visible(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "embedded.png"), full_page=True)
    page.close()


@pytest.mark.needs_shared
def test_precedents_of_a_clause_and_the_lineage_of_a_resolution(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/#lang=en")
    page.locator("#q").fill('"draft treaty on the prevention of the placement of weapons"')
    page.locator("#q").press("Enter")
    hit = page.locator(".hit", has_text="Welcoming, in this regard, the draft treaty").first
    expect(hit).to_be_visible(timeout=15_000)
    hit.locator("a[data-precedents]").click()
    first = hit.locator(".precedents li").first
    expect(first).to_be_visible(timeout=15_000)
    assert first.locator(".similarity").inner_text() == "1.00"  # the same paragraph in its sister resolution
    assert hit.locator(".precedents del, .precedents ins").count() > 0  # the near copies show their edits
    page.screenshot(path=str(ARTIFACTS / "precedents.png"), full_page=True)
    page.goto(server + "/#doc=" + "en%3AA%2FDEC%2F75%2F523")
    page.locator("a[data-lineage]").click()
    expect(page.locator("ol.lineage > li")).to_have_count(11, timeout=15_000)
    expect(page.locator("#document h2")).to_contain_text("Question of Gibraltar")
    assert page.locator("ol.lineage del").count() > 0 and page.locator("ol.lineage ins").count() > 0
    page.screenshot(path=str(ARTIFACTS / "lineage.png"), full_page=True)
    page.close()


def test_the_most_cited_resolutions_of_the_hits_filter_the_search(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/#q=outer%20space&lang=en")
    cited = page.locator('input[data-facet="cites"]').first
    expect(cited).to_be_attached(timeout=15_000)
    count = cited.locator("xpath=ancestor::label").locator(".count").inner_text()
    cited.check()
    expect(page.locator("#status")).to_contain_text(f"{count} results", timeout=15_000)
    assert "cites=" in page.url
    page.close()


def test_a_resolution_side_by_side_and_a_hit_in_the_other_language(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/#doc=" + "zh%3AA%2FRES%2F217(III)")
    expect(page.locator("#document h2")).to_contain_text("世界人权宣言", timeout=15_000)
    page.locator('a[data-side="en"]').click()
    row = page.locator("table.parallel tr#clause-1")
    expect(row).to_be_visible(timeout=15_000)
    expect(row.locator('td[lang="zh"]')).to_contain_text("人人生而自由")
    expect(row.locator('td[lang="en"]')).to_contain_text("All human beings are born free")
    page.screenshot(path=str(ARTIFACTS / "side-by-side.png"), full_page=True)
    # Search the Chinese, read the English under the hit.
    page.goto(server + "/?q=%22%E8%87%AA%E7%94%B1%E8%BF%81%E5%BE%99%22")
    hit = page.locator(".hit").first
    expect(hit).to_be_visible(timeout=15_000)
    hit.locator("a[data-parallel-doc]").click()
    expect(hit.locator('.parallel p[lang="en"]')).to_contain_text("freedom of movement", timeout=15_000)
    page.close()


def test_the_chinese_interface_shows_no_english_label_and_no_empty_one(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")  # every clause, in all languages, in the Chinese interface
    expect(page.locator(".hit").first).to_be_visible(timeout=15_000)
    for name in ("sponsor", "kind", "type", "verb", "language"):
        menu = page.locator(f'details[data-facet-name="{name}"] label')
        expect(menu.first).to_be_attached(timeout=15_000)
        for text in menu.all_inner_texts():
            label = text.rsplit("\n", 1)[0].strip()
            assert label and not re.search(r"[A-Za-z]", label), (name, text)
    page.goto(server + "/?q=outer%20space")  # English resolutions
    expect(page.locator(".hit").first).to_be_visible(timeout=15_000)
    meta = page.locator(".hit .meta").first.inner_text()
    # The verb in Chinese (`认识到`, not `recognize`), nothing else in English but the symbol.
    assert re.search(r"· P?\d+ · [\u4e00-\u9fff]+", meta) and not re.search(r"[a-z]{3,}", meta), meta
    page.goto(server + "/#doc=" + "zh%3AA%2FRES%2F217(III)")
    expect(page.locator("#document h2")).to_contain_text("世界人权宣言", timeout=15_000)
    facts = page.locator("#document").inner_text()
    assert "resolution" not in facts and "决议" in facts
    assert not re.search(r"(提案国|议程项目)：?:\s*(\n|$)", facts)  # the declaration has neither: no empty line
    page.close()


def test_what_is_typed_before_the_facet_table_arrives_is_searched(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    def slow_schema(route: Route) -> None:
        time.sleep(1.5)  # a slow first answer: the visitor types meanwhile
        route.continue_()

    page.route("**/schema", slow_schema)
    page.goto(server + "/?session=73")
    page.locator("#q").fill("集体安全条约组织")
    expect(page.locator(".hit mark").first).to_have_text("集体安全条约组织", timeout=15_000)
    page.wait_for_timeout(2500)  # the facet table has arrived since: nothing typed is undone
    expect(page.locator("#q")).to_have_value("集体安全条约组织")
    expect(page.locator(".hit mark").first).to_have_text("集体安全条约组织")
    assert page.locator('input[data-facet="session"][value="73"]').is_checked()  # the URL's filter kept
    page.close()


def test_check_a_draft_pasted_and_dropped(server: str, browser: Browser, tmp_path: Path) -> None:
    """The "Check a draft" view: a pasted draft and a dropped file each get their verdicts, and the
    DOCX report downloads (its screenshot is the README's docs/check-a-draft.png)."""
    from tests.test_check import composed_draft

    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(server + "/?lang=en#check")
    expect(page.locator("#check")).to_be_visible(timeout=15_000)
    assert page.locator("#search-form").is_hidden()
    page.locator("#check-text").fill(composed_draft())
    page.locator("#check-run").click()
    expect(page.locator("#check-result tr")).to_have_count(8, timeout=30_000)
    assert page.locator('#check-result tr[data-verdict="agreed"]').count() == 5
    assert page.locator('#check-result tr[data-verdict="new"]').count() == 1
    expect(page.locator("#check-status")).to_contain_text("agreed 63%")
    page.screenshot(path=str(ARTIFACTS / "check-pasted.png"), full_page=True)
    with page.expect_download(timeout=30_000) as download:
        page.locator("#check-docx").click()
    saved = tmp_path / "check.docx"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"PK")
    # A dropped file: the draft as a text file, dropped on the zone.
    draft = composed_draft()
    handle = page.evaluate_handle(
        """(text) => { const data = new DataTransfer();
            data.items.add(new File([text], "draft.txt", { type: "text/plain" })); return data; }""",
        draft,
    )
    page.locator("#check-text").fill("")
    page.locator("#check-drop").dispatch_event("drop", {"dataTransfer": handle})
    expect(page.locator("#check-file-label")).to_have_text("draft.txt", timeout=15_000)
    expect(page.locator('#check-result tr[data-verdict="agreed"]')).to_have_count(5, timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "check-a-draft.png"), full_page=True)  # README's docs/check-a-draft.png


def test_the_workbench_export_chart_more_values_and_back_after_paging(server: str, browser: Browser) -> None:
    """Issue 27 on the page: the export link gives every hit, a bar of the chart filters to its
    session, a facet shows all its values with a filter box, and Back returns to the previous page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    expect(page.locator("#status")).to_contain_text("共", timeout=15_000)
    everything = total(page)
    assert everything > 20  # more than a page
    csv_link = page.locator("#export-csv")
    expect(csv_link).to_be_visible()
    exported = page.request.get(server + "/" + csv_link.get_attribute("href"))
    assert exported.ok and len(exported.text().strip().splitlines()) - 1 >= everything  # a header, then a row a hit
    # The chart: a bar a session; clicking one filters the hits to that session.
    expect(page.locator("#trend svg a").first).to_be_visible(timeout=15_000)
    bar = page.locator('#trend a[data-trend-session="73"]')
    counted = int(bar.locator("title").text_content().rsplit(":", 1)[1])  # an SVG title: no inner text
    page.screenshot(path=str(ARTIFACTS / "workbench-trend.png"), full_page=True)
    bar.click()
    expect(page.locator('input[data-facet="session"][value="73"]')).to_be_checked(timeout=15_000)
    expect(page.locator("#status")).to_contain_text(f"共 {counted} 条", timeout=15_000)
    # Back: to every hit again, then paging and Back to page 1.
    page.go_back()
    expect(page.locator("#status")).to_contain_text(f"共 {everything} 条", timeout=15_000)
    page.locator('#pager button[data-page="2"]').first.click()
    page.wait_for_function("() => location.search.includes('page=2')", timeout=15_000)
    expect(page.locator('#pager button[aria-current="page"]')).to_have_text("2", timeout=15_000)
    page.go_back()
    page.wait_for_function("() => !location.search.includes('page=2')", timeout=15_000)
    expect(page.locator('#pager button[aria-current="page"]')).to_have_text("1", timeout=15_000)
    # More values of a facet than the ten shown, and a box that filters them.
    verbs = page.locator('details[data-facet-name="verb"]')
    shown = verbs.locator("label").count()
    verbs.locator("[data-more]").click()
    expect(verbs.locator(".facet-filter")).to_be_visible(timeout=15_000)
    assert verbs.locator("label").count() > shown
    verbs.locator(".facet-filter").fill("欢迎")
    visible = [label for label in verbs.locator("label").all() if label.is_visible()]
    assert visible and all("欢迎" in label.inner_text() for label in visible)
    page.close()


def test_a_document_links_to_ods_and_marks_its_citations(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/#doc=A%2FRES%2F80%2F20")
    expect(page.locator("#document h2")).to_have_text("No first placement of weapons in outer space", timeout=15_000)
    ods = page.locator("#document a.ods")
    assert ods.count() == 12  # PDF and DOCX in the six languages
    assert all(
        link.startswith("https://documents.un.org/api/symbol/access?s=A%2FRES%2F80%2F20")
        for link in (ods.nth(i).get_attribute("href") or "" for i in range(12))
    )
    assert page.locator("#facets").is_hidden()  # the document takes the facets' column
    ris = page.request.get(
        server + "/" + (page.locator('#document a.cite[href$="format=ris"]').get_attribute("href") or "")
    )
    assert ris.ok and ris.text().startswith("TY  - GOVDOC")
    cited = page.locator("#document a.external").first
    assert "documents.un.org" in (cited.get_attribute("href") or "")
    expect(page.locator("#document a.external + small").first).to_have_text("(未收入索引)")
    page.screenshot(path=str(ARTIFACTS / "document-links.png"), full_page=True)
    page.locator("#document a[data-lineage]").click()
    expect(page.locator("#document svg.timeline")).to_be_visible(timeout=15_000)
    assert page.locator("svg.timeline circle.held").count() >= 1  # 80/20 itself, a link to it
    assert page.locator("svg.timeline circle.missing").count() >= 5  # 69/32 ... 79/20, cited, not indexed
    page.screenshot(path=str(ARTIFACTS / "lineage-timeline.png"), full_page=True)
    page.goto(server + "/#browse")
    expect(page.locator("#browse h2")).to_contain_text("按届会浏览", timeout=15_000)
    assert page.locator("#browse li").count() >= 5
    page.close()


def test_on_a_phone_the_facets_come_first_and_folded(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/")
    expect(page.locator("#facets details").first).to_be_attached(timeout=15_000)
    facets_top = page.locator("#facets").bounding_box()
    hits_top = page.locator("#hits").bounding_box()
    assert facets_top and hits_top and facets_top["y"] < hits_top["y"]
    assert page.locator("#facets details[open]").count() == 0
    page.close()
