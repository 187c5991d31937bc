"""Two-factor sign-in and the accounts screen in Debian's Chromium: enrol by
reading the key off the page, sign out, sign in with the password and a code;
axe finds no violation on the new screens, and nothing comes from another host."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from servers import flask_command, running_site
from test_browser_quality import axe_violations

# Slow: a real browser. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow


def overflow_at_320(page: Page) -> int:
    """How far the page scrolls sideways on a 320-pixel phone (the table may
    scroll inside its own box)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    pixels = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if size:
        page.set_viewport_size(size)
    return int(pixels)


def test_a_maintainer_enrols_then_signs_in_with_password_and_code(
    browser: Browser, tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        flask_command(
            database_uri, "users", "create", "ed@example.org", "--password-stdin",
            stdin="a long password\n",
        )  # fmt: skip
        # Without the page's content security policy, so that axe can be run in it.
        context = browser.new_context(bypass_csp=True, locale="en-GB")
        reached: list[str] = []
        context.on("requestfinished", lambda request: reached.append(request.url))
        page = context.new_page()
        found: dict[str, list[str]] = {}
        overflow: dict[str, int] = {}

        page.goto(site + "/admin/")
        page.get_by_label("E-mail address").fill("ed@example.org")
        page.get_by_label("Password").fill("a long password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Statements")).to_be_visible()

        page.get_by_role("link", name="Two-factor sign-in").click()
        expect(page.locator("svg.qr-code")).to_be_visible()
        found["enrolment"] = axe_violations(page)
        overflow["enrolment"] = overflow_at_320(page)
        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        found["recovery codes"] = axe_violations(page)
        overflow["recovery codes"] = overflow_at_320(page)

        page.get_by_role("link", name="Accounts").click()
        expect(page.get_by_role("cell", name="on", exact=True)).to_be_visible()
        found["accounts"] = axe_violations(page)
        overflow["accounts"] = overflow_at_320(page)
        page.get_by_role("link", name="New account").click()
        found["new account"] = axe_violations(page)
        page.goto(site + "/admin/users")
        page.get_by_role("link", name="ed@example.org").click()
        found["an account"] = axe_violations(page)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("E-mail address").fill("ed@example.org")
        page.get_by_label("Password").fill("a long password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
        found["second step"] = axe_violations(page)
        # The step after the one used to enrol: no code is accepted twice.
        page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Statements")).to_be_visible()
        context.close()

    assert {name: v for name, v in found.items() if v} == {}
    assert {name: pixels for name, pixels in overflow.items() if pixels > 0} == {}
    assert {urlsplit(url).netloc for url in reached} == {urlsplit(site).netloc}
