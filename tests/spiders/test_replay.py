"""Which capture answers a URL in a re-parse (spiders/replay.py): the newest definitive
answer across the WACZs given, a transient one only when there is nothing else, never a
revisit (it has no body)."""

from __future__ import annotations

import gzip
import json
import zipfile

from spiders.replay import CapturesIndex

URL = "https://digitalarchive.wilsoncenter.org/document/1"


def wacz(path, *lines: tuple[str, int, int, bool]):
    """A WACZ holding only a CDXJ index: (timestamp, status, offset, revisit) per line."""
    rows = [
        f"org,wilsoncenter,digitalarchive)/document/1 {ts} "
        + json.dumps({"url": URL, "status": str(status), "offset": str(offset), "length": "10",
                      "filename": f"{path.stem}.warc.gz",
                      **({"mime": "warc/revisit"} if revisit else {"mime": "text/html"})})
        for ts, status, offset, revisit in lines
    ]  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("indexes/index.cdx.gz", gzip.compress("\n".join(rows).encode()))
    return path


def answer(*files):
    found = CapturesIndex(list(files)).find(URL)
    assert found is not None
    return found.wacz.name, found.entry.offset


def test_the_newest_full_answer_wins_across_files(tmp_path):
    old = wacz(tmp_path / "a.wacz", ("20260101000000", 200, 1, False))
    new = wacz(tmp_path / "b.wacz", ("20260201000000", 200, 2, False))
    assert answer(old, new) == ("b.wacz", 2)
    assert answer(new, old) == ("b.wacz", 2)


def test_a_challenge_or_a_503_does_not_stand_for_the_page(tmp_path):
    good = wacz(tmp_path / "a.wacz", ("20260101000000", 200, 1, False))
    bad = wacz(tmp_path / "b.wacz", ("20260201000000", 403, 2, False),
               ("20260201000001", 503, 3, False), ("20260201000002", 429, 4, False))  # fmt: skip
    assert answer(good, bad) == ("a.wacz", 1)
    assert answer(bad) == ("b.wacz", 4)  # nothing better: the newest, to fail as it did


def test_a_withdrawn_page_is_definitive(tmp_path):
    good = wacz(tmp_path / "a.wacz", ("20260101000000", 200, 1, False))
    gone = wacz(tmp_path / "b.wacz", ("20260201000000", 404, 2, False))
    assert answer(good, gone) == ("b.wacz", 2)


def test_a_revisit_is_answered_by_the_last_full_capture(tmp_path):
    full = wacz(tmp_path / "a.wacz", ("20260101000000", 200, 1, False))
    revisit = wacz(tmp_path / "b.wacz", ("20260201000000", 304, 2, True))
    assert answer(full, revisit) == ("a.wacz", 1)
    assert CapturesIndex([revisit]).find(URL) is None


def test_retries_within_one_second_keep_their_order(tmp_path):
    one = wacz(tmp_path / "a.wacz", ("20260101000000", 503, 1, False),
               ("20260101000000", 200, 5, False))  # fmt: skip
    assert answer(one) == ("a.wacz", 5)
