"""Each release teaching the next, through the real request path: a release that slips is archived and its
retro says exactly what happened; a release left active gets its retro from the tick, once; the label's
stats across finished releases; a suggestion applied with its button and used by the next ``new``."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from messages.ids import ActionId
from storage.db import session_scope
from storage.models import Deliverable, Release
from tests.support.harness import TEAM, action_ts, buttons, utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, dm_texts, open_release, posts, tick

TEAM_MENTIONS = f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"


def _at(bot, *when) -> None:
    bot.clock.now = utc(*when)


def test_an_archived_release_gets_a_retro_that_says_what_happened(bot, standin):
    room, _ = open_release(bot, standin)  # Midnight Drive, Fri 12 Mar 2027: artwork and master due Fri 29 Jan
    where = dict(channel=room, channel_name=CHANNEL)
    _at(bot, 2027, 1, 28, 10)
    bot.command("done master", user=PM, **where)  # a day early
    _at(bot, 2027, 2, 1, 10)
    bot.command("block metadata waiting on the ISRCs", user=DISTRIBUTION, **where)  # metadata due Tue 2 Feb
    _at(bot, 2027, 2, 3, 10)
    bot.command("unblock metadata", user=DISTRIBUTION, **where)
    bot.command("done artwork", user=DESIGNER, **where)  # Wed 3 Feb: 3 working days late
    _at(bot, 2027, 2, 4, 10)
    bot.command("done metadata", user=DISTRIBUTION, **where)  # Thu 4 Feb: 2 working days late
    _at(bot, 2027, 2, 5, 10)
    assert bot.command("date 2027-03-19", user=PM, **where).public
    # Pinned earlier after it was done: it was on time by the date in force when it was done.
    bot.command("due master 2027-01-20", user=PM, **where)
    _at(bot, 2027, 2, 8, 10)
    assert bot.command("archive", user=PM, **where).public
    bot.settle()

    retro = posts(standin, room, "Retro · Nova Lane — Midnight Drive")
    assert len(retro) == 1, "posted in the channel before it was archived"
    text = retro[0]["text"] + str(retro[0]["blocks"])
    assert "33% (1 of 3)" in text, "master on time; artwork and metadata late; the rest not yet due"
    assert "*Cover artwork* `artwork`: done Wed 3 Feb 2027, 3 working days after Fri 29 Jan 2027" in text
    assert "*Metadata, ISRC and credits* `metadata`: done Thu 4 Feb 2027, 2 working days after Tue 2 Feb 2027" in text
    assert "*Metadata, ISRC and credits*: 2 working days: waiting on the ISRCs" in text
    assert "Fri 12 Mar 2027 → Fri 19 Mar 2027" in text
    assert f"<@{DESIGNER}>: 1 — Cover artwork" in text and f"<@{PM}>: 1 — Final master audio" in text
    assert "creative: 0% (0 of 1)" in text and "A&amp;R: 100% (1 of 1)" in text
    assert len([t for t in dm_texts(standin, PM) if "Retro · Nova Lane — Midnight Drive" in t]) == 1

    later = bot.command("retro", user=DESIGNER, **where)  # archived: the retro is still there, as it was
    assert not later.public and "33% (1 of 3)" in later.text and "3 working days after" in later.text
    assert "Run `retro` in a release's channel" in bot.command("retro", user=PM).text
    assert "takes nothing after it" in bot.command("retro please", user=PM, **where).text


def test_a_release_left_active_gets_its_retro_seven_working_days_after_release_day_once(bot, standin):
    room, _ = open_release(bot, standin)
    where = dict(channel=room, channel_name=CHANNEL)
    _at(bot, 2027, 1, 28, 10)
    bot.command("done master", user=PM, **where)
    tick(bot, utc(2027, 3, 22, 15, 0))  # six working days after Fri 12 Mar
    assert not posts(standin, room, "Retro ·")
    for day in (23, 24):  # Tue 23 Mar is the seventh
        tick(bot, utc(2027, 3, day, 15, 0))
    assert len(posts(standin, room, "Retro · Nova Lane — Midnight Drive")) == 1
    assert len([t for t in dm_texts(standin, PM) if "Retro · Nova Lane" in t]) == 1
    assert bot.command("archive", user=PM, **where).public
    bot.settle()
    assert len(posts(standin, room, "Retro · Nova Lane")) == 1, "never twice"
    assert len([t for t in dm_texts(standin, PM) if "Retro · Nova Lane" in t]) == 1


def _single(bot, standin, title: str, day: date) -> dict:
    bot.command(f'new "{title}" by Nova Lane on {day.isoformat()} playbook single pm <@{PM}|paula> {TEAM_MENTIONS}',
                user=PM)  # fmt: skip
    bot.settle()
    name = f"rel-{day.isoformat()}-nova-lane-{title.lower().replace(' ', '-')}"
    return dict(channel=standin.channel_by_name(name)["id"], channel_name=name)


def _apply_payload(standin, element: dict, user: str, key: str, ts: str) -> dict:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "CGENERAL", "is_ephemeral": True},
        "trigger_id": "000.trigger",
        "team": {"id": TEAM, "domain": "label"},
        "channel": {"id": "CGENERAL", "name": "general"},
        "response_url": standin.response_url(key),
        "actions": [{"action_id": ActionId.APPLY_SUGGESTION, "block_id": "s", "text": element["text"],
                     "value": element["value"], "type": "button", "action_ts": ts}],
    }  # fmt: skip


def _click(bot, standin, element: dict, user: str, key: str, ts: str | None = None) -> str:
    status, _, _ = bot.interact(_apply_payload(standin, element, user, key, ts or action_ts()))
    bot.settle()
    assert status == 200
    answers = standin.responses(key)
    return answers[-1]["text"] if answers else ""


def test_the_label_learns_from_its_finished_singles(bot, standin):
    fridays = [date(2027, 3, 12), date(2027, 3, 19), date(2027, 3, 26)]  # artwork due 29 Jan, 5 and 12 Feb
    rooms = [_single(bot, standin, title, day) for title, day in zip(("One", "Two", "Three"), fridays, strict=True)]
    assert "No finished releases yet" in bot.command("stats", user=PM).text
    for where, thursday in zip(rooms, (4, 11, 18), strict=True):
        _at(bot, 2027, 2, thursday, 10)  # the Thursday a week after the artwork was due: 4 working days late
        bot.command("done artwork", user=DESIGNER, **where)
        bot.command("archive", user=PM, **where)
        bot.settle()

    stats = bot.command("stats last 5", user=PM)
    assert not stats.public and "The label's last 3 finished releases" in stats.text
    assert "*Cover artwork*: late 3 times, by 4.0 working days on average" in stats.text
    assert "creative: 0% (0 of 3)" in stats.text
    suggestion = "*Cover artwork* was late in 3 of the last 3 single releases, by 4 working days on average: " \
                 "start it 5 working days earlier."  # fmt: skip
    assert suggestion in stats.text
    retro_dms = [t for t in dm_texts(standin, PM) if "Retro · Nova Lane — Three" in t]
    assert len(retro_dms) == 1 and suggestion in retro_dms[0], "the PM's retro offers it too"
    apply = next(e for _, e in buttons(stats.body["blocks"]) if "|artwork|" in e["value"])

    refused = _click(bot, standin, apply, DESIGNER, "apply-designer")
    assert "Only a release's PM or an admin" in refused
    assert "nothing changed yet" in bot.command("playbook show single", user=PM).text

    ts = action_ts()
    applied = _click(bot, standin, apply, PM, "apply-pm", ts)
    assert "is now version 1: *Cover artwork* starts 5 working days earlier (T-42 → T-49)" in applied
    _click(bot, standin, apply, PM, "apply-replayed", ts)  # the same click again: nothing happens
    again = _click(bot, standin, apply, PM, "apply-again")
    assert "has changed since this suggestion (it is version 1 now): nothing changed" in again

    shown = bot.command("playbook show single", user=DESIGNER).text
    assert "version 1: last changed by" in shown and "*Cover artwork* `artwork`: T-42 → T-49" in shown
    assert "v2" not in shown
    assert "Say `playbook show`" in bot.command("playbook edit single", user=PM).text
    assert "no playbook called" in bot.command("playbook show mixtape", user=PM).text

    _at(bot, 2027, 2, 19, 10)
    _single(bot, standin, "Four", date(2027, 5, 7))
    with session_scope(bot.engine) as session:
        four = session.exec(select(Release).where(Release.title == "Four")).one()
        artwork = session.exec(select(Deliverable).where(Deliverable.release_id == four.id,
                                                         Deliverable.key == "artwork")).one()  # fmt: skip
    assert (artwork.due_date, artwork.offset_days) == (date(2027, 3, 19), -49), "a week before the shipped T-42"
