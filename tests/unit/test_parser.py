"""The ``/release`` parser and the date reader on their own: any text gives a command or a refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.release import bounds
from bot.release.amounts import Amount
from bot.release.calendar import Calendar
from bot.release.dates import MAX_DATE_TEXT, MAX_DATE_WORDS, ReleaseOffset, parse_date
from bot.release.parser import (
    MAX_TEXT,
    SUBCOMMANDS,
    USAGE,
    Add,
    Approvers,
    Archive,
    Assign,
    Away,
    AwayShow,
    Back,
    Block,
    Brief,
    Budget,
    CalendarLink,
    Claim,
    Command,
    Done,
    Due,
    Help,
    Load,
    Mine,
    MoveRelease,
    NewRelease,
    NewReleaseForm,
    Notify,
    ParseError,
    PlaybookShow,
    Ref,
    Remove,
    Reopen,
    Report,
    Retro,
    Settings,
    Snooze,
    Spend,
    Stats,
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
    # An inch mark is no opening quote.
    ("new", 'new 12" Remix on 2027-03-12', NewRelease('12" Remix', None, date(2027, 3, 12))),
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
    # An apostrophe inside a word quotes nothing; a backslash is a backslash.
    ("add", "add Artist's photo due T-3", Add("Artist's photo", ReleaseOffset(-3))),
    ("add", r"add AC\DC tour poster", Add(r"AC\DC tour poster")),
    ("remove", "remove ad-creative", Remove(ref("ad-creative"))),
    ("date", "date 2027-03-19", MoveRelease(date(2027, 3, 19))),
    ("date", "date in 2 weeks", MoveRelease(date(2027, 1, 18))),
    ("snooze", "snooze press-release next monday", Snooze(ref("press-release"), date(2027, 1, 11))),
    ("snooze", "snooze artwork feb 29", Snooze(ref("artwork"), date(2028, 2, 29))),
    ("mine", "mine", Mine()),
    ("report", "report", Report()),
    ("archive", "archive", Archive()),
    ("settings", "settings standup_time 10:00", Settings("standup_time", "10:00")),
    ("settings", "settings holidays 2027-12-24 2027-12-31", Settings("holidays", "2027-12-24 2027-12-31")),
    ("settings", "settings", Settings()),
    ("notify", "notify off", Notify(standup_mentions=False)),
    ("notify", "notify ON", Notify(standup_mentions=True)),
    ("load", "load", Load()),
    ("load", "load <@UDEE|dee>", Load(user_id="UDEE")),
    # Slack escapes the & of A&R; which teams exist, the playbooks say (refused in bot.release.foresight.workload).
    ("load", "load A&amp;R", Load(team="A&R")),
    ("calendar", "calendar", CalendarLink()),
    ("calendar", "calendar label", CalendarLink(label=True)),
    ("calendar", "calendar REVOKE label", CalendarLink(label=True, revoke=True)),
    ("retro", "retro", Retro()),
    ("stats", "stats", Stats()),
    ("stats", "stats Last 8", Stats(8)),
    ("playbook", "playbook show Single", PlaybookShow("single")),
    ("budget", "budget", Budget()),
    ("away", "away", AwayShow()),
    ("away", "away <@UMAYA|maya>", AwayShow("UMAYA")),
    ("away", "away 2027-12-21 2028-01-04 cover <@USAM|sam>", Away(date(2027, 12, 21), date(2028, 1, 4), "USAM")),
    ("away", "away today fri", Away(MONDAY, date(2027, 1, 8))),
    ("away", "away <@UMAYA> 21.12.2027 to 4.1.2028", Away(date(2027, 12, 21), date(2028, 1, 4), None, "UMAYA")),
    ("away", "away december 21 2027 january 4 2028", Away(date(2027, 12, 21), date(2028, 1, 4))),
    ("back", "back", Back()),
    ("back", "back <@UMAYA|maya>", Back("UMAYA")),
    ("budget", "budget 1.200,50 EUR", Budget(Amount(Decimal("1200.50"), "EUR"))),
    ("budget", "budget ¥150000", Budget(Amount(Decimal("150000"), "JPY"))),
    ("brief", "brief", Brief()),
    ("brief", "brief channel <#C0MGMT|artist-mgmt>", Brief(change=True, channel="<#C0MGMT|artist-mgmt>")),
    ("brief", "brief channel none", Brief(change=True, channel="none")),
    ("spend", "spend 1,200.50 artwork cover shoot", Spend(Amount(Decimal("1200.50")), "artwork", "cover shoot")),
    (
        "spend",
        "spend 450 EUR PR press kit &amp; mailing",
        Spend(Amount(Decimal("450"), "EUR"), "pr", "press kit & mailing"),
    ),
    (
        "approvers",
        "approvers artist-approval <@UMGR|mika> <@UPM> <@UMGR>",
        Approvers(Ref(("artist-approval",)), ("UMGR", "UPM")),
    ),  # fmt: skip
    ("approvers", "approvers artist-approval", Approvers(Ref(("artist-approval",)))),
    ("help", "help BLOCK", Help("block")),
    ("help", "help", Help()),
    ("help", "", Help()),
]

# (subcommand, text, the refusal's key, its facts), on MONDAY.
BUCKETS = ("recording", "mixing-mastering", "artwork", "video", "ads", "pr", "distribution", "other")
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
    ("new", 'new "Midnight Drive on 2027-03-12', "unclosed_quote", {}),
    ("new", "new “Midnight Drive on 2027-03-12", "unclosed_quote", {}),
    ("new", "new X on 2027-03-12 please", "extra_after_date", {"text": "please"}),
    ("new", "new X on next friday at noon playbook ep", "extra_after_date", {"text": "at noon"}),
    ("new", "new Live on Stage on someday", "date_unreadable", {"text": "someday"}),
    # Only spaces or zero-width characters (U+200B…U+200D, U+2060, U+FEFF: Unicode's format characters).
    ("new", "new \u200b on 2027-03-12", "blank", {"field": "title"}),
    ("new", 'new "\ufeff \u2060" on 2027-03-12', "blank", {"field": "title"}),
    ("new", "new X by \u200c\u200d on 2027-03-12", "blank", {"field": "artist"}),
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
    ("block", "block artwork \u200b \u2060", "blank", {"field": "reason"}),
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
    ("add", 'add x due T-3 after "master', "unclosed_quote", {}),
    ("add", "add \u200b\u200d due T-3", "blank", {"field": "name"}),
    (
        "add",
        "add x due 03/04/2027",
        "date_ambiguous",
        {"text": "03/04/2027", "readings": [date(2027, 4, 3), date(2027, 3, 4)]},
    ),
    ("add", "add x after", "which_deliverable", {}),
    ("remove", "remove", "which_deliverable", {}),
    ("date", "date", "new_release_date", {}),
    ("date", "date 2027-13-01", "no_such_month", {"text": "2027-13-01", "month": 13}),
    ("date", "date feb 30", "no_such_day", {"text": "feb 30"}),
    # relativedelta and date arithmetic used to overflow: no calendar reaches this far.
    ("date", "date in 99999999999 weeks", "date_too_far", {"text": "in 99999999999 weeks"}),
    ("date", "date in 99999 months", "date_too_far", {"text": "in 99999 months"}),
    ("new", "new X on in 3000000 days", "date_too_far", {"text": "in 3000000 days"}),
    # The refusal is about the words that read as a date gone wrong, not the last word.
    ("snooze", "snooze artwork in 3000000 days", "date_too_far", {"text": "in 3000000 days"}),
    ("snooze", "snooze press release in 9999999 weeks", "date_too_far", {"text": "in 9999999 weeks"}),
    ("snooze", "snooze press release feb 30", "no_such_day", {"text": "feb 30"}),
    ("due", "due artwork in 99999 months", "date_too_far", {"text": "in 99999 months"}),
    ("snooze", "snooze artwork", "due_which", {}),
    ("snooze", "snooze artwork T-3", "date_unreadable", {"text": "T-3"}),
    ("mine", "mine all", "takes_nothing", {"name": "mine"}),
    ("report", "report label", "takes_nothing", {"name": "report"}),
    ("archive", "archive now", "takes_nothing", {"name": "archive"}),
    ("settings", "settings standup_time", "setting_value", {"name": "standup_time"}),
    ("notify", "notify", "notify_choice", {"given": ""}),
    ("notify", "notify quietly &amp; soon", "notify_choice", {"given": "quietly & soon"}),
    ("load", "load <@UDEE> <@UDARA>", "load_who", {"given": "<@UDEE> <@UDARA>"}),
    ("load", "load <@UDEE> next week", "load_who", {"given": "<@UDEE> next week"}),
    ("calendar", "calendar mine", "calendar_choice", {"given": "mine"}),
    ("calendar", "calendar revoke revoke", "calendar_choice", {"given": "revoke revoke"}),
    ("retro", "retro now", "takes_nothing", {"name": "retro"}),
    ("stats", "stats 10", "stats_last", {"given": "10", "limit": 500}),
    ("stats", "stats last 0", "stats_last", {"given": "last 0", "limit": 500}),
    ("stats", "stats last 501", "stats_last", {"given": "last 501", "limit": 500}),
    ("playbook", "playbook", "playbook_show", {"given": ""}),
    ("budget", "budget 1,2,3", "money_ambiguous", {}),
    ("away", "away 2027-12-21", "away_two_dates", {}),
    ("away", "away soon later", "away_dates", {"given": "soon later"}),
    ("away", "away 2027-12-21 2028-01-04 cover sam", "away_cover_who", {"given": "sam"}),
    ("away", "away 2027-12-21 2028-01-04 cover", "away_cover_who", {"given": ""}),
    ("away", "away 2027-12-21 2028-01-04 <@USAM>", "away_cover_word", {}),
    ("away", "away 2027-02-30 2027-03-04", "no_such_date", {"day": 30, "month": 2, "year": 2027}),
    ("back", "back tomorrow", "back_who", {"given": "tomorrow"}),
    ("budget", "budget -12", "money_negative", {}),
    ("budget", "budget plenty", "money_unreadable", {}),
    ("budget", "budget 200000000 EUR", "money_too_large", {"limit": 100_000_000}),
    ("brief", "brief channel", "brief_how", {}),
    ("brief", "brief to #artist-mgmt", "brief_how", {}),
    ("spend", "spend 50 ads", "spend_what", {"buckets": BUCKETS}),
    (
        "spend",
        "spend 50 mixing mix b",
        "spend_bucket",
        {"given": "mixing", "suggestion": "mixing-mastering", "buckets": BUCKETS},
    ),
    (
        "spend",
        "spend 50 artwrok cover",
        "spend_bucket",
        {"given": "artwrok", "suggestion": "artwork", "buckets": BUCKETS},
    ),
    ("spend", f"spend 50 ads {'x' * 201}", "too_long", {"field": "note", "length": 201, "limit": 200}),
    ("spend", "spend 50 ads \u200b", "blank", {"field": "note"}),
    ("playbook", "playbook edit single", "playbook_show", {"given": "edit single"}),
    ("approvers", "approvers <@UMGR|mika>", "which_deliverable", {}),
    # help takes any text: only the command as a whole can be refused.
    ("help", f"help {'x' * MAX_TEXT}", "command_too_long", {"length": MAX_TEXT + 5, "limit": MAX_TEXT}),
    ("help", "helpp block", "unknown_subcommand", {"name": "helpp", "suggestion": "help"}),
    ("help", "help launch", "unknown_help_topic", {"name": "launch", "known": NAMES}),
    ("help", "help &lt;b&gt;", "unknown_help_topic", {"name": "<b>", "known": NAMES}),
    # PostgreSQL keeps no NUL in text: refused before anything reads the command.
    ("", "claim art\x00work", "nul_byte", {}),
    ("", "\x00", "nul_byte", {}),
    ("", "xyzzy&amp;co now", "unknown_subcommand", {"name": "xyzzy&co", "suggestion": None}),
    # A German word for a subcommand: the English one is suggested, however far it is spelled from it.
    ("", "fertig master", "unknown_subcommand", {"name": "fertig", "suggestion": "done"}),
    ("", "Erledigt master", "unknown_subcommand", {"name": "erledigt", "suggestion": "done"}),
    ("", "blockiert artwork Fotograf fehlt", "unknown_subcommand", {"name": "blockiert", "suggestion": "block"}),
    ("", "blockieren artwork", "unknown_subcommand", {"name": "blockieren", "suggestion": "block"}),
    ("", "übernehmen artwork", "unknown_subcommand", {"name": "übernehmen", "suggestion": "claim"}),
    ("", "zuweisen artwork @dee", "unknown_subcommand", {"name": "zuweisen", "suggestion": "assign"}),
]
# Refusals about the text as a whole, or its quotes, need not come with the subcommand's syntax.
NO_USAGE = {"command_too_long", "unknown_subcommand", "nul_byte"}


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


# -- every date-taking command, with any day written any way: a command whose date the bounds accept, or a
# -- refusal in words (the bounds are what the domain checks; tests/slack sends the same through Slack) ----
WHENS = st.one_of(
    st.builds("{:%Y-%m-%d}".format, st.dates(date.min, date.max)),
    st.builds("{:%d.%m.%Y}".format, st.dates(date.min, date.max)),
    st.builds("{0:%B} {0.day} {0.year}".format, st.dates(date.min, date.max)),
    st.builds("in {} {}".format, st.integers(0, 10**15), st.sampled_from(["days", "weeks", "months"])),
    st.builds("T{:+d}".format, st.integers(-(10**15), 10**15)),
    st.text(max_size=20),
)
DATE_COMMANDS = ["new Midnight Drive on {}", "date {}", "due artwork {}", "add Vinyl due {}", "snooze artwork {}"]


def within_bounds(command: Command, *, today: date, release_day: date) -> None:
    """What the domain checks of the command's date, given release day (pure: no database)."""
    if isinstance(command, NewRelease):
        bounds.check_release_day(command.release_date, today=today, usage="")
    elif isinstance(command, MoveRelease):
        bounds.check_release_day(command.new_date, today=today, usage="", past="move_date_past")
    elif isinstance(command, Snooze):
        bounds.check_snooze(command.until, today=today, usage="")
    elif isinstance(command, Due | Add) and isinstance(command.due, ReleaseOffset):
        bounds.due_from_offset(release_day, command.due.days, calendar=Calendar(), usage="")
    elif isinstance(command, Due | Add) and command.due is not None:
        bounds.check_due(command.due, release_day=release_day, usage="")


@given(st.sampled_from(DATE_COMMANDS), WHENS, TODAYS, st.dates(date(2000, 1, 1), date(2100, 12, 31)))
@example("date {}", "9999-12-31", MONDAY, date(2027, 3, 12))
@example("due artwork {}", "T-99999999", MONDAY, date(2027, 3, 12))
@example("add Vinyl due {}", "T+99999999", MONDAY, date(2027, 3, 12))
@example("snooze artwork {}", "in 3000000 days", MONDAY, date(2027, 3, 12))
@example("snooze artwork {}", "in 400000 weeks", MONDAY, date(2027, 3, 12))
def test_every_date_taking_command_with_any_date_is_in_bounds_or_refused(template, when, today, release_day):
    command = parse(template.format(when), today=today)
    if isinstance(command, ParseError):
        worded(command)
        return
    try:
        within_bounds(command, today=today, release_day=release_day)
    except UserError as refused:
        assert refused.text("en") and refused.text("de")


# -- a long command is read in time proportional to its length: each date reader sees a few words ---------
@pytest.mark.parametrize(
    "text",
    ["due " + "feb 29 " * 420, "snooze " + "mar 1, " * 420, "due artwork " + "9" * 2980, "new x " + "on " * 995,
     "new " + "x on mar " * 330, "add x due " + "a " * 1490],
)  # fmt: skip
def test_a_long_command_gives_each_date_reader_a_few_words(text, monkeypatch):
    from bot.release import dates, parser

    seen: list[str] = []
    for name in ("parse_date", "parse_due"):
        real = getattr(dates, name)
        monkeypatch.setattr(parser, name, lambda t, *, today, real=real: seen.append(t) or real(t, today=today))
    read_by_dateutil: list[str] = []
    real_dateutil = dates.dateutil_parser.parse
    monkeypatch.setattr(
        dates.dateutil_parser, "parse", lambda t, **kw: read_by_dateutil.append(t) or real_dateutil(t, **kw)
    )
    command_or_refusal(text)
    if text.startswith(("due", "snooze")):
        assert len(seen) <= MAX_DATE_WORDS
    assert all(len(t) <= MAX_DATE_TEXT for t in read_by_dateutil)
