"""The page types the quality tests share (tests/pages.py) exist on the demo
site, so that a mistyped path fails here, in the quick loop, and not as a
validated, screenshotted and scored 404 page."""

from __future__ import annotations

from flask.testing import FlaskClient
from pages import PAGE_TYPES

# Lighthouse takes 10-30 s a page on a 2-core machine: the four pages.
LIGHTHOUSE_PAGES_AT_MOST = 4


def test_every_page_type_answers_on_the_demo_site(client: FlaskClient) -> None:
    statuses = {name: client.get(page.path).status_code for name, page in PAGE_TYPES.items()}
    assert {name: status for name, status in statuses.items() if status != 200} == {}


def test_lighthouse_scores_a_few_pages_only() -> None:
    scored = [name for name, page in PAGE_TYPES.items() if page.lighthouse]
    assert 1 <= len(scored) <= LIGHTHOUSE_PAGES_AT_MOST, scored
