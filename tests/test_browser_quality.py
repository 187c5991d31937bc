"""Pages in a real browser (Debian's Chromium through Playwright): axe-core finds
no violation, the keyboard reaches everything, the layout holds from 320 px
to 1440 px, print and dark mode work, and nothing comes from another host.
Screenshots are kept in IST_SCREENSHOT_DIR (artifacts/screenshots) for anyone
to look at."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pages import PAGE_TYPES, STATEMENT
from playwright.sync_api import Browser, Page
from quality_tools import AXE_SCRIPT, require
from servers import ROOT, flask_command

# Slow: a real browser. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCREENSHOTS = Path(os.environ.get("IST_SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
SCREENSHOT_SIZES = [(390, 844), (1440, 900)]
# Every page type (tests/pages.py), then pages of the same types in other
# languages and states; dict.fromkeys drops the repeats and keeps the order.
PUBLIC_PAGES = list(
    dict.fromkeys(
        [
            *(page.path for page in PAGE_TYPES.values()),
            "/es/",
            "/en/statements/release-frank-garcia-hernandez-and-his-comrades",
            "/ru/about",
            "/fr/archive/2021/07",
            "/no-such-page",
            # A statement in a language it lacks: the page that says so.
            "/de/statements/release-frank-garcia-hernandez-and-his-comrades",
            "/fr/search?q=garcia",
            "/search?q=",
        ]
    )
)


def axe_violations(page: Page) -> list[str]:
    page.evaluate(require(AXE_SCRIPT).read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]


def open_page(browser: Browser, url: str, **options: object) -> Page:
    # bypass_csp lets the test inject axe-core; the site itself runs no inline script.
    context = browser.new_context(bypass_csp=True, **options)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(url)
    return page


def test_no_page_has_an_axe_violation_in_light_or_dark(
    browser: Browser, site: str, database_uri: str
) -> None:
    flask_command(
        database_uri,
        "users",
        "create",
        "ed@example.org",
        "--password-stdin",
        stdin="a long password\n",
    )
    found = {}
    for scheme in ("light", "dark"):
        for path in PUBLIC_PAGES:
            page = open_page(browser, site + path, color_scheme=scheme)
            found[f"{path} ({scheme})"] = axe_violations(page)
            page.context.close()
    page = open_page(browser, site + "/admin/login", locale="fr-FR")
    found["/admin/login"] = axe_violations(page)
    page.get_by_label("Adresse e-mail").fill("ed@example.org")
    page.get_by_label("Mot de passe").fill("a long password")
    page.locator("button[type=submit]").click()
    for path in (
        "/admin/",
        "/admin/statements/new",
        "/admin/statements/1/edit",
        "/admin/statements/1/delete",
        # The translation desk: its queue, a translation, a missing one right to left.
        "/admin/translate",
        "/admin/statements/2/translate/fr",
        "/admin/statements/1/translate/ar",
        "/admin/statements/1/translation-files",
    ):
        page.goto(site + path)
        if "/translate/" in path:
            assert page.locator("form.desk-form").count() == 1, path
        found[path] = axe_violations(page)
    page.context.close()
    assert {path: v for path, v in found.items() if v} == {}


def test_the_keyboard_reaches_the_skip_link_and_the_language_switcher(
    browser: Browser, site: str
) -> None:
    page = open_page(browser, site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   const r = e.getBoundingClientRect();
                   return {text: e.textContent.trim(), href: e.getAttribute('href'),
                           outline: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top}; }"""
    )
    assert focused["text"] == "Skip to content" and focused["href"] == "#main"
    assert focused["outline"] != "none" and focused["width"] >= 2 and focused["top"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(site + "/")
    # The languages are behind a disclosure: Tab to it, open it, then on.
    for wanted in ("Languages: English", "Français"):
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == wanted:
                break
        else:
            pytest.fail(f"Tab never reached {wanted!r}")
        page.keyboard.press("Enter")
    page.wait_for_url(site + "/fr/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.context.close()


@pytest.mark.parametrize("width", [320, 390, 1440])
def test_the_layout_holds_without_horizontal_scrolling_and_text_of_16px(
    browser: Browser, site: str, width: int
) -> None:
    for path in ("/", STATEMENT, "/about", "/archive"):
        page = open_page(browser, site + path, viewport={"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, width, overflow)
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('main p, main li, main a, nav a')]
                       .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
        )
        assert smallest >= 16, (path, width, smallest)
        page.context.close()


def test_a_statement_prints_cleanly(browser: Browser, site: str) -> None:
    page = open_page(browser, site + STATEMENT)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['.site-header nav', '.site-footer', '.translations', '.skip-link']"
        ".map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none"] * 4
    assert page.locator(".statement-body").is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    page.context.close()


def test_dark_mode_is_respected(browser: Browser, site: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(browser, site + "/", color_scheme=scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.context.close()
    assert colours["light"] != colours["dark"]
    red, green, blue = (int(n) for n in colours["dark"][4:-1].split(","))
    assert red + green + blue < 150, colours["dark"]


def test_pages_load_nothing_from_another_host(
    browser: Browser, site: str, database_uri: str, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps({"statements": [{"published": "2024-01-01T00:00:00Z", "translations": {"en": {
        "title": "Pictures from elsewhere", "slug": "elsewhere",
        "body": '<p>x</p><img src="https://tracker.example/pixel.png" alt="pixel"><img src="//cdn.example/a.png" alt="a">'}}}]}))  # fmt: skip
    flask_command(database_uri, "statements", "import", str(hostile))
    reached: list[str] = []
    blocked: dict[str, str] = {}
    context = browser.new_context()
    # A request counts once bytes came back; the browser refuses the others itself.
    context.on("requestfinished", lambda request: reached.append(request.url))
    context.on(
        "requestfailed", lambda request: blocked.update({request.url: request.failure or ""})
    )
    page = context.new_page()
    for path in ("/", STATEMENT, "/en/statements/elsewhere", "/about", "/admin/login"):
        page.goto(site + path)
    context.close()
    own = urlsplit(site).netloc
    assert {urlsplit(url).netloc for url in reached} == {own}, reached
    # The site's own icon may be cut short by the next navigation; other hosts never load.
    elsewhere = {url: reason for url, reason in blocked.items() if urlsplit(url).netloc != own}
    assert elsewhere == {
        "https://tracker.example/pixel.png": "csp",
        "http://cdn.example/a.png": "csp",
    }


def distinct_colours(browser: Browser, png: bytes, width: int) -> int:
    """How many colours the screenshot ``png`` has, decoded by the browser
    itself; checks too that it is ``width`` pixels wide."""
    page = browser.new_page()
    found = page.evaluate(
        """async ([data, width]) => {
             const image = new Image();
             image.src = 'data:image/png;base64,' + data;
             await image.decode();
             if (image.naturalWidth !== width) return -image.naturalWidth;
             const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
             const context = canvas.getContext('2d');
             context.drawImage(image, 0, 0);
             const pixels = new Uint32Array(context.getImageData(
                 0, 0, image.naturalWidth, image.naturalHeight).data.buffer);
             return new Set(pixels).size; }""",
        [base64.b64encode(png).decode("ascii"), width],
    )
    page.close()
    return int(found)


def test_screenshots_are_kept(browser: Browser, site: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    colours = {}
    for width, height in SCREENSHOT_SIZES:
        for name, page_type in PAGE_TYPES.items():
            if not page_type.screenshot:
                continue
            page = open_page(
                browser, site + page_type.path, viewport={"width": width, "height": height}
            )
            target = SCREENSHOTS / f"{name}-{width}x{height}.png"
            page.screenshot(path=str(target), full_page=True)
            page.context.close()
            colours[target.name] = distinct_colours(browser, target.read_bytes(), width)
    # A page that rendered: text in several colours, anti-aliased; a blank or
    # failed page is one colour (or a negative width, when the size is wrong).
    assert {name: n for name, n in colours.items() if n < 50} == {}
