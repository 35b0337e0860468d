"""Input the bot refuses, through Slack: dates out of reach, text that shows nothing, a name already taken,
a NUL byte, help about nothing. Each refusal says what was wrong and how to write it, and changes nothing;
and whatever is typed, the answer is never the "something went wrong" fallback."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from bot.release.parser import SUBCOMMANDS, opens_form
from storage.db import session_scope
from storage.models import Activity, Deliverable, Release, Workspace
from tests.support.harness import utc
from tests.support.people import PM
from tests.support.story import CHANNEL, item, open_release, posts, tick

FALLBACK = "Something went wrong on our side"


def changes(bot) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Activity)).one()


@pytest.fixture
def room(bot, standin):
    channel_id, _ = open_release(bot, standin)
    return {"channel": channel_id, "channel_name": CHANNEL}


def refused(bot, text: str, room: dict, *expected: str) -> str:
    """Send ``text`` as the PM in the release channel: an ephemeral answer with ``expected`` in it, no change."""
    before = changes(bot)
    reply = bot.command(text, user=PM, **room)
    assert reply.status == 200 and not reply.public, reply.text
    assert FALLBACK not in reply.text
    for words in expected:
        assert words in reply.text, reply.text
    assert changes(bot) == before, f"{text!r} changed something"
    return reply.text


# -- dates out of reach --------------------------------------------------------------------------------
def test_a_release_moved_past_five_years_is_refused_and_the_schedule_goes_on(bot, standin, room):
    refused(bot, "date 9999-12-31", room, "9999-12-31 is more than 5 years away", "Usage: `date &lt;new date&gt;`")
    refused(bot, "date 2032-01-05", room, "more than 5 years away")
    with session_scope(bot.engine) as session:
        assert session.exec(select(Release)).one().release_date == date(2027, 3, 12)
    tick(bot, utc(2027, 1, 5, 8, 30))  # Tuesday 09:30 in Berlin
    assert len(posts(standin, room["channel"], "Standup · Tue 5 Jan 2027")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("due artwork T-99999999", "T-99999999 is too far from release day. Give an offset from T-730 to T+180"),
        ("due artwork T+181", "T+181 is too far from release day"),
        ("due artwork 9999-12-31", "9999-12-31 is outside this release's span (release day 2027-03-12)"),
        ("due artwork 1999-12-31", "Give a due date from 2025-03-12 to 2027-09-08"),
        ("due artwork in 99999 months", "“in 99999 months” is further away than any calendar goes"),
    ],
)
def test_a_due_date_outside_the_releases_span_is_refused(bot, room, text, expected):
    before = item(bot, "artwork").due_date
    refused(bot, text, room, expected, "Usage: `due &lt;deliverable&gt; &lt;date|T-n&gt;`")
    assert item(bot, "artwork").due_date == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add Vinyl due T+99999999", "T+99999999 is too far from release day"),
        ("add Vinyl due T-731", "T-731 is too far from release day"),
        ("add Vinyl due 9999-12-31", "9999-12-31 is outside this release's span"),
    ],
)
def test_a_new_deliverable_due_outside_the_span_is_refused(bot, room, text, expected):
    refused(bot, text, room, expected, "Usage: `add ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("snooze artwork in 3000000 days", "“in 3000000 days” is further away than any calendar goes"),
        ("snooze artwork in 9999999 weeks", "“in 9999999 weeks” is further away than any calendar goes"),
        ("snooze cover artwork in 400000 weeks", "is more than 365 days away. Snooze until 2028-01-04 at the latest"),
        ("snooze artwork 2028-01-05", "2028-01-05 is more than 365 days away"),
    ],
)
def test_a_snooze_past_a_year_is_refused_naming_the_words_at_fault(bot, room, text, expected):
    refused(bot, text, room, expected, "Usage: `snooze &lt;deliverable&gt; &lt;until&gt;`")
    assert item(bot, "artwork").snoozed_until is None


def test_quiet_days_out_of_reach_are_refused(bot, room):
    usage = "Usage: `settings quiet_days 2027-12-24 2027-12-31`"
    far = "9999-12-31 is out of reach for a quiet day. Give days from 2000-01-01 to 2032-01-04"
    refused(bot, "settings quiet_days 2027-12-24 9999-12-31", room, far, usage)
    refused(bot, "settings quiet_days 1999-12-24", room, "1999-12-24 is out of reach")
    with session_scope(bot.engine) as session:
        assert session.exec(select(Workspace)).one().quiet_days == []


# -- text ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('new "\u200b" on 2027-04-02', "The title shows nothing: only spaces or invisible characters"),
        ("new Night Drive by \u2060\ufeff on 2027-04-02", "The artist name shows nothing"),
        ("add \u200b\u200c\u200d due T-3", "The name shows nothing"),
        ("block artwork \u200b \u2060", "The reason shows nothing"),
    ],
)
def test_titles_names_and_reasons_made_of_nothing_visible_are_refused(bot, room, text, expected):
    refused(bot, text, room, expected, "Usage: `")


@pytest.mark.parametrize("name", ["Cover artwork", "COVER ARTWORK", "cover   Artwork"])
def test_a_deliverable_name_already_in_the_release_is_refused_in_any_case(bot, room, name):
    refused(bot, f"add {name}", room, "This release already has *Cover artwork* (`artwork`)", "Usage: `add ")
    with session_scope(bot.engine) as session:
        named = session.exec(select(Deliverable).where(func.lower(Deliverable.name) == "cover artwork")).all()
    assert len(named) == 1


def test_an_unclosed_quote_in_new_or_add_is_refused_with_the_syntax(bot, room):
    refused(bot, 'new "Midnight Drive by Nova Lane on 2027-04-02', room, "A quote is not closed", "Usage: `new ")
    refused(bot, 'add "Vinyl test pressing due T-30', room, "A quote is not closed", "Usage: `add ")


@pytest.mark.parametrize("text", ["add Vinyl\x00 test", "block artwork waiting\x00", "\x00", "new X\x00 on 2027-04-02"])
def test_a_nul_byte_anywhere_is_refused_with_a_clear_answer(bot, room, text):
    refused(bot, text, room, "holds a NUL character", "Type it again without it")


def test_help_about_an_unknown_subcommand_says_so_and_lists_the_subcommands(bot, room):
    answer = refused(bot, "help launch", room, "There is no subcommand “launch”")
    for usage in SUBCOMMANDS:
        assert f"`{usage.name}`" in answer


# -- whatever is typed: an answer, never the fallback -----------------------------------------------------
NAMES = [u.name for u in SUBCOMMANDS if u.name != "archive"]  # archiving would end the room for what follows
WORDS = st.sampled_from(
    ["on", "by", "due", "owner", "after", "pm", "team", "playbook", "T-3", "T-99999999", "in", "3000000", "days",
     "weeks", "next", "friday", "9999-12-31", "0001-01-01", "feb", "29", '"', "'", "“", "artwork", "master",
     "&amp;", "<@UPMPAULA|paula>", "\x00", "\u200b", "\ufeff", "\u00a0"]
)  # fmt: skip
TAILS = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=8).map(" ".join)
WHENS = st.one_of(
    st.dates(date.min, date.max).map(date.isoformat),
    st.builds("T{:+d}".format, st.integers(-(10**12), 10**12)),
    st.builds("in {} {}".format, st.integers(0, 10**12), st.sampled_from(["days", "weeks", "months"])),
)
DATED = st.builds(
    str.format,
    st.sampled_from(["new Night Swim on {}", "date {}", "due artwork {}", "add Vinyl due {}", "snooze artwork {}",
                     "settings quiet_days {}"]),
    WHENS,
)  # fmt: skip
TYPED = st.one_of(st.text(max_size=40), st.builds("{} {}".format, st.sampled_from(NAMES), TAILS), DATED)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TYPED)
@example("date 9999-12-31")
@example("due artwork T-99999999")
@example("snooze artwork in 3000000 days")
@example("add \x00")
def test_anything_typed_as_a_command_gets_an_answer_that_is_not_the_fallback(bot, room, text):
    if opens_form(text):  # /release new alone opens a form and sends no answer
        return
    reply = bot.command(text, user=PM, **room)
    assert reply.status == 200
    assert reply.text.strip() and FALLBACK not in reply.text, reply.text
