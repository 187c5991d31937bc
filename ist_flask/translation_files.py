"""What XLIFF and PO files carry, whichever the format: statements to
translate going out, translated units coming back, and the problems found
reading them. The formats themselves are in xliff_format.py and po_format.py.

Nothing here imports Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .translation_units import Segment, Unit

XLIFF = "xliff"
PO = "po"
FORMATS = (XLIFF, PO)
MEDIA_TYPES = {XLIFF: "application/x-xliff+xml", PO: "text/x-gettext-translation"}
SUFFIXES = {XLIFF: "xlf", PO: "po"}


@dataclass(frozen=True)
class StatementToTranslate:
    """One statement going out: the original's units, and the targets the
    translation already has (aligned_targets)."""

    statement_id: int
    source_language: str
    target_language: str
    units: list[Unit]
    targets: dict[str, Segment]
    outdated: bool = False


@dataclass(frozen=True)
class UnitRead:
    """One unit of a file coming back; ``where`` names it for messages."""

    id: str
    source: Segment
    target: Segment | None
    unreviewed: bool
    where: str


@dataclass
class StatementRead:
    """One statement's units in a file coming back."""

    statement_id: int
    target_language: str
    # None when the format does not say (PO: one source language a unit).
    source_language: str | None
    where: str
    units: list[UnitRead] = field(default_factory=list)


class TranslationFileError(ValueError):
    """A file that was not imported, with every problem found in it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def file_format(content: bytes) -> str:
    """XLIFF or PO, by what the file begins with (XML or not)."""
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return XLIFF if start == b"<" else PO


def statement_reference(statement_id: int) -> str:
    """How a file names a statement: XLIFF's file/@original, PO's msgctxt prefix."""
    return f"statement/{statement_id}"


def statement_id_of(reference: str, id_max: int) -> int | None:
    """The id in a statement's reference, or None when it names none."""
    prefix, _, number = reference.partition("/")
    if prefix != "statement" or not number.isdecimal() or not 0 < int(number) <= id_max:
        return None
    return int(number)


def check_size(content: bytes, max_bytes: int) -> None:
    """Refuse a file larger than IST_TRANSLATION_FILE_MAX_BYTES before reading it."""
    if len(content) > max_bytes:
        raise TranslationFileError(
            [f"the file is {len(content):,} bytes; the largest accepted is {max_bytes:,}"]
        )
