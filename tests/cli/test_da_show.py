"""`da show` finds a document by record id, by URL (canonical, crawled, with a trailing slash
or a query) or by slug; `--text` prints its translations as plain text. On the offline
crawl, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from conftest import DOCUMENTS
from test_cli import MAO, da

SITE = "https://digitalarchive.wilsoncenter.org"
DOC = next(d for d in DOCUMENTS if d["record_id"] == MAO)
SLUG = DOC["slug"]  # ciphered-telegram-no-23256-mao-zedong-cde-filippov-stalin


def record_of(capsys, db: str, key: str) -> str:
    code, out, err = da(capsys, "--db", db, "show", key, "--json")
    assert code == 0, err
    return json.loads(out)["record_id"]


@pytest.mark.parametrize(
    "key",
    [MAO, f" {MAO} ", f"{SITE}/document/{SLUG}", f"{SITE}/document/{SLUG}/",
     f"{SITE}/document/{SLUG}?utm_source=x#top", SLUG, f"{SITE}/document/{MAO}"],
)  # fmt: skip
def test_show_by_record_id_url_or_slug(capsys, crawled_db, key):
    assert record_of(capsys, crawled_db, key) == MAO


@pytest.mark.parametrize(
    "key", ["no-such-slug", f"{SITE}/document/no-such-slug", "ciphered-telegram"]
)
def test_an_unknown_key_is_one_line(capsys, crawled_db, key):
    code, out, err = da(capsys, "--db", crawled_db, "show", key)
    assert (code, out, err) == (2, "", f"da show: no document with record id {key!r}\n")


def test_text_is_the_translation_as_plain_text(capsys, crawled_db):
    code, out, err = da(capsys, "--db", crawled_db, "show", SLUG, "--text")
    assert code == 0, err
    assert out.startswith("From BEIJING 01:30 27.8.1951\n\nTo Comrade FILIPPOV [Stalin]\n\n")
    assert "<" not in out and "&amp;" not in out
    assert out == "\n\n".join(DOC["body"]) + "\n"


def test_text_of_a_document_without_a_translation(capsys, crawled_db):
    doc = next(d for d in DOCUMENTS if not d["translation_languages"])
    code, out, err = da(capsys, "--db", crawled_db, "show", doc["record_id"], "--text")
    assert (code, out) == (2, "")
    assert err == f"da show: document {doc['record_id']!r} has no translation\n"
