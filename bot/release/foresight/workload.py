"""``/release load``: each person's open deliverables per ISO week over the next weeks, across every active
release, with late and blocked ones marked and the weeks over the label's limit flagged.

:func:`person_loads` is the pure part (rows in, loads out); :func:`due_in_week_of` answers "how many would
this person have due in the week of that day" for any other check that needs it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session

from bot.release import parser as c
from bot.release.calendar import week_start
from bot.release.outcome import Outcome, Reply, Request
from bot.release.playbooks import TEAMS
from bot.release.refusals import UserError
from messages import workload as load_words
from messages.facts import LoadItem, LoadTable, PersonLoad, WeekLoad
from storage import queries
from storage import workload as stored
from storage.models import Deliverable, Release

WEEKS = 8
# People shown in one answer: a Slack message holds 50 blocks, and nobody reads a longer table.
MAX_PEOPLE = 40


def due_in_week_of(*, session: Session, team_id: str, user_id: str, day: date) -> int:
    """How many open deliverables of active releases ``user_id`` has due in the ISO week of ``day``."""
    monday = week_start(day)
    return stored.due_between(session=session, team_id=team_id, owner_id=user_id, start=monday,
                              end=monday + timedelta(days=7))  # fmt: skip


def mondays_from(today: date, weeks: int = WEEKS) -> tuple[date, ...]:
    """The Mondays of the ``weeks`` ISO weeks from ``today``'s on."""
    first = week_start(today)
    return tuple(first + timedelta(weeks=n) for n in range(weeks))


def person_loads(
    rows: Iterable[tuple[Deliverable, Release, bool]], *, today: date, limit: int, weeks: int = WEEKS
) -> list[PersonLoad]:
    """Each owner's items by ISO week from ``today``'s on (late ones count in this week: they are due now);
    a week over ``limit`` is flagged. Busiest first: flagged people, then the highest week, then the most."""
    mondays = mondays_from(today, weeks)
    by_owner: dict[str, dict[date, list[LoadItem]]] = defaultdict(lambda: defaultdict(list))
    for d, r, blocked in rows:
        monday = max(mondays[0], week_start(d.due_date))
        if d.owner_id and monday <= mondays[-1]:
            by_owner[d.owner_id][monday].append(LoadItem(d, r, blocked, d.due_date < today))
    loads = [
        PersonLoad(owner, tuple(WeekLoad(m, tuple(items[m]), len(items[m]) > limit) for m in mondays))
        for owner, items in by_owner.items()
    ]
    return sorted(loads, key=lambda p: (not p.overloaded, -max(w.count for w in p.weeks), -p.total, p.user_id))


def load_table(*, session: Session, team_id: str, today: date, scope: str, subject: str, owners) -> LoadTable:
    """The loads of ``owners`` (user ids, or a subquery of storage.workload): one query."""
    workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
    mondays = mondays_from(today)
    rows = stored.open_load(session=session, team_id=team_id, due_before=mondays[-1] + timedelta(days=7),
                            owners=owners)  # fmt: skip
    people = person_loads(rows, today=today, limit=workspace.weekly_load_limit)
    return LoadTable(scope, subject, mondays, workspace.weekly_load_limit, today, tuple(people[:MAX_PEOPLE]),
                     len(people))  # fmt: skip


def team_load(*, session: Session, team_id: str, pm_id: str, today: date) -> LoadTable:
    """The load of the people on ``pm_id``'s releases (the owners of their open deliverables)."""
    owners = stored.owners_on_releases_of(pm_id, team_id=team_id)
    return load_table(session=session, team_id=team_id, today=today, scope="pm", subject=pm_id, owners=owners)


def load(cmd: c.Load, *, session: Session, request: Request, timezone: str) -> Outcome:
    """Someone named, a team, or by default: a PM's team (the people on her releases), anyone else's own."""
    today = request.today(timezone)
    kw = {"session": session, "team_id": request.team_id, "today": today}
    if cmd.user_id is not None:
        table = load_table(**kw, scope="person", subject=cmd.user_id, owners=[cmd.user_id])
    elif cmd.team is not None:
        team = {t.casefold(): t for t in TEAMS}.get(cmd.team.strip().casefold())
        if team is None:
            raise UserError("load_who", usage=c.USAGE["load"], given=cmd.team, teams=list(TEAMS))
        owners = stored.owners_in_team(team, team_id=request.team_id)
        table = load_table(**kw, scope="team", subject=team, owners=owners)
    elif queries.count_active_releases(session=session, team_id=request.team_id, pm_id=request.user_id):
        table = team_load(**kw, pm_id=request.user_id)
    else:
        table = load_table(**kw, scope="self", subject=request.user_id, owners=[request.user_id])
    return Outcome(reply=Reply(load_words.load_message, (table,)))
