"""The App Home tab: what one person sees, loaded in a handful of queries and published with views.publish."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.release import absence
from bot.release.calendar import calendar_of, local_today
from bot.release.foresight.workload import team_load
from bot.release.health import working_days_late
from bot.release.language import language_of
from bot.release.releasing import portfolio_lines
from messages import builders
from storage import queries

GRABS_WITHIN_DAYS = 14


def home_view(session: Session, *, team_id: str, user_id: str, now: datetime, notice: str | None = None) -> dict:
    """The Home view for ``user_id`` in their language, with ``notice`` on top (a button's answer)."""
    workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
    today = local_today(now, workspace.timezone)
    running, running_total = portfolio_lines(session=session, team_id=team_id, today=today, pm_id=user_id)
    portfolio, portfolio_total = portfolio_lines(session=session, team_id=team_id, today=today)
    mine = queries.open_deliverables_of(session=session, team_id=team_id, owner_id=user_id)
    content = builders.HomeContent(
        mine=mine,
        grabs=queries.unclaimed_due_by(
            session=session,
            team_id=team_id,
            due_by=today + timedelta(days=GRABS_WITHIN_DAYS),
            limit=builders.HOME_GRABS,
        ),
        running=running,
        running_total=running_total,
        portfolio=portfolio,
        portfolio_total=portfolio_total,
        today=today,
        late_by=working_days_late((d for d, _ in mine), today=today, calendar=calendar_of(workspace)),
        notice=notice,
        load=team_load(session=session, team_id=team_id, pm_id=user_id, today=today) if running else None,
        away=absence.ahead(session, team_id, user_id, timezone=workspace.timezone, now=now),
    )
    return builders.home(content, lang=language_of(session, team_id, user_id))
