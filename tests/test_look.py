"""The publication's face in a real browser: the masthead, a compact header
on phones whose disclosures work without JavaScript and from the keyboard,
and a wide screen used for a lead statement and cards."""

from __future__ import annotations

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page

from ist_flask import PROJECT_ROOT

STATEMENT = "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}


def opened(browser: Browser, url: str, **options: object) -> Page:
    page = browser.new_context(**options).new_page()  # type: ignore[arg-type]
    page.goto(url)
    return page


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_the_masthead_is_our_own_svg_and_asks_for_nothing_elsewhere() -> None:
    svg = etree.parse(PROJECT_ROOT / "ist_flask" / "static" / "masthead.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    text = etree.tostring(svg, encoding="unicode")
    # No font, image or stylesheet from anywhere: the letters are drawn.
    assert "href" not in text.replace("url(#square)", "") and "@import" not in text
    assert "<text" not in text


@pytest.mark.slow
def test_a_phone_shows_a_statements_title_date_and_text_on_its_first_screen(
    browser: Browser, site: str
) -> None:
    page = opened(browser, site + STATEMENT, viewport=PHONE)
    for selector in ("h1", ".statement time"):
        assert box(page, selector)["y"] + box(page, selector)["height"] <= PHONE["height"]
    # At least three lines of the text itself.
    assert box(page, ".statement-body p")["y"] + 90 <= PHONE["height"]
    header = box(page, ".site-header")
    assert header["height"] <= PHONE["height"] * 0.2, header
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_the_disclosures_open_from_the_keyboard_without_javascript(
    browser: Browser, site: str, javascript: bool
) -> None:
    page = opened(browser, site + "/", viewport=PHONE, java_script_enabled=javascript)
    french = page.get_by_role("link", name="Français")
    assert not french.is_visible()
    page.locator(".language-disclosure summary").focus()
    page.keyboard.press("Enter")
    assert french.is_visible()
    french.click()
    page.wait_for_url(site + "/fr/")

    search = page.locator("#site-search")
    assert not search.is_visible()
    page.locator(".search-disclosure summary").focus()
    page.keyboard.press("Space")
    search.fill("garcia")
    search.press("Enter")
    page.wait_for_url("**/fr/search?q=garcia")
    assert page.locator(".search-hit").count() >= 1
    page.context.close()


@pytest.mark.slow
def test_a_wide_screen_has_a_lead_statement_and_cards_side_by_side(
    browser: Browser, site: str
) -> None:
    page = opened(browser, site + "/", viewport=WIDE)
    cards = page.locator(".cards > article.entry")
    assert cards.count() >= 3
    grid = box(page, ".cards")
    lead, first, second = (cards.nth(n).bounding_box() for n in range(3))
    assert lead and first and second
    assert page.locator(".cards > article.entry").first.get_attribute("class") == "entry lead"
    assert lead["width"] == pytest.approx(grid["width"], abs=2)
    # The next two share a row, each about half of it.
    assert first["y"] == pytest.approx(second["y"], abs=1) and first["x"] < second["x"]
    assert first["width"] < grid["width"] * 0.6
    # The lead's excerpt stands beside its title, not under it.
    title, excerpt = box(page, ".lead .entry-title"), box(page, ".lead .entry-excerpt")
    assert excerpt["x"] > title["x"] + title["width"] - 1
    page.context.close()

    phone = opened(browser, site + "/", viewport=PHONE)
    lefts = {
        round(b["x"])
        for b in (
            phone.locator(".cards > article.entry").nth(n).bounding_box() or {} for n in range(3)
        )
    }  # type: ignore[union-attr]
    assert len(lefts) == 1
    phone.context.close()


@pytest.mark.slow
def test_an_arabic_page_mirrors_its_layout(browser: Browser, site: str) -> None:
    """Logical properties: on /ar/ the masthead starts on the right, the
    disclosures end on the left, and the note's rule stands on its right."""
    page = opened(browser, site + "/ar/", viewport=WIDE)
    brand, tools = box(page, ".brand"), box(page, ".header-tools")
    assert brand["x"] > WIDE["width"] / 2 > tools["x"] + tools["width"]
    note_rule = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('.section-note'));
                   return [s.borderRightWidth, s.borderLeftWidth]; }"""
    )
    assert note_rule == ["4px", "0px"]
    # English text on the Arabic page keeps its own face; Arabic takes one with Arabic letters.
    faces = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.entry[lang=en] .entry-excerpt')).fontFamily,
                  getComputedStyle(document.querySelector('.intro p')).fontFamily]"""
    )
    assert faces[0].startswith("Georgia") and "Arabic" in faces[1]
    page.context.close()
