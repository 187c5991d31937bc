"""Statements out to translators' tools (XLIFF, PO) and their work back in.

Going out, a statement's original is cut into units (translation_units.py)
and its translation, when it has one, gives their targets. Coming back, the
whole file is checked before anything is written, as the JSON import does:
every problem is named with its statement, unit and line, and one problem
means nothing is written. Writing is translation_writing.apply_units.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .content import TextLimits
from .extensions import db
from .models import ID_MAX, Statement
from .po_format import read_po, write_po
from .translation_files import (
    PO,
    XLIFF,
    StatementRead,
    StatementToTranslate,
    TranslationFileError,
    check_size,
    file_format,
)
from .translation_targets import aligned_targets
from .translation_units import Segment, UnitError, same_source, statement_units
from .translation_writing import TranslatedTexts, translated_texts
from .xliff_format import read_xliff, write_xliff


class Choice(StrEnum):
    """Which statements an export holds."""

    ALL = "all"
    OUTDATED = "outdated"
    MISSING = "missing"


def to_translate(statement: Statement, language: str) -> StatementToTranslate:
    """``statement``'s units in its original, with its ``language`` translation's as targets."""
    original = statement.original_translation
    units = statement_units(original.title, original.summary, original.body)
    translation = statement.translation(language)
    targets: dict[str, Segment] = {}
    if translation is not None:
        own = statement_units(translation.title, translation.summary, translation.body)
        targets = aligned_targets(units, own)
    return StatementToTranslate(
        statement.id,
        original.language,
        language,
        units,
        targets,
        outdated=translation is not None and translation.may_be_outdated(),
    )


def statements_to_translate(language: str, choice: Choice) -> Iterator[StatementToTranslate]:
    """Every statement not written in ``language`` (or only those whose
    translation is out of date, or missing), newest first."""
    query = (
        select(Statement)
        .where(Statement.original_language != language)
        .options(selectinload(Statement.translations))
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        # Read a batch at a time; the units still make one file in memory.
        .execution_options(yield_per=500)
    )
    for statement in db.session.execute(query).scalars():
        translation = statement.translation(language)
        if choice is Choice.MISSING and translation is not None:
            continue
        if choice is Choice.OUTDATED and not (translation and translation.may_be_outdated()):
            continue
        if not statement.translations:
            continue
        yield to_translate(statement, language)


def written(statements: Iterable[StatementToTranslate], language: str, kind: str) -> bytes:
    """The file of ``statements`` in ``kind`` (XLIFF or PO)."""
    return write_xliff(statements) if kind == XLIFF else write_po(statements, language)


@dataclass(frozen=True)
class PlannedTranslation:
    """A translation the file gives, checked: what apply_units will write."""

    statement: Statement
    language: str
    targets: dict[str, Segment]
    texts: TranslatedTexts


@dataclass(frozen=True)
class CheckedFile:
    planned: list[PlannedTranslation]
    # Statements in the file with no unit translated: left alone.
    untouched: list[int]


def read_file(content: bytes, max_bytes: int, kind: str | None = None) -> list[StatementRead]:
    """The statements of an XLIFF or PO file (``kind``, or whichever it
    looks like), after its size is checked."""
    check_size(content, max_bytes)
    found = file_format(content)
    if kind is not None and found != kind:
        raise TranslationFileError([f"this is not a{'n XLIFF' if kind == XLIFF else ' PO'} file"])
    if found == PO:
        return read_po(content, ID_MAX)
    return read_xliff(content, ID_MAX)


def check_file(
    statements: list[StatementRead],
    supported: Sequence[str],
    limits: TextLimits,
    *,
    accept_unreviewed: bool = False,
    language: str | None = None,
    statement_id: int | None = None,
) -> CheckedFile:
    """Check every unit of the file against the database; TranslationFileError
    lists every problem. ``language`` and ``statement_id``: the only ones the
    file may hold (the editor's upload for one statement)."""
    problems: list[str] = []
    planned: list[PlannedTranslation] = []
    untouched: list[int] = []
    seen: set[tuple[int, str]] = set()
    if not statements:
        problems.append("the file holds no statement")
    for read in statements:
        key = (read.statement_id, read.target_language)
        if key in seen:
            problems.append(f"{read.where}: the statement is in the file twice")
            continue
        seen.add(key)
        found = _check_statement(read, supported, limits, accept_unreviewed, language, statement_id)
        if isinstance(found, list):
            problems.extend(found)
        elif found is None:
            untouched.append(read.statement_id)
        else:
            planned.append(found)
    if problems:
        raise TranslationFileError(problems)
    return CheckedFile(planned, untouched)


def _check_statement(
    read: StatementRead,
    supported: Sequence[str],
    limits: TextLimits,
    accept_unreviewed: bool,
    language: str | None,
    statement_id: int | None,
) -> PlannedTranslation | list[str] | None:
    where = read.where
    if statement_id is not None and read.statement_id != statement_id:
        return [f"{where}: this page takes the file of statement {statement_id} only"]
    if language is not None and read.target_language != language:
        return [
            f"{where}: the file is for {read.target_language or 'no language'!r}, not {language!r}"
        ]
    if read.target_language not in supported:
        return [f"{where}: {read.target_language or 'no language'!r} is not a supported language"]
    statement = db.session.get(Statement, read.statement_id)
    if statement is None or not statement.translations:
        return [f"{where}: there is no such statement"]
    if read.target_language == statement.original_language:
        return [f"{where}: {read.target_language!r} is the statement's original language"]
    original = statement.original_translation
    # The language the export's sources came from (the original, or the
    # translation that stands for it when the original is missing).
    if read.source_language and read.source_language != original.language:
        return [
            f"{where}: its source is {read.source_language!r}, but the statement's "
            f"original is in {original.language!r}"
        ]
    units = {u.id: u for u in statement_units(original.title, original.summary, original.body)}
    problems: list[str] = []
    targets: dict[str, Segment] = {}
    ids: set[str] = set()
    for unit in read.units:
        current = units.get(unit.id)
        if unit.id in ids:
            problems.append(f"{unit.where}: the unit is in the file twice")
        ids.add(unit.id)
        if current is None:
            problems.append(f"{unit.where}: the original has no such unit any more; export again")
        elif not same_source(unit.source, current.source):
            problems.append(
                f"{unit.where}: its source no longer matches the original; export again"
            )
        elif unit.target is not None:
            if unit.unreviewed and not accept_unreviewed:
                problems.append(
                    f"{unit.where}: marked as needing review (machine pre-fill); review it "
                    "first, or import with --accept-unreviewed"
                )
            targets[unit.id] = unit.target
    if problems:
        return problems
    if not targets:
        return None
    try:
        texts = translated_texts(original, list(units.values()), targets, limits)
    except UnitError as error:
        return [f"{where}: {problem}" for problem in error.args[0]]
    return PlannedTranslation(statement, read.target_language, targets, texts)
