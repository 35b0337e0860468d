"""Finding the deliverable a person means: by key, name, or an unambiguous prefix."""

from __future__ import annotations

import difflib

from bot.release.parser import Ref
from bot.release.refusals import UserError
from storage.models import Deliverable


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _candidates(text: str, deliverables: list[Deliverable]) -> list[Deliverable]:
    wanted = _norm(text)
    for exact in (
        [d for d in deliverables if d.key.casefold() == wanted],
        [d for d in deliverables if _norm(d.name) == wanted],
    ):
        if exact:
            return exact
    prefixed = [d for d in deliverables if d.key.casefold().startswith(wanted) or _norm(d.name).startswith(wanted)]
    if prefixed:
        return prefixed
    return [d for d in deliverables if wanted in _norm(d.name)]


def resolve(text: str, deliverables: list[Deliverable]) -> Deliverable:
    """The single deliverable ``text`` names, or a UserError that suggests or lists candidates."""
    if not text.strip():
        raise UserError("which_deliverable")
    found = _candidates(text, deliverables)
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError("ambiguous", text=text, matches=found)
    names = {d.key: d for d in deliverables} | {_norm(d.name): d for d in deliverables}
    close = difflib.get_close_matches(_norm(text), list(names), n=1, cutoff=0.5)
    raise UserError("no_such_deliverable", text=text, suggestion=names[close[0]] if close else None)


def resolve_ref(ref: Ref, deliverables: list[Deliverable]) -> Deliverable:
    return resolve(ref.text, deliverables)


def resolve_leading(ref: Ref, tail: str, deliverables: list[Deliverable]) -> tuple[Deliverable, str]:
    """For ``block artwork final cover late``: take the longest run of leading words naming one deliverable.

    An explicit (quoted or colon-separated) reference is taken as it is.
    """
    if ref.explicit:
        return resolve_ref(ref, deliverables), tail
    words = [*ref.words, *tail.split()]
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        exact = [d for d in deliverables if d.key.casefold() == head.casefold() or _norm(d.name) == _norm(head)]
        if len(exact) == 1:
            return exact[0], " ".join(words[cut:])
    return resolve_ref(ref, deliverables), tail
