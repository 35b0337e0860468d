"""The escalation ladder in working days, through ticks: the overdue notice on the first working day late,
the escalation working days after it (never with it), and nothing escalated that was late at its creation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Deliverable, Release
from tests.support.harness import utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, digests, escalated, message_text, open_release, posts, tick

TEAM_MENTIONS = f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"


@pytest.fixture
def ops(bot, standin):
    """The label's escalation channel: where every escalation of these tests is read."""
    channel = standin.add_channel("label-ops", members={"UBOT"})["id"]
    assert "is now" in bot.command(f"settings escalation_channel <#{channel}|label-ops>", user=PM).text
    return channel


def _escalated(standin, ops: str, name: str) -> int:
    """How many of the escalation channel's digests list ``name``."""
    return sum(any(item.startswith(f"*{name}*") for item in escalated(m)) for m in digests(standin, ops))


def _in_channel(room: str) -> dict:
    return dict(channel=room, channel_name=CHANNEL)


def test_a_hard_deadline_escalates_on_the_working_day_after_its_overdue_notice(bot, standin, ops):
    room, _ = open_release(bot, standin)
    bot.command("due distributor-delivery 2027-02-05", user=PM, **_in_channel(room))  # a Friday, hard
    tick(bot, utc(2027, 2, 8, 15, 0))
    assert len(posts(standin, room, "*Delivery to the distributor* `distributor-delivery` is 1 working day")) == 1
    assert _escalated(standin, ops, "Delivery to the distributor") == 0, "never with the overdue notice"
    tick(bot, utc(2027, 2, 9, 15, 0))
    assert _escalated(standin, ops, "Delivery to the distributor") == 1
    assert posts(standin, ops, "*2 working days late* · :lock: hard store/distributor deadline")


def test_escalate_after_is_the_workspaces_choice_of_working_days(bot, standin, ops):
    room, _ = open_release(bot, standin)
    bad = bot.command("settings escalate_after 0", user=PM)
    assert "whole number of working days from 1 to 20" in bad.text and "`settings escalate_after 2`" in bad.text
    assert "*escalate_after*: 2" in bot.command("settings", user=PM).text
    assert "*escalate_after* is now 3" in bot.command("settings escalate_after 3", user=PM).text
    # Cover artwork is due Fri 29 Jan 2027: notice on Monday, escalation three working days later.
    tick(bot, utc(2027, 2, 1, 15, 0))
    assert posts(standin, room, "*Cover artwork* `artwork` is 1 working day overdue")
    for day in (2, 3):
        tick(bot, utc(2027, 2, day, 15, 0))
    assert _escalated(standin, ops, "Cover artwork") == 0
    tick(bot, utc(2027, 2, 4, 15, 0))
    assert _escalated(standin, ops, "Cover artwork") == 1


def test_christmas_holidays_and_quiet_days_are_not_working_days(bot, standin, ops):
    bot.clock.now = utc(2027, 12, 1, 9, 0)
    assert "is now DE" in bot.command("settings holiday_country DE", user=PM).text
    assert "is now" in bot.command("settings quiet_days 2027-12-24 2027-12-31", user=PM).text
    bot.command(
        f'new "Winter Lights" by Nova Lane on 2028-02-25 playbook single pm <@{PM}|paula> {TEAM_MENTIONS}', user=PM
    )
    bot.settle()
    room = standin.channel_by_name("rel-2028-02-25-nova-lane-winter-lights")["id"]
    where = dict(channel=room, channel_name="rel-2028-02-25-nova-lane-winter-lights")
    bot.command("due artwork 2027-12-23", user=PM, **where)  # Thursday before Christmas
    bot.command("due metadata 2027-12-30", user=PM, **where)  # Thursday before New Year's Eve
    # 24 Dec is a quiet day, 25 and 26 Dec are public holidays: the artwork is first late on Mon 27 Dec.
    _climb(
        bot, standin, room, ops, "*Cover artwork* `artwork`", "Cover artwork", date(2027, 12, 24), date(2027, 12, 27)
    )
    (digest,) = digests(standin, ops)
    assert "Nova Lane — *Winter Lights*" in message_text(digest)
    assert escalated(digest)[0].startswith("*Cover artwork* `artwork` · *3 working days late*")
    # 31 Dec is quiet and 1 Jan a holiday (and a Saturday): the metadata is first late on Mon 3 Jan.
    _climb(bot, standin, room, ops, "`metadata`", "Metadata, ISRC and credits", date(2027, 12, 31), date(2028, 1, 3))


def _climb(bot, standin, room, ops, label, name, day_off, first_late):
    """Walk one item up the ladder: silent on a day off, noticed on the next working day, escalated two later."""

    def tick_on(day):
        tick(bot, utc(day.year, day.month, day.day, 15, 0))

    tick_on(day_off)
    assert not posts(standin, room, f"{label} is 1 working day overdue")
    tick_on(first_late)
    assert len(posts(standin, room, f"{label} is 1 working day overdue")) == 1
    tick_on(first_late + timedelta(days=1))
    assert _escalated(standin, ops, name) == 0
    tick_on(first_late + timedelta(days=2))
    assert _escalated(standin, ops, name) == 1


def test_an_album_created_with_items_already_past_due_escalates_none_of_them(bot, standin, ops):
    # Created on Mon 4 Jan 2027 for 26 March: a dozen items were due before the album existed.
    reply = bot.command(
        f'new "Slow Tide" by Nova Lane on 2027-03-26 playbook album pm <@{PM}|paula> {TEAM_MENTIONS}', user=PM
    )
    assert "Setting up *Slow Tide*" in reply.text
    bot.settle()
    room = standin.channel_by_name("rel-2027-03-26-nova-lane-slow-tide")["id"]
    with session_scope(bot.engine) as session:
        release = session.exec(select(Release).where(Release.title == "Slow Tide")).one()
        items = session.exec(select(Deliverable).where(Deliverable.release_id == release.id)).all()
        late = {d.name for d in items if d.due_date < date(2027, 1, 4)}
        metadata = next(d for d in items if d.key == "metadata")
    assert len(late) >= 10 and metadata.due_date == date(2027, 1, 15)
    for day in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 18, 19, 20):
        tick(bot, utc(2027, 1, day, 15, 0))
    assert posts(standin, room, "*Final master audio* `master` is 1 working day overdue"), "noticed as usual"
    assert not [name for name in late if _escalated(standin, ops, name)], "none of what was late at creation"
    assert _escalated(standin, ops, metadata.name) == 1, "what became late afterwards still escalates"


def test_the_digest_goes_out_at_the_workspaces_escalation_time(bot, standin, ops):
    room, _ = open_release(bot, standin)
    bad = bot.command("settings escalation_time 9.30", user=PM)
    assert "write the time as HH:MM" in bad.text and "`settings escalation_time 10:00`" in bad.text
    assert "*escalation_time*: 10:00" in bot.command("settings", user=PM).text
    assert "*escalation_time* is now 14:30" in bot.command("settings escalation_time 14:30", user=PM).text
    # The master and the artwork, due Fri 29 Jan, have been escalated since Wed 3 Feb.
    tick(bot, utc(2027, 2, 8, 13, 0))  # 14:00 in Berlin, the workspace's timezone
    assert not digests(standin, ops)
    tick(bot, utc(2027, 2, 8, 13, 30))
    assert _escalated(standin, ops, "Cover artwork") == 1
    tick(bot, utc(2027, 2, 9, 13, 0))
    assert len(digests(standin, ops)) == 1
