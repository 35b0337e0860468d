"""The weekly picture's facts and image as pure functions: which day it is due, its rows, clashes,
overload across releases, what moved and shipped, and a PNG with one row per drawn release."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

from matplotlib.image import imread

from bot.release.calendar import Calendar
from bot.release.foresight.weekly import LabelWeek, build, picture_day
from messages.timeline import size_of, timeline
from messages.weekly_text import comment
from storage.models import Activity, Blocker, Deliverable, Release
from storage.queries import ReleaseBundle

MONDAY = date(2027, 3, 1)
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
DE = Calendar(holiday_country="DE")


def _release(number: int, day: date, pm: str = "UPM") -> Release:
    return Release(id=number, team_id="T", title=f"Song {number}", release_date=day, playbook="single", pm_id=pm,
                   created_by=pm, channel_id=f"C{number}")  # fmt: skip


def _item(number: int, release: Release, due: date, *, owner=None, state="open", hard=False, done_at=None):
    return Deliverable(id=number, team_id="T", release_id=release.id, key=f"k{number}", name=f"Item {number}",
                       due_date=due, owner_id=owner, state=state, hard=hard, done_at=done_at)  # fmt: skip


def _moved(release: Release, action: str, before: date, after: date, item: int | None = None) -> Activity:
    detail = {"before": before.isoformat(), "after": after.isoformat()}
    return Activity(team_id="T", release_id=release.id, deliverable_id=item, actor_id="UPM", action=action,
                    detail=detail, at=NOW - timedelta(days=2))  # fmt: skip


def test_the_picture_comes_on_the_weeks_first_working_day_from_standup_time():
    due = dict(timezone="Europe/Berlin", standup_at=time(9, 30), calendar=DE)
    assert picture_day(now=datetime(2027, 3, 1, 8, 30, tzinfo=UTC), **due) == date(2027, 3, 1)
    assert picture_day(now=datetime(2027, 3, 1, 8, 0, tzinfo=UTC), **due) is None, "09:00 in Berlin"
    assert picture_day(now=datetime(2027, 3, 2, 8, 30, tzinfo=UTC), **due) is None, "Tuesday of a normal week"
    assert picture_day(now=datetime(2027, 3, 29, 8, 30, tzinfo=UTC), **due) is None, "Easter Monday"
    assert picture_day(now=datetime(2027, 3, 30, 7, 30, tzinfo=UTC), **due) == date(2027, 3, 30)


def test_rows_clashes_overload_moves_and_what_shipped():
    a, b, c = _release(1, date(2027, 3, 12)), _release(2, date(2027, 3, 12), pm="UOTHER"), _release(3, date(2027, 6, 4))
    late = _item(10, a, date(2027, 2, 26), owner="UDEE")
    blocked = _item(11, a, date(2027, 3, 5), owner="UDEE", hard=True)
    shipped = _item(12, a, date(2027, 2, 26), state="done", done_at=NOW - timedelta(days=3))
    long_ago = _item(13, a, date(2027, 2, 1), state="done", done_at=NOW - timedelta(days=20))
    # Dee has four due the week of 8 March on release A and three on B: seven in one week, across releases.
    load_a = [_item(20 + n, a, date(2027, 3, 8 + n), owner="UDEE") for n in range(4)]
    load_b = [_item(30 + n, b, date(2027, 3, 9 + n), owner="UDEE") for n in range(3)]
    blocker = Blocker(id=1, team_id="T", deliverable_id=11, reason="waiting", raised_by="UDEE")
    week = LabelWeek(
        bundles=[
            ReleaseBundle(a, [late, blocked, shipped, long_ago, *load_a], open_blockers={11: blocker}),
            ReleaseBundle(b, load_b),
            ReleaseBundle(c, []),
        ],
        moves=[
            _moved(a, "release_moved", date(2027, 3, 5), date(2027, 3, 19)),
            _moved(a, "release_moved", date(2027, 3, 19), date(2027, 3, 12)),
            _moved(c, "release_moved", date(2027, 6, 4), date(2027, 6, 11)),
            _moved(c, "release_moved", date(2027, 6, 11), date(2027, 6, 4)),  # and back: nothing moved
            _moved(a, "due_changed", date(2027, 3, 1), date(2027, 3, 5), item=11),
        ],
        names={"UDEE": "dee"},
    )
    label = build(week, today=MONDAY, now=NOW, calendar=Calendar(), limit=6)
    assert [row.release.id for row in label.rows] == [1, 2, 3]
    assert label.weeks[0] == MONDAY and len(label.weeks) == 8
    row = label.rows[0]
    assert row.late == [late] and row.blocked == [(blocked, blocker)] and row.hard == [blocked]
    assert label.late_by == {10: 1}
    assert label.clashes == [(date(2027, 3, 8), [a, b])]
    assert [(o.user_id, o.week, o.count) for o in label.overloaded] == [("UDEE", date(2027, 3, 8), 7)]
    assert [(m.release.id, m.deliverable, m.before, m.after) for m in label.moved] == [
        (1, None, date(2027, 3, 5), date(2027, 3, 12)),
        (1, blocked, date(2027, 3, 1), date(2027, 3, 5)),
    ]
    assert label.shipped == [(a, [shipped])]
    words = comment(label, lang="de")
    assert "*Letzte Woche erledigt*\n• *Song 1* (<#C1>): Item 12" in words
    assert "• dee: 7 fällig in der Woche ab Mo., 08.03.2027" in words

    hers = build(week, today=MONDAY, now=NOW, calendar=Calendar(), limit=6, pm_id="UOTHER")
    assert [row.release.id for row in hers.rows] == [2] and not hers.label_wide
    assert hers.clashes == [(date(2027, 3, 8), [a, b])], "her release shares a week with another PM's"
    assert hers.overloaded[0].count == 7, "Dee's work on release A counts towards her week too"
    assert hers.moved == [] and hers.shipped == []
    assert build(week, today=MONDAY, now=NOW, calendar=Calendar(), limit=7).overloaded == []
    assert build(week, today=MONDAY, now=NOW, calendar=Calendar(), limit=6, pm_id="UNOBODY") is None


def test_the_image_has_one_row_per_drawn_release_and_says_how_many_more():
    releases = [_release(n, MONDAY + timedelta(days=4 + 7 * (n % 12))) for n in range(1, 46)]
    week = LabelWeek([ReleaseBundle(r, [_item(100 + r.id, r, MONDAY - timedelta(days=3))]) for r in releases], [])
    picture = build(week, today=MONDAY, now=NOW, calendar=Calendar(), limit=6, max_rows=40)
    assert picture.drawn == 40 and picture.not_drawn == 5
    drawn = timeline(picture)
    assert drawn.rows == 40
    pixels = imread(io.BytesIO(drawn.png), format="png")
    assert (pixels.shape[1], pixels.shape[0]) == size_of(40)
    three = build(LabelWeek(week.bundles[:3], []), today=MONDAY, now=NOW, calendar=Calendar(), limit=6)
    small = timeline(three, lang="de")
    assert small.rows == 3 and size_of(3) != size_of(40)
    assert small.png == timeline(three, lang="de").png, "the same picture draws the same bytes"
