"""Changing a deliverable is for the people in the release's channel: by command, by button (checklist,
DM, Home), by reaction and by form. Who is in it comes from Slack's member list, read once, and is kept
current by member_joined_channel and member_left_channel; the release's managers keep their rights."""

from __future__ import annotations

from sqlmodel import select

from storage.db import session_scope
from storage.models import ChannelMember, Release
from tests.support.harness import button_click
from tests.support.people import ADMIN, DESIGNER, OUTSIDER, PM
from tests.support.story import CHANNEL, checklist, dm_texts, item, open_release

REFUSED = "Only people in"


def test_someone_outside_the_channel_is_refused_by_command_button_and_reaction(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}

    reply = bot.command("claim artwork", user=OUTSIDER, **room)
    assert REFUSED in reply.text and f"<#{channel_id}>" in reply.text and "Join the channel" in reply.text
    assert f"<@{PM}>" in reply.text, "and who can add them"

    message = checklist(standin, channel_id)["artwork"]
    url = standin.response_url("outsider-click")
    bot.interact(button_click(message, "checklist_done", user=OUTSIDER, channel=channel_id, response_url=url))
    bot.settle()
    assert REFUSED in standin.responses("outsider-click")[-1]["text"]

    bot.react("white_check_mark", user=OUTSIDER, channel=channel_id, ts=message["ts"])
    bot.settle()
    assert any(REFUSED in t for t in dm_texts(standin, OUTSIDER)), "an ephemeral cannot reach a non-member"

    artwork = item(bot, "artwork")
    assert artwork.state == "open" and artwork.owner_id is None


def test_the_member_list_is_read_once_and_kept_by_join_and_leave_events(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}
    read = len(standin.calls_to("conversations.members"))
    assert read == 1, "read when the channel was set up"

    standin.world.channels[channel_id]["members"].add(OUTSIDER)
    bot.event({"type": "member_joined_channel", "user": OUTSIDER, "channel": channel_id, "event_ts": "1800000000.1"})
    bot.settle()
    assert "You own" in bot.command("claim artwork", user=OUTSIDER, **room).text

    standin.world.channels[channel_id]["members"].discard(OUTSIDER)
    bot.event({"type": "member_left_channel", "user": OUTSIDER, "channel": channel_id, "event_ts": "1800000001.1"})
    bot.settle()
    assert REFUSED in bot.command("done artwork", user=OUTSIDER, **room).text
    assert item(bot, "artwork").state == "open"
    assert len(standin.calls_to("conversations.members")) == read, "the events kept it; Slack was not asked again"


def test_a_late_join_event_does_not_undo_a_later_leave(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}
    bot.event({"type": "member_left_channel", "user": DESIGNER, "channel": channel_id, "event_ts": "1800000005.0"})
    bot.event({"type": "member_joined_channel", "user": DESIGNER, "channel": channel_id, "event_ts": "1800000001.0"})
    bot.settle()
    assert REFUSED in bot.command("claim artwork", user=DESIGNER, **room).text


def test_an_owner_who_left_the_channel_cannot_finish_from_their_home(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}
    bot.command(f"assign artwork <@{DESIGNER}>", user=PM, **room)
    bot.event({"type": "member_left_channel", "user": DESIGNER, "channel": channel_id, "event_ts": "1800000001.0"})
    bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D0HOME", "tab": "home"})
    bot.settle()
    bot.interact(button_click(standin.home_views[DESIGNER], "checklist_done", user=DESIGNER))
    bot.settle()
    assert item(bot, "artwork").state == "open"
    assert REFUSED in str(standin.home_views[DESIGNER]["blocks"])


def test_managers_may_act_from_outside_the_channel(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}
    bot.event({"type": "member_left_channel", "user": PM, "channel": channel_id, "event_ts": "1800000001.0"})
    bot.settle()
    bot.command("done artwork", user=PM, **room)
    assert item(bot, "artwork").state == "done"
    assert REFUSED not in bot.command("claim master", user=ADMIN, **room).text, "a workspace admin too"


def test_someone_of_another_team_in_a_shared_channel_acts_only_while_in_it(bot, standin):
    """Slack Connect: a person of another organisation is in the member list like anyone else."""
    channel_id, _ = open_release(bot, standin)
    guest = "WGUESTMGMT"
    standin.add_user(guest, name="gina")
    message = checklist(standin, channel_id)["artwork"]
    click = guest_click(standin, message, guest, channel_id, "guest")
    bot.interact(click)
    bot.settle()
    assert REFUSED in standin.responses("guest")[-1]["text"] and item(bot, "artwork").state == "open"

    standin.world.channels[channel_id]["members"].add(guest)
    bot.event({"type": "member_joined_channel", "user": guest, "channel": channel_id, "event_ts": "1800000001.0",
               "team": "TOTHERORG"})  # fmt: skip
    bot.settle()
    click = guest_click(standin, message, guest, channel_id, "guest2")
    bot.interact(click)
    bot.settle()
    assert item(bot, "artwork").state == "done"


def guest_click(standin, message: dict, guest: str, channel_id: str, key: str) -> dict:
    url = standin.response_url(key)
    click = button_click(message, "checklist_done", user=guest, channel=channel_id, response_url=url)
    click["user"]["team_id"] = "TOTHERORG"
    return click


def test_a_channel_whose_members_were_never_read_is_read_before_the_first_change(bot, standin):
    """Releases set up before membership counted: read on first need, and a Slack that cannot answer
    changes nothing and says so."""
    channel_id, _ = open_release(bot, standin)
    room = {"channel": channel_id, "channel_name": CHANNEL}
    forget_members(bot)
    standin.fail_next("conversations.members", error="internal_error")
    reply = bot.command("claim artwork", user=DESIGNER, **room)
    assert "could not check" in reply.text and item(bot, "artwork").owner_id is None
    read = len(standin.calls_to("conversations.members", ok=True))
    assert "You own" in bot.command("claim artwork", user=DESIGNER, **room).text
    assert len(standin.calls_to("conversations.members", ok=True)) == read + 1


def forget_members(bot) -> None:
    with session_scope(bot.engine) as session:
        for release in session.exec(select(Release)).all():
            release.members_synced_at = None
            session.add(release)
        for row in session.exec(select(ChannelMember)).all():
            session.delete(row)
