"""What the editor lets onto the site: no stored XSS, drafts and scheduled statements
kept back until their time, the editor in the maintainer's language, missing translations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import feedparser
import lxml.etree
import lxml.html
import pytest
from admin_helpers import (
    NEW,
    new_statement,
    post,
    stored,
)
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.models import Statement


def dangerous_markup(html: str) -> list[str]:
    """Everything in ``html`` a browser could run: script-like elements, event
    handlers, style attributes and javascript: URLs."""
    found = []
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and element.get("type") == "application/ld+json":
            json.loads(element.text)  # structured data: never run, and it must stay data
            continue
        if element.tag in ("script", "style", "svg", "iframe", "object", "embed", "math"):
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.startswith("on") or name == "style":
                found.append(name)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = "".join(value.split()).lower().split(":", 1)[0]
                if scheme in ("javascript", "vbscript", "data"):
                    found.append(f"{name}={value}")
    return found


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))" onclick="x()">styled</p>',
        "<style>body{display:none}</style>",
        '![img](x" onerror="alert(1))',
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
    ],
)
def test_stored_xss_never_reaches_a_page_or_a_feed(
    app: Flask, editor: FlaskClient, body: str
) -> None:
    post(editor, NEW, new_statement(**{"translation_en-body": f"Hello\n\n{body}"}))
    for path in ("/", "/en/", "/en/statements/solidarity-with-the-strikers"):
        assert dangerous_markup(editor.get(path).get_data(as_text=True)) == [], path
    # Read the feeds' raw XML: feedparser would clean the HTML itself and hide a leak.
    html_elements = (
        "{http://www.w3.org/2005/Atom}content",
        "{http://www.w3.org/2005/Atom}summary",
        "description",
        "{http://purl.org/rss/1.0/modules/content/}encoded",
    )
    for path in ("/feed.atom", "/en/feed.atom", "/feed.rss", "/en/feed.rss"):
        root = lxml.etree.fromstring(editor.get(path).get_data())
        texts = [element.text for element in root.iter(*html_elements) if element.text]
        assert any("Hello" in text for text in texts), path
        for text in texts:
            assert dangerous_markup(text) == [], path


def test_drafts_and_scheduled_statements_stay_off_the_site_until_their_time(
    app: Flask, editor: FlaskClient
) -> None:
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    post(
        editor,
        NEW,
        new_statement(
            status="draft",
            **{"translation_en-title": "Draft one", "translation_fr-title": "Brouillon"},
        ),
    )
    post(
        editor,
        NEW,
        new_statement(
            published_at=later,
            **{"translation_en-title": "Scheduled one", "translation_fr-title": "Programmé"},
        ),
    )
    month = datetime.now(UTC).strftime("%Y/%m")
    later_month = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y/%m")
    public = [
        "/",
        "/en/",
        "/fr/",
        "/feed.atom",
        "/feed.rss",
        "/fr/feed.atom",
        f"/archive/{month}",
        f"/archive/{later_month}",
        "/archive",
    ]
    for path in public:
        text = editor.get(path).get_data(as_text=True)
        assert "Draft one" not in text and "Scheduled one" not in text, path
    assert editor.get("/en/statements/draft-one").status_code == 404
    assert editor.get("/en/statements/scheduled-one").status_code == 404

    # When the time comes, the scheduled statement appears by itself.
    with app.app_context():
        db.session.execute(
            update(Statement)
            .where(Statement.id == stored(app, "en", "scheduled-one").statement_id)
            .values(published_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    assert entries(parse(editor.get("/")))[0]["title"] == "Scheduled one"
    assert feedparser.parse(editor.get("/feed.atom").get_data()).entries[0].title == "Scheduled one"
    assert editor.get("/en/statements/scheduled-one").status_code == 200
    assert editor.get("/en/statements/draft-one").status_code == 404


def test_the_editor_speaks_the_maintainers_language(editor: FlaskClient) -> None:
    page = parse(editor.get(NEW, headers={"Accept-Language": "fr"}))
    assert page.get("lang") == "fr"
    assert "Nouvelle déclaration" in page.cssselect("h1")[0].text_content()
    labels = [fold(label.text_content()) for label in page.cssselect("label")]
    assert "Titre" in labels


def test_statements_missing_lists_what_lacks_a_translation(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["statements", "missing", "fr"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("2020-11-14\ten\tjoint-statement-by")
    assert "Every statement" in runner.invoke(args=["statements", "missing", "en"]).output
    assert runner.invoke(args=["statements", "missing", "xx"]).exit_code == 2
