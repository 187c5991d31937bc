"""The JSON file format that `flask statements import|export` read and write.

    {"statements": [{"published": "2021-07-13T00:00:00Z", "original": "en", "status": "published",
                     "translations": {"en": {"title": "…", "slug": "…", "summary": null,
                                             "body": "<p>…</p>", "markdown": null,
                                             "updated": "…"}}}]}

Only "published", "translations" and each translation's "title" and "body" are
required; "status" is "published" unless it says "draft", and "markdown" keeps
the editor's source of the body. Parsing checks the
whole file and reports every problem before anything is written. No Flask here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .content import PUBLISHED, STATUSES, is_valid_slug, sanitise

MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class TranslationRecord:
    language: str
    title: str
    slug: str | None
    summary: str | None
    body: str
    updated: datetime | None
    markdown: str | None = None


@dataclass(frozen=True)
class StatementRecord:
    published: datetime
    original: str
    translations: tuple[TranslationRecord, ...]
    status: str = PUBLISHED


class StatementFileError(ValueError):
    """A file that cannot be imported; ``problems`` says where and why, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = shown + ([f"... and {more} more problems"] if more > 0 else [])
        super().__init__("\n".join(lines))


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 time with a zone, as UTC; None when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def format_datetime(moment: datetime) -> str:
    """The file's form of a time: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_statement_file(text: str, languages: Sequence[str]) -> list[StatementRecord]:
    """Check and read a whole import file; raise StatementFileError listing every problem.

    Bodies come back sanitised, and slugs given twice for one language are refused.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise StatementFileError([f"not valid JSON: {error}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("statements"), list):
        raise StatementFileError(['the file must be an object with a "statements" list'])

    problems: list[str] = []
    records: list[StatementRecord] = []
    seen_slugs: dict[tuple[str, str], int] = {}
    for number, item in enumerate(document["statements"], start=1):
        record = _parse_statement(number, item, languages, problems)
        if record is None:
            continue
        for translation in record.translations:
            if translation.slug is None:
                continue
            key = (translation.language, translation.slug)
            if key in seen_slugs:
                problems.append(
                    f"{_where(number, record)}: translations.{translation.language}.slug: "
                    f'"{translation.slug}" is also used by statement {seen_slugs[key]}'
                )
            else:
                seen_slugs[key] = number
        records.append(record)
    if problems:
        raise StatementFileError(problems)
    return records


def _where(number: int, record: StatementRecord | None = None, title: str | None = None) -> str:
    title = title or (record.translations[0].title if record and record.translations else None)
    return f'statement {number} ("{title}")' if title else f"statement {number}"


def _parse_statement(
    number: int, item: Any, languages: Sequence[str], problems: list[str]
) -> StatementRecord | None:
    if not isinstance(item, dict):
        problems.append(f"statement {number}: must be an object")
        return None
    translations_in = item.get("translations")
    first_title = None
    if isinstance(translations_in, dict):
        first_title = next(
            (
                t.get("title")
                for t in translations_in.values()
                if isinstance(t, dict) and isinstance(t.get("title"), str)
            ),
            None,
        )
    where = _where(number, title=first_title)
    before = len(problems)

    published = parse_datetime(item.get("published"))
    if published is None:
        problems.append(
            f"{where}: published: {item.get('published')!r} is not a date and time "
            'with a zone, such as "2021-07-13T00:00:00Z"'
        )
    if not isinstance(translations_in, dict) or not translations_in:
        problems.append(f"{where}: translations: must be an object with at least one language")
        return None

    translations: list[TranslationRecord] = []
    for language, fields in translations_in.items():
        translation = _parse_translation(where, language, fields, languages, problems)
        if translation is not None:
            translations.append(translation)

    original = item.get("original", next(iter(translations_in)))
    if original not in translations_in:
        problems.append(f"{where}: original: {original!r} is not one of its translations")
    status = item.get("status", PUBLISHED)
    if status not in STATUSES:
        problems.append(f"{where}: status: {status!r} must be one of {', '.join(STATUSES)}")
    if len(problems) > before or published is None:
        return None
    return StatementRecord(published, original, tuple(translations), status)


def _parse_translation(
    where: str, language: Any, fields: Any, languages: Sequence[str], problems: list[str]
) -> TranslationRecord | None:
    field = f"{where}: translations.{language}"
    if language not in languages:
        problems.append(f"{field}: unknown language code; known: {', '.join(languages)}")
        return None
    if not isinstance(fields, dict):
        problems.append(f"{field}: must be an object")
        return None
    before = len(problems)
    title = fields.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{field}.title: missing or empty")
    slug = fields.get("slug")
    if slug is not None and (not isinstance(slug, str) or not is_valid_slug(slug)):
        problems.append(
            f"{field}.slug: {slug!r} must be lower-case letters and digits joined by hyphens"
        )
    summary = fields.get("summary")
    if summary is not None and not isinstance(summary, str):
        problems.append(f"{field}.summary: must be text or null")
    body = fields.get("body")
    if not isinstance(body, str) or not body.strip():
        problems.append(f"{field}.body: missing or empty")
    updated = None
    if fields.get("updated") is not None:
        updated = parse_datetime(fields["updated"])
        if updated is None:
            problems.append(f"{field}.updated: {fields['updated']!r} is not a date and time")
    markdown = fields.get("markdown")
    if markdown is not None and not isinstance(markdown, str):
        problems.append(f"{field}.markdown: must be text or null")
    if len(problems) > before:
        return None
    assert isinstance(title, str) and isinstance(body, str)
    return TranslationRecord(
        language=language,
        title=title.strip(),
        slug=slug,
        summary=summary.strip() if isinstance(summary, str) and summary.strip() else None,
        body=sanitise(body),
        updated=updated,
        markdown=markdown,
    )


def dump_statement_file(records: Iterable[StatementRecord]) -> str:
    """The file for ``records``; importing it into an empty database and exporting
    again gives the same text."""
    statements = [
        {
            "published": format_datetime(record.published),
            "original": record.original,
            "status": record.status,
            "translations": {
                t.language: {
                    "title": t.title,
                    "slug": t.slug,
                    "summary": t.summary,
                    "body": t.body,
                    "markdown": t.markdown,
                    "updated": format_datetime(t.updated) if t.updated else None,
                }
                for t in record.translations
            },
        }
        for record in records
    ]
    return json.dumps({"statements": statements}, ensure_ascii=False, indent=2) + "\n"
