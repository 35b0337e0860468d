"""What the label heads' escalation digest says was already tried about each late deliverable, read from
what the outbox really sent (a notice skipped while the item was blocked is not claimed), and since when
each item has been in a recipient's digests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.release.calendar import Step, local_today
from bot.release.outcome import utc
from messages.facts import Tried
from messages.ids import EscalatedBlock
from storage import outbox
from storage.models import Blocker, Deliverable, Release

DIGEST_KIND = "escalations"
OVERDUE_KIND = f"ladder-{Step.OVERDUE}"
BLOCKED_KINDS = (f"ladder-{Step.BLOCKED_TWO}", f"ladder-{Step.BLOCKED_FIVE}")
# What happened first when several things happened on one day.
TRIED_ORDER = ("blocker", "overdue", "pm_told", "blocker_pm")
# How far back earlier digests are read for "in the digest since" (an item late for longer names the oldest
# digest within it): four months, more than a single's whole campaign.
DIGEST_MEMORY_DAYS = 120


@dataclass
class History:
    """The ladder messages sent about some deliverables, and the day each (recipient, deliverable, due date)
    first appeared in a digest."""

    sent: dict[int, list[tuple[str, str, datetime]]] = field(default_factory=dict)
    first_digested: dict[tuple[str, int, date], date] = field(default_factory=dict)

    def tried(self, d: Deliverable, release: Release, blocker: Blocker | None) -> tuple[Tried, ...]:
        """The overdue notice and PM's DM for its current due date, the open blocker and the PM's reminders of it,
        by local day in the release's timezone, oldest first (on one day, in the order they happen)."""
        found = []
        for kind, channel, at in self.sent.get(d.id, []):
            day = local_today(utc(at), release.timezone)
            if kind == OVERDUE_KIND and day > d.due_date:
                found.append(Tried("overdue" if channel == release.channel_id else "pm_told", day))
            elif kind in BLOCKED_KINDS and blocker is not None and utc(at) >= utc(blocker.raised_at):
                found.append(Tried("blocker_pm", day))
        if blocker is not None:
            found.append(Tried("blocker", local_today(utc(blocker.raised_at), release.timezone), blocker.raised_by))
        return tuple(sorted(found, key=lambda t: (t.day, TRIED_ORDER.index(t.what))))

    def since(self, recipient: str, d: Deliverable, today: date) -> date | None:
        """The first earlier day a digest to ``recipient`` listed ``d`` at its current due date; None if new today."""
        first = self.first_digested.get((recipient, d.id, d.due_date))
        return first if first is not None and first < today else None


def history(
    *, session: Session, team_id: str, deliverable_ids: list[int], recipients: list[str], now: datetime
) -> History:
    """Read in two queries, whatever the number of items and recipients."""
    sent: dict[int, list[tuple[str, str, datetime]]] = defaultdict(list)
    kinds = [OVERDUE_KIND, *BLOCKED_KINDS]
    for deliverable_id, kind, channel, at in outbox.sent_about(
        session=session, team_id=team_id, deliverable_ids=deliverable_ids, kinds=kinds
    ):
        sent[deliverable_id].append((kind, channel, at))
    first: dict[tuple[str, int, date], date] = {}
    since = now - timedelta(days=DIGEST_MEMORY_DAYS)
    for channel, key, blocks in outbox.sent_to(
        session=session, team_id=team_id, kind=DIGEST_KIND, channels=recipients, since=since
    ):
        day = date.fromisoformat(key.rsplit(":", 1)[1])
        for deliverable_id, due in EscalatedBlock.found_in(blocks):
            slot = (channel, deliverable_id, due)
            first[slot] = min(first.get(slot, day), day)
    return History(dict(sent), first)
