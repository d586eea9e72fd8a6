"""The parsers against their stored cases, fixtures/cases/<parser>/<case>/ (fixtures/cases.py).

One small test per case and field (`current_document/113071-title`), each page parsed once.
A failure means the parser's output changed: fix the parser, or refresh the cases with
`make fixtures` and review the diff of expected.json.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from conftest import DOCUMENTS, SITE, page_path

from fixtures import cases

CASES = cases.disk_cases()
BY_ID = {case.id: case for case in CASES}


def _marks(case: cases.Case) -> list[pytest.MarkDecorator]:
    if case.available():
        return []
    return [pytest.mark.skip(reason=f"{case.input_path} not present (../shared is optional)")]


def _stored(case: cases.Case) -> dict[str, Any]:
    path = case.folder / cases.EXPECTED
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


FIELDS = [
    pytest.param(case.id, field, id=f"{case.id}-{field}", marks=_marks(case))
    for case in CASES
    for field in sorted(_stored(case))
]


@functools.cache
def output(case_id: str) -> dict[str, Any]:
    return cases.output(BY_ID[case_id])


@functools.cache
def expected(case_id: str) -> dict[str, Any]:
    return cases.expected(BY_ID[case_id])


@pytest.mark.parametrize(("case_id", "field"), FIELDS)
def test_field(case_id, field):
    assert output(case_id)[field] == expected(case_id)[field]


@pytest.mark.parametrize(
    "case_id", [pytest.param(case.id, id=case.id, marks=_marks(case)) for case in CASES]
)
def test_no_field_is_unexpected(case_id):
    """A field the parser now gives and expected.json lacks (a new field: refresh the cases)."""
    assert sorted(output(case_id)) == sorted(expected(case_id))


def test_every_case_folder_is_complete():
    """input.html (or source.txt naming a page outside the project), url.txt, expected.json."""
    assert CASES
    for case in CASES:
        files = {p.name for p in case.folder.iterdir()}
        page = cases.SOURCE if cases.SOURCE in files else cases.INPUT
        assert files == {page, cases.URL, cases.EXPECTED}, case.id
        assert case.url.startswith("https://"), case.id
        assert len((case.folder / cases.URL).read_text(encoding="utf-8").splitlines()) == 1
        assert case.parser in cases.PARSERS, case.id


def test_every_document_page_of_the_mirror_is_a_case():
    """Each page of fixtures/site/document/ is the page of a case, byte for byte."""
    inputs = {case.input_path.read_bytes(): case.id for case in CASES if case.available()}
    pages = sorted((SITE / "document").glob("*.html"))
    assert len(pages) == len(DOCUMENTS) + 1  # the documents and the challenge page
    missing = [p.name for p in pages if p.read_bytes() not in inputs]
    assert not missing, "no case for: " + ", ".join(missing)
    for doc in DOCUMENTS:  # … and each document's case is its generation's parser, by record id
        case = BY_ID[f"{doc['generation']}_document/{doc['record_id']}"]
        assert (SITE / page_path(doc)).read_bytes() == case.input_path.read_bytes()


def test_every_mirror_page_a_parser_reads_is_a_case():
    """Every page of fixtures/site/ but the Wayback captures (read through the unwrapper)."""
    declared = {case.id for case in cases.mirror_cases()}
    assert declared <= BY_ID.keys(), "run `make fixtures`: " + ", ".join(declared - BY_ID.keys())
    sources = {cases.PROJECT / case.source for case in cases.mirror_cases() if case.source}
    pages = {p for p in SITE.rglob("*.html") if "_wayback" not in p.relative_to(SITE).parts}
    assert pages == sources


def test_every_parser_has_a_case():
    assert {case.parser for case in CASES} == cases.PARSERS.keys()
