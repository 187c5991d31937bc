"""Previews end to end in Debian's Chromium: an editor makes a link, a
signed-out browser reads the draft through it, then is refused once the
editor revokes it; axe-core and the Nu HTML Checker find nothing on the
preview page or the editor's preview section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect
from preview_helpers import DRAFT_TITLE, add_unpublished, edit_path, link_urls, make_link
from servers import flask_command, running_site
from test_browser_quality import axe_violations
from test_html_validity import validate

# Slow: a real browser and the Nu HTML Checker.
pytestmark = pytest.mark.slow

DRAFT = {
    "statements": [
        {
            "published": "2024-03-01T09:00:00Z",
            "status": "draft",
            "translations": {
                "en": {"title": DRAFT_TITLE, "body": "<p>We stand with the dockers.</p>"},
                "fr": {"title": "Solidarité avec les dockers", "body": "<p>Avec eux.</p>"},
            },
        }
    ]
}


def test_a_signed_out_reader_sees_the_preview_until_it_is_revoked(
    browser: Browser, tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        flask_command(
            database_uri,
            "users",
            "create",
            "ed@example.org",
            "--password-stdin",
            stdin="a long password\n",
        )
        source = tmp_path / "draft.json"
        source.write_text(json.dumps(DRAFT), encoding="utf-8")
        flask_command(database_uri, "statements", "import", str(source))

        # bypass_csp lets the test inject axe-core; the site itself runs no inline script.
        editor = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
        editor.goto(site + "/admin/")
        editor.get_by_label("E-mail address").fill("ed@example.org")
        editor.get_by_label("Password").fill("a long password")
        editor.get_by_role("button", name="Sign in").click()
        editor.get_by_role("link", name=DRAFT_TITLE).click()
        editor.get_by_label("Days the link works").fill("2")
        editor.get_by_role("button", name="Make a preview link").click()
        expect(editor.get_by_text("Preview link made")).to_be_visible()
        address = editor.locator(".preview-link-list input[readonly]").input_value()
        assert address.startswith(site + "/preview/")
        violations = {"editor": axe_violations(editor)}

        reader = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
        reader.goto(address)
        expect(reader.get_by_role("heading", level=1)).to_have_text(DRAFT_TITLE)
        expect(reader.locator(".preview-banner")).to_contain_text("Preview")
        violations["preview"] = axe_violations(reader)
        reader.get_by_role("link", name="Français").last.click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Solidarité avec les dockers")
        assert reader.url == address + "/fr"
        violations["preview fr"] = axe_violations(reader)

        editor.get_by_role("button", name="Revoke").click()
        expect(editor.get_by_text("Preview link revoked")).to_be_visible()
        reader.reload()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Plus valable")
        expect(reader.locator("main")).to_contain_text("a expiré ou a été révoqué")
        assert "dockers" not in reader.content().lower()
        violations["refused"] = axe_violations(reader)
        editor.context.close()
        reader.context.close()
    assert {name: found for name, found in violations.items() if found} == {}


def test_the_preview_and_the_editors_section_are_valid_html(
    app: Flask, editor: FlaskClient, tmp_path: Path
) -> None:
    client = editor
    draft, scheduled = add_unpublished(app)
    pages = {}
    for language in ("en", "fr", "ar"):
        headers = {"Accept-Language": language}
        pages[f"editor, no link [{language}]"] = client.get(edit_path(draft), headers=headers)
    make_link(client, draft)
    make_link(client, scheduled)
    path = link_urls(client, draft)[0].removeprefix("http://localhost")
    scheduled_path = link_urls(client, scheduled)[0].removeprefix("http://localhost")
    reader = app.test_client()
    pages["editor, with links"] = client.get(edit_path(draft))
    pages["preview en"] = reader.get(path + "/en")
    pages["preview fr"] = reader.get(path + "/fr")
    pages["preview scheduled"] = reader.get(scheduled_path + "/en")
    pages["refused"] = reader.get("/preview/not-a-token/en")
    files = []
    for number, (name, response) in enumerate(pages.items()):
        assert response.status_code in (200, 404), name
        file = tmp_path / f"page-{number}.html"
        file.write_text(response.get_data(as_text=True), encoding="utf-8")
        files.append(file)
    names = {f"file:{file}": name for file, name in zip(files, pages, strict=True)}
    errors = [f"{names.get(m['url'], m['url'])}: {m['message']}" for m in validate(files)]
    assert errors == [], "\n".join(errors)
