"""Every interactive element's action id, in one place, with the value formats they carry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActionId(StrEnum):
    SNOOZE = "snooze_deliverable"
    CLAIM = "checklist_claim"  # value: the deliverable id
    DONE = "checklist_done"  # value: the deliverable id
    BLOCK = "checklist_block"  # value: the deliverable id; opens the reason modal


class ViewId(StrEnum):
    BLOCK_REASON = "block_reason"  # private_metadata: the deliverable id


# The reason field of the block modal.
REASON_BLOCK = "reason"
REASON_INPUT = "reason_input"


@dataclass(frozen=True)
class SnoozeValue:
    """A Snooze button's value: which deliverable, for how many days (``"42:1"``)."""

    deliverable_id: int
    days: int

    def encode(self) -> str:
        return f"{self.deliverable_id}:{self.days}"

    @classmethod
    def decode(cls, value: str) -> SnoozeValue:
        deliverable, _, days = value.partition(":")
        return cls(int(deliverable), int(days))
