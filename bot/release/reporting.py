"""``/release report``: the weekly picture on demand, by DM to the asker.

Label heads and admins get the label's picture; a PM gets hers, of the active releases she is PM of; anyone
else is refused and pointed to ``mine`` and ``status`` (the picture is a planning view, not a person's list).
"""

from __future__ import annotations

from sqlmodel import Session

from bot.release.outcome import Outcome, Reply, Request, SendPicture
from bot.release.permissions import PersonLookup
from storage import queries
from storage.models import Workspace


def report(
    *, session: Session, request: Request, workspace: Workspace, lookup: PersonLookup, admins: frozenset[str]
) -> Outcome:
    user_id = request.user_id
    label_wide = user_id in admins or user_id in workspace.label_heads
    if not label_wide:  # Slack's admins and owners are known from the people cache only
        person = lookup()
        label_wide = person is not None and (person.is_admin or person.is_owner)
    count = queries.count_active_releases(
        session=session, team_id=request.team_id, pm_id=None if label_wide else user_id
    )
    if not count:
        return Outcome(reply=Reply.of("report_nothing" if label_wide else "report_refused", kind="weekly"))
    picture = SendPicture(request.team_id, user_id, label_wide)
    return Outcome(reply=Reply.of("report_sent", count, label_wide, kind="weekly"), effects=[picture])
