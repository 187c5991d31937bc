"""Arabic, the site's right-to-left language: its pages, dates, feeds and
alternates, and the same pages checked by vnu and axe in a real browser."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import pytest
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext
from pages import entries, fold, parse
from playwright.sync_api import Browser
from servers import flask_command, running_site
from test_browser_quality import SCREENSHOTS, axe_violations, open_page
from test_html_validity import validate

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SLUG = "tadamun-maa-ummal-al-mahalla"
ARABIC_STATEMENT = f"/ar/statements/{SLUG}"
ENGLISH_STATEMENT = "/en/statements/solidarity-with-the-mahalla-workers"
TITLE = "تضامنًا مع عمال المحلة الكبرى المضربين"
BODY = (
    "<p>يعلن التيار الاشتراكي الأممي تضامنه الكامل مع عمال الغزل والنسيج في المحلة الكبرى،"
    " الذين أضربوا عن العمل دفاعًا عن أجورهم وحقهم في التنظيم النقابي المستقل.</p>"
    "<p>إن نضال العمال هو الطريق إلى التحرر: الاشتراكية من الأسفل، لا من أعلى."
    " ندعو المنظمات العمالية في كل مكان إلى دعم المضربين وإلى إطلاق سراح المعتقلين منهم.</p>"
)


def arabic_statement() -> dict[str, Any]:
    """A statement first written in Arabic, with an English translation."""
    return statement(
        "2024-03-05T09:00:00Z",
        {
            "ar": {
                "title": TITLE,
                "slug": SLUG,
                "body": BODY,
                "summary": "بيان تضامن مع المضربين.",
            },
            "en": {
                "title": "Solidarity with the Mahalla workers",
                "slug": "solidarity-with-the-mahalla-workers",
            },
        },
        original="ar",
    )


@pytest.fixture
def arabic_client(app: Flask) -> FlaskClient:
    add(app, arabic_statement())
    return app.test_client()


def test_the_arabic_front_page_is_written_right_to_left(arabic_client: FlaskClient) -> None:
    page = parse(arabic_client.get("/ar/"))
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert fold(page.cssselect("h1")[0].text_content()) == "الاشتراكية من الأسفل"
    assert [fold(a.text_content()) for a in page.cssselect(".site-nav a")] == [
        "البيانات", "الأرشيف", "من نحن",
    ]  # fmt: skip
    # Its own statement first (the newest); the demo's follow in English, marked.
    shown, *others = entries(page)
    assert (shown["title"], shown["lang"], shown["href"]) == (TITLE, "ar", ARABIC_STATEMENT)
    assert [e["lang"] for e in others] == ["en", "en"]
    assert shown["date"] == "الثلاثاء، 5 مارس 2024"


def test_an_arabic_statement_has_its_page_in_arabic_with_an_arabic_date(
    arabic_client: FlaskClient,
) -> None:
    page = parse(arabic_client.get(ARABIC_STATEMENT))
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert fold(page.cssselect("h1")[0].text_content()) == TITLE
    # Babel's ar locale: Arabic weekday and month, Latin digits (CLDR's default for ar).
    time = page.cssselect(".statement time")[0]
    assert (fold(time.text_content()), time.get("datetime")) == (
        "الثلاثاء، 5 مارس 2024",
        "2024-03-05",
    )
    other = page.cssselect(".translations a")
    assert [(a.get("lang"), a.get("dir"), fold(a.text_content())) for a in other] == [
        ("en", "ltr", "English")
    ]
    assert fold(page.cssselect(".translations h2")[0].text_content()) == "هذا البيان بلغات أخرى"


def test_an_english_page_names_its_arabic_translation_right_to_left(
    arabic_client: FlaskClient,
) -> None:
    page = parse(arabic_client.get(ENGLISH_STATEMENT))
    assert page.get("dir") == "ltr"
    (link,) = page.cssselect(".translations a")
    assert (link.get("hreflang"), link.get("lang"), link.get("dir")) == ("ar", "ar", "rtl")
    assert (fold(link.text_content()), link.get("href")) == ("العربية", ARABIC_STATEMENT)


def test_the_mixed_listing_marks_an_arabic_entry_rtl_and_its_date_in_the_page_language(
    arabic_client: FlaskClient,
) -> None:
    page = parse(arabic_client.get("/", headers={"Accept-Language": "en"}))
    (article,) = [a for a in page.cssselect("article.entry") if a.get("lang") == "ar"]
    assert article.get("dir") == "rtl"
    date = article.cssselect(".entry-date")[0]
    assert (date.get("lang"), date.get("dir")) == ("en", "ltr")
    assert fold(date.text_content()) == "Tuesday 5th March 2024"


def test_arabic_month_archives_have_arabic_headings_and_counts(
    arabic_client: FlaskClient,
) -> None:
    archive = parse(arabic_client.get("/ar/archive"))
    # The demo's two months follow: every statement is in every section.
    assert fold(archive.cssselect(".archive-months li")[0].text_content()) == ("مارس 2024 (1 بيان)")
    month = parse(arabic_client.get("/ar/archive/2024/03"))
    assert fold(month.cssselect("h1")[0].text_content()) == "مارس 2024"
    assert [e["title"] for e in entries(month)] == [TITLE]


def test_arabic_counts_take_the_arabic_plural_forms(app: Flask) -> None:
    add(
        app,
        *(
            statement(
                f"2024-0{month}-0{day}T09:00:00Z", {"ar": {"title": f"بيان رقم {month}{day}"}}
            )
            for month, days in ((4, 2), (5, 3), (6, 1))
            for day in range(1, days + 1)
        ),
    )
    archive = parse(app.test_client().get("/ar/archive"))
    assert [fold(li.text_content()) for li in archive.cssselect(".archive-months li")][:3] == [
        "يونيو 2024 (1 بيان)",
        "مايو 2024 (3 بيانات)",
        "أبريل 2024 (2 بيانان)",
    ]


def test_arabic_feeds_carry_ar_and_parse(arabic_client: FlaskClient) -> None:
    atom = arabic_client.get("/ar/feed.atom").get_data()
    assert lxml.etree.fromstring(atom).get(XML_LANG) == "ar"
    rss = arabic_client.get("/ar/feed.rss").get_data()
    assert lxml.etree.fromstring(rss).findtext("channel/language") == "ar"
    for body in (atom, rss):
        feed = feedparser.parse(body)
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert feed.feed.language == "ar"
        assert [e.title for e in feed.entries] == [TITLE]
    document = json.loads(arabic_client.get("/ar/feed.json").get_data())
    assert document["language"] == "ar"
    assert [(i["title"], i["language"]) for i in document["items"]] == [(TITLE, "ar")]


def test_the_all_languages_feeds_mark_the_arabic_entry(arabic_client: FlaskClient) -> None:
    root = lxml.etree.fromstring(arabic_client.get("/feed.atom").get_data())
    languages = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in root.iter(f"{ATOM}entry")}
    assert languages[TITLE] == "ar"
    items = json.loads(arabic_client.get("/feed.json").get_data())["items"]
    assert {i["title"]: i["language"] for i in items}[TITLE] == "ar"
    assert feedparser.parse(arabic_client.get("/feed.rss").get_data()).bozo == 0


def test_hreflang_alternates_include_arabic(arabic_client: FlaskClient) -> None:
    base = "http://localhost"
    for path in (ARABIC_STATEMENT, ENGLISH_STATEMENT):
        page = parse(arabic_client.get(path))
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in page.cssselect("head link[rel=alternate][hreflang]")
        }
        assert alternates["ar"] == base + ARABIC_STATEMENT
        assert alternates["en"] == base + ENGLISH_STATEMENT
    front = parse(arabic_client.get("/fr/"))
    hreflangs = {link.get("hreflang") for link in front.cssselect("head link[hreflang]")}
    assert "ar" in hreflangs
    feeds = [link.get("href") for link in parse(arabic_client.get("/ar/")).cssselect(
        "head link[rel=alternate][type$=xml], head link[rel=alternate][type$=json]"
    )]  # fmt: skip
    assert feeds == ["/ar/feed.atom", "/ar/feed.rss", "/ar/feed.json"]


def test_the_arabic_markdown_hint_keeps_its_address_left_to_right(app: Flask) -> None:
    """In a right-to-left line the Unicode algorithm would show "https://" as
    "//:https"; the catalog wraps the address in a left-to-right isolate."""
    with app.test_request_context("/ar/"):
        hint = gettext("Markdown: *emphasis*, **strong**, [link](https://…), > quotation.")
    assert "(\u2066https://…\u2069)" in hint


# In a real browser: a served site with the demo and one Arabic statement.
ARABIC_PAGES = {"ar-front": "/ar/", "ar-statement": ARABIC_STATEMENT}


@pytest.fixture
def arabic_site(tmp_path: Path, database_uri: str) -> Iterator[str]:
    with running_site(tmp_path, database_uri) as url:
        source = tmp_path / "arabic.json"
        source.write_text(json.dumps({"statements": [arabic_statement()]}), encoding="utf-8")
        flask_command(database_uri, "statements", "import", str(source))
        yield url


@pytest.mark.slow
def test_arabic_pages_are_valid_html_and_pass_axe_in_light_and_dark(
    browser: Browser, arabic_site: str, tmp_path: Path
) -> None:
    files = []
    for name, path in ARABIC_PAGES.items():
        with urllib.request.urlopen(arabic_site + path) as response:
            files.append(tmp_path / f"{name}.html")
            files[-1].write_bytes(response.read())
    assert validate(files) == []
    found = {}
    for scheme in ("light", "dark"):
        for path in ARABIC_PAGES.values():
            page = open_page(browser, arabic_site + path, color_scheme=scheme)
            assert page.evaluate("document.documentElement.dir") == "rtl"
            found[f"{path} ({scheme})"] = axe_violations(page)
            page.context.close()
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.slow
def test_arabic_screenshots_are_kept(browser: Browser, arabic_site: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1440, 900)):
        for name, path in ARABIC_PAGES.items():
            page = open_page(
                browser, arabic_site + path, viewport={"width": width, "height": height}
            )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            target = SCREENSHOTS / f"{name}-{width}x{height}.png"
            page.screenshot(path=str(target), full_page=True)
            page.context.close()
            assert target.stat().st_size > 10_000
            assert overflow <= 0, (path, width, overflow)
