"""HTTP Message Signatures (RFC 9421) on inbox POSTs, and the Content-Digest
(RFC 9530) they cover: what Mastodon sends since 4.5 (rsa-v1_5-sha256 with
its RSA keys, no `alg` parameter), besides the draft-cavage Signature of
http_signatures.py.

The signature base and the cryptography are the `http-message-signatures`
library's (README, "Following on the fediverse"); what this module adds is
the site's policy: one signature, what it must cover, how old it may be, and
which algorithm a key without `alg` means. No Flask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import http_sf
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)

from .http_signatures import DATE_WINDOW, MAX_SIGNATURE_HEADER, SignatureError

# The algorithms taken; others (HMAC needs a shared secret, ECDSA no server sends) are refused.
ALGORITHMS: dict[str, type[algorithms.HTTPSignatureAlgorithm]] = {
    algorithm.algorithm_id: algorithm
    for algorithm in (algorithms.RSA_V1_5_SHA256, algorithms.RSA_PSS_SHA512, algorithms.ED25519)
}
# What a POST's signature must cover: what it does, its body, and where:
# the whole target URI, or its path and authority (RFC 9421 2.2).
REQUIRED = ("@method", "content-digest")
WHERE = (("@target-uri",), ("@path", "@authority"))


@dataclass(frozen=True)
class MessageSignature:
    """The one signature of a request: its label and Signature-Input parameters."""

    label: str
    key_id: str
    components: tuple[str, ...]
    created: int | None
    algorithm: str | None
    expires: int | None = None


def parse_message_signature(headers: Mapping[str, str]) -> MessageSignature:
    """The Signature-Input and Signature headers' one signature, or SignatureError."""
    given_input, given = headers.get("signature-input", ""), headers.get("signature", "")
    if len(given_input) > MAX_SIGNATURE_HEADER or len(given) > MAX_SIGNATURE_HEADER:
        raise SignatureError("the Signature-Input or Signature header is too long")
    try:
        inputs = _dictionary(given_input)
        signatures = _dictionary(given)
    except (ValueError, UnicodeEncodeError) as error:
        raise SignatureError("the Signature-Input or Signature header is malformed") from error
    # Several signatures would need a policy for choosing; no server sends them.
    if len(inputs) != 1 or set(inputs) != set(signatures):
        raise SignatureError("the request must carry exactly one signature")
    ((label, (members, parameters)),) = inputs.items()
    if not isinstance(members, list) or not isinstance(signatures[label][0], bytes):
        raise SignatureError("the Signature-Input or Signature header is malformed")
    key_id, created, algorithm, expires = (
        parameters.get(k) for k in ("keyid", "created", "alg", "expires")
    )
    if not isinstance(key_id, str) or not key_id.startswith(("https://", "http://")):
        raise SignatureError("the signature's keyid is not a URL")
    if algorithm is not None and algorithm not in ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {algorithm!r}")
    # A component with parameters (a dictionary key, a query parameter) is
    # not the whole of what it names: only bare names count as covered.
    components = tuple(name for name, params in members if isinstance(name, str) and not params)
    return MessageSignature(
        label,
        key_id,
        components,
        created if type(created) is int else None,
        str(algorithm) if algorithm is not None else None,
        expires if type(expires) is int else None,
    )


def _dictionary(value: str) -> dict[str, Any]:
    """A Structured Field Dictionary (RFC 8941), or ValueError."""
    parsed = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    if not isinstance(parsed, dict):
        raise ValueError("not a dictionary")
    return parsed


def check_covers(signature: MessageSignature) -> None:
    """A POST's signature must cover its method, its target and its body."""
    missing = [name for name in REQUIRED if name not in signature.components]
    if not any(all(name in signature.components for name in where) for where in WHERE):
        missing.append("@target-uri")
    if missing:
        raise SignatureError("the signature does not cover " + ", ".join(missing))


def check_created(signature: MessageSignature, now: datetime, window: int = DATE_WINDOW) -> None:
    """SignatureError unless the signature was created within ``window`` of ``now``
    (the window of the draft's Date)."""
    if signature.created is None:
        raise SignatureError("the signature has no created time")
    if abs(now.timestamp() - signature.created) > window:
        raise SignatureError("the signature's created time is too far from now")
    if signature.expires is not None and signature.expires <= now.timestamp():
        raise SignatureError("the signature has expired")


def check_content_digest(value: str | None, body: bytes) -> None:
    """SignatureError unless ``value`` (a Content-Digest) holds the body's digest."""
    if not value:
        raise SignatureError("the Content-Digest header is missing")
    try:
        ContentDigest.verify(value, body)
    except HTTPMessageSignaturesException as error:
        raise SignatureError("the Content-Digest does not match the body") from error


@dataclass(frozen=True)
class _Request:
    """What the library reads of a request."""

    method: str
    url: str
    headers: Mapping[str, str]


class _Verifier(HTTPMessageVerifier):
    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        # Checked when the request came (check_created): the worker verifies
        # a kept request minutes later, when it may have expired meanwhile.
        return None


def verify_message(
    signature: MessageSignature,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    public_pem: str,
) -> None:
    """SignatureError unless the request (``url`` as the sender addressed it)
    was signed by ``public_pem``'s key, its signed Content-Digest being ``body``'s."""
    try:
        key: Any = serialization.load_pem_public_key(public_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise SignatureError("the sender's public key is unreadable") from error
    algorithm = ALGORITHMS.get(signature.algorithm or _algorithm_of(key))
    if algorithm is None:
        raise SignatureError("the sender's key is neither RSA nor Ed25519")
    verifier = _Verifier(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={signature.key_id: key}, private_keys={}),
    )
    try:
        verifier.verify(
            _Request(method.upper(), url, headers),
            max_age=None,
            require_components=REQUIRED,
            body=body,
        )
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        raise SignatureError("the signature does not match") from error


def _algorithm_of(key: Any) -> str:
    """What a signature without `alg` means for ``key``: Mastodon's choice for RSA."""
    if isinstance(key, rsa.RSAPublicKey):
        return algorithms.RSA_V1_5_SHA256.algorithm_id
    if isinstance(key, ed25519.Ed25519PublicKey):
        return algorithms.ED25519.algorithm_id
    return ""
