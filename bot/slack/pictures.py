"""Sending a weekly picture: its facts read in one short transaction, the image drawn and worded after it,
then uploaded to a channel or a person's DM with the words as its comment.

The tick's claims (:mod:`bot.release.planning`) and ``/release report`` both come here, so the image is
never drawn while a transaction is open, and what it shows is as of when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.release import budget
from bot.release.calendar import calendar_of, local_today
from bot.release.foresight import weekly
from bot.release.language import language_of
from bot.slack.sender import Sender, error_code
from messages.picture import WeekPicture
from messages.render import Message, pack_lines, section, words
from messages.timeline import timeline
from messages.weekly_text import comment, title
from storage import queries
from storage.db import session_scope

# What a shared image is called in Slack (its title says what it shows).
FILE_NAME = "weekly-picture.png"
# Slack's refusals of an upload that a plain post gets past: the week's words then go without their image.
UPLOAD_REFUSED = frozenset({"missing_scope", "file_uploads_disabled", "not_allowed_token_type"})


@dataclass(frozen=True)
class Made:
    """A picture ready to share: the facts, the image and its words."""

    picture: WeekPicture
    png: bytes
    title: str
    comment: str
    lang: str


def make(engine: Engine, team_id: str, recipient: str, *, label_wide: bool, now: datetime) -> Made | None:
    """The label's picture, or (``label_wide`` False) that of the releases ``recipient`` is PM of, as of the
    recipient's local day (the workspace's for a channel), in their language; None without an active release."""
    person_id = recipient if recipient.startswith(("U", "W")) else None
    with session_scope(engine) as session:
        workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
        person = queries.get_person(session=session, team_id=team_id, user_id=person_id) if person_id else None
        lang = language_of(session, team_id, person_id)
        week = weekly.load(session, team_id=team_id, now=now)
        # Money only in a PM's own picture, never the label's (which may go to a channel).
        mine = [b.release for b in week.bundles if not label_wide and b.release.pm_id == recipient]
        budgets = budget.pictures_of(session, mine) if person_id else []
    timezone = person.tz if person is not None and person.tz else workspace.timezone
    picture = weekly.build(
        week,
        today=local_today(now, timezone),
        now=now,
        calendar=calendar_of(workspace),
        limit=workspace.weekly_load_limit,
        pm_id=None if label_wide else recipient,
    )
    if picture is None:
        return None
    words = comment(picture, budgets=budgets, lang=lang)
    return Made(picture, timeline(picture, lang=lang).png, title(picture, lang=lang), words, lang)


def send(engine: Engine, sender: Sender, team_id: str, recipient: str, *, label_wide: bool, now: datetime) -> bool:
    """Make the picture and share it with ``recipient``; False when there was nothing to picture. Where Slack
    refuses the upload itself, the words go alone, saying why the image is missing and how to bring it back."""
    made = make(engine, team_id, recipient, label_wide=label_wide, now=now)
    if made is None:
        return False
    try:
        sender.upload(team_id, recipient, made.png, filename=FILE_NAME, title=made.title, comment=made.comment)
    except SlackApiError as error:
        if error_code(error) not in UPLOAD_REFUSED:
            raise
        note = str(words("weekly", made.lang).without_image(error_code(error)))
        words_alone = f"*{made.title}*\n\n{made.comment}\n\n{note}"
        blocks = [section(part) for part in pack_lines(words_alone.split("\n"))]
        sender.post(team_id, recipient, Message(text=words_alone, blocks=blocks))
    return True
