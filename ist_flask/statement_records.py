"""One statement of the statement file: its record, and the checks of its
fields that turn a parsed JSON object into one (or into problem lines).
statement_file.py reads whole files with these. No Flask here."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .content import (
    PUBLISHED,
    STATUSES,
    TextLimits,
    clean_text,
    is_valid_slug,
    publishable,
    sanitise,
)
from .group_records import parse_keys
from .images import (
    ALT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    CREDIT_MAX_LENGTH,
    DEFAULT_MAX_BYTES,
    CleanImage,
    ImageRefused,
    imported_original,
)

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
    # Slugs it had before, whose addresses still lead to it (301), oldest first.
    old_slugs: tuple[str, ...] = ()
    # What the statement's lead image says in this language.
    image_alt: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None

    def given_slugs(self) -> list[tuple[bool, str]]:
        """The slugs it gives, each no other translation in its language may
        have: its own, then its old ones (True)."""
        return ([(False, self.slug)] if self.slug else []) + [(True, s) for s in self.old_slugs]


@dataclass(frozen=True)
class StatementRecord:
    published: datetime
    original: str
    translations: tuple[TranslationRecord, ...]
    status: str = PUBLISHED
    # Its topics' keys and its signatories' slugs (group_records.py).
    topics: tuple[str, ...] = ()
    signatories: tuple[str, ...] = ()
    # The lead image's original, without metadata (its renditions are made
    # again on import, always the same from the same original).
    image: CleanImage | None = None


class StatementFileError(ValueError):
    """A file that cannot be imported; ``problems`` says where and why, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = shown + ([f"... and {more} more problem{'s' if more > 1 else ''}"] if more else [])
        super().__init__("\n".join(lines))


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 time with a zone, as UTC; None when ``value`` is not one, or
    lies outside the publication times the site accepts (years 1 to 9998)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return None
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 9999-12-31T23:00-05:00 is in year 10000
        return None
    return moment if publishable(moment) else None


def format_datetime(moment: datetime) -> str:
    """The file's form of a time: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def describe_where(
    number: int, record: StatementRecord | None = None, title: str | None = None
) -> str:
    title = title or (record.translations[0].title if record and record.translations else None)
    return f'statement {number} ("{title}")' if title else f"statement {number}"


def parse_statement(
    number: int,
    item: Any,
    languages: Sequence[str],
    problems: list[str],
    limits: TextLimits,
    clean: bool,
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
    where = describe_where(number, title=first_title)
    before = len(problems)

    published = parse_datetime(item.get("published"))
    if published is None:
        problems.append(
            f"{where}: published: {item.get('published')!r} is not a date and time "
            'with a zone between the years 1 and 9998, such as "2021-07-13T00:00:00Z"'
        )
    if not isinstance(translations_in, dict) or not translations_in:
        problems.append(f"{where}: translations: must be an object with at least one language")
        return None

    translations: list[TranslationRecord] = []
    for language, fields in translations_in.items():
        translation = parse_translation(where, language, fields, languages, problems, limits, clean)
        if translation is not None:
            translations.append(translation)

    original = item.get("original", next(iter(translations_in)))
    if original not in translations_in:
        problems.append(f"{where}: original: {original!r} is not one of its translations")
    status = item.get("status", PUBLISHED)
    if status not in STATUSES:
        problems.append(f"{where}: status: {status!r} must be one of {', '.join(STATUSES)}")
    topics = parse_keys(f"{where}: topics", item.get("topics"), problems)
    signatories = parse_keys(f"{where}: signatories", item.get("signatories"), problems)
    image = parse_image(where, item.get("image"), problems)
    given = {t.language: t for t in translations}
    if image is not None and original in given and not given[original].image_alt:
        problems.append(f"{where}: translations.{original}.image_alt: the image needs alt text")
    if len(problems) > before or published is None:
        return None
    return StatementRecord(
        published, original, tuple(translations), status, topics, signatories, image
    )


def parse_image(where: str, value: Any, problems: list[str]) -> CleanImage | None:
    """A statement's "image": {"media_type": ..., "data": base64 of the original}."""
    if value is None:
        return None
    data = value.get("data") if isinstance(value, dict) else None
    try:
        raw = base64.b64decode(data, validate=True) if isinstance(data, str) else None
    except binascii.Error:
        raw = None
    if raw is None:
        problems.append(f'{where}: image: must be an object with "data" in base64')
        return None
    try:
        return imported_original(raw, DEFAULT_MAX_BYTES)
    except ImageRefused as refused:
        problems.append(f"{where}: image: not a usable JPEG, PNG or WebP image ({refused})")
        return None


def parse_translation(
    where: str,
    language: Any,
    fields: Any,
    languages: Sequence[str],
    problems: list[str],
    limits: TextLimits,
    clean: bool,
) -> TranslationRecord | None:
    field = f"{where}: translations.{language}"
    if language not in languages:
        problems.append(f"{field}: unknown language code; known: {', '.join(languages)}")
        return None
    if not isinstance(fields, dict):
        problems.append(f"{field}: must be an object")
        return None
    before = len(problems)
    # Control characters go first, so that every check below sees the stored text.
    fields = {
        name: clean_text(value) if isinstance(value, str) else value
        for name, value in fields.items()
    }
    title = fields.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{field}.title: missing or empty")
    slug = fields.get("slug")
    if isinstance(slug, str):
        slug = slug.strip()
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
            problems.append(
                f"{field}.updated: {fields['updated']!r} is not a date and time "
                "with a zone between the years 1 and 9998"
            )
    markdown = fields.get("markdown")
    if markdown is not None and not isinstance(markdown, str):
        problems.append(f"{field}.markdown: must be text or null")
    old_slugs = fields.get("old_slugs", [])
    if not isinstance(old_slugs, list) or not all(
        isinstance(old, str) and is_valid_slug(old.strip()) and len(old.strip()) <= limits.slug
        for old in old_slugs
    ):
        problems.append(
            f"{field}.old_slugs: must be a list of slugs (lower-case letters and digits "
            "joined by hyphens)"
        )
        old_slugs = []
    old_slugs = [old.strip() for old in old_slugs]
    image_texts = {
        name: fields.get(name) for name in ("image_alt", "image_caption", "image_credit")
    }
    for name, value in image_texts.items():
        if value is not None and not isinstance(value, str):
            problems.append(f"{field}.{name}: must be text or null")
    if len(set(old_slugs)) != len(old_slugs) or (slug is not None and slug in old_slugs):
        problems.append(f"{field}.old_slugs: a slug is given twice")
    for name, value, limit, setting in (
        ("title", title, limits.title, "IST_TITLE_MAX_LENGTH"),
        ("slug", slug, limits.slug, "IST_SLUG_MAX_LENGTH"),
        ("summary", summary, limits.summary, "IST_SUMMARY_MAX_LENGTH"),
        ("body", body, limits.body, "IST_BODY_MAX_LENGTH"),
        ("image_alt", image_texts["image_alt"], ALT_MAX_LENGTH, "its column"),
        ("image_caption", image_texts["image_caption"], CAPTION_MAX_LENGTH, "its column"),
        ("image_credit", image_texts["image_credit"], CREDIT_MAX_LENGTH, "its column"),
    ):
        if isinstance(value, str) and len(value.strip()) > limit:
            problems.append(
                f"{field}.{name}: {len(value.strip()):,} characters, more than the "
                f"{limit:,} allowed ({setting})"
            )
    if len(problems) > before:
        return None
    assert isinstance(title, str) and isinstance(body, str)
    return TranslationRecord(
        language=language,
        title=title.strip(),
        slug=slug,
        summary=summary.strip() if isinstance(summary, str) and summary.strip() else None,
        # Checking alone skips the cleaning, the costly part of a large import.
        body=sanitise(body) if clean else body,
        updated=updated,
        markdown=markdown,
        old_slugs=tuple(old_slugs),
        **{
            name: value.strip() if isinstance(value, str) and value.strip() else None
            for name, value in image_texts.items()
        },
    )
