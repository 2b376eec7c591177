"""search_api/'s folders are layers and imports go one way, down (issue 29, item 21):

    faces (cli/, http/)  ->  engine.py  ->  features/  ->  core/  ->  vocabulary (the root's
    models, errors, facets, params, labels, links)

A module may import its own layer and the layers below, never one above (and so no circle)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "search_api"
FOLDERS = {"core": 1, "features": 2, "cli": 4, "http": 4}
ROOT_MODULES = {"engine": 3, "models": 0, "errors": 0, "facets": 0, "params": 0, "labels": 0, "links": 0}


def layer(module: str) -> int:
    name = module.split(".")[1]
    return FOLDERS[name] if name in FOLDERS else ROOT_MODULES[name]


def _module(path: Path) -> str:
    name = "search_api." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return name.removesuffix(".__init__").removesuffix(".__main__")


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("search_api."):
            is_folder = node.module.count(".") == 1 and node.module.split(".")[1] in FOLDERS
            found += [f"{node.module}.{alias.name}" for alias in node.names] if is_folder else [node.module]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("search_api.")]
    return found


def test_every_module_sits_in_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if module.count(".") >= 1:
            layer(module)  # a KeyError names a module the layers do not place


def test_imports_only_go_down() -> None:
    upward = []
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if module.count(".") == 0:
            continue
        upward += [(module, target) for target in _imports(path) if layer(target) > layer(module)]
    assert upward == []
