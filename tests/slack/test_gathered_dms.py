"""DMs that come in a burst reach a person as one: a run of assignments, or one finished item letting several of
theirs go ahead, is one message that grows (an edit pings nobody), and what comes after the burst is news again."""

from __future__ import annotations

from bot.slack.gathering import GATHER_WINDOW
from tests.support.people import DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, dm_texts, open_release

PITCHES = ("spotify-pitch", "apple-pitch", "amazon-pitch")


def _assign(bot, room: dict, key: str, user: str) -> None:
    assert bot.command(f"assign {key} <@{user}|someone>", user=PM, **room).public


def test_a_run_of_assignments_is_one_dm_that_lists_them_all(bot, standin, clock):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    before = len(standin.dms(DESIGNER))
    for key in PITCHES:
        _assign(bot, room, key, DESIGNER)
        clock.advance(seconds=40)
    _assign(bot, room, "live-check", DISTRIBUTION)  # someone else's DM is their own
    bot.settle()
    told = dm_texts(standin, DESIGNER)[before:]
    assert len(told) == 1, told
    assert f"<@{PM}> gave you 3 deliverables:" in told[0]
    assert all(name in told[0] for name in ("*Spotify editorial pitch*", "*Apple Music pitch*", "*Amazon Music pitch*"))
    assert sum("gave you" in t for t in dm_texts(standin, DISTRIBUTION)) == 1

    clock.advance(seconds=GATHER_WINDOW.total_seconds() + 1)
    _assign(bot, room, "smart-link", DESIGNER)
    bot.settle()
    later = dm_texts(standin, DESIGNER)[before:]
    assert len(later) == 2 and "gave you *Smart link*" in later[1], "after the burst, a new DM: it is news"


def test_one_done_item_that_lets_three_go_ahead_is_one_dm(bot, standin, clock):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    for key in PITCHES:
        _assign(bot, room, key, DESIGNER)
    for upstream in ("master", "artwork", "metadata"):
        bot.command(f"done {upstream}", user=PM, **room)
    bot.settle()
    clock.advance(seconds=GATHER_WINDOW.total_seconds() + 1)
    before = len(standin.dms(DESIGNER))
    bot.command("done distributor-delivery", user=PM, **room)
    bot.settle()
    told = dm_texts(standin, DESIGNER)[before:]
    assert len(told) == 1, told
    assert "*Delivery to the distributor* is done, so 3 of yours can go ahead:" in told[0]
    assert all(name in told[0] for name in ("*Spotify editorial pitch*", "*Apple Music pitch*", "*Amazon Music pitch*"))


def test_a_burst_is_worded_in_the_reader_s_language(bot, standin, clock):
    standin.users[DESIGNER]["locale"] = "de-DE"
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    before = len(standin.dms(DESIGNER))
    for key in PITCHES[:2]:
        _assign(bot, room, key, DESIGNER)
    bot.settle()
    told = dm_texts(standin, DESIGNER)[before:]
    assert len(told) == 1 and f"<@{PM}> hat dir 2 Deliverables gegeben:" in told[0], told
