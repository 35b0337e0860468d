"""People away through the real request path, over simulated days: an away owner's morning DM reaches their
cover (else the release's PM) and not them, an away PM's ladder lines their cover; the standup names them
without a mention; assigning them something warns; ``back`` and the absence's last day end it; bad input is
answered with how to write it."""

from __future__ import annotations

import json

from tests.support.harness import utc
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, digests, dm_texts, escalated, message_text, open_release, posts, tick

# Dee (London) is away Mon 11 to Fri 15 Jan 2027; her cover artwork is due Wed 13 Jan.
AWAY = "away 2027-01-11 2027-01-15"
COVERING_DEE = "Covering for *Dee*, away until Fri 15 Jan 2027"


def _room(bot, standin) -> dict:
    bot.clock.now = utc(2027, 1, 4, 9, 0)
    room, _ = open_release(bot, standin)
    where = dict(channel=room, channel_name=CHANNEL)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, **where)
    bot.command("due artwork 2027-01-13", user=PM, **where)
    bot.settle()
    return where


def _new(standin, user: str, since: int) -> list[str]:
    return dm_texts(standin, user)[since:]


def _artwork_dms(texts: list[str]) -> list[str]:
    return [t for t in texts if "*Cover artwork* ·" in t]


def test_an_away_owners_morning_dm_reaches_their_cover_and_not_them(bot, standin):
    where = _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    set_ = bot.command(f"{AWAY} cover <@{DISTRIBUTION}|dara>", user=DESIGNER)
    assert "You are away Mon 11 Jan 2027 – Fri 15 Jan 2027; *Dara* covers" in set_.text
    bot.settle()
    assert any(
        "You cover for *Dee*, away Mon 11 Jan 2027 – Fri 15 Jan 2027" in t for t in dm_texts(standin, DISTRIBUTION)
    )
    dee, dara = len(dm_texts(standin, DESIGNER)), len(dm_texts(standin, DISTRIBUTION))

    tick(bot, utc(2027, 1, 12, 9, 0))  # Tuesday, 09:00 in London: the morning DMs
    assert not _artwork_dms(_new(standin, DESIGNER, dee)), "nothing for Dee while she is away"
    (covering,) = _artwork_dms(_new(standin, DISTRIBUTION, dara))
    assert COVERING_DEE in covering and "due Wed 13 Jan 2027" in covering
    # Her deliverable stays hers.
    status = bot.command("status", user=PM, **where).text
    assert "Cover artwork" in status
    mine = bot.command("mine", user=DESIGNER).text
    assert "*Cover artwork*" in mine and "You are away until Fri 15 Jan 2027; *Dara* covers" in mine

    # After her last day it stops by itself: Monday's DM is hers again, and Dara's has nothing of hers.
    dee, dara = len(dm_texts(standin, DESIGNER)), len(dm_texts(standin, DISTRIBUTION))
    tick(bot, utc(2027, 1, 18, 9, 0))
    assert _artwork_dms(_new(standin, DESIGNER, dee))
    assert not any("Covering for" in t for t in _new(standin, DISTRIBUTION, dara))
    assert "no absence planned" in bot.command("away", user=DESIGNER).text


def test_without_a_cover_the_releases_pm_gets_it(bot, standin):
    _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    assert "each release's PM covers" in bot.command(AWAY, user=DESIGNER).text
    dee, paula = len(dm_texts(standin, DESIGNER)), len(dm_texts(standin, PM))
    tick(bot, utc(2027, 1, 12, 9, 0))  # 10:00 in Berlin for Paula
    assert not _artwork_dms(_new(standin, DESIGNER, dee))
    (covering,) = _artwork_dms(_new(standin, PM, paula))
    assert COVERING_DEE in covering


def test_the_standup_shows_the_away_owner_by_name_without_mentioning_them(bot, standin):
    where = _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    bot.command(f"{AWAY} cover <@{DISTRIBUTION}|dara>", user=DESIGNER)
    tick(bot, utc(2027, 1, 12, 8, 30))  # 09:30 in Berlin
    (standup,) = posts(standin, where["channel"], "Standup · Tue 12 Jan 2027")
    text = standup["text"] + message_text(standup)
    assert "*Dee* is away until Fri 15 Jan 2027, Dara covers" in text
    assert f"<@{DESIGNER}>" not in text, "someone away is not pinged"
    assert "*Cover artwork*" in text


def test_assigning_to_someone_away_warns_and_still_assigns(bot, standin):
    where = _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    bot.command(f"{AWAY} cover <@{DISTRIBUTION}|dara>", user=DESIGNER)
    assigned = bot.command(f"assign press-release <@{DESIGNER}|dee>", user=PM, **where)
    assert "Dee is away Mon 11 Jan 2027 – Fri 15 Jan 2027; Dara covers" in assigned.text
    assert "Dee is away" not in bot.command("claim metadata", user=DESIGNER, **where).text, "no news to herself"
    # An item due before her absence starts is no warning either.
    bot.command("due social-assets 2027-01-08", user=PM, **where)
    assert "is away" not in bot.command(f"assign social-assets <@{DESIGNER}|dee>", user=PM, **where).text
    added = bot.command(f'add "Vinyl test pressing" due 2027-01-14 owner <@{DESIGNER}|dee>', user=PM, **where)
    assert "Dee is away Mon 11 Jan 2027" in added.text
    mine = bot.command("mine", user=DESIGNER).text
    assert "*Press release*" in mine and "*Vinyl test pressing*" in mine


def test_back_ends_the_absence_early(bot, standin):
    _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    bot.command(f"{AWAY} cover <@{DISTRIBUTION}|dara>", user=DESIGNER)
    bot.clock.now = utc(2027, 1, 11, 12, 0)
    assert "away until Fri 15 Jan 2027" in bot.command("away", user=DESIGNER).text
    bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D0HOME", "tab": "home"})
    bot.settle()
    assert "You are away until Fri 15 Jan 2027; *Dara* covers" in json.dumps(standin.home_views[DESIGNER])
    assert "Welcome back" in bot.command("back", user=DESIGNER).text
    bot.settle()
    assert "You are away" not in json.dumps(standin.home_views[DESIGNER]), "the Home tab follows"
    assert any("*Dee* is back" in t for t in dm_texts(standin, DISTRIBUTION))
    dee, dara = len(dm_texts(standin, DESIGNER)), len(dm_texts(standin, DISTRIBUTION))
    tick(bot, utc(2027, 1, 12, 9, 0))
    assert _artwork_dms(_new(standin, DESIGNER, dee))
    assert not _artwork_dms(_new(standin, DISTRIBUTION, dara))
    assert "nothing to end" in bot.command("back", user=DESIGNER).text


def test_an_away_pms_ladder_lines_go_to_her_cover(bot, standin):
    where = _room(bot, standin)
    bot.command("unclaim artwork", user=PM, **where)  # unowned and due in two working days: the PM is asked
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    assert "*Alex* covers" in bot.command(f"away today 2027-01-15 cover <@{ADMIN}|alex>", user=PM).text
    paula, alex = len(dm_texts(standin, PM)), len(dm_texts(standin, ADMIN))
    tick(bot, utc(2027, 1, 11, 8, 0))  # Monday 09:00 in Berlin
    assert not any("Nobody owns *Cover artwork*" in t for t in _new(standin, PM, paula))
    told = [t for t in _new(standin, ADMIN, alex) if "Nobody owns *Cover artwork*" in t]
    assert len(told) == 1 and "Covering for Paula, away until Fri 15 Jan 2027:" in told[0]


def test_a_pm_may_set_someone_elses_absence_and_others_may_not(bot, standin):
    _room(bot, standin)
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    refused = bot.command(f"away <@{DESIGNER}|dee> 2027-01-11 2027-01-15", user=OUTSIDER)
    assert "You can set only your own absence" in refused.text
    set_ = bot.command(f"away <@{DESIGNER}|dee> 2027-01-11 2027-01-15", user=PM)
    assert "*Dee* is away Mon 11 Jan 2027 – Fri 15 Jan 2027" in set_.text
    bot.settle()
    assert any("marked you away Mon 11 Jan 2027" in t for t in dm_texts(standin, DESIGNER))
    assert "away next Mon 11 Jan 2027 – Fri 15 Jan 2027" in bot.command("away", user=DESIGNER).text
    assert "*Dee* is away next" in bot.command(f"away <@{DESIGNER}|dee>", user=OUTSIDER).text, "anyone may look"
    assert "Called off" in bot.command("back", user=DESIGNER).text


def test_bad_input_is_answered_with_how_to_write_it(bot, standin):
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    standin.add_user("USAMSAM", name="sam", tz="Europe/Berlin")
    bot.command(f"away 2027-01-11 2027-01-20 cover <@{ARTIST_MANAGER}|mika>", user="USAMSAM")
    cases = {
        "away 2027-01-15 2027-01-11": "The first day (Fri 15 Jan 2027) comes after the last (Mon 11 Jan 2027)",
        "away 2027-01-01 2027-01-02": "Sat 2 Jan 2027 is in the past",
        "away 2027-01-01 2027-01-12": "Fri 1 Jan 2027 is in the past: start today",
        f"away 2027-01-11 2027-01-15 cover <@{DESIGNER}|dee>": "You can't cover for yourself",
        "away 2027-01-12 2027-01-14 cover <@USAMSAM|sam>": "*Sam* is away too, Mon 11 Jan 2027 – Wed 20 Jan 2027",
        "away 2027-01-11": "Give the first and the last day away",
        "away soon later": "I can't read “soon later” as two dates",
        "away 2027-01-11 2027-01-15 cover sam": "Pick who covers with @ after `cover`",
        f"away 2027-01-11 2027-01-15 <@{DISTRIBUTION}|dara>": "Put `cover` before the person who covers",
        "away 2027-01-11 2029-01-15": "An absence can be up to 366 days long",
        "back tomorrow": "`/release back` takes nothing",
    }
    for text, answer in cases.items():
        reply = bot.command(text, user=DESIGNER)
        assert answer in reply.text, (text, reply.text)
        assert "away [@user] [&lt;from&gt; &lt;to&gt; [cover @user]]" in reply.text or text.startswith("back")
    assert "no absence planned" in bot.command("away", user=DESIGNER).text, "nothing was set"
    ok = bot.command("away today fri", user=DESIGNER).text  # Tue 5 Jan: to the first Friday after today
    assert "You are away Tue 5 Jan 2027 – Fri 8 Jan 2027" in ok


def test_german_answers(bot, standin):
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    bot.command("settings language de", user=PM)
    assert "Du bist Mo., 11.01.2027 – Fr., 15.01.2027 abwesend" in bot.command(AWAY, user=DESIGNER).text
    assert "Der erste Tag" in bot.command("away 2027-01-15 2027-01-11", user=DESIGNER).text


def test_the_escalation_digest_names_the_cover_of_an_away_owner(bot, standin):
    where = _room(bot, standin)
    assert "is now" in bot.command(f"settings label_heads <@{ADMIN}|alex>", user=PM).text
    bot.clock.now = utc(2027, 1, 5, 10, 0)
    bot.command(f"away 2027-01-11 2027-01-29 cover <@{DISTRIBUTION}|dara>", user=DESIGNER)
    for day in range(14, 23):  # the artwork, due Wed 13 Jan, is late: at some point it escalates
        tick(bot, utc(2027, 1, day, 15, 0))
    found = [item for message in digests(standin, ADMIN) for item in escalated(message) if "*Cover artwork*" in item]
    assert found, "the late artwork escalated"
    assert all(f"owner <@{DESIGNER}> · away until Fri 29 Jan 2027, *Dara* covers" in item for item in found)
    assert posts(standin, where["channel"], "Cover artwork")
