"""HTTP signatures: what Mastodon signs is accepted, anything changed is not.

The fixtures are requests Mastodon's own code signed for its tests
(tests/data/mastodon_signed_requests.json says where from), not requests
signed here: they show the verifier reads the draft as Mastodon writes it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ist_flask.http_signatures import (
    SignatureError,
    check_covers,
    check_date,
    check_digest,
    new_key_pair,
    parse_signature,
    private_key,
    signed_headers,
    verify,
)

MASTODON = json.loads(
    (Path(__file__).parent / "data" / "mastodon_signed_requests.json").read_text()
)
NOW = datetime.fromisoformat(MASTODON["now"])
PUBLIC_KEY = MASTODON["public_key_pem"]


def check(request: dict[str, Any], now: datetime = NOW, key: str = PUBLIC_KEY) -> None:
    """Everything the inbox checks of a request, in the inbox's order."""
    headers = request["headers"]
    signature = parse_signature(headers["signature"])
    check_covers(signature, request["method"])
    check_date(headers["date"], now)
    if request["body"] is not None:
        check_digest(headers.get("digest"), request["body"].encode())
    verify(signature, request["method"], request["target"], headers, key)


@pytest.mark.parametrize("request_", MASTODON["accepted"], ids=lambda r: r["name"])
def test_requests_mastodon_signed_are_accepted(request_: dict[str, Any]) -> None:
    check(request_)
    assert parse_signature(request_["headers"]["signature"]).key_id == MASTODON["key_id"]


def tampered(request: dict[str, Any], **changes: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(request))
    for name, value in changes.items():
        if name in ("method", "target", "body"):
            copy[name] = value
        else:
            copy["headers"][name] = value
    return copy


GET, QUERY, POST = MASTODON["accepted"]


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (tampered(GET, target="/activitypub/alternative-path"), "does not match"),
        (tampered(GET, method="POST"), "does not cover"),
        (tampered(QUERY, target="/activitypub/success?foo=43"), "does not match"),
        (tampered(GET, host="evil.example"), "does not match"),
        (tampered(POST, body="Hello World"), "Digest does not match"),
        (
            tampered(
                POST,
                body="Goodbye",
                digest="SHA-256=wBWtbdr4u1BonS18vxU53/bdhEc1gqCO0dFdhB9CVPQ=",
            ),
            "signature does not match",
        ),
        (tampered(POST, digest=None), "Digest header is missing"),
        (
            tampered(GET, signature=GET["headers"]["signature"].replace("Z8il", "Z8im")),
            "does not match",
        ),
        (
            tampered(
                GET, signature=GET["headers"]["signature"].replace("rsa-sha256", "hmac-sha256")
            ),
            "unsupported",
        ),
        (tampered(GET, signature='keyId="x",signature="abc="'), "not a URL"),
        (tampered(GET, signature="nonsense"), "malformed"),
        (tampered(GET, date="wrong date"), "not an HTTP date"),
        (MASTODON["refused_post_without_signed_digest"], "does not cover digest"),
    ],
)
def test_a_tampered_copy_is_refused(request_: dict[str, Any], reason: str) -> None:
    if request_["headers"].get("digest") is None:
        request_["headers"].pop("digest", None)
    with pytest.raises(SignatureError, match=reason):
        check(request_)


def test_a_signature_from_another_key_is_refused() -> None:
    _private, other_public = new_key_pair()
    with pytest.raises(SignatureError, match="does not match"):
        check(GET, key=other_public)


@pytest.mark.parametrize("minutes", [-6, 6, 60 * 24])
def test_a_date_more_than_five_minutes_off_is_refused(minutes: int) -> None:
    with pytest.raises(SignatureError, match="too far"):
        check(GET, now=NOW + timedelta(minutes=minutes))


@pytest.mark.parametrize("minutes", [-4, 4])
def test_a_date_within_five_minutes_is_accepted(minutes: int) -> None:
    check(GET, now=NOW + timedelta(minutes=minutes))


def test_what_the_site_signs_verifies_and_covers_its_body() -> None:
    private, public = new_key_pair()
    body = b'{"type": "Create"}'
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    sent = signed_headers(
        "POST",
        "https://mastodon.example/inbox?x=1",
        "https://ist.example/ap/actors/fr#main-key",
        private,
        body,
        now,
    )
    headers = {name.lower(): value for name, value in sent.items()}
    assert headers["host"] == "mastodon.example"
    assert headers["date"] == "Sat, 28 Nov 2026 12:00:00 GMT"
    request = {"method": "POST", "target": "/inbox?x=1", "body": body.decode(), "headers": headers}
    check(request, now=now, key=public)
    with pytest.raises(SignatureError):
        check({**request, "target": "/inbox"}, now=now, key=public)


def test_a_key_signing_many_posts_is_loaded_once() -> None:
    # Loading a private key checks it (tens of ms of CPU); a worker signing
    # a thousand POSTs with one actor's key must not pay that each time.
    private, _public = new_key_pair()
    assert private_key(private) is private_key(private)
    again = signed_headers(
        "POST", "https://a.example/inbox", "k", private, b"{}", datetime.now(UTC)
    )
    assert again["Signature"].startswith('keyId="k"')
    assert private_key(new_key_pair()[0]) is not private_key(private)


def test_a_new_key_pair_is_rsa_2048() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private, public = new_key_pair()
    key = serialization.load_pem_private_key(private.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
