"""The benchmark's vocabulary: the words of the fixtures' pages and the real captures with
their frequencies, extracted once into bench/data/vocabulary.tsv (`python -m bench.vocabulary`
rewrites it). bench/synthetic.py samples texts from it, so a searched word matches about as
many documents as it would in the archive."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VOCABULARY = Path(__file__).parent / "data" / "vocabulary.tsv"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
URL = re.compile(r"\S*(?:://|www\.|\.org|\.html)\S*")
MAX_WORDS = 5000


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _page_text(path: Path) -> str:
    import lxml.html

    tree = lxml.html.fromstring(path.read_bytes())
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return str(tree.text_content())


def sources() -> list[str]:
    texts = []
    data = tomllib.loads((PROJECT / "fixtures" / "data" / "documents.toml").read_text("utf-8"))
    texts += _strings(data)
    pages = sorted((PROJECT / "fixtures" / "site" / "document").glob("*.html"))
    pages += sorted((PROJECT.parent / "shared" / "site" / "real").glob("*.html"))
    texts += [_page_text(p) for p in pages]
    return texts


def extract() -> list[tuple[str, int]]:
    """(word, count), most frequent first; each word in its most frequent spelling."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    seen: set[str] = set()
    for text in sources():
        for paragraph in re.split(r"\s*\n\s*", text):
            if paragraph in seen:  # the pages' shared header, footer and labels: counted once
                continue
            seen.add(paragraph)
            for word in WORD.findall(URL.sub(" ", paragraph)):
                if len(word) < 2 and word.lower() not in ("a", "i"):
                    continue
                key = word.lower()
                counts[key] += 1
                forms.setdefault(key, Counter())[word] += 1
    return [(forms[k].most_common(1)[0][0], c) for k, c in counts.most_common(MAX_WORDS)]


def load() -> tuple[list[str], list[int]]:
    """The words and their counts, most frequent first."""
    words, counts = [], []
    for line in VOCABULARY.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, count = line.split("\t")
            words.append(word)
            counts.append(int(count))
    return words, counts


def main() -> None:
    rows = extract()
    lines = ["# word\tcount: the words of fixtures/data/documents.toml, fixtures/site/document/*.html",
             "# and ../shared/site/real/*.html (python -m bench.vocabulary)"]  # fmt: skip
    VOCABULARY.write_text("\n".join(lines + [f"{w}\t{c}" for w, c in rows]) + "\n", "utf-8")
    print(f"{len(rows)} words, {sum(c for _, c in rows)} occurrences -> {VOCABULARY}")


if __name__ == "__main__":
    main()
