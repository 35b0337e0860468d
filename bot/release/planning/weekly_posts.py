"""The week's own posts: the weekly picture on its first working day, and the artist's brief drafted for the PM
on its last.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial

from sqlmodel import Session

from bot.release.artist import brief
from bot.release.calendar import week_start
from bot.release.foresight import weekly
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted, end_of_day
from messages import brief as brief_words
from messages.render import Message
from storage import brief as briefs
from storage import queries


# -- the weekly picture --------------------------------------------------------------------------
def weekly_pictures(team: Team, bundles: list[queries.ReleaseBundle], *, now: datetime) -> list[Wanted]:
    """The label's picture to the escalation channel (else each label head) and each PM's own by DM, on the
    workspace's first working day of the week at standup time (the recipient's, or the workspace's for a
    channel). A label head gets the label's picture only; a label with no active release, none.

    Only the claim is made here: the picture is drawn when it is sent (:mod:`bot.slack.pictures`), outside
    the tick's transaction."""
    if not bundles:
        return []
    ws = team.workspace
    standup_at = time(*(int(x) for x in ws.standup_time.split(":")))
    heads = [ws.escalation_channel] if ws.escalation_channel else list(dict.fromkeys(ws.label_heads))
    pms = sorted({b.release.pm_id for b in bundles if b.release.pm_id} - set(heads))
    wanted = []
    for recipient, kind in [*((h, weekly.LABEL_PICTURE) for h in heads), *((pm, weekly.PM_PICTURE) for pm in pms)]:
        tz = team.tz_of(recipient, ws.timezone) if recipient.startswith(("U", "W")) else ws.timezone
        day = weekly.picture_day(now=now, timezone=tz, standup_at=standup_at, calendar=team.calendar)
        if day is not None:
            key = f"weekly:{recipient}:{week_start(day).isoformat()}"
            planned = Planned(ws.team_id, key, kind, recipient, Message(text=key), end_of_day(day, tz))
            wanted.append(Wanted(key, lambda planned=planned: planned, Subject("weekly", ())))
    return wanted


# -- the artist's weekly brief ----------------------------------------------------------------------
def brief_offers(
    session: Session, team: Team, bundles: list[queries.ReleaseBundle], troubles: Troubles, *, now: datetime
) -> list[Wanted]:
    """Each release with a brief channel (:mod:`bot.release.artist.brief`) gets its draft on the workspace's last
    working day of the week at standup time (its PM's), by DM to its PM with Send, Edit and Skip; the draft is
    saved with the claim, once per release and week. Nothing goes to the brief channel here."""
    standup_at = time(*(int(x) for x in team.workspace.standup_time.split(":")))
    due = []
    for bundle in bundles:
        pm = bundle.release.pm_id or bundle.release.created_by
        tz = team.tz_of(pm, bundle.release.timezone)
        day = brief.brief_day(now=now, timezone=tz, standup_at=standup_at, calendar=team.calendar)
        if day is not None:
            due.append((bundle, pm, day, tz))
    if not due:
        return []
    scopes = [scope for bundle, *_ in due for scope in brief.scopes(bundle.release)]
    channels = briefs.channels_of(session=session, team_id=team.workspace.team_id, scopes=scopes)
    wanted = []
    for bundle, pm, day, tz in due:
        about = Subject("brief", (bundle.release,))
        with troubles.isolated(about):
            channel = brief.channel_of(bundle.release, channels)
            if channel is not None:
                key = f"brief:{bundle.release.id}:{week_start(day).isoformat()}"
                wanted.append(Wanted(key, partial(brief_offer, session, team, bundle, key, pm, channel, day,
                                                  end_of_day(day, tz), now), about))  # fmt: skip
    return wanted


def brief_offer(
    session: Session, team: Team, bundle: queries.ReleaseBundle, key: str, pm: str, channel: str, day: date,
    expires: datetime, now: datetime,
) -> Planned:  # fmt: skip
    """The week's draft, worded from the allow-listed facts in the workspace's language, and the PM's DM."""
    release = bundle.release
    text = brief_words.draft(brief.facts(bundle, today=day), lang=team.workspace.language)
    row = briefs.draft(session=session, team_id=release.team_id, release_id=release.id, week=week_start(day),
                       channel_id=channel, text=text, now=now)  # fmt: skip
    message = brief_words.offer(row.id, release, row.channel_id, row.text, lang=team.lang_of(pm))
    return Planned(release.team_id, key, brief.OUTBOX_KIND, pm, message, expires, release.id)
