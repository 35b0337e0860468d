"""No deadline on a day off: a German label that closes over Christmas plans, moves and adds deadlines onto
working days only, and hears which dates a holiday moved and which pinned ones stayed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.release.calendar import Calendar
from storage.db import session_scope
from storage.models import Deliverable
from tests.support.harness import BotUnderTest, Clock, utc
from tests.support.people import PM
from tests.support.story import item

# Each deliverable's offset lands on a day the label does not work when the release is on Fri 15 January 2027.
WINTER = """
name = "winter"
min_lead_days = 30

[[deliverables]]
key = "delivery"
name = "Distributor delivery"
team = "distribution"
offset_days = -22
hard = true

[[deliverables]]
key = "amazon"
name = "Amazon pitch"
team = "marketing"
offset_days = -21
hard = true

[[deliverables]]
key = "boxing"
name = "Boxing Day teaser"
team = "marketing"
offset_days = -20

[[deliverables]]
key = "eve"
name = "Year in review"
team = "PR"
offset_days = -15

[[deliverables]]
key = "spotify"
name = "Spotify pitch"
team = "marketing"
offset_days = -14
hard = true

[[deliverables]]
key = "posts"
name = "Release posts"
team = "marketing"
offset_days = 0
"""
QUIET = (date(2026, 12, 24), date(2026, 12, 31))
BERLIN = Calendar(holiday_country="DE", quiet_days=frozenset(QUIET))
CHANNEL = "rel-2027-01-15-nova-lane-snow"


@pytest.fixture
def clock():
    return Clock(utc(2026, 11, 2, 9, 0))  # a Monday, weeks before the holidays


@pytest.fixture
def bot(database, standin, clock, tmp_path):
    (tmp_path / "winter.toml").write_text(WINTER)
    engine, url = database
    running = BotUnderTest(
        standin=standin, engine=engine, clock=clock, database_url=url, settings={"releasebot_playbooks": tmp_path}
    ).start()
    yield running
    running.stop()


def german_label(bot) -> None:
    assert "holiday_country* is now DE" in bot.command("settings holiday_country DE", user=PM).text
    assert "quiet_days" in bot.command("settings quiet_days 2026-12-24,2026-12-31", user=PM).text


def winter_release(bot, standin, day: str = "2027-01-15") -> dict:
    reply = bot.command(f'new "Snow" by Nova Lane on {day} playbook winter', user=PM)
    assert "Setting up *Snow*" in reply.text, reply.text
    bot.settle()
    channel = standin.channel_by_name(f"rel-{day}-nova-lane-snow")
    return dict(channel=channel["id"], channel_name=channel["name"])


def due_dates(bot) -> dict[str, date]:
    with session_scope(bot.engine) as session:
        return {d.key: d.due_date for d in session.exec(select(Deliverable))}


def test_a_release_over_christmas_has_no_deadline_on_a_holiday_or_quiet_day(bot, standin):
    german_label(bot)
    winter_release(bot, standin)
    due = due_dates(bot)
    assert not [key for key, day in due.items() if not BERLIN.is_workday(day)]
    # 24 (quiet), 25 (Christmas), 26 (Boxing Day, a Saturday: not onto Christmas Day) → Wed 23 December;
    # 31 (quiet) and 1 January → Wed 30 December; hard ones move like the rest.
    assert due == {
        "delivery": date(2026, 12, 23),
        "amazon": date(2026, 12, 23),
        "boxing": date(2026, 12, 23),
        "eve": date(2026, 12, 30),
        "spotify": date(2026, 12, 30),
        "posts": date(2027, 1, 15),
    }
    assert item(bot, "delivery").hard and item(bot, "spotify").hard


def test_offsets_typed_for_due_and_add_land_on_working_days(bot, standin):
    german_label(bot)
    room = winter_release(bot, standin)
    moved = bot.command("due posts T-21", user=PM, **room)
    assert moved.public and "Wed 23 Dec 2026" in moved.text, moved.text
    added = bot.command('add "New Year card" due T-14', user=PM, **room)
    assert "Wed 30 Dec 2026" in added.text, added.text
    assert due_dates(bot)["new-year-card"] == date(2026, 12, 30)


def test_a_date_typed_onto_a_holiday_is_kept_with_a_note(bot, standin):
    german_label(bot)
    room = winter_release(bot, standin)
    kept = bot.command("due posts 2026-12-25", user=PM, **room)
    assert "to *Fri 25 Dec 2026* (pinned" in kept.text and "not a working day here" in kept.text, kept.text
    assert due_dates(bot)["posts"] == date(2026, 12, 25), "a typed date is the PM's to choose"
    plain = bot.command("due posts 2027-01-13", user=PM, **room)
    assert "not a working day" not in plain.text


def test_a_date_move_across_christmas_says_what_a_holiday_moved_and_what_stayed_pinned(bot, standin):
    german_label(bot)
    room = winter_release(bot, standin, "2027-01-29")
    assert due_dates(bot)["amazon"] == date(2027, 1, 8)
    pinned = bot.command("due eve 2027-01-12", user=PM, **room)
    assert pinned.public and "pinned" in pinned.text
    moved = bot.command("date 2027-01-15", user=PM, **room)
    assert moved.public, moved.text
    shifted = moved.text.split("*Moved off a holiday or quiet day:*")[1].split("\n")[0]
    assert "*Amazon pitch* (Fri 25 Dec 2026 → Wed 23 Dec 2026)" in shifted
    assert "*Distributor delivery* (Thu 24 Dec 2026 → Wed 23 Dec 2026)" in shifted
    assert "*Spotify pitch* (Fri 1 Jan 2027 → Wed 30 Dec 2026)" in shifted
    assert "Release posts" not in shifted, "release day is a working day"
    stayed = moved.text.split("*Pinned, so they stayed:*")[1].split("\n")[0]
    assert "*Year in review* (Tue 12 Jan 2027)" in stayed and "Amazon" not in stayed
    assert "not a Friday" not in moved.text
    assert due_dates(bot)["eve"] == date(2027, 1, 12)
    assert not [key for key, day in due_dates(bot).items() if not BERLIN.is_workday(day)]


def test_a_date_move_to_a_thursday_notes_it_is_not_a_friday(bot, standin):
    room = winter_release(bot, standin)
    moved = bot.command("date 2027-01-21", user=PM, **room)
    assert "Thu 21 Jan 2027 is not a Friday: stores release new music on Fridays." in moved.text
    assert "Pinned" not in moved.text, "nothing was pinned"
    bot.command("settings language de", user=PM)
    again = bot.command("date 2027-01-28", user=PM, **room)
    assert "Der Do., 28.01.2027 ist kein Freitag" in again.text, again.text


def test_a_slashed_date_is_refused_with_both_readings(bot, standin):
    room = winter_release(bot, standin)
    refused = bot.command("due posts 03/01/2027", user=PM, **room)
    assert "did you mean Sun 3 Jan 2027 or Mon 1 Mar 2027? Write 2027-01-03 or 2027-03-01." in refused.text
    assert "Usage: `due" in refused.text and not refused.public
    only_one = bot.command("due posts 13/01/2027", user=PM, **room)
    assert "did you mean Wed 13 Jan 2027? Write 2027-01-13." in only_one.text
    bot.command("settings language de", user=PM)
    german = bot.command("due posts 03/01/2027", user=PM, **room)
    assert "meintest du So., 03.01.2027 oder Mo., 01.03.2027? Schreib 2027-01-03 oder 2027-03-01." in german.text
    assert due_dates(bot)["posts"] == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("typed", "english"),
    [("fertig posts", "done"), ("erledigt posts", "done"), ("blockiert posts Schnee", "block"),
     ("übernehmen posts", "claim"), ("zuweisen posts @dee", "assign")],
)  # fmt: skip
def test_a_german_word_for_a_subcommand_suggests_the_english_one(bot, standin, typed, english):
    room = winter_release(bot, standin)
    refused = bot.command(typed, user=PM, **room)
    assert f"Did you mean `{english}`?" in refused.text, refused.text
    bot.command("settings language de", user=PM)
    german = bot.command(typed, user=PM, **room)
    assert f"Meintest du `{english}`?" in german.text, german.text
