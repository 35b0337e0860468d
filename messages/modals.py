"""Modal views (Block Kit ``type: modal``) and reading their submitted state.

Each input block's ``block_id`` and its element's ``action_id`` are the same :class:`Field`,
so a submission is read as ``values[field][field]`` and an inline error names the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from messages.ids import REASON_BLOCK, REASON_INPUT, Field, ViewId
from messages.render import clip, language_for, section, words
from storage.models import Deliverable, Release

# Slack's limits on view text.
MAX_VIEW_TITLE = 24
MAX_LABEL = 2000
# Slack's limit on an inline error (response_action: errors); our messages are short anyway.
MAX_FIELD_ERROR = 150
# The artist's weekly brief fits one plain-text section, in the PM's DM and in the post.
MAX_BRIEF = 2900


class PlaybookChoice(Protocol):
    """What the form shows of a playbook (:class:`bot.release.playbooks.Playbook` is one)."""

    name: str
    deliverables: Sequence


def _plain(text: str, limit: int = MAX_LABEL) -> dict:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _modal(callback_id: str, metadata: str, *, title: str, submit: str, close: str, blocks: list[dict]) -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": _plain(title, MAX_VIEW_TITLE),
        "submit": _plain(submit, MAX_VIEW_TITLE),
        "close": _plain(close, MAX_VIEW_TITLE),
        "blocks": blocks,
    }


def _input(field: Field, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {
        "type": "input",
        "block_id": field.value,
        "label": _plain(label),
        "element": {**element, "action_id": field.value},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(initial: str | None = None, *, max_length: int, placeholder: str | None = None) -> dict:
    element: dict = {"type": "plain_text_input", "max_length": max_length}
    if initial:
        element["initial_value"] = clip(initial, max_length)
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return element


def new_release(playbooks: Sequence[PlaybookChoice], *, creator: str, lang: str = "en") -> dict:
    """``/release new`` with no arguments: the same fields as the command, with Slack's pickers."""
    w = words("forms", lang)
    options = [
        {"text": _plain(str(w.playbook_option(p)), 75), "value": p.name}
        for p in sorted(playbooks, key=lambda p: len(p.deliverables))
    ]
    blocks = [
        section(str(w.new_intro())),
        _input(Field.TITLE, str(w.title_label()), _text_input(max_length=150, placeholder=str(w.title_placeholder()))),
        _input(Field.ARTIST, str(w.artist_label()), _text_input(max_length=150), optional=True),
        _input(Field.RELEASE_DATE, str(w.date_label()), {"type": "datepicker"}, hint=str(w.date_hint())),
        _input(
            Field.PLAYBOOK,
            str(w.playbook_label()),
            {"type": "static_select", "options": options[:100], "initial_option": options[0]},
        ),  # fmt: skip
        _input(Field.PM, str(w.pm_label()), {"type": "users_select", "initial_user": creator}),
        _input(Field.TEAM, str(w.team_label()), {"type": "multi_users_select"}, optional=True, hint=str(w.team_hint())),
    ]
    return _modal(
        ViewId.NEW_RELEASE,
        lang,
        title=str(w.new_title()),
        submit=str(w.create()),
        close=str(w.cancel()),
        blocks=blocks,
    )


def language_of_form(view: dict) -> str:
    """The language a form was written in (its ``private_metadata`` says), for the errors shown under its
    fields: known from the payload alone, so the ack waits on nothing."""
    metadata = view.get("private_metadata") or ""
    return language_for(metadata.rsplit("|", 1)[-1], "en")


@dataclass(frozen=True)
class AddFromMessage:
    """What the "Add as deliverable" modal carries in ``private_metadata``: the release and its day (a due
    date's span is checked from the submission alone), the source message and the form's language.
    ``decode`` raises ValueError on anything else."""

    release_id: int
    release_day: date
    channel_id: str
    message_ts: str
    lang: str = "en"

    def encode(self) -> str:
        return f"{self.release_id}|{self.release_day.isoformat()}|{self.channel_id}|{self.message_ts}|{self.lang}"

    @classmethod
    def decode(cls, value: str) -> AddFromMessage:
        release_id, release_day, channel_id, message_ts, lang = value.split("|")
        return cls(int(release_id), date.fromisoformat(release_day), channel_id, message_ts, lang)


@dataclass(frozen=True)
class BlockReasonFor:
    """What the "Block…" modal carries in ``private_metadata``: the deliverable and the form's language."""

    deliverable_id: int
    lang: str = "en"

    def encode(self) -> str:
        return f"{self.deliverable_id}|{self.lang}"

    @classmethod
    def decode(cls, value: str) -> BlockReasonFor:
        deliverable_id, lang = value.split("|")
        return cls(int(deliverable_id), lang)


def add_deliverable(
    release: Release, *, name: str, owner: str | None, origin: AddFromMessage, lang: str = "en"
) -> dict:
    """The message shortcut's modal: the name from the message, owner (whoever it mentions) and due date optional."""
    w = words("forms", lang)
    owner_select = {"type": "users_select", **({"initial_user": owner} if owner else {})}
    blocks = [
        section(str(w.add_intro(release))),
        _input(Field.NAME, str(w.name_label()), _text_input(name, max_length=150)),
        _input(Field.OWNER, str(w.owner_label()), owner_select, optional=True),
        _input(Field.DUE, str(w.due_label()), {"type": "datepicker"}, optional=True, hint=str(w.due_hint())),
    ]
    return _modal(
        ViewId.ADD_DELIVERABLE,
        origin.encode(),
        title=str(w.add_title()),
        submit=str(w.add()),
        close=str(w.cancel()),
        blocks=blocks,
    )


def block_reason(deliverable: Deliverable, *, lang: str = "en") -> dict:
    """The "Block…" modal: why is this deliverable stuck?"""
    return reason_form(ViewId.BLOCK_REASON, deliverable, words("checklist", lang), lang=lang)


def reason_form(view_id: str, deliverable: Deliverable, w, *, lang: str) -> dict:
    """A modal that asks why, about ``deliverable``, in the words of ``w`` (its title, intro, label and buttons)."""
    reason = {
        "type": "input",
        "block_id": REASON_BLOCK,
        "label": _plain(str(w.modal_label())),
        "element": {"type": "plain_text_input", "action_id": REASON_INPUT, "multiline": True, "max_length": 1000},
    }
    return _modal(
        view_id,
        BlockReasonFor(deliverable.id, lang).encode(),
        title=str(w.modal_title()),
        submit=str(w.modal_submit()),
        close=str(w.modal_close()),
        blocks=[section(str(w.modal_intro(deliverable))), reason],
    )


class Submitted:
    """A view_submission's ``state.values``, read by field."""

    def __init__(self, view: dict):
        self._values = view.get("state", {}).get("values", {})

    def _element(self, field: Field) -> dict:
        return self._values.get(field.value, {}).get(field.value, {})

    def text(self, field: Field) -> str:
        return (self._element(field).get("value") or "").strip()

    def day(self, field: Field) -> date | None:
        picked = self._element(field).get("selected_date")
        return date.fromisoformat(picked) if picked else None

    def option(self, field: Field) -> str | None:
        return (self._element(field).get("selected_option") or {}).get("value")

    def user(self, field: Field) -> str | None:
        return self._element(field).get("selected_user") or None

    def reason(self) -> str:
        """The Block… form's reason."""
        return (self._values.get(REASON_BLOCK, {}).get(REASON_INPUT, {}).get("value") or "").strip()

    def users(self, field: Field) -> tuple[str, ...]:
        return tuple(self._element(field).get("selected_users") or ())


@dataclass(frozen=True)
class BriefEditFor:
    """What the edit modal carries in ``private_metadata``: the brief, the DM to update, the form's language."""

    brief_id: int
    channel_id: str
    message_ts: str
    lang: str = "en"

    def encode(self) -> str:
        return f"{self.brief_id}|{self.channel_id}|{self.message_ts}|{self.lang}"

    @classmethod
    def decode(cls, value: str) -> BriefEditFor:
        """ValueError for metadata no edit modal of ours carries."""
        brief_id, channel_id, message_ts, lang = value.split("|")
        if not channel_id.startswith("D") or not message_ts:
            raise ValueError(value)
        return cls(int(brief_id), channel_id, message_ts, lang)


def brief_edit(text: str, origin: BriefEditFor) -> dict:
    """The brief in a multiline plain-text field, prefilled with what Send would post now."""
    w = words("brief", origin.lang)
    field = _input(Field.BRIEF, str(w.modal_label()), {**_text_input(text, max_length=MAX_BRIEF), "multiline": True},
                   hint=str(w.modal_hint()))  # fmt: skip
    return _modal(ViewId.BRIEF_EDIT, origin.encode(), title=str(w.modal_title()), submit=str(w.modal_submit()),
                  close=str(w.modal_close()), blocks=[field])  # fmt: skip
