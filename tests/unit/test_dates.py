"""The date reader on its own: every accepted form read to the right day, anything else refused by name."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.release.calendar import Calendar
from bot.release.dates import MAX_SHIFT_DAYS, DateError, ReleaseOffset, due_on_working_day, parse_date, parse_due
from bot.release.refusals import UserError

MONDAY = date(2027, 1, 4)
FRIDAY = date(2027, 1, 8)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # absolute
        ("2027-03-12", MONDAY, date(2027, 3, 12)),
        ("  2027-3-5 ", MONDAY, date(2027, 3, 5)),
        ("2026-12-31", MONDAY, date(2026, 12, 31)),  # the past is read too; commands refuse it later
        ("12.03.2027", MONDAY, date(2027, 3, 12)),
        ("5.3.27", MONDAY, date(2027, 3, 5)),
        ("March 12 2027", MONDAY, date(2027, 3, 12)),
        ("12 March 2027", MONDAY, date(2027, 3, 12)),
        ("march 12, 2027", MONDAY, date(2027, 3, 12)),
        # relative
        ("today", MONDAY, MONDAY),
        ("Tomorrow", MONDAY, date(2027, 1, 5)),
        ("tomorrow", date(2027, 12, 31), date(2028, 1, 1)),
        ("friday", MONDAY, FRIDAY),
        ("next friday", MONDAY, FRIDAY),
        ("next  Fri", MONDAY, FRIDAY),
        ("friday", FRIDAY, date(2027, 1, 15)),  # never today
        ("next monday", MONDAY, date(2027, 1, 11)),
        ("this wed", MONDAY, date(2027, 1, 6)),
        ("in 3 days", MONDAY, date(2027, 1, 7)),
        ("in 0 days", MONDAY, MONDAY),
        ("in a week", MONDAY, date(2027, 1, 11)),
        ("in 3 weeks", MONDAY, date(2027, 1, 25)),
        ("in one month", date(2027, 1, 31), date(2027, 2, 28)),
        ("in 2 months", MONDAY, date(2027, 3, 4)),
        # month and day: without a year the next such day, today included
        ("mar 5", MONDAY, date(2027, 3, 5)),
        ("5 Mar", MONDAY, date(2027, 3, 5)),
        ("jan 4", MONDAY, MONDAY),
        ("jan 3", MONDAY, date(2028, 1, 3)),
        ("mar 5 2028", MONDAY, date(2028, 3, 5)),
        ("december 24", date(2027, 12, 25), date(2028, 12, 24)),
        # 29 February: only in leap years
        ("feb 29", MONDAY, date(2028, 2, 29)),
        ("feb 29", date(2028, 2, 29), date(2028, 2, 29)),
        ("29 February", date(2028, 3, 1), date(2032, 2, 29)),
        ("feb 29", date(2096, 3, 1), date(2104, 2, 29)),  # 2100 is no leap year
        ("feb 29 2028", MONDAY, date(2028, 2, 29)),
        ("2028-02-29", MONDAY, date(2028, 2, 29)),
        ("29.02.2028", MONDAY, date(2028, 2, 29)),
    ],
)
def test_dates_are_read_to_the_right_day(text, today, expected):
    assert parse_date(text, today=today) == expected


@pytest.mark.parametrize(
    ("text", "key", "facts"),
    [
        ("", "date_missing", {}),
        (" \t ", "date_missing", {}),
        (",", "date_missing", {}),
        ("03/04/2027", "date_ambiguous", {"text": "03/04/2027", "readings": [date(2027, 4, 3), date(2027, 3, 4)]}),
        ("03/01/27", "date_ambiguous", {"text": "03/01/27", "readings": [date(2027, 1, 3), date(2027, 3, 1)]}),
        ("13/01/2027", "date_ambiguous", {"text": "13/01/2027", "readings": [date(2027, 1, 13)]}),
        ("05/05/2027", "date_ambiguous", {"text": "05/05/2027", "readings": [date(2027, 5, 5)]}),
        ("13/13/2027", "date_ambiguous", {"text": "13/13/2027", "readings": []}),
        ("someday", "date_unreadable", {"text": "someday"}),
        ("next month", "date_unreadable", {"text": "next month"}),
        ("in weeks", "date_unreadable", {"text": "in weeks"}),
        ("fridays", "date_unreadable", {"text": "fridays"}),
        ("march", "date_unreadable", {"text": "march"}),
        ("T-3", "date_unreadable", {"text": "T-3"}),
        ("2027-02-29", "no_such_date", {"day": 29, "month": 2, "year": 2027}),
        ("2100-02-29", "no_such_date", {"day": 29, "month": 2, "year": 2100}),
        ("29.02.2027", "no_such_date", {"day": 29, "month": 2, "year": 2027}),
        ("2027-04-31", "no_such_date", {"day": 31, "month": 4, "year": 2027}),
        ("2027-13-01", "no_such_month", {"text": "2027-13-01", "month": 13}),
        ("12.00.2027", "no_such_month", {"text": "12.00.2027", "month": 0}),
        ("feb 29 2027", "no_such_day", {"text": "feb 29 2027"}),
        ("feb 30", "no_such_day", {"text": "feb 30"}),
        ("31 april", "no_such_day", {"text": "31 april"}),
        # Regressions: these raised OverflowError, ValueError or decimal.InvalidOperation.
        ("in 99999999999 weeks", "date_too_far", {"text": "in 99999999999 weeks"}),
        ("in 99999 months", "date_too_far", {"text": "in 99999 months"}),
        ("in 3000000 days", "date_too_far", {"text": "in 3000000 days"}),
        ("in 9999999 weeks", "date_too_far", {"text": "in 9999999 weeks"}),
        # No date is this long: refused before any reader looks at it.
        (f"in {'9' * 5000} days", "date_unreadable", {"text": f"in {'9' * 5000} days"}),
        (f"mar {'9' * 30} M", "date_unreadable", {"text": f"mar {'9' * 30} M"}),
    ],
)
def test_what_is_no_date_is_refused_by_name(text, key, facts):
    with pytest.raises(DateError) as refused:
        parse_date(text, today=MONDAY)
    assert (refused.value.key, refused.value.facts) == (key, facts)
    worded(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T-14", ReleaseOffset(-14)),
        ("t - 2w", ReleaseOffset(-14)),
        ("R-3", ReleaseOffset(-3)),
        ("T+1w", ReleaseOffset(7)),
        ("T+3d", ReleaseOffset(3)),
        ("T", ReleaseOffset(0)),
        ("2027-02-05", date(2027, 2, 5)),
        ("next friday", FRIDAY),
    ],
)
def test_due_dates_are_days_or_offsets_from_release_day(text, expected):
    assert parse_due(text, today=MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("T-", "date_unreadable"),
        ("T-3m", "date_unreadable"),
        ("", "date_missing"),
        (f"T-{'9' * 5000}", "date_unreadable"),  # regression: more digits than int() reads raised ValueError
    ],
)
def test_bad_due_dates_are_refused_by_name(text, key):
    with pytest.raises(DateError) as refused:
        parse_due(text, today=MONDAY)
    assert refused.value.key == key
    worded(refused.value)


# -- properties ----------------------------------------------------------------------------------------
TODAYS = st.dates(date(2000, 1, 1), date(2100, 12, 31))
DATE_WORDS = st.sampled_from(
    ["in", "a", "one", "3", "99999999999", "day", "days", "week", "weeks", "month", "months", "next", "this",
     "fri", "friday", "feb", "29", "mar", "march", "5", "2027", "0001", "12.03.27", "2027-02-29", "03/04/27",
     "T", "-", "+", "2w", "today", "tomorrow", ",", ".", "\x00", "\u00a0", "٣", "²", "M"]
)  # fmt: skip
PHRASES = st.lists(st.one_of(DATE_WORDS, st.text(max_size=6)), max_size=6).map(" ".join)


def worded(error: DateError) -> None:
    """The refusal names a message that takes its facts, in English and German."""
    refusal = UserError(error.key, **error.facts)
    assert refusal.text("en") and refusal.text("de")


def date_or_refusal(text: str, today: date) -> None:
    for read in (parse_date, parse_due):
        try:
            assert isinstance(read(text, today=today), date | ReleaseOffset)
        except DateError as error:
            worded(error)


@given(st.one_of(st.text(), PHRASES), TODAYS)
@example("\x00", MONDAY)
@example("feb 29 \x00", MONDAY)
@example("in 99999 months", MONDAY)
@example(f"mar {'9' * 30} m", MONDAY)
def test_any_text_is_a_date_or_a_refusal(text, today):
    date_or_refusal(text, today)


@given(st.text(min_size=1, max_size=10), st.integers(1, 1000), TODAYS)
def test_very_long_text_is_a_date_or_a_refusal(chunk, times, today):
    date_or_refusal(chunk * times, today)


@given(st.dates(date(1000, 1, 1), date(9999, 12, 31)))
def test_every_day_reads_back_from_its_iso_and_dotted_forms(day):
    assert parse_date(day.isoformat(), today=MONDAY) == day
    assert parse_date(day.strftime("%d.%m.%Y"), today=MONDAY) == day


@given(st.integers(0, 3000), TODAYS)
def test_in_n_days_and_weeks_count_from_today(n, today):
    assert parse_date(f"in {n} days", today=today) == today + timedelta(days=n)
    assert parse_date(f"in {n} weeks", today=today) == today + timedelta(weeks=n)


@given(TODAYS)
def test_a_named_weekday_is_within_the_coming_week(today):
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        day = parse_date(f"next {name}", today=today)
        assert 1 <= (day - today).days <= 7 and day.strftime("%A").lower() == name


@given(TODAYS)
def test_feb_29_without_a_year_is_the_first_leap_day_from_today(today):
    day = parse_date("feb 29", today=today)
    assert (day.month, day.day) == (2, 29) and day >= today
    skipped = [date(year, 2, 29) for year in range(today.year, day.year) if calendar.isleap(year)]
    assert all(leap_day < today for leap_day in skipped)


# Any day of the calendar, as people write it, and relative amounts up to far past its end.
WRITTEN = st.sampled_from(["{d:%Y-%m-%d}", "{d:%d.%m.%Y}", "{d:%B} {d.day} {d.year}", "{d.day} {d:%b} {d.year}",
                           "{d:%b} {d.day}"])  # fmt: skip
RELATIVE = st.builds("in {} {}".format, st.integers(0, 10**15), st.sampled_from(["days", "weeks", "months"]))
OFFSETS = st.builds("T{:+d}".format, st.integers(-(10**15), 10**15))


@given(st.dates(date.min, date.max), WRITTEN, TODAYS)
@example(date.max, "{d:%Y-%m-%d}", MONDAY)
@example(date(9999, 12, 31), "{d:%b} {d.day}", date(9999, 1, 1))
def test_any_day_written_any_way_is_a_date_or_a_refusal(day, form, today):
    date_or_refusal(form.format(d=day), today)


@given(st.one_of(RELATIVE, OFFSETS), TODAYS)
@example("in 3000000 days", MONDAY)
@example("in 9999999 weeks", MONDAY)
@example("T-99999999", MONDAY)
def test_any_distance_is_a_date_or_a_refusal(text, today):
    date_or_refusal(text, today)


# A label in Germany that closes over Christmas and New Year's Eve.
BERLIN = Calendar(holiday_country="DE", quiet_days=frozenset({date(2026, 12, 24), date(2026, 12, 31)}))
WEEKENDS_ONLY = Calendar()


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (WEEKENDS_ONLY, date(2026, 12, 23), date(2026, 12, 23)),  # a working day stays
        (WEEKENDS_ONLY, date(2026, 12, 26), date(2026, 12, 25)),  # only weekends: Saturday → Friday
        (WEEKENDS_ONLY, date(2026, 12, 27), date(2026, 12, 25)),
        (BERLIN, date(2026, 12, 24), date(2026, 12, 23)),  # a quiet day
        (BERLIN, date(2026, 12, 25), date(2026, 12, 23)),  # Christmas Day, after a quiet day
        (BERLIN, date(2026, 12, 26), date(2026, 12, 23)),  # Saturday and Boxing Day: not onto Christmas Day
        (BERLIN, date(2026, 12, 27), date(2026, 12, 23)),
        (BERLIN, date(2026, 12, 31), date(2026, 12, 30)),
        (BERLIN, date(2027, 1, 1), date(2026, 12, 30)),  # New Year's Day, after a quiet day
        (BERLIN, date(2027, 1, 4), date(2027, 1, 4)),
        (BERLIN, date(2027, 3, 26), date(2027, 3, 25)),  # Good Friday
        (BERLIN, date(2027, 3, 29), date(2027, 3, 25)),  # Easter Monday, past the weekend and Good Friday
        (Calendar(workdays=frozenset({0, 1, 2, 3})), date(2027, 1, 8), date(2027, 1, 7)),  # a four-day week
    ],
)
def test_a_due_date_on_a_day_off_moves_to_the_working_day_before(calendar, day, expected):
    assert due_on_working_day(day, calendar) == expected


def test_a_day_with_no_working_day_within_reach_stays():
    closed = Calendar(quiet_days=frozenset(date(2027, 1, 1) + timedelta(days=n) for n in range(-60, 60)))
    assert due_on_working_day(date(2027, 1, 1), closed) == date(2027, 1, 1)


CALENDARS = st.builds(
    Calendar,
    workdays=st.frozensets(st.integers(0, 6), min_size=1),
    holiday_country=st.sampled_from([None, "DE", "GB", "US"]),
    quiet_days=st.frozensets(st.dates(date(2026, 11, 1), date(2027, 2, 28)), max_size=20),
)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)) | st.dates(date(2026, 11, 1), date(2027, 2, 28)), CALENDARS)
@example(date(2026, 12, 26), BERLIN)
def test_a_due_date_is_moved_onto_a_working_day_never_later_and_not_far(day, calendar):
    moved = due_on_working_day(day, calendar)
    assert day - timedelta(days=MAX_SHIFT_DAYS) <= moved <= day
    if not calendar.is_workday(moved):  # stays only when nothing within reach is open
        assert moved == day
        assert not any(calendar.is_workday(day - timedelta(days=n)) for n in range(MAX_SHIFT_DAYS + 1))
    # The working day nearest before: every day between it and the due date is a day off.
    assert all(not calendar.is_workday(moved + timedelta(days=n)) for n in range(1, (day - moved).days + 1))
