"""The benchmark's vocabulary and the real documents it models its synthetic ones on.

bench/data/real_texts.jsonl: 139 real documents of the Wilson Center Digital Archive, one JSON
object a line (slug, url, title, date, summary, text: the page's own words, tags stripped; the
English translation or transcript, cut at about 3,000 characters). They were read from captures
of the archive's document pages, https://digitalarchive.wilsoncenter.org/document/{slug}, kept
in the public GitHub repository banned-historical-archives/banned-historical-archives29 as
wcda/{slug}/index.html: the slugs its index lists first (alphabetically, a... to cable-no-14..,
of ~2,900) and the "Related Documents" those pages link to. They span many collections,
countries and decades (Stalin's cables, the Mitrokhin files, Sino-Indian, Sino-Japanese and
Sino-Soviet relations, the Jupiter missiles, Bulgarian and Polish party papers, the PCI's China
files, Japan in the Gulf crisis; 1944-1990), so that a word's share of the documents is the
archive's, not one collection's. Where a page has only a scan, the text is its summary; a few
records (from the Related Documents lists) have only a title, a date and a summary. The texts
are the archive's, kept here as benchmark data for research use under its terms of use (as
the crawl's captures are: docs/captures.md, "Licence").

bench/data/vocabulary.tsv: the words of those documents, of the fixtures' pages and of the
real captures in ../shared/site/real, with their counts (`python -m bench.vocabulary` rewrites
it). bench/synthetic.py draws each synthetic document's words from one real document's words,
and a few from this vocabulary."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VOCABULARY = Path(__file__).parent / "data" / "vocabulary.tsv"
REAL_TEXTS = Path(__file__).parent / "data" / "real_texts.jsonl"
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


def real_documents() -> list[dict[str, str]]:
    """The real documents of bench/data/real_texts.jsonl, in their order."""
    if not REAL_TEXTS.exists():
        return []
    lines = REAL_TEXTS.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def words_of(document: dict[str, str]) -> list[str]:
    """A real document's words (title, summary and text) in order, as bench/synthetic.py
    samples them."""
    text = " ".join(document.get(k) or "" for k in ("title", "summary", "text"))
    return [w for w in WORD.findall(URL.sub(" ", text)) if len(w) > 1 or w.lower() in ("a", "i")]


def sources() -> list[str]:
    texts = [
        "\n".join(d.get(k) or "" for k in ("title", "summary", "text")) for d in real_documents()
    ]
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
    lines = ["# word\tcount: the words of bench/data/real_texts.jsonl, fixtures/data/documents.toml,",
             "# fixtures/site/document/*.html and ../shared/site/real/*.html (python -m bench.vocabulary)"]  # fmt: skip
    VOCABULARY.write_text("\n".join(lines + [f"{w}\t{c}" for w, c in rows]) + "\n", "utf-8")
    print(f"{len(rows)} words, {sum(c for _, c in rows)} occurrences -> {VOCABULARY}")


if __name__ == "__main__":
    main()
