"""End to end, as a maintainer would: the real editor in Debian's Chromium."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import Browser, expect
from servers import flask_command, running_site

# Slow: a real browser. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow


def test_an_editor_writes_previews_and_publishes_in_two_languages(
    browser: Browser, tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        flask_command(
            database_uri,
            "users",
            "create",
            "ed@example.org",
            *("--role", "editor"),
            "--password-stdin",
            stdin="a long password\n",
        )
        page = browser.new_page(locale="en-GB")

        page.goto(site + "/admin/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.get_by_label("E-mail address").fill("ed@example.org")
        page.get_by_label("Password").fill("a long password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Statements")).to_be_visible()

        page.get_by_role("link", name="New statement").first.click()
        english = page.locator("details.translation-section").nth(0)
        english.get_by_label("Title").fill("Stop the war")
        english.get_by_label("Text", exact=True).fill(
            "We say **no** to the war.\n\nSolidarity across borders."
        )
        french = page.locator("details.translation-section").nth(1)
        french.locator("summary").click()
        french.get_by_label("Title").fill("Arrêtez la guerre")
        french.get_by_label("Text", exact=True).fill("Nous disons *non* à la guerre.")

        page.get_by_role("button", name="Preview").click()
        preview = page.locator(".preview")
        expect(preview.get_by_role("heading", name="Stop the war")).to_be_visible()
        expect(preview.locator("strong")).to_have_text("no")

        page.get_by_label("Published").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved.")).to_be_visible()

        page.goto(site + "/")
        expect(page.locator("article.entry").first.get_by_role("heading")).to_have_text(
            "Stop the war"
        )
        page.get_by_role("link", name="Full statement").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Stop the war")

        page.goto(site + "/fr/")
        expect(page.locator("article.entry").first.get_by_role("heading")).to_have_text(
            "Arrêtez la guerre"
        )
        with urllib.request.urlopen(site + "/fr/feed.atom", timeout=5) as response:
            feed = feedparser.parse(response.read())
        assert feed.entries[0].title == "Arrêtez la guerre"
        page.close()
