"""HTTP signatures as the fediverse sends them (draft-cavage-http-signatures-12,
rsa-sha256), and the Digest header they cover.

Mastodon, Pleroma, Misskey and GoToSocial sign every inbox POST this way;
RFC 9421 (HTTP Message Signatures), accepted by Mastodon only since 4.5 and
sent by almost nobody yet, is message_signatures.py's. No Flask here: the
inbox hands in the request's parts, the worker its own outgoing ones, and
tests Mastodon's captured ones.

Why not a library for this draft (README, "Following on the fediverse"):
`http-message-signatures` and `requests-http-signature` 2.x do RFC 9421 only;
`httpsig` (draft-cavage) has had no release since 2018; bovine and apkit
carry it inside whole frameworks (aiohttp, pydantic, a JSON-LD processor).
The draft's signing string is a few lines; the cryptography is
`cryptography`'s.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

# How far a signed request's Date may be from now, either way, in seconds.
# Mastodon allows 12 hours back (and an hour ahead); five minutes leaves a
# captured request little time to be replayed.
DATE_WINDOW = 300
# A Signature header longer than this is nobody's (a 4096-bit key's is ~900).
MAX_SIGNATURE_HEADER = 4096
# The headers a POST must sign: what it is, where, when and its body.
REQUIRED_FOR_POST = ("(request-target)", "host", "date", "digest")
# Algorithms meaning RSASSA-PKCS1-v1_5 with SHA-256 ("hs2019": "ask the key").
RSA_SHA256 = {"rsa-sha256", "hs2019"}
_PARAMETER = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(ValueError):
    """A request whose signature cannot be accepted, and why (safe to show)."""


@dataclass(frozen=True)
class Signature:
    """The parts of a Signature header."""

    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


def parse_signature(value: str) -> Signature:
    """The Signature header's parameters, or SignatureError."""
    if len(value) > MAX_SIGNATURE_HEADER:
        raise SignatureError("the Signature header is too long")
    parameters: dict[str, str] = {}
    position = 0
    while position < len(value):
        found = _PARAMETER.match(value, position)
        if found is None:
            raise SignatureError("the Signature header is malformed")
        parameters[found.group(1)] = found.group(2)
        position = found.end()
    key_id = parameters.get("keyId", "")
    if not key_id.startswith(("https://", "http://")):
        raise SignatureError("the signature's keyId is not a URL")
    algorithm = parameters.get("algorithm", "hs2019").lower()
    if algorithm not in RSA_SHA256:
        raise SignatureError(f"unsupported signature algorithm {algorithm!r}")
    # The draft's default is the Date header alone.
    headers = tuple(parameters.get("headers", "date").lower().split())
    try:
        signature = base64.b64decode(parameters.get("signature", ""), validate=True)
    except ValueError as error:
        raise SignatureError("the signature is not Base64") from error
    if not signature:
        raise SignatureError("the signature is empty")
    return Signature(key_id, algorithm, headers, signature)


def signing_string(
    method: str, target: str, headers: Mapping[str, str], names: tuple[str, ...]
) -> bytes:
    """What was signed: each named header as "name: value", one a line.
    ``target`` is the path with its query; ``headers`` are looked up by
    lower-case name."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
            continue
        value = headers.get(name)
        if value is None:
            raise SignatureError(f"the signed header {name!r} is missing")
        lines.append(f"{name}: {value.strip()}")
    return "\n".join(lines).encode("utf-8")


def body_digest(body: bytes) -> str:
    """The Digest header of ``body``, as Mastodon writes it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def check_digest(value: str | None, body: bytes) -> None:
    """SignatureError unless ``value`` holds the body's SHA-256."""
    if not value:
        raise SignatureError("the Digest header is missing")
    expected = hashlib.sha256(body).digest()
    for part in value.split(","):
        algorithm, _sep, encoded = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            try:
                given = base64.b64decode(encoded, validate=True)
            except ValueError as error:
                raise SignatureError("the Digest is not Base64") from error
            if given != expected:
                raise SignatureError("the Digest does not match the body")
            return
    raise SignatureError("the Digest has no SHA-256")


def check_date(value: str | None, now: datetime, window: int = DATE_WINDOW) -> None:
    """SignatureError unless ``value`` is an HTTP date within ``window`` of ``now``."""
    if not value:
        raise SignatureError("the Date header is missing")
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError) as error:
        raise SignatureError("the Date header is not an HTTP date") from error
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if abs((now - sent).total_seconds()) > window:
        raise SignatureError("the Date is too far from now")


def check_covers(signature: Signature, method: str) -> None:
    """A POST's signature must cover what it does, where, when and its body."""
    if method.upper() == "POST":
        missing = [name for name in REQUIRED_FOR_POST if name not in signature.headers]
        if missing:
            raise SignatureError("the signature does not cover " + ", ".join(missing))


def verify(
    signature: Signature, method: str, target: str, headers: Mapping[str, str], public_pem: str
) -> None:
    """SignatureError unless ``signature`` was made by ``public_pem``'s key."""
    # `cryptography` (about 6 MB) is imported where keys are used, so that a
    # process that never signs or verifies never loads it.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        key = serialization.load_pem_public_key(public_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise SignatureError("the sender's public key is unreadable") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("the sender's key is not an RSA key")
    message = signing_string(method, target, headers, signature.headers)
    try:
        key.verify(signature.signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise SignatureError("the signature does not match") from error


def new_key_pair() -> tuple[str, str]:
    """A new RSA 2048 key pair as PEM: (private, public)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private, public


@functools.lru_cache(maxsize=32)
def private_key(private_pem: str) -> rsa.RSAPrivateKey:
    """The key in ``private_pem``, loaded once a process. Loading checks the
    RSA key's consistency, about 28 ms of CPU (cryptography 45), a hundred
    times a signature's cost; a worker signs thousands of POSTs with the
    same few actors' keys."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def signed_headers(
    method: str, url: str, key_id: str, private_pem: str, body: bytes | None, now: datetime
) -> dict[str, str]:
    """Host, Date, (for a body) Digest, and the Signature over them, for
    ``method`` on ``url``: what Mastodon expects of a POST or a signed GET."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"host": parts.netloc, "date": format_datetime(now.astimezone(UTC), usegmt=True)}
    names: tuple[str, ...] = ("(request-target)", "host", "date")
    if body is not None:
        headers["digest"] = body_digest(body)
        names += ("digest",)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signed = private_key(private_pem).sign(
        signing_string(method, target, headers, names), padding.PKCS1v15(), hashes.SHA256()
    )
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signed).decode("ascii")}"'
    )
    return {name.title(): value for name, value in headers.items()}
