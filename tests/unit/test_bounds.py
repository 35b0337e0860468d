"""The bounds on what a person may set, on their own: which days each date-taking path accepts, and text
that shows nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.release import bounds
from bot.release.calendar import Calendar
from bot.release.parser import Add, NewRelease
from bot.release.refusals import UserError
from bot.release.slack_text import is_blank

MONDAY = date(2027, 1, 4)
RELEASE_DAY = date(2027, 3, 12)
USAGE = "usage"
# Any day the calendar has, and any number of days: what a person can type once the parser has read it.
DAYS = st.dates(date.min, date.max)
OFFSETS = st.one_of(st.integers(-(10**12), 10**12), st.integers(-800, 200))
TODAYS = st.dates(date(2000, 1, 1), date(2100, 12, 31))


def refusal(check, *args, **kwargs) -> UserError | None:
    """The refusal ``check`` raises, worded in English and German, or None when it accepts."""
    try:
        check(*args, **kwargs)
    except UserError as error:
        assert error.text("en") and error.text("de")
        return error
    return None


def key_of(check, *args, **kwargs) -> str | None:
    error = refusal(check, *args, **kwargs)
    return error.key if error else None


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (MONDAY, None),
        (MONDAY - timedelta(days=1), "release_date_past"),
        (date(1999, 12, 31), "release_date_past"),
        (date(2032, 1, 4), None),  # five years to the day
        (date(2032, 1, 5), "release_date_far"),
        (date(9999, 12, 31), "release_date_far"),
    ],
)
def test_a_release_day_is_from_today_to_five_years_ahead(day, key):
    assert key_of(bounds.check_release_day, day, today=MONDAY, usage=USAGE) == key


def test_moving_a_release_into_the_past_has_its_own_refusal():
    assert key_of(bounds.check_release_day, date(2026, 1, 1), today=MONDAY, usage=USAGE, past="move_date_past") == (
        "move_date_past"
    )


@pytest.mark.parametrize(
    ("day", "release_day", "key"),
    [
        (RELEASE_DAY, RELEASE_DAY, None),
        (date(2025, 3, 12), RELEASE_DAY, None),  # 730 days before
        (date(2025, 3, 11), RELEASE_DAY, "due_out_of_span"),
        (date(2027, 9, 8), RELEASE_DAY, None),  # 180 days after
        (date(2027, 9, 9), RELEASE_DAY, "due_out_of_span"),
        (date(9999, 12, 31), RELEASE_DAY, "due_out_of_span"),
        (date(1, 1, 1), RELEASE_DAY, "due_out_of_span"),
        # Never before the year 2000, whatever the release.
        (date(2000, 1, 1), date(2000, 6, 1), None),
        (date(1999, 12, 31), date(2000, 6, 1), "due_out_of_span"),
        # A release day left where the calendar ends (set before there were bounds) still gets an answer.
        (date(9999, 12, 31), date(9999, 12, 31), None),
    ],
)
def test_a_due_date_lies_within_its_releases_span(day, release_day, key):
    assert key_of(bounds.check_due, day, release_day=release_day, usage=USAGE) == key


def test_the_span_refusal_names_the_range_and_release_day():
    error = refusal(bounds.check_due, date(2028, 1, 1), release_day=RELEASE_DAY, usage=USAGE)
    assert error.text("en") == (
        "2028-01-01 is outside this release's span (release day 2027-03-12). "
        "Give a due date from 2025-03-12 to 2027-09-08, or T-n days before release day."
    )
    assert error.about == "due" and error.usage == USAGE


@pytest.mark.parametrize(
    ("days", "release_day", "expected"),
    [
        (-14, RELEASE_DAY, date(2027, 2, 26)),
        (-730, RELEASE_DAY, date(2025, 3, 12)),
        (180, RELEASE_DAY, date(2027, 9, 8)),
        (-15, RELEASE_DAY, date(2027, 2, 25)),
        (-13, RELEASE_DAY, date(2027, 2, 26)),  # a Saturday: the Friday before
        (-731, RELEASE_DAY, "due_offset_out_of_span"),
        (181, RELEASE_DAY, "due_offset_out_of_span"),
        (-99_999_999, RELEASE_DAY, "due_offset_out_of_span"),  # regression: OverflowError, a server error
        (10**12, RELEASE_DAY, "due_offset_out_of_span"),
        (-730, date(2001, 6, 1), "due_offset_out_of_span"),  # before the year 2000
        (7, date(9999, 12, 31), "due_offset_out_of_span"),  # past the calendar's end
    ],
)
def test_an_offset_from_release_day_stays_within_the_span(days, release_day, expected):
    try:
        assert bounds.due_from_offset(release_day, days, calendar=Calendar(), usage=USAGE) == expected
    except UserError as error:
        assert error.key == expected and error.text("en") and error.text("de")


def test_the_offset_refusal_shows_the_offset_and_the_range():
    error = refusal(bounds.due_from_offset, RELEASE_DAY, -99_999_999, calendar=Calendar(), usage=USAGE)
    assert (
        error.text("en")
        == "T-99999999 is too far from release day. Give an offset from T-730 to T+180, e.g. T-14 or T-2w."
    )
    assert error.text("de").startswith("T-99999999 liegt zu weit")


@pytest.mark.parametrize(
    ("until", "key"),
    [
        (MONDAY, "snooze_future"),
        (MONDAY + timedelta(days=1), None),
        (MONDAY + timedelta(days=365), None),
        (MONDAY + timedelta(days=366), "snooze_far"),
        (date(9966, 12, 10), "snooze_far"),
    ],
)
def test_a_snooze_lasts_from_tomorrow_to_a_year(until, key):
    assert key_of(bounds.check_snooze, until, today=MONDAY, usage=USAGE) == key


@pytest.mark.parametrize(
    ("days", "key"),
    [
        ([], None),
        (["2027-12-24", "2027-12-31"], None),
        (["2000-01-01"], None),
        (["1999-12-31"], "quiet_day_out_of_range"),
        (["2032-01-04"], None),
        (["2027-12-24", "9999-12-31"], "quiet_day_out_of_range"),
    ],
)
def test_quiet_days_are_from_2000_to_five_years_ahead(days, key):
    assert key_of(bounds.check_quiet_days, days, today=MONDAY, usage=USAGE) == key


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        ("   \t\n", True),
        ("\u200b", True),  # zero-width space
        ("\u200c\u200d", True),  # zero-width non-joiner and joiner
        ("\u2060\ufeff", True),  # word joiner, byte-order mark
        ("\u00a0\u3000", True),  # no-break and ideographic spaces
        ("\u00ad\u180e\u2062", True),  # soft hyphen, Mongolian vowel separator, invisible times: all format
        ("\x01\x7f", True),  # controls
        ("\u3164\u115f\uffa0", True),  # Hangul fillers: letters that draw nothing
        ("\u2800\u2800", True),  # the blank braille pattern
        ("\u2801", False),  # a braille pattern with a dot
        ("a\u200b", False),
        ("Cover artwork", False),
        ("٣", False),
        ("🎵", False),
    ],
)
def test_blank_text_shows_nothing(text, blank):
    assert is_blank(text) is blank


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Midnight Drive", None),
        (None, None),
        ("\u200b", "blank"),
        ("Mid\x00night", "nul_byte"),
        ("\x00", "nul_byte"),
    ],
)
def test_text_with_nothing_visible_or_a_nul_byte_is_refused(text, key):
    assert key_of(bounds.check_text, text, field="title") == key


# -- forms: what no timezone and no release would take, known from the submission alone ------------------
# 11:00 UTC: still 3 January at UTC−12, already 5 January at UTC+14.
ELEVEN = datetime(2027, 1, 4, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("command", "key", "about"),
    [
        (NewRelease("Midnight Drive", None, RELEASE_DAY), None, None),
        (NewRelease("\u200b", None, RELEASE_DAY), "blank", "title"),
        (NewRelease("Midnight Drive", "\ufeff", RELEASE_DAY), "blank", "artist"),
        (NewRelease("Mid\x00night", None, RELEASE_DAY), "nul_byte", "title"),
        (NewRelease("Midnight Drive", None, date(9999, 12, 31)), "release_date_far", "release_date"),
        (NewRelease("Midnight Drive", None, date(2026, 12, 1)), "release_date_past", "release_date"),
        # Still yesterday on Baker Island (UTC−12), already tomorrow in Kiribati (UTC+14): the database knows
        # the creator's timezone, and the domain decides with it.
        (NewRelease("Midnight Drive", None, date(2027, 1, 3)), None, None),
        (NewRelease("Midnight Drive", None, date(2032, 1, 5)), None, None),
        (NewRelease("Midnight Drive", None, date(2032, 1, 6)), "release_date_far", "release_date"),
        (NewRelease("Midnight Drive", None, date(2027, 1, 2)), "release_date_past", "release_date"),
        (Add("Vinyl test pressing", date(2027, 2, 1)), None, None),
        (Add("\u2060", None), "blank", "name"),
        (Add("Vinyl\x00", None), "nul_byte", "name"),
        (Add("Vinyl test pressing", date(9999, 12, 31)), "release_date_far", "due"),
        (Add("Vinyl test pressing", date(2026, 12, 31)), "due_past", "due"),
        (Add("Vinyl test pressing", date(2032, 7, 3)), None, None),  # 180 days after the furthest release day
        (Add("Vinyl test pressing", date(2032, 7, 4)), "release_date_far", "due"),
    ],
)
def test_a_form_is_refused_what_no_timezone_or_release_would_take(command, key, about):
    error = refusal(bounds.check_submitted, command, now=ELEVEN)
    assert (error.key, error.about) == (key, about) if error else key is None


# -- properties: any day and any offset is accepted within the bounds or refused in words ------------------
@given(DAYS, TODAYS)
@example(date.max, MONDAY)
@example(date.min, MONDAY)
def test_any_release_day_is_accepted_within_bounds_or_refused(day, today):
    if refusal(bounds.check_release_day, day, today=today, usage=USAGE) is None:
        assert today <= day <= bounds.latest_release_day(today)


@given(DAYS, DAYS)
@example(date.max, date.max)
@example(date.min, date.min)
def test_any_due_date_is_accepted_within_the_span_or_refused(day, release_day):
    if refusal(bounds.check_due, day, release_day=release_day, usage=USAGE) is None:
        assert bounds.EARLIEST <= day
        assert -bounds.DUE_DAYS_BEFORE <= (day - release_day).days <= bounds.DUE_DAYS_AFTER


@given(OFFSETS, DAYS)
@example(-99_999_999, RELEASE_DAY)
@example(180, date.max)
@example(-730, date.min)
def test_any_offset_gives_a_due_date_within_the_span_or_a_refusal(days, release_day):
    try:
        due = bounds.due_from_offset(release_day, days, calendar=Calendar(), usage=USAGE)
    except UserError as error:
        assert error.text("en") and error.text("de")
        return
    earliest, latest = bounds.due_span(release_day)
    assert earliest <= due <= latest


@given(DAYS, TODAYS)
def test_any_snooze_is_accepted_within_a_year_or_refused(until, today):
    if refusal(bounds.check_snooze, until, today=today, usage=USAGE) is None:
        assert 0 < (until - today).days <= bounds.MAX_SNOOZE_DAYS


@given(st.lists(DAYS, max_size=4), TODAYS)
def test_any_quiet_days_are_accepted_within_bounds_or_refused(days, today):
    refusal(bounds.check_quiet_days, [d.isoformat() for d in days], today=today, usage=USAGE)


@given(st.text(), DAYS, st.datetimes(datetime(2000, 1, 2), datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_any_form_submission_is_accepted_or_refused_in_words(text, day, now):
    for command in (NewRelease(text, text or None, day), Add(text, day), Add(text, None)):
        refusal(bounds.check_submitted, command, now=now)
