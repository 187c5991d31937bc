"""The translation desk end to end in Debian's Chromium: a translator finds a
statement in their queue and translates it side by side; an editor changes the
original; the translator sees what changed and brings the translation up to date."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from servers import flask_command

# Slow: a real browser. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

PASSWORD = "a long password\n"


def signed_in(browser: Browser, site: str, email: str, width: int = 1280) -> Page:
    page = browser.new_page(locale="en-GB", viewport={"width": width, "height": 900})
    page.goto(site + "/admin/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD.strip())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Statements")).to_be_visible()
    return page


def test_a_translator_translates_and_brings_a_translation_up_to_date(
    browser: Browser, site: str, database_uri: str
) -> None:
    for email, role in (("ed@example.org", "editor"), ("tr@example.org", "translator")):
        options = ["--languages", "fr", "--may-publish"] if role == "translator" else []
        flask_command(
            database_uri, "users", "create", email, "--role", role, *options,
            "--password-stdin", stdin=PASSWORD,
        )  # fmt: skip
    editor = signed_in(browser, site, "ed@example.org")
    editor.get_by_role("link", name="New statement").first.click()
    english = editor.locator("details.translation-section").nth(0)
    english.get_by_label("Title").fill("Stop the war")
    english.get_by_label("Text", exact=True).fill(
        "We say no to the war.\n\nSolidarity across borders."
    )
    editor.get_by_label("Published").check()
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_text("Saved.")).to_be_visible()

    translator = signed_in(browser, site, "tr@example.org")
    translator.get_by_role("link", name="To translate").click()
    first = translator.locator("table tbody tr").first
    expect(first).to_contain_text("Stop the war")
    expect(first).to_contain_text("missing")
    first.get_by_role("link", name="Stop the war").click()
    expect(translator.get_by_role("heading", level=1)).to_have_text("Translate into Français")

    # Side by side on a wide screen: each paragraph beside its translation.
    translator.get_by_label("Title", exact=True).fill("Arrêtez la guerre")
    translator.get_by_label("Text", exact=True).fill(
        "Nous disons non à la guerre.\n\nSolidarité par-delà les frontières."
    )
    translator.get_by_role("button", name="Publish").click()
    expect(translator.get_by_text("Published.", exact=True)).to_be_visible()
    cells = translator.locator(".desk-columns .desk-paragraph")
    original, translated = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert original and translated
    assert original["y"] == translated["y"] and translated["x"] > original["x"]
    expect(cells.nth(1)).to_have_text("Nous disons non à la guerre.")
    expect(cells.nth(1)).to_have_attribute("lang", "fr")
    desk = translator.url

    # An editor changes the original.
    editor.goto(site + "/admin/")
    editor.get_by_role("link", name="Stop the war").click()
    editor.locator("details.translation-section").nth(0).get_by_label("Text", exact=True).fill(
        "We say no to every war.\n\nSolidarity across borders."
    )
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_text("Saved.")).to_be_visible()

    translator.goto(site + "/admin/translate")
    expect(translator.locator("table tbody tr").first).to_contain_text("may be out of date")
    translator.goto(desk)
    changes = translator.locator(".desk-changes")
    expect(changes.get_by_role("heading")).to_have_text("The original has changed")
    expect(changes.locator("ins")).to_have_text("every")
    expect(changes.locator("del")).to_have_text("the")
    translator.get_by_label("Text", exact=True).fill(
        "Nous disons non à toutes les guerres.\n\nSolidarité par-delà les frontières."
    )
    translator.get_by_role("button", name="Publish").click()
    expect(translator.get_by_text("Published.", exact=True)).to_be_visible()
    expect(translator.locator(".desk-changes")).to_have_count(0)
    translator.goto(site + "/admin/translate")
    expect(translator.locator("table tbody tr").first).not_to_contain_text("Stop the war")

    # On a phone the translation comes under the original.
    phone = signed_in(browser, site, "tr@example.org", width=390)
    phone.goto(desk)
    cells = phone.locator(".desk-columns .desk-paragraph")
    original, translated = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert original and translated and translated["y"] > original["y"]
    for page in (editor, translator, phone):
        page.close()
