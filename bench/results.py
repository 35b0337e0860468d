"""bench/RESULTS.md holds the bench's figures and, in a section of its own, the simulation's: each tool
rewrites its part and keeps the other's."""

from __future__ import annotations

from pathlib import Path

BEGIN = "<!-- simulation: written by python -m bench.simulate -->"
END = "<!-- /simulation -->"


def write_simulation(path: Path, section: str) -> None:
    """Put ``section`` in place of the simulation section in ``path``, or after what it holds."""
    rest, _section = _split(path)
    path.write_text((rest.rstrip("\n") + "\n\n" if rest.strip() else "") + f"{BEGIN}\n{section.strip()}\n{END}\n")


def write_bench(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in place of all but its simulation section, which stays at the end."""
    _rest, section = _split(path)
    path.write_text(text.rstrip("\n") + "\n" + (f"\n{section}\n" if section else ""))


def _split(path: Path) -> tuple[str, str]:
    """What ``path`` holds besides its simulation section, and the section (markers included) or ''."""
    text = path.read_text() if path.exists() else ""
    if BEGIN not in text or END not in text:
        return text, ""
    begin, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:begin] + text[end:].lstrip("\n"), text[begin:end]
