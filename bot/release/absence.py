"""People away: ``/release away <from> <to> [cover @x]``, ``away`` (shown) and ``back``. While someone is away
(their days, in their timezone) what the bot would tell them goes to their cover, else to each release's PM;
standups name them instead of mentioning them, and whoever hands them work hears of it. Nothing changes owner.

Anyone sets their own absence; label heads, admins and the PM of any active release may set or end anyone's
(the people a PM runs releases with fall ill without typing a command first)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.release import parser as c
from bot.release.calendar import local_today
from bot.release.outcome import DirectMessage, Outcome, RefreshHome, Reply, Request
from bot.release.permissions import PersonLookup
from bot.release.refusals import UserError
from messages import builders
from messages.facts import Covering
from storage import absence as stored
from storage import queries
from storage.models import Absence, Person, Release, Workspace

COMMANDS = (c.Away, c.AwayShow, c.Back)
# The longest absence one command sets, and how far ahead it may end: a long leave fits, a mistyped year does not.
MAX_AWAY_DAYS = 366
MAX_AHEAD_DAYS = 730


@dataclass(frozen=True)
class Book:
    """A workspace's absences as one tick or answer reads them: who is away at a moment, and who reads what
    would be told them."""

    absences: tuple[Absence, ...]
    people: Mapping[str, Person]
    timezone: str  # the workspace's, for people whose own Slack does not tell
    now: datetime

    def today_of(self, user_id: str) -> date:
        person = self.people.get(user_id)
        return local_today(self.now, person.tz if person is not None and person.tz else self.timezone)

    def on(self, user_id: str | None) -> Absence | None:
        """``user_id``'s absence holding on their own day, if any."""
        if not user_id:
            return None
        today = self.today_of(user_id)
        return next((a for a in self.absences if a.user_id == user_id and a.starts_on <= today <= a.ends_on), None)

    def covering(self, user_id: str | None) -> Covering | None:
        found = self.on(user_id)
        return covering_of(found, self.people) if found is not None else None

    def away_now(self) -> dict[str, Covering]:
        """Everyone away at the moment, by user id."""
        return {a.user_id: covering_of(a, self.people) for a in self.absences if self.on(a.user_id) is a}

    def reader(self, user_id: str, release: Release) -> tuple[str, Covering | None]:
        """Who reads what would be told ``user_id`` about ``release``: they themselves, or while they are away
        their cover, else the release's PM, else its creator, whoever of those is not away too. With nobody
        else there, it waits for them."""
        away = self.covering(user_id)
        if away is None:
            return user_id, None
        for other in (away.cover_id, release.pm_id, release.created_by):
            if other and other != user_id and self.on(other) is None:
                return other, away
        return user_id, None


def book_of(session: Session, workspace: Workspace, people: Mapping[str, Person], *, now: datetime) -> Book:
    """Every absence of the workspace not over by ``now`` anywhere on earth: one query."""
    since = (now - timedelta(days=1)).date()
    return Book(tuple(stored.absences_from(session=session, team_id=workspace.team_id, day=since)), people,
                workspace.timezone, now)  # fmt: skip


def covering_of(found: Absence, people: Mapping[str, Person]) -> Covering:
    def name(user_id: str | None) -> str:
        person = people.get(user_id or "")
        return person.name if person is not None and person.name else ""

    return Covering(found.user_id, name(found.user_id), found.starts_on, found.ends_on, found.cover_id,
                    name(found.cover_id))  # fmt: skip


def _people(session: Session, team_id: str, user_ids: Iterable[str | None]) -> dict[str, Person]:
    found = {}
    for user_id in {u for u in user_ids if u}:
        if (person := queries.get_person(session=session, team_id=team_id, user_id=user_id)) is not None:
            found[user_id] = person
    return found


def book_for(session: Session, team_id: str, user_ids: list[str], *, timezone: str, now: datetime) -> Book:
    """The absences of ``user_ids`` (with their covers' names) not over by ``now`` anywhere, for an answer."""
    since = (now - timedelta(days=1)).date()
    absences = stored.absences_from(session=session, team_id=team_id, day=since, user_ids=user_ids)
    people = _people(session, team_id, [*user_ids, *(a.cover_id for a in absences)])
    return Book(tuple(absences), people, timezone, now)


def ahead(session: Session, team_id: str, user_id: str, *, timezone: str, now: datetime, by: date | None = None):
    """``user_id``'s current absence, else their next one (starting by ``by`` when given), as facts; None
    without one."""
    book = book_for(session, team_id, [user_id], timezone=timezone, now=now)
    today = book.today_of(user_id)
    for found in book.absences:
        if found.ends_on >= today and (by is None or found.starts_on <= by):
            return covering_of(found, book.people)
    return None


def warned(reply: Reply, away: Covering | None) -> Reply:
    """A hand-over's answer, with the new owner's absence under it (it never refuses the hand-over)."""
    return reply if away is None else Reply(builders.with_away, (reply, away))


def assign_warning(session: Session, d, user_id: str, *, by_user: str, timezone: str, now: datetime):
    """The absence to warn ``by_user`` of when they hand ``d`` to ``user_id``: one holding now, or starting
    before its due date. Taking something oneself is no news to oneself."""
    if user_id == by_user:
        return None
    return ahead(session, d.team_id, user_id, timezone=timezone, now=now, by=d.due_date)


# -- the commands ------------------------------------------------------------------------------------
def command(
    cmd, *, session: Session, request: Request, workspace: Workspace, lookup: PersonLookup, admins: frozenset[str]
) -> Outcome:
    who = cmd.user_id or request.user_id
    if who != request.user_id and not isinstance(cmd, c.AwayShow):  # anyone may see who is away: assigning tells
        _require_may_set(session, request, workspace, lookup=lookup, admins=admins)
    person = queries.get_person(session=session, team_id=request.team_id, user_id=who)
    timezone = person.tz if person is not None and person.tz else workspace.timezone
    today = request.today(timezone)
    mine = who == request.user_id
    if isinstance(cmd, c.AwayShow):
        shown = ahead(session, request.team_id, who, timezone=timezone, now=request.now)
        return Outcome(reply=Reply.of("shown" if shown else "nothing", shown or who, mine, today, kind="away"))
    if isinstance(cmd, c.Back):
        return _back(session, request, who, mine=mine, today=today, timezone=timezone)
    return _away(cmd, session=session, request=request, who=who, mine=mine, today=today, timezone=timezone)


def _require_may_set(
    session: Session, request: Request, workspace: Workspace, *, lookup: PersonLookup, admins: frozenset[str]
) -> None:
    user_id = request.user_id
    if user_id in admins or user_id in workspace.label_heads:
        return
    person = lookup()
    if person is not None and (person.is_admin or person.is_owner):
        return
    if queries.active_releases(session=session, team_id=request.team_id, limit=1, pm_id=user_id):
        return
    raise UserError("away_others", usage=c.USAGE["away"])


def _away(cmd: c.Away, *, session: Session, request: Request, who: str, mine: bool, today: date, timezone: str):
    usage = c.USAGE["away"]
    start, end = cmd.starts_on, cmd.ends_on
    if start > end:
        raise UserError("away_order", usage=usage, starts_on=start, ends_on=end)
    if end < today:
        raise UserError("away_past", usage=usage, ends_on=end, today=today)
    if start < today:
        raise UserError("away_start_past", usage=usage, starts_on=start, ends_on=end, today=today)
    if (end - start).days + 1 > MAX_AWAY_DAYS or (end - today).days > MAX_AHEAD_DAYS:
        raise UserError("away_too_long", usage=usage, days=MAX_AWAY_DAYS, ahead=MAX_AHEAD_DAYS)
    if cmd.cover_id == who:
        raise UserError("away_cover_self", usage=usage, mine=mine)
    team_id = request.team_id
    if cmd.cover_id:
        book = book_for(session, team_id, [cmd.cover_id], timezone=timezone, now=request.now)
        clash = next((a for a in book.absences if a.starts_on <= end and start <= a.ends_on), None)
        if clash is not None:
            raise UserError("away_cover_away", usage=usage, away=covering_of(clash, book.people))
    replaced = [a for a in stored.absences_from(session=session, team_id=team_id, day=today, user_ids=[who])
                if a.starts_on <= end and start <= a.ends_on]  # fmt: skip
    for old in replaced:
        old.ended_at = request.now
        session.add(old)
    row = Absence(team_id=team_id, user_id=who, starts_on=start, ends_on=end, cover_id=cmd.cover_id,
                  set_by=request.user_id, set_at=request.now)  # fmt: skip
    session.add(row)
    people = _people(session, team_id, [who, cmd.cover_id])
    facts = covering_of(row, people)
    effects = []
    if cmd.cover_id and cmd.cover_id != request.user_id:
        effects.append(DirectMessage(team_id, cmd.cover_id, "covering_dm", (facts, request.user_id)))
    if not mine:
        effects.append(DirectMessage(team_id, who, "away_set_for_you_dm", (facts, request.user_id)))
    replaced_facts = [covering_of(a, people) for a in replaced]
    effects.append(RefreshHome(team_id, (who,)))
    return Outcome(reply=Reply.of("recorded", facts, mine, replaced_facts, kind="away"), effects=effects)


def _back(session: Session, request: Request, who: str, *, mine: bool, today: date, timezone: str) -> Outcome:
    """The absence holding today ends; with none, the next one is called off."""
    found = stored.absences_from(session=session, team_id=request.team_id, day=today, user_ids=[who])
    if not found:
        return Outcome(reply=Reply.of("not_away", who, mine, kind="away"))
    ended = found[0]
    ended.ended_at = request.now
    session.add(ended)
    facts = covering_of(ended, _people(session, request.team_id, [who, ended.cover_id]))
    macro = "back" if ended.starts_on <= today else "called_off"
    effects: list = [RefreshHome(request.team_id, (who,))]
    if ended.cover_id and ended.cover_id != request.user_id and ended.starts_on <= today:
        effects.append(DirectMessage(request.team_id, ended.cover_id, "cover_over_dm", (facts,)))
    return Outcome(reply=Reply.of(macro, facts, mine, kind="away"), effects=effects)
