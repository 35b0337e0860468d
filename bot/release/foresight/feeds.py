"""Calendar feeds: a person's open deliverables and release days, or the label's release days and hard
deadlines, as iCalendar at a secret link (``GET /calendar/<token>.ics``) that ``/release calendar`` hands out.

The token is random and only its SHA-256 is stored, so a link is shown once, in a DM, and the database alone
opens no feed; ``revoke`` retires the old link and sends a new one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlmodel import Session

from bot.release import parser as c
from bot.release.language import language_of
from bot.release.outcome import Outcome, Post, Reply, Request
from bot.release.permissions import PersonLookup
from bot.release.refusals import UserError
from messages import builders, ical
from storage import feeds as stored
from storage import queries

PERSON, LABEL = "person", "label"
TOKEN_BYTES = 32
# What secrets.token_urlsafe(TOKEN_BYTES) gives: anything else is no token, answered 404 without a query.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
FEED_PATH = "/calendar/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url}{FEED_PATH}{token}.ics"


def calendar_link(
    cmd: c.CalendarLink,
    *,
    session: Session,
    request: Request,
    public_url: str | None,
    lookup: PersonLookup,
    admins: frozenset[str],
) -> Outcome:
    """A new link by DM (the first, or after ``revoke``); otherwise when the live one was sent."""
    kind = LABEL if cmd.label else PERSON
    if public_url is None:
        return Outcome(reply=Reply.of("needs_public_url", kind="feeds"))
    if kind == LABEL:
        _require_pm_or_admin(session, request, lookup=lookup, admins=admins)
    live = stored.live_feed(session=session, team_id=request.team_id, user_id=request.user_id, kind=kind)
    if live is not None and not cmd.revoke:
        return Outcome(reply=Reply.of("already_sent", kind, live.created_at, kind="feeds"))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    stored.replace_feed(session=session, team_id=request.team_id, user_id=request.user_id, kind=kind,
                        token_hash=token_hash(token), now=request.now)  # fmt: skip
    revoked = live is not None
    lang = language_of(session, request.team_id, request.user_id)
    dm = builders.reply("feeds", "link", kind, feed_url(public_url, token), revoked, lang=lang)
    return Outcome(
        reply=Reply.of("sent", kind, revoked, kind="feeds"), effects=[Post(request.team_id, request.user_id, dm)]
    )


def _require_pm_or_admin(session: Session, request: Request, *, lookup: PersonLookup, admins) -> None:
    if request.user_id in admins or queries.count_active_releases(
        session=session, team_id=request.team_id, pm_id=request.user_id
    ):
        return
    person = lookup()
    if person is None or not (person.is_admin or person.is_owner):
        raise UserError("calendar_label_managers_only")


def feed_ics(session: Session, token: str, *, now: datetime) -> bytes | None:
    """The feed behind ``token`` as iCalendar bytes, or None when no live feed has that token."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    feed = stored.feed_by_hash(session=session, token_hash=token_hash(token))
    if feed is None:
        return None
    if feed.kind == LABEL:
        releases, deadlines = stored.label_feed_items(session=session, team_id=feed.team_id)
        lang = queries.get_or_create_workspace(session=session, team_id=feed.team_id).language
    else:
        deadlines, releases = stored.person_feed_items(session=session, team_id=feed.team_id, user_id=feed.user_id)
        lang = language_of(session, feed.team_id, feed.user_id)
    return ical.feed(feed.kind, releases=releases, deliverables=deadlines, team_id=feed.team_id, now=now, lang=lang)
