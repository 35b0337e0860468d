"""The whole story through HTTP: new release → channel and checklist → claim → ✅ → block → status →
date shift with owners' DMs → restart with nothing lost."""

from __future__ import annotations

from sqlmodel import select

from storage.db import session_scope
from storage.models import Activity, Deliverable
from tests.support.harness import BotUnderTest
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, checklist, message_text, open_release


def test_new_release_opens_a_channel_with_people_topic_pin_and_checklist(bot, standin):
    channel_id, reply = open_release(bot, standin)
    channel = standin.channel_by_name(CHANNEL)
    assert {PM, DESIGNER, DISTRIBUTION, ARTIST_MANAGER} <= set(channel["members"])
    assert "Fri 12 Mar 2027" in channel["topic"]["value"]
    items = checklist(standin, channel_id)
    assert len(items) >= 12 and {"master", "artwork", "metadata", "spotify-pitch"} <= set(items)
    assert channel["pins"], "the overview is pinned"
    ready = standin.responses(reply.response_key)
    assert any(f"<#{channel_id}>" in r.get("text", "") for r in ready), "the creator is told where the channel is"


def test_claim_done_block_status_and_date_move(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)

    claimed = bot.command("claim artwork", user=DESIGNER, **room)
    assert "You own *Cover artwork*" in claimed.text or "You own" in claimed.text
    bot.settle()
    assert f"<@{DESIGNER}>" in message_text(checklist(standin, channel_id)["artwork"])

    metadata_ts = checklist(standin, channel_id)["metadata"]["ts"]
    bot.react("raised_hand", user=DISTRIBUTION, channel=channel_id, ts=metadata_ts)
    artwork_ts = checklist(standin, channel_id)["artwork"]["ts"]
    status, _, _ = bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=artwork_ts, event_id="EvDONE1")
    assert status == 200
    # Slack retries the same event: it must change nothing.
    bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=artwork_ts, event_id="EvDONE1", retry=1)
    bot.settle()
    with session_scope(bot.engine) as session:
        done_logs = session.exec(select(Activity).where(Activity.action == "done")).all()
        metadata = session.exec(select(Deliverable).where(Deliverable.key == "metadata")).one()
    assert len(done_logs) == 1
    assert metadata.owner_id == DISTRIBUTION
    assert ":white_check_mark:" in message_text(checklist(standin, channel_id)["artwork"])

    blocked = bot.command("block metadata waiting on ISRCs from <!channel> and <@UOTHER>", user=DISTRIBUTION, **room)
    assert blocked.public
    assert "&lt;!channel&gt;" in blocked.text and "<!channel>" not in blocked.text
    assert "&lt;@UOTHER&gt;" in blocked.text

    status_reply = bot.command("status", user=OUTSIDER, **room)
    assert "Blocked (1)" in status_reply.text and "waiting on ISRCs" in status_reply.text
    assert "days* to release" in status_reply.text and "at risk" in status_reply.text

    refused = bot.command("date 2027-03-19", user=OUTSIDER, **room)
    assert not refused.public and f"the PM <@{PM}>" in refused.text

    standin.reset_calls()
    moved = bot.command("date 2027-03-19", user=PM, **room)
    assert moved.public and "Fri 19 Mar 2027" in moved.text and "Deadlines that moved" in moved.text
    bot.settle()
    dms = standin.dms(DISTRIBUTION)
    assert any("Your new dates" in m.get("text", "") + message_text(m) for m in dms)
    assert not any("Your new dates" in message_text(m) for m in standin.dms(DESIGNER)), "done work has no new date"
    renamed = standin.channel_by_name("rel-2027-03-19-nova-lane-midnight-drive")
    assert renamed is not None and renamed["id"] == channel_id


def test_restart_loses_nothing(bot, standin, database, clock):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command("claim master", user=PM, **room)
    bot.settle()
    posts_before = len(standin.calls_to("chat.postMessage"))
    bot.stop()

    engine, url = database
    again = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=url).start()
    try:
        again.runtime.followup.reconcile()
        again.settle()
        assert len(standin.calls_to("chat.postMessage")) == posts_before, "nothing is posted twice"
        mine = again.command("mine", user=PM)
        assert "Final master" in mine.text or "master" in mine.text
    finally:
        again.stop()
