"""Machine pre-fill: off by default; when configured, a draft "needs review"
that nobody can publish until a person says they read it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from admin_helpers import post
from desk_helpers import (
    EDITOR,
    TRANSLATOR,
    desk_form,
    desk_path,
    draft,
    member,
    published,
    written_statement,
)
from flask import Flask
from libretranslate_peer import libretranslate
from pages import parse

from ist_flask import create_app
from ist_flask.config_checks import ConfigurationError
from ist_flask.machine_translation import LibreTranslate, TranslationUnavailable
from ist_flask.roles import Role


def prefill(client, sid: int, language: str):  # type: ignore[no-untyped-def]
    page = parse(client.get(desk_path(sid, language)))
    token = page.cssselect("#prefill-csrf-token")[0].get("value")
    return client.post(f"{desk_path(sid, language)}/prefill", data={"csrf_token": token})


def test_pre_fill_is_off_by_default(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    page = parse(editor.get(desk_path(sid, "de")))
    assert not page.cssselect("#prefill-csrf-token")
    token = page.cssselect("form.desk-form input[name=csrf_token]")[0].get("value")
    response = editor.post(f"{desk_path(sid, 'de')}/prefill", data={"csrf_token": token})
    assert response.status_code == 404
    assert draft(app, sid, "de") is None


def test_a_machine_draft_is_never_published_unreviewed(
    configured_app: Callable[..., Flask],
) -> None:
    with libretranslate() as peer:
        app = configured_app(MACHINE_TRANSLATION="libretranslate", MACHINE_TRANSLATION_URL=peer.url)
        editor = member(app, EDITOR, Role.EDITOR)
        sid = written_statement(app, editor)
        translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("de",), may_publish=True)
        assert prefill(translator, sid, "de").status_code == 302
        assert peer.requests[0]["source"] == "en" and peer.requests[0]["target"] == "de"

    made = draft(app, sid, "de")
    assert made is not None and made.needs_review
    assert made.title == "[de] Solidarity with the strikers"
    assert published(app, sid, "de") is None
    path = desk_path(sid, "de")
    page = parse(translator.get(path))
    assert page.cssselect("input[name=reviewed]")
    # No second pre-fill over a translation that has words.
    assert not page.cssselect("#prefill-csrf-token")

    form = desk_form(translator, path)
    refused = post(translator, path, {**form, "action": "publish"})
    assert refused.status_code == 422
    assert "say you have read it" in refused.get_data(as_text=True)
    assert published(app, sid, "de") is None
    # Saving the draft without the tick keeps it marked.
    assert post(translator, path, {**form, "action": "save"}).status_code == 302
    assert draft(app, sid, "de").needs_review

    form = desk_form(translator, path)
    form.update(title="Solidarität mit den Streikenden", reviewed="y")
    assert post(translator, path, {**form, "action": "publish"}).status_code == 302
    assert published(app, sid, "de").title == "Solidarität mit den Streikenden"
    assert draft(app, sid, "de") is None


def test_a_service_that_fails_changes_nothing(configured_app: Callable[..., Flask]) -> None:
    with libretranslate() as peer:
        peer.failing = True
        app = configured_app(MACHINE_TRANSLATION="libretranslate", MACHINE_TRANSLATION_URL=peer.url)
        editor = member(app, EDITOR, Role.EDITOR)
        sid = written_statement(app, editor)
        response = prefill(editor, sid, "de")
        assert response.status_code == 302
        assert "did not answer" in editor.get(response.headers["Location"]).get_data(as_text=True)
    assert draft(app, sid, "de") is None


def test_the_client_speaks_libretranslate() -> None:
    with libretranslate() as peer:
        client = LibreTranslate(peer.url, api_key="k")
        assert client.translate(["One", "Two"], "en", "fr") == ["[fr] One", "[fr] Two"]
        assert peer.requests[0]["api_key"] == "k" and peer.requests[0]["path"] == "/translate"
        peer.failing = True
        with pytest.raises(TranslationUnavailable):
            client.translate(["One"], "en", "fr")


@pytest.mark.parametrize(
    "settings",
    [
        {"MACHINE_TRANSLATION": "babelfish"},
        {"MACHINE_TRANSLATION": "libretranslate"},
        {"MACHINE_TRANSLATION": "deepl"},
    ],
)
def test_a_half_made_setting_stops_the_site_starting(settings: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        create_app({"SECRET_KEY": "x" * 40, "TESTING": True, **settings})
