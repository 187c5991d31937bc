"""Every kind of page, in three languages at least, passes the Nu HTML Checker."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in
from desk_helpers import desk_path, member
from flask import Flask
from pages import PAGE_TYPES, parse
from pyotp import TOTP
from quality_tools import VNU_JAR, require
from sqlalchemy import select

from ist_flask.account_models import User
from ist_flask.extensions import db
from ist_flask.models import Statement
from ist_flask.roles import Role

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


def two_factor_pages(app: Flask) -> dict[str, str]:
    """The second step of signing in, the recovery codes, a form with an
    error and the enrolment page once two-factor sign-in is on."""
    pages = {}
    client = app.test_client()
    sign_in(client)
    page = parse(client.get("/admin/two-factor"))
    secret = page.cssselect("#totp-secret")[0].text
    token = page.cssselect("input[name=csrf_token]")[0].get("value")
    wrong = client.post("/admin/two-factor", data={"csrf_token": token, "code": "x"})
    pages["wrong enrolment code"] = wrong.get_data(as_text=True)
    codes = client.post("/admin/two-factor", data={"csrf_token": token, "code": TOTP(secret).now()})
    pages["recovery codes"] = codes.get_data(as_text=True)
    pages["two-factor on"] = client.get("/admin/two-factor").get_data(as_text=True)
    bad_account = client.post("/admin/users/new", data={"csrf_token": token, "email": "x@example.org",
                              "password": "short", "role": "translator"})  # fmt: skip
    pages["new account errors"] = bad_account.get_data(as_text=True)
    second = app.test_client()
    sign_in(second)
    pages["second step"] = second.get("/admin/login/code").get_data(as_text=True)
    token = csrf_token(second, "/admin/login/code")
    wrong = second.post("/admin/login/code", data={"csrf_token": token, "code": "12"})
    pages["second step, wrong code"] = wrong.get_data(as_text=True)
    return pages


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
        uid = db.session.execute(select(User.id)).scalars().first()
        # A statement translated at least once, for the desk.
        statement = max(
            db.session.execute(select(Statement)).scalars(), key=lambda s: len(s.translations)
        )
        present = [t.language for t in statement.translations]
        other = next(t for t in statement.translations if t.language != statement.original_language)
        # As if the original had changed since this translation was made.
        other.source_markdown = "# An older original\n\nWith a paragraph since rewritten."
        db.session.commit()
        absent = next(code for code in ("ar", "tr", "el", "ru", "de") if code not in present)
        desk_languages = [other.language, absent]
        statement_id = statement.id
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
            "/admin/two-factor",
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{uid}",
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
        # The translation desk: its queue, a translation there is and one
        # there is not, right to left, and what changed in the original.
        for path in [
            "/admin/translate",
            *(desk_path(statement_id, code) for code in desk_languages),
        ]:
            pages[f"{path} [{language}]"] = editor.get(path, headers=headers).get_data(as_text=True)
        desk = desk_path(statement_id, desk_languages[0])
        assert "<del>" in pages[f"{desk} [{language}]"]
        token = csrf_token(editor, desk)
        refused = editor.post(
            desk, data={"csrf_token": token, "title": "", "action": "publish"}, headers=headers
        )
        assert refused.status_code == 422
        pages[f"desk errors [{language}]"] = refused.get_data(as_text=True)

    # A translator's list, with its links to the desk.
    translator = member(app, "translator@example.org", Role.TRANSLATOR, ("fr", "ar"))
    pages["/admin/ [translator]"] = translator.get("/admin/").get_data(as_text=True)
    assert "desk-link" in pages["/admin/ [translator]"]

    pages.update(two_factor_pages(app))

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
