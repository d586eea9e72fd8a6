"""Golden outputs of parse + normalize, kept while the parsers are made faster (issue 12).

This is a golden-output test of an optimisation, on purpose: the expectation is "identical
to before", nothing more. `parse_outputs.json` was written from the code as it was before
the parse-speed work, and every page below must still give exactly that: `parse_page`, then
the normalizing pipelines (clean, dates, citations, names) on a document's item (the clean
pipeline alone on the other results), serialized with the exact types of the values (an
enum stays an enum, a str subclass shows up), plus the counters the pipelines raised.

The pages: every case of fixtures/cases/ (the mirror's pages and the real captures of
../shared/site/real/, when present), the Wayback captures of fixtures/site/_wayback/
(unwrapped, as the spider reads them), the first 300 rendered document pages and 5 catalog
pages of the benchmark's mirror (bench/mirror.py), and truncated copies of the document
pages (the parsers must degrade the same way). The real captures are stored in full, so that
a difference is readable; every other page as a digest of its output (their parser outputs
are in fixtures/cases/*/expected.json already: compare with those to see what moved).

    .venv/bin/python tests/spiders/pages/test_parse_outputs.py   # rewrite parse_outputs.json

Rewrite it only for a deliberate change of the parsers' output (and review the diff):
`make fixtures` refreshes the per-parser expectations, this file the whole chain's.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[3]
if __name__ == "__main__":  # run as a script: the imports pytest's pythonpath gives
    sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]

from fixtures import build, cases  # noqa: E402
from pipelines.citations import CitationsPipeline  # noqa: E402
from pipelines.clean import CleanTextPipeline  # noqa: E402
from pipelines.dates import DatesPipeline  # noqa: E402
from pipelines.names import NamesPipeline  # noqa: E402
from spiders.pages import DocumentPage, parse_page  # noqa: E402
from spiders.pages.wayback import capture_url, parse_capture_url, unwrap  # noqa: E402

EXPECTED = Path(__file__).with_name("parse_outputs.json")
WAYBACK = build.SITE / "_wayback"
MIRROR_DOCUMENTS, MIRROR_LISTINGS = 300, 5
TRUNCATIONS = (0.3, 0.6, 0.9)
# Fields added to the items since the outputs were written, which no parser sets (the spider
# does, from the request: the capture of the response): left out while they are None.
NOT_PARSED = frozenset({"capture"})


class Counts:
    """The stats collector the pipelines are given: what they counted, by key."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count


def exact(value: Any) -> Any:
    """JSON of a value that keeps its type: enums and non-plain types are marked."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, enum.Enum):
        return {"<enum>": f"{type(value).__name__}.{value.name}"}
    if type(value) is list:
        return [exact(v) for v in value]
    if type(value) is tuple:
        return {"<tuple>": [exact(v) for v in value]}
    if type(value) is dict:
        return {str(k): exact(v) for k, v in value.items()}
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {"<dataclass>": type(value).__name__} | {
            name: exact(getattr(value, name))
            for name in fields
            if name not in NOT_PARSED or getattr(value, name) is not None
        }
    return {"<type>": type(value).__qualname__, "value": repr(value)}


def parsed_and_normalized(html: str, url: str) -> dict[str, Any]:
    counts = Counts()
    result = parse_page(html, url)
    if isinstance(result, DocumentPage):
        normalizers = (
            CleanTextPipeline(),
            DatesPipeline(counts),
            CitationsPipeline(counts),
            NamesPipeline(),
        )
        for normalizer in normalizers:
            normalizer.process_item(result.item)
    else:
        CleanTextPipeline().process_item(result)  # type: ignore[arg-type]  # cleans any dataclass
    return {"result": exact(result), "counts": counts.values}


def digest(output: dict[str, Any]) -> str:
    text = json.dumps(output, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- the pages ---------------------------------------------------------------------------------


def case_pages() -> Iterator[tuple[str, str, str]]:
    for case in cases.disk_cases():
        if case.available():
            yield f"case:{case.id}", case.input_path.read_text(encoding="utf-8"), case.url


def wayback_pages() -> Iterator[tuple[str, str, str]]:
    for path in sorted(WAYBACK.rglob("*.html")):
        timestamp, relative = path.relative_to(WAYBACK).as_posix().split("/", 1)
        capture = parse_capture_url(capture_url(timestamp, cases.site_url(relative)))
        assert capture is not None
        html = unwrap(path.read_text(encoding="utf-8"), capture)
        yield f"wayback:{timestamp}/{relative}", html, capture.original_url


def mirror_pages() -> Iterator[tuple[str, str, str]]:
    from bench.mirror import Archive

    archive = Archive(MIRROR_DOCUMENTS)
    for doc in archive.docs:
        slug = doc["slug"]
        page = archive.document_page(slug).decode()
        yield f"mirror:document/{slug}", page, f"http://127.0.0.1/document/{slug}"
    for number in range(MIRROR_LISTINGS):
        page = archive.listing_page(number).decode()
        yield f"mirror:search?page={number}", page, f"http://127.0.0.1/search?page={number}"


def truncated_pages() -> Iterator[tuple[str, str, str]]:
    for key, html, url in case_pages():
        if key.startswith(("case:current_document/", "case:legacy_document/")):
            for share in TRUNCATIONS:
                yield f"truncated:{share}:{key[5:]}", html[: int(len(html) * share)], url


def is_real(key: str) -> bool:
    return key.split("/", 1)[-1].startswith("real-")


def outputs() -> dict[str, Any]:
    """Every page's output: in full for the real captures, as a digest for the rest."""
    found: dict[str, Any] = {}
    for key, html, url in [*case_pages(), *wayback_pages(), *mirror_pages(), *truncated_pages()]:
        output = parsed_and_normalized(html, url)
        found[key] = output if is_real(key) else digest(output)
    return found


# -- the test ----------------------------------------------------------------------------------


@functools.cache
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


@functools.cache
def current() -> dict[str, Any]:
    return outputs()


def test_every_page_is_checked():
    """Each stored page is produced again (the real captures only where ../shared is)."""
    missing = sorted(key for key in expected().keys() - current().keys() if not is_real(key))
    assert not missing, missing
    assert current().keys() <= expected().keys(), sorted(current().keys() - expected().keys())


@pytest.mark.parametrize("prefix", ["case:", "wayback:", "mirror:", "truncated:"])
def test_outputs_are_as_before(prefix):
    changed = [
        key
        for key, output in current().items()
        if key.startswith(prefix) and output != expected().get(key)
    ]
    assert not changed, f"{len(changed)} pages changed: {changed[:10]}"


if __name__ == "__main__":
    text = json.dumps(outputs(), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    EXPECTED.write_text(text, encoding="utf-8")
    print(f"{EXPECTED}: {len(text) / 1e6:.2f} MB")
