"""Dates as the archive shows them -> real date ranges with a precision.

`parse_date("March 1949")` gives start 1949-03-01, end 1949-03-31, precision "month". The
common forms go through a fast path of regular expressions; what they miss goes to dateparser,
guarded against its traps: a bare year or a partial string filled in with today's month and
day, day/month order in dotted dates, relative dates ("yesterday"). What cannot be parsed is
"undated" with a warning, never today's date. The original text is always kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from items import TITLE_DATE, DatePrecision, DocumentItem, Item

PRECISIONS = tuple(DatePrecision)
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
MONTH = r"(?P<{0}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
UNDATED = re.compile(
    r"^(?:|undated|n\.\s?d\.?|no date|date unknown|unknown date|\[?undated\]?)$", re.I
)
CIRCA = re.compile(r"^(?:c\.|ca\.|circa|approx\.|approximately|about|around)\s*", re.I)
TIME = re.compile(r"^\d{1,2}[:.]\d{2}\s+")  # "01:30 27.8.1951": the time is not part of the date
RELATIVE = re.compile(r"\b(?:ago|yesterday|today|tomorrow|now|last|next|this)\b", re.I)
MIN_YEAR, MAX_YEAR = 1000, 2100


@dataclass(frozen=True)
class ParsedDate:
    text: str | None
    start: dt.date | None
    end: dt.date | None
    precision: DatePrecision
    circa: bool = False
    warning: str | None = None

    @property
    def is_dated(self) -> bool:
        return self.start is not None


def _p(pattern: str) -> re.Pattern[str]:
    """Compile a fast-path pattern: {M}/{M2} stand for a month name, whole-string match."""
    return re.compile(
        "^" + pattern.replace("{M}", MONTH.format("m")).replace("{M2}", MONTH.format("m2")) + "$",
        re.I,
    )


Y, D = r"(?P<y>\d{4})", r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
FAST = [
    ("day", _p(r"{M}\s+" + D + r",?\s+" + Y)),  # November 21, 1951 / June 03, 1953
    ("day", _p(D + r"\s+(?:of\s+)?{M},?\s+" + Y)),  # 12 May 1947
    ("day", _p(Y + r"-(?P<mm>\d{2})-(?P<d>\d{2})")),  # 1953-07-27
    ("day", _p(r"(?P<d>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<y>\d{4})")),  # 27.8.1951, day first
    ("month", _p(r"{M},?\s+" + Y)),  # March 1949 / June, 1934
    ("month", _p(Y + r"-(?P<mm>\d{2})")),  # 1953-07
    ("month", _p(r"(?P<mm>\d{1,2})\.(?P<y>\d{4})")),  # 8.1951
    ("year", _p(Y)),
    ("decade", _p(r"(?:the\s+)?(?P<y>\d{3}0)'?s")),  # 1950s
]
RANGES = [
    _p(r"{M}\s+(?P<d>\d{1,2})\s*[-–—]\s*(?P<d2>\d{1,2}),?\s+" + Y),  # August 1-3, 1961
    _p(r"(?P<d>\d{1,2})\s*[-–—]\s*(?P<d2>\d{1,2})\s+{M},?\s+" + Y),  # 12-14 May 1947
    _p(
        r"{M}\s+(?P<d>\d{1,2})\s*(?:[-–—]|to)\s*{M2}\s+(?P<d2>\d{1,2}),?\s+" + Y
    ),  # June 29 to July 5, 1948
    _p(
        r"(?P<d>\d{1,2})\s+{M}\s*(?:[-–—]|to)\s*(?P<d2>\d{1,2})\s+{M2},?\s+" + Y
    ),  # 29 June - 5 July 1948
    _p(r"{M}\s*[-–—]\s*{M2},?\s+" + Y),  # June-July 1961
    _p(r"(?P<y>\d{4})\s*[-–—]\s*(?P<y2>\d{2,4})"),  # 1951-1953, 1951-53
]
RANGE_SPLIT = re.compile(r"\s+(?:[-–—]|to|until|through)\s+|\s*[–—]\s*", re.I)
BARE_HYPHEN = re.compile(r"-")


def parse_date(text: str | None) -> ParsedDate:
    """Parse a displayed date. Never raises; never returns a date it did not read."""
    original = text
    cleaned = " ".join((text or "").replace("\u00a0", " ").split()).strip(" .,;[]()")
    if UNDATED.match(cleaned):
        return ParsedDate(original, None, None, DatePrecision.UNDATED)
    circa = bool(CIRCA.match(cleaned))
    cleaned = TIME.sub("", CIRCA.sub("", cleaned)).strip(" ?")
    parsed = _fast(cleaned) or _range(cleaned) or _fallback(cleaned)
    if parsed is None:
        return ParsedDate(
            original, None, None, DatePrecision.UNDATED, circa, f"unparsed date: {cleaned!r}"
        )
    start, end, precision = parsed
    return ParsedDate(original, start, end, DatePrecision(precision), circa)


def _fast(text: str) -> tuple[dt.date, dt.date, str] | None:
    for precision, pattern in FAST:
        match = pattern.match(text)
        if match:
            return _span(match.groupdict(), precision)
    return None


def _span(parts: dict[str, Any], precision: str) -> tuple[dt.date, dt.date, str] | None:
    """The first and last day that a date of this precision covers; None if impossible."""
    try:
        year = int(parts["y"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        if precision == "decade":
            return dt.date(year, 1, 1), dt.date(year + 9, 12, 31), "decade"
        if precision == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
        month = MONTHS[parts["m"].lower()] if parts.get("m") else int(parts["mm"])
        if precision == "month":
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "month"
        day = dt.date(year, month, int(parts["d"]))
        return day, day, "day"
    except (ValueError, KeyError):
        return None


def _range(text: str) -> tuple[dt.date, dt.date, str] | None:
    for pattern in RANGES:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            if parts.get("y2"):
                y2 = parts["y2"]
                y2 = parts["y"][: 4 - len(y2)] + y2
                left, right = _span(parts, "year"), _span({"y": y2}, "year")
            elif parts.get("d"):
                left = _span(parts, "day")
                right = _span(
                    {**parts, "d": parts["d2"], "m": parts.get("m2") or parts["m"]}, "day"
                )
            else:
                left = _span(parts, "month")
                right = _span({**parts, "m": parts["m2"]}, "month")
            return _join(left, right)
    for splitter in (RANGE_SPLIT, BARE_HYPHEN):  # "June 1961 - July 1961", "July 1951-July 1953"
        sides = splitter.split(text)
        if len(sides) == 2:
            left, right = (_fast(s.strip()) or _fallback(s.strip()) for s in sides)
            if left and right:
                return _join(left, right)
    return None


def _join(left, right) -> tuple[dt.date, dt.date, str] | None:
    if left is None or right is None or left[0] > right[1]:
        return None
    return left[0], right[1], "range"


@lru_cache(maxsize=1)
def _dateparser():
    from dateparser.date import DateDataParser

    # Absolute dates only (no "3 days ago"), a year required, day first in numeric dates.
    return DateDataParser(
        languages=["en", "ru", "de", "fr", "pl", "hu", "zh"],
        settings={
            "PARSERS": ["absolute-time"],
            "REQUIRE_PARTS": ["year"],
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _fallback(text: str) -> tuple[dt.date, dt.date, str] | None:
    """dateparser for the rare forms, behind guards for its known traps."""
    if not text or RELATIVE.search(text) or len(text) > 60:
        return None
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if len(years) != 1:
        return None  # no year written: dateparser would fill in the current one
    try:
        data = _dateparser().get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None or str(data.date_obj.year) != years[0]:
        return None
    period = data.period if data.period in {"day", "month", "year"} else "day"
    parts = {"y": years[0], "mm": data.date_obj.month, "d": data.date_obj.day}
    return _span(parts, period)


def date_from_title(title: str | None) -> ParsedDate | None:
    """The date at the end of a title ("…, 30 June 1950"), when there is one."""
    match = TITLE_DATE.search(title or "")
    if not match:
        return None
    parsed = parse_date(match.group("date"))
    return parsed if parsed.is_dated else None


class DatesPipeline:
    """Adds date_start, date_end (ISO), date_precision, date_circa and date_source."""

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> DatesPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Item) -> Item:
        if not isinstance(item, DocumentItem):
            return item
        parsed, source = parse_date(item.date_text), "page"
        if not parsed.is_dated:
            from_title = date_from_title(item.title)
            if from_title is not None:
                parsed, source = from_title, "title"
        if parsed.warning and self.stats is not None:
            self.stats.inc_value("archive/date_warnings")
        item.date_start = parsed.start.isoformat() if parsed.start else None
        item.date_end = parsed.end.isoformat() if parsed.end else None
        item.date_precision = parsed.precision
        item.date_circa = parsed.circa
        item.date_source = source if parsed.is_dated else None
        return item
