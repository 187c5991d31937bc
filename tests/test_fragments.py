"""Listing entries are rendered once and kept by everything they show
(fragments.py): a kept entry is byte for byte the one rendered, and any
change to what it shows renders it again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from admin_helpers import make_maintainer, sign_in, statement_form, stored
from flask import Flask
from markupsafe import Markup

from ist_flask.fragments import FRAGMENTS, Fragments

LISTINGS = ["/", "/fr/", "/ar/", "/en/topics/anti-war", "/archive/2021/07", "/fr/archive/2021/07"]


@pytest.fixture
def demo(configured_app: Callable[..., Flask]) -> Flask:
    from ist_flask import store
    from ist_flask.i18n import DEFAULT_LANGUAGES

    app = configured_app()
    with app.app_context():
        store.load_demo(DEFAULT_LANGUAGES)
    return app


@pytest.mark.parametrize("path", LISTINGS)
def test_a_kept_entry_is_the_entry_rendered(demo: Flask, path: str) -> None:
    client = demo.test_client()
    FRAGMENTS.clear()
    rendered = client.get(path)
    assert rendered.status_code == 200
    assert len(FRAGMENTS) > 0, "no entry was kept"
    demo.extensions["ist_caches"].pages.clear()  # as a change would
    kept = client.get(path)
    assert kept.get_data() == rendered.get_data()


def test_what_an_entry_shows_changed_renders_it_again(demo: Flask) -> None:
    client = demo.test_client()
    before = client.get("/fr/").get_data(as_text=True)
    assert "Libérez Frank García Hernández" in before
    make_maintainer(demo)
    sign_in(client)
    path = f"/admin/statements/{stored(demo, 'fr', 'liberez-frank-garcia-hernandez-et-ses-camarades').statement_id}/edit"
    form = statement_form(client, path)
    form["translation_fr-title"] = "Libérez-les tous"
    form["translation_fr-slug"] = "liberez-frank-garcia-hernandez-et-ses-camarades"
    assert client.post(path, data=form).status_code in (200, 302)
    after = demo.test_client().get("/fr/").get_data(as_text=True)
    assert "Libérez-les tous" in after
    assert "Libérez Frank García Hernández et ses camarades" not in after


def test_the_kept_entries_never_hold_more_than_their_bytes() -> None:
    fragments = Fragments(max_bytes=10_000)
    for number in range(100):
        fragments.put(("entry", number), Markup("x" * 900), 1_000)
        assert fragments.size <= 10_000
    assert len(fragments) == 10
    assert fragments.get(("entry", 0)) is None and fragments.get(("entry", 99)) is not None
