"""The time model as pure functions: workdays, holidays, standup times, ladder steps."""

from datetime import UTC, date, datetime, time

import pytest

from bot.release.calendar import (
    Calendar,
    ItemFacts,
    LadderRules,
    Step,
    due_steps,
    office_hours,
    parse_workdays,
    standup_day,
)

WEEK = Calendar()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


GERMANY = Calendar(holiday_country="DE")


def steps(item, today, owner_today=None, calendar=WEEK):
    return {s.step for s in due_steps(item, today=today, owner_today=owner_today, calendar=calendar)}


@pytest.mark.parametrize(
    "text, days",
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("sun-tue", {6, 0, 1}),
        ("Monday, Tuesday", {0, 1}),
    ],
)
def test_workdays_parse(text, days):
    assert parse_workdays(text) == days


def test_bad_workdays_are_refused():
    with pytest.raises(ValueError):
        parse_workdays("someday")


def test_weekends_holidays_and_quiet_days_are_not_workdays():
    assert not WEEK.is_workday(date(2027, 1, 2))  # Saturday
    assert GERMANY.is_workday(date(2027, 10, 4))
    assert not GERMANY.is_workday(date(2027, 5, 6))  # Ascension Day (Christi Himmelfahrt)
    assert not Calendar(quiet_days=frozenset({date(2027, 12, 24)})).is_workday(date(2027, 12, 24))


def test_workdays_before_skips_weekends():
    assert WEEK.workdays_before(date(2027, 3, 8), 2) == date(2027, 3, 4)  # Monday → the Thursday before


def test_standup_is_due_from_its_time_until_midnight_in_the_release_timezone():
    day = dict(timezone="Europe/Berlin", standup_at=time(9, 30), calendar=WEEK, release_date=date(2027, 3, 12))
    assert standup_day(now=utc(2027, 1, 4, 8, 29), **day) is None  # 09:29 in Berlin
    assert standup_day(now=utc(2027, 1, 4, 8, 30), **day) == date(2027, 1, 4)
    assert standup_day(now=utc(2027, 1, 4, 22, 59), **day) == date(2027, 1, 4)
    assert standup_day(now=utc(2027, 1, 2, 10, 0), **day) is None  # Saturday


def test_standup_follows_daylight_saving_time():
    day = dict(timezone="Europe/Berlin", standup_at=time(9, 30), calendar=WEEK, release_date=date(2027, 6, 4))
    # Berlin moves to CEST on 28 March 2027: 09:30 local is 07:30 UTC from then on.
    assert standup_day(now=utc(2027, 3, 26, 8, 29), **day) is None
    assert standup_day(now=utc(2027, 3, 29, 7, 30), **day) == date(2027, 3, 29)


def test_office_hours_are_local_and_workdays_only():
    assert not office_hours(utc(2027, 1, 4, 13, 0), "America/New_York", WEEK)  # 08:00 in New York
    assert office_hours(utc(2027, 1, 4, 14, 0), "America/New_York", WEEK)
    assert not office_hours(utc(2027, 1, 9, 12), "Europe/Berlin", WEEK)


ITEM = ItemFacts(due=date(2027, 2, 12), owner_id=None, hard=False, release_date=date(2027, 3, 12))


def test_unclaimed_is_asked_from_five_working_days_before_due():
    assert Step.UNCLAIMED not in steps(ITEM, date(2027, 2, 4))
    assert Step.UNCLAIMED in steps(ITEM, date(2027, 2, 5))
    # Due Mon 3 Jan 2028 in Germany with the label's quiet days: asked from Thu 23 Dec, 11 days before.
    christmas = Calendar(holiday_country="DE", quiet_days=frozenset({date(2027, 12, 24), date(2027, 12, 31)}))
    after_christmas = ItemFacts(**{**ITEM.__dict__, "due": date(2028, 1, 3), "release_date": date(2028, 2, 25)})
    assert Step.UNCLAIMED not in steps(after_christmas, date(2027, 12, 22), calendar=christmas)
    assert Step.UNCLAIMED in steps(after_christmas, date(2027, 12, 23), calendar=christmas)


def test_owner_gets_heads_up_two_workdays_before_and_on_the_day():
    owned = ItemFacts(**{**ITEM.__dict__, "owner_id": "U1"})
    assert steps(owned, date(2027, 2, 10)) == {Step.HEADS_UP}
    assert steps(owned, date(2027, 2, 12)) == {Step.DUE_TODAY}
    assert steps(owned, date(2027, 2, 11)) == set()


def test_owner_steps_use_the_owner_day():
    owned = ItemFacts(**{**ITEM.__dict__, "owner_id": "U1"})
    assert Step.DUE_TODAY in steps(owned, date(2027, 2, 11), owner_today=date(2027, 2, 12))


def test_workdays_between_counts_the_working_days_after_the_first_date_up_to_the_second():
    assert WEEK.workdays_between(date(2027, 2, 12), date(2027, 2, 15)) == 1  # Friday → Monday
    assert WEEK.workdays_between(date(2027, 2, 12), date(2027, 2, 12)) == 0
    assert WEEK.workdays_between(date(2027, 2, 15), date(2027, 2, 12)) == 0
    christmas = Calendar(holiday_country="DE", quiet_days=frozenset({date(2027, 12, 24), date(2027, 12, 31)}))
    # Wed 22 Dec 2027 → Mon 3 Jan 2028: 23, 27, 28, 29, 30 Dec and 3 Jan (not the 24th, 25th, 26th, 31st, 1st).
    assert christmas.workdays_between(date(2027, 12, 22), date(2028, 1, 3)) == 6


def test_overdue_on_the_first_workday_after_and_escalation_two_working_days_later():
    friday = ItemFacts(due=date(2027, 2, 5), owner_id="U1", hard=False, release_date=date(2027, 3, 12))
    assert steps(friday, date(2027, 2, 8)) == {Step.OVERDUE}  # Monday: 1 working day late
    assert steps(friday, date(2027, 2, 9)) == set()
    assert steps(friday, date(2027, 2, 10)) == {Step.ESCALATE}
    later = due_steps(friday, today=date(2027, 2, 10), calendar=WEEK, rules=LadderRules(escalate_after=3))
    assert later == []


def test_hard_deadline_or_release_week_escalates_one_working_day_after_the_notice():
    hard = ItemFacts(due=date(2027, 2, 12), owner_id="U1", hard=True, release_date=date(2027, 3, 12))
    assert steps(hard, date(2027, 2, 13)) == set()  # Saturday
    assert steps(hard, date(2027, 2, 15)) == {Step.OVERDUE}
    assert steps(hard, date(2027, 2, 16)) == {Step.ESCALATE}
    close = ItemFacts(due=date(2027, 3, 5), owner_id="U1", hard=False, release_date=date(2027, 3, 12))
    assert steps(close, date(2027, 3, 8)) == {Step.OVERDUE}
    assert steps(close, date(2027, 3, 9)) == {Step.ESCALATE}


def test_an_item_late_when_its_release_was_created_is_never_escalated():
    late = ItemFacts(
        due=date(2027, 1, 8), owner_id="U1", hard=True, release_date=date(2027, 3, 12), late_at_creation=True
    )
    assert steps(late, date(2027, 1, 11)) == {Step.OVERDUE}
    assert steps(late, date(2027, 2, 11)) == set()


def test_snooze_quiets_reminders_but_not_escalation():
    snoozed = ItemFacts(
        due=date(2027, 2, 12),
        owner_id="U1",
        hard=True,
        release_date=date(2027, 3, 12),
        snoozed_until=date(2027, 2, 20),
    )
    assert steps(snoozed, date(2027, 2, 12)) == set()
    assert steps(snoozed, date(2027, 2, 15)) == set()  # its overdue notice is a reminder: snoozed too
    assert steps(snoozed, date(2027, 2, 16)) == {Step.ESCALATE}


def test_a_blocked_item_chases_nobody_but_its_pm_hears_after_two_and_five_working_days():
    # Blocked on Friday 18 Dec 2026, due Wednesday 23 Dec; Christmas Day is a German holiday, on a Friday.
    blocked = ItemFacts(date(2026, 12, 23), "UDEE", False, date(2027, 2, 26), blocked_since=date(2026, 12, 18))
    assert steps(blocked, date(2026, 12, 21), calendar=GERMANY) == set(), "no heads-up"
    assert steps(blocked, date(2026, 12, 22), calendar=GERMANY) == {Step.BLOCKED_TWO}
    assert steps(blocked, date(2026, 12, 23), calendar=GERMANY) == set(), "no due-day DM"
    assert steps(blocked, date(2026, 12, 24), calendar=GERMANY) == set(), "no overdue notice"
    assert steps(blocked, date(2026, 12, 28), calendar=GERMANY) == {Step.BLOCKED_FIVE}
    assert steps(blocked, date(2026, 12, 29), calendar=GERMANY) == {Step.ESCALATE}, "the label heads still hear"
    unowned = ItemFacts(date(2026, 12, 23), None, False, date(2027, 2, 26), blocked_since=date(2026, 12, 18))
    assert steps(unowned, date(2026, 12, 21), calendar=GERMANY) == {Step.UNCLAIMED}, "someone must still own it"
