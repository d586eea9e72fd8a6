"""Every write of a crawl, through one engine, by table family.

Each family has its own module: documents (with their URLs, versions, revisions, names and
citations), collections, fetch state, rejected items; runs are in models/runs.py. What a
re-crawled document is (new, unchanged, updated, withdrawn) is decided in models/changes.py.
"""

from __future__ import annotations

from sqlalchemy import Engine

from models.collections import CollectionStore
from models.documents import DocumentStore, SaveResult
from models.fetch_state import FetchStateStore
from models.rejects import RejectStore

__all__ = ["ArchiveStore", "SaveResult"]


class ArchiveStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.documents = DocumentStore(engine)
        self.collections = CollectionStore(engine)
        self.fetch_state = FetchStateStore(engine)
        self.rejects = RejectStore(engine)
