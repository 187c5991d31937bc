"""The subscription pages, the editor's counts and the HTML part of each
email pass the Nu HTML Checker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from admin_helpers import make_maintainer, sign_in
from builders import add, statement
from flask import Flask
from mail_helpers import Inbox, deliver_all, link_in, subscribe, subscribed
from test_html_validity import validate

from ist_flask.channel_types import Delivery
from ist_flask.email_channel import digest_deliveries

pytestmark = pytest.mark.slow


def test_subscription_pages_and_emails_are_valid_html(
    mail_app: Flask, inbox: Inbox, queued: list[tuple[str, Delivery]], tmp_path: Path
) -> None:
    client = mail_app.test_client()
    pages = {f"/{code}/subscribe": client.get(f"/{code}/subscribe") for code in ("en", "ar", "el")}
    pages["errors"] = subscribe(client, "not an address", languages=())
    pages["sent"] = subscribe(client, "reader@example.org", languages=("ar",), lang="ar")
    deliver_all(mail_app, queued)
    confirm_path = link_in(inbox.received[0], "subscribe/confirm")
    pages["confirm"] = client.get(confirm_path)
    subscribed(mail_app, inbox, queued, "daily@example.org", ("en", "ar"), frequency="daily")
    add(
        mail_app,
        statement("2026-11-20T08:00:00Z", {"ar": {"title": "إضراب"}, "en": {"title": "Strike"}}),
    )
    with mail_app.app_context():
        queued.extend(("email", d) for d in digest_deliveries(date(2026, 11, 20)))
    deliver_all(mail_app, queued)
    unsubscribe_path = link_in(inbox.received[-1], "unsubscribe")
    pages["unsubscribe"] = client.get(unsubscribe_path)
    make_maintainer(mail_app)
    editor = mail_app.test_client()
    sign_in(editor)
    pages["admin"] = editor.get("/admin/subscribers")
    documents = {name: answer.get_data(as_text=True) for name, answer in pages.items()}
    for number, received in enumerate(inbox.received):
        documents[f"email {number}"] = received.part("html")

    files = []
    for number, html in enumerate(documents.values()):
        file = tmp_path / f"page-{number}.html"
        file.write_text(html, encoding="utf-8")
        files.append(file)
    names = {f"file:{file}": name for file, name in zip(files, documents, strict=True)}
    errors = [
        f"{names.get(m['url'], m['url'])}: line {m.get('lastLine')}: {m['message']}"
        for m in validate(files)
    ]
    assert errors == [], "\n".join(errors)
