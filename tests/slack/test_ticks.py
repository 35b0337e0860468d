"""The bot keeps time: ticks at chosen instants produce each standup, ladder step and DM exactly once."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlmodel import select

from bot.release import planning
from bot.runtime.tick import Ticker
from bot.slack.installs import SingleWorkspace
from bot.slack.people import Directory
from bot.slack.sender import Sender
from messages import builders
from storage.db import session_scope
from storage.models import Deliverable, Outbox, OutboxState, Person
from tests.support.databases import POSTGRES_URL
from tests.support.harness import BOT_TOKEN, TEAM, button_click, utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import (
    CHANNEL,
    NEW,
    digests,
    dm_texts,
    escalated,
    message_text,
    open_release,
    posts,
    tick,
    waited_as_asked,
)


@pytest.fixture
def room(bot, standin):
    channel_id, _ = open_release(bot, standin)
    return channel_id


def test_standup_once_per_workday_at_its_local_time(bot, standin, room):
    assert not posts(standin, room, "Standup")
    tick(bot, utc(2027, 1, 5, 8, 29))  # Tuesday 09:29 in Berlin, the PM's (and so the release's) timezone
    assert not posts(standin, room, "Standup")
    tick(bot, utc(2027, 1, 5, 8, 30))
    tick(bot, utc(2027, 1, 5, 8, 31))
    tick(bot, utc(2027, 1, 5, 15, 0))
    assert len(posts(standin, room, "Standup · Tue 5 Jan 2027")) == 1
    tick(bot, utc(2027, 1, 9, 9, 0))  # Saturday
    tick(bot, utc(2027, 1, 10, 9, 0))  # Sunday
    assert not posts(standin, room, "Sat 9 Jan") and not posts(standin, room, "Sun 10 Jan")


def test_standup_missed_while_down_is_posted_once_that_day_only(bot, standin, room):
    tick(bot, utc(2027, 1, 6, 17, 45))  # the bot comes back late on Wednesday
    assert len(posts(standin, room, "Standup · Wed 6 Jan 2027")) == 1
    tick(bot, utc(2027, 1, 7, 7, 0))  # Thursday 08:00: Wednesday's is not repeated, Thursday's not due yet
    assert len(posts(standin, room, "Standup · Wed 6 Jan 2027")) == 1
    assert not posts(standin, room, "Thu 7 Jan")


def test_standup_reports_done_blocked_and_follows_daylight_saving(bot, standin, room):
    bot.command("done master", user=PM, channel=room, channel_name=CHANNEL)
    bot.command("block artwork photographer is ill", user=DESIGNER, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 5, 8, 30))
    standup = posts(standin, room, "Standup · Tue 5 Jan 2027")[0]
    text = message_text(standup)
    assert "Done since the last standup" in text and f"by {standin.users[PM]['real_name']}" in text
    assert "*Cover artwork* `artwork`: blocked: photographer is ill" in text
    # Berlin moves to summer time on 28 March 2027: 09:30 local is 07:30 UTC (the Monday after is Easter
    # Monday, a holiday in Germany, where the workspace took its country from its first user's timezone).
    bot.command("date 2027-04-30", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 3, 30, 7, 29))
    assert not posts(standin, room, "Tue 30 Mar 2027")
    tick(bot, utc(2027, 3, 30, 7, 30))
    assert len(posts(standin, room, "Tue 30 Mar 2027")) == 1


def test_a_standup_mentions_each_person_once_and_shows_each_item_once(bot, standin, room):
    mika = f"<@{ARTIST_MANAGER}>"
    for key in ("master", "artwork", "press-release", "social-assets", "artist-approval"):
        bot.command(f"assign {key} {mika[:-1]}|mika>", user=PM, channel=room, channel_name=CHANNEL)
    # Tuesday 5 Jan: Mika's master is a day late, three more of theirs are due this week, and nobody owns
    # the announcement, due this week too.
    dates = {"master": "04", "artwork": "07", "press-release": "08", "social-assets": "08", "announcement": "07"}
    for key, day in dates.items():
        bot.command(f"due {key} 2027-01-{day}", user=PM, channel=room, channel_name=CHANNEL)
    bot.command("done artist-approval", user=ARTIST_MANAGER, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 5, 8, 30))
    standup = posts(standin, room, "Standup · Tue 5 Jan 2027")[0]
    assert message_text(standup).count(mika) == 1, "Mika's items are grouped under one mention"
    sections = [b["text"]["text"] for b in standup["blocks"] if b["type"] == "section"]
    mine = next(s for s in sections if s.startswith(f"*{mika}*"))
    assert all(f"`{key}`" in mine for key in ("master", "artwork", "press-release", "social-assets"))
    for key in dates:
        assert sum(f"`{key}`" in s for s in sections) == 1, f"{key} shows in exactly one section"
    done = next(s for s in sections if "Done since the last standup" in s)
    assert f"by {standin.users[ARTIST_MANAGER]['real_name']}" in done


def test_notify_off_names_a_person_in_standups_without_mentioning_them_until_notify_on(bot, standin, room):
    mika = f"<@{ARTIST_MANAGER}>"
    for key in ("artwork", "press-release"):
        bot.command(f"assign {key} {mika[:-1]}|mika>", user=PM, channel=room, channel_name=CHANNEL)
        bot.command(f"due {key} 2027-01-07", user=PM, channel=room, channel_name=CHANNEL)
    off = bot.command("notify off", user=ARTIST_MANAGER)  # in a DM with the bot: it holds in every release
    assert "no longer mention you" in off.text
    tick(bot, utc(2027, 1, 5, 8, 30))
    text = message_text(posts(standin, room, "Standup · Tue 5 Jan 2027")[0])
    name = standin.users[ARTIST_MANAGER]["real_name"]
    assert mika not in text and f"*{name}* (2)" in text
    assert "`artwork`" in text and "`press-release`" in text, "their items still show"
    assert "mention you again" in bot.command("notify on", user=ARTIST_MANAGER).text
    tick(bot, utc(2027, 1, 6, 8, 30))
    assert f"*{mika}* (2)" in message_text(posts(standin, room, "Standup · Wed 6 Jan 2027")[0])


def test_notify_takes_on_or_off_and_says_so(bot, standin):
    refused = bot.command("notify sometimes", user=ARTIST_MANAGER)
    assert "Say `on` or `off`, not “sometimes”" in refused.text and "/release notify off" in refused.text


def test_no_standups_on_public_holidays_of_the_workspace_country(bot, standin, room):
    reply = bot.command("settings holiday_country DE", user=PM)
    assert "holiday_country* is now DE" in reply.text
    bot.command("date 2027-06-04", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 5, 6, 8, 0))  # Ascension Day in Germany
    assert not posts(standin, room, "Standup · Thu 6 May 2027")
    tick(bot, utc(2027, 5, 7, 8, 0))
    assert len(posts(standin, room, "Standup · Fri 7 May 2027")) == 1


def test_ladder_unclaimed_heads_up_due_day_overdue_and_escalation(bot, standin, room):
    ops = standin.add_channel("label-ops", members={"UBOT"})["id"]
    bot.command(f"settings escalation_channel <#{ops}|label-ops>", user=PM)
    # Cover artwork is due Fri 29 Jan 2027 (R−42). Unclaimed a week before: the channel and the PM hear.
    tick(bot, utc(2027, 1, 22, 9, 0))
    assert len(posts(standin, room, "*Cover artwork* `artwork` is due Fri 29 Jan 2027")) == 1
    assert sum("Nobody owns *Cover artwork*" in t for t in dm_texts(standin, PM)) == 1
    tick(bot, utc(2027, 1, 22, 11, 0))
    assert len(posts(standin, room, "Cover artwork* `artwork` is due")) == 1

    bot.command(f"assign artwork <@{ARTIST_MANAGER}|mika>", user=PM, channel=room, channel_name=CHANNEL)
    # Two working days before (Wed 27 Jan), from 09:00 in the owner's own timezone (New York), the heads-up comes
    # in their morning DM, and no DM besides it.
    bot.settle()  # the assignment's own DM to Mika is out
    mika_dms = len(standin.dms(ARTIST_MANAGER))
    tick(bot, utc(2027, 1, 27, 13, 30))  # 08:30 in New York
    assert len(standin.dms(ARTIST_MANAGER)) == mika_dms
    tick(bot, utc(2027, 1, 27, 14, 5))
    tick(bot, utc(2027, 1, 27, 20, 0))
    (morning,) = dm_texts(standin, ARTIST_MANAGER)[mika_dms:]
    assert "Good morning" in morning and "*Coming up* (1)" in morning
    assert "*Cover artwork* ·" in morning and "due Fri 29 Jan 2027 (in 2 working days)" in morning
    tick(bot, utc(2027, 1, 29, 15, 0))
    (morning,) = dm_texts(standin, ARTIST_MANAGER)[mika_dms + 1 :]
    assert "*Due today* (1)" in morning and "*due today*" in morning
    # First workday late (Mon 1 Feb): a post naming the owner, a line in the PM's one ladder DM of the day, and
    # no escalation with it.
    tick(bot, utc(2027, 2, 1, 15, 0))
    assert len(posts(standin, room, "*Cover artwork* `artwork` is 1 working day overdue")) == 1
    assert sum("*Cover artwork* is 1 working day overdue (owner" in t for t in dm_texts(standin, PM)) == 1
    tick(bot, utc(2027, 2, 2, 15, 0))
    assert not digests(standin, ops), "not the working day after the notice either"
    # Two working days after the notice (Wed 3 Feb, 3 working days late): the escalation channel hears.
    tick(bot, utc(2027, 2, 3, 15, 0))
    (first,) = digests(standin, ops)
    (artwork,) = [item for item in escalated(first) if item.startswith("*Cover artwork*")]
    assert "*3 working days late*" in artwork and f"owner <@{ARTIST_MANAGER}>" in artwork and "new today" in artwork
    assert "overdue notice in the channel on Mon 1 Feb 2027; PM told on Mon 1 Feb 2027" in artwork
    tick(bot, utc(2027, 2, 3, 16, 0))
    assert len(digests(standin, ops)) == 1, "one digest a day"
    tick(bot, utc(2027, 2, 4, 15, 0))
    later = [item for item in escalated(digests(standin, ops)[1]) if item.startswith("*Cover artwork*")]
    assert "In the digest since Wed 3 Feb 2027" in later[0] and "new today" not in later[0]


def test_a_tick_after_one_that_claimed_everything_words_nothing_again(bot, standin, room, monkeypatch):
    tick(bot, utc(2027, 1, 22, 9, 0))  # Friday: the standup, and the unclaimed artwork's ladder step
    assert posts(standin, room, "Standup · Fri 22 Jan 2027")
    worded: list[str] = []
    for name in ("standup", "quiet_standup", "text_message", "digest"):
        monkeypatch.setattr(builders, name, _noting(worded, name, getattr(builders, name)))
    with session_scope(bot.runtime.engine) as session:
        # A minute later all of it is still due, and all of it is claimed already.
        assert planning.plan(session, now=utc(2027, 1, 22, 9, 1)) == []
    assert worded == []
    with session_scope(bot.runtime.engine) as session:
        assert planning.plan(session, now=utc(2027, 1, 25, 9, 0)), "Monday's is new"
    assert "standup" in worded


def _noting(calls: list[str], name: str, builder):
    def noted(*args, **kwargs):
        calls.append(name)
        return builder(*args, **kwargs)

    return noted


def test_moving_the_due_date_restarts_the_ladder_and_done_items_drop_out(bot, standin, room):
    tick(bot, utc(2027, 1, 22, 9, 0))
    assert len(posts(standin, room, "Cover artwork* `artwork` is due")) == 1
    bot.command("due artwork 2027-02-12", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 2, 5, 9, 0))
    assert len(posts(standin, room, "Cover artwork* `artwork` is due Fri 12 Feb")) == 1
    bot.command("done artwork", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 2, 15, 9, 0))
    assert not posts(standin, room, "*Cover artwork* `artwork` is 1 working day overdue")


def test_owner_morning_dm_once_a_workday_at_nine_their_time(bot, standin, room):
    bot.command(f"assign master <@{ARTIST_MANAGER}|mika>", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 25, 13, 59))  # 08:59 in New York
    assert not any("Good morning" in t for t in dm_texts(standin, ARTIST_MANAGER))
    tick(bot, utc(2027, 1, 25, 14, 0))
    tick(bot, utc(2027, 1, 25, 20, 0))
    digests = [t for t in dm_texts(standin, ARTIST_MANAGER) if "Good morning" in t]
    assert len(digests) == 1 and "Final master audio" in digests[0] and f"<#{room}>" in digests[0]
    bot.command("snooze master in 2 weeks", user=ARTIST_MANAGER, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 26, 14, 0))
    assert len([t for t in dm_texts(standin, ARTIST_MANAGER) if "Good morning" in t]) == 1


def test_no_morning_dm_in_the_afternoon_unless_something_is_due_by_the_next_working_day(bot, standin, room):
    def mornings(user):
        return [t for t in dm_texts(standin, user) if "Good morning" in t]

    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)  # due Fri 29 Jan
    tick(bot, utc(2027, 1, 25, 15, 5))  # Monday 15:05 in London: Dee's first item waits for the morning
    assert mornings(DESIGNER) == []
    tick(bot, utc(2027, 1, 26, 9, 0))
    assert len(mornings(DESIGNER)) == 1 and "Cover artwork" in mornings(DESIGNER)[0]
    bot.command("due press-release 2027-01-27", user=PM, channel=room, channel_name=CHANNEL)
    bot.command(f"assign press-release <@{DISTRIBUTION}|dara>", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 26, 14, 5))  # Tuesday 15:05 in Berlin, and Dara's item is due tomorrow
    assert len(mornings(DISTRIBUTION)) == 1 and "Press release" in mornings(DISTRIBUTION)[0]


def _digest_click(bot, standin, action_id: str, key: str) -> dict:
    """Click ``action_id`` on the first row of the designer's newest morning DM; the DM as it reads after."""
    digest = [m for m in standin.dms(DESIGNER) if "Good morning" in m["text"]][-1]
    dm_channel = standin._im_for(DESIGNER, create=False)["id"]
    payload = button_click(digest, action_id, user=DESIGNER, channel=dm_channel, response_url=standin.response_url(key))
    status, _, _ = bot.interact(payload)
    bot.settle()
    assert status == 200
    answer = standin.responses(key)[0]
    assert answer["replace_original"] is True, "the DM is updated in place"
    return answer


def _master(bot) -> Deliverable:
    with session_scope(bot.engine) as session:
        return session.exec(select(Deliverable).where(Deliverable.key == "master")).one()


def test_snooze_until_tomorrow_on_the_morning_dm(bot, standin, room):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 25, 9, 0))
    answer = _digest_click(bot, standin, "snooze_deliverable", "snooze")
    shown = json.dumps(answer["blocks"])
    assert "quiet until Tue 26 Jan 2027" in shown and "snooze_deliverable" not in shown, "the row became the answer"
    assert str(_master(bot).snoozed_until) == "2027-01-26"
    tick(bot, utc(2027, 1, 26, 9, 0))
    assert len([m for m in standin.dms(DESIGNER) if "Good morning" in m["text"]]) == 2, "reminders resume"


def test_snooze_until_next_week_on_the_morning_dm(bot, standin, room):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 27, 9, 0))  # a Wednesday
    answer = _digest_click(bot, standin, "snooze_deliverable_week", "week")
    assert "quiet until Mon 1 Feb 2027" in json.dumps(answer["blocks"])
    assert str(_master(bot).snoozed_until) == "2027-02-01"


def test_done_on_the_morning_dm_finishes_the_deliverable_and_updates_its_checklist_message(bot, standin, room):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    tick(bot, utc(2027, 1, 25, 9, 0))
    _digest_click(bot, standin, "checklist_done", "done")
    master = _master(bot)
    assert master.state == "done" and master.done_by == DESIGNER
    checklist_message = next(m for m in standin.messages(room) if m["ts"] == master.message_ts)
    assert "Done by" in json.dumps(checklist_message["blocks"]), "the checklist message was updated in place"


def test_flaky_slack_loses_nothing_and_doubles_nothing(bot, standin, room):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    bot.settle()  # its checklist update is done: only the ticks' calls meet the failures, in a repeatable order
    standin.fail_fraction(1 / 3, statuses=(429, 500))
    for minute in range(0, 12):
        tick(bot, utc(2027, 1, 22, 9, minute))
    standin.fail_fraction(0.0)
    tick(bot, utc(2027, 1, 22, 12, 0))
    with session_scope(bot.engine) as session:
        rows = session.exec(select(Outbox)).all()
    carried = [r for r in rows if r.state == OutboxState.CARRIED]
    rows = [r for r in rows if r.state != OutboxState.CARRIED]
    assert rows and all(r.state == OutboxState.SENT for r in rows)
    for row in rows:
        found = [m for m in standin.messages(_channel_of(standin, row.channel)) if m["text"] == row.text]
        assert len(found) == 1, f"{row.key} delivered {len(found)} times"
    assert carried, "the PM's line about the unowned artwork went in their ladder DM"
    for row in carried:
        found = [t for t in dm_texts(standin, row.channel) if row.text in t]
        assert len(found) == 1, f"{row.key} delivered {len(found)} times"
    assert waited_as_asked(bot, standin), "each 429 waits its Retry-After, each 5xx one backoff"


def _channel_of(standin, target: str) -> str:
    if target.startswith("U"):
        return standin._im_for(target, create=True)["id"]
    return target


def test_a_message_slack_can_never_take_is_reported_to_the_pm_once(bot, standin, room):
    standin.channels[room]["is_archived"] = True
    tick(bot, utc(2027, 1, 5, 8, 30))
    tick(bot, utc(2027, 1, 5, 8, 31))
    with session_scope(bot.engine) as session:
        standup = session.exec(select(Outbox).where(Outbox.kind == "standup")).one()
    assert standup.state == OutboxState.FAILED and standup.error == "is_archived"
    assert sum("could not deliver a standup" in t for t in dm_texts(standin, PM)) == 1


@pytest.mark.skipif(not POSTGRES_URL, reason="concurrent processes share PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_ticks_on_postgresql_send_each_message_once(bot, standin, room):
    bot.command(f"assign master <@{DESIGNER}|dee>", user=PM, channel=room, channel_name=CHANNEL)
    when = utc(2027, 1, 22, 9, 0)
    # Four "processes": each its own engine, client and ticker, all ticking at the same instant.
    from storage.db import make_engine

    tickers = [
        _ticker(make_engine(POSTGRES_URL), Sender(SingleWorkspace(BOT_TOKEN), standin.base_url, post_interval=0))
        for _ in range(4)
    ]
    barrier = threading.Barrier(len(tickers))
    errors = []

    def run(ticker):
        barrier.wait()
        try:
            ticker.tick(when)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in tickers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], "every process ticks cleanly"
    with session_scope(bot.engine) as session:
        rows = session.exec(select(Outbox).where(Outbox.state != OutboxState.CARRIED)).all()
    assert rows and all(r.state == OutboxState.SENT for r in rows)
    sent = [c for c in standin.calls_to("chat.postMessage", ok=True) if c.args.get("text") in {r.text for r in rows}]
    assert len(sent) == len(rows), "each claimed message is posted exactly once"


def test_settings_show_change_and_refuse_bad_values_or_outsiders(bot, standin, room):
    from tests.support.people import OUTSIDER

    listing = bot.command("settings", user=OUTSIDER)
    assert "*standup_time*: 09:30" in listing.text and "*holiday_country*: DE" in listing.text, "the PM's"
    refused = bot.command("settings standup_time 10:00", user=OUTSIDER)
    assert "Only a release's PM" in refused.text
    bad = bot.command("settings standup_time 25:99", user=PM)
    assert "write the time as HH:MM" in bad.text and "Usage: `settings standup_time 09:30`" in bad.text
    unknown = bot.command("settings bedtime 22:00", user=PM)
    assert "There is no setting called “bedtime”" in unknown.text
    changed = bot.command("settings standup_time 10:15", user=PM)
    assert "*standup_time* is now 10:15" in changed.text
    tick(bot, utc(2027, 1, 5, 9, 0))  # 10:00 in Berlin: not yet
    assert not posts(standin, room, "Standup · Tue 5 Jan 2027")
    tick(bot, utc(2027, 1, 5, 9, 15))
    assert len(posts(standin, room, "Standup · Tue 5 Jan 2027")) == 1


def test_owners_waiting_on_a_deliverable_hear_when_it_is_done(bot, standin, room):
    channel = dict(channel=room, channel_name=CHANNEL)
    bot.command(f"assign distributor-delivery <@{DESIGNER}|dee>", user=PM, **channel)
    for upstream in ("master", "artwork"):
        bot.command(f"done {upstream}", user=PM, **channel)
    bot.settle()
    assert not any("can go ahead" in t for t in dm_texts(standin, DESIGNER)), "metadata is still open"
    bot.command("done metadata", user=PM, **channel)
    bot.settle()
    assert sum("*Delivery to the distributor*" in t and "can go ahead" in t for t in dm_texts(standin, DESIGNER)) == 1


def test_go_ahead_waits_while_the_downstream_item_has_a_blocker_of_its_own(bot, standin, room):
    channel = dict(channel=room, channel_name=CHANNEL)
    bot.command(f"assign distributor-delivery <@{DESIGNER}|dee>", user=PM, **channel)
    bot.command("block distributor-delivery the distributor portal is down", user=PM, **channel)
    for upstream in ("master", "artwork", "metadata"):
        bot.command(f"done {upstream}", user=PM, **channel)
    bot.settle()
    assert not any("can go ahead" in t for t in dm_texts(standin, DESIGNER)), "its own blocker is still open"


def test_what_waits_for_one_person_arrives_as_one_dm_not_a_pile_of_pings(bot, standin, room):
    # Mid-March, nothing was ever claimed: every item is late and the PM (no escalation channel, no
    # label heads) is owed an overdue notice of what was due on Friday and an escalation of the rest.
    tick(bot, utc(2027, 3, 1, 9, 0))
    dms = standin.dms(PM)
    (digest,) = digests(standin, PM)
    assert len(escalated(digest)) >= 5, "the PM hears about every late deliverable, in one digest"
    assert sum("working day overdue" in text for text in dm_texts(standin, PM)) >= 1
    assert len(dms) <= 3, "in a few DMs, each within Slack's limits"
    assert all(len(m["blocks"]) <= 50 for m in dms)
    tick(bot, utc(2027, 3, 1, 10, 0))
    assert len(standin.dms(PM)) == len(dms), "each still once"


def _ticker(engine, sender: Sender) -> Ticker:
    return Ticker(engine, sender, Directory(engine, sender))


def test_a_slow_users_info_during_a_tick_never_holds_up_a_command(bot, standin, room):
    """The tick asks Slack about people before its transaction, so a command typed meanwhile is answered
    in its usual time, not after the tick's calls to a slow ``users.info``."""
    for key, owner in (("master", DESIGNER), ("artwork", DISTRIBUTION), ("metadata", ARTIST_MANAGER)):
        bot.command(f"assign {key} <@{owner}>", user=PM, channel=room, channel_name=CHANNEL)
    when = utc(2027, 1, 22, 9, 0)
    bot.clock.now = when
    with session_scope(bot.engine) as session:
        for person in session.exec(select(Person)).all():
            person.fetched_at = when if person.user_id == PM else None  # everyone but the PM is stale
            session.add(person)
    standin.slow_down("users.info", 1.0)
    ticking = threading.Thread(target=bot.runtime.ticker.tick, args=(when,))
    ticking.start()
    time.sleep(0.3)  # the tick is waiting on its first users.info
    started = time.monotonic()
    reply = bot.command("status", user=PM, channel=room, channel_name=CHANNEL)
    answered = standin.answered_at(reply.response_key, wait=5.0)
    assert ticking.is_alive(), "the tick was still asking Slack about people when the answer came"
    assert answered is not None and answered - started < 0.5, f"answered after {answered - started:.2f}s"
    ticking.join(timeout=30)
    assert len(standin.calls_to("users.info")) >= 3, "the stale people were asked about"
    assert posts(standin, room, "Standup · Fri 22 Jan 2027"), "the tick still did its work"


def test_a_new_workspace_starts_from_its_first_users_timezone_and_country(bot, standin):
    standin.add_user("UNYCPM", name="nia", tz="America/New_York")
    listing = bot.command("settings", user="UNYCPM")
    assert "*timezone*: America/New_York" in listing.text and "*holiday_country*: US" in listing.text
    bot.command("settings", user=PM)  # the second person changes nothing
    assert "*timezone*: America/New_York" in bot.command("settings", user=PM).text


def test_before_its_first_release_anyone_may_set_up_the_workspace(bot, standin):
    from tests.support.people import OUTSIDER

    assert "*label_heads* is now" in bot.command(f"settings label_heads <@{PM}>", user=OUTSIDER).text
    bot.command(NEW, user=PM)
    bot.settle()
    assert "Only a release's PM" in bot.command("settings standup_time 10:00", user=OUTSIDER).text


def test_the_pms_nobody_owns_dm_assigns_with_its_people_picker(bot, standin, room):
    tick(bot, utc(2027, 1, 22, 9, 0))
    (ask,) = [m for m in standin.dms(PM) if "Nobody owns *Cover artwork*" in m["text"]]
    assert "/release assign" not in ask["text"], "a command that does not work in a DM"
    with session_scope(bot.engine) as session:
        artwork_id = session.exec(select(Deliverable.id).where(Deliverable.key == "artwork")).one()
    (picker_block,) = [b for b in ask["blocks"] if b.get("block_id") == f"assign:{artwork_id}"]
    picker = picker_block["elements"][0]
    assert picker["type"] == "users_select"
    pick = {
        "type": "block_actions",
        "user": {"id": PM, "username": "paula", "name": "paula", "team_id": TEAM},
        "team": {"id": TEAM, "domain": "label"},
        "container": {"type": "message", "message_ts": ask["ts"], "channel_id": standin.im_for(PM)["id"]},
        "channel": {"id": standin.im_for(PM)["id"], "name": "directmessage"},
        "message": ask,
        "response_url": standin.response_url("pick"),
        "trigger_id": "1.2.3",
        "actions": [{"type": "users_select", "action_id": picker["action_id"], "block_id": picker_block["block_id"],
                     "selected_user": DESIGNER, "action_ts": "1769000000.000001"}],
    }  # fmt: skip
    status, _, _ = bot.interact(pick)
    bot.settle()
    assert status == 200
    with session_scope(bot.engine) as session:
        artwork = session.exec(select(Deliverable).where(Deliverable.key == "artwork")).one()
    assert artwork.owner_id == DESIGNER
    (answered,) = standin.responses("pick")
    assert answered["replace_original"] and picker_block not in answered["blocks"], "the row turned into the answer"
    assert sum("gave you *Cover artwork*" in t for t in dm_texts(standin, DESIGNER)) == 1


def test_status_counts_lateness_in_working_days_and_names_what_waits_on_it(bot, standin, room):
    channel = dict(channel=room, channel_name=CHANNEL)
    bot.command("due artwork 2027-01-08", user=PM, **channel)  # a Friday
    bot.clock.now = utc(2027, 1, 11, 10, 0)  # the Monday after: one working day late, not three
    status = bot.command("status", user=PM, **channel)
    assert "*Cover artwork* `artwork`: 1 working day late (due Fri 8 Jan 2027)" in status.text
    assert "*Delivery to the distributor* `distributor-delivery`: waiting on *Cover artwork*" in status.text
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, **channel)
    bot.clock.now = utc(2027, 1, 13, 10, 0)
    assert "*Cover artwork* `artwork` · " in (mine := bot.command("mine", user=DESIGNER).text)
    assert "(*3 working days late*)" in mine


def test_a_late_master_names_the_hard_deadlines_it_makes_impossible_and_the_friday_that_fixes_it(bot, standin, room):
    channel = dict(channel=room, channel_name=CHANNEL)
    for upstream in ("artwork", "metadata"):
        bot.command(f"done {upstream}", user=PM, **channel)
    bot.clock.now = utc(2027, 2, 8, 10, 0)  # the master was due Fri 29 Jan: six working days late
    status = bot.command("status", user=PM, **channel).text
    assert "Hard deadlines at risk (4)" in status, "the delivery, and the Amazon, Apple and Spotify pitches after it"
    assert (
        "*Final master audio* is 6 working days late → *Delivery to the distributor* (:lock: hard, due Fri 12 Feb"
        " 2027) can't be before Mon 22 Feb 2027: at risk"
    ) in status
    assert (
        "*Final master audio* is 6 working days late → *Delivery to the distributor* can't be before Mon 22 Feb 2027"
        " → *Spotify editorial pitch* (:lock: hard, due Fri 5 Mar 2027) can't be before"
    ) in status
    assert "On plan again with release day on *Fri 26 Mar 2027* (`/release date 2027-03-26`)" in status
    tick(bot, utc(2027, 2, 9, 9, 0))
    standup = message_text(posts(standin, room, "Standup · Tue 9 Feb 2027")[0])
    assert "Hard deadlines at risk (4)" in standup and "On plan again with release day on" in standup
    told = "\n".join(m["text"] for m in standin.dms(PM))
    assert told.count("*Hard deadline at risk:* *Final master audio* is 7 working days late") == 4, "the PM, once each"
    tick(bot, utc(2027, 2, 10, 9, 0))
    assert "\n".join(m["text"] for m in standin.dms(PM)).count("*Hard deadline at risk:*") == 4, "not again"
