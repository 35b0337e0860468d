"""One parser for the ``/release`` family: ``parse(text, today=…) -> Command | ParseError``.

Slack sends the text with escaping on: mentions arrive as ``<@U123|name>`` or ``<@U123>``,
channels as ``<#C123|name>``, and ``& < >`` typed by people as ``&amp; &lt; &gt;`` (undone
here, once mentions are out). The first word names the subcommand; an unknown one gets the
closest subcommand and a pointer to ``help``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from bot.release.amounts import Amount, MoneyError, currency_code, parse_amount
from bot.release.dates import MAX_DATE_WORDS, DateError, ReleaseOffset, parse_date, parse_due
from bot.release.slack_text import MENTION, has_nul, is_blank, mentions, unescape

MAX_TEXT = 3000
MAX_TITLE = 150
MAX_NAME = 150
MAX_REASON = 1000
MAX_NOTE = 200
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Usage:
    """A subcommand's syntax and an example that parses; what it does is worded in templates/<lang>/help.j2."""

    name: str
    syntax: str
    example: str


SUBCOMMANDS: list[Usage] = [
    Usage(
        "new",
        'new "<title>" [by <artist>] on <date> [playbook single|ep|album] [pm @user] [team @user …]',
        'new "Midnight Drive" by Nova Lane on 2027-03-12 playbook single pm @paula team @dee @dara',
    ),
    Usage("status", "status", "status"),
    Usage("claim", "claim <deliverable>", "claim artwork"),
    Usage("assign", "assign <deliverable> @user", "assign artwork @dee"),
    Usage("unclaim", "unclaim <deliverable>", "unclaim artwork"),
    Usage("block", "block <deliverable> <reason>", "block artwork waiting on the photographer"),
    Usage("unblock", "unblock <deliverable>", "unblock artwork"),
    Usage("done", "done <deliverable>", "done master"),
    Usage("reopen", "reopen <deliverable>", "reopen master"),
    Usage("due", "due <deliverable> <date|T-n>", "due artwork 2027-02-05"),
    Usage(
        "add",
        'add "<name>" [due <date>|T-n] [owner @user] [after <deliverable>]',
        'add "Vinyl test pressing" due T-30 owner @dara after master',
    ),
    Usage("remove", "remove <deliverable>", "remove ad-creative"),
    Usage("date", "date <new date>", "date 2027-03-19"),
    Usage("snooze", "snooze <deliverable> <until>", "snooze press-release next monday"),
    Usage("mine", "mine", "mine"),
    Usage("report", "report", "report"),
    Usage("archive", "archive", "archive"),
    Usage("settings", "settings [<name> <value>]", "settings standup_time 10:00"),
    Usage("notify", "notify on|off", "notify off"),
    Usage("load", "load [@user|<team>]", "load @dee"),
    Usage("calendar", "calendar [label] [revoke]", "calendar"),
    Usage("retro", "retro", "retro"),
    Usage("stats", "stats [last <n>]", "stats last 10"),
    Usage("playbook", "playbook show <name>", "playbook show single"),
    Usage("budget", "budget [<amount> [<currency>]]", "budget 12,000 EUR"),
    Usage("spend", "spend <amount> <bucket> <note>", "spend 1,200.50 artwork cover shoot"),
    Usage("brief", "brief [channel #channel|none]", "brief channel #artist-mgmt"),
    Usage("approvers", "approvers <deliverable> [@user …]", "approvers artist-approval @mika"),
    Usage("away", "away [@user] [<from> <to> [cover @user]]", "away 2026-12-21 2027-01-04 cover @sam"),
    Usage("back", "back [@user]", "back"),
    Usage("help", "help [<subcommand>]", "help block"),
]
USAGE = {u.name: u.syntax for u in SUBCOMMANDS}
# German words a German speaker types for a subcommand, so the refusal can name the English one. Their
# spellings are matched exactly: a typo of a German word is not a guess worth offering.
GERMAN_SUBCOMMANDS = {
    "neu": "new",
    "übernehmen": "claim",
    "zuweisen": "assign",
    "freigeben": "unclaim",
    "blockiert": "block",
    "blockieren": "block",
    "entsperren": "unblock",
    "fertig": "done",
    "erledigt": "done",
    "wiedereröffnen": "reopen",
    "fällig": "due",
    "hinzufügen": "add",
    "entfernen": "remove",
    "datum": "date",
    "pausieren": "snooze",
    "meine": "mine",
    "bericht": "report",
    "archivieren": "archive",
    "einstellungen": "settings",
    "hilfe": "help",
    "auslastung": "load",
    "kalender": "calendar",
    "rückblick": "retro",
    "statistik": "stats",
    "ausgabe": "spend",
    "ausgaben": "spend",
    "abwesend": "away",
    "urlaub": "away",
    "zurück": "back",
}
# What a cost is for, in ``spend``.
SPEND_BUCKETS = ("recording", "mixing-mastering", "artwork", "video", "ads", "pr", "distribution", "other")
# Words people use for a bucket, so the refusal can point at it.
BUCKET_WORDS = {
    "mixing": "mixing-mastering",
    "mastering": "mixing-mastering",
    "mix": "mixing-mastering",
    "master": "mixing-mastering",
    "cover": "artwork",
    "photos": "artwork",
    "ad": "ads",
    "marketing": "ads",
    "press": "pr",
    "studio": "recording",
}


@dataclass(frozen=True)
class ParseError:
    """Why the text is not a command: an errors.j2 key and its facts, and the subcommand's syntax."""

    key: str
    usage: str = ""
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """How a person named a deliverable; ``explicit`` when they quoted it (or ended it with a colon)."""

    words: tuple[str, ...]
    explicit: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class NewRelease:
    title: str
    artist: str | None
    release_date: date
    playbook: str | None = None
    pm: str | None = None
    team: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewReleaseForm:
    """``/release new`` with nothing after it."""


@dataclass(frozen=True)
class Status: ...


@dataclass(frozen=True)
class Mine: ...


@dataclass(frozen=True)
class Archive: ...


@dataclass(frozen=True)
class Report:
    """The weekly picture, now, by DM to the asker."""


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Settings:
    name: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Notify:
    """Whether standups mention the person who asks (``off``: they are named instead)."""

    standup_mentions: bool


@dataclass(frozen=True)
class Load:
    """Whose workload: someone named, the people on a team's deliverables, or (neither) the asker's own or,
    for a PM, her releases' people."""

    user_id: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class CalendarLink:
    """The asker's calendar feed link (the label's with ``label``); ``revoke`` replaces the old one."""

    label: bool = False
    revoke: bool = False


@dataclass(frozen=True)
class Retro:
    """The channel's release looked back on."""


@dataclass(frozen=True)
class Stats:
    """The label's latest ``last`` finished releases (None: the default number)."""

    last: int | None = None


@dataclass(frozen=True)
class PlaybookShow:
    name: str


@dataclass(frozen=True)
class Budget:
    """The channel's release's budget: shown (``amount`` None), or planned at ``amount``."""

    amount: Amount | None = None


@dataclass(frozen=True)
class Spend:
    amount: Amount
    bucket: str
    note: str


@dataclass(frozen=True)
class Brief:
    """Where the channel's release's weekly brief for the artist's team goes; with ``change``, set it to
    ``channel`` (as Slack sends a channel, or ``none``)."""

    change: bool = False
    channel: str | None = None


@dataclass(frozen=True)
class Away:
    """``user_id`` (None: the asker) away from ``starts_on`` to ``ends_on``, their last day away; ``cover_id``
    gets their reminders meanwhile (None: each release's PM). Checked against today in bot.release.absence."""

    starts_on: date
    ends_on: date
    cover_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class AwayShow:
    """``away`` alone (or with a mention only): the current or next absence."""

    user_id: str | None = None


@dataclass(frozen=True)
class Back:
    """The current absence (else the next one) of ``user_id`` (None: the asker) ends now."""

    user_id: str | None = None


@dataclass(frozen=True)
class Claim:
    ref: Ref


@dataclass(frozen=True)
class Unclaim:
    ref: Ref


@dataclass(frozen=True)
class Done:
    ref: Ref


@dataclass(frozen=True)
class Reopen:
    ref: Ref


@dataclass(frozen=True)
class Unblock:
    ref: Ref


@dataclass(frozen=True)
class Remove:
    ref: Ref


@dataclass(frozen=True)
class Assign:
    ref: Ref
    user_id: str


@dataclass(frozen=True)
class Block:
    ref: Ref
    reason: str


@dataclass(frozen=True)
class Due:
    ref: Ref
    due: date | ReleaseOffset


@dataclass(frozen=True)
class Add:
    name: str
    due: date | ReleaseOffset | None = None
    owner: str | None = None
    after: Ref | None = None


@dataclass(frozen=True)
class MoveRelease:
    new_date: date


@dataclass(frozen=True)
class Snooze:
    ref: Ref
    until: date


@dataclass(frozen=True)
class Approvers:
    """A sign-off's approvers: named (``user_ids``), or shown (none given)."""

    ref: Ref
    user_ids: tuple[str, ...] = ()


Command = (
    NewRelease
    | NewReleaseForm
    | Status
    | Mine
    | Report
    | Archive
    | Help
    | Settings
    | Notify
    | Load
    | CalendarLink
    | Retro
    | Stats
    | PlaybookShow
    | Budget
    | Spend
    | Brief
    | Away
    | AwayShow
    | Back
    | Claim
    | Unclaim
    | Done
    | Reopen
    | Unblock
    | Remove
    | Assign
    | Block
    | Due
    | Add
    | MoveRelease
    | Snooze
    | Approvers
)


class _Refused(Exception):
    def __init__(self, key: str, usage: str = "", **facts):
        self.error = ParseError(key, usage, facts)


def opens_form(text: str) -> bool:
    """``/release new`` alone: what :func:`parse` reads as :class:`NewReleaseForm`, known without a date."""
    return (text or "").strip().lower() == "new"


def parse(text: str, *, today: date) -> Command | ParseError:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        return ParseError("command_too_long", facts={"length": len(text), "limit": MAX_TEXT})
    if has_nul(text):
        return ParseError("nul_byte")
    if not text:
        return Help()
    name, _, rest = text.partition(" ")
    name = name.lower()
    reader = _READERS.get(name)
    if reader is None:
        close = difflib.get_close_matches(name, list(_READERS), n=3, cutoff=0.6)
        close.sort(key=lambda known: sorted(known) != sorted(name))  # two letters swapped: surely that word
        suggestion = GERMAN_SUBCOMMANDS.get(name) or (close[0] if close else None)
        facts = {"name": unescape(name), "suggestion": suggestion}
        return ParseError("unknown_subcommand", facts=facts)
    try:
        return reader(rest.strip(), today)
    except _Refused as refused:
        return refused.error
    except DateError as error:
        return ParseError(error.key, USAGE.get(name, ""), error.facts)


def _unquote(text: str) -> tuple[str, bool]:
    text = text.strip().translate(QUOTES)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip(), True
    return text, False


def _ref(text: str, usage: str) -> Ref:
    value, quoted = _unquote(text)
    if not value:
        raise _Refused("which_deliverable", usage)
    return Ref(tuple(unescape(value).split()), quoted)


def _mentions(text: str) -> list[str]:
    return mentions(text)


# A quoted run of words, or a word. An apostrophe inside a word ("Artist's") quotes nothing.
TOKEN = re.compile(r'"[^"]*"|\'[^\']*\'|\S+')
NEW_OPTIONS = ("playbook", "pm", "team")


def _tokens(text: str, usage: str) -> list[str]:
    """The words of ``text``, quoted runs kept together; a double quote opening a word must be closed."""
    tokens = TOKEN.findall(text.translate(QUOTES))
    if any(t.startswith('"') and (len(t) == 1 or not t.endswith('"')) for t in tokens):
        raise _Refused("unclosed_quote", usage)
    return tokens


def _split_keywords(text: str, keywords: tuple[str, ...], usage: str) -> dict[str, str]:
    """Split ``name due T-30 owner @x after master`` at keyword tokens outside quotes."""
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for token in _tokens(text, usage):
        if token.lower() in keywords and token.lower() not in parts:
            current = token.lower()
            parts[current] = []
        else:
            parts[current].append(_unquote(token)[0])
    return {k: " ".join(v) for k, v in parts.items()}


def _visible(value: str, field: str, usage: str) -> str:
    """``value`` when it shows something; spaces and zero-width characters alone are no title or name."""
    if value and is_blank(value):
        raise _Refused("blank", usage, field=field)
    return value


# -- readers, one per subcommand -------------------------------------------------------------------


def _new(rest: str, today: date) -> Command:
    """``new <title> [by <artist>] on <date> [playbook …] [pm @x] [team @y …]``.

    Unquoted titles may contain "by" and "on": the date is after the last ``on`` whose words
    read as a date, the artist after the last ``by`` before it.
    """
    usage = USAGE["new"]
    if not rest:
        return NewReleaseForm()  # see opens_form
    tokens = _tokens(rest, usage)
    options_at = next((i for i, t in enumerate(tokens) if t.lower() in NEW_OPTIONS), len(tokens))
    ons = [i for i in range(options_at - 1) if tokens[i].lower() == "on"]
    release_date, on_at, refusal = None, None, None
    for i in reversed(ons):
        if refusal is not None and options_at - i - 1 > MAX_DATE_WORDS:
            continue  # no date is this long, and the last "on"'s refusal is the answer
        try:
            release_date = _release_date(tokens[i + 1 : options_at], today)
        except DateError as error:
            refusal = refusal or _release_date_refusal(tokens[i + 1 : options_at], error, today, usage)
            continue
        on_at = i
        break
    if on_at is None:
        raise refusal or _Refused("need_release_date", usage)
    by_at = next((i for i in reversed(range(on_at)) if tokens[i].lower() == "by" and i > 0), None)
    title = unescape(_unquote(" ".join(tokens[: by_at if by_at is not None else on_at]))[0]).strip()
    artist = unescape(_unquote(" ".join(tokens[by_at + 1 : on_at]))[0]).strip() if by_at is not None else None
    if not title:
        raise _Refused("need_title", usage)
    for label, value in (("title", title), ("artist", artist or "")):
        if len(value) > MAX_TITLE:
            raise _Refused("too_long", usage, field=label, length=len(value), limit=MAX_TITLE)
        _visible(value, label, usage)
    if artist == "":
        raise _Refused("need_artist", usage)
    options = _split_keywords(" ".join(tokens[options_at:]), NEW_OPTIONS, usage)
    pm = None
    if "pm" in options:
        found = _mentions(options["pm"])
        if len(found) != 1:
            raise _Refused("one_pm", usage)
        pm = found[0]
    team = tuple(dict.fromkeys(_mentions(options.get("team", ""))))
    if "team" in options and not team:
        raise _Refused("team_mentions", usage)
    playbook = options.get("playbook", "").strip().lower() or None
    return NewRelease(title, artist, release_date, playbook, pm, team)


def _release_date(words: list[str], today: date) -> date:
    """The date after an ``on``: a few words (no date is longer), read as a date."""
    if len(words) > MAX_DATE_WORDS:
        raise DateError("date_unreadable", text=" ".join(words))
    return parse_date(" ".join(words), today=today)


def _release_date_refusal(words: list[str], error: DateError, today: date, usage: str) -> _Refused:
    """Why the words after the last ``on`` (where people put the date) are no date: words after a date
    that reads, or ``error``, what is wrong with the date."""
    for cut in reversed(range(1, min(len(words), MAX_DATE_WORDS + 1))):
        try:
            parse_date(" ".join(words[:cut]), today=today)
        except DateError:
            continue
        return _Refused("extra_after_date", usage, text=unescape(" ".join(words[cut:])))
    return _Refused(error.key, usage, **error.facts)


def _single(cls, name: str):
    def reader(rest: str, _today: date) -> Command:
        return cls(_ref(rest, USAGE[name]))

    return reader


def _assign(rest: str, _today: date) -> Command:
    usage = USAGE["assign"]
    match = re.search(r"\s*" + MENTION.pattern + r"\s*$", rest)
    if not match:
        raise _Refused("assign_who", usage)
    return Assign(_ref(rest[: match.start()], usage), match[1])


def _approvers(rest: str, _today: date) -> Command:
    usage = USAGE["approvers"]
    found = _mentions(rest)
    named = MENTION.sub("", rest).strip()
    return Approvers(_ref(named, usage), tuple(dict.fromkeys(found)))


def _block(rest: str, _today: date) -> Command:
    usage = USAGE["block"]
    text = rest.translate(QUOTES)
    if text.startswith(("'", '"')):
        end = text.find(text[0], 1)
        if end < 0:
            raise _Refused("unclosed_quote", usage)
        ref, reason = Ref(tuple(unescape(text[1:end]).split()), True), text[end + 1 :].lstrip(" :")
    elif ":" in text.split(" ", 1)[0] or re.match(r"^[^:]{1,60}:\s", text):
        head, _, reason = text.partition(":")
        ref = Ref(tuple(unescape(head).split()), True)
    else:
        head, _, reason = text.partition(" ")
        ref = Ref(tuple(unescape(head).split()), False)
    if not ref.words:
        raise _Refused("block_which", usage)
    reason = _visible(unescape(reason).strip(), "reason", usage)
    if not reason:
        raise _Refused("block_reason", usage)
    if len(reason) > MAX_REASON:
        raise _Refused("too_long", usage, field="reason", length=len(reason), limit=MAX_REASON)
    return Block(ref, reason)


def _trailing_date(rest: str, today: date, usage: str, *, due: bool):
    """Split ``<deliverable words> <date words>``: the date is the longest trailing run that parses (no date
    is longer than a few words). When none does, the refusal is about the longest run that reads as a date
    gone wrong (a day that does not exist, one too far away), else about the last words."""
    words = rest.split()
    if len(words) < 2:
        raise _Refused("due_which", usage)
    read = parse_due if due else parse_date
    errors: list[DateError] = []
    for cut in range(max(1, len(words) - MAX_DATE_WORDS), len(words)):
        try:
            return " ".join(words[:cut]), read(" ".join(words[cut:]), today=today)
        except DateError as error:
            errors.append(error)
    telling = next((e for e in errors if e.key != "date_unreadable"), errors[-1])
    raise _Refused(telling.key, usage, **telling.facts)


def _due(rest: str, today: date) -> Command:
    head, when = _trailing_date(rest, today, USAGE["due"], due=True)
    return Due(_ref(head, USAGE["due"]), when)


def _snooze(rest: str, today: date) -> Command:
    head, until = _trailing_date(rest, today, USAGE["snooze"], due=False)
    return Snooze(_ref(head, USAGE["snooze"]), until)


def _add(rest: str, today: date) -> Command:
    usage = USAGE["add"]
    parts = _split_keywords(rest, ("due", "owner", "after"), usage)
    name = _visible(unescape(parts.get("", "")).strip(), "name", usage)
    if not name:
        raise _Refused("add_name", usage)
    if len(name) > MAX_NAME:
        raise _Refused("too_long", usage, field="name", length=len(name), limit=MAX_NAME)
    owner = None
    if "owner" in parts:
        found = _mentions(parts["owner"])
        if len(found) != 1:
            raise _Refused("one_owner", usage)
        owner = found[0]
    due = parse_due(parts["due"], today=today) if parts.get("due") else None
    after = _ref(parts["after"], usage) if "after" in parts else None
    return Add(name, due, owner, after)


def _date(rest: str, today: date) -> Command:
    if not rest:
        raise _Refused("new_release_date", USAGE["date"])
    return MoveRelease(parse_date(rest, today=today))


def _settings(rest: str, _today: date) -> Command:
    name, _, value = rest.partition(" ")
    if name and not value.strip():
        raise _Refused("setting_value", USAGE["settings"], name=name)
    return Settings(name or None, value.strip() or None)


NOTIFY_CHOICES = {"on": True, "off": False}


def _notify(rest: str, _today: date) -> Command:
    choice = rest.lower()
    if choice not in NOTIFY_CHOICES:
        raise _Refused("notify_choice", USAGE["notify"], given=unescape(rest))
    return Notify(NOTIFY_CHOICES[choice])


def _load(rest: str, _today: date) -> Command:
    """``load``, ``load @someone`` or ``load <team>`` (a playbook team: A&R, creative, marketing…)."""
    usage = USAGE["load"]
    if not rest:
        return Load()
    found = _mentions(rest)
    if len(found) == 1 and not MENTION.sub("", rest).strip():
        return Load(user_id=found[0])
    if found:
        raise _Refused("load_who", usage, given=unescape(rest))
    return Load(team=unescape(rest))  # which teams there are, the playbooks know (bot.release.foresight.workload)


CALENDAR_WORDS = ("label", "revoke")


def _calendar(rest: str, _today: date) -> Command:
    words = rest.lower().split()
    if len(set(words)) != len(words) or any(w not in CALENDAR_WORDS for w in words):
        raise _Refused("calendar_choice", USAGE["calendar"], given=unescape(rest))
    return CalendarLink(label="label" in words, revoke="revoke" in words)


# How many finished releases ``stats`` may read.
MAX_STATS_LAST = 500


def _stats(rest: str, _today: date) -> Command:
    if not rest:
        return Stats()
    words = rest.lower().split()
    if len(words) != 2 or words[0] != "last" or not words[1].isdigit() or not 1 <= int(words[1]) <= MAX_STATS_LAST:
        raise _Refused("stats_last", USAGE["stats"], given=unescape(rest), limit=MAX_STATS_LAST)
    return Stats(int(words[1]))


def _playbook(rest: str, _today: date) -> Command:
    words = rest.split()
    if len(words) != 2 or words[0].lower() != "show":
        raise _Refused("playbook_show", USAGE["playbook"], given=unescape(rest))
    return PlaybookShow(unescape(words[1]).lower())


def _amount(text: str, usage: str) -> Amount:
    try:
        return parse_amount(unescape(text))
    except MoneyError as error:
        raise _Refused(error.key, usage, **error.facts) from None


def _budget(rest: str, _today: date) -> Command:
    return Budget(_amount(rest, USAGE["budget"]) if rest else None)


def _spend(rest: str, _today: date) -> Command:
    """``spend <amount> <bucket> <note>``; the amount may carry its currency, before or after it."""
    usage = USAGE["spend"]
    words = rest.split()
    taken = 2 if len(words) > 1 and (currency_code(words[0]) or currency_code(words[1])) else 1
    if len(words) < taken + 2:
        raise _Refused("spend_what", usage, buckets=SPEND_BUCKETS)
    amount = _amount(" ".join(words[:taken]), usage)
    bucket = unescape(words[taken]).lower()
    if bucket not in SPEND_BUCKETS:
        close = difflib.get_close_matches(bucket, SPEND_BUCKETS, n=1, cutoff=0.6)
        suggestion = BUCKET_WORDS.get(bucket) or (close[0] if close else None)
        raise _Refused("spend_bucket", usage, given=bucket, suggestion=suggestion, buckets=SPEND_BUCKETS)
    note = _visible(unescape(" ".join(words[taken + 1 :])).strip(), "note", usage)
    if len(note) > MAX_NOTE:
        raise _Refused("too_long", usage, field="note", length=len(note), limit=MAX_NOTE)
    return Spend(amount, bucket, note)


def _brief(rest: str, _today: date) -> Command:
    """``brief`` (where it goes) or ``brief channel <#channel|none>``."""
    word, _, channel = rest.partition(" ")
    if not rest:
        return Brief()
    if word.lower() != "channel" or not channel.strip():
        raise _Refused("brief_how", USAGE["brief"])
    return Brief(change=True, channel=channel.strip())


# Words people put between the two dates of an absence.
AWAY_JOINERS = frozenset({"to", "until", "till", "-", "–", "—", "bis"})
COVER_WORD = re.compile(r"(?i)(?:^|\s)(cover|covered by|vertretung)(?:\s|$)")


def _away(rest: str, today: date) -> Command:
    """``away [@who] <from> <to> [cover @x]``: each date any form :func:`parse_date` reads, the two split where
    both halves read (``to`` / ``until`` / ``-`` between them is fine); ``away [@who]`` alone shows it."""
    usage = USAGE["away"]
    who = None
    lead = re.match(r"^\s*" + MENTION.pattern, rest)
    if lead:
        who, rest = lead[1], rest[lead.end() :].strip()
    if not rest:
        return AwayShow(who)
    head, cover_word, tail = (*COVER_WORD.split(rest, maxsplit=1), "", "")[:3]
    cover = None
    if cover_word:
        found = _mentions(tail)
        if len(found) != 1 or MENTION.sub("", tail).strip():
            raise _Refused("away_cover_who", usage, given=unescape(tail.strip()))
        cover = found[0]
    if _mentions(head):
        raise _Refused("away_cover_word", usage)
    starts_on, ends_on = _two_dates(head.split(), today, usage)
    return Away(starts_on, ends_on, cover, who)


def _two_dates(words: list[str], today: date, usage: str) -> tuple[date, date]:
    """The split of ``words`` where both halves are dates (in order, if any split is); with none, why the text
    is not two dates."""
    joiners = [i for i, w in enumerate(words) if w.lower() in AWAY_JOINERS]
    cuts = [(words[:i], words[i + 1 :]) for i in joiners] or [(words[:i], words[i:]) for i in range(1, len(words))]
    first_error: DateError | None = None
    read: list[tuple[date, date]] = []
    for before, after in cuts:
        if not before or not after or len(before) > MAX_DATE_WORDS or len(after) > MAX_DATE_WORDS:
            continue
        try:
            read.append((parse_date(" ".join(before), today=today), parse_date(" ".join(after), today=today)))
        except DateError as error:
            first_error = first_error or error
    if read:  # "december 21 2026 january 4 2027" splits more ways than one: the one in order is meant
        return next((pair for pair in read if pair[0] <= pair[1]), read[0])
    if len(words) <= MAX_DATE_WORDS:
        try:
            parse_date(" ".join(words), today=today)
        except DateError:
            pass
        else:
            raise _Refused("away_two_dates", usage)
    if first_error is not None and first_error.key != "date_unreadable":
        raise _Refused(first_error.key, usage, **first_error.facts)
    raise _Refused("away_dates", usage, given=unescape(" ".join(words)))


def _back(rest: str, _today: date) -> Command:
    found = _mentions(rest)
    if MENTION.sub("", rest).strip() or len(found) > 1:
        raise _Refused("back_who", USAGE["back"], given=unescape(rest))
    return Back(found[0] if found else None)


def _help(rest: str, _today: date) -> Command:
    topic = rest.split()[0].lower() if rest else None
    if topic is not None and topic not in USAGE:
        raise _Refused("unknown_help_topic", USAGE["help"], name=unescape(topic), known=list(USAGE))
    return Help(topic)


def _bare(cls, name: str):
    def reader(rest: str, _today: date) -> Command:
        if rest:
            raise _Refused("takes_nothing", USAGE[name], name=name)
        return cls()

    return reader


_READERS = {
    "new": _new,
    "status": _bare(Status, "status"),
    "mine": _bare(Mine, "mine"),
    "report": _bare(Report, "report"),
    "archive": _bare(Archive, "archive"),
    "help": _help,
    "settings": _settings,
    "notify": _notify,
    "load": _load,
    "calendar": _calendar,
    "retro": _bare(Retro, "retro"),
    "stats": _stats,
    "playbook": _playbook,
    "budget": _budget,
    "spend": _spend,
    "brief": _brief,
    "away": _away,
    "back": _back,
    "claim": _single(Claim, "claim"),
    "unclaim": _single(Unclaim, "unclaim"),
    "done": _single(Done, "done"),
    "reopen": _single(Reopen, "reopen"),
    "unblock": _single(Unblock, "unblock"),
    "remove": _single(Remove, "remove"),
    "assign": _assign,
    "block": _block,
    "due": _due,
    "add": _add,
    "date": _date,
    "snooze": _snooze,
    "approvers": _approvers,
}
