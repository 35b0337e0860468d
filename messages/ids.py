"""Every interactive element's action id, view callback id and shortcut id, with the value formats they carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ActionId(StrEnum):
    SNOOZE = "snooze_deliverable"  # value: SnoozeValue (until tomorrow)
    SNOOZE_WEEK = "snooze_deliverable_week"  # value: SnoozeValue (until next week); action ids differ per block
    CLAIM = "checklist_claim"  # value: the deliverable id
    DONE = "checklist_done"  # value: the deliverable id
    BLOCK = "checklist_block"  # value: the deliverable id; opens the reason modal
    NEW_RELEASE = "home_new_release"  # opens the new-release modal from the App Home
    ASSIGN = "assign_owner"  # a people picker; its block's id is AssignBlock
    ACCEPT_CATCH_UP = "accept_catch_up"  # value: CatchUpValue
    APPLY_SUGGESTION = "apply_suggestion"  # value: SuggestionValue
    BRIEF_SEND = "brief_send"  # value: the artist brief's id
    BRIEF_EDIT = "brief_edit"  # value: the artist brief's id; opens the edit modal
    BRIEF_SKIP = "brief_skip"  # value: the artist brief's id
    APPROVE = "sign_off_approve"  # value: the sign-off's deliverable id
    REQUEST_CHANGES = "sign_off_changes"  # value: the sign-off's deliverable id; opens the reason modal


@dataclass(frozen=True)
class CatchUpValue:
    """The Accept button of a catch-up plan: which release, and which of its plans (``"12:3"``), so a button
    under a plan that a newer one replaced is recognised."""

    release_id: int
    serial: int

    def encode(self) -> str:
        return f"{self.release_id}:{self.serial}"

    @classmethod
    def decode(cls, value: str) -> CatchUpValue:
        """ValueError for a value no Accept button of ours has."""
        release, _, serial = value.partition(":")
        return cls(int(release), int(serial))


class AssignBlock:
    """The block of an Assign picker names its deliverable (a users_select carries no value)."""

    PREFIX = "assign:"

    @classmethod
    def encode(cls, deliverable_id: int) -> str:
        return f"{cls.PREFIX}{deliverable_id}"

    @classmethod
    def decode(cls, block_id: str) -> int:
        """The deliverable id; ValueError for a block id no picker of ours has."""
        if not block_id.startswith(cls.PREFIX):
            raise ValueError(block_id)
        return int(block_id.removeprefix(cls.PREFIX))


class EscalatedBlock:
    """An escalation digest's item section names its deliverable and due date, so later digests (and the
    bench) can tell which items it carried."""

    PREFIX = "escalated:"

    @classmethod
    def encode(cls, deliverable_id: int, due: date) -> str:
        return f"{cls.PREFIX}{deliverable_id}:{due.isoformat()}"

    @classmethod
    def decode(cls, block_id: str) -> tuple[int, date]:
        """The deliverable id and due date; ValueError for a block id no digest item has."""
        if not block_id.startswith(cls.PREFIX):
            raise ValueError(block_id)
        deliverable, _, due = block_id.removeprefix(cls.PREFIX).partition(":")
        return int(deliverable), date.fromisoformat(due)

    @classmethod
    def found_in(cls, blocks: list[dict]) -> list[tuple[int, date]]:
        """Each item a digest's blocks carry; its other blocks (release lines, the footer) name none."""
        return [cls.decode(b["block_id"]) for b in blocks if b.get("block_id", "").startswith(cls.PREFIX)]


class ViewId(StrEnum):
    BLOCK_REASON = "block_reason"  # private_metadata: BlockReasonFor
    NEW_RELEASE = "new_release"  # private_metadata: the form's language
    ADD_DELIVERABLE = "add_deliverable"  # private_metadata: AddFromMessage
    BRIEF_EDIT = "brief_edit"  # private_metadata: messages.brief.BriefEditFor
    CHANGES_REASON = "changes_reason"  # private_metadata: BlockReasonFor (the sign-off)


class ShortcutId(StrEnum):
    ADD_AS_DELIVERABLE = "add_as_deliverable"  # message shortcut


# The reason field of the block modal.
REASON_BLOCK = "reason"
REASON_INPUT = "reason_input"


class Field(StrEnum):
    """Input block ids in our modals; each block's element uses the same string as its action id."""

    TITLE = "title"
    ARTIST = "artist"
    RELEASE_DATE = "release_date"
    PLAYBOOK = "playbook"
    PM = "pm"
    TEAM = "team"
    NAME = "name"
    OWNER = "owner"
    DUE = "due"
    BRIEF = "brief"


class SnoozeUntil(StrEnum):
    TOMORROW = "1"  # the value older buttons carried as "days"
    NEXT_WEEK = "week"


@dataclass(frozen=True)
class SnoozeValue:
    """A Snooze button's value: which deliverable, until when (``"42:1"`` tomorrow, ``"42:week"`` next Monday)."""

    deliverable_id: int
    until: SnoozeUntil = SnoozeUntil.TOMORROW

    def encode(self) -> str:
        return f"{self.deliverable_id}:{self.until.value}"

    @classmethod
    def decode(cls, value: str) -> SnoozeValue:
        deliverable, _, until = value.partition(":")
        return cls(int(deliverable), SnoozeUntil(until or SnoozeUntil.TOMORROW))


@dataclass(frozen=True)
class SuggestionValue:
    """An Apply button's value: start ``key`` of ``playbook`` ``earlier`` working days earlier, on top of the
    label's ``version`` of it (0: the shipped one), e.g. ``"single|artwork|5|0"``."""

    playbook: str
    key: str
    earlier: int
    version: int

    def encode(self) -> str:
        return f"{self.playbook}|{self.key}|{self.earlier}|{self.version}"

    @classmethod
    def decode(cls, value: str) -> SuggestionValue:
        """ValueError for a value no Apply button of ours carries."""
        playbook, key, earlier, version = value.split("|")
        if not playbook or not key or not 0 < int(earlier) <= 60 or int(version) < 0:
            raise ValueError(value)
        return cls(playbook, key, int(earlier), int(version))
