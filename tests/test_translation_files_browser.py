"""End to end in Debian's Chromium: a translator downloads a statement's
XLIFF file, translates it in their tool, and uploads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from servers import flask_command, running_site
from translation_file_helpers import fill_xliff

pytestmark = pytest.mark.slow


def test_a_translator_downloads_translates_and_uploads_a_statement(
    browser: Browser, tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        flask_command(
            database_uri, "users", "create", "tr@example.org", "--role", "translator",
            "--languages", "de", "--may-publish", "--password-stdin", stdin="a long password\n",
        )  # fmt: skip
        page = browser.new_page(locale="en-GB", accept_downloads=True)
        page.goto(site + "/admin/")
        page.get_by_label("E-mail address").fill("tr@example.org")
        page.get_by_label("Password").fill("a long password")
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("link", name="Joint statement by revolutionary socialists").click()
        expect(page.get_by_role("heading", name="Translation files")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download XLIFF").click()
        original = Path(download.value.path()).read_bytes()
        translated = tmp_path / "de.xlf"
        translated.write_bytes(fill_xliff(original))

        page.get_by_label("Translated file (XLIFF or PO)").set_input_files(translated)
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("The translation was imported from the file.")).to_be_visible()

        page.goto(site + "/de/")
        german = page.locator("article.entry[lang=de]", has_text="JOINT STATEMENT BY")
        expect(german).to_be_visible()
        page.close()
