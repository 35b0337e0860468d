"""A German label over Christmas: a blocked item's owner is not chased, its PM hears after 2 and 5 working
days, and the label head gets one digest a working day of every escalated item, grouped by release, with
its owner, its blocker and what was already tried."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.harness import utc
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import digests, dm_texts, escalated, message_text, posts, tick

TEAM = f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"
WINTER = "rel-2028-02-25-nova-lane-winter-lights"
FROST = "rel-2028-03-03-nova-lane-frost"


def _open(bot, standin, title: str, day: str, name: str) -> dict:
    bot.command(f'new "{title}" by Nova Lane on {day} playbook single pm <@{PM}|paula> {TEAM}', user=PM)
    bot.settle()
    return dict(channel=standin.channel_by_name(name)["id"], channel_name=name)


@pytest.fixture
def label(bot, standin):
    """Two releases of a German label whose head is alex. Winter Lights' artwork (dee's) and metadata (dara's)
    are due Thu 23 Dec 2027, and dee blocks the artwork on Mon 20 Dec; Frost's master (mika's) is due
    Wed 22 Dec. 24 and 31 Dec are the label's quiet days, 25 and 26 Dec and 1 Jan public holidays."""
    for person in (PM, ADMIN):
        standin.users[person]["locale"] = "de-DE"
    bot.clock.now = utc(2027, 12, 1, 9, 0)
    for setting in ("language de", "holiday_country DE", "quiet_days 2027-12-24 2027-12-31"):
        assert "ist jetzt" in bot.command(f"settings {setting}", user=PM).text
    assert "ist jetzt" in bot.command(f"settings label_heads <@{ADMIN}|alex>", user=PM).text
    winter = _open(bot, standin, "Winter Lights", "2028-02-25", WINTER)
    frost = _open(bot, standin, "Frost", "2028-03-03", FROST)
    for command, where in [
        ("due artwork 2027-12-23", winter),
        (f"assign artwork <@{DESIGNER}|dee>", winter),
        ("due metadata 2027-12-23", winter),
        (f"assign metadata <@{DISTRIBUTION}>", winter),
        ("due master 2027-12-22", frost),
        (f"assign master <@{ARTIST_MANAGER}|mika>", frost),
    ]:
        bot.command(command, user=PM, **where)
    bot.settle()
    bot.clock.now = utc(2027, 12, 20, 10, 0)
    assert "blockiert" in bot.command("block artwork waiting on the photographer", user=DESIGNER, **winter).text
    bot.settle()
    return winter["channel"], frost["channel"]


def _day(day: date, hour: int = 15, minute: int = 0):
    return utc(day.year, day.month, day.day, hour, minute)


def _blocked_notices(standin, workdays: int) -> int:
    return sum(f"ist seit {workdays} Arbeitstagen blockiert" in text for text in dm_texts(standin, PM))


def test_a_blocked_item_is_not_chased_and_its_pm_hears_after_two_and_five_working_days(bot, standin, label):
    winter, _ = label
    dee_before = len(standin.dms(DESIGNER))
    heard: dict[date, tuple[int, int]] = {}
    day = date(2027, 12, 20)
    while day <= date(2028, 1, 4):
        tick(bot, _day(day))
        tick(bot, _day(day, 16))
        heard[day] = (_blocked_notices(standin, 2), _blocked_notices(standin, 5))
        day += timedelta(days=1)
    # Raised on Mon 20 Dec: two working days on Wed 22 Dec; five on Tue 28 Dec, over the quiet day and holidays.
    assert heard[date(2027, 12, 21)] == (0, 0) and heard[date(2027, 12, 22)] == (1, 0)
    assert heard[date(2027, 12, 27)] == (1, 0) and heard[date(2027, 12, 28)] == (1, 1)
    assert heard[date(2028, 1, 4)] == (1, 1), "each once"
    (notice,) = [text for text in dm_texts(standin, PM) if "seit 2 Arbeitstagen blockiert" in text]
    assert "„waiting on the photographer“" in notice and f"gemeldet von <@{DESIGNER}> am Mo., 20.12.2027" in notice
    assert "`/release unblock artwork`" in notice and "`/release assign artwork @jemand`" in notice
    # The owner heard nothing about it after blocking it: no heads-up, due-day DM or morning DM.
    assert not [text for text in dm_texts(standin, DESIGNER)[dee_before:] if "Cover artwork" in text]
    # Nobody is told to get on with it on its first working day late (Mon 27 Dec); the metadata is.
    assert not posts(standin, winter, "`artwork` ist 1 Arbeitstag überfällig")
    assert len(posts(standin, winter, "`metadata` ist 1 Arbeitstag überfällig")) == 1
    assert not [text for text in dm_texts(standin, PM) if "*Cover artwork* für" in text and "überfällig" in text]


def test_the_label_head_gets_one_digest_a_working_day_grouping_both_releases(bot, standin, label):
    winter, frost = label
    digest_on: dict[date, int] = {}
    day = date(2027, 12, 20)
    while day <= date(2027, 12, 31):
        tick(bot, _day(day, 8, 30))  # 09:30 in Berlin: before the 10:00 digest, and office hours
        assert len(digests(standin, ADMIN)) == len(digest_on), "not before escalation_time"
        tick(bot, _day(day))
        tick(bot, _day(day, 16))
        if len(digests(standin, ADMIN)) > len(digest_on):
            digest_on[day] = len(digests(standin, ADMIN)) - 1
        assert len(digests(standin, ADMIN)) == len(digest_on), "one a day, however many ticks"
        day += timedelta(days=1)
    # Frost's master (overdue notice Thu 23 Dec) escalates on Tue 28 Dec, Winter Lights' items on Wed 29 Dec;
    # no digest on the quiet 31 Dec, and never on the day of an item's overdue notice (23 and 27 Dec).
    assert list(digest_on) == [date(2027, 12, 28), date(2027, 12, 29), date(2027, 12, 30)]
    first, second = (digests(standin, ADMIN)[digest_on[d]] for d in (date(2027, 12, 28), date(2027, 12, 29)))
    assert [item.split("`")[1] for item in escalated(first)] == ["master"]
    assert "Frost" in message_text(first) and "Winter Lights" not in message_text(first)
    text = message_text(second)
    assert "2 Veröffentlichungen" in second["text"] and "3 Deliverables" in second["text"]
    assert text.index("*Winter Lights*") < text.index("*Frost*"), "by release, the earlier release day first"
    assert "Veröffentlichung am Fr., 25.02.2028" in text and f"<#{winter}>" in text and f"<#{frost}>" in text
    items = {item.split("`")[1]: item for item in escalated(second)}
    assert set(items) == {"artwork", "metadata", "master"}
    artwork, metadata, master = items["artwork"], items["metadata"], items["master"]
    assert "*3 Arbeitstage im Verzug*" in artwork and f"verantwortlich <@{DESIGNER}>" in artwork
    assert "Blockiert: „waiting on the photographer“" in artwork
    assert f"Blocker gemeldet am Mo., 20.12.2027 von <@{DESIGNER}>" in artwork
    assert "PM an den Blocker erinnert am Mi., 22.12.2027; PM an den Blocker erinnert am Di., 28.12.2027" in artwork
    assert "Überfällig-Meldung" not in artwork, "none was sent while it was blocked"
    assert "heute neu" in artwork and "heute neu" in metadata and "heute neu" not in master
    assert "Überfällig-Meldung im Channel am Mo., 27.12.2027; PM informiert am Mo., 27.12.2027" in metadata
    assert "Blockiert" not in metadata
    assert "*4 Arbeitstage im Verzug*" in master and f"verantwortlich <@{ARTIST_MANAGER}>" in master
    assert "Überfällig-Meldung im Channel am Do., 23.12.2027" in master
    assert "In der Übersicht seit Di., 28.12.2027" in master


def test_an_unowned_item_says_nobody_owns_it(bot, standin, label):
    _, frost = label
    bot.clock.now = utc(2027, 12, 27, 9, 0)
    bot.command("unclaim master", user=PM, channel=frost, channel_name=FROST)
    tick(bot, utc(2027, 12, 28, 15, 0))
    (digest,) = digests(standin, ADMIN)
    assert "_niemand hat es übernommen_" in escalated(digest)[0]
