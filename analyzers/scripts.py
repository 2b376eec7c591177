"""The writing systems the analysis tells apart, defined once for every module that needs them.

CJK ideographs: the Unified block, Extension A and the Compatibility block (where some
traditional forms that OpenCC converts live). Other scripts (Latin, Cyrillic, Arabic) are told
apart by Unicode categories where the code needs them.
"""

from __future__ import annotations

import re

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")


def is_cjk(char: str) -> bool:
    return bool(CJK_CHAR.match(char))


def cjk_count(text: str) -> int:
    """How many CJK ideographs `text` has."""
    return len(CJK_CHAR.findall(text))
