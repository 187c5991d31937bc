"""Subscribing by email: double opt-in, the same answer for every address,
throttling, CSRF and bad input, leaving with one click."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from mail_helpers import Inbox, confirm, deliver_all, link_in, mail_settings, subscribe
from pages import parse
from sqlalchemy import select

from ist_flask.channel_types import Delivery, Undeliverable
from ist_flask.email_channel import email_channel
from ist_flask.extensions import db
from ist_flask.i18n import date_words
from ist_flask.subscriber_models import Subscriber


def subscribers(app: Flask) -> list[Subscriber]:
    with app.app_context():
        return list(db.session.execute(select(Subscriber)).scalars())


def test_the_form_is_404_and_unlinked_while_email_is_off(empty_app: Flask) -> None:
    client = empty_app.test_client()
    assert client.get("/en/subscribe").status_code == 404
    assert "/en/subscribe" not in client.get("/en/about").get_data(as_text=True)


def test_the_footer_and_about_page_link_to_the_form_in_their_language(mail_app: Flask) -> None:
    client = mail_app.test_client()
    assert 'href="/fr/subscribe"' in client.get("/fr/").get_data(as_text=True)
    about = parse(client.get("/de/about"))
    assert len(about.cssselect('a[href="/de/subscribe"]')) == 2
    form = parse(client.get("/fr/subscribe"))
    checked = [box.get("value") for box in form.cssselect("input[name=languages][checked]")]
    assert checked == ["fr"]


def test_subscribing_sends_one_confirmation_and_nothing_else_before_it_is_followed(
    mail_app: Flask, inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    client = mail_app.test_client()
    answer = subscribe(client, "Reader@Example.org", languages=("fr", "en"))
    assert answer.status_code == 200
    assert [s.email for s in subscribers(mail_app)] == ["reader@example.org"]
    assert subscribers(mail_app)[0].confirmed_at is None
    deliver_all(mail_app, queued)
    assert [r.recipients for r in inbox.received] == [["reader@example.org"]]
    # Unconfirmed: the list of recipients of a new statement leaves it out.
    from ist_flask.subscriber_queries import immediate_recipients

    with mail_app.app_context():
        assert list(immediate_recipients(1, "fr")) == []
        # Even a delivery queued for it by mistake is dropped, not sent.
        stray = Delivery(
            "k", {"kind": "statement", "subscriber": 1, "statement": 1, "language": "fr"}
        )
        with pytest.raises(Undeliverable):
            email_channel.deliver(stray)
    assert len(inbox.received) == 1
    path = link_in(inbox.received[0], "subscribe/confirm")
    # Opening the link (as a scanner would) confirms nothing; its button does.
    assert client.get(path).status_code == 200
    assert subscribers(mail_app)[0].confirmed_at is None
    assert confirm(client, path).status_code == 200
    (subscriber,) = subscribers(mail_app)
    assert subscriber.confirmed_at is not None
    with mail_app.app_context():
        assert sorted(db.session.merge(subscriber).language_codes) == ["en", "fr"]


def test_the_confirmation_is_written_in_the_language_of_the_page(
    mail_app: Flask, inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    subscribe(mail_app.test_client(), "lecteur@example.org", languages=("en",), lang="fr")
    deliver_all(mail_app, queued)
    (received,) = inbox.received
    expires = date_words(datetime.now(UTC).date() + timedelta(days=2), "fr")
    assert '<html lang="fr" dir="ltr">' in received.part("html")
    assert received.message["Content-Language"] == "fr"
    for part in (received.part("plain"), received.part("html")):
        assert expires in part
        assert "/fr/subscribe/confirm/" in part
    # A confirmation is no list mail: nothing to unsubscribe from yet.
    assert received.message["List-Unsubscribe"] is None


def test_an_address_gets_the_same_answer_whether_new_or_subscribed(
    configured_app: Callable[..., Flask], inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    app = configured_app(**mail_settings(inbox, SUBSCRIBE_ADDRESS_LIMIT="5 per hour"))
    client = app.test_client()
    subscribe(client, "known@example.org")
    deliver_all(app, queued)
    confirm(client, link_in(inbox.received[0], "subscribe/confirm"))
    known = parse(subscribe(app.test_client(), "known@example.org", languages=("fr",)))
    new = parse(subscribe(app.test_client(), "new@example.org"))
    assert known.cssselect("main")[0].text_content() == new.cssselect("main")[0].text_content()
    # Asking again changes nothing until the address's owner confirms.
    with app.app_context():
        (known_subscriber,) = [s for s in subscribers(app) if s.email == "known@example.org"]
        assert db.session.merge(known_subscriber).language_codes == ["en"]
    deliver_all(app, queued)
    confirm(client, link_in(inbox.received[1], "subscribe/confirm"))
    with app.app_context():
        assert db.session.merge(known_subscriber).language_codes == ["fr"]


def test_one_confirmation_per_address_per_window(
    mail_app: Flask, queued: list[tuple[str, Delivery]]
) -> None:
    assert subscribe(mail_app.test_client(), "twice@example.org").status_code == 200
    again = subscribe(mail_app.test_client(), "TWICE@example.org ")
    assert again.status_code == 429
    assert "Retry-After" in again.headers
    assert "Too many subscription requests" in again.get_data(as_text=True)
    assert len(queued) == 1


def test_one_client_cannot_subscribe_address_after_address(
    configured_app: Callable[..., Flask], inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    app = configured_app(**mail_settings(inbox, SUBSCRIBE_CLIENT_LIMIT="2 per hour"))
    client = app.test_client()
    codes = [subscribe(client, f"victim{n}@example.org").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert len(queued) == 2
    assert len(subscribers(app)) == 2


def test_a_post_without_its_csrf_token_is_refused(
    mail_app: Flask, queued: list[tuple[str, Delivery]]
) -> None:
    answer = mail_app.test_client().post(
        "/en/subscribe", data={"email": "a@example.org", "languages": ["en"]}
    )
    assert answer.status_code == 400
    assert queued == [] and subscribers(mail_app) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "a" * 10_000 + "@example.org"}, "at most 254 characters"),
        ({"email": "a\x01b@example.org"}, "such as name@example.org"),
        ({"email": "a@example.org\r\nBcc: victim@example.net"}, "such as name@example.org"),
        ({"email": "a@example.org, victim@example.net"}, "such as name@example.org"),
        ({"email": "not an address"}, "such as name@example.org"),
        ({"languages": []}, "Choose at least one language"),
        ({"languages": ["xx"]}, "is not a valid choice"),
        ({"topics": ["abc"]}, "Invalid choice"),
        ({"topics": ["7"]}, "is not a valid choice"),
        ({"frequency": "hourly"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_a_400_that_says_why(
    mail_app: Flask, queued: list[tuple[str, Delivery]], fields: dict, message: str
) -> None:
    client = mail_app.test_client()
    answer = subscribe(client, fields.pop("email", "fine@example.org"), **fields)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert queued == [] and subscribers(mail_app) == []


def test_forged_and_expired_links_are_a_clear_4xx(
    mail_app: Flask, inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    client = mail_app.test_client()
    forged = client.get("/en/subscribe/confirm/eyJzIjoxfQ.forged.signature")
    assert forged.status_code == 404
    assert "This link is not valid" in forged.get_data(as_text=True)
    assert client.get("/en/unsubscribe/MQ.forged").status_code == 404
    with mail_app.app_context():
        expired = expired_confirmation_token(mail_app)
    answer = client.get(f"/en/subscribe/confirm/{expired}")
    assert answer.status_code == 410
    assert "<h1>No longer valid</h1>" in answer.get_data(as_text=True)
    assert "This link has expired" in answer.get_data(as_text=True)


def expired_confirmation_token(app: Flask) -> str:
    """A link made as the site makes them, three days ago."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class ThreeDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    signer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="subscribe-confirm", signer=ThreeDaysAgo
    )
    return str(signer.dumps({"s": 1, "i": "en", "l": ["en"], "t": [], "f": "immediate"}))


def test_an_address_never_confirmed_is_forgotten_once_its_link_expires(
    mail_app: Flask, queued: list[tuple[str, Delivery]]
) -> None:
    subscribe(mail_app.test_client(), "forgotten@example.org")
    with mail_app.app_context():
        (subscriber,) = db.session.execute(select(Subscriber)).scalars()
        subscriber.created_at = datetime.now(UTC) - timedelta(days=3)
        db.session.commit()
    subscribe(mail_app.test_client(), "someone-else@example.org")
    assert [s.email for s in subscribers(mail_app)] == ["someone-else@example.org"]


def test_a_confirmation_that_expired_in_the_queue_is_dropped(
    mail_app: Flask, inbox: Inbox, queued: list[tuple[str, Delivery]]
) -> None:
    subscribe(mail_app.test_client(), "slow@example.org")
    with mail_app.app_context():
        late = Delivery(
            "k", {"kind": "confirm", "subscriber": 1, "token": expired_confirmation_token(mail_app)}
        )
        with pytest.raises(Undeliverable):
            email_channel.deliver(late)
    assert inbox.received == []
