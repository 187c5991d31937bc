"""The worker's requests to other servers: signed GETs of actors and keys,
signed POSTs of activities. Never called from a request handler.

The addresses come from strangers (a keyId, an inbox), so each one is
checked before it is asked: https only, and no loopback, private or
link-local address, unless IST_ACTIVITYPUB_PRIVATE_NETWORKS is on (tests,
local development). Redirects are not followed; answers are read up to a
bound.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .http_signatures import signed_headers

TIMEOUT = 10
# The largest document read from another server (an actor is a few KB).
MAX_ANSWER_BYTES = 1024 * 1024
USER_AGENT = "ist-flask (ActivityPub)"
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class Refused(Exception):
    """The other server refused for good (a 4xx other than 429) or the
    address may not be asked: retrying would not help."""


class Unavailable(Exception):
    """The other server failed for now (5xx, 429, a timeout): try again later."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def check_address(url: str, private_networks: bool) -> None:
    """Refused unless ``url`` may be asked from the worker."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (private_networks and parts.scheme == "http"):
        raise Refused(f"not an https address: {url}")
    if not parts.hostname:
        raise Refused(f"no host in {url}")
    if private_networks:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise Unavailable(f"{parts.hostname} does not resolve") from error
    for _family, _type, _proto, _name, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise Refused(f"{parts.hostname} is on a private network")


def _ask(request: urllib.request.Request) -> bytes:
    try:
        with _opener.open(request, timeout=TIMEOUT) as answer:
            body: bytes = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 429 or error.code >= 500:
            raise Unavailable(f"{request.full_url} answered {error.code}") from error
        raise Refused(f"{request.full_url} answered {error.code}") from error
    except (OSError, TimeoutError) as error:
        raise Unavailable(f"{request.full_url}: {error}") from error
    if len(body) > MAX_ANSWER_BYTES:
        raise Refused(f"{request.full_url} answered too much")
    return body


def fetch_json(url: str, key_id: str, private_pem: str, private_networks: bool) -> Any:
    """GET ``url`` as ActivityPub JSON, signed (servers in secure mode want it)."""
    check_address(url, private_networks)
    headers = signed_headers("GET", url, key_id, private_pem, None, datetime.now(UTC))
    del headers["Host"]  # urllib sends the same one itself
    request = urllib.request.Request(
        url, headers={**headers, "Accept": ACCEPT, "User-Agent": USER_AGENT}
    )
    try:
        return json.loads(_ask(request))
    except ValueError as error:
        raise Refused(f"{url} did not answer JSON") from error


def post_activity(
    url: str, activity: dict[str, Any], key_id: str, private_pem: str, private_networks: bool
) -> None:
    """POST ``activity`` to the inbox at ``url``, signed."""
    check_address(url, private_networks)
    body = json.dumps(activity, ensure_ascii=False).encode("utf-8")
    headers = signed_headers("POST", url, key_id, private_pem, body, datetime.now(UTC))
    del headers["Host"]
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={**headers, "Content-Type": "application/activity+json", "User-Agent": USER_AGENT},
    )
    _ask(request)
