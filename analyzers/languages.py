"""The official languages other than Chinese: stemming, Arabic letter forms, and telling a text's
language from its file name or its script and stop words.

Stems come from Whoosh's own language support (`whoosh.lang`): Snowball for English, French,
Spanish and Russian, the ISRI root stemmer for Arabic. They are indexed with their language
(`en:decid`) in the `stems` field, so `decided` finds "Decides" in English clauses and `décide`
"Décide" in French ones without one language's stem matching another's words. Chinese is not
stemmed: its words are jieba's (analyzers/segmenter.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from whoosh.lang import stemmer_for_language
from whoosh.lang.isri import ISRIStemmer

from analyzers.scripts import cjk_count

STEMMED_LANGUAGES = ("ar", "en", "es", "fr", "ru")

# Irregular English plurals frequent in resolutions, answering to their singulars (Snowball
# leaves them as they are: "women" would not find "woman").
IRREGULAR = {
    "en": {
        "women": "woman",
        "men": "man",
        "children": "child",
        "people": "person",
        "peoples": "person",
        "persons": "person",
        "criteria": "criterion",
        "phenomena": "phenomenon",
        "indices": "index",
        "analyses": "analysis",
        "bases": "basis",
        "crises": "crisis",
    }
}
# French and Italian-style elisions: `l'homme` is searched as `homme`.
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

# Arabic: short vowels and other marks (harakat, superscript alef), and tatweel, carry no letter;
# hamza-bearing alefs, alef maqsura and ta marbuta are folded to their plain forms, as search
# engines for Arabic do (the same forms are written either way in UN texts).
ARABIC_MARKS = frozenset(chr(c) for c in [*range(0x064B, 0x0660), 0x0670, 0x0640])
ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")

# A few of each language's commonest words: enough to tell English, French and Spanish apart.
STOP_WORDS = {
    "en": frozenset("the of and to in that for by with on is are its as be".split()),
    "fr": frozenset("le la les de des du et à en que qui pour par sur dans une est au aux".split()),
    "es": frozenset("el la los las de del y en que por para con una su sus al se".split()),
}
# File names that say the language: the UDHR's ISO 639-3 names (`fra.html`) and ODS-style
# suffixes (`A_RES_73_12-FR.docx`).
FILE_LANGUAGES = {
    "arb": "ar",
    "ara": "ar",
    "cmn_hans": "zh",
    "cmn_hant": "zh-Hant",
    "zho": "zh",
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "rus": "ru",
    "spa": "es",
}
_FILE_SUFFIX = re.compile(r"[-_](AR|EN|ES|FR|RU|ZH)$", re.IGNORECASE)


class ArabicStemmer(ISRIStemmer):
    """Whoosh's ISRI stemmer, with its `norm` fixed for Python 3 (Whoosh 2.7.4 gives `re.sub`
    the replacement r'\\u0627', which Python 3's `re` refuses as a bad escape)."""

    stm: str  # the word being stemmed (ISRIStemmer's state)

    def norm(self, num: int) -> str:
        if num in (1, 3):
            self.stm = self.re_short_vowels.sub("", self.stm)
        if num in (2, 3):
            self.stm = self.re_intial_hamza.sub("\u0627", self.stm)
        return str(self.stm)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Callable[[str], str]:
    if language == "ar":
        return ArabicStemmer().stem
    return stemmer_for_language(language)


@lru_cache(maxsize=200_000)
def stem(language: str, word: str) -> str:
    """The stem of a lowercased word in one of `STEMMED_LANGUAGES`."""
    word = IRREGULAR.get(language, {}).get(word, word)
    if language == "fr":
        word = _ELISION.sub("", word)
    return _stemmer(language)(word) or word


@lru_cache(maxsize=200_000)
def stem_token(language: str, word: str) -> str:
    """How a stem is indexed: with its language, so languages do not meet (`en:decid`). Kept
    whole: a clause's every word asks (half a million times for the shared corpus)."""
    return f"{language}{_STEM_SEPARATOR}{stem(language, word)}"


def stem_term_parts(term: str) -> tuple[str, str] | None:
    """(language, stem) of a term `stem_token` made (`en:decid`); None for any other word, a
    language's code alone included (`es`, `en`: Spanish and French words)."""
    language, separator, rest = term.partition(_STEM_SEPARATOR)
    return (language, rest) if separator and language in STEMMED_LANGUAGES else None


_STEM_SEPARATOR = ":"


def fold_arabic(text: str) -> tuple[str, list[int] | None]:
    """`text` with Arabic marks dropped and letter forms folded, and the index of each kept
    character in `text` (None when nothing was dropped, so the map is the identity)."""
    if not _ARABIC.search(text):
        return text, None
    folded = text.translate(ARABIC_FOLDS)
    if not any(char in ARABIC_MARKS for char in folded):
        return folded, None
    kept = [index for index, char in enumerate(folded) if char not in ARABIC_MARKS]
    return "".join(folded[index] for index in kept), kept


def language_of_file(path: Path | str) -> str | None:
    """The language a file name says (`fra.html`, `A_RES_73_12-FR.docx`), or None."""
    stem_name = Path(path).name.split(".")[0]
    if stem_name.lower() in FILE_LANGUAGES:
        return FILE_LANGUAGES[stem_name.lower()]
    suffix = _FILE_SUFFIX.search(stem_name)
    return suffix.group(1).lower() if suffix else None


def detect_language(text: str) -> str:
    """The language of a text from its script, and for Latin script its stop words: zh, ar, ru,
    en, fr or es (English when nothing tells)."""
    sample = text[:4000]
    counts = {
        "zh": cjk_count(sample),
        "ar": len(_ARABIC.findall(sample)),
        "ru": len(_CYRILLIC.findall(sample)),
        "latin": len(_LATIN.findall(sample)),
    }
    script = max(counts, key=lambda name: counts[name])
    if counts[script] == 0:
        return "en"
    if script == "zh" and counts["zh"] > len(sample) * 0.1:
        return "zh"
    if script in ("ar", "ru"):
        return script
    words = re.findall(r"[^\W\d_]+", sample.lower())
    scores = {language: sum(word in stops for word in words) for language, stops in STOP_WORDS.items()}
    return max(scores, key=lambda language: (scores[language], language == "en"))
