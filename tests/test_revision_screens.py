"""The revision and audit screens in a real browser and the Nu HTML Checker:
an admin restores an old revision end to end; vnu and axe find nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from admin_helpers import make_maintainer, sign_in
from flask import Flask
from playwright.sync_api import Browser, expect
from revision_helpers import edited, kept, restore, written
from servers import flask_command
from test_browser_quality import axe_violations, open_page
from test_html_validity import validate

# Slow: a real browser, and the Nu HTML Checker on Java.
pytestmark = pytest.mark.slow


def test_an_admin_restores_a_revision_in_the_browser(
    browser: Browser, site: str, database_uri: str
) -> None:
    flask_command(
        database_uri, "users", "create", "ed@example.org", "--password-stdin",
        stdin="a long password\n",
    )  # fmt: skip
    page = open_page(browser, site + "/admin/login", locale="en-GB")
    page.get_by_label("E-mail address").fill("ed@example.org")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Sign in").click()
    found = {}

    page.goto(site + "/admin/statements/1/edit")
    english = page.locator("details.translation-section").nth(0)
    old_title = english.get_by_label("Title").input_value()
    slug = english.get_by_label("Slug").input_value()
    english.get_by_label("Title").fill("A title changed by mistake")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    _expect_public_title(browser, f"{site}/en/statements/{slug}", "A title changed by mistake")

    page.goto(site + "/admin/statements/1/edit")
    page.get_by_role("link", name="Revisions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revisions of")
    found["revisions"] = axe_violations(page)
    page.get_by_role("button", name="Compare").click()
    title_change = page.locator("dd").first
    expect(title_change.locator("del").last).to_contain_text(old_title.split()[-1])
    expect(title_change.locator("ins").last).to_contain_text("mistake")
    found["compare"] = axe_violations(page)
    page.get_by_role("button", name="Restore the revision of").click()
    expect(page.get_by_text("was restored")).to_be_visible()

    _expect_public_title(browser, f"{site}/en/statements/{slug}", old_title)
    for path in ("/admin/statements/deleted", "/admin/audit"):
        page.goto(site + path)
        found[path] = axe_violations(page)
    page.context.close()
    assert {name: v for name, v in found.items() if v} == {}


def _expect_public_title(browser: Browser, url: str, title: str) -> None:
    # A reader's browser of its own: pages may be kept for IST_PAGE_MAX_AGE.
    reader = open_page(browser, url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    reader.context.close()


def test_the_revision_screens_are_valid_html(app: Flask, tmp_path: Path) -> None:
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    sid = written(app, client)
    edited(client, sid, **{"translation_en-body": "We stand with the <nurses>.", "status": "draft"})
    first, second = kept(app, sid)
    gone = written(app, client, **{"translation_en-slug": "gone", "translation_fr-slug": "parti"})
    client.post(f"/admin/statements/{gone}/delete", data={"csrf_token": _token(client)})
    pages = {}
    for language in ("en", "fr", "ar"):
        headers = {"Accept-Language": language}
        for path in (
            f"/admin/statements/{sid}/revisions",
            f"/admin/statements/{sid}/revisions/compare?a={first.id}&b={second.id}",
            f"/admin/statements/{gone}/revisions",
            "/admin/statements/1/revisions",  # a demo statement: no revision yet
            "/admin/statements/deleted",
            "/admin/audit",
        ):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            pages[f"{path} [{language}]"] = response.get_data(as_text=True)
    refused = restore(client, sid, 10**6)
    assert refused.status_code == 404
    files = []
    for number, html in enumerate(pages.values()):
        file = tmp_path / f"page-{number}.html"
        file.write_text(html, encoding="utf-8")
        files.append(file)
    names = {f"file:{file}": name for file, name in zip(files, pages, strict=True)}
    errors = [f"{names.get(m['url'], m['url'])}: {m['message']}" for m in validate(files)]
    assert errors == [], "\n".join(errors)


def _token(client) -> str:  # type: ignore[no-untyped-def]
    from admin_helpers import csrf_token

    return csrf_token(client, "/admin/")
