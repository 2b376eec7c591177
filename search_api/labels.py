"""Facet values in the interface language: each value keeps its stable `value` (what a filter
takes) and gets a `label` to show, in `zh` or `en` (the tables are ready for the other four: a
language without its own label shows the English one).

Sponsors are labelled from the member-state table (`Kazakhstan` / `哈萨克斯坦`), verbs from the
verb table (indexer/verbs.py), kinds, clause types and languages from the tables below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from analyzers.dictionaries import member_states
from indexer.verbs import concept_label
from search_api.models import ClauseView, DocumentView, Hit, ResolutionFields

INTERFACE_LANGUAGES = ("zh", "en")
# Kinds and clause types are English words: their English label is the value itself.
CHINESE_LABELS = {
    "kind": {
        "resolution": "决议",
        "draft resolution": "决议草案",
        "decision": "决定",
        "draft decision": "决定草案",
        "amendment": "修正案",
        "report": "报告",
        "note": "说明",
        "letter": "信函",
        "document": "文件",
    },
    "type": {"preambular": "序言部分", "operative": "执行部分", "annex": "附件", "paragraph": "段落"},
}
# Language codes: (Chinese, English).
LANGUAGE_NAMES = {
    "ar": ("阿拉伯文", "Arabic"),
    "en": ("英文", "English"),
    "es": ("西班牙文", "Spanish"),
    "fr": ("法文", "French"),
    "ru": ("俄文", "Russian"),
    "zh": ("中文", "Chinese"),
    "zh-Hant": ("繁体中文", "Chinese (traditional)"),
}


@lru_cache(maxsize=65536)  # a hit labels its every sponsor: a dictionary lookup each, every search
def facet_label(facet: str, value: str | int, lang: str) -> str:
    """How facet `facet`'s `value` reads in interface language `lang`; never empty."""
    text = str(value)
    if facet in CHINESE_LABELS:
        return CHINESE_LABELS[facet].get(text, text) if lang == "zh" else text
    if facet == "language":
        names = LANGUAGE_NAMES.get(text)
        return (names[0] if lang == "zh" else names[1]) if names else text
    if facet == "sponsor":
        state = member_states.lookup(text)
        if state is None:
            return text
        return state.chinese if lang == "zh" else state.english
    if facet == "verb":
        return concept_label(text, lang)
    return text


def resolution_labels(resolution: ResolutionFields, lang: str) -> dict[str, Any]:
    """A hit's or document's kind, language and sponsors in the interface language."""
    return {
        "kind": facet_label("kind", resolution.kind, lang),
        "language": facet_label("language", resolution.language, lang),
        "sponsors": [facet_label("sponsor", sponsor, lang) for sponsor in resolution.sponsors],
    }


def clause_labels(clause: ClauseView, lang: str) -> dict[str, str]:
    """A clause's type and leading verb in the interface language."""
    labels = {"type": facet_label("type", clause.type, lang)}
    if clause.verb:
        labels["verb"] = facet_label("verb", clause.verb, lang)
    return labels


def label_view(view: Hit | DocumentView, lang: str) -> None:
    """Fill in the labels of a hit or a document view and of its clauses."""
    view.labels = resolution_labels(view, lang)
    clauses = view.clauses if isinstance(view, DocumentView) else [view.clause] if view.clause else []
    for clause in clauses:
        clause.labels = clause_labels(clause, lang)
