"""The workload table on its own: weeks, late and blocked work, the limit, and what fits in Slack."""

from __future__ import annotations

from datetime import date, timedelta

from bot.release.calendar import week_start
from bot.release.foresight.workload import WEEKS, person_loads
from messages.facts import LoadTable
from messages.render import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from messages.workload import grid, home_blocks, load_message
from storage.models import Deliverable, Release

TODAY = date(2027, 2, 3)  # a Wednesday
MONDAY = date(2027, 2, 1)
RELEASE = Release(id=1, team_id="T", title="Midnight Drive", artist="Nova Lane", release_date=date(2027, 3, 12),
                  playbook="single", created_by="UPM")  # fmt: skip


def item(owner: str, due: date, *, blocked: bool = False, n: int = 0) -> tuple[Deliverable, Release, bool]:
    d = Deliverable(id=n, team_id="T", release_id=1, key=f"d{n}", name=f"Item {n}", due_date=due, owner_id=owner)
    return d, RELEASE, blocked


def test_a_week_runs_monday_to_sunday():
    assert week_start(date(2027, 2, 7)) == MONDAY == week_start(MONDAY)


def test_items_fall_into_their_iso_weeks_late_ones_into_this_week_and_a_week_over_the_limit_is_flagged():
    rows = [
        item("UDARA", date(2027, 1, 20), n=1),  # late, from an earlier week
        item("UDARA", date(2027, 2, 2), n=2),  # late, this week
        item("UDARA", date(2027, 2, 5), blocked=True, n=3),
        item("UDARA", date(2027, 2, 8), n=4),
        item("UDARA", date(2027, 2, 9), n=5),
        item("UDARA", date(2027, 2, 14), n=6),
        item("UDARA", MONDAY + timedelta(weeks=WEEKS), n=7),  # beyond the horizon
        item("UDEE", date(2027, 3, 1), n=8),
    ]
    (dara, dee) = person_loads(rows, today=TODAY, limit=2)
    assert dara.user_id == "UDARA" and [w.count for w in dara.weeks] == [3, 3, 0, 0, 0, 0, 0, 0]
    assert [w.over for w in dara.weeks[:2]] == [True, True] and dara.overdue == 2 and dara.blocked == 1
    assert grid(dara) == "3⚠ · 3⚠ · 0 · 0 · 0 · 0 · 0 · 0"
    assert dee.weeks[4].count == 1 and not dee.overloaded
    assert [w.monday for w in dara.weeks] == [MONDAY + timedelta(weeks=n) for n in range(WEEKS)]


def test_the_busiest_come_first_and_nobody_without_an_owner_counts():
    rows = [item("UA", date(2027, 2, 10), n=1), item("UB", date(2027, 2, 10), n=2), item("UB", date(2027, 2, 11), n=3)]
    rows.append((Deliverable(id=9, team_id="T", release_id=1, key="x", name="x", due_date=TODAY), RELEASE, False))
    assert [p.user_id for p in person_loads(rows, today=TODAY, limit=6)] == ["UB", "UA"]


def table(people, scope="pm") -> LoadTable:
    mondays = tuple(MONDAY + timedelta(weeks=n) for n in range(WEEKS))
    return LoadTable(scope, "UPM", mondays, 2, TODAY, tuple(people), len(people) + 5)


def test_a_label_of_many_people_stays_within_slacks_limits_in_both_languages():
    rows = [item(f"U{p:04d}", MONDAY + timedelta(days=d), n=p * 100 + d) for p in range(300) for d in range(0, 56, 3)]
    people = person_loads(rows, today=TODAY, limit=2)
    for lang in ("en", "de"):
        message = load_message(table(people), lang=lang)
        assert len(message.blocks) <= MAX_MESSAGE_BLOCKS
        assert all(len(b.get("text", {}).get("text", "")) <= MAX_SECTION_TEXT for b in message.blocks)
        assert len(home_blocks(table(people), lang=lang)) <= 5


def test_one_persons_answer_lists_each_week_with_its_items():
    rows = [item("UDARA", date(2027, 2, 2), n=1), item("UDARA", date(2027, 2, 9), blocked=True, n=2)]
    message = load_message(table(person_loads(rows, today=TODAY, limit=6), scope="self"), lang="en")
    text = "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert "*Week of Mon 1 Feb 2027* · 1 due" in text and "*Item 1* · Midnight Drive by Nova Lane" in text
    assert "(*1d late*)" in text and "*Item 2*" in text and "blocked :construction:" in text
