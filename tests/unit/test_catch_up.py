"""The catch-up planner: late items on working days, upstream first, at most three per person per day."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.release.calendar import Calendar
from bot.release.foresight import catch_up
from bot.release.foresight.catch_up import MAX_DUE_PER_DAY, Item
from messages import builders
from messages.facts import CatchUpLine, CatchUpOffer
from messages.render import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT

MONDAY = date(2027, 1, 4)
WEEKDAYS = Calendar()


def test_late_items_spread_three_a_day_from_today_on_working_days():
    items = [Item(i, MONDAY - timedelta(days=10 + i), None) for i in range(7)]
    moves = catch_up.plan(items, today=MONDAY, start=MONDAY, release_date=date(2027, 3, 26), calendar=WEEKDAYS)
    assert Counter(m.after for m in moves) == {MONDAY: 3, date(2027, 1, 5): 3, date(2027, 1, 6): 1}
    assert {m.id for m in moves if m.after == MONDAY} == {4, 5, 6}, "the longest late go first"


def test_an_item_waiting_on_a_late_one_comes_a_working_day_after_it():
    friday = date(2027, 1, 8)
    items = [Item(1, date(2027, 1, 1), "U1"), Item(2, date(2026, 12, 30), "U2", upstream=(1,))]
    moves = {m.id: m for m in catch_up.plan(items, today=friday, start=friday, release_date=date(2027, 3, 26),
                                            calendar=WEEKDAYS)}  # fmt: skip
    assert moves[1].after == friday and moves[2].after == date(2027, 1, 11), "over the weekend"


def test_what_people_already_have_due_counts_here_and_in_other_releases():
    items = [Item(1, MONDAY, "U1"), Item(2, MONDAY, "U1"), Item(3, MONDAY - timedelta(days=3), "U1")]
    moves = catch_up.plan(items, today=MONDAY + timedelta(days=1), start=MONDAY + timedelta(days=1),
                          release_date=date(2027, 3, 26), calendar=WEEKDAYS,
                          elsewhere={("U1", date(2027, 1, 5)): 3})  # fmt: skip
    assert {m.id: m.after for m in moves} == {1: date(2027, 1, 6), 2: date(2027, 1, 6), 3: date(2027, 1, 6)}


def test_an_item_that_cannot_fit_before_release_day_says_so():
    items = [Item(i, MONDAY - timedelta(days=1), None) for i in range(4)]
    moves = catch_up.plan(items, today=MONDAY, start=MONDAY, release_date=MONDAY, calendar=WEEKDAYS)
    assert [m.after_release for m in moves] == [False, False, False, True]


def test_the_first_day_is_today_only_on_a_working_morning():
    assert catch_up.first_day(datetime(2027, 1, 4, 9, 0), WEEKDAYS) == MONDAY
    assert catch_up.first_day(datetime(2027, 1, 4, 15, 0), WEEKDAYS) == date(2027, 1, 5)
    assert catch_up.first_day(datetime(2027, 1, 9, 9, 0), WEEKDAYS) == date(2027, 1, 11), "a Saturday"


@st.composite
def releases(draw):
    """Open items of a release (each may wait on earlier ones), a calendar, today and release day."""
    workdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    quiet = draw(st.frozensets(st.dates(MONDAY - timedelta(days=20), MONDAY + timedelta(days=40)), max_size=6))
    count = draw(st.integers(0, 25))
    items = []
    for i in range(count):
        due = MONDAY + timedelta(days=draw(st.integers(-40, 30)))
        owner = draw(st.sampled_from([None, "U1", "U2", "U3"]))
        upstream = tuple(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else ()
        items.append(Item(i, due, owner, upstream))
    today = MONDAY + timedelta(days=draw(st.integers(0, 6)))
    start = today + timedelta(days=draw(st.integers(0, 2)))
    release_date = today + timedelta(days=draw(st.integers(0, 60)))
    someone_on_a_day = st.tuples(st.sampled_from(["U1", "U2"]), st.dates(today, today + timedelta(days=20)))
    elsewhere = draw(st.dictionaries(someone_on_a_day, st.integers(0, 4)))
    calendar = Calendar(workdays=workdays, quiet_days=quiet)
    return items, calendar, today, start, release_date, elsewhere


@settings(max_examples=300, deadline=None)
@given(releases())
def test_invariants_of_any_plan(case):
    items, calendar, today, start, release_date, elsewhere = case
    moves = catch_up.plan(items, today=today, start=start, release_date=release_date, calendar=calendar,
                          elsewhere=elsewhere)  # fmt: skip
    by_id = {i.id: i for i in items}
    moved = {m.id: m.after for m in moves}
    assert set(moved) == {i.id for i in items if i.due < today}, "only late items move, and all of them"
    dates = {i.id: moved.get(i.id, i.due) for i in items}
    load = Counter(elsewhere)
    load.update((i.owner_id, dates[i.id]) for i in items)
    for m in moves:
        assert m.before == by_id[m.id].due and m.after >= start
        assert calendar.is_workday(m.after), "only working days"
        assert load[(by_id[m.id].owner_id, m.after)] <= MAX_DUE_PER_DAY, "at most three per person per day"
        assert all(dates[u] < m.after for u in by_id[m.id].upstream), "upstream before downstream"
        assert m.after_release == (m.after > release_date)


def test_a_long_plan_stays_within_slacks_limits_and_says_how_many_more():
    lines = tuple(
        CatchUpLine(SimpleNamespace(name="A very long deliverable name " * 4, key=f"item-{i}", hard=True),
                    MONDAY - timedelta(days=30), MONDAY + timedelta(days=i // 3), True)
        for i in range(40)
    )  # fmt: skip
    for lang in ("en", "de"):
        message = builders.with_catch_up("catch_up", "superseded", (SimpleNamespace(title="X"),),
                                         CatchUpOffer("1:1", lines), lang=lang)  # fmt: skip
        assert len(message.blocks) <= MAX_MESSAGE_BLOCKS
        plan = message.blocks[1]["text"]["text"]
        shown = plan.count("\n• ")
        assert len(plan) <= MAX_SECTION_TEXT and 0 < shown <= 15
        assert f"{40 - shown} more" in plan or f"{40 - shown} weitere" in plan, "the rest counted, not listed"
