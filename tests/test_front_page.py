"""The front page: the seed's page, newest first, 20 entries a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import add, numbered, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import entries, fold, parse

# A copy of the page the site grew from (../shared/seed/front-page.txt), kept
# here so that the tests need nothing outside the repository.
SEED = Path(__file__).resolve().parent / "data" / "front-page.txt"


def seed_front_page() -> dict:
    """The seed's heading, intro and entries."""
    blocks = [block.strip() for block in SEED.read_text(encoding="utf-8").split("\n\n")]
    heading, intro, more, *rest = blocks
    seeded = []
    while rest:
        end = rest.index("Full statement")
        title, date, *paragraphs = rest[:end]
        seeded.append({"title": title, "date": date, "excerpt": fold(" ".join(paragraphs))})
        rest = [block for block in rest[end + 1 :] if block]
    return {"heading": heading, "intro": intro, "more": more, "entries": seeded}


def test_front_page_reads_as_the_seed_entry_by_entry(client: FlaskClient) -> None:
    seed = seed_front_page()
    page = parse(client.get("/"))

    assert fold(page.cssselect("h1")[0].text_content()) == seed["heading"]
    intro = page.cssselect(".intro p")
    assert fold(intro[0].text_content()) == seed["intro"]
    assert fold(intro[1].text_content()) == seed["more"]
    assert intro[1].cssselect("a")[0].get("href") == "/about"

    shown = entries(page)
    assert len(shown) == len(seed["entries"]) == 4
    for seen, expected in zip(shown, seed["entries"], strict=True):
        assert seen["title"] == expected["title"]
        assert seen["date"] == expected["date"]
        assert seen["excerpt"] == expected["excerpt"]
        assert seen["more"] == "Full statement"


def test_entries_link_to_their_statement_pages(client: FlaskClient) -> None:
    for entry in entries(parse(client.get("/"))):
        page = parse(client.get(entry["href"]))
        assert fold(page.cssselect("h1")[0].text_content()) == entry["title"]


def test_translations_of_one_statement_stand_together_in_language_order(
    client: FlaskClient,
) -> None:
    langs = [entry["lang"] for entry in entries(parse(client.get("/")))]
    assert langs == ["en", "fr", "es", "en"]


def test_front_page_lists_newest_first(app: Flask, client: FlaskClient) -> None:
    add(app, statement("2024-03-01T12:00:00Z", {"en": {"title": "Newest of all"}}))
    shown = entries(parse(client.get("/")))
    assert shown[0]["title"] == "Newest of all"
    assert shown[0]["date"] == "Friday 1st March 2024"


def link(page: Any, words: str) -> str | None:
    found = page.xpath(f"//nav[@class='pagination']//a[normalize-space()='{words}']")
    return found[0].get("href") if found else None


def test_front_page_shows_20_entries_a_page_with_newer_and_older_links(
    empty_app: Flask,
) -> None:
    add(empty_app, *numbered(45))
    client = empty_app.test_client()

    first = parse(client.get("/"))
    assert [e["title"] for e in entries(first)] == [f"Number {n}" for n in range(20)]
    assert link(first, "Newer") is None
    # Older pages are named by the entry they follow: "Number 19", statement 20.
    older = link(first, "Older")
    assert older == "/?older=20181213T000000Z.20.en"

    second = parse(client.get(older))
    assert [e["title"] for e in entries(second)] == [f"Number {n}" for n in range(20, 40)]
    assert second.xpath("//title")[0].text.startswith("Older statements · ")
    third = parse(client.get(link(second, "Older")))
    assert [e["title"] for e in entries(third)] == [f"Number {n}" for n in range(40, 45)]
    assert link(third, "Older") is None

    # Newer goes back a full page; what fits on the first page is the first page.
    back = parse(client.get(link(third, "Newer")))
    assert [e["title"] for e in entries(back)] == [f"Number {n}" for n in range(20, 40)]
    top = client.get(link(back, "Newer"))
    assert top.status_code == 302 and top.headers["Location"] == "/"


def test_a_page_deep_in_the_listing_is_one_query_from_its_place(empty_app: Flask) -> None:
    add(empty_app, *numbered(45))
    client = empty_app.test_client()
    page = parse(client.get("/?older=20181213T000000Z.20.en"))
    assert [e["title"] for e in entries(page)] == [f"Number {n}" for n in range(20, 40)]
    # A place whose statement has gone still leads on from its time.
    gone = parse(client.get("/?older=20181212T120000Z.99.en"))
    assert [e["title"] for e in entries(gone)] == [f"Number {n}" for n in range(20, 40)]


def test_numbered_pages_of_old_links_lead_to_where_they_start_now(empty_app: Flask) -> None:
    add(empty_app, *numbered(45))
    client = empty_app.test_client()
    second = client.get("/?page=2")
    assert second.status_code == 302
    assert second.headers["Location"] == "/?older=20181213T000000Z.20.en"
    assert client.get("/?page=1").headers["Location"] == "/"
    third = parse(client.get("/?page=3", follow_redirects=True))
    assert [e["title"] for e in entries(third)] == [f"Number {n}" for n in range(40, 45)]


def test_a_last_page_that_is_full_has_no_older_link(empty_app: Flask) -> None:
    add(empty_app, *numbered(40))
    client = empty_app.test_client()
    second = parse(client.get("/?page=2", follow_redirects=True))
    assert [e["title"] for e in entries(second)] == [f"Number {n}" for n in range(20, 40)]
    assert link(second, "Older") is None
    assert client.get("/?page=3").status_code == 404
    # Nothing older than the last entry: no page at all.
    assert client.get("/?older=19011212T000000Z.1.en").status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "2", "abc", "1.5", "99999999999999999999", "", "٣"])
def test_a_page_out_of_range_or_not_a_positive_integer_is_404(
    client: FlaskClient, page: str
) -> None:
    response = client.get(f"/?page={page}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "place",
    [
        "older=abc",
        "older=",
        "newer=20210713T000000Z",
        "older=20210713T000000Z.0.en",
        "older=20210713T000000Z.99999999999.en",
        "older=20211313T000000Z.1.en",
        "older=99990101T000000Z.1.en",
        "older=20210713T000000.12Z.1.en",
        "newer=20210713T000000Z.1.EN",
        "older=20210713T000000Z.1.en\n",
        "older=" + "1" * 2000,
    ],
)
def test_a_malformed_place_in_the_listing_is_404(client: FlaskClient, place: str) -> None:
    response = client.get(f"/?{place}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_excerpt_is_cut_at_150_words(app: Flask, client: FlaskClient) -> None:
    words = " ".join(f"word{n}" for n in range(400))
    add(
        app, statement("2024-01-01T00:00:00Z", {"en": {"title": "Long", "body": f"<p>{words}</p>"}})
    )
    excerpt = entries(parse(client.get("/")))[0]["excerpt"]
    assert excerpt.endswith("word149 ...")
    assert len(excerpt.split()) == 151


def test_a_summary_is_the_excerpt_when_given(app: Flask, client: FlaskClient) -> None:
    add(
        app,
        statement(
            "2024-01-01T00:00:00Z",
            {"en": {"title": "Summed up", "summary": "In short: solidarity.", "body": "<p>x</p>"}},
        ),
    )
    assert entries(parse(client.get("/")))[0]["excerpt"] == "In short: solidarity."


def test_an_empty_site_says_so(empty_app: Flask) -> None:
    response = empty_app.test_client().get("/")
    assert response.status_code == 200
    assert "No statements have been published" in response.get_data(as_text=True)
