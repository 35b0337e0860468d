"""Clashes and overload through the real request path: warned under `new`, the form's DM, `date`, `assign` and
`claim`, never refused; and the portfolio marking releases in the same week."""

from __future__ import annotations

from datetime import date

from messages.ids import Field
from tests.slack.test_forms import dm_texts, filled, new_release_form, releases
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, open_release

SECOND = "rel-2027-03-19-nova-lane-night-swim"


def test_new_on_a_friday_that_has_a_release_of_the_same_pm_is_warned_and_created(bot, standin):
    open_release(bot, standin)
    reply = bot.command(f'new "Night Swim" by NOVA LANE on 2027-03-12 pm <@{PM}|paula> team <@{DESIGNER}|dee>',
                        user=PM)  # fmt: skip
    assert reply.status == 200 and "Setting up *Night Swim*" in reply.text
    assert (
        ":warning: *Clash:* Fri 12 Mar 2027 already has *Midnight Drive* by Nova Lane "
        f"(same PM, same artist, shares <@{DESIGNER}>)."
    ) in reply.text
    assert len(releases(bot)) == 2, "a clash is warned about, never refused"


def test_new_in_the_same_week_on_another_day_is_warned(bot, standin):
    open_release(bot, standin)
    reply = bot.command(f'new "Low Tide" by Mara on 2027-03-10 pm <@{ARTIST_MANAGER}|mika>', user=PM)
    assert "Setting up *Low Tide*" in reply.text
    assert (
        f"*Midnight Drive* by Nova Lane on Fri 12 Mar 2027 (shares <@{ARTIST_MANAGER}>) is in the same week."
    ) in reply.text
    far = bot.command('new "Far Away" by Mara on 2027-03-26', user=ARTIST_MANAGER)
    assert "Setting up *Far Away*" in far.text and "Clash" not in far.text


def test_moving_a_release_into_a_week_that_has_another_is_warned(bot, standin):
    open_release(bot, standin)
    assert "Clash" not in bot.command(f'new "Night Swim" by Nova Lane on 2027-03-19 pm <@{PM}|paula>', user=PM).text
    bot.settle()
    second = standin.channel_by_name(SECOND)["id"]
    moved = bot.command("date 2027-03-11", user=PM, channel=second, channel_name=SECOND)
    assert moved.status == 200
    assert (
        ":warning: *Clash:* *Midnight Drive* by Nova Lane on Fri 12 Mar 2027 (same PM, same artist) "
        "is in the same week."
    ) in moved.text


def test_the_forms_answer_by_dm_warns_of_the_clash(bot, standin):
    open_release(bot, standin)
    answers = {Field.TITLE: "Night Swim", Field.ARTIST: "Mara", Field.RELEASE_DATE: date(2027, 3, 12),
               Field.PLAYBOOK: "single", Field.TEAM: [DISTRIBUTION]}  # fmt: skip
    status, _, _ = bot.interact(filled(new_release_form(bot, standin, ARTIST_MANAGER), ARTIST_MANAGER, answers))
    bot.settle()
    assert status == 200 and len(releases(bot)) == 2
    dm = next(text for text in dm_texts(standin, ARTIST_MANAGER) if "Setting up *Night Swim*" in text)
    shared = f"(shares <@{DISTRIBUTION}>, <@{ARTIST_MANAGER}>)"  # the form's sender is its PM, on the first's team
    assert f"Fri 12 Mar 2027 already has *Midnight Drive* by Nova Lane {shared}." in dm


def _dara_owns_the_delivery_of_the_first(bot, standin):
    """Dara owns the first single's delivery to the distributor, due Fri 12 Feb; returns its channel."""
    first, _ = open_release(bot, standin)
    assigned = bot.command(f"assign distributor-delivery <@{DISTRIBUTION}>", user=PM, channel=first,
                           channel_name=CHANNEL)  # fmt: skip
    assert "Delivery to the distributor" in assigned.text and "now has" not in assigned.text
    return first


def test_new_names_a_team_member_already_at_the_limit_in_a_week_it_has_work_in(bot, standin):
    _dara_owns_the_delivery_of_the_first(bot, standin)
    new = f'new "Night Swim" by Nova Lane on 2027-03-19 pm <@{PM}|paula> team <@{DISTRIBUTION}>'
    assert "*Load*" not in bot.command(new, user=PM).text, "1 due in a week is far from the default 6"

    assert "is now 1" in bot.command("settings weekly_load_limit 1", user=PM).text
    reply = bot.command(new.replace("Night Swim", "Day Swim"), user=PM)
    assert "Setting up *Day Swim*" in reply.text
    assert (
        f"<@{DISTRIBUTION}> already has 1 due in the week of Mon 8 Feb 2027 (the limit of 1), "
        "and this release has work without an owner due then"
    ) in reply.text


def test_assigning_over_the_limit_says_so_and_still_assigns(bot, standin):
    first = _dara_owns_the_delivery_of_the_first(bot, standin)
    bot.command(f'new "Night Swim" by Nova Lane on 2027-03-19 pm <@{PM}|paula>', user=PM)
    bot.settle()
    second = standin.channel_by_name(SECOND)["id"]
    assert "is now 1" in bot.command("settings weekly_load_limit 1", user=PM).text
    assigned = bot.command(f"assign metadata <@{DISTRIBUTION}>", user=PM, channel=second, channel_name=SECOND)
    assert "now owns" in assigned.text
    assert (f"<@{DISTRIBUTION}> now has 2 due in the week of Mon 8 Feb 2027: more than the label's 1") in assigned.text
    claimed = bot.command("claim metadata", user=DISTRIBUTION, channel=first, channel_name=CHANNEL)
    assert "You own" in claimed.text and "now has" not in claimed.text, "this one is due Tue 2 Feb, in another week"


def test_moving_a_release_so_an_owners_week_goes_over_the_limit_is_warned(bot, standin):
    _dara_owns_the_delivery_of_the_first(bot, standin)
    bot.command(f'new "Night Swim" by Nova Lane on 2027-03-26 pm <@{PM}|paula>', user=PM)
    bot.settle()
    third = standin.channel_by_name("rel-2027-03-26-nova-lane-night-swim")["id"]
    room = {"channel": third, "channel_name": "rel-2027-03-26-nova-lane-night-swim"}
    bot.command(f"assign distributor-delivery <@{DISTRIBUTION}>", user=PM, **room)  # Fri 26 Feb
    bot.command("settings weekly_load_limit 1", user=PM)
    moved = bot.command("date 2027-03-12", user=PM, **room)
    assert f"<@{DISTRIBUTION}> has 2 due in the week of Mon 8 Feb 2027 (more than 1)" in moved.text
    assert "Clash" in moved.text


def test_the_portfolio_marks_both_releases_of_one_week(bot, standin):
    open_release(bot, standin)
    bot.command('new "Low Tide" by Mara on 2027-03-10', user=ARTIST_MANAGER)
    bot.command('new "Far Away" by Mara on 2027-03-26', user=ARTIST_MANAGER)
    bot.settle()
    lines = {line.split(" · ")[1]: line for line in bot.command("status", user=PM).text.splitlines() if " · " in line}
    assert ":twisted_rightwards_arrows: clashes with *Low Tide*" in lines["Nova Lane — Midnight Drive"]
    assert ":twisted_rightwards_arrows: clashes with *Midnight Drive*" in lines["Mara — Low Tide"]
    assert "clashes" not in lines["Mara — Far Away"]


def test_the_warnings_in_german(bot, standin):
    open_release(bot, standin)
    assert bot.command("settings language de", user=PM).status == 200
    reply = bot.command(f'new "Night Swim" by Nova Lane on 2027-03-12 pm <@{PM}|paula>', user=PM)
    assert ":warning: *Überschneidung:* Am Fr" in reply.text and "(gleiche PM, gleiche:r Künstler:in)" in reply.text
