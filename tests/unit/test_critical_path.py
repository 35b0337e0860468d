"""What a slip costs: earliest dates downstream, hard deadlines at risk with their chain, the replan Friday."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.release.calendar import Calendar
from bot.release.critical_path import forecast
from storage.models import Deliverable, DeliverableState

RELEASE = date(2027, 2, 19)  # a Friday
WEEKDAYS = Calendar()


def item(id_: int, key: str, offset: int, *, hard=False, state=DeliverableState.OPEN, due=None, pinned=False):
    return Deliverable(id=id_, team_id="T", release_id=1, key=key, name=key.title(), offset_days=offset,
                       due_date=due or RELEASE + timedelta(days=offset), hard=hard, state=state,
                       due_pinned=pinned)  # fmt: skip


def chain_of_three(**master):
    return [item(1, "master", -28, **master), item(2, "delivery", -21), item(3, "pitch", -14, hard=True)]


UPSTREAM = {2: [1], 3: [2]}


def test_a_late_master_pushes_the_delivery_and_puts_the_hard_pitch_at_risk():
    today = date(2027, 1, 27)  # master was due Fri 22 Jan: 3 working days late
    seen = forecast(chain_of_three(), UPSTREAM, release_date=RELEASE, today=today, calendar=WEEKDAYS)
    assert seen.earliest == {1: today, 2: date(2027, 2, 3), 3: date(2027, 2, 10)}
    [chain] = seen.chains
    assert (chain.root.key, chain.late_by) == ("master", 3)
    assert [(link.deliverable.key, link.earliest) for link in chain.through] == [("delivery", date(2027, 2, 3))]
    assert (chain.hard.deliverable.key, chain.hard.deliverable.due_date) == ("pitch", date(2027, 2, 5))
    assert not seen.on_plan and seen.replan_friday == date(2027, 2, 26)


def test_work_done_upstream_pushes_nothing_and_an_on_plan_release_offers_no_new_friday():
    today = date(2027, 1, 27)
    items = chain_of_three(state=DeliverableState.DONE)
    seen = forecast(items, UPSTREAM, release_date=RELEASE, today=today, calendar=WEEKDAYS)
    assert seen.earliest == {2: date(2027, 1, 29), 3: date(2027, 2, 5)}
    assert seen.chains == () and seen.on_plan and seen.replan_friday is None


def test_holidays_stretch_the_chain():
    berlin = Calendar(holiday_country="DE", quiet_days=frozenset({date(2026, 12, 24), date(2026, 12, 31)}))
    release = date(2027, 1, 15)
    items = [
        item(1, "master", -28, due=date(2026, 12, 18)),
        Deliverable(
            id=2,
            team_id="T",
            release_id=1,
            key="delivery",
            name="Delivery",
            offset_days=-21,
            due_date=date(2026, 12, 23),
            hard=True,
        ),  # fmt: skip
    ]
    seen = forecast(items, {2: [1]}, release_date=release, today=date(2026, 12, 22), calendar=berlin)
    # The playbook puts three Berlin working days between them (21, 22, 23 Dec); the master is done on 22 Dec
    # at the earliest, and three working days after that are 23, 28 and 29 December.
    assert seen.earliest[2] == date(2026, 12, 29) and seen.chains[0].hard.deliverable.key == "delivery"


@given(
    offsets=st.lists(st.integers(min_value=-60, max_value=0), min_size=2, max_size=8),
    today_shift=st.integers(min_value=-40, max_value=10),
    edges=st.sets(st.tuples(st.integers(0, 7), st.integers(0, 7))),
)
def test_earliest_dates_respect_today_own_dates_and_every_open_upstream(offsets, today_shift, edges):
    items = [item(i + 1, f"k{i}", off) for i, off in enumerate(sorted(offsets))]
    upstream: dict[int, list[int]] = {}
    for a, b in edges:
        if a < b < len(items):  # earlier offsets feed later ones: no cycles
            upstream.setdefault(b + 1, []).append(a + 1)
    today = RELEASE + timedelta(days=today_shift)
    seen = forecast(items, upstream, release_date=RELEASE, today=today, calendar=WEEKDAYS)
    for d in items:
        assert seen.earliest[d.id] >= d.due_date and seen.earliest[d.id] >= today
        for up in upstream.get(d.id, []):
            assert seen.earliest[d.id] > seen.earliest[up]
    if seen.replan_friday is not None:
        assert seen.replan_friday.weekday() == 4 and seen.replan_friday > RELEASE
