"""The search benchmark's synthetic archive is modelled on real documents: a word is in about as
many synthetic documents as real ones, not in most of them because it is frequent overall."""

from __future__ import annotations

import random
import re

from bench.synthetic import GLOBAL_SHARE, MODELS, documents, sentence
from bench.vocabulary import real_documents, words_of

WORD = re.compile(r"[^\W\d_]+")


def _shares(texts: list[set[str]], words: list[str]) -> dict[str, float]:
    return {w: sum(1 for t in texts if w in t) / len(texts) for w in words}


def test_the_real_documents_are_recorded_with_their_source():
    real = real_documents()
    assert len(real) >= 100
    assert len({d["slug"] for d in real}) == len(real)
    for d in real:
        assert d["url"] == f"https://digitalarchive.wilsoncenter.org/document/{d['slug']}"
        assert d["title"] and d["date"] and d["text"] and len(d["text"]) <= 3000
    assert len(MODELS) == len(real)  # one model per real document


def test_a_word_is_in_about_as_many_synthetic_documents_as_real_ones():
    real = [{w.lower() for w in words_of(d)} for d in real_documents()]
    synthetic = [
        {w.lower() for w in WORD.findall(f"{d['summary']} {d['text']}")} for d in documents(2000)
    ]
    topical = ["armistice", "nuclear", "taiwan", "kgb", "india", "disarmament"]
    have, expected = _shares(synthetic, topical), _shares(real, topical)
    for word in topical:
        assert have[word] < 0.15, word  # the old corpus had "armistice" in 69%
        assert expected[word] / 3 <= have[word] <= expected[word] * 3, (word, have, expected)
    assert _shares(synthetic, ["the"])["the"] > 0.9  # and the common words in nearly all


def test_a_document_draws_mostly_from_its_model():
    rng = random.Random(1)
    words = sentence(rng, 2000, (["zebra"], [1])).rstrip(".").lower().split()
    share = words.count("zebra") / len(words)
    assert 1 - 2 * GLOBAL_SHARE < share < 1  # the rest from the whole vocabulary


def test_the_archive_is_the_same_on_every_run():
    assert list(documents(50)) == list(documents(50))
    assert list(documents(50, seed=1)) != list(documents(50))
