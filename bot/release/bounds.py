"""What a person may set: dates within reach of a release, and text with something visible in it.

Every path that takes a date from a person (commands, forms, buttons, settings, playbook files) checks
it here, so a typo in a year cannot put a release where the scheduler's date arithmetic overflows, and a
refusal names the range that would have been accepted. Text is judged by the predicates the parser uses
(:func:`bot.release.slack_text.is_blank`, :func:`~bot.release.slack_text.has_nul`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from bot.release.calendar import Calendar
from bot.release.dates import due_on_working_day
from bot.release.parser import USAGE, Add, NewRelease
from bot.release.refusals import UserError
from bot.release.slack_text import has_nul, is_blank

# No label plans a campaign before this day; the year is almost certainly a typo.
EARLIEST = date(2000, 1, 1)
# A release day further out than this is almost certainly a typo in the year.
MAX_YEARS_AHEAD = 5
# A deliverable's due date lies within its release's span: prepared up to two years before release day,
# followed up (royalty statements, a vinyl repress) up to half a year after it.
DUE_DAYS_BEFORE = 730
DUE_DAYS_AFTER = 180
# Reminders are quieted for a while, not for ever.
MAX_SNOOZE_DAYS = 365
# The calendar day is this far behind and ahead of UTC somewhere on Earth (UTC−12 … UTC+14).
BEHIND_UTC, AHEAD_OF_UTC = timedelta(hours=12), timedelta(hours=14)


# -- text ------------------------------------------------------------------------------------------
def check_text(text: str | None, *, field: str, usage: str | None = None, about: str | None = None) -> None:
    """Refuse a title, name or reason that shows nothing or holds a NUL byte; ``field`` names it."""
    if text is None:
        return
    if has_nul(text):
        raise UserError("nul_byte", usage=usage, about=about)
    if is_blank(text):
        raise UserError("blank", usage=usage, about=about, field=field)


# -- release day -----------------------------------------------------------------------------------
def latest_release_day(today: date) -> date:
    return today + relativedelta(years=MAX_YEARS_AHEAD)


def check_release_day(day: date, *, today: date, usage: str, past: str = "release_date_past") -> None:
    """From today on and at most :data:`MAX_YEARS_AHEAD` years ahead; ``past`` is the refusal for the past."""
    _check_release_day(day, earliest_today=today, latest_today=today, usage=usage, past=past)


def _check_release_day(day: date, *, earliest_today: date, latest_today: date, usage: str, past: str) -> None:
    if day < earliest_today:
        raise UserError(past, usage=usage, about="release_date", day=day)
    if day > latest_release_day(latest_today):
        raise UserError("release_date_far", usage=usage, about="release_date", day=day, years=MAX_YEARS_AHEAD)


# -- due dates -------------------------------------------------------------------------------------
def due_span(release_day: date) -> tuple[date, date]:
    """The first and last day a deliverable of a release on ``release_day`` may be due."""
    earliest = max(EARLIEST, _shifted(release_day, -DUE_DAYS_BEFORE) or date.min)
    return earliest, _shifted(release_day, DUE_DAYS_AFTER) or date.max


def check_due(day: date, *, release_day: date, usage: str) -> None:
    earliest, latest = due_span(release_day)
    if not earliest <= day <= latest:
        raise UserError(
            "due_out_of_span",
            usage=usage,
            about="due",
            day=day,
            release_day=release_day,
            earliest=earliest,
            latest=latest,
        )


def due_from_offset(release_day: date, days: int, *, calendar: Calendar, usage: str) -> date:
    """``T-n``: ``days`` from release day (on a working day of ``calendar``), refused when it leaves the
    release's span."""
    day = _shifted(release_day, days) if -DUE_DAYS_BEFORE <= days <= DUE_DAYS_AFTER else None
    due = due_on_working_day(day, calendar) if day is not None else None
    if due is None or due < EARLIEST:
        raise UserError(
            "due_offset_out_of_span", usage=usage, about="due", days=days, before=DUE_DAYS_BEFORE, after=DUE_DAYS_AFTER
        )
    return due


# -- snoozes and settings --------------------------------------------------------------------------
def check_snooze(until: date, *, today: date, usage: str) -> None:
    if until <= today:
        raise UserError("snooze_future", usage=usage)
    latest = today + timedelta(days=MAX_SNOOZE_DAYS)
    if until > latest:
        raise UserError("snooze_far", usage=usage, day=until, latest=latest, days=MAX_SNOOZE_DAYS)


def check_quiet_days(days: list[str], *, today: date, usage: str) -> None:
    """The label's own days off: from :data:`EARLIEST` to as far ahead as a release may be."""
    latest = latest_release_day(today)
    for day in map(date.fromisoformat, days):
        if not EARLIEST <= day <= latest:
            raise UserError("quiet_day_out_of_range", usage=usage, day=day, earliest=EARLIEST, latest=latest)


# -- forms: checked from the submission alone, before anything is looked up -----------------------------
def check_submitted(command: NewRelease | Add, *, now: datetime) -> None:
    """What a form gets wrong in every timezone and for every release: the submitter's timezone and the
    release are in the database, and the domain checks again with them."""
    earliest_today, latest_today = todays_on_earth(now)
    if isinstance(command, NewRelease):
        check_text(command.title, field="title", about="title")
        check_text(command.artist, field="artist", about="artist")
        _check_release_day(command.release_date, earliest_today=earliest_today, latest_today=latest_today,
                           usage=USAGE["new"], past="release_date_past")  # fmt: skip
        return
    check_text(command.name, field="name", about="name")
    if not isinstance(command.due, date):
        return
    if command.due < earliest_today:
        raise UserError("due_past", usage=USAGE["add"], about="due", day=command.due)
    if command.due > latest_release_day(latest_today) + timedelta(days=DUE_DAYS_AFTER):
        raise UserError("release_date_far", usage=USAGE["add"], about="due", day=command.due, years=MAX_YEARS_AHEAD)


def todays_on_earth(now: datetime) -> tuple[date, date]:
    """The earliest and the latest date it is anywhere on Earth at ``now``."""
    utc = now.astimezone(UTC)
    return (utc - BEHIND_UTC).date(), (utc + AHEAD_OF_UTC).date()


def _shifted(day: date, days: int) -> date | None:
    """``day`` moved by ``days``, or None past either end of the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None
