"""Failed-login throttling, with the `limits` library that Flask-Limiter is built on.

Only the login form consults it, so no other request pays for rate limiting.
Counts live in memory (one process) or in Redis (RATELIMIT_STORAGE_URI), so
that several processes share them.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Counts failures per key (an account, an address) in a moving window."""

    def __init__(self, storage_uri: str, limit: str, prefix: str) -> None:
        self.limit: RateLimitItem = parse(limit)
        self.prefix = prefix
        self.window = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def seconds_until_allowed(self, *keys: str) -> int:
        """0 when every key may try again, else how long the longest pause lasts."""
        wait = 0.0
        for key in keys:
            if not self.window.test(self.limit, self.prefix, key):
                reset = self.window.get_window_stats(self.limit, self.prefix, key).reset_time
                wait = max(wait, reset - time.time())
        return math.ceil(wait) if wait > 0 else 0

    def record_failure(self, *keys: str) -> None:
        for key in keys:
            self.window.hit(self.limit, self.prefix, key)


def login_throttle() -> LoginThrottle:
    return current_app.extensions["ist_login_throttle"]


def init_app(app: Flask) -> None:
    app.extensions["ist_login_throttle"] = LoginThrottle(
        app.config["RATELIMIT_STORAGE_URI"],
        app.config["LOGIN_FAILURE_LIMIT"],
        app.config["RATELIMIT_KEY_PREFIX"],
    )
