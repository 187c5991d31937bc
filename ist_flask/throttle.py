"""Sign-in throttling, with the `limits` library that Flask-Limiter is built on.

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

__all__ = ["LoginThrottle", "StorageError", "address_key", "login_throttle"]


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


class LoginThrottle:
    def __init__(
        self, storage_uri: str, prefix: str, pair: str, address: str, account: str
    ) -> None:
        self.prefix = prefix
        self.pair: RateLimitItem = parse(pair)
        self.address: RateLimitItem = parse(address)
        self.account: RateLimitItem = parse(account)
        # Storage errors (Redis away) come as limits' StorageError.
        self.window = MovingWindowRateLimiter(
            storage_from_string(storage_uri, wrap_exceptions=True)
        )

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
        for limit, key in self._windows(attempt):
            if not self.window.hit(limit, self.prefix, key):
                reset = self.window.get_window_stats(limit, self.prefix, key).reset_time
                return max(1, math.ceil(reset - time.time()))
        return 0

    def forgive(self, attempt: Attempt) -> None:
        """After a successful sign-in: the account's failures from this address are forgotten."""
        limit, key = self._windows(attempt)[0]
        self.window.clear(limit, self.prefix, key)


def login_throttle() -> LoginThrottle:
    return cast(LoginThrottle, current_app.extensions["ist_login_throttle"])


def init_app(app: Flask) -> None:
    app.extensions["ist_login_throttle"] = LoginThrottle(
        app.config["RATELIMIT_STORAGE_URI"],
        app.config["RATELIMIT_KEY_PREFIX"],
        pair=app.config["LOGIN_FAILURE_LIMIT"],
        address=app.config["LOGIN_ADDRESS_LIMIT"],
        account=app.config["LOGIN_ACCOUNT_LIMIT"],
    )
