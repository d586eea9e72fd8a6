"""models.changes.classify: the one rule for a re-crawled document, case by case."""

from __future__ import annotations

import datetime as dt

import pytest

from models.changes import Change, Incoming, Stored, classify

EARLY = dt.datetime(2019, 3, 15, 8, 45, 12)  # a Wayback Machine capture
LATE = dt.datetime(2021, 6, 1, 12, 0, 0)  # a later capture
GONE = dt.datetime(2025, 1, 1)  # when a document was marked withdrawn

# (case, stored, incoming, expected)
CASES = [
    ("not stored yet", None, Incoming("a"), Change.NEW),
    ("a capture not stored yet", None, Incoming("a", captured_at=EARLY), Change.NEW),
    ("same content", Stored("a"), Incoming("a"), Change.UNCHANGED),
    ("same content, was withdrawn", Stored("a", withdrawn_at=GONE), Incoming("a"), Change.RESTORED),
    ("new content", Stored("a"), Incoming("b"), Change.UPDATED),
    ("new content, was withdrawn", Stored("a", withdrawn_at=GONE), Incoming("b"), Change.UPDATED),
    ("page gone", Stored("a"), None, Change.WITHDRAWN),
    ("page gone, already withdrawn", Stored("a", withdrawn_at=GONE), None, Change.UNCHANGED),
    ("page gone, never stored", None, None, Change.UNCHANGED),
    ("capture over a live page", Stored("a"), Incoming("b", captured_at=EARLY), Change.UNCHANGED),
    (
        "older capture over a newer one",
        Stored("a", captured_at=LATE),
        Incoming("b", captured_at=EARLY),
        Change.UNCHANGED,
    ),
    (
        "the same capture again, other content",
        Stored("a", captured_at=EARLY),
        Incoming("b", captured_at=EARLY),
        Change.UNCHANGED,
    ),
    (
        "newer capture over an older one",
        Stored("a", captured_at=EARLY),
        Incoming("b", captured_at=LATE),
        Change.UPDATED,
    ),
    (
        "newer capture, same content",
        Stored("a", captured_at=EARLY),
        Incoming("a", captured_at=LATE),
        Change.UNCHANGED,
    ),
    ("live page over a capture", Stored("a", captured_at=EARLY), Incoming("b"), Change.UPDATED),
]


@pytest.mark.parametrize(
    ("stored", "incoming", "expected"),
    [
        pytest.param(stored, incoming, expected, id=case)
        for case, stored, incoming, expected in CASES
    ],
)
def test_classify(stored, incoming, expected):
    assert classify(stored, incoming) is expected
