"""The storage layer's boundaries: Whoosh's internals used in one place, a pinned Whoosh version,
and the class paths an index's TOC pickles kept where the index format says."""

from __future__ import annotations

import ast
import pickle
import pickletools
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from indexer.schema import build_schema
from indexer.storage import INDEX_FORMAT_CLASSES, check_whoosh
from indexer.storage.index import INDEX_NAME
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analyzers", "indexer", "search_api")
STORAGE = ROOT / "indexer" / "storage"
# Private names of other libraries that are their documented public spelling.
PUBLIC_PRIVATES = {"os._exit", "etree._Element"}


def _pickled_globals(data: bytes) -> set[str]:
    # Protocol 2, as Whoosh writes the TOC: each class is one GLOBAL opcode naming its module.
    return {str(arg).replace(" ", ".") for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"}


def test_the_classes_an_index_pickles_are_the_documented_ones() -> None:
    pickled = _pickled_globals(pickle.dumps(build_schema(), 2))
    ours = {name for name in pickled if name.split(".")[0] in PACKAGES}
    assert ours == INDEX_FORMAT_CLASSES


def _private_uses(path: Path) -> list[str]:
    uses = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if ast.unparse(node) not in PUBLIC_PRIVATES:
                uses.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            uses += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith("_"):
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.arg}=")
    return uses


def test_only_the_storage_layer_uses_private_names() -> None:
    outside = [
        use
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if STORAGE not in path.parents
        for use in _private_uses(path)
    ]
    assert outside == []
    # The scan sees what it must: the storage layer's own uses.
    assert any("_finalize_segment" in use for path in STORAGE.glob("*.py") for use in _private_uses(path))


def test_the_search_side_reaches_the_index_only_through_schema_and_storage() -> None:
    allowed = {
        # The draft checker reads the draft a request carries with the readers: a file, not the index.
        "indexer.readers",
        "indexer.structure",
        "indexer.errors",
        "indexer.files",
        "indexer.schema",
        "indexer.model",
        "indexer.records",
        "indexer.manifest",
        "indexer.similarity",
        "indexer.sponsors",
        "indexer.formats",
        "indexer.verbs",
        # Highlighting marks a cited symbol where the clause's text cites it, read as indexing read it.
        "indexer.citations",
    }
    imported = set()
    for path in (ROOT / "search_api").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "search_api").parts:
            continue  # the CLI runs the indexer: it is a front end, not the search side
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("indexer"):
                imported.add(node.module)
    assert {m for m in imported if not m.startswith("indexer.storage")} <= allowed


def test_another_whoosh_version_is_refused_with_what_to_do() -> None:
    check_whoosh((2, 7, 4))
    with pytest.raises(ImportError, match=r"needs Whoosh 2\.7\.4 exactly.*pip install whoosh==2\.7\.4"):
        check_whoosh((2, 7, 5))


def test_a_searcher_reads_segment_files_in_place_without_copying_them(tmp_path: Path) -> None:
    """Whoosh's compound files are read from their memory map (indexer/storage/mapped.py), not copied
    into each searcher: opening one and reading every posting list allocates a small part of the
    segment files' size."""
    import tracemalloc

    from indexer.storage.mapped import MappedFile
    from indexer.writer import build_index

    build_index([SEEDS], tmp_path / "index", workers=1)
    ix = whoosh_index.open_dir(str(tmp_path / "index"), INDEX_NAME)
    segment_bytes = sum(p.stat().st_size for p in (tmp_path / "index").glob("*.seg"))
    tracemalloc.start()
    searcher = ix.searcher()
    reader = searcher.reader()
    for fieldname, text in list(reader.all_terms())[:2000]:
        reader.postings(fieldname, text).all_ids()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(reader._terms._postfile, MappedFile)
    assert held < segment_bytes / 4, (held, segment_bytes)
    searcher.close()


def _leaf_matcher(matcher: Any) -> Any:
    """Whoosh's matcher of one segment's postings, out of the filter its deletions wrap it in."""
    from whoosh.matching import WrappingMatcher

    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def test_posting_blocks_of_whoosh_s_own_writer(tmp_path: Path) -> None:
    """Whoosh's own writer (a merge by Whoosh, an old index) writes blocks of 128, values as tuples
    of bytes, weights of 1.0 as None: `posting_blocks` gives each term's postings as Whoosh's
    matchers do."""
    import numpy as np
    from whoosh import fields

    from indexer.storage.blocks import posting_blocks

    schema = fields.Schema(body=fields.TEXT(phrase=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        for number in range(300):
            writer.add_document(body=f"common words here and once{number} " + "again " * (number % 3))
    blocks = 0
    with ix.reader() as reader:
        for btext in reader.lexicon("body"):
            found = posting_blocks(reader, "body", btext, values=True)
            assert found is not None
            ids, weights, values = found
            matcher = _leaf_matcher(reader.postings("body", btext))
            blocks += len(ids)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            got = list(
                zip(
                    np.concatenate(ids).tolist(),
                    np.concatenate([np.asarray(w, dtype=np.float64) for w in weights]).tolist(),
                    [value for block in values for value in block],
                    strict=True,
                )
            )
            assert got == expected, btext
    assert blocks > 300  # "common" has three blocks


def test_posting_blocks_decode_what_whoosh_decodes(seed_index: Path) -> None:
    """`posting_blocks` undoes the ids' delta coding with NumPy and the mapped files peek ahead
    for the unpickler: every term's blocks (ids, weights, values) are Whoosh's own decoding."""
    import numpy as np
    from whoosh import index as whoosh_index

    from indexer.storage.blocks import posting_blocks
    from indexer.storage.index import INDEX_NAME

    ix = whoosh_index.open_dir(str(seed_index), INDEX_NAME)
    with ix.searcher() as searcher:
        checked = 0
        for reader, _ in searcher.leaf_searchers():
            leaf = reader.reader()
            for fieldname in ("text", "chars", "stems"):
                for btext in list(leaf.lexicon(fieldname))[::7]:
                    blocks = posting_blocks(leaf, fieldname, btext, values=True)
                    assert blocks is not None
                    ids, weights, values = blocks
                    matcher = _leaf_matcher(leaf.postings(fieldname, btext))
                    expected: list[tuple[list[int], list[float], list[object]]] = []
                    while matcher.is_active():
                        matcher._read_ids()
                        matcher._read_weights()
                        matcher._read_values()
                        expected.append((list(matcher._ids), list(matcher._weights), list(matcher._values)))
                        matcher._next_block()
                    got = [
                        (np.asarray(i).tolist(), list(w), list(v)) for i, w, v in zip(ids, weights, values, strict=True)
                    ]
                    assert got == expected, (fieldname, btext)
                    checked += 1
        assert checked > 300  # the seeds alone give about 740
        assert posting_blocks(leaf, "text", "不在索引中".encode(), values=True) is None
