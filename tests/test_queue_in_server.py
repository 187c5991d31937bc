"""The served site (`python wsgi.py`) runs the job queue's consumer itself:
a statement published in the editor reaches a WebSub hub with no other
process running; and the minute task announces a statement whose time has
come, by itself."""

from __future__ import annotations

import http.cookiejar
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from admin_helpers import EMAIL, PASSWORD, new_statement
from builders import add, statement
from flask import Flask
from reach_helpers import Hub, recording
from servers import ROOT, flask_command, running_site, site_environment
from sqlalchemy import update

from ist_flask import jobs
from ist_flask.extensions import db
from ist_flask.models import Statement

pytestmark = pytest.mark.slow

# Plain http: an https address would make the session cookie Secure, which
# the test's browser would not send back to 127.0.0.1.
SITE = "http://ist.example"


def wait_until(condition: Callable[[], object], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "it did not happen"
        time.sleep(0.1)


class Browser:
    """Forms over real HTTP, with cookies, as a maintainer's browser sends them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def form(self, path: str, selector: str = "form") -> dict[str, str]:
        with self.opener.open(self.base + path, timeout=30) as answer:
            page = lxml.html.fromstring(answer.read())
        form = page.cssselect(selector)[0]
        fields: dict[str, str] = {}
        for element in form.iter("input", "textarea", "select"):
            name = element.get("name")
            kind = element.get("type", "")
            if not name or (kind in ("radio", "checkbox") and element.get("checked") is None):
                continue
            if element.tag == "textarea":
                fields[name] = element.text or ""
            elif element.tag == "select":
                chosen = element.cssselect("option[selected]") or element.cssselect("option")
                fields[name] = chosen[0].get("value")
            else:
                fields[name] = element.get("value", "y" if kind == "checkbox" else "")
        return fields

    def submit(self, path: str, fields: dict[str, str]) -> int:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        with self.opener.open(self.base + path, data=body, timeout=30) as answer:
            return answer.status


def test_the_served_site_pings_the_hub_when_a_statement_is_published(
    tmp_path: Path, database_uri: str
) -> None:
    flask_command(database_uri, "users", "create", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    with (
        Hub() as hub,
        running_site(
            tmp_path,
            database_uri,
            extra_environment={
                "IST_WEBSUB_HUBS": hub.url,
                "IST_SITE_URL": SITE,
                "IST_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            },
        ) as url,
    ):
        browser = Browser(url)
        login = browser.form("/admin/login")
        browser.submit("/admin/login", {**login, "email": EMAIL, "password": PASSWORD})
        new = "/admin/statements/new"
        form = browser.form(new, "form.editor-form")
        assert browser.submit(new, {**form, **new_statement()}) == 200
        # All of them before the server stops: the pings run in any order.
        wait_until(
            lambda: (
                hub.pinged_feeds()
                >= {f"{SITE}/en/feed.atom", f"{SITE}/fr/feed.json", f"{SITE}/feed.atom"}
                | {f"{SITE}/feed.rss", f"{SITE}/feed.json"}
            )
        )
    assert hub.pinged_feeds() >= {f"{SITE}/feed.atom", f"{SITE}/feed.rss", f"{SITE}/feed.json"}


def test_a_consumer_announces_a_scheduled_statement_within_a_minute_of_its_time(
    configured_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """No task is queued by hand: huey's scheduler runs the minute task."""
    app = configured_app(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    channel = recording(app)
    add(
        app,
        statement((datetime.now(UTC) + timedelta(days=1)).isoformat(), {"en": {"title": "Soon"}}),
    )
    with app.app_context():
        # Its time comes.
        db.session.execute(update(Statement).values(published_at=datetime.now(UTC)))
        db.session.commit()
    consumer = jobs.start_consumer(app)
    try:
        wait_until(lambda: channel.heard())
    finally:
        consumer.stop(graceful=True)
    assert [kind for kind, _, _ in channel.heard()] == ["publish"]


def test_on_redis_the_server_only_queues_and_flask_worker_delivers(
    tmp_path: Path, database_uri: str
) -> None:
    queue_url = "redis://127.0.0.1:6379/4"
    jobs.make_huey(queue_url).flush()
    settings = {"IST_QUEUE_URL": queue_url, "IST_SITE_URL": SITE}
    flask_command(database_uri, "users", "create", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    with Hub() as hub:
        settings["IST_WEBSUB_HUBS"] = hub.url
        with running_site(tmp_path, database_uri, extra_environment=settings) as url:
            browser = Browser(url)
            login = browser.form("/admin/login")
            browser.submit("/admin/login", {**login, "email": EMAIL, "password": PASSWORD})
            new = "/admin/statements/new"
            form = browser.form(new, "form.editor-form")
            assert browser.submit(new, {**form, **new_statement()}) == 200
        # The server queued the events and ran nothing: it has stopped.
        assert jobs.make_huey(queue_url).pending_count() == 2
        assert hub.pings == []
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "ist_flask", "worker"],
            cwd=ROOT,
            env={**site_environment(database_uri), **settings},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        every_feed = {
            f"{SITE}{scope}/feed.{suffix}"
            for scope in ("", "/en", "/fr")
            for suffix in ("atom", "rss", "json")
        }
        try:
            # All of them: the worker stopped after the first one left the
            # rest queued (the pings run in any order).
            wait_until(lambda: hub.pinged_feeds() >= every_feed)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)
    jobs.make_huey(queue_url).flush()
    assert hub.pinged_feeds() == every_feed
