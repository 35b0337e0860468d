"""Calendar feeds through the real request path: ``/release calendar`` DMs a secret link, the running server
answers it with iCalendar (read back here with the icalendar library), and a revoked link answers 404."""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar

from tests.support.harness import BotUnderTest
from tests.support.people import DESIGNER, OUTSIDER, PM
from tests.support.story import CHANNEL, dm_texts, open_release

PUBLIC_URL = "https://releasebot.example.com"
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/calendar/[A-Za-z0-9_-]{43}\.ics)")


@pytest.fixture
def served(database, standin, clock):
    """The app with RELEASEBOT_PUBLIC_URL set, and a release whose artwork and Spotify pitch Dee owns."""
    engine, url = database
    bot = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=url,
                       settings={"releasebot_public_url": PUBLIC_URL + "/"}).start()  # fmt: skip
    room, _ = open_release(bot, standin)
    for text in (f"assign artwork <@{DESIGNER}|dee>", f"assign spotify-pitch <@{DESIGNER}|dee>"):
        bot.command(text, user=PM, channel=room, channel_name=CHANNEL)
    bot.settle()
    yield bot, room
    bot.stop()


def link_sent(bot, standin, user: str, text: str = "calendar") -> tuple[str, str]:
    """The answer to ``/release <text>``, and the path of the link it DMed."""
    reply = bot.command(text, user=user)
    bot.settle()
    assert not reply.public and "by DM" in reply.text
    return reply.text, LINK.findall(dm_texts(standin, user)[-1])[-1]


def events(bot, path: str) -> dict[str, tuple[date, str, str]]:
    """The feed's events by UID: their day, summary and DTSTAMP."""
    status, headers, body = bot.get(path)
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(body)
    assert feed["VERSION"] == "2.0" and feed["PRODID"]
    found = {}
    for event in feed.walk("VEVENT"):
        day = event.decoded("DTSTART")
        assert event.decoded("DTEND") - day == date(2027, 1, 2) - date(2027, 1, 1), "all-day events"
        found[str(event["UID"])] = (day, str(event["SUMMARY"]), event.decoded("DTSTAMP"))
    return found


def by_summary(found: dict) -> dict[str, tuple[str, date]]:
    return {summary: (uid, day) for uid, (day, summary, _) in found.items()}


def test_a_persons_feed_holds_their_due_dates_and_release_day_with_stable_uids(served, standin):
    bot, room = served
    answer, path = link_sent(bot, standin, DESIGNER)
    assert "your calendar feed" in answer
    found = by_summary(events(bot, path))
    assert set(found) == {
        "Release day: Midnight Drive by Nova Lane",
        "Due: Cover artwork · Midnight Drive by Nova Lane",
        "Hard deadline: Spotify editorial pitch · Midnight Drive by Nova Lane",
    }
    assert found["Release day: Midnight Drive by Nova Lane"][1] == date(2027, 3, 12)
    assert found["Due: Cover artwork · Midnight Drive by Nova Lane"][1] == date(2027, 1, 29)
    assert found["Hard deadline: Spotify editorial pitch · Midnight Drive by Nova Lane"][1] == date(2027, 3, 5)
    assert all(stamp.tzinfo is not None for _, _, stamp in events(bot, path).values())

    # A moved date keeps its event (same UID); a done deliverable leaves the feed.
    artwork_uid = found["Due: Cover artwork · Midnight Drive by Nova Lane"][0]
    bot.command("due artwork 2027-02-05", user=PM, channel=room, channel_name=CHANNEL)
    assert events(bot, path)[artwork_uid][0] == date(2027, 2, 5)
    bot.command("done spotify-pitch", user=DESIGNER, channel=room, channel_name=CHANNEL)
    assert len(events(bot, path)) == 2

    # Asking again sends nothing new (the link is shown once); revoking stops the old link and sends another.
    again = bot.command("calendar", user=DESIGNER)
    assert "I sent you the link" in again.text and "/release calendar revoke" in again.text
    assert len(set(LINK.findall("\n".join(dm_texts(standin, DESIGNER))))) == 1
    before = set(events(bot, path))
    answer, new_path = link_sent(bot, standin, DESIGNER, "calendar revoke")
    assert "The old link no longer works" in answer and new_path != path
    assert bot.get(path)[0] == 404
    assert set(events(bot, new_path)) == before and artwork_uid in before


def test_the_label_feed_is_for_pms_and_admins_and_holds_release_days_and_hard_deadlines(served, standin):
    bot, _ = served
    refused = bot.command("calendar label", user=OUTSIDER)
    assert "for the PMs of active releases and workspace admins" in refused.text
    assert not dm_texts(standin, OUTSIDER)
    _, path = link_sent(bot, standin, PM, "calendar label")
    summaries = {summary for _, summary, _ in events(bot, path).values()}
    assert "Release day: Midnight Drive by Nova Lane" in summaries
    assert "Hard deadline: Delivery to the distributor · Midnight Drive by Nova Lane" in summaries
    assert not any("Cover artwork" in s for s in summaries), "only hard deadlines"
    # The PM's own feed is another link, with its own events.
    _, own = link_sent(bot, standin, PM)
    assert own != path and {s for _, s, _ in events(bot, own).values()} == {"Release day: Midnight Drive by Nova Lane"}


def test_unknown_and_malformed_links_answer_404(served):
    bot, _ = served
    for path in ("/calendar/" + "A" * 43 + ".ics", "/calendar/short.ics", "/calendar/", "/calendar/../healthz.ics"):
        assert bot.get(path)[0] == 404, path


def test_without_a_public_url_the_answer_says_the_feed_needs_it(bot, standin):
    reply = bot.command("calendar", user=DESIGNER)
    assert "RELEASEBOT_PUBLIC_URL" in reply.text
    assert not dm_texts(standin, DESIGNER)
    assert "`calendar` takes `label`, `revoke` or both" in bot.command("calendar please", user=DESIGNER).text
