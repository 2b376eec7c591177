"""Facet values in the interface language: each value keeps its stable `value` (what a filter
takes) and gets a `label` to show, in `zh` or `en` (the tables are ready for the other four: a
language without its own label shows the English one).

Sponsors are labelled from the member-state table (`Kazakhstan` / `哈萨克斯坦`), verbs from the
verb table (indexer/verbs.py), kinds, clause types and languages from the tables below.
"""

from __future__ import annotations

from typing import Any

from analyzers.dictionaries import member_states
from indexer.verbs import concept_label
from search_api.models import ClauseView, DocumentView, Hit, ResolutionFields

INTERFACE_LANGUAGES = ("zh", "en")
KIND_LABELS = {
    "resolution": {"zh": "决议", "en": "resolution"},
    "draft resolution": {"zh": "决议草案", "en": "draft resolution"},
    "decision": {"zh": "决定", "en": "decision"},
    "draft decision": {"zh": "决定草案", "en": "draft decision"},
    "amendment": {"zh": "修正案", "en": "amendment"},
}
CLAUSE_TYPE_LABELS = {
    "preambular": {"zh": "序言部分", "en": "preambular"},
    "operative": {"zh": "执行部分", "en": "operative"},
    "paragraph": {"zh": "段落", "en": "paragraph"},
}
LANGUAGE_LABELS = {
    "ar": {"zh": "阿拉伯文", "en": "Arabic"},
    "en": {"zh": "英文", "en": "English"},
    "es": {"zh": "西班牙文", "en": "Spanish"},
    "fr": {"zh": "法文", "en": "French"},
    "ru": {"zh": "俄文", "en": "Russian"},
    "zh": {"zh": "中文", "en": "Chinese"},
    "zh-Hant": {"zh": "繁体中文", "en": "Chinese (traditional)"},
}
_TABLES = {"kind": KIND_LABELS, "type": CLAUSE_TYPE_LABELS, "language": LANGUAGE_LABELS}


def facet_label(facet: str, value: str | int, lang: str) -> str:
    """How facet `facet`'s `value` reads in interface language `lang`; never empty."""
    text = str(value)
    if facet in _TABLES:
        labels = _TABLES[facet].get(text, {})
        return labels.get(lang) or labels.get("en") or text
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
