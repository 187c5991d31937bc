"""PO files (gettext), for translators whose tool is Poedit, Weblate or Lokalize.

One entry a unit: msgctxt "statement/12 b3" says which, msgid is the
original's words, msgstr the translation. Inline codes are short tags a PO
editor checks like markup: <g1>…</g1> around words, <x2/> alone. A unit
whose target came from machine pre-fill is "fuzzy". Written and read with polib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polib

from .translation_files import (
    StatementRead,
    StatementToTranslate,
    TranslationFileError,
    UnitRead,
    statement_id_of,
    statement_reference,
)
from .translation_units import Close, Open, Part, Segment, Void

_CODE = re.compile(r"<g(\d+)>|</g(\d+)>|<x(\d+)/>")


def po_text(segment: Segment) -> str:
    """``segment`` with its codes as <g1>…</g1> and <x2/>."""
    out = []
    for part in segment:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Open):
            out.append(f"<g{part.id}>")
        elif isinstance(part, Close):
            out.append(f"</g{part.id}>")
        else:
            out.append(f"<x{part.id}/>")
    return "".join(out)


def po_segment(text: str) -> Segment:
    """The segment a PO text writes, its short tags read as codes."""
    parts: list[Part] = []
    position = 0
    for found in _CODE.finditer(text):
        parts.append(text[position : found.start()])
        opened, closed, alone = found.groups()
        if opened:
            parts.append(Open(int(opened)))
        elif closed:
            parts.append(Close(int(closed)))
        else:
            parts.append(Void(int(alone)))
        position = found.end()
    parts.append(text[position:])
    return tuple(p for p in parts if p != "")


def write_po(statements: Iterable[StatementToTranslate], language: str) -> bytes:
    """A PO file of ``statements``, translated into ``language``."""
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {
        "Project-Id-Version": "ist_flask statements",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for statement in statements:
        reference = statement_reference(statement.statement_id)
        for unit in statement.units:
            target = statement.targets.get(unit.id)
            note = f"{unit.block}, from {statement.source_language}"
            if statement.outdated:
                note += "; the original was edited after this translation"
            catalog.append(
                polib.POEntry(
                    msgctxt=f"{reference} {unit.id}",
                    msgid=po_text(unit.source),
                    msgstr=po_text(target) if target is not None else "",
                    comment=note,
                )
            )
    return str(catalog).encode("utf-8")


def read_po(content: bytes, id_max: int) -> list[StatementRead]:
    """The statements and units of a PO file; TranslationFileError names
    every problem (with its line) when it cannot be read."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TranslationFileError([f"not UTF-8 (byte {error.start})"]) from None
    try:
        catalog = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as error:
        raise TranslationFileError([f"not a PO file: {error}"]) from None
    language = catalog.metadata.get("Language", "")
    problems: list[str] = []
    statements: dict[int, StatementRead] = {}
    for entry in catalog:
        if entry.obsolete:
            continue
        where = f"line {entry.linenum}"
        reference, _, unit_id = (entry.msgctxt or "").partition(" ")
        statement_id = statement_id_of(reference, id_max)
        if statement_id is None or not unit_id:
            problems.append(f"{where}: msgctxt names no statement's unit ({entry.msgctxt!r})")
            continue
        statement = statements.setdefault(
            statement_id,
            StatementRead(statement_id, language, None, f"statement {statement_id} ({where})"),
        )
        target = po_segment(entry.msgstr) if entry.msgstr else None
        statement.units.append(
            UnitRead(
                unit_id,
                po_segment(entry.msgid),
                target,
                "fuzzy" in entry.flags,
                f"statement {statement_id}, unit {unit_id!r} ({where})",
            )
        )
    if problems:
        raise TranslationFileError(problems)
    return list(statements.values())
