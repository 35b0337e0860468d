"""From a parsed ``/release`` command to its :class:`Outcome`, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlmodel import Session

from bot.release import absence, budget, deliverables, notifying, releasing, reporting, workspace_settings
from bot.release import parser as c
from bot.release.artist import approvals, brief
from bot.release.calendar import calendar_of
from bot.release.creating import Catalogue, create_release
from bot.release.foresight import feeds, workload
from bot.release.memory import recall
from bot.release.outcome import Outcome, Reply, Request
from bot.release.refusals import UserError
from messages import builders
from storage import queries
from storage.models import Release, Workspace


@dataclass(frozen=True)
class Services:
    """What actions need besides the session: the playbooks, who administers the bot, and where people reach
    it from outside (calendar links; None when not set)."""

    catalogue: Catalogue
    admins: frozenset[str]
    public_url: str | None = None


# Subcommands that act on one release and need its channel.
ROOM_ACTIONS: dict[type, Callable[..., Outcome]] = {
    c.Claim: deliverables.claim,
    c.Assign: deliverables.assign,
    c.Unclaim: deliverables.unclaim,
    c.Block: deliverables.block,
    c.Unblock: deliverables.unblock,
    c.Done: deliverables.done,
    c.Reopen: deliverables.reopen,
    c.Add: deliverables.add,
    c.Snooze: deliverables.snooze,
    c.Approvers: approvals.approvers,
}
# ...and those only the release's managers may run.
MANAGED_ACTIONS: dict[type, Callable[..., Outcome]] = {
    c.Due: deliverables.set_due,
    c.Remove: deliverables.remove,
    c.MoveRelease: releasing.move_release,
    c.Archive: lambda room, _cmd, **kw: releasing.archive(room, **kw),
}


@dataclass(frozen=True)
class Place:
    """Where a command was typed: the workspace, and the release whose channel it is (if any)."""

    workspace: Workspace
    release: Release | None

    @property
    def timezone(self) -> str:
        """Relative dates ("next friday") are read in the release's timezone, else the workspace's."""
        return self.release.timezone if self.release is not None else self.workspace.timezone


def locate(*, session: Session, request: Request) -> Place:
    workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
    workspace_settings.first_use(
        workspace, queries.get_person(session=session, team_id=request.team_id, user_id=request.user_id)
    )
    if workspace.uninstalled_at is not None:  # Slack only sends requests from where the app is installed
        queries.mark_installed(session=session, team_id=request.team_id)
    return Place(
        workspace=workspace,
        release=queries.release_in_channel(session=session, team_id=request.team_id, channel_id=request.channel_id),
    )


def run(cmd: c.Command, *, session: Session, request: Request, services: Services, place: Place) -> Outcome:
    """Who the asker is comes from the people cache, refreshed before the transaction began."""
    workspace, release = place.workspace, place.release
    lookup = partial(queries.get_person, session=session, team_id=request.team_id, user_id=request.user_id)
    if isinstance(cmd, c.Help):
        return Outcome(reply=Reply(builders.help_message, (c.SUBCOMMANDS,), {"topic": cmd.topic}))
    if isinstance(cmd, c.NewRelease):
        creator = queries.get_person(session=session, team_id=request.team_id, user_id=request.user_id)
        timezone = (creator.tz if creator and creator.tz else None) or workspace.timezone
        return create_release(
            cmd,
            session=session,
            request=request,
            catalogue=services.catalogue,
            timezone=timezone,
            calendar=calendar_of(workspace),
        )
    if isinstance(cmd, c.Settings):
        return workspace_settings.handle(cmd, session=session, request=request, lookup=lookup, admins=services.admins)
    if isinstance(cmd, c.Notify):
        return notifying.set_standup_mentions(cmd, session=session, request=request)
    if isinstance(cmd, c.Mine):
        return releasing.mine(session=session, request=request, workspace=workspace)
    if isinstance(cmd, c.Load):
        return workload.load(cmd, session=session, request=request, timezone=workspace.timezone)
    if isinstance(cmd, c.CalendarLink):
        return feeds.calendar_link(cmd, session=session, request=request, public_url=services.public_url,
                                   lookup=lookup, admins=services.admins)  # fmt: skip
    if isinstance(cmd, recall.COMMANDS):  # retro also in an archived release's channel
        return recall.command(cmd, session=session, request=request, place=place, catalogue=services.catalogue,
                              calendar=calendar_of(workspace))  # fmt: skip
    if isinstance(cmd, c.Report):
        return reporting.report(session=session, request=request, workspace=workspace, lookup=lookup,
                                admins=services.admins)  # fmt: skip
    if isinstance(cmd, budget.COMMANDS):  # shown in an archived release's channel too
        return budget.command(cmd, session=session, request=request, workspace=workspace, release=release,
                              lookup=lookup, admins=services.admins)  # fmt: skip
    if isinstance(cmd, absence.COMMANDS):  # a person's, anywhere
        return absence.command(cmd, session=session, request=request, workspace=workspace, lookup=lookup,
                               admins=services.admins)  # fmt: skip
    if release is not None:
        deliverables.require_active(release)
    if isinstance(cmd, brief.COMMANDS):
        return brief.command(cmd, session=session, request=request, release=release, lookup=lookup,
                             admins=services.admins)  # fmt: skip
    if release is None:
        if isinstance(cmd, c.Status):
            return releasing.portfolio(session=session, request=request, timezone=workspace.timezone)
        releases = [r for r in queries.active_releases(session=session, team_id=request.team_id) if r.channel_id]
        raise UserError("use_release_channel", releases=releases[:5])
    room = deliverables.Room(
        session=session,
        request=request,
        release=release,
        bundle=queries.load_bundle(session=session, release=release),
        calendar=calendar_of(workspace),
        admins=services.admins,
    )
    if isinstance(cmd, c.Status):
        return releasing.release_status(room)
    if type(cmd) in ROOM_ACTIONS:
        room.require_member()
        return ROOM_ACTIONS[type(cmd)](room, cmd)
    if type(cmd) in MANAGED_ACTIONS:
        return MANAGED_ACTIONS[type(cmd)](room, cmd, lookup=lookup, admins=services.admins)
    raise UserError("not_here", name=type(cmd).__name__.lower())
