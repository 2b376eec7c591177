"""README's table of limits says what the code does: each figure is its constant's value."""

from __future__ import annotations

import importlib
import re

from tests.conftest import ROOT

UNITS = {"KB": 1024, "MB": 1024**2, "GB": 1024**3, "s": 1, "characters": 1}


def _rows() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`") and "." in cells[2]:
            rows.append((cells[0], cells[1], cells[2].strip("`")))
    return rows


def test_every_figure_in_the_limits_table_is_its_constant() -> None:
    rows = _rows()
    assert len(rows) >= 15
    for what, limit, where in rows:
        module, _, name = where.rpartition(".")
        value = getattr(importlib.import_module(module), name)
        number = re.match(r"(\d+)\s*(KB|MB|GB|s|characters)?", limit)
        if number is None or isinstance(value, type):
            continue  # a rule, not a figure (redirects)
        expected = int(number.group(1)) * UNITS.get(number.group(2) or "", 1)
        assert value == expected, f"{what}: README says {limit}, {where} is {value}"
