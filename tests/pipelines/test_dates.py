"""parse_date: a table of real date strings, the title fallback, and properties."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from items import DocumentItem
from pipelines.dates import PRECISIONS, DatesPipeline, date_from_title, parse_date

TABLE = tomllib.loads((Path(__file__).parent / "data" / "dates.toml").read_text())["date"]


def iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@pytest.mark.parametrize("case", TABLE, ids=[c["text"] or "(empty)" for c in TABLE])
def test_real_date_strings(case):
    parsed = parse_date(case["text"])
    assert (iso(parsed.start), iso(parsed.end), parsed.precision, parsed.circa) == (
        case["start"],
        case["end"],
        case["precision"],
        case["circa"],
    )


def test_the_table_is_large_and_covers_every_precision():
    assert len(TABLE) >= 60
    assert {c["precision"] for c in TABLE} == set(PRECISIONS)


def test_original_text_is_kept():
    assert parse_date("June 03, 1953").text == "June 03, 1953"


def test_unparsed_text_is_undated_with_a_warning():
    parsed = parse_date("Spring of the armistice")
    assert (parsed.start, parsed.precision) == (None, "undated")
    assert parsed.warning == "unparsed date: 'Spring of the armistice'"


@pytest.mark.parametrize(
    "text", ["1953", "June", "Sunday", "today", "yesterday", "3 days ago", "now"]
)
def test_never_todays_date(text):
    parsed = parse_date(text)
    today = dt.date.today()
    assert parsed.start is None or parsed.start.year != today.year


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Cable No. 21340, Mao Zedong to Filippov [Stalin], 30 June 1950", ("1950-06-30", "day")),
        (
            "Soviet-Korean Protocol about Temporarily Leaving Soviet Navy Subunits, March 1949",
            ("1949-03-01", "month"),
        ),
        (
            "Notes on Visit of General Clark with President Rhee (8:30-8:55, 27 July 1953)",
            ("1953-07-27", "day"),
        ),
        ("Telegram No. 418 from Vyshinsky, 29 October 1947", ("1947-10-29", "day")),
    ],
)
def test_title_ending_in_a_date(title, expected):
    parsed = date_from_title(title)
    assert (iso(parsed.start), parsed.precision) == expected


@pytest.mark.parametrize("title", ["Statement by President Syngman Rhee", "NSC 157/1", "", None])
def test_title_without_a_date(title):
    assert date_from_title(title) is None


def test_pipeline_falls_back_to_the_title_only_when_the_page_has_no_date():
    undated = DocumentItem(
        url="u", title="Cable No. 21340, Mao Zedong to Filippov [Stalin], 30 June 1950"
    )
    dated = DocumentItem(url="u", title=undated.title, date_text="July 1, 1950")
    for item in (undated, dated):
        DatesPipeline().process_item(item)
    assert (undated.date_start, undated.date_source) == ("1950-06-30", "title")
    assert (dated.date_start, dated.date_source) == ("1950-07-01", "page")


def test_pipeline_undated():
    item = DocumentItem(url="u", title="Draft Instructions", date_text=None)
    DatesPipeline().process_item(item)
    assert (item.date_start, item.date_end, item.date_precision, item.date_circa) == (
        None,
        None,
        "undated",
        False,
    )


@settings(deadline=None)  # properties, not timings
@given(st.text(max_size=60))
def test_no_input_raises_and_start_never_after_end(text):
    parsed = parse_date(text)
    assert parsed.precision in PRECISIONS
    assert (parsed.start is None) == (parsed.end is None) == (parsed.precision == "undated")
    if parsed.start:
        assert parsed.start <= parsed.end


@settings(deadline=None)  # properties, not timings
@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%B %-d, %Y", "%-d.%-m.%Y"]),
)
def test_any_written_day_round_trips(day, fmt):
    parsed = parse_date(day.strftime(fmt))
    assert (parsed.start, parsed.end, parsed.precision) == (day, day, "day")


@settings(deadline=None)  # properties, not timings
@given(st.integers(min_value=1000, max_value=2099), st.integers(min_value=1, max_value=12))
def test_a_month_spans_the_whole_month(year, month):
    parsed = parse_date(dt.date(year, month, 1).strftime("%B %Y"))
    assert parsed.start == dt.date(year, month, 1)
    assert (parsed.end + dt.timedelta(days=1)).day == 1
    assert parsed.precision == "month"
