"""Topic and organisation pages, and a statement with signatories, in the
Nu HTML Checker and in axe (light and dark), on the real server. The demo
has no organisation (it invents no signatory), so this site is its own."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from groups_data import add_grouped
from playwright.sync_api import Browser
from servers import running_site
from test_browser_quality import axe_violations, open_page
from test_html_validity import validate

from ist_flask.extensions import db

pytestmark = pytest.mark.slow

GROUP_PAGES = [
    "/en/organisations/example-socialist-group",
    "/fr/organisations/example-socialist-group",
    "/ar/organisations/fictional-workers-league",
    "/en/topics/anti-war",
    "/fr/topics/contre-la-guerre",
    "/en/statements/stop-the-war",
    "/search?q=war&topic=anti-war",
]


@pytest.fixture
def grouped_site(
    tmp_path: Path, database_uri: str, configured_app: Callable[..., Flask]
) -> Iterator[str]:
    app = configured_app()
    add_grouped(app)
    with app.app_context():
        db.engine.dispose()
    with running_site(tmp_path, database_uri) as url:
        yield url


def test_group_pages_are_valid_html_and_pass_axe_in_light_and_dark(
    grouped_site: str, browser: Browser, tmp_path: Path
) -> None:
    files = []
    for n, path in enumerate(GROUP_PAGES):
        with urllib.request.urlopen(grouped_site + path) as response:
            assert response.status == 200, path
            files.append(tmp_path / f"page-{n}.html")
            files[-1].write_bytes(response.read())
    assert validate(files) == []
    found = {}
    for scheme in ("light", "dark"):
        for path in GROUP_PAGES:
            page = open_page(browser, grouped_site + path, color_scheme=scheme)
            found[f"{path} [{scheme}]"] = axe_violations(page)
            page.context.close()
    assert {path: v for path, v in found.items() if v} == {}
