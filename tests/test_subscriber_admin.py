"""What maintainers see and do about subscribers: counts, never addresses;
an address's data exported or forgotten on request."""

from __future__ import annotations

import json

from admin_helpers import make_maintainer, sign_in
from flask import Flask
from mail_helpers import Inbox, subscribe, subscribed

from ist_flask.channel_types import Delivery

Queue = list[tuple[str, Delivery]]


def test_the_editor_shows_counts_per_language_and_no_address(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "one@example.org", ("fr", "en"))
    subscribed(mail_app, inbox, queued, "two@example.org", ("fr",))
    subscribe(mail_app.test_client(), "waiting@example.org")
    make_maintainer(mail_app)
    editor = mail_app.test_client()
    sign_in(editor)
    page = editor.get("/admin/subscribers").get_data(as_text=True)
    assert "@example.org" not in page.replace("editor@example.org", "")
    assert "<td>2</td>" in page and "<td>1</td>" in page
    assert "Addresses waiting for confirmation: 1." in page
    assert mail_app.test_client().get("/admin/subscribers").status_code == 302


def test_an_address_is_exported_then_forgotten(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "Reader@example.org", ("de",), lang="de", frequency="daily")
    runner = mail_app.test_cli_runner()
    exported = runner.invoke(args=["subscribers", "export", "READER@example.org"])
    assert exported.exit_code == 0, exported.output
    record = json.loads(exported.output)
    assert record["email"] == "reader@example.org"
    assert record["languages"] == ["de"] and record["frequency"] == "daily"
    assert record["confirmed_at"]
    counted = runner.invoke(args=["subscribers", "count"])
    assert "de\t1" in counted.output and "unconfirmed\t0" in counted.output
    assert runner.invoke(args=["subscribers", "delete", "reader@example.org"]).exit_code == 0
    missing = runner.invoke(args=["subscribers", "export", "reader@example.org"])
    assert missing.exit_code == 1 and "no subscriber reader@example.org" in missing.output
    assert runner.invoke(args=["subscribers", "delete", "reader@example.org"]).exit_code == 1
