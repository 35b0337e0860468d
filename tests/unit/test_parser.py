"""The ``/release`` parser and the date reader on their own: any text gives a command or a refusal."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.release.dates import ReleaseOffset, parse_date
from bot.release.parser import (
    MAX_TEXT,
    SUBCOMMANDS,
    USAGE,
    Add,
    Archive,
    Assign,
    Block,
    Claim,
    Command,
    Done,
    Due,
    Help,
    Mine,
    MoveRelease,
    NewRelease,
    NewReleaseForm,
    ParseError,
    Ref,
    Remove,
    Reopen,
    Settings,
    Snooze,
    Status,
    Unblock,
    Unclaim,
    parse,
)
from bot.release.refusals import UserError

MONDAY = date(2027, 1, 4)
NAMES = [u.name for u in SUBCOMMANDS]
PAULA, DEE, DARA = "<@UPAULA|paula>", "<@UDEE|dee>", "<@UDARA|dara>"


def ref(text: str, explicit: bool = False) -> Ref:
    return Ref(tuple(text.split()), explicit)


# (subcommand, text, what it parses to), on MONDAY.
WELL_FORMED = [
    (
        "new",
        f'new "Midnight Drive" by Nova Lane on 2027-03-12 playbook single pm {PAULA} team {DEE} {DARA} {DEE}',
        NewRelease("Midnight Drive", "Nova Lane", date(2027, 3, 12), "single", "UPAULA", ("UDEE", "UDARA")),
    ),
    ("new", "new Live on Stage by The Ons on mar 5", NewRelease("Live on Stage", "The Ons", date(2027, 3, 5))),
    ("new", "new “AT&amp;T Blues” on tomorrow", NewRelease("AT&T Blues", None, date(2027, 1, 5))),
    ("new", "NEW", NewReleaseForm()),
    ("status", "status", Status()),
    ("status", "  Status  ", Status()),
    ("claim", "claim artwork", Claim(ref("artwork"))),
    ("claim", 'claim "Vinyl test  pressing"', Claim(ref("Vinyl test pressing", explicit=True))),
    ("assign", f"assign artwork {DEE}", Assign(ref("artwork"), "UDEE")),
    ("assign", "assign press release <@W0GUEST>", Assign(ref("press release"), "W0GUEST")),
    ("unclaim", "unclaim artwork", Unclaim(ref("artwork"))),
    ("block", "block artwork waiting on the photographer", Block(ref("artwork"), "waiting on the photographer")),
    ("block", 'block "press release" photographer is ill', Block(ref("press release", True), "photographer is ill")),
    ("block", "block press release: label &lt;3 &amp; co", Block(ref("press release", True), "label <3 & co")),
    ("unblock", "unblock artwork", Unblock(ref("artwork"))),
    ("done", "done master", Done(ref("master"))),
    ("reopen", "reopen master", Reopen(ref("master"))),
    ("due", "due artwork 2027-02-05", Due(ref("artwork"), date(2027, 2, 5))),
    ("due", "due press release T-2w", Due(ref("press release"), ReleaseOffset(-14))),
    ("due", "due artwork next friday", Due(ref("artwork"), date(2027, 1, 8))),
    (
        "add",
        f'add "Vinyl test pressing" due T-30 owner {DARA} after master',
        Add("Vinyl test pressing", ReleaseOffset(-30), "UDARA", ref("master")),
    ),
    ("add", "add Lyric video due 12.02.2027", Add("Lyric video", date(2027, 2, 12))),
    ("remove", "remove ad-creative", Remove(ref("ad-creative"))),
    ("date", "date 2027-03-19", MoveRelease(date(2027, 3, 19))),
    ("date", "date in 2 weeks", MoveRelease(date(2027, 1, 18))),
    ("snooze", "snooze press-release next monday", Snooze(ref("press-release"), date(2027, 1, 11))),
    ("snooze", "snooze artwork feb 29", Snooze(ref("artwork"), date(2028, 2, 29))),
    ("mine", "mine", Mine()),
    ("archive", "archive", Archive()),
    ("settings", "settings standup_time 10:00", Settings("standup_time", "10:00")),
    ("settings", "settings holidays 2027-12-24 2027-12-31", Settings("holidays", "2027-12-24 2027-12-31")),
    ("settings", "settings", Settings()),
    ("help", "help BLOCK", Help("block")),
    ("help", "help", Help()),
    ("help", "", Help()),
]

# (subcommand, text, the refusal's key, its facts), on MONDAY.
MALFORMED = [
    ("new", 'new "X" on', "need_release_date", {}),
    ("new", 'new "X" on someday', "date_unreadable", {"text": "someday"}),
    ("new", "new Midnight Drive", "need_release_date", {}),
    ("new", 'new "" on 2027-03-12', "need_title", {}),
    ("new", "new X by on 2027-03-12", "need_artist", {}),
    ("new", "new X on 2027-02-29", "no_such_date", {"day": 29, "month": 2, "year": 2027}),
    ("new", f"new {'x' * 151} on 2027-03-12", "too_long", {"field": "title", "length": 151, "limit": 150}),
    ("new", f"new X on 2027-03-12 pm {PAULA} {DEE}", "one_pm", {}),
    ("new", "new X on 2027-03-12 team dee", "team_mentions", {}),
    ("new", 'new X on 2027-03-12 team "dee', "unclosed_quote", {}),
    # dateutil's decimal arithmetic used to fail on a huge number of minutes.
    ("new", f"new X on mar {'9' * 30} M", "date_unreadable", {"text": f"mar {'9' * 30} M"}),
    ("status", "status please", "takes_nothing", {"name": "status"}),
    ("claim", "claim", "which_deliverable", {}),
    ("claim", 'claim " "', "which_deliverable", {}),
    ("assign", "assign artwork dee", "assign_who", {}),
    ("assign", f"assign {DEE}", "which_deliverable", {}),
    ("unclaim", "unclaim", "which_deliverable", {}),
    ("block", "block", "block_which", {}),
    ("block", "block artwork", "block_reason", {}),
    ("block", "block : the photographer", "block_which", {}),
    ("block", 'block "artwork waiting on the photographer', "unclosed_quote", {}),
    ("block", f"block artwork {'x' * 1001}", "too_long", {"field": "reason", "length": 1001, "limit": 1000}),
    ("unblock", "unblock", "which_deliverable", {}),
    ("done", "done ''", "which_deliverable", {}),
    ("reopen", "reopen", "which_deliverable", {}),
    ("due", "due", "due_which", {}),
    ("due", "due artwork", "due_which", {}),
    ("due", "due artwork someday", "date_unreadable", {"text": "someday"}),
    ("due", "due artwork 2027-02-30", "no_such_date", {"day": 30, "month": 2, "year": 2027}),
    ("add", "add", "add_name", {}),
    ("add", "add due T-3", "add_name", {}),
    ("add", f"add {'x' * 151}", "too_long", {"field": "name", "length": 151, "limit": 150}),
    ("add", "add x owner dara", "one_owner", {}),
    ("add", 'add "x due T-3', "unclosed_quote", {}),
    ("add", "add x due 03/04/2027", "date_ambiguous", {"text": "03/04/2027"}),
    ("add", "add x after", "which_deliverable", {}),
    ("remove", "remove", "which_deliverable", {}),
    ("date", "date", "new_release_date", {}),
    ("date", "date 2027-13-01", "no_such_month", {"text": "2027-13-01", "month": 13}),
    ("date", "date feb 30", "no_such_day", {"text": "feb 30"}),
    # relativedelta and date arithmetic used to overflow: no calendar reaches this far.
    ("date", "date in 99999999999 weeks", "no_such_day", {"text": "in 99999999999 weeks"}),
    ("date", "date in 99999 months", "no_such_day", {"text": "in 99999 months"}),
    ("new", "new X on in 3000000 days", "no_such_day", {"text": "in 3000000 days"}),
    ("snooze", "snooze artwork", "due_which", {}),
    ("snooze", "snooze artwork T-3", "date_unreadable", {"text": "T-3"}),
    ("mine", "mine all", "takes_nothing", {"name": "mine"}),
    ("archive", "archive now", "takes_nothing", {"name": "archive"}),
    ("settings", "settings standup_time", "setting_value", {"name": "standup_time"}),
    # help takes any text: only the command as a whole can be refused.
    ("help", f"help {'x' * MAX_TEXT}", "command_too_long", {"length": MAX_TEXT + 5, "limit": MAX_TEXT}),
    ("help", "helpp block", "unknown_subcommand", {"name": "helpp", "suggestion": "help"}),
    ("", "xyzzy&amp;co now", "unknown_subcommand", {"name": "xyzzy&co", "suggestion": None}),
]
# Refusals about the text as a whole, or its quotes, need not come with the subcommand's syntax.
NO_USAGE = {"command_too_long", "unknown_subcommand", "unclosed_quote"}


def test_every_subcommand_has_examples_that_parse_and_that_are_refused():
    assert {name for name, *_ in WELL_FORMED} == set(NAMES)
    assert {name for name, *_ in MALFORMED} >= set(NAMES)


@pytest.mark.parametrize(("name", "text", "expected"), WELL_FORMED, ids=[t for _, t, _ in WELL_FORMED])
def test_well_formed_commands_parse_to_exactly_what_was_typed(name, text, expected):
    assert parse(text, today=MONDAY) == expected


@pytest.mark.parametrize(("name", "text", "key", "facts"), MALFORMED, ids=[t[:60] for _, t, *_ in MALFORMED])
def test_malformed_commands_are_refused_with_the_reason(name, text, key, facts):
    refused = parse(text, today=MONDAY)
    assert isinstance(refused, ParseError) and (refused.key, refused.facts) == (key, facts)
    if key not in NO_USAGE:
        assert refused.usage == USAGE[name]
    worded(refused)


def test_feb_29_without_a_year_is_the_next_leap_day():
    assert parse_date("feb 29", today=MONDAY) == date(2028, 2, 29)
    assert parse_date("29 February", today=date(2028, 3, 1)) == date(2032, 2, 29)
    snooze = parse("snooze artwork feb 29", today=MONDAY)
    assert isinstance(snooze, Snooze) and snooze.until == date(2028, 2, 29)


def test_a_full_new_command_reads_every_part():
    command = parse('new "Midnight Drive" by Nova Lane on 2027-03-12 playbook single', today=MONDAY)
    assert command == NewRelease("Midnight Drive", "Nova Lane", date(2027, 3, 12), "single")


# -- properties: whatever people type, a command or a refusal worded in every language -------------
def worded(refused: ParseError) -> None:
    """The refusal names a message that takes its facts, in English and German."""
    error = UserError(refused.key, usage=refused.usage, **refused.facts)
    assert error.text("en") and error.text("de")


def command_or_refusal(text: str, today: date = MONDAY) -> None:
    result = parse(text, today=today)
    assert isinstance(result, Command | ParseError)
    if isinstance(result, ParseError):
        worded(result)


WORDS = st.sampled_from(
    ["on", "by", "due", "owner", "after", "pm", "team", "playbook", "T-3", "r+2w", "in", "3", "weeks", "next",
     "friday", "feb", "29", "mar", "5", "2027-02-29", "12.03.27", "03/04/2027", "99999999999", '"', "'", "“",
     ":", "&amp;", "&lt;", "<@U123|dee>", "<#C123|ops>", "\\", "\x00", "\u00a0", "İ", "٣", "²"]
)  # fmt: skip
TAILS = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=12).map(" ".join)
TODAYS = st.dates(date(2000, 1, 1), date(2100, 12, 31))


@given(st.text(), TODAYS)
@example("\x00", MONDAY)
@example(" \t\n\r\x0b\x0c\u3000", MONDAY)
@example("claim \x00", MONDAY)
@example("new \u200b on 2027-03-12", MONDAY)
@example("block \\", MONDAY)
@example("snooze artwork in 3000000 days", MONDAY)
def test_any_text_parses_or_is_refused(text, today):
    command_or_refusal(text, today)


@given(st.sampled_from(NAMES), st.sampled_from([" ", "  ", "\t", ""]), TAILS, TODAYS)
def test_subcommands_with_any_tail_parse_or_are_refused(name, gap, tail, today):
    command_or_refusal(f"{name}{gap}{tail}", today)


@settings(deadline=None)  # due and snooze try every tail of a long text as a date
@given(st.sampled_from(NAMES), st.text(min_size=1, max_size=8), st.integers(1, 800))
def test_very_long_commands_parse_or_are_refused(name, chunk, times):
    command_or_refusal(f"{name} {chunk * times}"[: MAX_TEXT + 10])


DELIVERABLE = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,11}", fullmatch=True), min_size=1, max_size=4)


@given(st.sampled_from([Claim, Unclaim, Done, Reopen, Unblock, Remove]), DELIVERABLE)
def test_a_deliverable_comes_back_word_for_word(cls, words):
    assert parse(f"{cls.__name__.lower()} {' '.join(words)}", today=MONDAY) == cls(Ref(tuple(words)))
