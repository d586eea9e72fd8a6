"""What a re-crawled document is to the database: the one rule, as a pure function."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Change(StrEnum):
    NEW = "new"  # not stored yet
    UNCHANGED = "unchanged"  # same content (or an older capture than what is stored)
    RESTORED = "restored"  # same content, back on the site after it was withdrawn
    UPDATED = "updated"  # new content: the row is updated and the old values kept
    WITHDRAWN = "withdrawn"  # the page answers 404/410 now


@dataclass(frozen=True)
class Stored:
    """What the rule needs to know of the stored row."""

    content_hash: str
    captured_at: dt.datetime | None = None  # stored from a Wayback Machine capture
    withdrawn_at: dt.datetime | None = None


@dataclass(frozen=True)
class Incoming:
    content_hash: str
    captured_at: dt.datetime | None = None  # read from a Wayback Machine capture


def classify(stored: Stored | None, incoming: Incoming | None) -> Change:
    """`incoming` None: the document's page answered 404 or 410.

    A capture never overwrites a live page, nor a newer capture; a document whose page is
    gone is marked withdrawn once, never deleted."""
    if incoming is None:
        gone = stored is not None and stored.withdrawn_at is None
        return Change.WITHDRAWN if gone else Change.UNCHANGED
    if stored is None:
        return Change.NEW
    if incoming.captured_at is not None and (
        stored.captured_at is None or stored.captured_at >= incoming.captured_at
    ):
        return Change.UNCHANGED
    if stored.content_hash == incoming.content_hash:
        return Change.RESTORED if stored.withdrawn_at is not None else Change.UNCHANGED
    return Change.UPDATED
