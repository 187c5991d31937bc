"""Every kind of page, in three languages at least, passes the Nu HTML Checker."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in
from flask import Flask
from pages import PAGE_TYPES
from quality_tools import VNU_JAR, require
from sqlalchemy import select

from ist_flask.extensions import db
from ist_flask.models import Statement

# Slow: the Nu HTML Checker, on Java. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

PUBLIC = [
    ("/", "en"),
    ("/", "fr"),
    ("/", "ru"),
    ("/fr/", None),
    ("/es/", None),
    ("/el/", None),
    ("/en/statements/release-frank-garcia-hernandez-and-his-comrades", None),
    ("/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades", None),
    ("/es/statements/liberar-a-frank-garcia-hernandez-y-a-sus-companeros", None),
    ("/about", "en"),
    ("/fr/about", None),
    ("/tr/about", None),
    ("/archive", "en"),
    ("/archive/2021/07", "de"),
    ("/fr/archive/2021/07", None),
    ("/es/archive", None),
    ("/no-such-page", "en"),
    ("/no-such-page", "fr"),
    ("/no-such-page", "el"),
    ("/en/statements/no-such-statement", None),
    ("/de/statements/release-frank-garcia-hernandez-and-his-comrades", None),
    ("/de/", None),
    ("/search?q=garcia", "en"),
    ("/fr/search?q=garcia", None),
    ("/ru/search?q=", None),
    ("/search?q=nothing-matches-this", "el"),
]
# Every page type the quality tests share (tests/pages.py), in its URL's language.
# Light and dark mode are the same HTML: the stylesheet alone tells them apart.
PUBLIC += [(page.path, None) for page in PAGE_TYPES.values() if (page.path, None) not in PUBLIC]
EDITOR_LANGUAGES = ["en", "fr", "de"]


def validate(files: list[Path]) -> list[dict]:
    """The Nu HTML Checker's errors for ``files``, run once for all of them."""
    result = subprocess.run(
        ["java", "-jar", str(require(VNU_JAR)), "--format", "json", "--errors-only", "--stdout",
         *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return [m for m in json.loads(result.stdout)["messages"] if m["type"] == "error"]


def test_every_kind_of_page_is_valid_html(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    pages: dict[str, str] = {}
    for path, language in PUBLIC:
        headers = {"Accept-Language": language} if language else {}
        pages[f"{path} [{language or 'url'}]"] = client.get(path, headers=headers).get_data(
            as_text=True
        )

    make_maintainer(app)
    with app.app_context():
        sid = db.session.execute(select(Statement.id)).scalars().first()
    for language in EDITOR_LANGUAGES:
        editor = app.test_client()
        headers = {"Accept-Language": language}
        pages[f"login [{language}]"] = editor.get("/admin/login", headers=headers).get_data(
            as_text=True
        )
        sign_in(editor)
        for path in (
            "/admin/",
            "/admin/?q=Frank",
            "/admin/statements/new",
            f"/admin/statements/{sid}/edit",
            f"/admin/statements/{sid}/delete",
            f"/admin/statements/{sid}/translation-files",
        ):
            pages[f"{path} [{language}]"] = editor.get(path, headers=headers).get_data(as_text=True)
        # A preview and a form with errors, as the editor shows them after a POST.
        form = {"csrf_token": csrf_token(editor, "/admin/statements/new"), "published_at": "2024-01-01T10:00",
                "status": "draft", "original_language": "en", "translation_en-title": "T",
                "translation_en-body": "Some *text*.", "action": "preview"}  # fmt: skip
        pages[f"preview [{language}]"] = editor.post(
            "/admin/statements/new", data=form, headers=headers
        ).get_data(as_text=True)
        form["translation_en-title"] = ""
        pages[f"errors [{language}]"] = editor.post(
            "/admin/statements/new", data=form, headers=headers
        ).get_data(as_text=True)
        # A translation file refused, with its problems listed.
        refused = {"csrf_token": form["csrf_token"], "fr-file": (io.BytesIO(b"<xliff/>"), "t.xlf")}
        pages[f"file refused [{language}]"] = editor.post(
            f"/admin/statements/{sid}/translation-files/fr", data=refused, headers=headers
        ).get_data(as_text=True)

    files = []
    for number, html in enumerate(pages.values()):
        file = tmp_path / f"page-{number}.html"
        file.write_text(html, encoding="utf-8")
        files.append(file)
    names = {f"file:{file}": name for file, name in zip(files, pages, strict=True)}
    errors = [
        f"{names.get(m['url'], m['url'])}: line {m.get('lastLine')}: {m['message']}"
        for m in validate(files)
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) >= 40
