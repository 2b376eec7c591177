"""Where the benchmarks find ../shared/corpus (read in place, as the tests read it;
GA_SEARCH_SHARED_CORPUS moves it) and the files they read from it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = Path(os.environ.get("GA_SEARCH_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))
UNPC = SHARED_CORPUS / "raw" / "unpc_v1_testsets_anmt"


def shared_file(path: Path) -> Path:
    """A file of the shared corpus, or an exit that says where it was looked for."""
    if not path.exists():
        raise SystemExit(f"this benchmark reads {path} (../shared/corpus, in CI and the developers' checkouts)")
    return path
