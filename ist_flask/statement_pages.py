"""A statement's page as readers see it: one template and the data around it,
for the public page (site.py) and its previews (preview_pages.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template

from .models import Translation
from .social import statement_card


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
