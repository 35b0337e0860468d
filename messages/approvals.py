"""Sign-offs in words and buttons: the approvers' DMs and their checklist row, the reason form of Request
changes, the nudges, and the "waiting on" lines of status and standups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from messages.ids import ActionId, ViewId
from messages.modals import reason_form
from messages.render import Message, actions, button, context, section, words
from storage.models import Deliverable, Release


@dataclass(frozen=True)
class Waiting:
    """A sign-off waiting on its approvers, since a day."""

    name: str
    key: str
    user_ids: tuple[str, ...]
    since: date


def decision_buttons(d: Deliverable, *, lang: str = "en") -> dict:
    w = words("approvals", lang)
    return actions(
        [
            button(str(w.approve_button()), ActionId.APPROVE, str(d.id)),
            button(str(w.changes_button()), ActionId.REQUEST_CHANGES, str(d.id)),
        ]
    )


def asked_dm(d: Deliverable, release: Release, file_name: str | None, *, again: bool, lang: str = "en") -> Message:
    """An approver's DM: what to look at, with Approve and Request changes."""
    text = str(words("approvals", lang).asked_dm(d, release, file_name, again)).strip()
    return Message(text=text, blocks=[section(text), decision_buttons(d, lang=lang)])


def changes_requested_dm(
    upstream: Deliverable, d: Deliverable, release: Release, by: str, note: str, *, lang: str = "en"
) -> Message:
    text = str(words("approvals", lang).changes_dm(upstream, d, release, by, note)).strip()
    return Message(text=text, blocks=[section(text)])


def checklist_rows(d: Deliverable, standing: Sequence[tuple[str, str]], *, lang: str = "en") -> list[dict]:
    """Under an open sign-off's checklist message: where each approver stands, and the decision buttons."""
    if d.state != "open":
        return []
    line = str(words("approvals", lang).standing(standing)).strip()
    return [*([context(line)] if line else []), decision_buttons(d, lang=lang)]


def with_waiting(message: Message, waiting: Sequence[Waiting], *, lang: str = "en") -> Message:
    """A status or standup with who the sign-offs wait on under it."""
    if not waiting:
        return message
    text = str(words("approvals", lang).waiting(waiting)).strip()
    return Message(text=f"{message.text}\n{text}", blocks=[*message.blocks, section(text)])


def nudge(d: Deliverable, release: Release, waiting: Waiting, days: int, *, to_pm: bool, lang: str = "en") -> Message:
    w = words("approvals", lang)
    if to_pm:
        text = str(w.pm_nudge(d, release, waiting, days)).strip()
        return Message(text=text, blocks=[section(text)])
    text = str(w.nudge(d, release, waiting, days)).strip()
    return Message(text=text, blocks=[section(text), decision_buttons(d, lang=lang)])


def changes_form(d: Deliverable, *, lang: str = "en") -> dict:
    """The Request changes modal: what should change?"""
    return reason_form(ViewId.CHANGES_REASON, d, words("approvals", lang), lang=lang)
