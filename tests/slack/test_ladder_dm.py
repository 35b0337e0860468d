"""One ladder DM a working day per person, through ticks in a German workspace over Christmas and New Year: the
PM's unowned and overdue items in one DM grouped by release, the owner's heads-up and due-today inside their
morning DM, and a standup after the holidays that still reports what was done before them."""

from __future__ import annotations

from datetime import datetime

import pytest

from messages import builders
from messages.ids import ActionId
from tests.support.harness import utc
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import dm_texts, message_text, posts, tick

TEAM_MENTIONS = f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"
# The label closes between the years: 24 Dec and 27 to 31 Dec are quiet days, 25/26 Dec and 1 Jan holidays.
CLOSED = "2027-12-24 2027-12-27 2027-12-28 2027-12-29 2027-12-30 2027-12-31"


def _workspace(bot, quiet_days: str) -> None:
    bot.clock.now = utc(2027, 12, 1, 9, 0)
    assert "is now DE" in bot.command("settings holiday_country DE", user=PM).text
    assert "is now" in bot.command(f"settings quiet_days {quiet_days}", user=PM).text


def _release(bot, standin, title: str, day: str):
    """A single by Nova Lane released on ``day``, PM Paula; a function that runs a command in its channel."""
    bot.command(f'new "{title}" by Nova Lane on {day} playbook single pm <@{PM}|paula> {TEAM_MENTIONS}', user=PM)
    bot.settle()
    name = f"rel-{day}-nova-lane-{title.lower().replace(' ', '-')}"
    room = standin.channel_by_name(name)["id"]

    def run(text: str, user: str = PM):
        return bot.command(text, user=user, channel=room, channel_name=name)

    run.room = room
    return run


def _at(bot, when: datetime, text: str, run, user: str = PM):
    bot.clock.now = when
    return run(text, user)


def _worded(standin, user: str) -> list[dict]:
    """The DMs ``user`` got, without the weekly picture (a file) that Mondays bring PMs."""
    return [m for m in standin.dms(user) if not m.get("files")]


def _new_dms(standin, user: str, since: int) -> list[str]:
    return [message_text(m) for m in _worded(standin, user)[since:]]


@pytest.fixture
def two_releases(bot, standin):
    """Five items the PM hears about on Mon 3 Jan 2028, the first working day of the year: three first late
    that day (due before New Year's Eve, a quiet day, and New Year's Day), two unowned and due that week."""
    _workspace(bot, "2027-12-24 2027-12-31")
    lights = _release(bot, standin, "Winter Lights", "2028-02-25")
    lines = _release(bot, standin, "Snow Lines", "2028-03-03")
    lights("due master 2027-12-30")
    lights("due artwork 2027-12-30")
    lights(f"assign artwork <@{DESIGNER}|dee>")
    lights("due announcement 2028-01-05")
    lines("due metadata 2027-12-31")
    lines("due press-release 2028-01-07")
    bot.settle()
    return lights, lines


def test_a_pm_hears_about_five_items_of_two_releases_in_one_dm_that_day(bot, standin, two_releases):
    lights, lines = two_releases
    before = len(_worded(standin, PM))
    tick(bot, utc(2028, 1, 3, 7, 59))  # 08:59 in Berlin: not yet
    assert len(_worded(standin, PM)) == before
    tick(bot, utc(2028, 1, 3, 8, 0))
    (dm,) = _worded(standin, PM)[before:]
    text = message_text(dm)
    # Three items late since Friday also put hard deadlines out of reach: the PM hears of those here too.
    at_risk = dm["text"].count("*Hard deadline at risk:*")
    assert at_risk and f"Today's reminders for your releases ({5 + at_risk})" in dm["text"]
    for line in (
        "*Final master audio* is 1 working day overdue and unowned",
        f"*Cover artwork* is 1 working day overdue (owner <@{DESIGNER}>)",
        "*Metadata, ISRC and credits* is 1 working day overdue and unowned",
        "Nobody owns *Release announcement* yet; it is due Wed 5 Jan 2028",
        "Nobody owns *Press release* yet; it is due Fri 7 Jan 2028",
    ):
        assert text.count(line) == 1, line
    # Grouped by release, each release named once, soonest release first.
    lights_at, lines_at = text.index("*Winter Lights*"), text.index("*Snow Lines*")
    assert text.count("*Winter Lights*") == 1 and text.count("*Snow Lines*") == 1
    assert lights_at < text.index("*Final master audio*") < text.index("*Release announcement*") < lines_at
    assert lines_at < text.index("*Metadata, ISRC and credits*") and lines_at < text.index("*Press release*")
    pickers = [b for b in dm["blocks"] if b["type"] == "actions"]
    assert [p["elements"][0]["action_id"] for p in pickers] == [ActionId.ASSIGN] * 2, "one per unowned item"
    assert len(dm["blocks"]) <= 50
    # The channels still get their own posts, the unowned item's with its Assign button.
    assert posts(standin, lights.room, "*Final master audio* `master` is 1 working day overdue")
    assert posts(standin, lines.room, "*Press release* `press-release` is due Fri 7 Jan 2028")
    for hour in (8, 9, 12, 15, 16):  # the standups, the afternoon: nothing more for the PM that day
        tick(bot, utc(2028, 1, 3, hour, 30))
    tick(bot, utc(2028, 1, 4, 8, 0))  # and the asks, still due on Tuesday, are not repeated
    assert len(_worded(standin, PM)) == before + 1


def test_a_line_that_turns_up_in_the_afternoon_waits_unless_its_item_is_due_by_the_next_working_day(
    bot, standin, two_releases
):
    lights, lines = two_releases
    tick(bot, utc(2028, 1, 3, 8, 0))
    before = len(_worded(standin, PM))
    # Monday afternoon: the pre-save link is moved to Tuesday and nobody owns it. It cannot wait for Tuesday's DM.
    _at(bot, utc(2028, 1, 3, 13, 0), "due presave 2028-01-04", lines)
    tick(bot, utc(2028, 1, 3, 13, 0))
    (later,) = _new_dms(standin, PM, before)
    assert "Nobody owns *Pre-save link live* yet; it is due Tue 4 Jan 2028" in later
    # Later still, the social assets are moved to Friday: that waits for Tuesday morning's DM.
    _at(bot, utc(2028, 1, 3, 14, 0), "due social-assets 2028-01-07", lights)
    for hour in (14, 16):
        tick(bot, utc(2028, 1, 3, hour, 0))
    assert len(_worded(standin, PM)) == before + 1
    tick(bot, utc(2028, 1, 4, 8, 0))
    (tuesday,) = _new_dms(standin, PM, before + 1)
    assert "Nobody owns *Social assets* yet" in tuesday and "*Pre-save link live*" not in tuesday


def test_an_owners_heads_up_and_due_today_arrive_only_inside_their_morning_dm(bot, standin):
    _workspace(bot, CLOSED)
    lights = _release(bot, standin, "Winter Lights", "2028-02-25")
    lights("due artwork 2028-01-04")  # Tuesday after the closed days: its heads-up is due before Christmas
    lights(f"assign artwork <@{DESIGNER}|dee>")
    bot.settle()
    before = len(_worded(standin, DESIGNER))
    # Thu 23 Dec is two working days before 4 Jan, twelve calendar days ahead: Dee's morning DM (London) has it.
    for hour in (9, 11, 15, 17):
        tick(bot, utc(2027, 12, 23, hour, 0))
    (morning,) = _new_dms(standin, DESIGNER, before)
    assert "Good morning" in morning and "*Coming up* (1)" in morning
    assert "*Cover artwork* ·" in morning and "due Tue 4 Jan 2028 (in 2 working days)" in morning
    for day, hour in ((3, 9), (3, 15)):
        tick(bot, utc(2028, 1, day, hour, 0))
    (monday,) = _new_dms(standin, DESIGNER, before + 1)
    assert "*Coming up* (1)" in monday and "(in 1 working day)" in monday
    for hour in (9, 12, 16):
        tick(bot, utc(2028, 1, 4, hour, 0))
    (tuesday,) = _new_dms(standin, DESIGNER, before + 2)
    assert "*Due today* (1)" in tuesday and "*Cover artwork* ·" in tuesday and "*due today*" in tuesday
    tick(bot, utc(2028, 1, 5, 9, 0))
    (wednesday,) = _new_dms(standin, DESIGNER, before + 3)
    assert "*Late* (1)" in wednesday and "*1 working day late*" in wednesday


def test_a_snoozed_item_has_no_heads_up_in_the_morning_dm(bot, standin):
    _workspace(bot, CLOSED)
    lights = _release(bot, standin, "Winter Lights", "2028-02-25")
    lights("due artwork 2028-01-04")
    lights(f"assign artwork <@{DESIGNER}|dee>")
    _at(bot, utc(2027, 12, 22, 12, 0), "snooze artwork 2028-01-03", lights, DESIGNER)
    bot.settle()
    before = len(_worded(standin, DESIGNER))
    tick(bot, utc(2027, 12, 23, 9, 0))
    assert not any("Cover artwork" in t for t in _new_dms(standin, DESIGNER, before))
    tick(bot, utc(2028, 1, 3, 9, 0))
    assert "*Cover artwork* ·" in _new_dms(standin, DESIGNER, before)[-1]


def test_the_standup_after_the_holidays_reports_what_was_done_before_them(bot, standin):
    _workspace(bot, CLOSED)
    lights = _release(bot, standin, "Winter Lights", "2028-02-25")
    tick(bot, utc(2027, 12, 23, 8, 30))  # Thursday's standup, 09:30 in Berlin
    assert "Done since the last standup" not in message_text(posts(standin, lights.room, "Thu 23 Dec 2027")[0])
    _at(bot, utc(2027, 12, 23, 15, 0), "done artwork", lights, DESIGNER)
    for day in (24, 27, 28, 29, 30, 31):  # quiet days: no standup
        tick(bot, utc(2027, 12, day, 8, 30))
    assert not posts(standin, lights.room, "Dec 2027 ·") and len(posts(standin, lights.room, "Standup ·")) == 1
    tick(bot, utc(2028, 1, 3, 8, 30))  # eleven days later, the first working day of the year
    text = message_text(posts(standin, lights.room, "Standup · Mon 3 Jan 2028")[0])
    assert "Done since the last standup" in text and "*Cover artwork*" in text
    tick(bot, utc(2028, 1, 4, 8, 30))
    assert "Done since the last standup" not in message_text(posts(standin, lights.room, "Tue 4 Jan 2028")[0])


def test_a_ladder_dm_whose_words_raise_is_reported_once_and_the_channel_posts_still_go(
    bot, standin, two_releases, monkeypatch
):
    lights, _ = two_releases

    def ladder_dm(groups, **kwargs):
        raise KeyError("a template that breaks on this person's lines")

    monkeypatch.setattr(builders, "ladder_dm", ladder_dm)
    tick(bot, utc(2028, 1, 3, 8, 0))
    tick(bot, utc(2028, 1, 3, 8, 1))
    assert posts(standin, lights.room, "*Final master audio* `master` is 1 working day overdue")
    told = [t for t in dm_texts(standin, PM) if "could not prepare the reminders DM of" in t]
    assert len(told) == 1 and f"<@{PM}>" in told[0] and "KeyError" in told[0]
    assert not any("Today's reminders" in t for t in dm_texts(standin, PM))
