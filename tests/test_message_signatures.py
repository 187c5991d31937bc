"""RFC 9421 message signatures: what Mastodon signs is accepted, anything
changed is not; what the `http-message-signatures` library signs with each
algorithm the site takes is accepted.

The Mastodon fixtures are requests Mastodon's own code signed for its tests
(tests/data/mastodon_rfc9421_requests.json says where from).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from ist_flask.http_signatures import SignatureError, new_key_pair
from ist_flask.message_signatures import (
    check_content_digest,
    check_covers,
    check_created,
    parse_message_signature,
    verify_message,
)

MASTODON = json.loads(
    (Path(__file__).parent / "data" / "mastodon_rfc9421_requests.json").read_text()
)
NOW = datetime.fromisoformat(MASTODON["now"])
PUBLIC_KEY = MASTODON["public_key_pem"]
ACCEPTED = MASTODON["accepted"]


def check(request: dict[str, Any], now: datetime = NOW, key: str = PUBLIC_KEY) -> None:
    """Everything the inbox checks of a request, in the inbox's order."""
    headers, body = request["headers"], request["body"].encode()
    signature = parse_message_signature(headers)
    check_covers(signature)
    check_created(signature, now)
    check_content_digest(headers.get("content-digest"), body)
    verify_message(signature, request["method"], request["url"], headers, body, key)


def tampered(request: dict[str, Any], **changes: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(request))
    for name, value in changes.items():
        if name in ("method", "url", "body"):
            copy[name] = value
        else:
            copy["headers"][name.replace("_", "-")] = value
    return copy


def test_a_post_mastodon_signed_is_accepted() -> None:
    check(ACCEPTED)
    assert parse_message_signature(ACCEPTED["headers"]).key_id == MASTODON["key_id"]


SIGNATURE_INPUT = ACCEPTED["headers"]["signature-input"]
SIGNATURE = ACCEPTED["headers"]["signature"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"url": "https://www.example.com/activitypub/alternative-path"}, "does not match"),
        ({"url": "https://www.example.com/activitypub/success?foo=1"}, "does not match"),
        ({"url": "https://other.example/activitypub/success"}, "does not match"),
        ({"url": "http://www.example.com/activitypub/success"}, "does not match"),
        ({"method": "PUT"}, "does not match"),
        ({"body": "Hello world!"}, "Content-Digest does not match"),
        (
            {"content_digest": "sha-256=:wFNeS+K3n/2TKRMFQ2v4iTFOSj+uwF7P/Lt98xrZ5Ro=:"},
            "Content-Digest does not match",
        ),
        ({"content_digest": "SHA-256=:ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=:"}, "Digest"),
        (
            {"signature_input": SIGNATURE_INPUT.replace("1703066400", "1703066401")},
            "does not match",
        ),
        ({"signature_input": SIGNATURE_INPUT.replace("bob", "eve")}, "does not match"),
        ({"signature": SIGNATURE.replace("c4jGY", "c4jGZ")}, "does not match"),
        ({"signature": SIGNATURE.replace("sig1", "sig2")}, "exactly one"),
        ({"signature": SIGNATURE + ", sig2=:AAAA:"}, "exactly one"),
        ({"signature_input": "sig1=(((", "signature": SIGNATURE}, "malformed"),
        ({"signature_input": SIGNATURE_INPUT + ';alg="hmac-sha256"'}, "unsupported"),
        ({"signature_input": SIGNATURE_INPUT.replace(";created=1703066400", "")}, "created"),
        ({"signature_input": SIGNATURE_INPUT.replace(' "@target-uri"', "")}, "@target-uri"),
        ({"signature_input": SIGNATURE_INPUT.replace('"@method" ', "")}, "@method"),
    ],
)
def test_a_tampered_copy_is_refused(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        check(tampered(ACCEPTED, **changes))


def test_a_post_mastodon_signed_without_its_digest_is_refused() -> None:
    unsigned = MASTODON["digest_unsigned"]
    # Signed as Mastodon signs, and genuine: only what it covers is wrong.
    signature = parse_message_signature(unsigned["headers"])
    with pytest.raises(SignatureError, match="does not cover content-digest"):
        check_covers(signature)


def test_a_signature_from_another_key_is_refused() -> None:
    _private, other = new_key_pair()
    with pytest.raises(SignatureError, match="does not match"):
        check(ACCEPTED, key=other)


@pytest.mark.parametrize("minutes", [-6, 6, 60 * 24])
def test_a_created_time_more_than_five_minutes_off_is_refused(minutes: int) -> None:
    with pytest.raises(SignatureError, match="too far"):
        check(ACCEPTED, now=NOW + timedelta(minutes=minutes))


def test_an_expired_signature_is_refused() -> None:
    expiring = SIGNATURE_INPUT + ";expires=1703066460"  # a minute after created
    signature = parse_message_signature({**ACCEPTED["headers"], "signature-input": expiring})
    check_created(signature, NOW)
    with pytest.raises(SignatureError, match="expired"):
        check_created(signature, NOW + timedelta(minutes=2))


@pytest.mark.parametrize("minutes", [-4, 0, 4])
def test_a_created_time_within_five_minutes_is_accepted(minutes: int) -> None:
    check(ACCEPTED, now=NOW + timedelta(minutes=minutes))


class Message:
    """A request as the library's signer reads and writes it."""

    def __init__(self, method: str, url: str, headers: dict[str, str]) -> None:
        self.method, self.url, self.headers = method, url, headers


def pem(key: Any) -> str:
    return str(
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


KEY_ID = "https://peer.example/users/alice#main-key"
URL = "https://ist.example/ap/inbox"
BODY = b'{"type": "Follow"}'


def library_signed(
    algorithm: type[algorithms.HTTPSignatureAlgorithm],
    private_key: Any,
    components: tuple[str, ...] = ("@method", "@target-uri", "content-digest"),
    include_alg: bool = True,
) -> dict[str, str]:
    message = Message("POST", URL, {"Content-Type": "application/activity+json"})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: private_key}),
    )
    signer.sign(
        message,
        key_id=KEY_ID,
        covered_component_ids=components,
        body=BODY,
        include_alg=include_alg,
    )
    return {name.lower(): value for name, value in message.headers.items()}


def library_check(headers: dict[str, str], public_pem: str, url: str = URL) -> None:
    signature = parse_message_signature(headers)
    check_covers(signature)
    check_created(signature, datetime.now(UTC))
    check_content_digest(headers.get("content-digest"), BODY)
    verify_message(signature, "POST", url, headers, BODY, public_pem)


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ED_KEY = ed25519.Ed25519PrivateKey.generate()
CASES = [
    (algorithms.RSA_V1_5_SHA256, RSA_KEY),
    (algorithms.RSA_PSS_SHA512, RSA_KEY),
    (algorithms.ED25519, ED_KEY),
]


@pytest.mark.parametrize(("algorithm", "key"), CASES, ids=lambda c: getattr(c, "algorithm_id", ""))
@pytest.mark.parametrize("include_alg", [True, False])
def test_what_the_library_signs_is_accepted(
    algorithm: type[algorithms.HTTPSignatureAlgorithm], key: Any, include_alg: bool
) -> None:
    if algorithm is algorithms.RSA_PSS_SHA512 and not include_alg:
        # Without `alg`, an RSA key means rsa-v1_5-sha256 (Mastodon's): PSS must say so.
        with pytest.raises(SignatureError, match="does not match"):
            library_check(library_signed(algorithm, key, include_alg=False), pem(key))
        return
    headers = library_signed(algorithm, key, include_alg=include_alg)
    library_check(headers, pem(key))
    with pytest.raises(SignatureError, match="does not match"):
        library_check(headers, pem(key), url=URL + "?x=1")


def test_path_and_authority_stand_for_the_target_uri() -> None:
    headers = library_signed(
        algorithms.ED25519, ED_KEY, ("@method", "@path", "@authority", "content-digest")
    )
    library_check(headers, pem(ED_KEY))
    only_path = library_signed(algorithms.ED25519, ED_KEY, ("@method", "@path", "content-digest"))
    with pytest.raises(SignatureError, match="does not cover @target-uri"):
        library_check(only_path, pem(ED_KEY))


def test_an_algorithm_that_does_not_fit_the_key_is_refused() -> None:
    headers = library_signed(algorithms.ED25519, ED_KEY)
    with pytest.raises(SignatureError, match="does not match"):
        library_check(headers, pem(RSA_KEY))
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ecdsa = library_signed(algorithms.ECDSA_P256_SHA256, ec_key, include_alg=False)
    with pytest.raises(SignatureError, match="neither RSA nor Ed25519"):
        library_check(ecdsa, pem(ec_key))
