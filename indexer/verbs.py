"""The leading verb of a clause, as one concept across the six languages, for faceting.

A concept is named by its Chinese verb (the facet's stable value; `concept_label` gives its
English label) and found in every language through one table, analyzers/dictionaries/verbs.tsv.

Chinese clauses open with a verb phrase: an optional connective (`又`, `还`, `并`, `再次`), an
optional manner adverb ending in `地` (`满意地`, `表示赞赏地`), and the verb (`提及`, `注意到`).
The concept drops the connective and the adverb: `又提及` -> `提及`, `满意地注意到` -> `注意到`.
Clauses in the other languages: their first words, stemmed in their language, are matched against
the table's forms (`Also recalling` -> `回顾`, `Se félicitant` -> `欢迎`, `Вновь подтверждая` ->
`重申`), longest form first, after words like "also" or "once again". A clause that opens with
no verb of the table (an article of a declaration, a decision's text) has none: never its first
word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from analyzers import normalize
from analyzers.languages import stem
from analyzers.scripts import CJK_CHAR, CJK_RANGES

# Verbs that open GA clauses; longest first so `注意到` wins over `注意`.
ZH_VERBS = sorted(
    [
        "提及",
        "回顾",
        "重申",
        "欢迎",
        "注意到",
        "认识到",
        "确认",
        "强调",
        "着重指出",
        "深信",
        "意识到",
        "深表关切",
        "表示关切",
        "关切",
        "决定",
        "请",
        "邀请",
        "鼓励",
        "呼吁",
        "促请",
        "敦促",
        "吁请",
        "赞扬",
        "谴责",
        "强烈谴责",
        "支持",
        "审议了",
        "审议",
        "认为",
        "考虑到",
        "铭记",
        "申明",
        "表示",
        "赞赏",
        "感谢",
        "承认",
        "核可",
        "核准",
        "通过",
        "宣布",
        "宣告",
        "授权",
        "指出",
        "回顾到",
        "深感关切",
        "关注",
        "希望",
        "期待",
        "坚信",
        "相信",
        "赞同",
        "同意",
        "重视",
        "吁求",
        "要求",
        "建议",
        "鉴于",
        "深为关切",
        "表示遗憾",
        "遗憾",
        "痛惜",
        "感到关切",
        "强烈敦促",
        "再次呼吁",
        "注意",
        "察悉",
        "获悉",
        "赞赏地注意到",
        "认可",
        "致力于",
        "承诺",
        "请求",
        "责成",
        "指示",
        "核定",
        "选举",
        "任命",
        "设立",
        "延长",
        "结束",
        "注意地",
    ],
    key=len,
    reverse=True,
)
_ZH_CONNECTIVES = "(?:又|还|并|也|再次|进一步|同时|另外|因此)*"
_ZH_ADVERB = rf"(?:[{CJK_RANGES}]{{1,5}}?地)?"


@lru_cache(maxsize=1)
def _zh_leading() -> re.Pattern[str]:
    """The Chinese verb phrase: connective, manner adverb, and a verb of `ZH_VERBS` or the table."""
    verbs = sorted({*ZH_VERBS, *verb_table().labels}, key=len, reverse=True)
    return re.compile(rf"^({_ZH_CONNECTIVES})({_ZH_ADVERB})({'|'.join(verbs)})")


# Words that may stand before the verb without changing it (`Also recalling`, `Once again calls
# upon`, `Strongly urges`), per language, lowercased and with Arabic letter forms folded.
SKIP_WORDS = {
    "en": frozenset("also further once again furthermore moreover and deeply strongly firmly fully gravely "
                    "seriously urgently emphatically therefore now".split()),
    "fr": frozenset("également aussi en outre de nouveau et encore une fois vivement".split()),
    "es": frozenset("también además asimismo nuevamente una vez más y".split()),
    "ru": frozenset("также вновь далее и".split()),
    "ar": frozenset("اذ واذ و".split()),
}  # fmt: skip
TABLE_LANGUAGES = ("en", "fr", "es", "ru", "ar")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_HEAD_CHARS = 160  # a verb phrase is found in a clause's first words


@dataclass(frozen=True)
class VerbTable:
    """The table: each language's forms as stem sequences, and the concepts' English labels."""

    exact: dict[str, dict[tuple[str, ...], str]]  # language -> a form's words, lowercased -> concept
    forms: dict[str, dict[tuple[str, ...], str]]  # language -> stems of a form -> concept
    labels: dict[str, str]  # concept -> English label
    by_label: dict[str, str]  # English label -> concept
    longest: dict[str, int]  # language -> words in its longest form


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(normalize(text).text))


@lru_cache(maxsize=1)
def verb_table() -> VerbTable:
    """analyzers/dictionaries/verbs.tsv, read once."""
    text = resources.files("analyzers.dictionaries").joinpath("verbs.tsv").read_text("utf-8")
    exact: dict[str, dict[tuple[str, ...], str]] = {language: {} for language in TABLE_LANGUAGES}
    forms: dict[str, dict[tuple[str, ...], str]] = {language: {} for language in TABLE_LANGUAGES}
    labels: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        concept, label, *cells = line.split("\t")
        labels[concept] = label
        for language, cell in zip(TABLE_LANGUAGES, cells, strict=True):
            for form in filter(None, (piece.strip() for piece in cell.split(";"))):
                words = _words(form)
                exact[language][words] = concept
                # Stems may meet (`Considers`, `Considering`): the form written first keeps the
                # stem; the other is still found as written.
                forms[language].setdefault(tuple(stem(language, word) for word in words), concept)
    by_label = {label: concept for concept, label in labels.items()}
    longest = {language: max(map(len, forms[language]), default=0) for language in TABLE_LANGUAGES}
    return VerbTable(exact, forms, labels, by_label, longest)


def concept_label(concept: str, lang: str) -> str:
    """A verb concept's label in the interface language (`zh`: the concept itself)."""
    return verb_table().labels.get(concept, concept) if lang == "en" else concept


def concept_for(value: str) -> str:
    """The concept a user names in any language (`欢迎`, `welcome`, `se félicite`), or `value`."""
    value = value.strip()
    table = verb_table()
    if value in table.labels:
        return value
    if value.lower() in table.by_label:
        return table.by_label[value.lower()]
    concept, _ = leading_verb(value)
    return concept or value


def leading_verb(text: str) -> tuple[str | None, str | None]:
    """(concept, verb phrase as written) of a clause, or (None, None)."""
    stripped = text.lstrip(" \t\u3000")
    if not stripped:
        return None, None
    if CJK_CHAR.match(stripped):
        return _chinese_verb(stripped)
    return _table_verb(stripped)


# Both read the head of the clause's whole normalised text: `normalize` is memoised, and the
# clause's word and character fields and its shingles normalise the same text (a head of its
# own was a normalisation more a clause, 17 us of indexing's 550).


def _chinese_verb(text: str) -> tuple[str | None, str | None]:
    # Matched in simplified script (`鑑於` is `鉴于`), the phrase given as written.
    normalized = normalize(text)
    match = _zh_leading().match(normalized.text, 0, _HEAD_CHARS)
    if not match:
        return None, None
    begin, end = normalized.original_span(0, match.end())
    return match.group(3), text[begin:end]


def _table_verb(text: str) -> tuple[str | None, str | None]:
    normalized = normalize(text)
    head = normalized.text[:_HEAD_CHARS]
    words = list(_WORD.finditer(head))
    languages = _languages_of(head)
    # Forms as written first, in every language the script allows (`Exhorta` is Spanish before
    # it is the stem of French `Exhorte`), then stems.
    for stemmed in (False, True):
        for language in languages:
            found = _match(language, words, stemmed)
            if found:
                concept, end = found
                begin, finish = normalized.original_span(words[0].start(), words[end].end())
                return concept, text[begin:finish]
    return None, None


def _match(language: str, words: list[re.Match[str]], stemmed: bool) -> tuple[str, int] | None:
    """The concept of the longest form at the head of `words` (after skip words), and the index of
    its last word."""
    table = verb_table()
    forms = table.forms[language] if stemmed else table.exact[language]
    longest = table.longest[language]
    keys = [word.group().lower() for word in words[: longest + 4]]
    if stemmed:
        keys = [stem(language, key) for key in keys]
    for start in range(len(keys)):
        for length in range(min(longest, len(keys) - start), 0, -1):
            concept = forms.get(tuple(keys[start : start + length]))
            if concept:
                return concept, start + length - 1
        if words[start].group().lower() not in SKIP_WORDS[language]:
            return None
    return None


def _languages_of(text: str) -> tuple[str, ...]:
    """The table's languages a clause may be in, by its script (Latin: any of three)."""
    for char in text:
        if "\u0600" <= char <= "\u06ff":
            return ("ar",)
        if "\u0400" <= char <= "\u04ff":
            return ("ru",)
        if char.isalpha():
            return ("en", "fr", "es")
    return ()
