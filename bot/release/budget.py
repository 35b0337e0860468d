"""A release's budget: ``/release budget`` (plan against spend per bucket), ``budget <amount> [currency]`` and
``spend <amount> <bucket> <note>``. Amounts are for the PM, label heads and admins only: every answer is
ephemeral, a refusal never names one, and the PM alone is told (by DM, from the outbox) when the spend passes
90% and 100%."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from bot.release import parser as c
from bot.release.amounts import Amount, MoneyError, to_minor, workspace_currency
from bot.release.deliverables import require_active
from bot.release.language import language_of
from bot.release.outcome import Outcome, Reply, Request
from bot.release.permissions import PersonLookup, may_see_budget
from bot.release.refusals import UserError
from messages import builders
from storage import budget as stored
from storage import outbox, queries
from storage.models import BudgetSpend, Release, ReleaseBudget, Workspace

COMMANDS = (c.Budget, c.Spend)
# The shares of the plan (in percent) whose passing the PM hears of, once each per plan.
THRESHOLDS = (90, 100)


@dataclass(frozen=True)
class Picture:
    """Plan against spend: what the answers and the PM's DMs word (amounts in minor units)."""

    title: str
    currency: str
    plan: int
    spent: int
    buckets: list[tuple[str, int]]

    @property
    def remaining(self) -> int:
        return self.plan - self.spent


def picture(release: Release, plan: ReleaseBudget, spends: list[BudgetSpend]) -> Picture:
    by_bucket: dict[str, int] = defaultdict(int)
    for spend in spends:
        by_bucket[spend.bucket] += spend.amount_minor
    buckets = [(b, by_bucket[b]) for b in c.SPEND_BUCKETS if b in by_bucket]
    return Picture(release.title, plan.currency, plan.amount_minor, sum(by_bucket.values()), buckets)


def picture_of(session: Session, release: Release) -> Picture | None:
    """The release's plan against its spend, for its PM's eyes; None without a plan."""
    plan = stored.plan_of(session=session, release_id=release.id)
    if plan is None:
        return None
    return picture(release, plan, stored.spends_of(session=session, release_ids=[release.id]))


def pictures_of(session: Session, releases: list[Release]) -> list[Picture]:
    """The plans against spend of those ``releases`` that have a plan (for their PM's weekly picture): two
    queries."""
    plans = stored.plans_of(session=session, release_ids=[r.id for r in releases])
    spends: dict[int, list[BudgetSpend]] = defaultdict(list)
    for spend in stored.spends_of(session=session, release_ids=list(plans)):
        spends[spend.release_id].append(spend)
    return [picture(r, plans[r.id], spends[r.id]) for r in releases if r.id in plans]


def passed(plan: int, spent: int, *, told: set[int]) -> int | None:
    """The highest threshold ``spent`` reaches that the PM has not been told of (one DM, even for a cost that
    jumps past both)."""
    reached = [t for t in THRESHOLDS if spent * 100 >= plan * t and t not in told]
    return reached[-1] if reached else None


def command(
    cmd, *, session: Session, request: Request, workspace: Workspace, release: Release | None,
    lookup: PersonLookup, admins: frozenset[str],
) -> Outcome:  # fmt: skip
    """Who may see comes first: nothing after it, refusals included, hints at an amount to anyone else."""
    if release is None:
        raise UserError("budget_where", usage=c.USAGE["budget"])
    if not may_see_budget(release, request.user_id, lookup=lookup, admins=admins, label_heads=workspace.label_heads):
        raise UserError("budget_private")
    showing = isinstance(cmd, c.Budget) and cmd.amount is None
    plan = stored.plan_of(session=session, release_id=release.id, for_update=not showing)
    if showing:
        if plan is None:
            return Outcome(reply=Reply.of("no_plan", release.title, kind="budget"))
        return Outcome(reply=Reply.of("shown", picture_of(session, release), kind="budget"))
    require_active(release)
    if isinstance(cmd, c.Budget):
        return _set_plan(cmd.amount, session=session, request=request, workspace=workspace, release=release, plan=plan)
    return _spend(cmd, session=session, request=request, release=release, plan=plan)


def _minor(amount: Amount, currency: str, usage: str) -> int:
    try:
        minor = to_minor(amount.value, currency)
    except MoneyError as error:
        raise UserError(error.key, usage=usage, **error.facts) from None
    if minor <= 0:
        raise UserError("money_zero", usage=usage)
    return minor


def _set_plan(
    amount: Amount, *, session: Session, request: Request, workspace: Workspace, release: Release,
    plan: ReleaseBudget | None,
) -> Outcome:  # fmt: skip
    """A new plan, or one replacing the old (which re-arms the 90% and 100% notices). Without a currency it
    keeps the plan's, else takes the workspace's country's."""
    usage = c.USAGE["budget"]
    spends = stored.spends_of(session=session, release_ids=[release.id])
    today = request.today(workspace.timezone)
    default = workspace_currency(country=workspace.holiday_country, timezone=workspace.timezone, today=today)
    currency = amount.currency or (plan.currency if plan is not None else default)
    if spends and currency != spends[0].currency:
        raise UserError("budget_currency_locked", usage=usage, currency=spends[0].currency)
    minor = _minor(amount, currency, usage)
    before = plan.amount_minor if plan is not None else None
    if plan is None:
        plan = ReleaseBudget(team_id=release.team_id, release_id=release.id, amount_minor=minor, currency=currency,
                             set_by=request.user_id, set_at=request.now)  # fmt: skip
    plan.amount_minor, plan.currency, plan.set_by, plan.set_at = minor, currency, request.user_id, request.now
    plan.told_90_at = plan.told_100_at = None
    session.add(plan)
    _log(session, request, release, "budget_set")
    return Outcome(reply=Reply.of("planned", picture(release, plan, spends), before, kind="budget"))


def _spend(cmd: c.Spend, *, session: Session, request: Request, release: Release, plan: ReleaseBudget | None):
    usage = c.USAGE["spend"]
    if plan is None:
        raise UserError("budget_first", usage=c.USAGE["budget"])
    if cmd.amount.currency not in (None, plan.currency):
        raise UserError("spend_currency", usage=usage, currency=plan.currency)
    spends = stored.spends_of(session=session, release_ids=[release.id])
    minor = _minor(cmd.amount, plan.currency, usage)
    spend = BudgetSpend(team_id=release.team_id, release_id=release.id, amount_minor=minor, currency=plan.currency,
                        bucket=cmd.bucket, note=cmd.note, spent_by=request.user_id, spent_at=request.now)  # fmt: skip
    session.add(spend)
    now = picture(release, plan, [*spends, spend])
    _log(session, request, release, "budget_spent")
    told = {t for t, at in ((90, plan.told_90_at), (100, plan.told_100_at)) if at is not None}
    threshold = passed(now.plan, now.spent, told=told)
    if threshold is not None:
        plan.told_90_at = plan.told_90_at or request.now
        plan.told_100_at = plan.told_100_at or (request.now if threshold == 100 else None)
        session.add(plan)
        session.flush()  # the spend that passed the threshold names the DM
        _tell_pm(session, release, spend, threshold, now, at=request.now)
    return Outcome(reply=Reply.of("recorded", now, spend.amount_minor, spend.bucket, spend.note, kind="budget"))


def _tell_pm(session: Session, release: Release, spend: BudgetSpend, threshold: int, now: Picture, *, at) -> None:
    """The PM's DM that spend passed ``threshold``, reserved in the outbox with the spend that passed it: the
    next tick sends it, and a process that dies after the spend was saved cannot lose it."""
    pm = release.pm_id or release.created_by
    message = builders.reply("replies", "budget_passed", release.channel_id, threshold, now,
                             lang=language_of(session, release.team_id, pm))  # fmt: skip
    key = f"budget:{release.id}:{threshold}:{spend.id}"
    row = outbox.row(team_id=release.team_id, key=key, kind="budget", channel=pm, text=message.text,
                     blocks=message.blocks, now=at, expires_at=at + timedelta(days=7),
                     release_id=release.id)  # fmt: skip
    outbox.reserve(session=session, rows=[row], now=at)


def _log(session: Session, request: Request, release: Release, action: str) -> None:
    """In the activity log without the amount: the log is read by stats and retros that others see."""
    queries.log_activity(session=session, team_id=release.team_id, actor_id=request.user_id, action=action,
                         at=request.now, release_id=release.id)  # fmt: skip
