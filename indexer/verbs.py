"""The leading verb of a clause, normalised to a base verb for faceting.

Chinese clauses open with a verb phrase: an optional connective (`又`, `还`, `并`, `再次`), an
optional manner adverb ending in `地` (`满意地`, `表示赞赏地`), and the verb (`提及`, `注意到`).
The base verb drops the connective and the adverb: `又提及` -> `提及`, `满意地注意到` -> `注意到`.
English clauses: `Also recalling` -> `recalling`, `Calls upon` -> `calls upon`.
"""

from __future__ import annotations

import re

from analyzers import segmenter
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
_ZH_LEADING = re.compile(rf"^({_ZH_CONNECTIVES})({_ZH_ADVERB})({'|'.join(ZH_VERBS)})")
_EN_SKIP = {
    "also",
    "further",
    "once",
    "again",
    "furthermore",
    "moreover",
    "deeply",
    "strongly",
    "firmly",
    "fully",
    "gravely",
    "seriously",
    "urgently",
    "emphatically",
    "encourages",
}
_EN_PARTICLES = {"upon", "on", "note", "into", "in"}


def leading_verb(text: str) -> tuple[str | None, str | None]:
    """(base verb, verb phrase as written) of a clause, or (None, None)."""
    stripped = text.lstrip(" \t\u3000")
    if not stripped:
        return None, None
    if CJK_CHAR.match(stripped):
        return _chinese_verb(stripped)
    return _english_verb(stripped)


def _chinese_verb(text: str) -> tuple[str | None, str | None]:
    match = _ZH_LEADING.match(text)
    if match:
        return match.group(3), match.group(0)
    words = segmenter.cut(text[:12])
    return (words[0], words[0]) if words else (None, None)


def _english_verb(text: str) -> tuple[str | None, str | None]:
    words = re.findall(r"[A-Za-z]+", text[:80])
    phrase: list[str] = []
    for word in words:
        phrase.append(word)
        if word.lower() not in _EN_SKIP:
            break
    if not phrase:
        return None, None
    base = [phrase[-1].lower()]
    following = words[len(phrase) : len(phrase) + 1]
    if following and following[0].lower() in _EN_PARTICLES and base[0] in {"calls", "taking", "takes"}:
        base.append(following[0].lower())
        phrase.append(following[0])
    return " ".join(base), " ".join(phrase)
