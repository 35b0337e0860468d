"""What a deliverable's files and codes must be for distributors to take them: the cover, the audio masters and
the ISRC and UPC/EAN codes of the metadata. Pure checks on bytes and text; the verdict is data that
messages/templates/<lang>/files.j2 words.
"""

from __future__ import annotations

import re
import struct
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

import mutagen
from mutagen.flac import FLAC
from mutagen.wave import WAVE
from PIL import Image, UnidentifiedImageError
from stdnum import ean, isrc


class Spec(StrEnum):
    COVER = "cover"
    MASTER = "master"
    CODES = "codes"


# Which deliverables have a specification, by the key the playbooks give them (bot/release/playbooks/*.toml).
SPECS = {"artwork": Spec.COVER, "master": Spec.MASTER, "metadata": Spec.CODES}

COVER_MIN_PX = 3000
COVER_FORMATS = ("JPEG", "PNG")
MASTER_BITS = (16, 24)
MASTER_MIN_RATE = 44_100
# Larger files are not fetched: no cover or master a distributor takes comes near it.
MAX_DOWNLOAD_BYTES = 2 * 1024**3
# A cover beyond this many pixels (about 9500 × 9500) is refused unread: Pillow's own guard against
# decompression bombs.
MAX_COVER_PIXELS = Image.MAX_IMAGE_PIXELS


def spec_of(key: str) -> Spec | None:
    return SPECS.get(key)


@dataclass(frozen=True)
class Finding:
    """One thing to fix (or a reason the file could not be read), by code with the facts the words need."""

    code: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """How one file or message checked: what it is (``facts``: size, format, bit depth…) and what to fix."""

    spec: Spec
    name: str
    facts: dict = field(default_factory=dict)
    problems: tuple[Finding, ...] = ()
    unreadable: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def state(self) -> str:
        return "unreadable" if self.unreadable else "passed" if self.passed else "failed"


def cannot_read(spec: Spec, name: str, reason: str, **args) -> Verdict:
    """A file that could not be checked: ``reason`` is ``corrupt``, ``too_big`` or ``download_failed``."""
    return Verdict(spec, name, problems=(Finding(reason, args),), unreadable=True)


def check_cover(name: str, stream: IO[bytes]) -> Verdict:
    """At least 3000 × 3000 px, square, RGB, JPEG or PNG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked just below
            image = Image.open(stream)
        with image:
            width, height = image.size
            if width * height > MAX_COVER_PIXELS:
                return cannot_read(Spec.COVER, name, "too_big_image", width=width, height=height)
            image.verify()
            facts = {"format": image.format, "mode": image.mode, "width": width, "height": height}
    except Image.DecompressionBombError:
        return cannot_read(Spec.COVER, name, "too_big")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        return cannot_read(Spec.COVER, name, "corrupt")
    problems = []
    if facts["format"] not in COVER_FORMATS:
        problems.append(Finding("cover_format", {"format": facts["format"]}))
    if min(width, height) < COVER_MIN_PX:
        problems.append(Finding("cover_small", {"width": width, "height": height, "least": COVER_MIN_PX}))
    if width != height:
        problems.append(Finding("cover_not_square", {"width": width, "height": height}))
    if facts["mode"] == "CMYK":
        problems.append(Finding("cover_cmyk"))
    elif facts["mode"] != "RGB":
        problems.append(Finding("cover_mode", {"mode": facts["mode"]}))
    return Verdict(Spec.COVER, name, facts, tuple(problems))


def check_master(name: str, stream: IO[bytes], *, release_bits: set[int]) -> Verdict:
    """WAV or FLAC, 16 or 24 bit, 44.1 kHz or more, stereo, and the bit depth of the release's other masters
    (``release_bits``: theirs, empty for the first)."""
    try:
        audio = mutagen.File(stream)
    except (mutagen.MutagenError, OSError, ValueError, EOFError, struct.error):
        return cannot_read(Spec.MASTER, name, "corrupt")
    if audio is None:
        return cannot_read(Spec.MASTER, name, "corrupt")
    if not isinstance(audio, WAVE | FLAC):
        return Verdict(Spec.MASTER, name, {"format": type(audio).__name__}, (Finding("master_format"),))
    info = audio.info
    facts = {
        "format": "WAV" if isinstance(audio, WAVE) else "FLAC",
        "bits": int(info.bits_per_sample),
        "rate": int(info.sample_rate),
        "channels": int(info.channels),
    }
    problems = []
    if facts["bits"] not in MASTER_BITS:
        problems.append(Finding("master_bits", {"bits": facts["bits"]}))
    if facts["rate"] < MASTER_MIN_RATE:
        problems.append(Finding("master_rate", {"rate": facts["rate"]}))
    if facts["channels"] != 2:
        problems.append(Finding("master_channels", {"channels": facts["channels"]}))
    others = sorted(release_bits - {facts["bits"]})
    if others:
        problems.append(Finding("master_bits_differ", {"bits": facts["bits"], "others": others}))
    return Verdict(Spec.MASTER, name, facts, tuple(problems))


ISRC_LABELLED = re.compile(r"\bISRC\s*[:=#]?\s*([A-Z0-9][A-Z0-9-]*)", re.IGNORECASE)
ISRC_SHAPED = re.compile(r"\b[A-Z]{2}-?[A-Z0-9]{3}-?\d{2}-?\d{5}\b")
BARCODE_LABELLED = re.compile(r"\b(?:UPC|EAN)\s*[:=#]?\s*(\d[\d -]*\d)", re.IGNORECASE)
BARCODE_SHAPED = re.compile(r"(?<![\d-])\d{12,14}(?![\d-])")


def codes_in(text: str) -> tuple[list[str], list[str]]:
    """The ISRCs and UPC/EAN barcodes a message names: labelled ones (``ISRC: …``, ``UPC …``) however they are
    written, and bare ones shaped like a code."""
    found_isrc = [m.group(1) for m in ISRC_LABELLED.finditer(text)] + ISRC_SHAPED.findall(text)
    found_barcodes = [m.group(1) for m in BARCODE_LABELLED.finditer(text)] + BARCODE_SHAPED.findall(text)
    return _unique(found_isrc, isrc.compact), _unique(found_barcodes, ean.compact)


def _unique(codes: list[str], compact) -> list[str]:
    seen: dict[str, None] = {}
    for code in codes:
        seen.setdefault(compact(code).upper(), None)
    return list(seen)


def _barcode(code: str) -> bool:
    """A UPC-A (12 digits) or EAN-13 with its check digit right."""
    return len(code) in (12, 13) and ean.is_valid(code)


def check_codes(text: str) -> Verdict | None:
    """Every ISRC and UPC/EAN in ``text`` checked (their check digits and form); None when it names none."""
    isrcs, barcodes = codes_in(text)
    if not isrcs and not barcodes:
        return None
    problems = [Finding("bad_isrc", {"code": code}) for code in isrcs if not isrc.is_valid(code)]
    problems += [Finding("bad_barcode", {"code": code}) for code in barcodes if not _barcode(code)]
    facts = {"isrc": isrcs, "barcodes": barcodes}
    return Verdict(Spec.CODES, "", facts, tuple(problems))
