"""``/release settings``: show the workspace's settings, or change one (PM or admin only)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, available_timezones

import holidays
from babel.core import get_global
from sqlmodel import Session

from bot.release import bounds
from bot.release import parser as c
from bot.release.artist import brief
from bot.release.calendar import WEEKDAYS, parse_workdays
from bot.release.outcome import Outcome, Reply, Request, SyncChecklist
from bot.release.permissions import PersonLookup
from bot.release.refusals import UserError
from bot.release.slack_text import CHANNEL, MENTION, NONE_WORDS, mentions
from messages.render import escape_mrkdwn
from storage import queries
from storage.models import Person, Workspace

# An escalation waits at least a working day after the overdue notice, and at most about a month.
MAX_ESCALATE_AFTER = 20
# More deliverables than this due in one week is no plan anyone follows.
MAX_WEEKLY_LOAD = 50
# ``settings brief_channel "<artist>" #channel``: where an artist's weekly brief goes (bot.release.artist.brief).
BRIEF_CHANNEL = "brief_channel"


def _shown(value: object) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Setting:
    """A workspace setting: how a typed value is read and how it is shown (None when unset).
    What it means is worded in templates/<lang>/settings.j2."""

    name: str
    example: str
    parse: Callable[[str], object]
    show: Callable[[object], str | None] = _shown
    # What a value that reads must also be on ``today`` (dates within reach), raising a UserError.
    check: Callable[..., None] | None = None


def _time(value: str) -> str:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError("time")
    return f"{int(match[1]):02d}:{match[2]}"


def _timezone(value: str) -> str:
    value = value.strip()
    if value not in available_timezones():
        raise ValueError("timezone")
    ZoneInfo(value)
    return value


def _workdays(value: str) -> str:
    try:
        days = parse_workdays(value)
    except ValueError:
        raise ValueError("workdays") from None
    return ",".join(WEEKDAYS[d] for d in sorted(days))


def _country(value: str) -> str | None:
    code = value.strip().upper()
    if code.lower() in NONE_WORDS:
        return None
    if code not in holidays.list_supported_countries():
        raise ValueError("country")
    return code


def _channel(value: str) -> str | None:
    if value.strip().lower() in NONE_WORDS:
        return None
    match = CHANNEL.fullmatch(value.strip())
    if not match:
        raise ValueError("channel")
    return match[1]


def _people(value: str) -> list[str]:
    if value.strip().lower() in NONE_WORDS:
        return []
    found = mentions(value)
    if not found or MENTION.sub("", value).strip(" ,"):
        raise ValueError("people")
    return list(dict.fromkeys(found))


def _days(value: str) -> list[str]:
    if value.strip().lower() in NONE_WORDS:
        return []
    try:
        return sorted({date.fromisoformat(p).isoformat() for p in value.replace(",", " ").split()})
    except ValueError:
        raise ValueError("dates") from None


def _switch(value: str) -> bool:
    word = value.strip().lower()
    if word not in {"on", "off", "yes", "no", "true", "false"}:
        raise ValueError("switch")
    return word in {"on", "yes", "true"}


def _working_days(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ESCALATE_AFTER:
        raise ValueError("working_days")
    return int(text)


def _load_limit(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_WEEKLY_LOAD:
        raise ValueError("load_limit")
    return int(text)


def _language(value: str) -> str:
    code = value.strip().lower()[:2]
    if code not in {"en", "de"}:
        raise ValueError("language")
    return code


SETTINGS = {
    s.name: s
    for s in [
        Setting("standup_time", "09:30", _time),
        Setting("timezone", "Europe/Berlin", _timezone),
        Setting("workdays", "mon-fri", _workdays),
        Setting("holiday_country", "DE", _country),
        Setting("escalation_channel", "#label-ops", _channel, lambda v: f"<#{v}>" if v else None),
        Setting("label_heads", "@alex", _people, lambda v: " ".join(f"<@{u}>" for u in v) or None),
        Setting("quiet_days", "2027-12-24 2027-12-31", _days, lambda v: ", ".join(v) or None, bounds.check_quiet_days),
        Setting("standup_when_quiet", "off", _switch, lambda v: "on" if v else "off"),
        Setting("escalate_after", "2", _working_days),
        Setting("escalation_time", "10:00", _time),
        Setting("language", "de", _language),
        Setting("weekly_load_limit", "6", _load_limit),
    ]
}


def first_use(workspace: Workspace, person: Person | None) -> None:
    """A workspace nobody has used yet takes its timezone and holiday country from its first user's Slack
    settings, rather than Europe/London and none for everyone. The country is the timezone's (Babel's
    table: Europe/Berlin → DE), else the locale's region: Slack gives everyone en-US unless they change it,
    so the locale says less about where people work."""
    if workspace.set_up_from is not None or person is None:
        return
    workspace.set_up_from = person.user_id
    if person.tz:
        workspace.timezone = person.tz
    region = get_global("zone_territories").get(person.tz or "") or (person.locale or "").partition("-")[2]
    try:
        workspace.holiday_country = _country(region) if region else workspace.holiday_country
    except ValueError:
        pass  # a region whose public holidays we do not know: the PM sets the country if it matters


def handle(
    cmd: c.Settings, *, session: Session, request: Request, lookup: PersonLookup, admins: frozenset[str]
) -> Outcome:
    workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
    if cmd.name is None:
        return Outcome(reply=_listing(workspace, brief.artist_channels(session, request.team_id)))
    if cmd.name.lower().replace("-", "_") == BRIEF_CHANNEL:  # per artist, not the workspace's: its own table
        _require_pm_or_admin(session, request, lookup=lookup, admins=admins)
        return brief.set_artist_channel(cmd.value or "", session=session, request=request)
    setting = SETTINGS.get(cmd.name.lower().replace("-", "_"))
    if setting is None:
        raise UserError("no_setting", usage=c.USAGE["settings"], name=cmd.name, known=[*SETTINGS, BRIEF_CHANNEL])
    _require_pm_or_admin(session, request, lookup=lookup, admins=admins)
    usage = f"settings {setting.name} {setting.example}"
    try:
        value = setting.parse(cmd.value or "")
    except ValueError as problem:  # the parsers name the problem with an errors.j2 SETTING_PROBLEMS key
        raise UserError("bad_setting", usage=usage, name=setting.name, problem=str(problem)) from None
    if setting.check is not None:
        setting.check(value, today=request.today(workspace.timezone), usage=usage)
    before = getattr(workspace, setting.name)
    setattr(workspace, setting.name, value)
    session.add(workspace)
    queries.log_activity(
        session=session,
        team_id=request.team_id,
        actor_id=request.user_id,
        at=request.now,
        action="setting_changed",
        setting=setting.name,
        before=before,
        after=value,
    )
    reply = Reply.of("changed", setting.name, setting.show(value), kind="settings")
    if setting.name == "language" and value != before:  # every checklist and overview speaks it from now
        releases = queries.active_releases(session=session, team_id=request.team_id)
        queries.rerender_checklists(session=session, release_ids=[r.id for r in releases])
        return Outcome(reply=reply, effects=[SyncChecklist(r.id, overview=True) for r in releases if r.channel_id])
    return Outcome(reply=reply)


def _listing(workspace: Workspace, artists: list[tuple[str, str]]) -> Reply:
    rows = [(s.name, s.show(getattr(workspace, s.name))) for s in SETTINGS.values()]
    shown = ", ".join(f"{escape_mrkdwn(artist)} <#{channel}>" for artist, channel in artists)
    rows.append((BRIEF_CHANNEL, shown or None))
    return Reply.of("listing", rows, kind="settings")


def _require_pm_or_admin(session: Session, request: Request, *, lookup: PersonLookup, admins) -> None:
    """A release's PM or an admin; anyone while the workspace has never had a release (a new label sets its
    country, timezone and label heads before planning its first)."""
    if request.user_id in admins or not queries.has_any_release(session=session, team_id=request.team_id):
        return
    runs_a_release = queries.count_active_releases(session=session, team_id=request.team_id, pm_id=request.user_id)
    person = None if runs_a_release else lookup()
    if runs_a_release or (person is not None and (person.is_admin or person.is_owner)):
        return
    raise UserError("settings_managers_only")
