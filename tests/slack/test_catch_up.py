"""The catch-up plan, through commands, clicks and ticks: offered when a release is created (or moved) with work
already past due, accepted once by its PM, and the ladder counting from the new dates only after that."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlmodel import select

from messages.formats import format_date
from messages.ids import ActionId
from storage.db import session_scope
from storage.models import Activity, Deliverable, Dependency, Release
from tests.support.harness import button_click, utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, digests, dm_texts, escalated, item, message_text, open_release, posts, tick

TEAM_MENTIONS = f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"
ALBUM = f'new "Slow Tide" by Nova Lane on 2027-03-26 playbook album pm <@{PM}|paula> {TEAM_MENTIONS}'
CREATED = date(2027, 1, 4)  # the clock's Monday


@pytest.fixture
def ops(bot, standin):
    channel = standin.add_channel("label-ops", members={"UBOT"})["id"]
    assert "is now" in bot.command(f"settings escalation_channel <#{channel}|label-ops>", user=PM).text
    return channel


def _escalations(standin, ops: str) -> Counter:
    """How many of the escalation channel's daily digests listed each deliverable (by name)."""
    return Counter(item.split("*")[1] for digest in digests(standin, ops) for item in escalated(digest))


def _accept(bot, standin, answer: dict, user: str, key: str, *, channel: str = "CGENERAL") -> tuple[dict, str]:
    """Press the Accept button under ``answer`` (a command's answer, as Slack shows it) as ``user``."""
    click = button_click({**answer, "ts": "1700000000.000100"}, ActionId.ACCEPT_CATCH_UP, user=user, channel=channel,
                         response_url=standin.response_url(key))  # fmt: skip
    return click, _send(bot, standin, click, key)


def _send(bot, standin, click: dict, key: str) -> str:
    status, _, _ = bot.interact(click)
    bot.settle()
    assert status == 200
    return "\n".join(r["text"] + message_text(r) for r in standin.responses(key))


def _album(bot):
    with session_scope(bot.engine) as session:
        release = session.exec(select(Release).where(Release.title == "Slow Tide")).one()
        items = session.exec(select(Deliverable).where(Deliverable.release_id == release.id)).all()
        upstream = session.exec(select(Dependency.deliverable_id, Dependency.depends_on_id)).all()
        done = session.exec(select(Activity).where(Activity.action == "catch_up_date")).all()
    return release, {d.key: d for d in items}, upstream, len(done)


def test_an_album_created_late_offers_a_plan_its_pm_accepts_once_and_the_ladder_counts_from_it(bot, standin, ops):
    created = bot.command(ALBUM, user=PM)
    bot.settle()
    room = standin.channel_by_name("rel-2027-03-26-nova-lane-slow-tide")["id"]
    _, before, _, _ = _album(bot)
    late = {k for k, d in before.items() if d.due_date < CREATED}
    assert len(late) >= 10
    assert f"Catch-up plan: {len(late)} deliverables already past due" in created.text
    assert "Accept catch-up plan" in created.text and "/release due" in created.text
    assert "*Final master audio* `master`: " in created.text
    tick(bot, utc(2027, 1, 4, 15, 0))
    assert posts(standin, room, "*Final master audio* `master` is"), "the overdue notice as usual"
    assert not _escalations(standin, ops), "nothing late when planned escalates before the plan is accepted"

    click, accepted = _accept(bot, standin, created.body, PM, "accept")
    assert f"accepted the catch-up plan for *Slow Tide*: {len(late)} new dates" in accepted
    release, after, upstream, moved = _album(bot)
    assert moved == len(late)
    new_dates = {k: after[k].due_date for k in late}
    assert all(d >= CREATED and d.weekday() < 5 for d in new_dates.values()), "working days from today"
    assert max(Counter(new_dates.values()).values()) <= 3, "at most three a day (all unowned: one bucket)"
    by_id = {d.id: d for d in after.values()}
    for down, up in upstream:
        if by_id[down].key in late and by_id[up].state == "open":
            assert by_id[up].due_date < by_id[down].due_date, (by_id[up].key, by_id[down].key)
    assert all(after[k].due_pinned for k in late) and after["metadata"].due_date == date(2027, 1, 15)
    shown = [message_text(m) for m in posts(standin, room, "`master`") if "Due *" in message_text(m)]
    assert len(shown) == 1 and f"Due *{format_date(after['master'].due_date)}*" in shown[0], "re-rendered"

    _send(bot, standin, click, "accept")  # Slack sends the same click again
    _, again = _accept(bot, standin, created.body, PM, "again")
    assert "was already accepted" in again and "nothing changed" in again
    assert len(standin.responses("accept")) == 1, "the replay changed nothing and said nothing"
    _, unchanged, _, moved_since = _album(bot)
    assert moved_since == moved and {k: d.due_date for k, d in unchanged.items()} == {
        k: d.due_date for k, d in after.items()
    }

    first = min(late, key=lambda k: (new_dates[k], k))
    name = after[first].name
    for day in range(5, 21):
        if date(2027, 1, day).weekday() < 5:
            tick(bot, utc(2027, 1, day, 15, 0))
            if date(2027, 1, day) <= new_dates[first]:
                assert not _escalations(standin, ops)[name], "never before its new date"
    assert _escalations(standin, ops)[name] >= 1, "late after its catch-up date: escalated"


def test_someone_else_than_a_manager_is_refused_and_a_date_changed_since_is_left(bot, standin):
    created = bot.command(ALBUM, user=PM)
    bot.settle()
    _, refused = _accept(bot, standin, created.body, OUTSIDER, "outsider")
    assert "Only the PM" in refused and "can accept the catch-up plan for this release" in refused
    assert _album(bot)[3] == 0, "nothing changed"

    room = standin.channel_by_name("rel-2027-03-26-nova-lane-slow-tide")
    assert "moved *Final master audio*" in bot.command("due master 2027-01-12", user=PM, channel=room["id"],
                                                       channel_name=room["name"]).text  # fmt: skip
    _, accepted = _accept(bot, standin, created.body, PM, "accept")
    assert "*Left as they are*" in accepted and "*Final master audio* (Tue 12 Jan 2027)" in accepted
    assert item(bot, "master").due_date == date(2027, 1, 12)


def test_a_plan_accepted_days_later_is_made_again_from_that_day(bot, standin, clock):
    created = bot.command(ALBUM, user=PM)
    bot.settle()
    clock.now = utc(2027, 1, 6, 9, 0)
    _, stale = _accept(bot, standin, created.body, PM, "stale")
    assert "That plan was made on Mon 4 Jan 2027" in stale and "Catch-up plan:" in stale
    assert _album(bot)[3] == 0, "nothing applied from the old plan"


def test_a_date_move_into_the_past_offers_the_plan_and_escalates_nothing_until_accepted(bot, standin, ops):
    room, _ = open_release(bot, standin)
    in_room = dict(channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 4, 10, 0))
    assert "now owns *Cover artwork*" in bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, **in_room).text
    moved = bot.command("date 2027-01-29", user=PM, **in_room)
    assert moved.public and "Now in the past" in moved.text
    assert "Catch-up plan:" in moved.text and "Accept catch-up plan" in moved.text
    late = [d for d in _items(bot) if d.due_date < CREATED]
    assert late
    for day in (5, 6, 7, 8):
        tick(bot, utc(2027, 1, day, 15, 0))
    listed = _escalations(standin, ops)
    assert not [d.name for d in late if listed[d.name]], "late when the dates moved: not before acceptance"
    assert listed["Pre-save link live"] >= 1, "what became late after the move escalates as usual"

    _, refused = _accept(bot, standin, moved.body, DESIGNER, "designer", channel=room)
    assert "can accept the catch-up plan" in refused
    _, stale = _accept(bot, standin, moved.body, PM, "pm", channel=room)
    assert "That plan was made on Mon 4 Jan 2027" in stale
    _, old = _accept(bot, standin, moved.body, PM, "old", channel=room)
    assert "no longer the current one" in old, "the first plan's button, once a newer plan was made"
    late_by_now = [d for d in _items(bot) if d.due_date < date(2027, 1, 8)]
    _, accepted = _accept(bot, standin, standin.responses("pm")[0], PM, "fresh", channel=room)
    assert f"accepted the catch-up plan for *Midnight Drive*: {len(late_by_now)} new dates" in accepted
    assert all(d.due_date >= date(2027, 1, 8) for d in _items(bot)), "from the day it was accepted"
    told = [t for t in dm_texts(standin, DESIGNER) if "accepted a catch-up plan" in t]
    artwork = format_date(item(bot, "artwork").due_date)
    assert len(told) == 1 and f"*Cover artwork*: Fri 18 Dec 2026 → *{artwork}*" in told[0], "its owner is told"


def _items(bot) -> list[Deliverable]:
    with session_scope(bot.engine) as session:
        return session.exec(select(Deliverable)).all()
