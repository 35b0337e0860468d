"""Who may change a release's shape (its PM, its creator, workspace admins and owners, configured admins),
and who may change its deliverables (the people in its channel, and those managers)."""

from __future__ import annotations

from collections.abc import Callable

from bot.release.refusals import UserError
from storage.models import Person, Release

PersonLookup = Callable[[], Person | None]


def may_manage(release: Release, user_id: str, *, lookup: PersonLookup, admins: frozenset[str]) -> bool:
    """PM, creator and configured admins are known locally; only otherwise ask who the person is in Slack."""
    if user_id in {release.pm_id, release.created_by} or user_id in admins:
        return True
    person = lookup()
    return person is not None and (person.is_admin or person.is_owner)


def require_manager(
    release: Release, user_id: str, *, lookup: PersonLookup, admins: frozenset[str], doing: str
) -> None:
    """Refuse with a message that names who can, when ``user_id`` may not manage ``release``.

    ``doing`` names the action for the message ("move_date", "archive", "set_due", "remove").
    """
    if may_manage(release, user_id, lookup=lookup, admins=admins):
        return
    raise UserError(
        "managers_only",
        pm=release.pm_id,
        creator=release.created_by if release.created_by != release.pm_id else None,
        admins=sorted(admins),
        doing=doing,
    )


def require_member(
    release: Release, user_id: str, *, present: bool | None, lookup: PersonLookup, admins: frozenset[str]
) -> None:
    """Refuse someone outside the release's channel, saying how to get in; ``present`` is None while the
    channel's member list could not be read."""
    if present or may_manage(release, user_id, lookup=lookup, admins=admins):
        return
    raise UserError(
        "members_only" if present is False else "members_unknown", channel=release.channel_id, pm=release.pm_id
    )


def may_see_budget(
    release: Release, user_id: str, *, lookup: PersonLookup, admins: frozenset[str], label_heads: list[str]
) -> bool:
    """A release's money is for its PM, the label heads, configured admins and workspace admins or owners
    (its creator, unless the PM, not: running a release is not paying for it)."""
    if user_id in {release.pm_id or release.created_by, *label_heads} or user_id in admins:
        return True
    person = lookup()
    return person is not None and (person.is_admin or person.is_owner)
