"""A synthetic archive: documents in the vocabulary of the real archive
(bench/data/vocabulary.tsv, word frequencies of the fixtures and real captures), with dates,
archives and people, made from a seed so that every run measures the same data."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator

from bench.vocabulary import load

# The words of the fixtures and the real captures with their frequencies (bench/vocabulary.py):
# sampled by frequency, a common word matches most documents and a rare one a few, as in the
# archive (the old 64-word list made every term match about 90% of them).
WORDS, COUNTS = load()
CUMULATIVE = list(itertools.accumulate(COUNTS))
PEOPLE = ["Stalin, Joseph", "Mao, Zedong", "Zhou, Enlai", "Kim, Il Sung", "Molotov, Vyacheslav Mikhailovich",
          "Peng, Dehuai", "Rhee, Syngman", "Clark, Mark W.", "Vyshinsky, Andrei", "Gromyko, Andrei"]  # fmt: skip
ARCHIVES = [("APRF", "Archive of the President of the Russian Federation"),
            ("RGASPI", "Russian State Archive of Socio-Political History"),
            ("AVP RF", "Foreign Policy Archive of the Russian Federation"),
            ("PRC FMA", "Archives of the Ministry of Foreign Affairs of the People's Republic of China"),
            ("NARA", "National Archives and Records Administration")]  # fmt: skip
TYPES = ["Ciphered Telegram", "Cable", "Memorandum", "Record of Conversation", "Report", "Letter"]


def sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=n)
    return " ".join(words)[:1].upper() + " ".join(words)[1:] + "."


def documents(n: int, seed: int = 1953) -> Iterator[dict]:
    """n documents, each a dict of the fields the benchmarks need."""
    rng = random.Random(seed)
    start = dt.date(1945, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(365 * 46))
        archive = rng.choice(ARCHIVES)
        sender, recipient = rng.sample(PEOPLE, 2)
        yield {
            "record_id": str(200000 + i),
            "title": f"{rng.choice(TYPES)} No. {rng.randrange(100, 99999)}, {sender.split(',')[0]} to {recipient.split(',')[0]}",
            "date": day,
            "summary": " ".join(sentence(rng, rng.randrange(8, 20)) for _ in range(2)),
            "text": "\n\n".join(
                sentence(rng, rng.randrange(20, 60)) for _ in range(rng.randrange(2, 6))
            ),
            "subjects": [
                f"{rng.choice(['Korea', 'China', 'Soviet Union', 'United States'])}--Foreign relations"
            ],
            "source": f"{archive[0]}, f. {rng.randrange(1, 600)}, op. {rng.randrange(1, 30)}, d. {rng.randrange(1, 900)}, ll. {rng.randrange(1, 90)}-{rng.randrange(91, 200)}.",
            "archive": archive,
            "people": [sender, recipient],
            "language": rng.choice(["Russian", "Chinese", "English", "Korean", "Polish"]),
        }
