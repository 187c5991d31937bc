"""A signed POST to an inbox, whichever way it is signed: draft-cavage (a
`Signature` header alone, http_signatures.py) or RFC 9421 (`Signature-Input`
and `Signature`, message_signatures.py).

The inbox checks what it can before the sender's key is known (check); the
inbox, when the key is kept, or the worker, once it has fetched it, verifies
(verify). Both ask here, so the two schemes go the same way through both.
``headers`` are by lower-case name; ``target`` is the path with its query.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from . import http_signatures


def _is_message_signature(headers: Mapping[str, str]) -> bool:
    """Whether the POST is signed the RFC 9421 way. message_signatures.py is
    imported only then: its library and `cryptography` are about 8 MB that
    a process serving only pages never needs."""
    return "signature-input" in headers


def check(headers: Mapping[str, str], body: bytes, now: datetime) -> str:
    """The signature's key id, or SignatureError: the form of the signature,
    what it covers, its age and the body's digest."""
    if _is_message_signature(headers):
        from . import message_signatures

        signed = message_signatures.parse_message_signature(headers)
        message_signatures.check_covers(signed)
        message_signatures.check_created(signed, now)
        message_signatures.check_content_digest(headers.get("content-digest"), body)
        return signed.key_id
    signature = http_signatures.parse_signature(headers.get("signature", ""))
    http_signatures.check_covers(signature, "POST")
    http_signatures.check_date(headers.get("date"), now)
    http_signatures.check_digest(headers.get("digest"), body)
    return signature.key_id


def verify(
    site_url: str, target: str, headers: Mapping[str, str], body: bytes, public_pem: str
) -> None:
    """SignatureError unless the POST was signed by ``public_pem``'s key.

    An RFC 9421 signature covers the URI the sender addressed: the inbox's
    address under IST_SITE_URL, which is where the actor documents send
    servers, whatever proxy the request came through."""
    if _is_message_signature(headers):
        from . import message_signatures

        signed = message_signatures.parse_message_signature(headers)
        url = site_url.rstrip("/") + target
        message_signatures.verify_message(signed, "POST", url, headers, body, public_pem)
        return
    signature = http_signatures.parse_signature(headers.get("signature", ""))
    http_signatures.verify(signature, "POST", target, headers, public_pem)
