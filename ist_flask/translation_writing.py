"""Writing translated units into a statement: the one way XLIFF and PO
imports (the command and the editor's upload) change a translation."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from . import announcements, jobs, roles
from .account_models import User
from .caching import content_changed
from .content import TextLimits, clean_text, sanitise
from .desk_models import DraftTranslation
from .desk_saving import current_source, draft_of
from .editing import free_slug
from .extensions import db
from .models import Statement, Translation
from .translation_targets import check_target, rebuilt_body
from .translation_units import SUMMARY, TITLE, Segment, Unit, UnitError, statement_units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslatedTexts:
    """What a translation's units make: its title, summary and (sanitised) body."""

    title: str
    summary: str | None
    body: str


def _plain(unit_id: str, target: Segment, problems: list[str]) -> str:
    if any(not isinstance(part, str) for part in target):
        problems.append(f"unit {unit_id!r}: a title or summary holds no codes")
    return " ".join(clean_text("".join(p for p in target if isinstance(p, str))).split())


def translated_texts(
    original: Translation, units: Sequence[Unit], targets: Mapping[str, Segment], limits: TextLimits
) -> TranslatedTexts:
    """The texts ``targets`` make from ``original``'s ``units``; UnitError
    (its first argument a list) names each unit left untranslated or wrong."""
    problems: list[str] = []
    for unit in units:
        target = targets.get(unit.id)
        if target is None:
            problems.append(f"unit {unit.id!r} has no translation")
            continue
        problems += [f"unit {unit.id!r}: {p}" for p in check_target(unit, target)]
    if problems:
        raise UnitError(problems)
    title = _plain(TITLE, targets[TITLE], problems)
    summary = _plain(SUMMARY, targets[SUMMARY], problems) if SUMMARY in targets else None
    cleaned = {
        key: tuple(clean_text(p) if isinstance(p, str) else p for p in segment)
        for key, segment in targets.items()
    }
    body_units = [u for u in units if u.id not in (TITLE, SUMMARY)]
    body = sanitise(rebuilt_body(original.body, cleaned, body_units))
    if not title:
        problems.append(f"unit {TITLE!r}: the title is empty")
    if len(title) > limits.title:
        problems.append(f"unit {TITLE!r}: the title is longer than {limits.title} characters")
    if summary is not None and len(summary) > limits.summary:
        problems.append(f"unit {SUMMARY!r}: longer than {limits.summary} characters")
    if len(body) > limits.body:
        problems.append(f"the body is longer than {limits.body} characters")
    if problems:
        raise UnitError(problems)
    return TranslatedTexts(title, summary or None, body)


def apply_units(
    statement: Statement,
    language: str,
    targets: Mapping[str, Segment],
    author: User | None,
    limits: TextLimits,
) -> bool:
    """Write the translated units ``targets`` as ``statement``'s translation
    into ``language``, creating it when missing; whether its words changed.

    THE single write path for translated units: the XLIFF/PO command and the
    editor's upload both come here, and so must any other way in (the
    translation desk's drafts are meant to be routed here when merged). It
    writes as the editor does: the statement's version rises, so an editor
    page open on the old one is refused instead of overwriting this; a new
    translation's slug is made from its title and numbered past the slugs
    other statements have or had (editing.free_slug); the excerpt and search
    words come from the model's events. ``author`` (None: the command line)
    must be allowed to translate into ``language`` (roles.may_translate);
    nobody writes the original language this way. Part of the caller's
    transaction: finish_imports commits and tells caches and channels.
    Units that change no word write nothing, not even the version. A
    translator who may not publish (roles.may_publish_translation) gets the
    units as their draft at the translation desk instead, and False: nothing
    readers see changed.
    Raises UnitError when the units do not make a translation.
    """
    if language == statement.original_language:
        raise PermissionError(f"{language} is the statement's original language")
    if author is not None and not roles.may_translate(author, language):
        raise PermissionError(f"{author.email} may not translate into {language}")
    original = statement.original_translation
    units = statement_units(original.title, original.summary, original.body)
    texts = translated_texts(original, units, targets, limits)
    if author is not None and not roles.may_publish_translation(author, language):
        _keep_as_draft(statement, language, texts, author)
        return False
    translation = statement.translation(language)
    if translation is not None and (translation.title, translation.summary, translation.body) == (
        texts.title,
        texts.summary,
        texts.body,
    ):
        # Nothing to write: the editor's Markdown and its open pages stay as they are.
        return False
    now = datetime.now(UTC)
    statement.version = statement.version + 1
    # Made from the original as it is now (the file's sources were checked
    # against it): current, as the desk would mark it.
    made_from = current_source(statement)
    log.info(
        "translated units of statement %s into %s written by %s",
        statement.id,
        language,
        author.email if author is not None else "the command line",
    )
    if translation is None:
        statement.translations.append(
            Translation(
                language=language,
                title=texts.title,
                slug=free_slug(language, texts.title, statement.id, limits.slug),
                summary=texts.summary,
                body=texts.body,
                body_source=None,
                updated_at=now,
                source_markdown=made_from,
            )
        )
        db.session.flush()
        return True
    translation.title = texts.title
    translation.summary = texts.summary
    # The editor shows HTML where there is no Markdown; Markdown keeps HTML as it is.
    translation.body = texts.body
    translation.body_source = None
    # Feeds and the out-of-date check read this time.
    translation.updated_at = now
    translation.source_markdown = made_from
    # An editor's or translator's form open on the old text is refused
    # (conflicts are per translation: edit_versions.py).
    translation.version = translation.version + 1
    db.session.flush()
    return True


def _keep_as_draft(
    statement: Statement, language: str, texts: TranslatedTexts, author: User
) -> None:
    """A translator who may not publish: the units become their draft at the
    desk, beside any published translation, for an editor to publish there."""
    draft = draft_of(statement, language)
    if draft is None:
        published = statement.translation(language)
        draft = DraftTranslation(
            statement_id=statement.id,
            language=language,
            version=1,
            slug=published.slug if published is not None else "",
            source_markdown=current_source(statement),
        )
        db.session.add(draft)
    else:
        # A desk form open on the old draft is refused.
        draft.version = draft.version + 1
        draft.source_markdown = current_source(statement)
    draft.title = texts.title
    draft.summary = texts.summary or ""
    # The desk shows HTML where there is no Markdown, as the editor does.
    draft.markdown = texts.body
    draft.author = author
    draft.needs_review = False
    draft.updated_at = datetime.now(UTC)
    db.session.flush()


def finish_imports(changed: Mapping[int, Sequence[str]]) -> None:
    """Commit what apply_units wrote, then tell this process's caches and the
    channels (feeds' subscribers, the fediverse), as the editor's save does.
    ``changed``: by statement id, the languages whose words changed."""
    db.session.commit()
    content_changed()
    now = datetime.now(UTC)
    for statement_id, languages in changed.items():
        jobs.fan_out_later(announcements.after_save(statement_id, languages, now))
