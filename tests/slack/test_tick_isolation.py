"""One bad record never stops the others: a release, deliverable or person whose planning or wording raises is
skipped, logged with its ids and reported to its release's PM once, and the rest of the tick still goes out."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlmodel import select

from bot.release.planning import ladder
from bot.slack import delivery
from messages import builders
from storage.db import session_scope
from storage.models import Outbox, OutboxState, Person, Release
from tests.support.harness import utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, PM
from tests.support.story import CHANNEL, dm_texts, open_release, posts, tick

FAR = f'new "Far Away" by Nova Lane on 2027-06-04 playbook single pm <@{DESIGNER}|dee>'


@pytest.fixture
def room(bot, standin):
    channel_id, _ = open_release(bot, standin)
    return channel_id


def _release_far_away(bot, standin) -> Release:
    """A second release whose day a bug (or a command without bounds) has put at the end of the calendar;
    its PM reads German."""
    bot.command(FAR, user=DESIGNER)
    bot.settle()
    standin.users[DESIGNER]["locale"] = "de-DE"
    with session_scope(bot.engine) as session:
        release = session.exec(select(Release).where(Release.title == "Far Away")).one()
        release.release_date = date(9999, 12, 31)
        session.add(release)
        person = session.exec(select(Person).where(Person.user_id == DESIGNER)).one()
        person.locale = "de-DE"
        session.add(person)
    return release


def _skipped(caplog) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name.startswith("bot.release.planning") and r.message.startswith("tick skipped")
    ]


def test_a_release_day_at_the_end_of_the_calendar_stops_only_its_own_standup(bot, standin, room, caplog):
    far = _release_far_away(bot, standin)
    for day in (5, 6, 7):  # Tuesday to Thursday, after both standups' times (Berlin and London)
        tick(bot, utc(2027, 1, day, 9, 45))
        tick(bot, utc(2027, 1, day, 9, 46))
    for shown in ("Tue 5 Jan 2027", "Wed 6 Jan 2027", "Thu 7 Jan 2027"):
        assert len(posts(standin, room, f"Standup · {shown}")) == 1, "the healthy release's standup, every day"
    assert not any("Standup" in m["text"] for m in standin.messages(far.channel_id)), "the broken one is skipped"
    told = [t for t in dm_texts(standin, DESIGNER) if "Far Away" in t and "nicht vorbereiten" in t]
    assert len(told) == 1, "its PM hears once, in their language, not at every tick"
    assert "das Standup" in told[0] and "OverflowError" in told[0] and "/release date 2027-03-19" in told[0]
    (logged,) = _skipped(caplog)
    assert f"standup of release {far.id}" in logged.message and logged.release_ids == [far.id]
    assert logged.exc_info[0] is OverflowError


def test_one_release_ladder_still_runs_beside_the_broken_one(bot, standin, room):
    far = _release_far_away(bot, standin)
    # Cover artwork of both releases goes unclaimed; the healthy one is due Fri 29 Jan 2027, a week ahead.
    tick(bot, utc(2027, 1, 22, 9, 45))
    assert len(posts(standin, room, "*Cover artwork* `artwork` is due Fri 29 Jan 2027")) == 1
    assert len(posts(standin, room, "Standup · Fri 22 Jan 2027")) == 1
    assert sum("Nobody owns *Cover artwork*" in t for t in dm_texts(standin, PM)) == 1
    assert not any("Standup" in m["text"] for m in standin.messages(far.channel_id))


def test_a_dm_whose_words_raise_for_one_person_leaves_everyone_elses(bot, standin, room, monkeypatch, caplog):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    # Due the next working day: London's afternoon still brings Dee a morning DM to fail on.
    bot.command("due master 2027-01-26", user=PM, channel=room, channel_name=CHANNEL)
    bot.command(f"assign artwork <@{ARTIST_MANAGER}|mika>", user=PM, channel=room, channel_name=CHANNEL)
    worded = builders.digest

    def digest(items, **kwargs):
        if any(i.deliverable.owner_id == DESIGNER for i in items):
            raise KeyError("a template that breaks on this person's data")
        return worded(items, **kwargs)

    monkeypatch.setattr(builders, "digest", digest)
    tick(bot, utc(2027, 1, 25, 14, 0))  # Monday: 09:00 in New York, 14:00 in London
    tick(bot, utc(2027, 1, 25, 14, 1))
    tick(bot, utc(2027, 1, 26, 14, 0))
    assert sum("Good morning" in t for t in dm_texts(standin, ARTIST_MANAGER)) == 2, "theirs went out each day"
    assert not any("Good morning" in t for t in dm_texts(standin, DESIGNER))
    told = [t for t in dm_texts(standin, PM) if "could not prepare the morning DM" in t]
    assert len(told) == 1 and f"<@{DESIGNER}>" in told[0] and "KeyError" in told[0]
    (logged,) = _skipped(caplog)
    assert f"user {DESIGNER}" in logged.message and logged.user_id == DESIGNER


def test_a_deliverable_whose_reminder_words_raise_is_skipped_and_reported_once(bot, standin, room, monkeypatch):
    worded = ladder.ladder_message

    def ladder_message(release, d, *args):
        if d.key == "amazon-pitch":
            raise ValueError("unrenderable")
        return worded(release, d, *args)

    monkeypatch.setattr(ladder, "ladder_message", ladder_message)
    tick(bot, utc(2027, 3, 1, 9, 0))  # what was due on Friday is overdue: the channel hears of each
    tick(bot, utc(2027, 3, 1, 9, 1))
    assert posts(standin, room, "*Social assets* `social-assets` is 1 working day overdue"), "the others went out"
    assert not posts(standin, room, "*Amazon Music pitch* `amazon-pitch` is 1 working day overdue")
    reported = "could not prepare the reminders for *Amazon Music pitch* `amazon-pitch`"
    assert sum(m["text"].count(reported) for m in standin.dms(PM)) == 1, "once, though both ticks skipped it"
    assert "`ValueError: unrenderable`" in "\n".join(dm_texts(standin, PM))


def test_a_message_that_cannot_be_sent_never_stops_the_others(bot, standin, room, monkeypatch, caplog):
    combined = delivery.builders.combined

    def words_that_raise_for_the_standup(messages):
        if any("Standup" in m.text for m in messages):
            raise RuntimeError("broken words")
        return combined(messages)

    monkeypatch.setattr(delivery.builders, "combined", words_that_raise_for_the_standup)
    tick(bot, utc(2027, 1, 22, 9, 0))  # the standup and the unclaimed artwork's ladder step, in one tick
    tick(bot, utc(2027, 1, 22, 9, 1))
    assert not posts(standin, room, "Standup · Fri 22 Jan 2027")
    assert len(posts(standin, room, "*Cover artwork* `artwork` is due Fri 29 Jan 2027")) == 1
    with session_scope(bot.engine) as session:
        standup = session.exec(select(Outbox).where(Outbox.kind == "standup")).one()
    assert standup.state == OutboxState.FAILED and standup.error == "RuntimeError"
    assert sum("could not send a standup" in t and "on my side" in t for t in dm_texts(standin, PM)) == 1
    assert any(r.name == "bot.slack.delivery" and standup.key in r.message for r in caplog.records)


def test_an_escalation_digest_whose_words_raise_is_reported_once_and_the_rest_goes_out(bot, standin, room, monkeypatch):
    def escalation_digest(*_, **__):
        raise ValueError("unrenderable")

    monkeypatch.setattr(builders, "escalation_digest", escalation_digest)
    tick(bot, utc(2027, 3, 1, 9, 0))  # the PM (no label heads) is owed a digest of everything late
    tick(bot, utc(2027, 3, 1, 9, 1))
    dms = "\n".join(dm_texts(standin, PM))
    assert "*Social assets* is 1 working day overdue" in dms, "the overdue notices still went out"
    reported = "could not prepare the escalation digest for *Midnight Drive*"
    assert sum(m["text"].count(reported) for m in standin.dms(PM)) == 1, "once, though both ticks skipped it"
