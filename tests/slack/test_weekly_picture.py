"""The weekly picture through ticks and ``/release report``: uploaded through Slack's two upload calls on the
week's first working day at standup time, once per recipient, as a PNG with one row per release and words
naming what shipped, moved, clashes, is late or blocked."""

from __future__ import annotations

import json
import struct

import pytest

from messages.timeline import size_of
from tests.support.harness import utc
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, dm_texts, open_release, tick

NIGHT_SWIM = "rel-2027-03-19-nova-lane-night-swim"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _uploads(standin) -> list[dict]:
    """Each completed upload: where it was shared, its comment, and the image's bytes."""
    found = []
    for call in standin.calls_to("files.completeUploadExternal", ok=True):
        channel = call.args["channel_id"]
        ids = {f["id"] for f in _files_arg(call.args["files"])}
        content = next(f["content"] for f in standin.files_shared(channel) if f["id"] in ids)
        found.append({"channel": channel, "comment": call.args.get("initial_comment", ""), "png": content})
    return found


def _files_arg(value):
    return json.loads(value) if isinstance(value, str) else value


def _dm_of(standin, user: str) -> str | None:
    im = standin.im_for(user)
    return im["id"] if im else None


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (it follows the signature)."""
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _in(room: str, name: str) -> dict:
    return dict(channel=room, channel_name=name)


@pytest.fixture
def label(bot, standin):
    """Two releases sharing a week after one moved; a done item, a late one and a blocked one."""
    midnight, _ = open_release(bot, standin)
    bot.command(
        f'new "Night Swim" by Nova Lane on 2027-03-19 playbook single pm <@{DESIGNER}|dee> '
        f"team <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>",
        user=PM,
    )
    bot.settle()
    night = standin.channel_by_name(NIGHT_SWIM)["id"]
    assert "is now" in bot.command(f"settings label_heads <@{ADMIN}|alex>", user=PM).text
    bot.clock.now = utc(2027, 1, 27, 10, 0)
    bot.command("done master", user=PM, **_in(midnight, CHANNEL))
    bot.command("block press-release waiting on the photographer", user=PM, **_in(midnight, CHANNEL))
    assert "Fri 12 Mar 2027" in bot.command("date 2027-03-12", user=DESIGNER, **_in(night, NIGHT_SWIM)).text
    return midnight, night


def test_the_monday_picture_reaches_each_pm_and_label_head_once_at_their_standup_time(bot, standin, label):
    tick(bot, utc(2027, 2, 1, 8, 0))  # 09:00 in Berlin: before the standup time
    assert not standin.calls_to("files.getUploadURLExternal")
    tick(bot, utc(2027, 2, 1, 8, 45))  # 09:45 in Berlin, 08:45 in London
    shared = {u["channel"]: u for u in _uploads(standin)}
    assert set(shared) == {_dm_of(standin, PM), _dm_of(standin, ADMIN)}
    assert len(standin.calls_to("files.getUploadURLExternal", ok=True)) == 2

    head = shared[_dm_of(standin, ADMIN)]
    assert _size(head["png"]) == size_of(2), "the label's two releases, one row each"
    words = head["comment"]
    assert "the label's 2 active releases" in words
    assert "*Shipped last week*\n• Nova Lane — *Midnight Drive*" in words and "Final master audio" in words
    assert "*Night Swim*" in words and "release day Fri 19 Mar 2027 → Fri 12 Mar 2027" in words
    assert "• Week of Mon 8 Mar 2027: Nova Lane — *Midnight Drive*" in words
    assert "late Cover artwork (1 working day" in words
    assert "blocked Press release (waiting on the photographer)" in words

    own = shared[_dm_of(standin, PM)]
    assert _size(own["png"]) == size_of(1), "her one release"
    assert "your 1 active release" in own["comment"] and "Final master audio" in own["comment"]
    assert "release day Fri 19 Mar" not in own["comment"], "another PM's release moved, not hers"
    assert "*Night Swim*" in own["comment"], "…but it shares her release's week"

    tick(bot, utc(2027, 2, 1, 9, 45))  # 09:45 in London: Night Swim's PM
    tick(bot, utc(2027, 2, 1, 9, 46))
    assert len(standin.calls_to("files.getUploadURLExternal", ok=True)) == 3, "each recipient once"
    assert _uploads(standin)[-1]["channel"] == _dm_of(standin, DESIGNER)


def test_an_easter_monday_moves_the_picture_to_tuesday_in_the_escalation_channel(bot, standin):
    ops = standin.add_channel("label-ops", members={"UBOT"})["id"]
    assert "is now" in bot.command(f"settings escalation_channel <#{ops}|label-ops>", user=PM).text
    assert "is now DE" in bot.command("settings holiday_country DE", user=PM).text
    tick(bot, utc(2027, 1, 4, 9, 0))
    assert not standin.calls_to("files.getUploadURLExternal"), "a label with no active release gets no post"
    bot.command(f'new "Spring" by Nova Lane on 2027-04-23 playbook single pm <@{PM}|paula>', user=PM)
    bot.settle()
    tick(bot, utc(2027, 3, 29, 8, 0))  # Easter Monday, 10:00 in Berlin
    assert not standin.calls_to("files.getUploadURLExternal")
    tick(bot, utc(2027, 3, 30, 7, 0))  # Tuesday 09:00: not yet
    assert not standin.calls_to("files.getUploadURLExternal")
    tick(bot, utc(2027, 3, 30, 7, 31))
    tick(bot, utc(2027, 3, 30, 12, 0))
    channels = [u["channel"] for u in _uploads(standin)]
    assert sorted(channels) == sorted([ops, _dm_of(standin, PM)])
    picture = next(u for u in _uploads(standin) if u["channel"] == ops)
    assert _size(picture["png"]) == size_of(1)
    assert "week of Mon 29 Mar 2027" in picture["comment"]
    assert [m for m in standin.messages(ops) if m.get("files")], "shared into the channel with its comment"


def test_report_on_demand_is_the_label_for_heads_and_her_own_for_a_pm(bot, standin, label):
    bot.clock.now = utc(2027, 2, 3, 10, 0)
    asked = bot.command("report", user=ADMIN)
    assert "I've sent you the weekly picture of the label's 2 active releases by DM." in asked.text
    bot.settle()
    assert _size(_uploads(standin)[-1]["png"]) == size_of(2)
    assert _uploads(standin)[-1]["channel"] == _dm_of(standin, ADMIN)

    asked = bot.command("report", user=PM)
    assert "your 1 active release by DM" in asked.text
    bot.settle()
    assert _uploads(standin)[-1]["channel"] == _dm_of(standin, PM)
    assert _size(_uploads(standin)[-1]["png"]) == size_of(1)

    refused = bot.command("report", user=OUTSIDER)
    assert "for label heads, admins and the PMs of active releases" in refused.text
    assert "`/release mine`" in refused.text
    bot.settle()
    assert len(_uploads(standin)) == 2


def test_report_in_german_and_with_nothing_active(bot, standin):
    assert "no active release" in bot.command("report", user=ADMIN).text
    bot.command("settings language de", user=PM)
    assert "keine aktive Veröffentlichung" in bot.command("report", user=ADMIN).text
    assert not standin.calls_to("files.getUploadURLExternal")


def test_a_refused_upload_sends_the_week_s_words_alone_with_how_to_bring_the_image_back(bot, standin, label):
    standin.fail_next("files.getUploadURLExternal", error="missing_scope", times=2)
    tick(bot, utc(2027, 2, 1, 8, 45))  # 09:45 in Berlin: the PM's picture and the label head's
    assert not _uploads(standin)
    for user in (PM, ADMIN):
        words = [t for t in dm_texts(standin, user) if "next 8 weeks" in t]
        assert len(words) == 1, words
        assert "*Shipped last week*" in words[0] and "Final master audio" in words[0]
        assert "Slack said `missing_scope`" in words[0] and "`files:write`" in words[0]
    tick(bot, utc(2027, 2, 1, 8, 46))
    assert sum("next 8 weeks" in t for t in dm_texts(standin, PM)) == 1, "sent once: nothing left to retry"
