"""What subscribers receive: one message per new statement in their
languages, digests, the headers mail providers need, DKIM, and nothing more
once they leave."""

from __future__ import annotations

import subprocess
from base64 import b64encode
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import dkim
import pytest
from builders import add, statement
from flask import Flask
from groups_data import add_grouped
from mail_helpers import REFUSED, SITE_URL, Inbox, deliver_all, link_in, mail_settings, subscribed
from sqlalchemy import select

from ist_flask.channel_types import Delivery, Event, Undeliverable
from ist_flask.email_channel import digest_deliveries, email_channel
from ist_flask.extensions import db
from ist_flask.i18n import date_words
from ist_flask.models import Translation
from ist_flask.subscriber_models import Subscriber

Queue = list[tuple[str, Delivery]]


def publish(app: Flask, published: str, titles: dict[str, str], **extra: object) -> int:
    """Add a statement with these titles; its id."""
    translations = {
        code: {"title": title, "summary": f"Summary: {title}."} for code, title in titles.items()
    }
    add(app, statement(published, translations, **extra))
    with app.app_context():
        title = next(iter(titles.values()))
        found = db.session.execute(select(Translation).where(Translation.title == title))
        return found.scalar_one().statement_id


def published_event(app: Flask, statement_id: int, language: str, queued: Queue) -> None:
    """What the queue does with a publish event: the channel's deliveries, queued."""
    with app.app_context():
        event = Event("publish", statement_id, language, datetime.now(UTC))
        queued.extend(("email", d) for d in email_channel.deliveries(event))


def test_a_statement_reaches_its_languages_subscribers_in_their_language(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "lecteur@example.org", ("fr",), lang="fr")
    subscribed(mail_app, inbox, queued, "reader@example.org", ("en",))
    sid = publish(
        mail_app, "2026-11-27T23:30:00Z", {"fr": "La grève continue", "en": "The strike goes on"}
    )
    published_event(mail_app, sid, "fr", queued)
    assert len(queued) == 1
    deliver_all(mail_app, queued)
    (received,) = inbox.received
    assert received.recipients == ["lecteur@example.org"]
    message = received.message
    assert message["Subject"] == "La grève continue"
    assert message["From"] == "IST <news@example.org>"
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = received.part("plain"), received.part("html")
    day = date_words(date(2026, 11, 27), "fr")  # UTC, the site's zone
    link = f"{SITE_URL}/fr/statements/la-greve-continue"
    for part in (text, html):
        assert "La grève continue" in part and day in part and link in part
        assert "Summary: La grève continue." in part
    assert '<html lang="fr" dir="ltr">' in html
    # The HTML part escapes what the text part shows as it is.
    assert "<script" not in html


def test_the_headers_offer_one_click_unsubscribe(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "reader@example.org")
    sid = publish(mail_app, "2026-11-27T10:00:00Z", {"en": "First"})
    published_event(mail_app, sid, "en", queued)
    deliver_all(mail_app, queued)
    message = inbox.received[0].message
    path = link_in(inbox.received[0], "unsubscribe")
    # Folded over lines as any long header may be (RFC 5322 2.2.3).
    header = " ".join(message["List-Unsubscribe"].split())
    assert header.startswith(f"<{SITE_URL}{path}>, <mailto:leave@example.org?subject=unsubscribe")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A mail client's one click: no CSRF token, the token in the link is the authority.
    client = mail_app.test_client()
    answer = client.post(
        path,
        data=b"List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    with mail_app.app_context():
        assert db.session.execute(select(Subscriber)).first() is None
    # Gone: no recipient of the next statement, and nothing queued before is sent.
    second = publish(mail_app, "2026-11-28T10:00:00Z", {"en": "Second"})
    published_event(mail_app, second, "en", queued)
    assert queued == []
    with mail_app.app_context(), pytest.raises(Undeliverable):
        email_channel.deliver(
            Delivery(
                "k", {"kind": "statement", "subscriber": 1, "statement": sid, "language": "en"}
            )
        )
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_unsubscribe_page_asks_first_and_its_form_needs_its_token(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "reader@example.org")
    sid = publish(mail_app, "2026-11-27T10:00:00Z", {"en": "First"})
    published_event(mail_app, sid, "en", queued)
    deliver_all(mail_app, queued)
    path = link_in(inbox.received[0], "unsubscribe")
    client = mail_app.test_client()
    assert client.get(path).status_code == 200
    assert client.post(path, data={}).status_code == 400
    with mail_app.app_context():
        assert db.session.execute(select(Subscriber)).first() is not None
    from admin_helpers import csrf_token

    assert client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code == 200
    with mail_app.app_context():
        assert db.session.execute(select(Subscriber)).first() is None


def test_updates_deletions_and_other_languages_send_nothing(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "reader@example.org", ("fr",))
    sid = publish(mail_app, "2026-11-27T10:00:00Z", {"en": "Only English", "fr": "Français"})
    published_event(mail_app, sid, "en", queued)
    with mail_app.app_context():
        for kind in ("update", "delete"):
            event = Event(kind, sid, "fr", datetime.now(UTC))  # type: ignore[arg-type]
            assert list(email_channel.deliveries(event)) == []
    assert queued == []


def test_a_scheduled_statement_is_not_sent_before_its_time(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "reader@example.org")
    sid = publish(mail_app, "2999-01-01T00:00:00Z", {"en": "Tomorrow's news"})
    published_event(mail_app, sid, "en", queued)
    assert queued == []


def test_topic_subscribers_get_only_their_topics(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    add_grouped(mail_app)
    with mail_app.app_context():
        ids = dict(db.session.execute(select(Translation.title, Translation.statement_id)).all())
    form = mail_app.test_client().get("/en/subscribe").get_data(as_text=True)
    assert "Anti-war" in form and "Declarations" in form
    anti_war = "1"  # the first topic the import made
    subscribed(mail_app, inbox, queued, "peace@example.org", topics=[anti_war])
    subscribed(mail_app, inbox, queued, "all@example.org")
    published_event(mail_app, ids["Stop the war"], "en", queued)
    assert len(queued) == 2
    queued.clear()
    published_event(mail_app, ids["Founding declaration"], "en", queued)
    assert [d.payload["subscriber"] for _c, d in queued] == [2]


def test_the_daily_digest_gathers_a_days_statements_in_the_subscribers_languages(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(
        mail_app, inbox, queued, "daily@example.org", ("fr", "de"), lang="de", frequency="daily"
    )
    subscribed(mail_app, inbox, queued, "now@example.org", ("fr",))
    first = publish(mail_app, "2026-11-20T08:00:00Z", {"fr": "Matin", "en": "Morning"})
    publish(mail_app, "2026-11-20T20:00:00Z", {"de": "Abend"})
    publish(mail_app, "2026-11-21T08:00:00Z", {"fr": "Lendemain"})
    published_event(mail_app, first, "fr", queued)
    assert [d.payload["subscriber"] for _c, d in queued] == [2]  # the daily one waits
    queued.clear()
    with mail_app.app_context():
        queued.extend(("email", d) for d in digest_deliveries(date(2026, 11, 20)))
        assert list(digest_deliveries(date(2026, 11, 19))) == []
    assert len(queued) == 1
    deliver_all(mail_app, queued)
    (received,) = inbox.received
    assert received.recipients == ["daily@example.org"]
    # The digest speaks the language the address subscribed in.
    assert date_words(date(2026, 11, 20), "de") in received.message["Subject"]
    assert '<html lang="de" dir="ltr">' in received.part("html")
    for part in (received.part("plain"), received.part("html")):
        assert "Matin" in part and "Abend" in part
        assert "Morning" not in part and "Lendemain" not in part
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_mailbox_refused_for_good_is_dropped_not_retried(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    from mail_helpers import subscribe

    subscribe(mail_app.test_client(), REFUSED)
    with mail_app.app_context(), pytest.raises(Undeliverable):
        email_channel.deliver(queued[0][1])
    assert inbox.received == []


def dkim_key(folder: Path) -> tuple[Path, bytes]:
    """A fresh RSA key (OpenSSL) and its DNS TXT record."""
    key = folder / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key, b"v=DKIM1; k=rsa; p=" + b64encode(public)


def test_dkim_signed_mail_verifies_against_the_published_key(
    configured_app: Callable[..., Flask], inbox: Inbox, queued: Queue, tmp_path: Path
) -> None:
    key, record = dkim_key(tmp_path)
    app = configured_app(
        **mail_settings(
            inbox, DKIM_SELECTOR="ist", DKIM_DOMAIN="example.org", DKIM_PRIVATE_KEY_FILE=str(key)
        )
    )
    subscribed(app, inbox, queued, "reader@example.org", ("el",), lang="el")
    sid = publish(app, "2026-11-27T10:00:00Z", {"el": "Απεργία"})
    published_event(app, sid, "el", queued)
    deliver_all(app, queued)
    data = inbox.received[0].data
    assert data.startswith(b"DKIM-Signature:")

    def dns(name: bytes, timeout: int = 5) -> bytes:
        return record if name == b"ist._domainkey.example.org." else b""

    assert dkim.verify(data, dnsfunc=dns)
    # A message changed on the way no longer verifies.
    forged = data.replace(b"To: reader@example.org", b"To: victim@example.net")
    assert forged != data
    assert not dkim.verify(forged, dnsfunc=dns)


def test_the_worker_keeps_to_the_mail_rate(
    configured_app: Callable[..., Flask], inbox: Inbox
) -> None:
    from ist_flask.throttle import mail_pace

    app = configured_app(**mail_settings(inbox, MAIL_RATE="2 per hour"))
    with app.app_context():
        waits = [mail_pace().room() for _ in range(3)]
    assert waits[:2] == [0, 0]
    assert 0 < waits[2] <= 3600


def test_a_full_window_of_a_second_waits_a_fraction_of_it(
    configured_app: Callable[..., Flask], inbox: Inbox
) -> None:
    """Waiting whole seconds would hold "25 per second" well below 25."""
    from ist_flask.throttle import mail_pace

    app = configured_app(**mail_settings(inbox, MAIL_RATE="3 per second"))
    with app.app_context():
        waits = [mail_pace().room() for _ in range(4)]
    assert waits[:3] == [0, 0, 0]
    assert 0 < waits[3] < 1


def test_a_title_with_a_line_break_makes_a_one_line_subject(
    mail_app: Flask, inbox: Inbox, queued: Queue
) -> None:
    subscribed(mail_app, inbox, queued, "reader@example.org")
    sid = publish(mail_app, "2026-11-27T10:00:00Z", {"en": "Two\nlines"})
    published_event(mail_app, sid, "en", queued)
    deliver_all(mail_app, queued)
    assert inbox.received[0].message["Subject"] == "Two lines"
