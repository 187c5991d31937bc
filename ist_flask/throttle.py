"""Throttling, with the `limits` library that Flask-Limiter is built on: the
one home for every limit the site counts (sign-in tries, subscription
requests, the pace of outgoing mail), all in one storage.

Sign-in throttling:

Three moving windows, so that guessing is slow and nobody can lock a
maintainer out from elsewhere:

- per account and address (LOGIN_FAILURE_LIMIT, 5 per 15 minutes): the
  pause a guesser meets;
- per address (LOGIN_ADDRESS_LIMIT): one address trying many accounts;
- per account from browsers it never signed in from (LOGIN_ACCOUNT_LIMIT,
  far higher): many addresses guessing one account. A browser the account
  has signed in from carries a trusted-device cookie and is exempt, so even
  an attacker with many addresses cannot keep its owner out.

Each try reserves its place in every window with the limiter's atomic hit
before the password is checked, so that parallel tries cannot overshoot; a
successful sign-in gives the account-and-address place back. Only the sign-in
form consults this. Counts live in memory (one process) or in Redis
(RATELIMIT_STORAGE_URI), so that several processes share them.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from typing import cast

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .config import REDIS_TIMEOUT

__all__ = [
    "LoginThrottle",
    "MailPace",
    "StorageError",
    "SubscribeThrottle",
    "address_key",
    "login_throttle",
    "mail_pace",
    "subscribe_throttle",
]


def address_key(address: str | None) -> str:
    """The address a limit counts: an IPv6 client controls its whole /64."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Attempt:
    """One sign-in try: the account it names, where it comes from, and
    whether the browser has signed in to that account before."""

    account: str
    address: str
    trusted_device: bool = False


def moving_window(storage_uri: str) -> MovingWindowRateLimiter:
    # Storage errors (Redis away, or silent past REDIS_TIMEOUT) come as
    # limits' StorageError.
    options: dict[str, float] = {}
    if storage_uri.startswith(("redis", "rediss", "unix")):
        options = {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT}
    return MovingWindowRateLimiter(
        storage_from_string(storage_uri, wrap_exceptions=True, **options)
    )


def first_full(
    window: MovingWindowRateLimiter, prefix: str, windows: list[tuple[RateLimitItem, str]]
) -> int:
    """Take a place in every window, in order: 0 when all had room, else the
    seconds until the first full one has room again (the later ones are not
    counted). Raises StorageError when the counts cannot be reached."""
    for limit, key in windows:
        if not window.hit(limit, prefix, key):
            reset = window.get_window_stats(limit, prefix, key).reset_time
            return max(1, math.ceil(reset - time.time()))
    return 0


class LoginThrottle:
    def __init__(
        self, window: MovingWindowRateLimiter, prefix: str, pair: str, address: str, account: str
    ) -> None:
        self.prefix = prefix
        self.pair: RateLimitItem = parse(pair)
        self.address: RateLimitItem = parse(address)
        self.account: RateLimitItem = parse(account)
        self.window = window

    def _windows(self, attempt: Attempt) -> list[tuple[RateLimitItem, str]]:
        windows = [
            (self.pair, f"login-pair:{attempt.account}:{attempt.address}"),
            (self.address, f"login-address:{attempt.address}"),
        ]
        if not attempt.trusted_device:
            windows.append((self.account, f"login-account:{attempt.account}"))
        return windows

    def reserve(self, attempt: Attempt) -> int:
        """Take this try's place in every window: 0 when it may go on, else
        the seconds until the window that is full has room again.

        Raises StorageError when the counts cannot be reached.
        """
        return first_full(self.window, self.prefix, self._windows(attempt))

    def forgive(self, attempt: Attempt) -> None:
        """After a successful sign-in: the account's failures from this address are forgotten."""
        limit, key = self._windows(attempt)[0]
        self.window.clear(limit, self.prefix, key)


class SubscribeThrottle:
    """Subscription requests: per client address (SUBSCRIBE_CLIENT_LIMIT), so
    one client cannot try address after address, and per subscribed address
    (SUBSCRIBE_ADDRESS_LIMIT), so that nobody's inbox gets more than one
    confirmation a window, however many clients ask."""

    def __init__(
        self, window: MovingWindowRateLimiter, prefix: str, client: str, address: str
    ) -> None:
        self.window = window
        self.prefix = prefix
        self.client: RateLimitItem = parse(client)
        self.address: RateLimitItem = parse(address)

    def reserve(self, client: str, address_digest: str) -> int:
        """0 when this request may go on, else the seconds to wait. The address
        is counted by a keyed digest (subscriptions.address_digest): the
        counts' storage never holds an address."""
        windows = [
            (self.client, f"subscribe-client:{client}"),
            (self.address, f"subscribe-address:{address_digest}"),
        ]
        return first_full(self.window, self.prefix, windows)

    def release(self, address_digest: str) -> None:
        """Give the address its place back when no confirmation could be
        queued (the queue away), so that asking again once it is back is
        not refused as too many. The client's count stays."""
        self.window.clear(self.address, self.prefix, f"subscribe-address:{address_digest}")


# The shortest wait for room in the mail rate: a poll, not a busy loop.
MIN_MAIL_WAIT = 0.005


class MailPace:
    """At most MAIL_RATE messages leave, across every worker sharing the storage."""

    def __init__(self, window: MovingWindowRateLimiter, prefix: str, rate: str) -> None:
        self.window = window
        self.prefix = prefix
        self.rate: RateLimitItem = parse(rate)

    def room(self) -> float:
        """Take one message's place: 0, or the seconds until there is room.

        Raises StorageError when the counts cannot be reached."""
        if self.window.hit(self.rate, self.prefix, "mail-sent"):
            return 0
        reset = self.window.get_window_stats(self.rate, self.prefix, "mail-sent").reset_time
        # The fraction of a second it really is, not first_full's whole
        # seconds (made for Retry-After): waiting a whole second each time a
        # one-second window fills held "25 per second" to about 18 in the
        # reach benchmark. Never 0, which would mean the place was taken.
        return max(MIN_MAIL_WAIT, reset - time.time())

    def wait_for_room(self) -> None:
        """Return once one more message may be sent, having taken its place."""
        while wait := self.room():
            # A worker has nothing better to do: the queue gives it the next
            # message only once this one is sent.
            time.sleep(min(wait, 60))


def login_throttle() -> LoginThrottle:
    return cast(LoginThrottle, current_app.extensions["ist_login_throttle"])


def subscribe_throttle() -> SubscribeThrottle:
    return cast(SubscribeThrottle, current_app.extensions["ist_subscribe_throttle"])


def mail_pace() -> MailPace:
    return cast(MailPace, current_app.extensions["ist_mail_pace"])


def init_app(app: Flask) -> None:
    window = moving_window(app.config["RATELIMIT_STORAGE_URI"])
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    app.extensions["ist_login_throttle"] = LoginThrottle(
        window,
        prefix,
        pair=app.config["LOGIN_FAILURE_LIMIT"],
        address=app.config["LOGIN_ADDRESS_LIMIT"],
        account=app.config["LOGIN_ACCOUNT_LIMIT"],
    )
    app.extensions["ist_subscribe_throttle"] = SubscribeThrottle(
        window,
        prefix,
        client=app.config["SUBSCRIBE_CLIENT_LIMIT"],
        address=app.config["SUBSCRIBE_ADDRESS_LIMIT"],
    )
    app.extensions["ist_mail_pace"] = MailPace(window, prefix, app.config["MAIL_RATE"])
