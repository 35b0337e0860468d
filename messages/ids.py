"""Every interactive element's action id, in one place, with the value formats they carry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActionId(StrEnum):
    SNOOZE = "snooze_deliverable"


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
