"""A synthetic archive modelled on real documents: each synthetic document takes one real
document of bench/data/real_texts.jsonl (chosen by the seed) as its model and draws its words
mostly from that document's own words, a few from the whole vocabulary
(bench/data/vocabulary.tsv), with dates, archives and people, made from a seed so that every
run measures the same data."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Iterator

from bench.vocabulary import load, real_documents, words_of

# The words of the fixtures and the real captures with their frequencies (bench/vocabulary.py).
WORDS, COUNTS = load()
CUMULATIVE = list(itertools.accumulate(COUNTS))
# Real documents are topical: "armistice" is in a few of them across the archive, not in most.
# Sampling every document from the one vocabulary put each common word in most documents (a
# collection's words, telegram and armistice, in ~70% of 50,000); drawn from its model's own
# words, a word is in about as many synthetic documents as real ones (GLOBAL_SHARE of the words
# come from the whole vocabulary, so that a document is never a mere copy).
GLOBAL_SHARE = 0.05


def _model(words: list[str]) -> tuple[list[str], list[int]]:
    counts = Counter(words)
    return list(counts), list(itertools.accumulate(counts.values()))


MODELS = [_model(words_of(d)) for d in real_documents()]
MODELS = [m for m in MODELS if m[0]] or [(WORDS, CUMULATIVE)]
PEOPLE = ["Stalin, Joseph", "Mao, Zedong", "Zhou, Enlai", "Kim, Il Sung", "Molotov, Vyacheslav Mikhailovich",
          "Peng, Dehuai", "Rhee, Syngman", "Clark, Mark W.", "Vyshinsky, Andrei", "Gromyko, Andrei"]  # fmt: skip
ARCHIVES = [("APRF", "Archive of the President of the Russian Federation"),
            ("RGASPI", "Russian State Archive of Socio-Political History"),
            ("AVP RF", "Foreign Policy Archive of the Russian Federation"),
            ("PRC FMA", "Archives of the Ministry of Foreign Affairs of the People's Republic of China"),
            ("NARA", "National Archives and Records Administration")]  # fmt: skip
TYPES = ["Ciphered Telegram", "Cable", "Memorandum", "Record of Conversation", "Report", "Letter"]


def sentence(rng: random.Random, n: int, model: tuple[list[str], list[int]] | None = None) -> str:
    """n words: from the model document's distribution, GLOBAL_SHARE of them from the whole
    vocabulary (all of them without a model)."""
    if model is None:
        words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=n)
    else:
        common = sum(1 for _ in range(n) if rng.random() < GLOBAL_SHARE)
        words = rng.choices(model[0], cum_weights=model[1], k=n - common)
        words += rng.choices(WORDS, cum_weights=CUMULATIVE, k=common)
        rng.shuffle(words)
    return " ".join(words)[:1].upper() + " ".join(words)[1:] + "."


def documents(n: int, seed: int = 1953) -> Iterator[dict]:
    """n documents, each a dict of the fields the benchmarks need."""
    rng = random.Random(seed)
    start = dt.date(1945, 1, 1)
    for i in range(n):
        model = rng.choice(MODELS)
        day = start + dt.timedelta(days=rng.randrange(365 * 46))
        archive = rng.choice(ARCHIVES)
        sender, recipient = rng.sample(PEOPLE, 2)
        yield {
            "record_id": str(200000 + i),
            "title": f"{rng.choice(TYPES)} No. {rng.randrange(100, 99999)}, {sender.split(',')[0]} to {recipient.split(',')[0]}",
            "date": day,
            "summary": " ".join(sentence(rng, rng.randrange(8, 20), model) for _ in range(2)),
            "text": "\n\n".join(
                sentence(rng, rng.randrange(20, 60), model) for _ in range(rng.randrange(2, 6))
            ),
            "subjects": [
                f"{rng.choice(['Korea', 'China', 'Soviet Union', 'United States'])}--Foreign relations"
            ],
            "source": f"{archive[0]}, f. {rng.randrange(1, 600)}, op. {rng.randrange(1, 30)}, d. {rng.randrange(1, 900)}, ll. {rng.randrange(1, 90)}-{rng.randrange(91, 200)}.",
            "archive": archive,
            "people": [sender, recipient],
            "language": rng.choice(["Russian", "Chinese", "English", "Korean", "Polish"]),
        }
