"""``/release load`` through the real request path: a PM's two releases with one person overloaded in a week,
a team's people, someone with nothing on, a refusal; and the PM's Home tab showing her team's load."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.release.foresight.workload import due_in_week_of
from storage.db import session_scope
from tests.support.harness import TEAM, utc
from tests.support.people import DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, open_release

SECOND = "rel-2027-03-19-nova-lane-night-swim"


@pytest.fixture
def two_releases(bot, standin):
    """Paula runs two singles; Dara owns three deliverables due the week of 8 Feb across them (the limit is 2),
    one blocked, and one late by the 3rd; Dee owns the first single's artwork, late by then too."""
    first, _ = open_release(bot, standin)
    bot.command(f'new "Night Swim" by Nova Lane on 2027-03-19 pm <@{PM}|paula> team <@{DISTRIBUTION}>', user=PM)
    bot.settle()
    second = standin.channel_by_name(SECOND)["id"]
    assert "is now 2" in bot.command("settings weekly_load_limit 2", user=PM).text
    for room, name, text in [
        (first, CHANNEL, f"assign metadata <@{DISTRIBUTION}>"),  # Tue 2 Feb
        (first, CHANNEL, f"assign distributor-delivery <@{DISTRIBUTION}>"),  # Fri 12 Feb
        (first, CHANNEL, f"assign artwork <@{DESIGNER}|dee>"),  # Fri 29 Jan
        (second, SECOND, f"assign metadata <@{DISTRIBUTION}>"),  # Tue 9 Feb
        (second, SECOND, f'add "Radio edit" due 2027-02-11 owner <@{DISTRIBUTION}>'),
    ]:
        assert bot.command(text, user=PM, channel=room, channel_name=name).status == 200
    bot.command("block distributor-delivery waiting on the master", user=DISTRIBUTION, channel=first,
                channel_name=CHANNEL)  # fmt: skip
    bot.settle()
    bot.clock.now = utc(2027, 2, 3, 9, 0)  # a Wednesday
    return first, second


def test_a_pm_sees_the_people_on_her_releases_week_by_week_with_the_overloaded_week_flagged(bot, standin, two_releases):
    reply = bot.command("load", user=PM)
    assert not reply.public
    text = reply.text
    assert "Your team's workload" in text and "more than 2 due in one week" in text
    assert f"<@{DISTRIBUTION}> `1 · 3⚠ · 0 · 0 · 0 · 0 · 0 · 0` · *1 late* · 1 blocked" in text
    assert f"<@{DESIGNER}> `1 · 0 · 0 · 0 · 0 · 0 · 0 · 0` · *1 late*" in text
    assert text.index(DISTRIBUTION) < text.index(DESIGNER), "the overloaded come first"

    german = bot.command("settings language de", user=PM)
    assert german.status == 200
    assert "Auslastung deines Teams" in bot.command("load", user=PM).text


def test_one_person_and_a_team_and_someone_with_nothing_on(bot, standin, two_releases):
    dara = bot.command(f"load <@{DISTRIBUTION}>", user=OUTSIDER).text
    assert "*Week of Mon 8 Feb 2027* · 3 due · ⚠ more than 2" in dara
    assert "*Radio edit* · Night Swim by Nova Lane · due Thu 11 Feb 2027" in dara
    assert "*Delivery to the distributor* · Midnight Drive by Nova Lane" in dara and "blocked :construction:" in dara

    team = bot.command("load distribution", user=OUTSIDER).text
    assert "Workload of distribution" in team and f"<@{DISTRIBUTION}>" in team and DESIGNER not in team
    assert f"<@{DESIGNER}>" in bot.command("load CREATIVE", user=OUTSIDER).text

    mine = bot.command("load", user=OUTSIDER).text
    assert "Your workload" in mine and "You have no open deliverables due in the next 8 weeks." in mine
    mine = bot.command("load", user=DISTRIBUTION).text
    assert "Your workload" in mine and "*Week of Mon 1 Feb 2027* · 1 due" in mine


def test_how_many_a_person_has_due_in_a_week_is_there_for_other_checks(bot, two_releases):
    with session_scope(bot.engine) as session:
        days = [date(2027, 2, d) for d in (7, 8, 14, 15)]
        due = [due_in_week_of(session=session, team_id=TEAM, user_id=DISTRIBUTION, day=day) for day in days]
    assert due == [1, 3, 3, 0], "Sunday ends the week; a late item counts in the week it was due"


def test_the_limit_is_a_setting_within_reason(bot, two_releases):
    assert "weekly_load_limit" in bot.command("settings", user=PM).text
    refused = bot.command("settings weekly_load_limit 0", user=PM).text
    assert "write a whole number from 1 to 50" in refused and "settings weekly_load_limit 6" in refused


def test_a_word_that_is_no_team_is_refused_with_the_teams_and_the_form(bot, standin, two_releases):
    text = bot.command("load marketting", user=PM).text
    assert "“marketting” is neither one person nor a team" in text and "A&amp;R, creative, distribution" in text
    assert "load [@user|&lt;team&gt;]" in text


def test_the_home_tab_shows_a_pm_her_teams_load(bot, standin, two_releases):
    bot.event({"type": "app_home_opened", "user": PM, "channel": "D0HOME", "tab": "home"})
    bot.settle()
    home = standin.home_views[PM]
    assert len(home["blocks"]) <= 100
    text = json.dumps(home, ensure_ascii=False)
    assert "Your team's workload (2)" in text and f"<@{DISTRIBUTION}> `1 · 3⚠ · 0" in text

    bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D0HOME", "tab": "home"})
    bot.settle()
    assert "team's workload" not in json.dumps(standin.home_views[DESIGNER]), "only a PM's Home shows it"
