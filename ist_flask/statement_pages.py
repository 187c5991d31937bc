"""A statement's page as readers see it: one template and the data around it,
for the public page (site.py) and its previews (preview_pages.py); and the
page for a statement asked for in a language it lacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template

from . import statement_queries
from .i18n import supported_languages
from .models import Translation
from .social import statement_card
from .urls import statement_path


def render_statement(
    lang: str,
    translation: Translation,
    translations: list[Translation],
    language_pages: dict[str, str],
    translation_path: Callable[[Translation], str],
    **extra: Any,
) -> str:
    """A statement's page: the one template and its data, for readers and
    for previews (preview_pages.py), which link its translations elsewhere
    (``translation_path``)."""
    return render_template(
        "statement.html",
        lang=lang,
        translation=translation,
        translations=translations,
        outdated=translation.may_be_outdated(),
        language_pages=language_pages,
        translation_path=translation_path,
        card=statement_card(translation, translations),
        **extra,
    )


def statement_page(lang: str, translation: Translation) -> str:
    """A published translation's page, linking its translations' pages."""
    translations = translation.statement.translations_in(supported_languages())
    original = translation.statement.original_translation
    language_pages = _statement_language_pages(translations, original)
    return render_statement(
        lang,
        translation,
        translations,
        language_pages,
        lambda other: statement_path(other.language, other.slug),
        hreflang_pages={t.language: language_pages[t.language] for t in translations},
        x_default=language_pages[original.language],
    )


def not_translated(lang: str, slug: str) -> tuple[str, int]:
    """A statement asked for in a language it lacks, by its slug in another:
    a page in the asked language that says so and links to the languages it
    has. Still a 404, so that no search engine files it as a page of its own;
    any other slug is a plain 404."""
    statement = statement_queries.statement_elsewhere(slug, supported_languages())
    if statement is None:
        abort(404)
    translations = statement.translations_in(supported_languages())
    original = statement.original_translation
    return render_template(
        "not_translated.html",
        lang=lang,
        translations=translations,
        original=original,
        language_pages=_statement_language_pages(translations, original),
    ), 404


def _statement_language_pages(
    translations: list[Translation], original: Translation
) -> dict[str, str]:
    """A statement's page in every language: a language it lacks leads to
    the page that says so, in that language, by the original's slug."""
    slugs = {t.language: t.slug for t in translations}
    return {
        code: statement_path(code, slugs.get(code, original.slug)) for code in supported_languages()
    }
