"""Reading and writing the dates people type: pure functions of the text and ``today``.

Accepted: ``2027-03-12``, ``12.03.2027`` (day first, as written in Germany), ``March 12 2027``,
``12 March 2027``, ``Mar 12`` (the next one), ``friday`` / ``next friday``, ``today``,
``tomorrow``, ``in 3 weeks``; and for deliverables ``T-14`` (14 days before release day).
Slashed dates such as ``03/04/2027`` are refused with the readings they could have: half the world reads
them the other way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import InvalidOperation

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from bot.release.calendar import Calendar

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
RELATIVE = re.compile(r"^in\s+(a|an|one|\d+)\s+(day|days|week|weeks|month|months)$")
OFFSET = re.compile(r"^[tr]\s*(?:([+-])\s*(\d+)\s*(d|w)?)?$")
NAMED_DAY = re.compile(r"^(?:(next|this)\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*$")
# The longest form above ("wednesday, september 30 2027") fits with room to spare; longer text is no date,
# and refusing it before the readers keeps reading a long command linear.
MAX_DATE_TEXT = 40
MAX_DATE_WORDS = 5
# How far before a deadline on a day off its working day is looked for: longer than any holiday season.
MAX_SHIFT_DAYS = 31


class DateError(ValueError):
    """Why a date could not be read: an errors.j2 key and its facts, worded in the reader's language later."""

    def __init__(self, key: str, **facts):
        super().__init__(key)
        self.key = key
        self.facts = facts


@dataclass(frozen=True)
class ReleaseOffset:
    """A due date relative to release day: ``T-14`` is ``ReleaseOffset(-14)``."""

    days: int


def parse_date(text: str, *, today: date) -> date:
    """An absolute date from what a person typed (see the module docstring for the forms)."""
    value = " ".join(text.strip().lower().replace(",", " ").split())
    if not value:
        raise DateError("date_missing")
    if len(value) > MAX_DATE_TEXT:
        raise DateError("date_unreadable", text=text.strip())
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    if SLASHED.match(value):
        raise DateError("date_ambiguous", text=text.strip(), readings=slashed_readings(value))
    for reader in (_iso, _dotted, _relative, _weekday, _written):
        found = reader(value, today)
        if found is not None:
            return found
    raise DateError("date_unreadable", text=text.strip())


def parse_due(text: str, *, today: date) -> date | ReleaseOffset:
    """A due date: absolute, or ``T-14`` / ``T-2w`` / ``R-3`` / ``T`` relative to release day."""
    match = OFFSET.match(text.strip().lower()) if len(text.strip()) <= MAX_DATE_TEXT else None
    if match:
        sign, amount, unit = match.groups()
        days = int(amount or 0) * (7 if unit == "w" else 1)
        return ReleaseOffset(-days if sign == "-" else days)
    return parse_date(text, today=today)


def slashed_readings(value: str) -> list[date]:
    """The real dates a slashed ``a/b/y`` can mean: day first and month first, each once."""
    first, second, year = map(int, SLASHED.match(value).groups())
    year += 2000 if year < 100 else 0
    readings = []
    for day, month in ((first, second), (second, first)):
        try:
            reading = date(year, month, day)
        except ValueError:
            continue
        if reading not in readings:
            readings.append(reading)
    return readings


def _checked(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            raise DateError("no_such_date", day=day, month=month, year=year) from None
        raise DateError("no_such_month", text=text, month=month) from None


def _iso(value: str, _today: date) -> date | None:
    match = ISO.match(value)
    return _checked(*map(int, match.groups()), value) if match else None


def _dotted(value: str, _today: date) -> date | None:
    match = DOTTED.match(value)
    if not match:
        return None
    day, month, year = map(int, match.groups())
    return _checked(year + 2000 if year < 100 else year, month, day, value)


def _relative(value: str, today: date) -> date | None:
    match = RELATIVE.match(value)
    if not match:
        return None
    unit = match[2].rstrip("s") + "s"
    try:
        amount = 1 if match[1] in {"a", "an", "one"} else int(match[1])
        return today + relativedelta(**{unit: amount})
    except (ValueError, OverflowError):  # past the year 9999
        raise DateError("date_too_far", text=value) from None


def _weekday(value: str, today: date) -> date | None:
    """``friday`` and ``next friday`` both mean the first Friday after today, as most tools read them."""
    match = NAMED_DAY.match(value)
    if not match:
        return None
    wanted = next((i for i, name in enumerate(WEEKDAYS) if name.startswith(match[2])), None)
    if wanted is None or not WEEKDAYS[wanted].startswith(value.split()[-1]):
        return None
    ahead = (wanted - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead)


def _written(value: str, today: date) -> date | None:
    """``March 12 2027``, ``12 March 2027``, ``Mar 12`` (without a year: the next such day)."""
    if not any(month[:3] in value for month in MONTHS):
        return None
    words = value.replace(".", " ").split()
    if not any(word.isdigit() for word in words):
        return None
    try:
        # A leap-year default, so "Feb 29" without a year parses and is then placed in the right year.
        parsed = dateutil_parser.parse(value, default=datetime(2000, 1, 1), fuzzy=False)
    except (ValueError, OverflowError, InvalidOperation) as error:  # huge numbers break dateutil's arithmetic
        if "day is out of range" in str(error) or "must be in" in str(error):
            raise DateError("no_such_day", text=value) from None
        return None
    has_year = any(len(word) == 4 and word.isdigit() for word in words)
    if has_year:
        return parsed.date()
    return _next_on_or_after(parsed.month, parsed.day, today)


def _next_on_or_after(month: int, day: int, today: date) -> date:
    """The first ``month``/``day`` on or after ``today``: for 29 February, the next leap year's."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateError("no_such_day", text=f"{day}.{month}.")


def due_on_working_day(day: date, calendar: Calendar) -> date:
    """``day``, or the last working day before it: a deadline on a weekend, public holiday or quiet day is met
    the working day before, hard ones too. A day with no working day in :data:`MAX_SHIFT_DAYS` before it
    stays (a calendar with nothing open then cannot place it better)."""
    for back in range(min(MAX_SHIFT_DAYS, (day - date.min).days) + 1):
        candidate = day - timedelta(days=back)
        if calendar.is_workday(candidate):
            return candidate
    return day


def is_friday(day: date) -> bool:
    return day.weekday() == 4
