"""Judging deliverables from the log, and what the label's history suggests: pure functions on plain values."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.release.calendar import Calendar
from bot.release.memory.lessons import Finished, earlier_offset, suggestions
from bot.release.memory.retro import BlockedSpell, DateMove, Judged, Retro, judge, rate
from messages import memory
from storage.models import Activity, Deliverable, Release

WEEK = Calendar()


def _at(*args) -> datetime:
    return datetime(*args, 10, tzinfo=UTC)


def _item(key: str, due: date, state: str = "open", **kw) -> Deliverable:
    return Deliverable(id=hash(key) % 1000, team_id="T", release_id=1, key=key, name=key.title(), due_date=due,
                       state=state, **kw)  # fmt: skip


def test_a_deliverable_is_held_to_the_due_date_in_force_when_it_was_done():
    master = _item("master", date(2027, 1, 20), "done")  # pinned earlier after it was done on 28 Jan
    log = [
        Activity(id=1, team_id="T", deliverable_id=master.id, actor_id="U1", action="done", at=_at(2027, 1, 28)),
        Activity(id=2, team_id="T", deliverable_id=master.id, actor_id="U2", action="due_changed",
                 detail={"before": "2027-01-29", "after": "2027-01-20"}, at=_at(2027, 2, 5)),
    ]  # fmt: skip
    [judged] = judge([master], log, calendar=WEEK, today=date(2027, 2, 8), timezone="Europe/Berlin")
    assert (judged.due, judged.slip, judged.done_by) == (date(2027, 1, 29), 0, "U1")


def test_done_on_the_weekend_after_a_friday_is_on_time_and_open_items_not_yet_due_are_not_judged():
    artwork = _item("artwork", date(2027, 1, 29), "done")
    later = _item("later", date(2027, 3, 1))
    overdue = _item("overdue", date(2027, 1, 29))
    log = [Activity(id=1, team_id="T", deliverable_id=artwork.id, actor_id="U1", action="done", at=_at(2027, 1, 30))]
    judged = judge([artwork, later, overdue], log, calendar=WEEK, today=date(2027, 2, 3), timezone="UTC")
    assert [(j.key, j.slip) for j in judged] == [("artwork", 0), ("overdue", 3)]


def test_an_offset_moves_back_in_working_days_from_where_it_falls_for_a_friday_release():
    assert earlier_offset(-42, 5, WEEK) == -49  # Friday → the Friday before
    assert earlier_offset(-38, 3, WEEK) == -43  # Tuesday → the Thursday before
    assert earlier_offset(-1, 1, WEEK) == -2  # Thursday → Wednesday
    assert earlier_offset(-6, 1, WEEK) == -8  # Saturday (met on Friday) → Thursday


def _finished(n: int, slips: list[int], *, created: datetime | None = None) -> list[Finished]:
    found = []
    for i, slip in enumerate(slips):
        release = Release(id=n + i, team_id="T", title=f"R{i}", release_date=date(2027, 3, 5 + i), playbook="single",
                          created_by="U", created_at=created or _at(2027, 1, 1))  # fmt: skip
        found.append(Finished(release, [Judged(release.id, "artwork", "Cover artwork", "creative", date(2027, 1, 1),
                                               None, None, slip)]))  # fmt: skip
    return found


def test_a_suggestion_needs_half_of_at_least_three_releases_late_since_the_last_change():
    [made] = suggestions(_finished(1, [4, 0, 3, 0]), versions={"single": 2}, changed={})
    assert (made.late_in, made.releases, made.average_slip, made.earlier, made.version) == (2, 4, 4, 5, 2)
    assert not suggestions(_finished(1, [4, 0, 0]), versions={}, changed={}), "one of three is not most"
    assert not suggestions(_finished(1, [4, 4]), versions={}, changed={}), "two releases are too few"
    changed = {("single", "artwork"): _at(2027, 2, 1)}
    assert not suggestions(_finished(1, [4, 4, 4]), versions={}, changed=changed), "made before the change"


def test_a_long_retro_stays_within_slacks_limits():
    release = Release(id=1, team_id="T", title="Big", release_date=date(2027, 3, 5), playbook="album", created_by="U")
    judged = [Judged(1, f"k{i}", "x" * 140, "creative", date(2027, 1, 1), None, None, 3) for i in range(200)]
    facts = Retro(release, date(2027, 3, 10), rate("", judged), [rate(f"t{i}", judged) for i in range(40)], judged,
                  [BlockedSpell("x" * 140, "y" * 1000, 2, False)] * 50, [DateMove(date(2027, 1, 1), date(2027, 1, 8),
                   date(2027, 1, 1), "U")] * 30, [(f"U{i}", ["x" * 140] * 30) for i in range(60)])  # fmt: skip
    offered = suggestions(_finished(1, [4, 4, 4]), versions={}, changed={}) * 30
    for lang in ("en", "de"):
        message = memory.retro(facts, suggestions=offered, lang=lang)
        assert len(message.blocks) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
        assert "…" in str(message.blocks)
