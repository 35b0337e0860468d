"""The answer in a deliverable's thread to what was shared there: each file's (or the codes') verdict, and a
Done button when everything passed."""

from __future__ import annotations

from collections.abc import Sequence

from messages.ids import ActionId
from messages.render import Message, actions, button, section, words
from storage.models import Deliverable


def checked(d: Deliverable, verdicts: Sequence, *, can_finish: bool, lang: str = "en") -> Message:
    """``verdicts``: bot.release.file_checks.Verdict, one per file (or for the message's codes)."""
    w = words("files", lang)
    passed = all(v.passed for v in verdicts)
    blocks = [section(str(w.answer(d, verdicts, passed, can_finish)).strip())]
    if passed and can_finish:
        blocks.append(actions([button(str(words("checklist", lang).done_button()), ActionId.DONE, str(d.id))]))
    return Message(text=str(w.fallback(d, passed)), blocks=blocks)
