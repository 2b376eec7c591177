"""Reading UN General Assembly documents and writing the ga-search index.

Importing any part of it checks the Whoosh version first (indexer/storage/__init__.py), because
the storage layer uses that version's internals.
"""

from __future__ import annotations

from indexer.storage import check_whoosh

__all__ = ["check_whoosh"]
